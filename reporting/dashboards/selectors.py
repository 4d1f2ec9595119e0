"""The figures of the home dashboards, computed in the database.

Every function takes querysets that are already scoped to the user (and, for the city, to
the chosen county) and answers with one grouped query per family of figures, so the page
costs the same number of queries for a county of 20 schools and a city of 3,000. The
dashboard's links lead to lists that apply the same conditions (see docs/dashboards.md);
tests/reporting/test_dashboards.py follows every link and compares the counts.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypedDict
from urllib.parse import urlencode

from django.db.models import (
    Count,
    DateField,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from inspections import tally
from inspections.campaigns import selectors as campaign_selectors
from inspections.models import (
    Hazard,
    HazardMonth,
    HazardTally,
    Inspection,
    PublicReport,
    SurroundingsSpot,
)
from reporting.activities import selectors as activity_selectors
from reporting.incidents import selectors as incident_selectors
from reporting.incidents.models import Category, Incident, SchoolVeto, late_q, missed_q
from reporting.monthly.models import MonthlyReport
from reporting.monthly.selectors import (
    add_months,
    due_date,
    reporting_children,
    reports_for,
    reports_monthly,
    review_queue,
    school_due_date,
    unit_status,
)
from reporting.notices import selectors as notice_selectors
from reporting.orders import selectors as order_selectors
from safety import roles
from safety.education.models import EducationRecord, LegalVicePrincipal, term_of
from safety.education.selectors import PUPIL_KINDS
from safety.models import Organisation, ResponsibilityLetter, SafetyArea, User, current_school_year
from safety.responsibility.selectors import GridRow, kept_coverage_rows, unit_gap_count
from safety.selectors import day_start, local_days

from . import province
from .forms import Period

CLOSED = Hazard.Status.CLOSED
OPEN = ~Q(status=CLOSED)

# The inspections a school is expected to file each month (DOMAIN.md: weekly self-checks
# and a monthly full check). There is no plan model yet: this constant is the plan.
INSPECTION_PLAN: tuple[tuple[str, int], ...] = (
    (Inspection.Kind.SELF_MONTHLY, 1),
    (Inspection.Kind.SELF_WEEKLY, 4),
)
TREND_MONTHS = 12
WORST_UNITS = 10


class TrendRow(TypedDict):
    month: datetime.date
    found: int
    closed: int
    url: str


class AreaRow(TypedDict):
    area: SafetyArea
    general: int
    major: int
    open: int
    overdue: int
    open_url: str
    overdue_url: str


class OverdueRow(TypedDict):
    name: str
    count: int
    url: str


class CategoryRow(TypedDict):
    category: str
    label: str
    count: int
    url: str


class SchoolHazardFigures(TypedDict):
    rows: list[AreaRow]
    open: int
    overdue: int
    open_url: str
    overdue_url: str


class PlanRow(TypedDict):
    kind: str
    done: int
    expected: int
    complete: bool


def link(name: str, *args: Any, **query: Any) -> str:
    """A URL with the non-empty query parameters (the lists ignore empty ones anyway)."""
    url = reverse(name, args=args)
    params = {key: value for key, value in query.items() if value not in (None, "", False)}
    return f"{url}?{urlencode(params)}" if params else url


@dataclass
class Figure:
    key: str
    label: str
    value: int | str
    url: str = ""
    note: str = ""
    css: str = ""
    total: int | None = None  # the denominator of a rate: the rows of the linked list
    # The linked page's context value showing the same number (default: its list's total).
    count_key: str = ""

    @property
    def count(self) -> int | None:
        """The number the linked page shows: the rate's denominator, or the value."""
        if self.total is not None:
            return self.total
        return self.value if isinstance(self.value, int) else None


@dataclass
class Scope:
    """What a bureau dashboard counts: the user's jurisdiction, or one county of it."""

    user: User
    unit: Organisation
    county: Organisation | None = None

    @property
    def query(self) -> dict[str, Any]:
        """The lists' county filter (only the city's lists have one)."""
        return {"county": self.county.pk} if self.county else {}

    def narrow(self, queryset: QuerySet, lookup: str = "school") -> QuerySet:
        if self.county is None:
            return queryset
        return queryset.filter(**{f"{lookup}__path__startswith": self.county.path})

    def hazards(self) -> QuerySet[Hazard]:
        return self.narrow(Hazard.objects.visible_to(self.user))

    def incidents(self) -> QuerySet[Incident]:
        return self.narrow(Incident.objects.visible_to(self.user))

    def units(self) -> QuerySet[Organisation]:
        """The active units counted: schools and bureaus (the county's own included)."""
        units = Organisation.objects.visible_to(self.user).filter(is_active=True)
        return units.below(self.county) if self.county else units


def _in_period(prefix: str, period: Period) -> Q:
    """`prefix` (a timestamp) within the period's local days, as a range an index serves."""
    return local_days(prefix, period.first, period.last)


# --- Hazards ---------------------------------------------------------------------------------


@dataclass
class HazardCounts:
    """What the bureau dashboard knows about hazards, read once: the open hazards per bureau
    (the schools' parent), area, severity and overdue flag, and the hazards found and closed
    per month. At bureau level both come from the summaries PostgreSQL's triggers keep (the
    tally and the hazards of each month, inspections/tally.py), never from the hazard table;
    on SQLite (the demo) and for a school they are counted from the hazards."""

    open_rows: list[dict[str, Any]]  # bureau_id, bureau_name, bureau_kind, area_id, ...
    months: dict[datetime.date, tuple[int, int]]  # month -> (found, closed)

    def total(self, **match: Any) -> int:
        return sum(
            row["n"]
            for row in self.open_rows
            if all(row[key] == value for key, value in match.items())
        )

    def found(self, period: Period) -> int:
        first, last = period.first.replace(day=1), period.last.replace(day=1)
        return sum(found for month, (found, _c) in self.months.items() if first <= month <= last)


def _summaries_serve(scope: Scope) -> bool:
    return tally.is_kept() and scope.unit is not None and scope.unit.is_bureau


def _open_rows(scope: Scope) -> list[dict[str, Any]]:
    if _summaries_serve(scope):
        rows = HazardTally.objects.visible_to(scope.user).exclude(status=CLOSED)
        if scope.county is not None:
            rows = rows.filter(bureau__path__startswith=scope.county.path)
        n, prefix = Sum("count"), "bureau"
    else:
        rows, n, prefix = scope.hazards().filter(OPEN), Count("id"), "school__parent"
    keys = (f"{prefix}_id", f"{prefix}__name", f"{prefix}__kind")
    fetched = rows.order_by().values(*keys, "area_id", "severity", "is_overdue").annotate(n=n)
    return [
        {
            "bureau_id": row.pop(keys[0]),
            "bureau_name": row.pop(keys[1]),
            "bureau_kind": row.pop(keys[2]),
            **row,
        }
        for row in fetched
    ]


def _month_rows(scope: Scope, months: list[datetime.date], period: Period | None):
    """(month, found, closed) of the trend's months and of the period's."""
    wanted = Q(month__gte=months[0])
    if period is not None:
        wanted |= Q(month__gte=period.first.replace(day=1), month__lte=period.last)
    if _summaries_serve(scope):
        rows = HazardMonth.objects.visible_to(scope.user).filter(wanted)
        if scope.county is not None:
            rows = rows.filter(bureau__path__startswith=scope.county.path)
        return rows.order_by().values("month").annotate(f=Sum("found"), c=Sum("closed"))
    return _month_rows_counted(scope, months, period)


def _month_rows_counted(scope: Scope, months: list[datetime.date], period: Period | None):
    """The same rows counted from the hazard table (SQLite, where no trigger keeps them)."""
    start = months[0] if period is None else min(months[0], period.first.replace(day=1))
    hazards = scope.hazards().order_by()
    found = (
        hazards.filter(created_at__gte=day_start(start))
        .annotate(m=TruncMonth("created_at"))
        .values("m")
        .annotate(n=Count("id"))
        .values_list("m", "n")
    )
    closed = (
        hazards.filter(status=CLOSED, closed_at__gte=day_start(start))
        .annotate(m=TruncMonth("closed_at"))
        .values("m")
        .annotate(n=Count("id"))
        .values_list("m", "n")
    )
    by_month: dict[datetime.date, dict[str, int]] = {}
    for key, rows in (("f", found), ("c", closed)):
        for month, count in rows:
            row = by_month.setdefault(_local_month(month), {"f": 0, "c": 0})
            row[key] += count
    return [{"month": month, **row} for month, row in by_month.items()]


def trend_months(today: datetime.date) -> list[datetime.date]:
    return [add_months(today.replace(day=1), offset) for offset in range(1 - TREND_MONTHS, 1)]


def hazard_counts(scope: Scope, today: datetime.date, period: Period | None = None) -> HazardCounts:
    """The dashboard's hazard numbers for `scope` (see HazardCounts): two queries."""
    rows = _month_rows(scope, trend_months(today), period)
    return HazardCounts(
        open_rows=_open_rows(scope),
        months={row["month"]: (row["f"], row["c"]) for row in rows},
    )


def hazard_figures(
    scope: Scope, period: Period, counts: HazardCounts | None = None
) -> list[Figure]:
    counts = counts or hazard_counts(scope, period.last, period)
    open_, overdue = counts.total(), counts.total(is_overdue=True)
    major = counts.total(severity=Hazard.Severity.MAJOR)
    found = counts.found(period)
    ledger, query = "inspections:ledger", scope.query
    return [
        Figure("open_hazards", _("Open hazards"), open_, link(ledger, open=1, **query)),
        Figure(
            "overdue_hazards",
            _("Overdue hazards"),
            overdue,
            link(ledger, overdue=1, **query),
            css="figure-alert" if overdue else "",
        ),
        Figure(
            "major_hazards",
            _("Open major hazards"),
            major,
            link(ledger, open=1, severity=Hazard.Severity.MAJOR, **query),
        ),
        Figure(
            "hazards_found",
            _("Hazards found in the period"),
            found,
            link(ledger, **period.query(), **query),
        ),
    ]


def _local_month(value: datetime.date | datetime.datetime) -> datetime.date:
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        value = value.date()
    return value.replace(day=1)


def hazard_trend(
    scope: Scope, today: datetime.date, counts: HazardCounts | None = None
) -> list[TrendRow]:
    """Hazards found and closed per month over the last twelve months, oldest first."""
    counts = counts or hazard_counts(scope, today)
    return [
        {
            "month": month,
            "found": counts.months.get(month, (0, 0))[0],
            "closed": counts.months.get(month, (0, 0))[1],
            "url": link(
                "inspections:ledger",
                date_from=month.isoformat(),
                date_to=add_months(month, 1) - datetime.timedelta(days=1),
                **scope.query,
            ),
        }
        for month in trend_months(today)
    ]


def open_by_area(
    scope: Scope, areas: list[SafetyArea], counts: HazardCounts | None = None
) -> list[AreaRow]:
    """Open hazards per safety area, split by severity, with the overdue ones."""
    rows = counts.open_rows if counts is not None else _open_rows(scope)
    by_area: dict[int, dict[str, int]] = {}
    for row in rows:
        area = by_area.setdefault(row["area_id"], {"general": 0, "major": 0, "overdue": 0})
        area[row["severity"]] = area.get(row["severity"], 0) + row["n"]
        area["overdue"] += row["n"] if row["is_overdue"] else 0
    result = []
    for area in areas:
        row = by_area.get(area.pk, {"general": 0, "major": 0, "overdue": 0})
        result.append(
            {
                "area": area,
                "general": row["general"],
                "major": row["major"],
                "open": row["general"] + row["major"],
                "overdue": row["overdue"],
                "open_url": link("inspections:ledger", open=1, area=area.pk, **scope.query),
                "overdue_url": link("inspections:ledger", overdue=1, area=area.pk, **scope.query),
            }
        )
    return result


def _overdue_by_bureau(counts: HazardCounts) -> list[OverdueRow]:
    """The city's overdue hazards per county (the city's own schools as one row)."""
    totals: dict[int, list[Any]] = {}
    for row in counts.open_rows:
        if row["is_overdue"] and row["n"]:
            entry = totals.setdefault(row["bureau_id"], [0, row["bureau_name"], row["bureau_kind"]])
            entry[0] += row["n"]
    worst = sorted(totals.items(), key=lambda item: (-item[1][0], item[1][1]))[:WORST_UNITS]
    county = Organisation.Kind.COUNTY
    return [
        {
            "name": name if kind == county else _("City-direct schools"),
            "count": count,
            "url": link("inspections:ledger", overdue=1, county=pk) if kind == county else "",
        }
        for pk, (count, name, kind) in worst
    ]


def overdue_by_unit(scope: Scope, counts: HazardCounts | None = None) -> list[OverdueRow]:
    """Overdue hazards per county (the whole city, from the summaries) or per school (a
    county: the open overdue hazards, which the index on (is_overdue, status) finds), worst
    first. A province (#23): per city."""
    if province.is_province_level(scope.unit, scope.county):
        return province.overdue_by_city(scope.hazards().filter(OPEN, is_overdue=True).order_by())
    if scope.unit.kind == Organisation.Kind.CITY and scope.county is None:
        return _overdue_by_bureau(counts or hazard_counts(scope, timezone.localdate()))
    overdue = scope.hazards().filter(OPEN, is_overdue=True).order_by()
    rows = (
        overdue.values("school__name", "school__code")
        .annotate(count=Count("id"))
        .order_by("-count", "school__name")[:WORST_UNITS]
    )
    return [
        {
            "name": row["school__name"],
            "count": row["count"],
            "url": link("inspections:ledger", overdue=1, school=row["school__code"], **scope.query),
        }
        for row in rows
    ]


# --- Incidents -------------------------------------------------------------------------------


def incident_figures(scope: Scope, period: Period, today: datetime.date) -> list[Figure]:
    year = Period("year", today.replace(month=1, day=1), today, "")
    in_period = _in_period("occurred_at", period)
    counts = scope.incidents().aggregate(
        period=Count("id", filter=in_period),
        year=Count("id", filter=_in_period("occurred_at", year)),
        late=Count("id", filter=in_period & late_q(timezone.now())),
        missed=Count("id", filter=in_period & missed_q()),
    )
    incidents, query = "incidents:incident_list", scope.query
    return [
        Figure(
            "incidents_period",
            _("Incidents in the period"),
            counts["period"],
            link(incidents, **period.query(), **query),
        ),
        Figure(
            "incidents_year",
            _("Incidents this year"),
            counts["year"],
            link(incidents, **year.query(), **query),
        ),
        Figure(
            "incidents_late",
            _("Reported late (迟报)"),
            counts["late"],
            link(incidents, flag="late", **period.query(), **query),
            css="figure-alert" if counts["late"] else "",
        ),
        Figure(
            "incidents_missed",
            _("Missed reports (漏报)"),
            counts["missed"],
            link(incidents, flag="missed", **period.query(), **query),
            css="figure-alert" if counts["missed"] else "",
        ),
    ]


def incidents_by_category(scope: Scope, period: Period) -> list[CategoryRow]:
    """Incidents of the period per category (every category, zeros included), each linked to
    the incident list filtered the same way."""
    rows = dict(
        scope.incidents()
        .filter(_in_period("occurred_at", period))
        .order_by()
        .values("category")
        .annotate(count=Count("id"))
        .values_list("category", "count")
    )
    return [
        {
            "category": value,
            "label": label,
            "count": rows.get(value, 0),
            "url": link("incidents:incident_list", category=value, **period.query(), **scope.query),
        }
        for value, label in Category.choices
    ]


# --- Monthly reports, responsibility, veto ---------------------------------------------------


def report_month(period: Period, today: datetime.date) -> datetime.date:
    """The month whose monthly reports the dashboard shows: the last month of the period
    whose school reports are already due (the current month's are not due until its last
    day, so "this month" shows last month's submissions)."""
    month = min(period.last, today).replace(day=1)
    if today <= school_due_date(month):
        month = add_months(month, -1)
    return month


def monthly_figures(scope: Scope, period: Period, today: datetime.date) -> list[Figure]:
    """The units reporting to the bureau (a county's schools; the city's counties and
    city-direct schools) and how many submitted their report for the month — the same
    units and statuses as the monthly review console."""
    parent = scope.county or scope.unit
    month = report_month(period, today)
    units = Organisation.objects.visible_to(scope.user).filter(
        pk__in=reporting_children(parent).values("pk")
    )
    per_kind = dict(
        units.order_by().values("kind").annotate(n=Count("id")).values_list("kind", "n")
    )
    submitted = dict(
        MonthlyReport.objects.filter(unit__in=units, month=month)
        .exclude(status=MonthlyReport.Status.DRAFT)
        .order_by()
        .values("unit__kind")
        .annotate(n=Count("id"))
        .values_list("unit__kind", "n")
    )
    total = sum(per_kind.values())
    done = sum(submitted.values())
    missing = sum(
        count - submitted.get(kind, 0)
        for kind, count in per_kind.items()
        if today > due_date(Organisation(kind=kind), month)
    )
    console = {"month": f"{month:%Y-%m}", **scope.query}
    rate = f"{round(100 * done / total)}%" if total else "—"
    return [
        Figure(
            "monthly_rate",
            _("Monthly reports submitted"),
            rate,
            link("monthly:console", **console),
            note=_("%(done)s of %(total)s units, %(month)s")
            % {"done": done, "total": total, "month": f"{month:%Y-%m}"},
            total=total,
        ),
        Figure(
            "monthly_missing",
            _("Missing monthly reports"),
            missing,
            link("monthly:console", status="missing", **console),
            note=f"{month:%Y-%m}",
            css="figure-alert" if missing else "",
        ),
    ]


def coverage_figures(rows: list[GridRow], scope: Scope) -> list[Figure]:
    """Units (schools and bureaus, the bureau's own included) with and without coverage
    gaps, from the coverage grid's `rows` of `scope.units()`; both link to that grid."""
    with_gaps = sum(1 for row in rows if row.gap_count)
    covered = len(rows) - with_gaps
    rate = f"{round(100 * covered / len(rows))}%" if rows else "—"
    grid = link("responsibility:coverage_grid", **scope.query)
    return [
        Figure(
            "coverage_rate",
            _("Units with every responsibility assigned"),
            rate,
            grid,
            note=_("%(covered)s of %(total)s units") % {"covered": covered, "total": len(rows)},
            total=len(rows),
        ),
        Figure(
            "units_with_gaps",
            _("Units with coverage gaps"),
            with_gaps,
            grid,
            css="figure-alert" if with_gaps else "",
            count_key="units_with_gaps",
        ),
    ]


def veto_figure(scope: Scope, today: datetime.date) -> Figure:
    count = scope.narrow(SchoolVeto.objects.visible_to(scope.user)).filter(year=today.year).count()
    return Figure(
        "vetoed_schools",
        _("Schools under the one-vote veto"),
        count,
        link("incidents:incident_list", veto=today.year, **scope.query),
        note=str(today.year),
        css="figure-alert" if count else "",
    )


# --- #17 education and surroundings ----------------------------------------------------------


def _per_school(queryset: QuerySet, value: Any) -> Coalesce:
    """Σ over the schools of a per-school subquery (`value` aggregated by school)."""
    rows = queryset.filter(school=OuterRef("pk")).order_by().values("school")
    return Coalesce(
        Sum(Subquery(rows.annotate(v=value).values("v"), output_field=DecimalField())),
        Value(Decimal("0")),
        output_field=DecimalField(),
    )


def education_figures(scope: Scope, today: datetime.date) -> list[Figure]:
    """Legal vice-principal gaps, safety-education hours per pupil this term, open
    surroundings spots and public reports waiting: one query. Always the user's whole
    jurisdiction (the county filter does not apply): the lists they link to have no county
    filter."""
    term = term_of(today)
    schools = Organisation.objects.visible_to(scope.user).filter(
        kind=Organisation.Kind.SCHOOL, is_active=True
    )
    current = LegalVicePrincipal.objects.current(today).filter(school=OuterRef("pk"))
    pupil_hours = ExpressionWrapper(F("hours") * F("pupils"), output_field=DecimalField())
    numbers = schools.aggregate(
        schools=Count("pk"),
        vp_gaps=Count("pk", filter=~Q(Exists(current))),
        students=Coalesce(Sum("student_count"), 0),
        pupil_hours=_per_school(
            EducationRecord.objects.in_term(term).filter(kind__in=PUPIL_KINDS), Sum(pupil_hours)
        ),
        open_spots=_per_school(SurroundingsSpot.objects.open(), Count("pk")),
        waiting=_per_school(
            PublicReport.objects.filter(status=PublicReport.Status.UNVERIFIED), Count("pk")
        ),
    )
    students = numbers["students"]
    hours = f"{numbers['pupil_hours'] / students:.1f}" if students else "—"
    return [
        Figure(
            "legal_vp_gaps",
            _("Schools without a legal vice-principal"),
            numbers["vp_gaps"],
            link("education:coverage"),
            css="figure-alert" if numbers["vp_gaps"] else "",
            count_key="vp_gaps",
        ),
        Figure(
            "education_hours",
            _("Safety education hours per pupil this term"),
            hours,
            link("education:coverage"),
            note=str(term.label),
            total=numbers["schools"],
        ),
        Figure(
            "open_spots",
            _("Open surroundings spots"),
            int(numbers["open_spots"]),
            link("surroundings:spot_list", open="on"),
        ),
        Figure(
            "public_reports_waiting",
            _("Public reports to verify"),
            int(numbers["waiting"]),
            link("surroundings:report_list"),
            css="figure-alert" if numbers["waiting"] else "",
        ),
    ]


@dataclass
class BureauDashboard:
    hazards: list[Figure]
    incidents: list[Figure]
    monthly: list[Figure]
    coverage: list[Figure]
    veto: Figure
    trend: list[TrendRow]
    areas: list[AreaRow]
    overdue: list[OverdueRow]
    categories: list[CategoryRow]
    own_gap_count: int = 0  # the bureau's own coverage gaps (its posts, certificates, letters)
    figures: list[Figure] = field(default_factory=list)
    activities: list[Figure] = field(default_factory=list)  # issue #16
    activities_awaiting: int = 0  # issue #16: the user's to-do, counted with the figures
    education: list[Figure] = field(default_factory=list)  # #17

    def __post_init__(self) -> None:
        self.figures = [
            *self.hazards,
            *self.incidents,
            *self.monthly,
            *self.coverage,
            self.veto,
            *self.activities,
            *self.education,
        ]


def bureau_dashboard(scope: Scope, period: Period, today: datetime.date) -> BureauDashboard:
    """Every figure, series and table of a bureau's home page for `scope` and `period`: one
    grouped query per figure family, however many schools the jurisdiction holds."""
    areas = list(SafetyArea.objects.filter(is_active=True))
    coverage = kept_coverage_rows(scope.units().order_by(), today=today)
    own = [row.gap_count for row in coverage if row.school_id == scope.unit.pk]
    counts = hazard_counts(scope, today, period)
    return BureauDashboard(
        hazards=hazard_figures(scope, period, counts),
        incidents=incident_figures(scope, period, today),
        monthly=monthly_figures(scope, period, today),
        coverage=coverage_figures(coverage, scope),
        own_gap_count=own[0] if own else unit_gap_count(scope.unit),
        veto=veto_figure(scope, today),
        trend=hazard_trend(scope, today, counts),
        areas=open_by_area(scope, areas, counts),
        overdue=overdue_by_unit(scope, counts),
        categories=incidents_by_category(scope, period),
        **activity_figures(scope, period),
        education=education_figures(scope, today),  # #17
    )


# --- Activities and school buses (issue #16) ---------------------------------------------------


def activity_figures(scope: Scope, period: Period) -> dict[str, Any]:
    """Activities approved, returned and held without approval in the period, buses and
    drivers with expired documents, and the applications waiting for the user: one query."""
    counts = activity_selectors.dashboard_counts(
        scope.user, scope.unit, period.first, period.last, scope.county
    )
    labels = activity_selectors.FIGURE_LABELS
    figures = [
        Figure(
            f"activities_{key}",
            str(labels[key]),
            counts[key],
            link("activities:list", figure=key, **period.query(), **scope.query),
            css="figure-alert" if key == "unapproved" and counts[key] else "",
        )
        for key in activity_selectors.FIGURE_KEYS
    ]
    expired = counts["expired"]
    figures.append(
        Figure(
            "bus_documents_expired",
            str(labels["expired"]),
            expired,
            link("activities:buses", state="expired", **scope.query),
            css="figure-alert" if expired else "",
            count_key="register_total",
        )
    )
    return {"activities": figures, "activities_awaiting": counts["awaiting"]}


# --- The school's home -----------------------------------------------------------------------


@dataclass
class ReportTask:
    month: datetime.date
    status: Any
    due: datetime.date
    url: str

    @property
    def needs_action(self) -> bool:
        return self.status in ("not_started", "draft", "returned", "missing")


@dataclass
class SchoolTasks:
    rectify: list[Hazard]
    verify: list[Hazard]
    extensions: list[Hazard]
    assign: list[Hazard]
    incidents: list[Incident]
    reports: list[ReportTask]
    letters: int
    letters_url: str
    activities: int = 0  # issue #16: applications waiting for the school leader's decision
    activities_url: str = ""
    supervision: SupervisionTasks = field(default_factory=lambda: SupervisionTasks())  # #18
    explanations: int = 0  # #19: written explanations of late reports the school owes

    explanations_url = property(
        lambda self: link("incidents:incident_list", explanation="to_write")
    )

    @property
    def count(self) -> int:
        """The items of the list, as many as it shows (letters count one each)."""
        return (
            self.explanations
            + len(self.rectify)
            + len(self.verify)
            + len(self.extensions)
            + len(self.assign)
            + len(self.incidents)
            + len(self.reports)
            + self.letters
            + self.activities
            + self.supervision.count
        )


TASK_HAZARDS = 100


def _hazard_tasks(user: User) -> QuerySet[Hazard]:
    """The open hazards waiting for `user`: to rectify (owner), to verify (supervisor, or any
    verifier of a hazard fixed on the spot, which has no supervisor, except its reporter), an
    extension to decide (supervisor), and — for a role that assigns — hazards reported and
    waiting for an owner and a deadline."""
    waiting = (
        Q(owner=user, status=Hazard.Status.IN_RECTIFICATION)
        | Q(supervisor=user, status=Hazard.Status.PENDING_VERIFICATION)
        | Q(supervisor=user, extension_until__isnull=False)
    )
    if user.has_perm(roles.ASSIGN_RECTIFICATION):
        waiting |= Q(status=Hazard.Status.REPORTED)
    if user.has_perm(roles.VERIFY_RECTIFICATION):
        waiting |= Q(
            status=Hazard.Status.PENDING_VERIFICATION, fixed_on_spot=True, supervisor__isnull=True
        ) & ~Q(reporter=user)
    return (
        Hazard.objects.visible_to(user)
        .filter(waiting)
        .filter(OPEN)
        .select_related("area")
        .order_by("deadline", "id")[:TASK_HAZARDS]
    )


def _sort_hazard_tasks(user: User, hazards: QuerySet[Hazard]) -> dict[str, list[Hazard]]:
    lists: dict[str, list[Hazard]] = {"rectify": [], "verify": [], "extensions": [], "assign": []}
    for hazard in hazards:
        mine = hazard.supervisor_id == user.pk
        if mine and hazard.extension_until is not None:
            lists["extensions"].append(hazard)
        if hazard.status == Hazard.Status.PENDING_VERIFICATION and (
            mine or hazard.supervisor_id is None
        ):
            lists["verify"].append(hazard)
        if hazard.owner_id == user.pk and hazard.status == Hazard.Status.IN_RECTIFICATION:
            lists["rectify"].append(hazard)
        if hazard.status == Hazard.Status.REPORTED:
            lists["assign"].append(hazard)
    return lists


def report_tasks(unit: Organisation, today: datetime.date) -> list[ReportTask]:
    """The unit's own monthly reports of last and this month that still need its action (not
    started, draft, returned, missing): a report submitted or approved leaves the list. Empty
    for a unit that does not report (the city)."""
    if not reports_monthly(unit):
        return []
    months = [add_months(today.replace(day=1), -1), today.replace(day=1)]
    reports = reports_for([unit], months)
    rows = [
        ReportTask(
            month,
            unit_status(unit, month, reports.get((unit.pk, month)), today),
            due_date(unit, month),
            reverse("monthly:report", args=[unit.pk, f"{month:%Y-%m}"]),
        )
        for month in months
    ]
    return [row for row in rows if row.needs_action]


def school_tasks(user: User, school: Organisation, today: datetime.date) -> SchoolTasks:
    """What this user must act on: hazards to assign, rectify, verify or decide an extension
    on, incidents whose written report is still due, the school's monthly reports that still
    need it, letters to sign. Each item links to the page where the user acts."""
    hazards = _sort_hazard_tasks(user, _hazard_tasks(user))
    incidents = list(
        Incident.objects.visible_to(user)
        .exclude(status=Incident.Status.CLOSED)
        .filter(written_reported_at__isnull=True)
        .order_by("written_deadline", "id")[:20]
    )
    letters = ResponsibilityLetter.objects.visible_to(user).filter(
        school_year=current_school_year(), status=ResponsibilityLetter.Status.ISSUED
    )
    if not user.has_perm("safety.manage_responsibilities"):
        letters = letters.filter(assignment__holder__user=user)
    # #18: the letters' count and the supervision items in one query (the home's budget)
    columns = {"letters": _count(letters), **school_supervision_columns(user)}
    if user.has_perm(roles.REPORT_INCIDENT):  # #19, in the same query
        columns["explanations"] = _count(incident_selectors.explanations_to_write(user))
    row = _one_row(user, columns)
    return SchoolTasks(
        **hazards,
        incidents=incidents,
        reports=report_tasks(school, today) if user.has_perm(roles.SUBMIT_MONTHLY_REPORT) else [],
        letters=row.pop("letters"),
        explanations=row.pop("explanations", 0),
        letters_url=link("responsibility:letter_list", status=ResponsibilityLetter.Status.ISSUED),
        # issue #16: one query, for the roles that approve only
        activities=activity_selectors.awaiting_count(user)
        if user.has_perm(roles.APPROVE_ACTIVITY)
        else 0,
        activities_url=link("activities:list", mine="on"),
        supervision=SupervisionTasks(today=today, **row),  # #18
    )


@dataclass
class BureauTasks:
    """A bureau user's to-do list: the bureau's own monthly reports (a county's) and the
    reports of the units below waiting for its review."""

    reports: list[ReportTask]
    reports_url: str
    review_count: int
    review_url: str
    activities: int = 0  # issue #16: applications waiting for the bureau's decision
    activities_url: str = ""
    supervision: SupervisionTasks = field(default_factory=lambda: SupervisionTasks())  # #18
    explanations: int = 0  # #19: explanations of late reports waiting for the decision

    explanations_url = property(
        lambda self: link("incidents:incident_list", explanation="to_decide")
    )

    @property
    def count(self) -> int:
        return (
            len(self.reports)
            + self.review_count
            + self.activities
            + self.supervision.count
            + self.explanations
        )


def bureau_tasks(
    user: User, bureau: Organisation, today: datetime.date, activities_awaiting: int = 0
) -> BureauTasks:
    """What waits for a bureau user on the home page (see `BureauTasks`); the counts are those
    of the pages linked (the console's review queue, the unit's coverage page)."""
    may_submit = user.has_perm(roles.SUBMIT_MONTHLY_REPORT)
    may_review = user.has_perm(roles.REVIEW_MONTHLY_REPORT)
    # #18: the review queue's count and the supervision items in one query (the budget)
    columns = bureau_supervision_columns(user)
    if may_review:
        columns["review_count"] = _count(review_queue(bureau))
    if user.has_perm(roles.ACKNOWLEDGE_INCIDENT):  # #19, in the same query
        columns["explanations"] = _count(incident_selectors.explanations_to_decide(user))
    row = _one_row(user, columns) if columns else {}
    return BureauTasks(
        reports=report_tasks(bureau, today) if may_submit else [],
        reports_url=reverse("monthly:unit", args=[bureau.pk]) if reports_monthly(bureau) else "",
        review_count=row.pop("review_count", 0),
        explanations=row.pop("explanations", 0),
        review_url=reverse("monthly:console") if may_review else "",
        activities=activities_awaiting,  # issue #16: counted with the dashboard's figures
        activities_url=link("activities:list", mine="on"),
        supervision=SupervisionTasks(today=today, **row),  # #18
    )


def school_hazard_figures(user: User, areas: list[SafetyArea]) -> SchoolHazardFigures:
    """The school's open and overdue hazards per area (areas with none left out)."""
    scope = Scope(user=user, unit=user.unit)
    rows = [row for row in open_by_area(scope, areas) if row["open"] or row["overdue"]]
    return {
        "rows": rows,
        "open": sum(row["open"] for row in rows),
        "overdue": sum(row["overdue"] for row in rows),
        "open_url": link("inspections:ledger", open=1),
        "overdue_url": link("inspections:ledger", overdue=1),
    }


def inspections_against_plan(user: User, today: datetime.date) -> list[PlanRow]:
    """This month's submitted inspections of the plan's kinds, against the plan."""
    done = dict(
        Inspection.objects.visible_to(user)
        .filter(
            status=Inspection.Status.SUBMITTED,
            inspected_on__gte=today.replace(day=1),
            inspected_on__lte=today,
            kind__in=[kind for kind, _expected in INSPECTION_PLAN],
        )
        .order_by()
        .values("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    return [
        {
            "kind": Inspection.Kind(kind).label,
            "done": done.get(kind, 0),
            "expected": expected,
            "complete": done.get(kind, 0) >= expected,
        }
        for kind, expected in INSPECTION_PLAN
    ]


# --- Bureau supervision in the to-do lists (issue #18) ----------------------------------------


@dataclass
class SupervisionTasks:
    """The to-do items of the campaigns, notices and orders: counts and the nearest
    deadline of each, read in the query of the to-do list's other counts (`_one_row`). A
    school's people who answer supervision get the first four, bureau officials who
    supervise the last three; the links are the filtered lists where they act, showing the
    same counts."""

    campaigns: int = 0  # campaign tasks of the school not submitted
    campaigns_due: datetime.date | None = None
    notices: int = 0  # notices waiting for the school's reply (none yet, or returned)
    notices_due: datetime.date | None = None
    unread: int = 0  # notices of the unit the user has not opened
    orders: int = 0  # rectification orders waiting for the school's reply (or returned)
    orders_due: datetime.date | None = None
    to_forward: int = 0  # campaigns from above waiting for the county to forward them
    notice_replies: int = 0  # the bureau's notices with a reply waiting for its decision
    order_replies: int = 0  # order replies waiting for the user's decision
    today: datetime.date | None = None

    @property
    def count(self) -> int:
        return (
            self.campaigns
            + self.notices
            + self.unread
            + self.orders
            + self.to_forward
            + self.notice_replies
            + self.order_replies
        )

    def late(self, due: datetime.date | None) -> bool:
        return due is not None and self.today is not None and due < self.today

    @property
    def campaigns_late(self) -> bool:
        return self.late(self.campaigns_due)

    @property
    def notices_late(self) -> bool:
        return self.late(self.notices_due)

    @property
    def orders_late(self) -> bool:
        return self.late(self.orders_due)

    campaigns_url = property(lambda self: link("campaigns:index", state="open"))
    notices_url = property(lambda self: link("notices:index", state="to_reply"))
    unread_url = property(lambda self: link("notices:index", state="unread"))
    orders_url = property(lambda self: link("orders:index", status="to_reply"))
    to_forward_url = property(lambda self: link("campaigns:index", state="to_forward"))
    notice_replies_url = property(lambda self: link("notices:index", state="to_decide"))
    order_replies_url = property(lambda self: link("orders:index", status="to_decide"))


def _count(queryset: QuerySet) -> Subquery:
    """COUNT(*) of `queryset` as a scalar subquery (no GROUP BY: one value, 0 when empty)."""
    rows = queryset.order_by().values(n=Func(F("pk"), function="COUNT"))
    return Subquery(rows, output_field=IntegerField())


def _earliest(queryset: QuerySet, field_name: str) -> Subquery:
    """MIN(`field_name`) of `queryset` as a scalar subquery (NULL when empty)."""
    rows = queryset.order_by().values(d=Func(F(field_name), function="MIN"))
    return Subquery(rows, output_field=DateField())


def _one_row(user: User, columns: dict[str, Subquery]) -> dict[str, Any]:
    """The scalar subqueries `columns` evaluated in one query, on the user's unit's row."""
    row = Organisation.objects.filter(pk=user.unit_id).values(**columns).first()
    return dict(row or {key: None if key.endswith("_due") else 0 for key in columns})


def school_supervision_columns(user: User) -> dict[str, Subquery]:
    """A school account's campaign tasks, replies and orders to answer, as columns for
    `_one_row` (none for a role that does not answer supervision)."""
    if not user.has_perm(roles.ANSWER_SUPERVISION):
        return {}
    campaigns = campaign_selectors.open_tasks(user)
    notices = notice_selectors.to_reply(user)
    orders = order_selectors.to_reply(user)
    return {
        "campaigns": _count(campaigns),
        "campaigns_due": _earliest(campaigns, "deadline"),
        "notices": _count(notices),
        "notices_due": _earliest(notices, "notice__reply_due"),
        "unread": _count(notice_selectors.unread(user)),
        "orders": _count(orders),
        "orders_due": _earliest(orders, "deadline"),
    }


def bureau_supervision_columns(user: User) -> dict[str, Subquery]:
    """A bureau official's campaigns to forward (a county's), notices with replies and order
    replies to decide, as columns for `_one_row` (none for a role that does not supervise)."""
    if not user.has_perm(roles.SUPERVISE) or user.unit is None:
        return {}
    columns = {
        "notice_replies": _count(notice_selectors.replies_to_decide(user)),
        "order_replies": _count(order_selectors.replies_to_decide(user)),
    }
    if user.unit.kind == Organisation.Kind.COUNTY:
        columns["to_forward"] = _count(campaign_selectors.awaiting_forward(user))
    return columns
