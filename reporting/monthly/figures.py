"""The figures of a monthly report, computed from the data, never typed.

A school report's figures are a list of *sections*. Each section gives its numbers as
`{"rows": [[row label, number, number, ...], ...]}` (`now` is the moment of compiling, e.g.
of the submission), plus the keys and labels of its number columns. #23: a section *asks*
for its numbers as columns of the school's row (`ask`: scalar subqueries and short JSON
lists, safety.onerow) and *builds* its rows from the values (`build`); every section's
columns are read in ONE query, so the report page stays within its query budget whatever
the number of sections. A section that cannot be asked that way computes alone
(`compute_alone`). `compile_school_figures` runs every section in
SCHOOL_SECTIONS and the result is frozen as JSON into the submitted version, so later changes
to the data never change what was submitted.

A county roll-up adds up its schools' frozen sections row by row (`rollup_sections`), so a
new school section appears in every county report with no further code.

Adding a section is one entry in SCHOOL_SECTIONS plus its ask and build functions. Row labels
are frozen in the installation's language (settings.LANGUAGE_CODE), so a roll-up matches rows
by the same text whoever submitted. The exact definitions of the numbers are in
docs/monthly-reports.md.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    Expression,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from inspections.models import Hazard, HazardEvent, Inspection, PublicReport, SurroundingsSpot
from reporting.activities.selectors import monthly_columns as activities_columns
from reporting.activities.selectors import monthly_rows as activities_rows
from reporting.incidents.models import Category, Incident, concealed_q, late_q, missed_q
from reporting.orders.models import RectificationOrder
from safety.education import selectors as education_selectors
from safety.education.models import EducationRecord, LegalVicePrincipal
from safety.guarding import selectors as guarding_selectors
from safety.models import (
    Assignment,
    Organisation,
    ResponsibilityLetter,
    SafetyArea,
    school_year_of,
)
from safety.onerow import count_of, one_row, rows_of, sum_of
from safety.preparedness.models import Drill
from safety.responsibility.selectors import SUMMARY_FIELDS, coverage_rows_from_kept

from .periods import add_months

SectionRows = dict[str, list[list[Any]]]


Columns = dict[str, Expression]
Computer = Callable[[Organisation, datetime.date, datetime.datetime], SectionRows]
Builder = Callable[[dict[str, Any], Organisation, datetime.date, datetime.datetime], SectionRows]


@dataclass(frozen=True)
class Section:
    """A section of the figures. Either `compute` reads the database itself, or (#23: a
    report page within 8 queries) `ask` gives its numbers as columns of the school's row —
    scalar subqueries and short JSON lists (safety.onerow), asked together with every other
    section's in ONE query — and `build` turns the values read into the section's rows."""

    key: str
    title: Promise
    columns: tuple[tuple[str, Promise], ...]
    compute_alone: (
        Callable[[Organisation, datetime.date, datetime.datetime], SectionRows] | None
    ) = None
    ask: Callable[[Organisation, datetime.date, datetime.datetime], Columns] | None = None
    build: Builder | None = None

    def compute(
        self, unit: Organisation, month: datetime.date, now: datetime.datetime
    ) -> SectionRows:
        """This section alone (tests, and a section without columns)."""
        return _compute([self], unit, month, now)[self.key]


def asked(ask, build):
    """The (ask, build) pair of a section read in the one query, as Section keywords."""
    return {"ask": ask, "build": build}


def headcounts(unit: Organisation, month: datetime.date, now: datetime.datetime) -> Columns:
    """Students and staff of the school, as recorded on its profile (read with the figures:
    the profile may have changed since the page's unit was read)."""
    return {"students": F("student_count"), "staff": F("staff_count"), "boarding": F("is_boarding")}


def headcount_rows(values, unit, month, now) -> SectionRows:
    return {"rows": [["", values["students"], values["staff"], int(values["boarding"])]]}


def month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """[first instant of the month, first instant of the next) in the installation's zone."""
    zone = timezone.get_default_timezone()
    start = datetime.datetime.combine(month, datetime.time(), tzinfo=zone)
    end = datetime.datetime.combine(add_months(month, 1), datetime.time(), tzinfo=zone)
    return start, end


def inspections(unit: Organisation, month: datetime.date, now: datetime.datetime) -> Columns:
    """Submitted inspections dated in the month, per kind, and the hazards they recorded."""
    start = month
    end = add_months(month, 1)
    by_kind = (
        Inspection.objects.filter(
            school=unit,
            status=Inspection.Status.SUBMITTED,
            inspected_on__gte=start,
            inspected_on__lt=end,
        )
        .values("kind")
        .annotate(done=Count("pk", distinct=True), hazards=Count("hazards", distinct=True))
        .order_by()
    )
    return {"by_kind": rows_of(by_kind, ("kind", "done", "hazards"))}


def inspection_rows(values, unit, month, now) -> SectionRows:
    counts = {row["kind"]: row for row in values["by_kind"]}
    return {
        "rows": [
            [
                str(label),
                counts.get(kind, {}).get("done", 0),
                counts.get(kind, {}).get("hazards", 0),
            ]
            for kind, label in Inspection.Kind.choices
        ]
    }


HAZARD_COLUMNS = ("found", "rectified", "open", "overdue")


def _hazard_counts(unit: Organisation, month: datetime.date, group_by: str) -> Columns:
    """Hazard counts of the school as of the month's end, grouped in the database (a short
    JSON list: one row per area or severity; `_hazard_counts_by` reads it).

    A hazard's status at month end is the `to_status` of its last event before the end (its
    current status if it has no event by then); "rectified" = has a CLOSED event in the
    month; "overdue" = overdue at some time in the month: it was overdue when the month began
    (its last OVERDUE / EXTENSION_GRANTED / CLOSED / REOPENED event before the start is
    OVERDUE) or became overdue in it (an OVERDUE event in the month); an extension granted
    later does not erase that (hazards without events: `first_overdue_on`, or the overdue
    flag, within the month).
    """
    start, end = month_bounds(month)
    last_day = add_months(month, 1) - datetime.timedelta(days=1)
    # #23: a hazard closed before the month began (and not flagged overdue) counts in no
    # column: it was not found, rectified, open or overdue in the month (closed_at is its
    # latest closure; a re-opening clears it). Leaving those out before the per-hazard
    # subqueries keeps the page flat in the school's history: their cost follows the
    # hazards open in or since the month, not every hazard the school ever had.
    settled = Q(status=Hazard.Status.CLOSED, closed_at__lt=start, is_overdue=False)
    rows = (
        Hazard.objects.filter(school=unit, created_at__lt=end)
        .exclude(settled)
        .alias(**_hazard_state_in_month(start, end))
        .values(group_by)
        .annotate(
            found=Count("pk", filter=Q(created_at__gte=start)),
            rectified=Count("pk", filter=Q(_event_in(HazardEvent.Action.CLOSED, start, end))),
            open=Count("pk", filter=~Q(status_at_end=Hazard.Status.CLOSED)),
            overdue=Count("pk", filter=_overdue_in_month(month, last_day)),
        )
        .order_by()
    )
    return {"counts": rows_of(rows, (group_by, *HAZARD_COLUMNS), ("group", *HAZARD_COLUMNS))}


def _hazard_counts_by(values: dict[str, Any]) -> dict[Any, list]:
    return {row["group"]: [row[column] for column in HAZARD_COLUMNS] for row in values["counts"]}


def _event_in(action: str, start: datetime.datetime, end: datetime.datetime) -> Exists:
    """The hazard has an event of `action` in [start, end)."""
    return Exists(
        HazardEvent.objects.filter(
            hazard=OuterRef("pk"), action=action, created_at__gte=start, created_at__lt=end
        )
    )


def _hazard_state_in_month(start: datetime.datetime, end: datetime.datetime) -> dict[str, Any]:
    """Aliases for `_hazard_counts`: the status at the month's end and the overdue marks."""
    Action = HazardEvent.Action
    before_end = HazardEvent.objects.filter(hazard=OuterRef("pk"), created_at__lt=end).order_by(
        "-created_at", "-id"
    )
    resets = [Action.OVERDUE, Action.EXTENSION_GRANTED, Action.CLOSED, Action.REOPENED]
    return {
        "status_at_end": Coalesce(Subquery(before_end.values("to_status")[:1]), F("status")),
        "overdue_mark": Subquery(before_end.filter(action__in=resets).values("action")[:1]),
        "overdue_at_start": Subquery(
            before_end.filter(created_at__lt=start, action__in=resets).values("action")[:1]
        ),
        "overdue_in_month": _event_in(Action.OVERDUE, start, end),
    }


def _overdue_in_month(month: datetime.date, last_day: datetime.date) -> Q:
    return (
        Q(overdue_at_start=HazardEvent.Action.OVERDUE)
        | Q(overdue_in_month=True)
        | Q(overdue_mark__isnull=True, first_overdue_on__gte=month, first_overdue_on__lte=last_day)
        | Q(overdue_mark__isnull=True, is_overdue=True, overdue_since__lte=last_day)
    )


def hazards_by_area(unit: Organisation, month: datetime.date, now: datetime.datetime) -> Columns:
    areas = SafetyArea.objects.order_by("order", "key").values("id", "name_zh", "is_active")
    return {
        **_hazard_counts(unit, month, "area_id"),
        "areas": rows_of(areas, ("id", "name_zh", "is_active")),
    }


def hazard_area_rows(values, unit, month, now) -> SectionRows:
    """Every active area, and a retired one that still has hazards in the month."""
    counts = _hazard_counts_by(values)
    zero = [0] * len(HAZARD_COLUMNS)
    return {
        "rows": [
            [area["name_zh"], *counts.get(area["id"], zero)]
            for area in values["areas"]
            if area["is_active"] or area["id"] in counts
        ]
    }


def hazards_by_severity(
    unit: Organisation, month: datetime.date, now: datetime.datetime
) -> Columns:
    return _hazard_counts(unit, month, "severity")


def hazard_severity_rows(values, unit, month, now) -> SectionRows:
    counts = _hazard_counts_by(values)
    zero = [0] * len(HAZARD_COLUMNS)
    return {
        "rows": [[str(label), *counts.get(value, zero)] for value, label in Hazard.Severity.choices]
    }


INCIDENT_COLUMNS = ("incidents", "late", "missed", "concealed")


def incidents(unit: Organisation, month: datetime.date, now: datetime.datetime) -> Columns:
    """Incidents that occurred in the month, per category, with the late (迟报), missed
    (漏报) and concealed (瞒报) ones by the incident rules (reporting.models) as of now."""
    start, end = month_bounds(month)
    by_category = (
        Incident.objects.filter(school=unit, occurred_at__gte=start, occurred_at__lt=end)
        .values("category")
        .annotate(
            incidents=Count("pk"),
            late=Count("pk", filter=late_q(now)),
            missed=Count("pk", filter=missed_q()),
            concealed=Count("pk", filter=concealed_q()),
        )
        .order_by()
    )
    return {"by_category": rows_of(by_category, ("category", *INCIDENT_COLUMNS))}


def incident_rows(values, unit, month, now) -> SectionRows:
    counts = {
        row["category"]: [row[column] for column in INCIDENT_COLUMNS]
        for row in values["by_category"]
    }
    zero = [0] * len(INCIDENT_COLUMNS)
    return {"rows": [[str(label), *counts.get(value, zero)] for value, label in Category.choices]}


def _responsibility_as_of(month: datetime.date, now: datetime.datetime) -> datetime.date:
    return min(add_months(month, 1) - datetime.timedelta(days=1), timezone.localdate(now))


def responsibility(unit: Organisation, month: datetime.date, now: datetime.datetime) -> Columns:
    """The coverage page's gaps (safety.responsibility.selectors.coverage_rows, same rules) on
    the month's last day (today for a month not yet over), and the letters issued but not yet
    signed. The gaps are read from the school's gap summary (GapSummary, kept by the
    responsibility services) when it is of that day — the running month, as schools file by
    its last day — and counted live otherwise (`responsibility_rows`)."""
    as_of = _responsibility_as_of(month, now)
    unsigned = ResponsibilityLetter.objects.filter(
        assignment__in=Assignment.objects.current(as_of).filter(unit=unit).values("pk"),
        school_year=school_year_of(as_of),
        status=ResponsibilityLetter.Status.ISSUED,
    )
    kept = {f"kept_{name}": F(f"gap_summary__{name}") for name in SUMMARY_FIELDS}
    return {
        "unsigned": count_of(unsigned),
        "kept_on": F("gap_summary__on"),
        "kept_areas": F("gap_summary__covered_areas"),
        **kept,
    }


def responsibility_rows(values, unit, month, now) -> SectionRows:
    as_of = _responsibility_as_of(month, now)
    kept = {
        **values,
        "kept_areas": _json_list(values["kept_areas"]),
        **{key: getattr(unit, key) for key in ("id", "name", "code", "kind", "school_type")},
        "parent__name": "",
    }
    grid = coverage_rows_from_kept([kept], today=as_of)
    unsigned = values["unsigned"]
    row = grid[0] if grid else None
    numbers = [
        row.missing_posts if row else 0,
        row.missing_areas if row else 0,
        row.certificate_gaps if row else 0,
        row.letter_gaps if row else 0,
        row.gap_count if row else 0,
        unsigned,
    ]
    return {
        "rows": [
            [str(label), number] for label, number in zip(RESPONSIBILITY_ROWS, numbers, strict=True)
        ]
    }


def _json_list(value: Any) -> list:
    """A JSON list read through `one_row` (a list on PostgreSQL, its text on SQLite)."""
    if isinstance(value, str):
        return json.loads(value)
    return value or []


RESPONSIBILITY_ROWS = (
    _("Required posts not held"),
    _("Safety areas without a responsible person"),
    _("Holders without a valid certificate"),
    _("Letters not signed in time"),
    _("Gaps in total"),
    _("Letters issued, not yet signed"),
)


HAZARD_COLUMN_LABELS = (
    ("found", _("Found in the month")),
    ("rectified", _("Rectified in the month")),
    ("open", _("Open at month end")),
    ("overdue", _("Overdue in the month")),
)


def drills(unit: Organisation, month: datetime.date, now: datetime.datetime) -> Columns:
    """Emergency preparedness (issue #14): drills recorded as held in the month, the pupils
    and staff taking part, and the evacuation times (timed drills and their total seconds:
    total / timed is the average, which stays right when a county adds its schools up)."""
    held = Drill.objects.filter(
        unit=unit,
        status=Drill.Status.RECORDED,
        held_on__gte=month,
        held_on__lt=add_months(month, 1),
    )
    return {
        "held": count_of(held),
        "pupils": sum_of(held, F("pupils")),
        "staff": sum_of(held, F("staff")),
        "timed": count_of(held.filter(evacuation_seconds__isnull=False)),
        "seconds": sum_of(held, F("evacuation_seconds")),
    }


def drill_rows(values, unit, month, now) -> SectionRows:
    keys = ("held", "pupils", "staff", "timed", "seconds")
    return {"rows": [["", *(int(values[key]) for key in keys)]]}


# --- daily guarding (issue #15) --------------------------------------------------------------

GUARDING_ROWS = (
    _("Days with a duty log"),
    _("Night patrol rounds due"),
    _("Night patrol rounds completed"),
    _("Patrol checkpoints missed"),
    _("Bedtime roll calls (rooms)"),
    _("Unexplained absences at roll call"),
    _("Absences not followed up in time"),
    _("Gate register entries"),
    _("Pupils who left on leave"),
    _("Pupils back late from leave"),
)


def guarding(unit: Organisation, month: datetime.date, now: datetime.datetime) -> Columns:
    """Daily guarding in the month (safety.guarding.selectors.month_columns)."""
    start, end = month_bounds(month)
    return guarding_selectors.month_columns(start, end, now)


def guarding_rows(values, unit, month, now) -> SectionRows:
    numbers = guarding_selectors.month_numbers(values)
    return {
        "rows": [[str(label), number] for label, number in zip(GUARDING_ROWS, numbers, strict=True)]
    }


SCHOOL_SECTIONS: list[Section] = [
    Section(
        "headcounts",
        _("Students and staff"),
        (("students", _("Students")), ("staff", _("Staff")), ("boarding", _("Boarding schools"))),
        **asked(headcounts, headcount_rows),
    ),
    Section(
        "inspections",
        _("Inspections in the month by kind"),
        (("done", _("Inspections submitted")), ("hazards", _("Hazards recorded"))),
        **asked(inspections, inspection_rows),
    ),
    Section(
        "hazards_by_area",
        _("Hazards by safety area"),
        HAZARD_COLUMN_LABELS,
        **asked(hazards_by_area, hazard_area_rows),
    ),
    Section(
        "hazards_by_severity",
        _("Hazards by severity"),
        HAZARD_COLUMN_LABELS,
        **asked(hazards_by_severity, hazard_severity_rows),
    ),
    Section(
        "incidents",
        _("Incidents in the month by category"),
        (
            ("incidents", _("Incidents")),
            ("late", _("Reported late (迟报)")),
            ("missed", _("Not reported (漏报)")),
            ("concealed", _("Concealed (瞒报)")),
        ),
        **asked(incidents, incident_rows),
    ),
    Section(
        "responsibility",
        _("Responsibility system at month end"),
        (("count", pgettext_lazy("monthly figures", "Number")),),
        **asked(responsibility, responsibility_rows),
    ),
    # Activities and school buses (issue #16).
    Section(
        "activities",
        _("Activities and school buses"),
        (
            ("approved", _("Activities approved")),
            ("returned", _("Applications returned")),
            ("unapproved", _("Activities held without approval")),
            ("bus_expired", _("Buses and drivers with expired documents")),
        ),
        **asked(activities_columns, activities_rows),
    ),
    # Emergency preparedness (issue #14): computed drill figures.
    Section(
        "drills",
        _("Emergency drills in the month"),
        (
            ("held", _("Drills held")),
            ("pupils", _("Pupils taking part")),
            ("staff", _("Staff taking part")),
            ("timed", _("Timed drills")),
            ("seconds", _("Total evacuation time (seconds)")),
        ),
        **asked(drills, drill_rows),
    ),
    # Daily guarding (issue #15).
    Section(
        "guarding",
        _("Daily guarding in the month"),
        (("count", pgettext_lazy("monthly figures", "Number")),),
        **asked(guarding, guarding_rows),
    ),
]


# --- Bureau supervision (issue #18) --------------------------------------------------------


def rectification_orders(
    unit: Organisation, month: datetime.date, now: datetime.datetime
) -> Columns:
    """Rectification orders to the school: issued in the month, accepted in the month, open
    at month end (issued before it, not accepted before it) and, of those, past their
    deadline on the month's last day (or today, for the running month)."""
    start, end = month_bounds(month)
    reference = min(add_months(month, 1) - datetime.timedelta(days=1), timezone.localdate(now))
    open_at_end = Q(issued_at__lt=end) & (Q(accepted_at__isnull=True) | Q(accepted_at__gte=end))
    orders = RectificationOrder.objects.filter(school=unit)
    return {
        "issued": count_of(orders.filter(issued_at__gte=start, issued_at__lt=end)),
        "accepted": count_of(orders.filter(accepted_at__gte=start, accepted_at__lt=end)),
        "open": count_of(orders.filter(open_at_end)),
        "overdue": count_of(orders.filter(open_at_end & Q(deadline__lt=reference))),
    }


def order_rows(values, unit, month, now) -> SectionRows:
    return {"rows": [["", *(values[key] for key in ("issued", "accepted", "open", "overdue"))]]}


SCHOOL_SECTIONS.append(
    Section(
        "rectification_orders",
        _("Rectification orders"),
        (
            ("issued", _("Issued in the month")),
            ("accepted", _("Accepted in the month")),
            ("open", _("Open at month end")),
            ("overdue", _("Overdue at month end")),
        ),
        **asked(rectification_orders, order_rows),
    )
)


# --- #17 education and surroundings ----------------------------------------------------------


def education(unit: Organisation, month: datetime.date, now: datetime.datetime) -> Columns:
    """Safety education held in the month (docs/monthly-reports.md): activities, lessons
    reaching pupils and their pupil-hours, parent letters and receipts; and whether the school
    has no legal vice-principal in office on the month's last day (1 = a gap, so a roll-up
    counts the schools without one)."""
    last_day = add_months(month, 1) - datetime.timedelta(days=1)
    as_of = min(last_day, timezone.localdate(now))
    records = EducationRecord.objects.filter(school=unit, held_on__gte=month, held_on__lte=last_day)
    lessons = records.filter(kind__in=list(education_selectors.PUPIL_KINDS))
    hours = ExpressionWrapper(F("hours") * F("pupils"), output_field=DecimalField())
    return {
        "activities": count_of(records),
        "lessons": count_of(lessons),
        "pupil_hours": sum_of(lessons, hours),
        "letters": sum_of(records, F("letters_sent")),
        "receipts": sum_of(records, F("receipts_returned")),
        "vice_principals": count_of(LegalVicePrincipal.objects.current(as_of).filter(school=unit)),
        "active": F("is_active"),
    }


def education_rows(values, unit, month, now) -> SectionRows:
    gap = int(bool(values["active"]) and not values["vice_principals"])
    numbers = [
        values["activities"],
        values["lessons"],
        int(values["pupil_hours"] or 0),
        int(values["letters"] or 0),
        int(values["receipts"] or 0),
        gap,
    ]
    return {"rows": [[str(label), n] for label, n in zip(EDUCATION_ROWS, numbers, strict=True)]}


EDUCATION_ROWS = (
    _("Education activities held"),
    _("Lessons, themed weeks and safety days"),
    _("Pupil-hours of safety education"),
    _("Parent letters sent"),
    _("Parent letter receipts returned"),
    _("Schools without a legal vice-principal"),
)


def surroundings(unit: Organisation, month: datetime.date, now: datetime.datetime) -> Columns:
    """Surroundings spots by kind: found in the month, and open (open or referred) when the
    figures are compiled; public reports received and accepted in the month."""
    start, end = month_bounds(month)
    by_kind = (
        SurroundingsSpot.objects.filter(school=unit, created_at__lt=end)
        .values("kind")
        .annotate(
            found=Count("pk", filter=Q(created_at__gte=start)),
            open=Count("pk", filter=Q(status__in=SurroundingsSpot.OPEN_STATUSES)),
        )
        .order_by()
    )
    reports = PublicReport.objects.filter(school=unit, created_at__gte=start, created_at__lt=end)
    return {
        "by_kind": rows_of(by_kind, ("kind", "found", "open")),
        "received": count_of(reports),
        "accepted": count_of(reports.filter(status=PublicReport.Status.ACCEPTED)),
    }


def surroundings_rows(values, unit, month, now) -> SectionRows:
    counts = {row["kind"]: [row["found"], row["open"]] for row in values["by_kind"]}
    rows = [
        [str(label), *counts.get(value, [0, 0])] for value, label in SurroundingsSpot.Kind.choices
    ]
    rows.append(
        [str(_("Public reports received / accepted")), values["received"], values["accepted"]]
    )
    return {"rows": rows}


SCHOOL_SECTIONS.append(  # #17 education
    Section(
        "education",
        _("Safety education in the month"),
        (("count", pgettext_lazy("monthly figures", "Number")),),
        **asked(education, education_rows),
    )
)
SCHOOL_SECTIONS.append(  # #17 surroundings
    Section(
        "surroundings",
        _("Surroundings spots by kind"),
        (("found", _("Found in the month")), ("open", _("Open when compiled"))),
        **asked(surroundings, surroundings_rows),
    )
)


def section_by_key(key: str) -> Section | None:
    return next((section for section in SCHOOL_SECTIONS if section.key == key), None)


def compile_school_figures(
    unit: Organisation, month: datetime.date, now: datetime.datetime | None = None
) -> dict[str, Any]:
    """Every registered section for the school and month, ready to freeze as JSON (row
    labels in the installation's language, whatever the submitter's)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _compile(unit, month, now or timezone.now())


def _compute(
    sections: list[Section], unit: Organisation, month: datetime.date, now: datetime.datetime
) -> dict[str, SectionRows]:
    """The rows of `sections` by key: every asking section's columns in one query (named
    `<section>__<column>`, so no name meets a field of the unit), then each section built."""
    asking = [section for section in sections if section.ask is not None]
    values = one_row(
        unit.pk,
        {
            f"{section.key}__{name}": expression
            for section in asking
            for name, expression in section.ask(unit, month, now).items()
        },
    )

    def rows(section: Section) -> SectionRows:
        if section.ask is None:
            return section.compute_alone(unit, month, now)
        prefix = f"{section.key}__"
        own = {key.removeprefix(prefix): v for key, v in values.items() if key.startswith(prefix)}
        return section.build(own, unit, month, now)

    return {section.key: rows(section) for section in sections}


def _compile(unit: Organisation, month: datetime.date, now: datetime.datetime) -> dict[str, Any]:
    """Every section's columns asked in one query (#23), then each section built."""
    computed = _compute(SCHOOL_SECTIONS, unit, month, now)
    return {
        "kind": "school",
        "month": month.isoformat(),
        "compiled_at": now.isoformat(),
        "sections": {
            section.key: {
                "columns": [key for key, _label in section.columns],
                **computed[section.key],
            }
            for section in SCHOOL_SECTIONS
        },
    }


def rollup_sections(figures_list: list[dict[str, Any]]) -> dict[str, Any]:
    """Add up frozen school sections row by row (rows matched by their label)."""
    totals: dict[str, Any] = {}
    for figures in figures_list:
        for key, section in (figures.get("sections") or {}).items():
            target = totals.setdefault(key, {"columns": section["columns"], "rows": {}})
            for label, *values in section["rows"]:
                row = target["rows"].setdefault(label, [0] * len(values))
                for index, value in enumerate(values):
                    if isinstance(value, int | float) and index < len(row):
                        row[index] += value
    return {
        key: {"columns": value["columns"], "rows": _items(value)} for key, value in totals.items()
    }


def _items(section: dict[str, Any]) -> list[list[Any]]:
    return [[label, *values] for label, values in section["rows"].items()]


def section_tables(figures: dict[str, Any]) -> list[dict[str, Any]]:
    """Frozen sections with their labels, for templates; unknown keys show as they are."""
    tables = []
    for key, section in (figures.get("sections") or {}).items():
        registered = section_by_key(key)
        labels = dict(registered.columns) if registered else {}
        tables.append(
            {
                "key": key,
                "title": registered.title if registered else key,
                "columns": [labels.get(column, column) for column in section["columns"]],
                "rows": section["rows"],
            }
        )
    return tables
