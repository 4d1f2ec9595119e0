"""Reads of emergency preparedness: access helpers, the frequency rules, a school's overview,
the bureaus' coverage rows, the county trend, team gaps. Scoped, with the joins they need;
nothing here changes a row."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    When,
)
from django.db.models.functions import Coalesce, Length, TruncMonth
from django.utils import timezone

from safety import roles
from safety.access import access_object
from safety.models import Organisation, User, semester_of
from safety.onerow import count_of, instances_of, one_row, rows_of
from safety.responsibility.models import Assignment, Holder
from safety.scoping import nearest_unit_setting

from .models import (
    Drill,
    DrillPhoto,
    DrillProblem,
    DrillSettings,
    Plan,
    Scenario,
    Team,
    TeamMember,
)

SchoolType = Organisation.SchoolType
MONTHS_IN_QUARTER = 3
TREND_MONTHS = 6
# The national defaults (MOE drill guide, 2014) when no bureau has a settings row.
DEFAULT_SETTINGS = DrillSettings()
# School types whose pupils are young: the guide's target of about three minutes.
YOUNG_TYPES = {SchoolType.KINDERGARTEN, SchoolType.PRIMARY, SchoolType.SPECIAL}
# Schools with buses: a bus evacuation (a drill of a `buses_only` scenario) each semester.
BUS_DRILLS_PER_SEMESTER = 1


# --- Access ----------------------------------------------------------------------------------


def access_plan(user: User, pk: int, *, for_change: bool = False) -> Plan:
    """The plan version `pk` with its unit and scenario; 404 outside the jurisdiction, 403
    with `for_change` for a role that may not manage preparedness."""
    return access_object(
        Plan.objects.select_related("unit", "scenario", "approved_by", "reviewed_by"),
        user,
        permission=roles.MANAGE_PREPAREDNESS if for_change else None,
        pk=pk,
    )


def access_team(user: User, pk: int, *, for_change: bool = False) -> Team:
    return access_object(
        Team.objects.select_related("unit"),
        user,
        permission=roles.MANAGE_PREPAREDNESS if for_change else None,
        pk=pk,
    )


def access_team_member(user: User, pk: int, *, for_change: bool = False) -> TeamMember:
    return access_object(
        TeamMember.objects.select_related("team__unit", "holder"),
        user,
        permission=roles.MANAGE_PREPAREDNESS if for_change else None,
        pk=pk,
    )


def access_drill(user: User, pk: int, *, for_change: bool = False) -> Drill:
    """The drill `pk` with its school, scenario and plan; 404 outside the jurisdiction, 403
    with `for_change` for a role that may not record drills."""
    return access_object(
        Drill.objects.select_related("unit", "scenario", "plan", "recorded_by", "created_by"),
        user,
        permission=roles.RECORD_DRILL if for_change else None,
        pk=pk,
    )


def access_drill_photo(user: User, pk: int) -> DrillPhoto:
    return access_object(DrillPhoto.objects.select_related("drill"), user, pk=pk)


def access_drill_problem(user: User, pk: int, *, for_change: bool = False) -> DrillProblem:
    return access_object(
        DrillProblem.objects.select_related("drill__unit", "area"),
        user,
        permission=roles.REPORT_HAZARD if for_change else None,
        pk=pk,
    )


# --- Frequency rules -------------------------------------------------------------------------


@dataclass(frozen=True)
class Requirement:
    """How many drills a school must hold per period ("month" or "quarter"), and its
    evacuation target in seconds."""

    period: str
    count: int
    target_seconds: int


def requirement(school: Any, settings_row: DrillSettings | None) -> Requirement:
    """The minimum drill frequency of a school (any object with `school_type` and
    `is_boarding`) under a bureau's settings (None: the national defaults).

    Kindergartens: a number a quarter; special-education schools and boarding schools: the
    higher of their own monthly minimum and the ordinary one; other schools: a number a month.
    """
    row = settings_row or DEFAULT_SETTINGS
    young = school.school_type in YOUNG_TYPES
    target = row.target_seconds_young if young else row.target_seconds
    monthly = row.school_per_month
    if school.school_type == SchoolType.SPECIAL:
        monthly = max(monthly, row.special_per_month)
    if school.is_boarding:
        monthly = max(monthly, row.boarding_per_month)
    if school.school_type == SchoolType.KINDERGARTEN and monthly == row.school_per_month:
        return Requirement("quarter", row.kindergarten_per_quarter, target)
    return Requirement("month", monthly, target)


def school_requirement(school: Organisation) -> Requirement:
    return requirement(
        school, nearest_unit_setting(DrillSettings.objects, school, unit_field="unit")
    )


def period_bounds(period: str, day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """[first day, first day of the next period) of the month or quarter containing `day`."""
    if period == "quarter":
        first_month = (day.month - 1) // MONTHS_IN_QUARTER * MONTHS_IN_QUARTER + 1
        start = day.replace(month=first_month, day=1)
        months = MONTHS_IN_QUARTER
    else:
        start, months = day.replace(day=1), 1
    month_index = start.month - 1 + months
    end = datetime.date(start.year + month_index // 12, month_index % 12 + 1, 1)
    return start, end


def period_key(period: str, day: datetime.date) -> str:
    if period == "quarter":
        return f"{day.year}Q{(day.month - 1) // MONTHS_IN_QUARTER + 1}"
    return f"{day:%Y-%m}"


def semester_bounds(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """[first day, first day of the next semester) of the semester containing `day`
    (`safety.models.semester_of`), as the half-open range the drill queries filter on."""
    semester = semester_of(day)
    return semester.start, semester.end + datetime.timedelta(days=1)


def semester_key(day: datetime.date) -> str:
    """ "2026-2027-1" for a day of the first semester of 2026-2027."""
    return semester_of(day).key


def bus_drills_held(units: Any, today: datetime.date) -> dict[int, int]:
    """Recorded bus evacuation drills (scenarios for schools with buses) this semester, per
    school: one query."""
    start, _end = semester_bounds(today)
    rows = (
        Drill.objects.filter(
            unit__in=units,
            status=Drill.Status.RECORDED,
            scenario__buses_only=True,
            held_on__gte=start,
            held_on__lte=today,
        )
        .values_list("unit_id")
        .annotate(n=Count("id"))
    )
    return dict(rows)


def settings_resolver() -> Any:
    """One query: every bureau's drill settings, and a function school → nearest row."""
    rows = {row.unit_id: row for row in DrillSettings.objects.all()}

    def resolve(path: str) -> DrillSettings | None:
        for segment in reversed([s for s in path.split("/") if s]):
            if int(segment) in rows:
                return rows[int(segment)]
        return None

    return resolve


def recorded_in(schools: Any, start: datetime.date, end: datetime.date) -> dict[int, list]:
    """(month, count) of recorded drills per school held in [start, end): one query."""
    counts: dict[int, list] = defaultdict(list)
    rows = (
        Drill.objects.filter(
            unit__in=schools, status=Drill.Status.RECORDED, held_on__gte=start, held_on__lt=end
        )
        .annotate(month=TruncMonth("held_on"))
        .values_list("unit_id", "month")
        .annotate(n=Count("id"))
    )
    for unit_id, month, n in rows:
        counts[unit_id].append((month, n))
    return counts


def held_in_period(monthly: list, period: str, today: datetime.date) -> int:
    start, end = period_bounds(period, today)
    return sum(n for month, n in monthly if start <= _as_date(month) < end)


def _as_date(value: Any) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


# --- Plans -----------------------------------------------------------------------------------


def required_scenarios(unit: Organisation, scenarios: Iterable[Scenario]) -> list[Scenario]:
    return [scenario for scenario in scenarios if scenario.is_required_for(unit)]


@dataclass
class ScenarioRow:
    """A scenario of a unit: its current (latest acknowledged) version, and the latest
    version whatever its state (a draft, one waiting, one returned)."""

    scenario: Scenario
    required: bool
    current: Plan | None = None
    latest: Plan | None = None


def plan_rows(
    unit: Organisation,
    today: datetime.date | None = None,
    *,
    scenarios: list[Scenario] | None = None,
) -> list[ScenarioRow]:
    """The unit's scenarios with their plans: two queries (one when the caller holds the
    active `scenarios`, in their order)."""
    if scenarios is None:
        scenarios = list(Scenario.objects.filter(is_active=True))
    rows = {s.pk: ScenarioRow(s, s.is_required_for(unit)) for s in scenarios}
    plans = Plan.objects.filter(unit=unit).select_related("approved_by").order_by("version")
    for plan in plans:
        row = rows.get(plan.scenario_id)
        if row is None:
            continue
        row.latest = plan
        if plan.status == Plan.Status.ACKNOWLEDGED:
            row.current = plan
    return [row for row in rows.values() if row.required or row.latest]


def plan_versions(plan: Plan) -> QuerySet[Plan]:
    return Plan.objects.filter(unit_id=plan.unit_id, scenario_id=plan.scenario_id).order_by(
        "-version"
    )


def reviewers(unit: Organisation) -> QuerySet[User]:
    """The officials of the bureau a unit files its plans with (the bureau directly above)."""
    granted = [r for r, perms in roles.ROLE_PERMISSIONS.items() if roles.ACKNOWLEDGE_PLAN in perms]
    return User.objects.filter(unit_id=unit.parent_id, is_active=True, role__in=granted)


def school_people(units: Any) -> QuerySet[User]:
    """The accounts of the schools that record drills (reminders go to them)."""
    granted = [r for r, perms in roles.ROLE_PERMISSIONS.items() if roles.RECORD_DRILL in perms]
    return User.objects.filter(unit__in=units, is_active=True, role__in=granted)


def waiting_plans(user: User) -> QuerySet[Plan]:
    """Plans waiting for the user's bureau to acknowledge them."""
    return (
        Plan.objects.visible_to(user)
        .filter(status=Plan.Status.SUBMITTED, unit__parent_id=user.unit_id)
        .select_related("unit", "scenario")
        .order_by("submitted_at", "id")
    )


# --- Teams and their gaps --------------------------------------------------------------------


def _has_left_q() -> Q:
    """A member whose holder is inactive or holds no current post at the team's unit (the
    person left the school: a handover ended their assignment)."""
    today = timezone.localdate()
    current = Assignment.objects.current(today).filter(
        holder_id=OuterRef("holder_id"), unit_id=OuterRef("team__unit_id")
    )
    return Q(holder__is_active=False) | ~Exists(current)


def teams_of(unit: Organisation, *, teams: list[Team] | None = None) -> list[Team]:
    """The unit's teams, each with its members in `member_list` (leaders first, each flagged
    `has_left`): two queries (one when the caller holds the unit's `teams`, in order)."""
    if teams is None:
        teams = list(Team.objects.filter(unit=unit))
    members = (
        TeamMember.objects.filter(team__unit=unit)
        .select_related("holder")
        .annotate(has_left=ExpressionWrapper(_has_left_q(), output_field=BooleanField()))
        .order_by("-is_leader", "id")
    )
    by_team: dict[int, list[TeamMember]] = defaultdict(list)
    for member in members if teams else ():
        by_team[member.team_id].append(member)
    for team in teams:
        team.member_list = by_team[team.pk]
    return teams


def team_gap_count() -> Subquery:
    """An annotation for a query of units: the number of their team members who left (so a
    list of units gets its team gaps in the same query)."""
    left = (
        TeamMember.objects.filter(team__unit_id=OuterRef("pk"))
        .filter(_has_left_q())
        .order_by()
        .values("team__unit_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(left, output_field=IntegerField()), 0)


def team_gap_members(unit: Organisation) -> QuerySet[TeamMember]:
    """The members of the unit's teams who left (for the coverage page), with their team
    and holder, in the members' order."""
    return (
        TeamMember.objects.filter(team__unit=unit)
        .filter(_has_left_q())
        .select_related("team", "holder")
    )


def team_holder_choices(unit: Organisation) -> QuerySet[Holder]:
    """The unit's active holders with a current post: who may join a team."""
    current = Assignment.objects.current().filter(holder_id=OuterRef("pk"), unit_id=unit.pk)
    return Holder.objects.filter(unit=unit, is_active=True).filter(Exists(current))


# --- The bureaus' coverage view --------------------------------------------------------------


def average_seconds(seconds: int, timed: int) -> int | None:
    """The average evacuation time of `timed` drills taking `seconds` in all (None: none)."""
    return round(seconds / timed) if timed else None


def add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


@dataclass
class CoverageRow:
    """One school of the coverage view: its plans and its drills this period. `trend` is the
    average evacuation time of each of the six months (seconds, None without a timed drill),
    `trend_seconds` and `trend_timed` its sums for the county trend."""

    school_id: int
    name: str
    code: str
    county_id: int | None
    county: str
    school_type: str
    requirement: Requirement
    held: int = 0
    missing_scenarios: list[str] = field(default_factory=list)
    missing_ids: list[int] = field(default_factory=list)
    overdue_reviews: int = 0
    waiting: int = 0
    trend: list[int | None] = field(default_factory=list)
    trend_seconds: list[int] = field(default_factory=list)
    trend_timed: list[int] = field(default_factory=list)
    has_buses: bool = False
    bus_drills: int = 0

    @property
    def bus_ok(self) -> bool:
        """A school without buses needs no bus evacuation; one with buses, one a semester."""
        return not self.has_buses or self.bus_drills >= BUS_DRILLS_PER_SEMESTER

    @property
    def drills_ok(self) -> bool:
        return self.held >= self.requirement.count and self.bus_ok

    @property
    def plans_ok(self) -> bool:
        return not self.missing_scenarios

    @property
    def latest_seconds(self) -> int | None:
        return next((value for value in reversed(self.trend) if value is not None), None)


@dataclass
class Coverage:
    """The coverage view: `rows` (a list, or for the summaries a sequence that reads one
    slice of rows per access: page it, do not iterate it whole), `count` of them, the four
    totals over every row, the six `months` and the county trend (county name, average
    seconds a month or None), and the filings waiting for the user's own bureau."""

    rows: Any
    count: int
    months: list[datetime.date]
    county_trend: list[tuple[str, list[int | None]]]
    waiting_for_me: list[dict[str, Any]] = field(default_factory=list)
    missing_drills: int = 0
    missing_plans: int = 0
    overdue_reviews: int = 0
    waiting: int = 0


def _schools(user: User, filters: dict[str, Any]) -> QuerySet[Organisation]:
    schools = Organisation.objects.visible_to(user).schools().filter(is_active=True)
    if filters.get("county"):
        schools = schools.below(filters["county"])
    if filters.get("school_type"):
        schools = schools.filter(school_type=filters["school_type"])
    query = (filters.get("q") or "").strip()
    if query:
        schools = schools.filter(Q(name__icontains=query) | Q(code__startswith=query))
    return schools.order_by("name_sort_key", "id")


class _Probe(NamedTuple):
    """What `requirement` and `Scenario.is_required_for` read of a school (#23: a model
    instance per school cost 50 ms a thousand schools)."""

    school_type: str
    is_boarding: bool
    has_school_buses: bool


def _plan_facts(
    rows: dict[int, CoverageRow], scenarios: list[Scenario], today, probes, bureau_id
) -> list[dict[str, Any]]:
    """Missing scenarios, overdue reviews and waiting filings per school, and the filings
    waiting for the user's own bureau (oldest first): one query."""
    current: dict[tuple[int, int], bool] = {}
    waiting: dict[int, int] = defaultdict(int)
    names = {scenario.pk: scenario.name for scenario in scenarios}
    mine = []
    # #23: "due for review" decided by the database and the filing time read only for the
    # filings waiting: converting two dates per plan was a third of the page at a province
    due = Q(review_flagged_at__isnull=False) | Q(next_review_on__lt=today)
    plans = Plan.objects.filter(unit_id__in=list(rows)).values_list(
        "pk",
        "unit_id",
        "scenario_id",
        "version",
        "status",
        ExpressionWrapper(due, output_field=BooleanField()),
        Case(When(status=Plan.Status.SUBMITTED, then=F("submitted_at"))),
    )
    for pk, unit_id, scenario_id, version, status, overdue, submitted in plans.order_by("version"):
        if status == Plan.Status.SUBMITTED:
            waiting[unit_id] += 1
            if rows[unit_id].county_id == bureau_id:
                mine.append(
                    {
                        "pk": pk,
                        "unit": rows[unit_id].name,
                        "scenario": names.get(scenario_id, ""),
                        "version": version,
                        "submitted_at": submitted,
                    }
                )
        elif status == Plan.Status.ACKNOWLEDGED:
            current[(unit_id, scenario_id)] = overdue
    keyed = [(scenario.pk, scenario) for scenario in scenarios]
    for unit_id, row in rows.items():
        row.waiting = waiting[unit_id]
        for scenario_id, scenario in keyed:
            facts = current.get((unit_id, scenario_id))
            if facts is None:
                if scenario.is_required_for(probes[unit_id]):
                    row.missing_scenarios.append(scenario.name)
                    row.missing_ids.append(scenario_id)
            elif facts:
                row.overdue_reviews += 1
    return sorted(mine, key=lambda plan: (plan["submitted_at"], plan["pk"]))


def _drill_facts(rows: dict[int, CoverageRow], months: list[datetime.date], today) -> list:
    """Drills held this period and the monthly evacuation times per school, and the county
    sums for the trend: one grouped query."""
    semester_start, _semester_end = semester_bounds(today)
    grouped = (
        Drill.objects.filter(
            unit_id__in=list(rows),
            status=Drill.Status.RECORDED,
            held_on__gte=min(months[0], semester_start),
            held_on__lt=add_months(months[-1], 1),
        )
        .annotate(month=TruncMonth("held_on"))
        .values_list("unit_id", "month")
        .annotate(
            n=Count("id"),
            seconds=Sum("evacuation_seconds"),
            timed=Count("evacuation_seconds"),
            bus=Count("id", filter=Q(scenario__buses_only=True)),
        )
    )
    index = {month: i for i, month in enumerate(months)}
    sums: dict[int, list] = {}
    for unit_id, month, n, seconds, timed, bus in grouped:
        row, position = rows[unit_id], index.get(_as_date(month))
        if _as_date(month) >= semester_start:
            row.bus_drills += bus
        if position is None:
            continue  # before the trend's months: only the semester's bus drills count
        start, end = period_bounds(row.requirement.period, today)
        if start <= _as_date(month) < end:
            row.held += n
        if timed:
            row.trend[position] = average_seconds(seconds, timed)
            row.trend_seconds[position], row.trend_timed[position] = seconds, timed
            county = sums.setdefault(row.county_id, [[0, 0] for _m in months])
            county[position][0] += seconds
            county[position][1] += timed
    return sums


# A school's bureau is its parent (a county or the city) and, for a county's school, the
# city above it: the drill settings of both come with the schools in the same query.
SETTINGS_FIELDS = (
    "school_per_month",
    "kindergarten_per_quarter",
    "boarding_per_month",
    "special_per_month",
    "target_seconds_young",
    "target_seconds",
)
SETTINGS_LOOKUPS = tuple(
    f"{level}drill_settings__{name}"
    for level in ("parent__", "parent__parent__")
    for name in ("id", *SETTINGS_FIELDS)
)


def _joined_settings(values: dict[str, Any]) -> DrillSettings | None:
    """The nearest bureau's settings row of a school from its joined values, or None."""
    for level in ("parent__", "parent__parent__"):
        if values[f"{level}drill_settings__id"] is not None:
            return DrillSettings(
                **{name: values[f"{level}drill_settings__{name}"] for name in SETTINGS_FIELDS}
            )
    return None


def trend_months(today: datetime.date) -> list[datetime.date]:
    """The first days of the TREND_MONTHS months up to `today`'s, oldest first."""
    return [add_months(today, -offset) for offset in range(TREND_MONTHS - 1, -1, -1)]


@dataclass
class LiveRows:
    """`live_rows`' answer: the rows by school id, the filings waiting for the bureau asked
    about, and per county the sums [seconds, timed drills] of each trend month."""

    rows: dict[int, CoverageRow]
    waiting_for_me: list[dict[str, Any]]
    county_sums: dict[int, list[list[int]]]


def live_rows(
    schools: QuerySet[Organisation],
    *,
    today: datetime.date,
    scenarios: list[Scenario],
    bureau_id: int | None = None,
) -> LiveRows:
    """Every school of `schools` (in its order) with its plan gaps and its drills, computed
    from the plans and drills as of `today` against the active `scenarios`: three queries
    whatever the number of schools, plans and drills (the coverage view's fallback, its
    export and the summaries' refresh)."""
    months = trend_months(today)
    type_labels = dict(SchoolType.choices)
    values = schools.values(
        "id",
        "name",
        "code",
        "school_type",
        "is_boarding",
        "has_school_buses",
        "parent_id",
        "parent__name",
        *SETTINGS_LOOKUPS,
    )
    rows: dict[int, CoverageRow] = {}
    probes: dict[int, _Probe] = {}
    for school in values:
        probes[school["id"]] = probe = _Probe(
            school["school_type"], school["is_boarding"], school["has_school_buses"]
        )
        rows[school["id"]] = CoverageRow(
            school_id=school["id"],
            name=school["name"],
            code=school["code"],
            county_id=school["parent_id"],
            county=school["parent__name"],
            school_type=str(type_labels.get(school["school_type"], "")),
            requirement=requirement(probe, _joined_settings(school)),
            trend=[None] * len(months),
            trend_seconds=[0] * len(months),
            trend_timed=[0] * len(months),
            has_buses=school["has_school_buses"],
        )
    if not rows:
        return LiveRows(rows, [], {})
    waiting = _plan_facts(rows, scenarios, today, probes, bureau_id)
    return LiveRows(rows, waiting, _drill_facts(rows, months, today))


def _county_trend(
    names: dict[int, str], sums: dict[int, list[list[int]]]
) -> list[tuple[str, list[int | None]]]:
    return [
        (names[county_id], [average_seconds(s, t) for s, t in per_month])
        for county_id, per_month in sorted(sums.items(), key=lambda item: names[item[0]])
    ]


def _show(rows: list[CoverageRow], show: str | None) -> list[CoverageRow]:
    if show == "drills":
        return [row for row in rows if not row.drills_ok]
    if show == "plans":
        return [row for row in rows if not row.plans_ok or row.overdue_reviews]
    return rows


def coverage(
    *,
    user: User,
    filters: dict[str, Any],
    today: datetime.date | None = None,
    scenarios: list[Scenario] | None = None,
) -> Coverage:
    """The schools the user may see, filtered by the coverage form's cleaned data, each with
    its plan gaps and its drills in the current month or quarter, and the county trend of
    evacuation times over the last six months, computed live from the plans and drills (the
    export, and the view while a school's summary is stale). Four queries (three with
    `scenarios`, the active catalogue) whatever the number of schools, plans and drills."""
    today = today or timezone.localdate()
    if scenarios is None:
        scenarios = list(Scenario.objects.filter(is_active=True))
    live = live_rows(
        _schools(user, filters), today=today, scenarios=scenarios, bureau_id=user.unit_id
    )
    every = list(live.rows.values())
    names = {row.county_id: row.county for row in every}
    result = _show(every, filters.get("show"))
    return Coverage(
        rows=result,
        count=len(result),
        months=trend_months(today),
        county_trend=_county_trend(names, live.county_sums),
        waiting_for_me=live.waiting_for_me,
        missing_drills=sum(1 for row in every if not row.drills_ok),
        missing_plans=sum(1 for row in every if not row.plans_ok),
        overdue_reviews=sum(row.overdue_reviews for row in every),
        waiting=sum(row.waiting for row in every),
    )


# --- The coverage view from the summaries (#23) ------------------------------------------------

SUMMARY_FIELDS = (
    "period",
    "required",
    "target_seconds",
    "held",
    "has_buses",
    "bus_drills",
    "missing_scenarios",
    "overdue_reviews",
    "waiting",
    *(f"{kind}_{month}" for kind in ("seconds", "timed") for month in range(TREND_MONTHS)),
)


class _SummaryRows:
    """The rows of the coverage view read from the summaries one slice at a time (what the
    paginator asks for): `len` is the count the grouped totals gave."""

    def __init__(self, values: QuerySet, count: int, scenario_names: dict[int, str]) -> None:
        self.values, self.count, self.names = values, count, scenario_names
        self.type_labels = dict(SchoolType.choices)

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, index: slice | int) -> Any:
        if isinstance(index, int):
            return self._row(self.values[index])
        return [self._row(values) for values in self.values[index]]

    def __iter__(self) -> Any:
        return (self._row(values) for values in self.values)

    def _row(self, values: dict[str, Any]) -> CoverageRow:
        kept = {name: values[f"preparedness_summary__{name}"] for name in SUMMARY_FIELDS}
        missing = [pk for pk in kept["missing_scenarios"] if pk in self.names]
        return CoverageRow(
            school_id=values["id"],
            name=values["name"],
            code=values["code"],
            county_id=values["parent_id"],
            county=values["parent__name"],
            school_type=str(self.type_labels.get(values["school_type"], "")),
            requirement=Requirement(kept["period"], kept["required"], kept["target_seconds"]),
            held=kept["held"],
            missing_scenarios=[self.names[pk] for pk in missing],
            missing_ids=missing,
            overdue_reviews=kept["overdue_reviews"],
            waiting=kept["waiting"],
            trend=[
                average_seconds(kept[f"seconds_{month}"], kept[f"timed_{month}"])
                for month in range(TREND_MONTHS)
            ],
            has_buses=kept["has_buses"],
            bus_drills=kept["bus_drills"],
        )


def _month_sum(name: str, index: int) -> Sum:
    """The sum of the summaries' column `name`_`index` (a month of the trend)."""
    return Sum(f"preparedness_summary__{name}_{index}")


def _stale(today: datetime.date) -> Q:
    return (
        Q(preparedness_summary__on=None)
        | Q(preparedness_summary__on__lt=today)
        | Q(preparedness_summary__on__gt=today)
    )


def coverage_page(
    *, user: User, filters: dict[str, Any], today: datetime.date | None = None
) -> Coverage:
    """The coverage view (same rows, totals, trend and waiting filings as `coverage`) read
    from the schools' preparedness summaries of `today` (models.PreparednessSummary): the
    totals and the county trend by one grouped query, the rows paged by the database, so a
    province's 20,000 schools cost what a county's do. `rows` is read one slice at a time.

    The first query reads the active scenarios and whether any school of the view lacks a
    summary of today (new, or stale because the nightly task has not run yet): then the
    view is computed live by `coverage` with those scenarios, in the same number of queries
    (four: scenarios, grouped totals, the page, the waiting filings; or scenarios and
    `live_rows`' three)."""
    today = today or timezone.localdate()
    schools = _schools(user, filters)
    scenarios = list(
        Scenario.objects.filter(is_active=True).annotate(
            stale_schools=Exists(schools.filter(_stale(today)))
        )
    )
    if not scenarios or scenarios[0].stale_schools:
        return coverage(user=user, filters=filters, today=today, scenarios=scenarios)
    months = trend_months(today)
    shown = {
        "drills": Q(preparedness_summary__drills_ok=False),
        "plans": Q(preparedness_summary__missing_count__gt=0)
        | Q(preparedness_summary__overdue_reviews__gt=0),
    }.get(filters.get("show") or "", Q())
    totals, names, sums = _kept_totals(schools, shown, len(months))
    kept = "preparedness_summary__"
    values = schools.filter(shown).values(
        "id",
        "name",
        "code",
        "school_type",
        "parent_id",
        "parent__name",
        *(f"{kept}{name}" for name in SUMMARY_FIELDS),
    )
    scenario_names = {scenario.pk: scenario.name for scenario in scenarios}
    return Coverage(
        rows=_SummaryRows(values, totals["shown"], scenario_names),
        count=totals["shown"],
        months=months,
        county_trend=_county_trend(names, sums),
        waiting_for_me=_waiting_for(user, schools, scenario_names),
        missing_drills=totals["behind"],
        missing_plans=totals["missing"],
        overdue_reviews=totals["overdue"],
        waiting=totals["waiting"],
    )


def _kept_totals(
    schools: QuerySet[Organisation], shown: Q, months: int
) -> tuple[dict[str, int], dict[int, str], dict[int, list[list[int]]]]:
    """One query grouped by county over the schools' summaries: the totals of the view
    ("shown": the rows the `shown` filter keeps, "behind", "missing", "overdue", "waiting"),
    the county names, and per county with a timed drill the trend's [seconds, timed drills]
    of each month."""
    kept = "preparedness_summary__"
    by_county = (
        schools.order_by()
        .values("parent_id", "parent__name")
        .annotate(
            shown=Count("id", filter=shown),
            behind=Count("id", filter=Q(**{f"{kept}drills_ok": False})),
            missing=Count("id", filter=Q(**{f"{kept}missing_count__gt": 0})),
            overdue=Coalesce(Sum(f"{kept}overdue_reviews"), 0),
            waiting=Coalesce(Sum(f"{kept}waiting"), 0),
            **{f"s{i}": _month_sum("seconds", i) for i in range(months)},
            **{f"t{i}": _month_sum("timed", i) for i in range(months)},
        )
    )
    names: dict[int, str] = {}
    sums: dict[int, list[list[int]]] = {}
    totals: dict[str, int] = defaultdict(int)
    for county in by_county:
        names[county["parent_id"]] = county["parent__name"]
        for key in ("shown", "behind", "missing", "overdue", "waiting"):
            totals[key] += county[key]
        per_month = [[county[f"s{i}"] or 0, county[f"t{i}"] or 0] for i in range(months)]
        if any(timed for _seconds, timed in per_month):
            sums[county["parent_id"]] = per_month
    return totals, names, sums


def _waiting_for(
    user: User, schools: QuerySet[Organisation], scenario_names: dict[int, str]
) -> list[dict[str, Any]]:
    """The filings of `schools` waiting for the user's own bureau, oldest first (one query;
    none without a bureau)."""
    if user.unit_id is None:
        return []
    plans = (
        Plan.objects.filter(
            status=Plan.Status.SUBMITTED,
            unit__parent_id=user.unit_id,
            unit_id__in=schools.order_by().values("id"),
        )
        .order_by("submitted_at", "pk")
        .values_list("pk", "unit__name", "scenario_id", "version", "submitted_at")
    )
    return [
        {
            "pk": pk,
            "unit": unit,
            "scenario": scenario_names.get(scenario_id, ""),
            "version": version,
            "submitted_at": submitted,
        }
        for pk, unit, scenario_id, version, submitted in plans
    ]


# --- A school's own page ---------------------------------------------------------------------


def unit_drills(unit: Organisation) -> QuerySet[Drill]:
    return (
        Drill.objects.filter(unit=unit)
        .select_related("scenario")
        .annotate(problem_count=Count("problems"))
        .order_by("-planned_on", "-id")
    )


def drill_status(
    unit: Organisation,
    today: datetime.date | None = None,
    *,
    counts: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """This period's requirement and the drills held in it, and `drills`, the number of all the
    unit's drills (the unit page's paginator total): one query (`drill_counts`), or none when
    the caller has read `counts` with `drill_count_columns` in its own row."""
    today = today or timezone.localdate()
    if counts is None:
        counts = one_row(unit.pk, drill_count_columns(unit, today))
    settings_row = instances_of(DrillSettings, counts["settings"])
    need = requirement(unit, settings_row[0] if settings_row else None)
    start, end = period_bounds(need.period, today)
    held = counts[f"held_{need.period}"]
    status = {
        "requirement": need,
        "held": held,
        "drills": counts["drills"],
        "start": start,
        "end": end,
        "ok": held >= need.count,
    }
    if unit.has_school_buses:
        bus_held = counts["bus_held"]
        semester_start, semester_end = semester_bounds(today)
        status["bus"] = {
            "held": bus_held,
            "count": BUS_DRILLS_PER_SEMESTER,
            "start": semester_start,
            "end": semester_end - datetime.timedelta(days=1),
            "ok": bus_held >= BUS_DRILLS_PER_SEMESTER,
        }
        status["ok"] = status["ok"] and status["bus"]["ok"]
    return status


def drill_count_columns(unit: Organisation, today: datetime.date) -> dict[str, Any]:
    """The columns `drill_status` reads, for `safety.onerow.one_row` on the unit's row: the
    nearest drill settings row (as a one-row list), the recorded drills of this month and of
    this quarter (the settings decide which period applies), all the unit's drills and, for a
    school with buses, this semester's recorded bus drills."""
    nearest = (
        DrillSettings.objects.filter(unit_id__in=unit.ancestor_ids)
        .order_by(Length("unit__path").desc())
        .values(*DRILL_SETTINGS_FIELDS)[:1]
    )
    drills = Drill.objects.filter(unit=unit)
    recorded = drills.filter(status=Drill.Status.RECORDED)
    columns: dict[str, Any] = {
        "settings": rows_of(nearest, DRILL_SETTINGS_FIELDS),
        "drills": count_of(drills),
    }
    for period in ("month", "quarter"):
        start, end = period_bounds(period, today)
        columns[f"held_{period}"] = count_of(recorded.filter(held_on__gte=start, held_on__lt=end))
    if unit.has_school_buses:
        semester_start, _end = semester_bounds(today)
        columns["bus_held"] = count_of(
            recorded.filter(
                scenario__buses_only=True, held_on__gte=semester_start, held_on__lte=today
            )
        )
    return columns


DRILL_SETTINGS_FIELDS = ("id", "unit_id", *SETTINGS_FIELDS)
_SCENARIO_FIELDS = (
    "id",
    "key",
    "name_zh",
    "name_en",
    "is_overall",
    "is_required",
    "boarding_only",
    "buses_only",
    "order",
    "is_active",
)
_TEAM_FIELDS = ("id", "unit_id", "kind", "name", "duties", "order")


def unit_page(unit: Organisation, today: datetime.date | None = None) -> dict[str, Any]:
    """The unit page's plans (`plan_rows`), teams (`teams_of`) and, for a school, drill
    status (`drill_status`): four queries (the scenarios, the unit's teams, the drill settings
    and the drill counts in one row; the plans; the team members)."""
    today = today or timezone.localdate()
    columns = {
        "scenarios": rows_of(
            Scenario.objects.filter(is_active=True).values(*_SCENARIO_FIELDS), _SCENARIO_FIELDS
        ),
        "teams": rows_of(Team.objects.filter(unit=unit).values(*_TEAM_FIELDS), _TEAM_FIELDS),
    }
    if unit.is_school:
        columns.update(drill_count_columns(unit, today))
    row = one_row(unit.pk, columns)
    return {
        "plans": plan_rows(unit, today, scenarios=instances_of(Scenario, row["scenarios"])),
        "teams": teams_of(unit, teams=instances_of(Team, row["teams"])),
        "status": drill_status(unit, today, counts=row) if unit.is_school else None,
    }


def drill_plans(unit: Organisation) -> QuerySet[Plan]:
    """The plans a drill of the unit may exercise: its versions not superseded by a draft."""
    return (
        Plan.objects.filter(unit=unit)
        .select_related("scenario")
        .order_by("scenario__order", "-version")
    )


def evacuation_average(unit_ids: Iterable[int], start: datetime.date, end: datetime.date) -> Any:
    return Drill.objects.filter(
        unit_id__in=list(unit_ids),
        status=Drill.Status.RECORDED,
        held_on__gte=start,
        held_on__lt=end,
    ).aggregate(avg=Avg("evacuation_seconds"))["avg"]
