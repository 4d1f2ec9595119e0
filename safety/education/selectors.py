"""Scoped reads of safety education: access helpers and the coverage of a term.

Coverage of a school in a term (docs/education.md):
- pupil-hours: Σ hours × pupils reached over lessons, themed weeks and the safety-education day;
- hours per pupil: pupil-hours ÷ the school's number of students;
- short of the minimum: hours per pupil below the bureau's minimum (EducationSettings);
- topics not covered: the eight topics with no such activity this term;
- classes with no lesson: the classes of the term plan named in no activity this term;
- legal vice-principal gap: no appointment in force today.
A fixed number of queries for any number of schools.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from safety import roles
from safety.access import access_object
from safety.models import Organisation

from .models import (
    EducationRecord,
    EducationSettings,
    LegalVicePrincipal,
    Term,
    TermPlan,
    Topic,
    plan_class_names,
    record_class_names,
    term_of,
)

PUPIL_KINDS = (
    EducationRecord.Kind.LESSON,
    EducationRecord.Kind.THEMED_WEEK,
    EducationRecord.Kind.SAFETY_DAY,
)


def access_record(user: Any, pk: int, *, for_change: bool = False) -> EducationRecord:
    queryset = EducationRecord.objects.select_related(
        "school", "recorded_by", "legal_vice_principal"
    )
    permission = roles.RECORD_EDUCATION if for_change else None
    return access_object(queryset, user, permission=permission, pk=pk)


def access_school(user: Any, pk: int, *, for_change: bool = False) -> Organisation:
    """A school the user sees (404 otherwise); with `for_change`, one it records for (403)."""
    permission = roles.RECORD_EDUCATION if for_change else None
    return access_object(Organisation.objects.schools(), user, permission=permission, pk=pk)


def access_bureau_or_school(user: Any, pk: int) -> Organisation:
    return access_object(Organisation.objects.all(), user, pk=pk)


def minimum_for(school: Organisation, rows: list[EducationSettings] | None = None) -> Decimal:
    """The minimum hours per pupil per term the school's nearest bureau set."""
    if rows is None:
        rows = list(EducationSettings.objects.filter(unit_id__in=school.ancestor_ids))
    by_unit = {row.unit_id: row for row in rows}
    for ancestor in reversed(school.ancestor_ids):
        if ancestor in by_unit:
            return by_unit[ancestor].min_hours_per_pupil
    return EducationSettings.DEFAULT_MIN_HOURS


@dataclass
class Coverage:
    school: Organisation
    term: Term
    minimum: Decimal
    pupil_hours: Decimal = Decimal("0")
    activities: int = 0
    topics: set[str] = field(default_factory=set)
    planned_classes: list[str] = field(default_factory=list)
    reached_classes: set[str] = field(default_factory=set)
    has_plan: bool = False
    letters_sent: int = 0
    receipts_returned: int = 0
    legal_vp: LegalVicePrincipal | None = None

    @property
    def hours_per_pupil(self) -> Decimal:
        if not self.school.student_count:
            return Decimal("0")
        return (self.pupil_hours / self.school.student_count).quantize(Decimal("0.1"))

    @property
    def short_of_minimum(self) -> bool:
        return self.hours_per_pupil < self.minimum

    @property
    def topics_missing(self) -> list[str]:
        return [str(label) for value, label in Topic.choices if value not in self.topics]

    @property
    def classes_without_lesson(self) -> list[str]:
        return [name for name in self.planned_classes if name not in self.reached_classes]

    @property
    def legal_vp_gap(self) -> bool:
        return self.legal_vp is None

    @property
    def receipt_rate(self) -> int | None:
        if not self.letters_sent:
            return None
        return round(100 * self.receipts_returned / self.letters_sent)


def coverage_rows(
    schools: list[Organisation],
    term: Term,
    *,
    today=None,
    records: list[EducationRecord] | None = None,
    appointments: list[LegalVicePrincipal] | None = None,
) -> list[Coverage]:
    """The coverage of each school in `term` (four queries whatever the number of schools;
    two fewer when the caller already holds the term's `records` and the `appointments`)."""
    today = today or timezone.localdate()
    settings_rows = list(EducationSettings.objects.filter(unit__kind__in=["city", "county"]))
    rows = {s.pk: Coverage(s, term, minimum_for(s, settings_rows)) for s in schools}
    if not rows:
        return []
    fields = (
        "school_id",
        "kind",
        "topic",
        "classes",
        "hours",
        "pupils",
        "letters_sent",
        "receipts_returned",
    )
    if records is None:
        source = (
            EducationRecord.objects.filter(school_id__in=rows)
            .in_term(term)
            .values_list(*fields)
            .order_by()
        )
    else:
        source = [tuple(getattr(r, name) for name in fields) for r in records]
    for school_id, kind, topic, classes, hours, pupils, sent, returned in source:
        row = rows[school_id]
        row.activities += 1
        row.letters_sent += sent
        row.receipts_returned += returned
        if kind in PUPIL_KINDS:
            row.pupil_hours += hours * pupils
            row.topics.add(topic)
            # #23: the text parsed as it is, not through a model instance per record (2.4 s
            # of the city's coverage page at 15,000 records)
            row.reached_classes.update(record_class_names(classes))
    plans = TermPlan.objects.filter(school_id__in=rows, term=term.key).order_by()
    for school_id, classes in plans.values_list("school_id", "classes"):
        rows[school_id].planned_classes = plan_class_names(classes)
        rows[school_id].has_plan = True
    if appointments is None:
        appointments = LegalVicePrincipal.objects.filter(school_id__in=rows).current(today)
    for appointment in appointments:
        if appointment.starts_on <= today <= appointment.ends_on:
            rows[appointment.school_id].legal_vp = appointment
    return list(rows.values())


def school_coverage(school: Organisation, term: Term) -> Coverage:
    return coverage_rows([school], term)[0]


def legal_vp_gap_count(schools_queryset, *, today: datetime.date | None = None) -> int:
    """Active schools in the queryset without a legal vice-principal in force today."""
    today = today or timezone.localdate()
    covered = LegalVicePrincipal.objects.current(today).values("school_id")
    return schools_queryset.filter(is_active=True).exclude(pk__in=covered).count()


def current_term() -> Term:
    return term_of(timezone.localdate())
