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
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Round
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
        """Rounded half up to 0.1 (四舍五入), as the database rounds it for the counts
        (`coverage_figures`)."""
        if not self.school.student_count:
            return Decimal("0")
        hours = self.pupil_hours / self.school.student_count
        return hours.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

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


RECORD_FIELDS = (
    "school_id",
    "kind",
    "topic",
    "classes",
    "hours",
    "pupils",
    "letters_sent",
    "receipts_returned",
)


def _add_records(rows: dict[int, Coverage], term: Term, records) -> None:
    """Add the term's education records to each school's `Coverage` row (`rows` by school pk);
    `records` are the term's records when the caller holds them, else one query reads them."""
    if records is None:
        source = (
            EducationRecord.objects.filter(school_id__in=rows)
            .in_term(term)
            .values_list(*RECORD_FIELDS)
            .order_by()
        )
    else:
        source = [tuple(getattr(r, name) for name in RECORD_FIELDS) for r in records]
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


def coverage_rows(
    schools: list[Organisation],
    term: Term,
    *,
    today=None,
    records: list[EducationRecord] | None = None,
    appointments: list[LegalVicePrincipal] | None = None,
) -> list[Coverage]:
    """The coverage of each school in `term` (four queries whatever the number of schools;
    two fewer when the caller already holds the term's `records` and the `appointments`).
    Schools read through `coverage_figures` bring their `minimum`, and with a `planned`
    annotation (their term plan's classes, None without a plan) their plan: one query less
    for each."""
    today = today or timezone.localdate()
    settings_rows = None
    if not all(hasattr(s, "minimum") for s in schools):
        settings_rows = list(EducationSettings.objects.filter(unit__kind__in=["city", "county"]))
    rows = {
        s.pk: Coverage(
            s, term, s.minimum if hasattr(s, "minimum") else minimum_for(s, settings_rows)
        )
        for s in schools
    }
    if not rows:
        return []
    _add_records(rows, term, records)
    if all(hasattr(s, "planned") for s in schools):
        plans = [(s.pk, s.planned) for s in schools if s.planned is not None]
    else:
        plans = TermPlan.objects.filter(school_id__in=rows, term=term.key).order_by()
        plans = plans.values_list("school_id", "classes")
    for school_id, classes in plans:
        rows[school_id].planned_classes = plan_class_names(classes)
        rows[school_id].has_plan = True
    if appointments is None:
        appointments = LegalVicePrincipal.objects.filter(school_id__in=rows).current(today)
    for appointment in appointments:
        if appointment.starts_on <= today <= appointment.ends_on:
            rows[appointment.school_id].legal_vp = appointment
    return list(rows.values())


HOURS = DecimalField(max_digits=12, decimal_places=2)


class _Dividend(Func):
    """A numeric dividend as it is on PostgreSQL (exact numeric division); a REAL on SQLite,
    which divides two integers as integers (125 pupil-hours / 100 pupils = 1)."""

    template = "%(expressions)s"
    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="CAST(%(expressions)s AS REAL)")


def coverage_figures(schools: QuerySet, term: Term, *, today=None) -> QuerySet:
    """`schools` (an Organisation queryset) annotated by the database with each school's
    coverage figures in `term`, by the rules of `Coverage` (module docstring):
    `minimum` (hours per pupil, Decimal: the school's county's setting, else its city's, else
    `EducationSettings.DEFAULT_MIN_HOURS`: the two levels above a school, as `minimum_for`
    finds them in the city → county → school tree), `per_pupil` (Decimal, half up to 0.1),
    `short` (bool), `topic_count` (topics reached, of `len(Topic)`), `has_legal_vp` (bool,
    an appointment in force `today`) and `gap` (short, a topic missing or no legal vice-
    principal: the page's "gaps only"). Correlated subqueries: counting or filtering the
    whole jurisdiction reads one summary row per school (EducationTermSummary, joined) and
    the settings and appointments by index per school, a page's rows only for those rows
    (#23: the Python rows cost 2.3 s at a province's 20,000 schools)."""
    today = today or timezone.localdate()
    bureaus = EducationSettings.objects.filter(unit__kind__in=["city", "county"]).order_by()

    def setting_of(unit_ref: str) -> Subquery:
        own = bureaus.filter(unit_id=OuterRef(unit_ref)).values("min_hours_per_pupil")[:1]
        return Subquery(own, output_field=HOURS)

    default = Value(EducationSettings.DEFAULT_MIN_HOURS, output_field=HOURS)
    in_force = LegalVicePrincipal.objects.filter(school=OuterRef("pk")).current(today)
    # #23: the term's numbers from the school's summary row (EducationTermSummary), joined,
    # instead of two subqueries over its records per school
    of_term = FilteredRelation(
        "education_summaries", condition=Q(education_summaries__term=term.key)
    )
    return schools.alias(term_summary=of_term).annotate(
        pupil_hours=Coalesce(F("term_summary__pupil_hours"), Value(0), output_field=HOURS),
        minimum=Coalesce(setting_of("parent_id"), setting_of("parent__parent_id"), default),
        per_pupil=Case(
            When(student_count=0, then=Value(Decimal("0"), output_field=HOURS)),
            default=Round(
                ExpressionWrapper(
                    _Dividend(F("pupil_hours")) / F("student_count"), output_field=HOURS
                ),
                1,
            ),
            output_field=HOURS,
        ),
        short=ExpressionWrapper(Q(per_pupil__lt=F("minimum")), output_field=BooleanField()),
        topic_count=Coalesce(F("term_summary__topic_count"), 0),
        has_legal_vp=Exists(in_force),
        gap=ExpressionWrapper(
            Q(short=True) | Q(topic_count__lt=len(Topic.choices)) | Q(has_legal_vp=False),
            output_field=BooleanField(),
        ),
    )


def planned_classes(term: Term) -> Subquery:
    """The school's term plan's classes text (NULL without a plan), as an annotation for
    `coverage_rows`."""
    plan = TermPlan.objects.filter(school=OuterRef("pk"), term=term.key).values("classes")[:1]
    return Subquery(plan)


def coverage_counts(figures: QuerySet) -> dict[str, int]:
    """The page's cards over a `coverage_figures` queryset, in one query: `total` schools,
    `short` of the minimum and `vp_gaps` (no legal vice-principal in force)."""
    counts = {"total": 0, "short": 0, "vp_gaps": 0}
    groups = figures.order_by().values("short", "has_legal_vp").annotate(n=Count("pk"))
    for group in groups:  # at most four: (short?, legal vice-principal?)
        counts["total"] += group["n"]
        counts["short"] += group["n"] if group["short"] else 0
        counts["vp_gaps"] += 0 if group["has_legal_vp"] else group["n"]
    return counts


def school_coverage(school: Organisation, term: Term) -> Coverage:
    return coverage_rows([school], term)[0]


def legal_vp_gap_count(schools_queryset, *, today: datetime.date | None = None) -> int:
    """Active schools in the queryset without a legal vice-principal in force today."""
    today = today or timezone.localdate()
    covered = LegalVicePrincipal.objects.current(today).values("school_id")
    return schools_queryset.filter(is_active=True).exclude(pk__in=covered).count()


def current_term() -> Term:
    return term_of(timezone.localdate())
