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
from typing import Any, TypedDict
from urllib.parse import urlencode

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from inspections import tally
from inspections.campaigns import selectors as campaign_selectors
from inspections.models import (
    Hazard,
    HazardMonth,
    HazardOpen,
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
    reports_monthly,
    review_queue,
    school_due_date,
    unit_status,
)
from reporting.notices import selectors as notice_selectors
from reporting.orders import selectors as order_selectors
from safety import roles
from safety.education.models import EducationTermSummary, LegalVicePrincipal, term_of
from safety.models import Organisation, ResponsibilityLetter, SafetyArea, User, current_school_year
from safety.onerow import JsonRows, as_date, count_of, earliest, one_row, rows_of, sum_of
from safety.responsibility.selectors import coverage_rows, unit_gap_count
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

    # bureau_id, bureau_name, bureau_kind, area_id, ...; for a whole province the bureau is
    # the city (`_open_rows_per_city`)
    open_rows: list[dict[str, Any]]
    months: dict[datetime.date, tuple[int, int]]  # month -> (found, closed)

    def total(self, **match: Any) -> int:
        return sum(
            row["n"]
            for row in self.open_rows
            if all(row[key] == value for key, value in match.items())
        )

    def overdue_per_bureau(self) -> dict[int, int]:
        """The open overdue hazards of each bureau's schools: {bureau id: count}, bureaus
        without any left out."""
        totals: dict[int, int] = {}
        for row in self.open_rows:
            if row["is_overdue"] and row["n"]:
                totals[row["bureau_id"]] = totals.get(row["bureau_id"], 0) + row["n"]
        return totals

    def found(self, period: Period) -> int:
        first, last = period.first.replace(day=1), period.last.replace(day=1)
        return sum(found for month, (found, _c) in self.months.items() if first <= month <= last)


def _summaries_serve(scope: Scope) -> bool:
    return tally.is_kept() and scope.unit is not None and scope.unit.is_bureau


OPEN_ROW_KEYS = (
    "bureau_id",
    "bureau_name",
    "bureau_kind",
    "area_id",
    "severity",
    "is_overdue",
    "n",
)


def _open_rows_column(scope: Scope) -> JsonRows:
    """The open hazards per bureau (the schools' parent), area, severity and overdue flag, as
    a column of the page's one-row query (`_open_rows` reads it). For a whole province the
    rows are per city instead (`_open_rows_per_city`)."""
    if _summaries_serve(scope):
        rows = HazardOpen.objects.visible_to(scope.user)  # the tally's open rows (#23)
        if province.is_province_level(scope.unit, scope.county):
            return _open_rows_per_city(rows)
        if scope.county is not None:
            rows = rows.filter(bureau__path__startswith=scope.county.path)
        n, prefix = Sum("count"), "bureau"
    else:
        rows, n, prefix = scope.hazards().filter(OPEN), Count("id"), "school__parent"
    keys = (f"{prefix}_id", f"{prefix}__name", f"{prefix}__kind", *OPEN_ROW_KEYS[3:-1])
    return rows_of(rows.order_by().values(*keys).annotate(n=n), (*keys, "n"), OPEN_ROW_KEYS)


def _open_rows_per_city(rows: QuerySet[HazardOpen]) -> JsonRows:
    """A province's open-hazard rows summed per city: a county's rows under its city, a
    city's own schools' under the city, and any other bureau's (the province's own schools)
    under that bureau, whose name and kind the rows keep. What a province's figures read
    (totals, areas, overdue per city: `province.overdue_by_city`); per bureau, the JSON of
    a province of 200 bureaus ran to 10,000 rows (24 ms of its home)."""
    county = Q(bureau__kind=Organisation.Kind.COUNTY)
    rows = rows.order_by().values(
        city_id=Case(When(county, then=F("bureau__parent_id")), default=F("bureau_id")),
        city_name=Case(When(county, then=F("bureau__parent__name")), default=F("bureau__name")),
        city_kind=Case(When(county, then=F("bureau__parent__kind")), default=F("bureau__kind")),
    )
    keys = ("city_id", "city_name", "city_kind", *OPEN_ROW_KEYS[3:-1])
    return rows_of(rows.values(*keys).annotate(n=Sum("count")), (*keys, "n"), OPEN_ROW_KEYS)


def _month_rows_column(scope: Scope, months: list[datetime.date], period: Period | None):
    """(month, found, closed) of the trend's months and of the period's, from the monthly
    summary rows, as a column of the one-row query (None where no trigger keeps them)."""
    if not _summaries_serve(scope):
        return None
    wanted = Q(month__gte=months[0])
    if period is not None:
        wanted |= Q(month__gte=period.first.replace(day=1), month__lte=period.last)
    rows = HazardMonth.objects.visible_to(scope.user).filter(wanted)
    if scope.county is not None:
        rows = rows.filter(bureau__path__startswith=scope.county.path)
    rows = rows.order_by().values("month").annotate(f=Sum("found"), c=Sum("closed"))
    return rows_of(rows, ("month", "f", "c"))


def _month_rows_counted(scope: Scope, months: list[datetime.date], period: Period | None):
    """The same rows counted from the hazard table (SQLite, where no trigger keeps them): the
    hazards found and closed per local month, as two columns of the one-row query."""
    start = months[0] if period is None else min(months[0], period.first.replace(day=1))
    hazards = scope.hazards().order_by()
    found = (
        hazards.filter(created_at__gte=day_start(start))
        .annotate(m=TruncMonth("created_at"))
        .values("m")
        .annotate(n=Count("id"))
    )
    closed = (
        hazards.filter(status=CLOSED, closed_at__gte=day_start(start))
        .annotate(m=TruncMonth("closed_at"))
        .values("m")
        .annotate(n=Count("id"))
    )
    return {
        "hazard_found": rows_of(found, ("m", "n")),
        "hazard_closed": rows_of(closed, ("m", "n")),
    }


def _months_counted(row: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of `_month_rows_counted`'s columns as (month, found, closed) rows."""
    by_month: dict[datetime.date, dict[str, int]] = {}
    for key in ("found", "closed"):
        for item in row[f"hazard_{key}"]:
            month = by_month.setdefault(_local_month(item["m"]), {"f": 0, "c": 0})
            month[key[0]] += item["n"]
    return [{"month": month, **counts} for month, counts in by_month.items()]


def trend_months(today: datetime.date) -> list[datetime.date]:
    return [add_months(today.replace(day=1), offset) for offset in range(1 - TREND_MONTHS, 1)]


def hazard_columns(
    scope: Scope, today: datetime.date, period: Period | None = None
) -> dict[str, Any]:
    """The columns `hazard_counts` reads, for the page's one-row query."""
    columns: dict[str, Any] = {"hazard_open": _open_rows_column(scope)}
    months = _month_rows_column(scope, trend_months(today), period)
    if months is not None:
        columns["hazard_months"] = months
    else:
        columns.update(_month_rows_counted(scope, trend_months(today), period))
    return columns


def hazard_counts(
    scope: Scope,
    today: datetime.date,
    period: Period | None = None,
    row: dict[str, Any] | None = None,
) -> HazardCounts:
    """The dashboard's hazard numbers for `scope` (see HazardCounts), read from `row` (the
    page's one-row query with `hazard_columns`), or in one query of their own. On SQLite
    the months are counted from the hazards (two more queries)."""
    if row is None:
        row = one_row(scope.unit.pk, hazard_columns(scope, today, period))
    months = row["hazard_months"] if "hazard_months" in row else _months_counted(row)
    return HazardCounts(
        open_rows=row["hazard_open"],
        months={as_date(month["month"]): (month["f"], month["c"]) for month in months},
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


def _local_month(value: datetime.date | datetime.datetime | str) -> datetime.date:
    """The local month of a month start read from the database (a `rows_of` column gives
    SQLite's local text, or PostgreSQL's timestamp with its offset)."""
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
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
    rows = (counts or hazard_counts(scope, timezone.localdate())).open_rows
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
    bureaus = {
        row["bureau_id"]: (row["bureau_name"], row["bureau_kind"]) for row in counts.open_rows
    }
    totals = {pk: (count, *bureaus[pk]) for pk, count in counts.overdue_per_bureau().items()}
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


def overdue_columns(scope: Scope) -> dict[str, JsonRows]:
    """The column `overdue_by_unit` reads for a province (its bureaus: the counts come from
    the tally, per city) or a county (per school: the open overdue hazards, counted from the
    partial index hazard_open_overdue_school alone), for the page's one-row query; none for a
    whole city (its counties come from the tally)."""
    if province.is_province_level(scope.unit, scope.county):
        return {"province_bureaus": province.bureaus_column(scope.unit)}
    if scope.unit.kind == Organisation.Kind.CITY and scope.county is None:
        return {}
    # Each school's count probes the partial index by school: grouping the overdue hazards
    # instead read every one of the jurisdiction's (a province narrowed to a city: 673,000
    # index entries for 66,000 of the city's, 165 ms; per school, 30 ms). Schools without
    # any come last and are left out by `overdue_by_unit`.
    overdue = Hazard.objects.filter(OPEN, is_overdue=True, school=OuterRef("pk")).order_by()
    schools = Organisation.objects.visible_to(scope.user).filter(kind=Organisation.Kind.SCHOOL)
    if scope.county is not None:
        schools = schools.below(scope.county)
    rows = (
        schools.annotate(
            count=Subquery(
                overdue.values(n=Func(F("pk"), function="COUNT")), output_field=IntegerField()
            )
        )
        .order_by("-count", "name")
        .values("name", "code", "count")[:WORST_UNITS]
    )
    keys = ("school__name", "school__code", "count")
    return {"overdue_units": rows_of(rows, ("name", "code", "count"), keys)}


def overdue_by_unit(
    scope: Scope, counts: HazardCounts | None = None, row: dict[str, Any] | None = None
) -> list[OverdueRow]:
    """Overdue hazards per county (the whole city, from the summaries) or per school (a
    county), worst first. A province (#23): per city. `row`: the page's one-row query with
    `overdue_columns` (one query of its own without it)."""
    if province.is_province_level(scope.unit, scope.county):
        row = row if row is not None else one_row(scope.unit.pk, overdue_columns(scope))
        counts = counts or hazard_counts(scope, timezone.localdate())
        return province.overdue_by_city(counts.overdue_per_bureau(), row["province_bureaus"])
    if scope.unit.kind == Organisation.Kind.CITY and scope.county is None:
        return _overdue_by_bureau(counts or hazard_counts(scope, timezone.localdate()))
    row = row if row is not None else one_row(scope.unit.pk, overdue_columns(scope))
    counted = [item for item in row["overdue_units"] if item["count"]]
    rows = sorted(counted, key=lambda item: (-item["count"], item["school__name"]))
    return [
        {
            "name": item["school__name"],
            "count": item["count"],
            "url": link(
                "inspections:ledger", overdue=1, school=item["school__code"], **scope.query
            ),
        }
        for item in rows
    ]


# --- Incidents -------------------------------------------------------------------------------


def _year(today: datetime.date) -> Period:
    return Period("year", today.replace(month=1, day=1), today, "")


def incident_columns(scope: Scope, period: Period, today: datetime.date) -> dict[str, Any]:
    """The incident figures' counts and the incidents per category of the period, as
    columns of the page's one-row query (`incident_figures`, `incidents_by_category`)."""
    incidents = scope.incidents()
    in_period = incidents.filter(_in_period("occurred_at", period))
    per_category = in_period.order_by().values("category").annotate(count=Count("id"))
    return {
        "incidents_period": count_of(in_period),
        "incidents_year": count_of(incidents.filter(_in_period("occurred_at", _year(today)))),
        "incidents_late": count_of(in_period.filter(late_q(timezone.now()))),
        "incidents_missed": count_of(in_period.filter(missed_q())),
        "incidents_by_category": rows_of(per_category, ("category", "count")),
    }


def incident_figures(
    scope: Scope, period: Period, today: datetime.date, row: dict[str, Any] | None = None
) -> list[Figure]:
    """Incidents in the period and this year, those reported late and missed (`row`: the
    page's one-row query with `incident_columns`; one query of their own without it)."""
    year = _year(today)
    if row is None:
        row = one_row(scope.unit.pk, incident_columns(scope, period, today))
    counts = {key: row[f"incidents_{key}"] for key in ("period", "year", "late", "missed")}
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


def incidents_by_category(
    scope: Scope, period: Period, row: dict[str, Any] | None = None
) -> list[CategoryRow]:
    """Incidents of the period per category (every category, zeros included), each linked to
    the incident list filtered the same way (`row`: as for `incident_figures`)."""
    if row is None:
        row = one_row(scope.unit.pk, incident_columns(scope, period, timezone.localdate()))
    rows = {item["category"]: item["count"] for item in row["incidents_by_category"]}
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


def monthly_columns(scope: Scope, period: Period, today: datetime.date) -> dict[str, Any]:
    """The units reporting to the bureau and their reports of the month submitted, per kind
    of unit, as columns of the page's one-row query (`monthly_figures`)."""
    parent = scope.county or scope.unit
    month = report_month(period, today)
    units = Organisation.objects.visible_to(scope.user).filter(
        pk__in=reporting_children(parent).values("pk")
    )
    submitted = (
        MonthlyReport.objects.filter(unit__in=units, month=month)
        .exclude(status=MonthlyReport.Status.DRAFT)
        .order_by()
        .values("unit__kind")
        .annotate(n=Count("id"))
    )
    return {
        "monthly_units": rows_of(
            units.order_by().values("kind").annotate(n=Count("id")), ("kind", "n")
        ),
        "monthly_submitted": rows_of(submitted, ("unit__kind", "n"), ("kind", "n")),
    }


def monthly_figures(
    scope: Scope, period: Period, today: datetime.date, row: dict[str, Any] | None = None
) -> list[Figure]:
    """The units reporting to the bureau (a county's schools; the city's counties and
    city-direct schools) and how many submitted their report for the month — the same
    units and statuses as the monthly review console (`row`: the page's one-row query with
    `monthly_columns`; one query of their own without it)."""
    month = report_month(period, today)
    if row is None:
        row = one_row(scope.unit.pk, monthly_columns(scope, period, today))
    per_kind = {item["kind"]: item["n"] for item in row["monthly_units"]}
    submitted = {item["kind"]: item["n"] for item in row["monthly_submitted"]}
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


# The state a unit's gap summary puts it in (`coverage_columns`): a unit without a summary of
# the day is grouped under its own id (ids are positive).
GAPPED, KEPT = -1, 0


def coverage_columns(scope: Scope, today: datetime.date) -> dict[str, Any]:
    """#23: the coverage figures as a column of the page's one-row query, counted by the
    database from the gap summaries (GapSummary) instead of a grid row per unit in Python
    (which cost a city home ~0.3 s at 2,000 schools). One grouped read of `scope.units()`
    (three counts of the same rows cost a province home 30 ms): rows {state, n} with state
    GAPPED for the units whose summary of `today` shows a gap (any of its five kinds,
    emergency teams included), KEPT for those whose summary of today shows none, and a unit's
    id for each unit without a summary of today (counted live by `coverage_counts`); and the
    bureau's own summary (the row is the bureau's)."""
    summarised = Q(gap_summary__on=today)
    state = Case(
        When(summarised & Q(gap_summary__gap_count__gt=0), then=Value(GAPPED)),
        When(summarised, then=Value(KEPT)),
        default=F("id"),
        output_field=IntegerField(),
    )
    states = scope.units().order_by().values(state=state).annotate(n=Count("id"))
    return {
        "coverage_states": rows_of(states, ("state", "n")),
        "own_summary_on": F("gap_summary__on"),
        "own_summary_gaps": F("gap_summary__gap_count"),
    }


def coverage_counts(
    scope: Scope, today: datetime.date, row: dict[str, Any]
) -> tuple[int, int, int]:
    """(units, units with gaps, the bureau's own gaps) from `coverage_columns` in `row`; the
    units without a summary of today (new, or the nightly task did not run) are counted live
    by the grid's rules (`coverage_rows`, its fixed number of queries), as the grid does."""
    counts = {item["state"]: item["n"] for item in row["coverage_states"]}
    with_gaps = counts.get(GAPPED, 0)
    stale = [state for state in counts if state not in (GAPPED, KEPT)]
    if stale:
        live = coverage_rows(Organisation.objects.filter(pk__in=stale), today=today)
        with_gaps += sum(1 for item in live if item.gap_count)
    kept = row["own_summary_on"] == today
    own = row["own_summary_gaps"] if kept else unit_gap_count(scope.unit)
    return sum(counts.values()), with_gaps, own


def coverage_figures(total: int, with_gaps: int, scope: Scope) -> list[Figure]:
    """Units (schools and bureaus, the bureau's own included) with and without coverage
    gaps, counted by `coverage_counts` over `scope.units()`; both link to the grid."""
    covered = total - with_gaps
    rate = f"{round(100 * covered / total)}%" if total else "—"
    grid = link("responsibility:coverage_grid", **scope.query)
    return [
        Figure(
            "coverage_rate",
            _("Units with every responsibility assigned"),
            rate,
            grid,
            note=_("%(covered)s of %(total)s units") % {"covered": covered, "total": total},
            total=total,
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


def veto_column(scope: Scope, today: datetime.date) -> dict[str, Any]:
    vetoes = scope.narrow(SchoolVeto.objects.visible_to(scope.user)).filter(year=today.year)
    return {"vetoed_schools": count_of(vetoes)}


def veto_figure(scope: Scope, today: datetime.date, row: dict[str, Any] | None = None) -> Figure:
    """Schools under the one-vote veto this year (`row`: the one-row query's `veto_column`)."""
    row = row if row is not None else one_row(scope.unit.pk, veto_column(scope, today))
    count = row["vetoed_schools"]
    return Figure(
        "vetoed_schools",
        _("Schools under the one-vote veto"),
        count,
        link("incidents:incident_list", veto=today.year, **scope.query),
        note=str(today.year),
        css="figure-alert" if count else "",
    )


# --- #17 education and surroundings ----------------------------------------------------------


def education_columns(scope: Scope, today: datetime.date) -> dict[str, Any]:
    """The education and surroundings figures' numbers over the user's active schools, as
    columns of the page's one-row query (`education_figures`)."""
    term = term_of(today)
    schools = Organisation.objects.visible_to(scope.user).filter(
        kind=Organisation.Kind.SCHOOL, is_active=True
    )
    current = LegalVicePrincipal.objects.current(today).filter(school=OuterRef("pk"))
    # #23: the term's pupil-hours from one summary row per school, not every record
    summaries = EducationTermSummary.objects.filter(term=term.key, school__in=schools)
    waiting = PublicReport.objects.filter(status=PublicReport.Status.UNVERIFIED)
    # The schools read once for their count and pupils: one row (no GROUP BY: a constant is
    # not grouped by). The vice-principal gaps stay a count of their own: PostgreSQL answers
    # it by one anti-join, where as a filter of the same aggregate it probed the
    # vice-principals once per school (a province's 20,000).
    totals = (
        schools.order_by()
        .annotate(all=Value(1))
        .values("all")
        .annotate(n=Count("id"), students=Sum("student_count"))
    )
    return {
        "edu_totals": rows_of(totals, ("n", "students")),
        "edu_vp_gaps": count_of(schools.filter(~Exists(current))),
        "edu_pupil_hours": sum_of(summaries, F("pupil_hours")),
        "edu_open_spots": count_of(SurroundingsSpot.objects.open().filter(school__in=schools)),
        "edu_waiting": count_of(waiting.filter(school__in=schools)),
    }


def education_figures(
    scope: Scope, today: datetime.date, row: dict[str, Any] | None = None
) -> list[Figure]:
    """Legal vice-principal gaps, safety-education hours per pupil this term, open
    surroundings spots and public reports waiting (`row`: the page's one-row query with
    `education_columns`; one query of their own without it). Always the user's whole
    jurisdiction (the county filter does not apply): the lists they link to have no county
    filter."""
    term = term_of(today)
    if row is None:
        row = one_row(scope.unit.pk, education_columns(scope, today))
    numbers = {key[4:]: value for key, value in row.items() if key.startswith("edu_")}
    totals = (row["edu_totals"] or [{"n": 0, "students": 0}])[0]
    numbers["schools"] = totals["n"]
    students = totals["students"] or 0
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
    extra: dict[str, Any] = field(default_factory=dict)  # the caller's own columns (#23)

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


AREA_KEYS = ("id", "key", "name_zh", "name_en", "order")


def areas_column() -> JsonRows:
    """The active safety areas, as a column of a page's one-row query (`areas_from`)."""
    return rows_of(SafetyArea.objects.filter(is_active=True).values(*AREA_KEYS), AREA_KEYS)


def areas_from(rows: list[dict[str, Any]]) -> list[SafetyArea]:
    """The safety areas of `areas_column`, in their order (unsaved copies for display)."""
    areas = [SafetyArea(is_active=True, **row) for row in rows]
    return sorted(areas, key=lambda area: (area.order, area.key))


def bureau_dashboard(
    scope: Scope, period: Period, today: datetime.date, extra: dict[str, Any] | None = None
) -> BureauDashboard:
    """Every figure, series and table of a bureau's home page for `scope` and `period`, in
    one query however many schools the jurisdiction holds: one row of scalar subqueries
    and short JSON lists (safety.onerow), the coverage counted from the gap summaries.
    `extra`: more columns for the same row (the page's to-do list, totals); their values
    are in the result's `extra`."""
    columns = {
        "areas": areas_column(),
        **hazard_columns(scope, today, period),
        **incident_columns(scope, period, today),
        **monthly_columns(scope, period, today),
        **veto_column(scope, today),
        **overdue_columns(scope),
        **activity_selectors.dashboard_columns(scope.user, period.first, period.last, scope.county),
        **education_columns(scope, today),
        **coverage_columns(scope, today),
        **(extra or {}),
    }
    row = one_row(scope.unit.pk, columns)
    total, with_gaps, own = coverage_counts(scope, today, row)
    counts = hazard_counts(scope, today, period, row)
    return BureauDashboard(
        hazards=hazard_figures(scope, period, counts),
        incidents=incident_figures(scope, period, today, row),
        monthly=monthly_figures(scope, period, today, row),
        coverage=coverage_figures(total, with_gaps, scope),
        own_gap_count=own,
        veto=veto_figure(scope, today, row),
        trend=hazard_trend(scope, today, counts),
        areas=open_by_area(scope, areas_from(row["areas"]), counts),
        overdue=overdue_by_unit(scope, counts, row),
        categories=incidents_by_category(scope, period, row),
        **activity_figures(scope, period, row),
        education=education_figures(scope, today, row),  # #17
        extra={key: row[key] for key in extra or {}},
    )


# --- Activities and school buses (issue #16) ---------------------------------------------------


def activity_figures(
    scope: Scope, period: Period, row: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Activities approved, returned and held without approval in the period, buses and
    drivers with expired documents, and the applications waiting for the user (`row`: the
    page's one-row query with the activities' `dashboard_columns`; one query without it)."""
    if row is None:
        counts = activity_selectors.dashboard_counts(
            scope.user, scope.unit, period.first, period.last, scope.county
        )
    else:
        counts = activity_selectors.dashboard_figures(row)
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


def _task_months(today: datetime.date) -> list[datetime.date]:
    return [add_months(today.replace(day=1), -1), today.replace(day=1)]


def report_columns(unit: Organisation, today: datetime.date) -> dict[str, Subquery]:
    """The status of the unit's own reports of last and this month (`report_tasks`), as
    columns of the page's one-row query; none for a unit that does not report."""
    if not reports_monthly(unit):
        return {}
    reports = MonthlyReport.objects.filter(unit=unit.pk)
    return {
        f"report_{index}": Subquery(reports.filter(month=month).values("status")[:1])
        for index, month in enumerate(_task_months(today))
    }


def report_tasks(
    unit: Organisation, today: datetime.date, row: dict[str, Any] | None = None
) -> list[ReportTask]:
    """The unit's own monthly reports of last and this month that still need its action (not
    started, draft, returned, missing): a report submitted or approved leaves the list. Empty
    for a unit that does not report (the city). `row`: the page's one-row query with
    `report_columns` (one query of their own without it)."""
    if not reports_monthly(unit):
        return []
    row = row if row is not None else one_row(unit.pk, report_columns(unit, today))
    rows = []
    for index, month in enumerate(_task_months(today)):
        status = row[f"report_{index}"]
        # Whether a submitted report was late does not matter here: it needs no action.
        report = MonthlyReport(unit=unit, month=month, status=status) if status else None
        rows.append(
            ReportTask(
                month,
                unit_status(unit, month, report, today),
                due_date(unit, month),
                reverse("monthly:report", args=[unit.pk, f"{month:%Y-%m}"]),
            )
        )
    return [row for row in rows if row.needs_action]


def school_task_columns(user: User, school: Organisation, today: datetime.date) -> dict[str, Any]:
    """The counts of the school's to-do list (letters, supervision items, the school's
    reports, activities waiting), as columns of the page's one-row query (`school_tasks`)."""
    letters = ResponsibilityLetter.objects.visible_to(user).filter(
        school_year=current_school_year(), status=ResponsibilityLetter.Status.ISSUED
    )
    if not user.has_perm("safety.manage_responsibilities"):
        letters = letters.filter(assignment__holder__user=user)
    columns = {"letters": count_of(letters), **school_supervision_columns(user)}
    if user.has_perm(roles.SUBMIT_MONTHLY_REPORT):
        columns.update(report_columns(school, today))
    if user.has_perm(roles.APPROVE_ACTIVITY):  # issue #16: the roles that approve only
        columns["activities_awaiting"] = activity_selectors.awaiting_column(user)
    if user.has_perm(roles.REPORT_INCIDENT):  # #19: late-report explanations to write
        columns["explanations"] = count_of(incident_selectors.explanations_to_write(user))
    return columns


def school_tasks(
    user: User, school: Organisation, today: datetime.date, row: dict[str, Any] | None = None
) -> SchoolTasks:
    """What this user must act on: hazards to assign, rectify, verify or decide an extension
    on, incidents whose written report is still due, the school's monthly reports that still
    need it, letters to sign. Each item links to the page where the user acts. The hazards
    and incidents are two queries; the counts come from `row` (the page's one-row query
    with `school_task_columns`), or one query of their own."""
    hazards = _sort_hazard_tasks(user, _hazard_tasks(user))
    incidents = list(
        Incident.objects.visible_to(user)
        .exclude(status=Incident.Status.CLOSED)
        .filter(written_reported_at__isnull=True)
        .order_by("written_deadline", "id")[:20]
    )
    columns = school_task_columns(user, school, today)
    row = dict(row if row is not None else one_row(school.pk, columns))
    reports = report_tasks(school, today, row) if "report_0" in columns else []
    return SchoolTasks(
        **hazards,
        incidents=incidents,
        reports=reports,
        letters=row["letters"],
        explanations=row.get("explanations", 0),
        letters_url=link("responsibility:letter_list", status=ResponsibilityLetter.Status.ISSUED),
        activities=row.get("activities_awaiting", 0),
        activities_url=link("activities:list", mine="on"),
        supervision=SupervisionTasks(
            today=today, **{key: row[key] for key in SUPERVISION_KEYS if key in row}
        ),  # #18
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


def bureau_task_columns(user: User, bureau: Organisation, today: datetime.date) -> dict[str, Any]:
    """The counts of a bureau user's to-do list (the review queue, the supervision items,
    the bureau's own reports), as columns of the page's one-row query (`bureau_tasks`)."""
    columns = bureau_supervision_columns(user)
    if user.has_perm(roles.REVIEW_MONTHLY_REPORT):
        columns["review_count"] = count_of(review_queue(bureau))
    if user.has_perm(roles.SUBMIT_MONTHLY_REPORT):
        columns.update(report_columns(bureau, today))
    if user.has_perm(roles.ACKNOWLEDGE_INCIDENT):  # #19: late-report explanations to decide
        columns["explanations"] = count_of(incident_selectors.explanations_to_decide(user))
    return columns


def bureau_tasks(
    user: User,
    bureau: Organisation,
    today: datetime.date,
    activities_awaiting: int = 0,
    row: dict[str, Any] | None = None,
) -> BureauTasks:
    """What waits for a bureau user on the home page (see `BureauTasks`); the counts are those
    of the pages linked (the console's review queue, the unit's coverage page), read from
    `row` (the page's one-row query with `bureau_task_columns` for this user: which of its
    keys are there decides the items) or one query of their own."""
    may_review = user.has_perm(roles.REVIEW_MONTHLY_REPORT)
    # `row` holds the columns `bureau_task_columns` gives this user (their keys say which
    # items apply): they are built once per request, not again here (#23: ~5 ms of the home).
    if row is None:
        row = one_row(bureau.pk, bureau_task_columns(user, bureau, today))
    row = dict(row)
    return BureauTasks(
        reports=report_tasks(bureau, today, row) if "report_0" in row else [],
        reports_url=reverse("monthly:unit", args=[bureau.pk]) if reports_monthly(bureau) else "",
        review_count=row.get("review_count", 0) if may_review else 0,
        explanations=row.get("explanations", 0),
        review_url=reverse("monthly:console") if may_review else "",
        activities=activities_awaiting,  # issue #16: counted with the dashboard's figures
        activities_url=link("activities:list", mine="on"),
        supervision=SupervisionTasks(
            today=today, **{key: row[key] for key in SUPERVISION_KEYS if key in row}
        ),  # #18
    )


def school_hazard_columns(user: User) -> dict[str, Any]:
    """The school's open hazards per area, severity and overdue flag (counted from its
    hazards), as a column of the page's one-row query (`school_hazard_figures`)."""
    return {"hazard_open": _open_rows_column(Scope(user=user, unit=user.unit))}


def school_hazard_figures(
    user: User, areas: list[SafetyArea], row: dict[str, Any] | None = None
) -> SchoolHazardFigures:
    """The school's open and overdue hazards per area (areas with none left out); `row`:
    the page's one-row query with `school_hazard_columns`."""
    scope = Scope(user=user, unit=user.unit)
    row = row if row is not None else one_row(user.unit_id, school_hazard_columns(user))
    counts = HazardCounts(open_rows=row["hazard_open"], months={})
    rows = [row for row in open_by_area(scope, areas, counts) if row["open"] or row["overdue"]]
    return {
        "rows": rows,
        "open": sum(row["open"] for row in rows),
        "overdue": sum(row["overdue"] for row in rows),
        "open_url": link("inspections:ledger", open=1),
        "overdue_url": link("inspections:ledger", overdue=1),
    }


def plan_columns(user: User, today: datetime.date) -> dict[str, Any]:
    """This month's submitted inspections per kind of the plan, as a column of the page's
    one-row query (`inspections_against_plan`)."""
    done = (
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
    )
    return {"plan_done": rows_of(done, ("kind", "n"))}


def inspections_against_plan(
    user: User, today: datetime.date, row: dict[str, Any] | None = None
) -> list[PlanRow]:
    """This month's submitted inspections of the plan's kinds, against the plan (`row`: the
    page's one-row query with `plan_columns`; one query of their own without it)."""
    row = row if row is not None else one_row(user.unit_id, plan_columns(user, today))
    done = {item["kind"]: item["n"] for item in row["plan_done"]}
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
    deadline of each, read in the query of the to-do list's other counts (`one_row`). A
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


SUPERVISION_KEYS = (
    "campaigns",
    "campaigns_due",
    "notices",
    "notices_due",
    "unread",
    "orders",
    "orders_due",
    "to_forward",
    "notice_replies",
    "order_replies",
)


def school_supervision_columns(user: User) -> dict[str, Subquery]:
    """A school account's campaign tasks, replies and orders to answer, as columns for
    `one_row` (none for a role that does not answer supervision)."""
    if not user.has_perm(roles.ANSWER_SUPERVISION):
        return {}
    campaigns = campaign_selectors.open_tasks(user)
    notices = notice_selectors.to_reply(user)
    orders = order_selectors.to_reply(user)
    return {
        "campaigns": count_of(campaigns),
        "campaigns_due": earliest(campaigns, "deadline"),
        "notices": count_of(notices),
        "notices_due": earliest(notices, "notice__reply_due"),
        "unread": count_of(notice_selectors.unread(user)),
        "orders": count_of(orders),
        "orders_due": earliest(orders, "deadline"),
    }


def bureau_supervision_columns(user: User) -> dict[str, Subquery]:
    """A bureau official's campaigns to forward (a county's), notices with replies and order
    replies to decide, as columns for `one_row` (none for a role that does not supervise)."""
    if not user.has_perm(roles.SUPERVISE) or user.unit is None:
        return {}
    columns = {
        "notice_replies": count_of(notice_selectors.replies_to_decide(user)),
        "order_replies": count_of(order_selectors.replies_to_decide(user)),
    }
    if user.unit.kind == Organisation.Kind.COUNTY:
        columns["to_forward"] = count_of(campaign_selectors.awaiting_forward(user))
    return columns
