"""Reads of activities and the school-bus register: settings, the approval chain, access
helpers, lists, the calendar, the register's gaps and the figures. Queries do not grow with
the number of rows shown."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connections
from django.db.models import (
    BooleanField,
    Count,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Length, Substr
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safety import roles
from safety.access import access_object
from safety.models import Organisation, User
from safety.onerow import count_of
from safety.responsibility.models import Holder
from safety.scoping import nearest_unit_setting

from .models import (
    Activity,
    ActivityApproval,
    ActivitySettings,
    ActivityVersion,
    BusEscort,
    BusRoute,
    Level,
    SchoolBus,
    SchoolBusDriver,
)

Status = Activity.Status
OPEN_STATUSES = (Status.PENDING, Status.APPROVED)


# --- settings and the approval chain ---------------------------------------------------------


def settings_for(unit: Organisation) -> ActivitySettings:
    """The nearest bureau's settings at or above `unit`, or the defaults (an unsaved row)."""
    found = nearest_unit_setting(ActivitySettings.objects.all(), unit)
    return found or ActivitySettings()


def approval_levels(
    *,
    participants: int,
    is_off_campus: bool,
    is_overnight: bool,
    is_outside_city: bool,
    threshold: int,
) -> list[str]:
    """Who approves, in order (docs/activities.md, "The approval chain"): the school leader
    always; the county bureau too for an activity off campus, overnight, outside the city or
    with more participants (pupils and staff) than the threshold; the city bureau too for one
    outside the city."""
    levels = [Level.SCHOOL.value]
    if is_off_campus or is_overnight or is_outside_city or participants > threshold:
        levels.append(Level.COUNTY.value)
    if is_outside_city:
        levels.append(Level.CITY.value)
    return levels


def levels_for(activity: Activity) -> list[str]:
    return approval_levels(
        participants=activity.participants,
        is_off_campus=activity.is_off_campus,
        is_overnight=activity.is_overnight,
        is_outside_city=activity.is_outside_city,
        threshold=settings_for(activity.school).large_threshold,
    )


def approving_unit_ids(school: Organisation, levels: list[str]) -> list[tuple[str, int]]:
    """(level, unit id) of each step: the school; the bureau directly above it (a county, or
    the city for a school directly under the city); the top of the tree. A step whose unit is
    the same as the step before it is dropped (the city approves once)."""
    ancestors = school.ancestor_ids
    units = {
        Level.SCHOOL: school.pk,
        Level.COUNTY: ancestors[-2] if len(ancestors) > 1 else school.pk,
        Level.CITY: ancestors[0],
    }
    steps: list[tuple[str, int]] = []
    for level in levels:
        unit_id = units[Level(level)]
        if not steps or steps[-1][1] != unit_id:
            steps.append((level, unit_id))
    return steps


def current_step(version: ActivityVersion | None) -> ActivityApproval | None:
    """The first undecided step of the version's chain (None once decided)."""
    if version is None:
        return None
    return next((step for step in version.approvals.all() if not step.decision), None)


def may_decide(user: User, step: ActivityApproval | None) -> bool:
    return (
        step is not None and user.unit_id == step.unit_id and user.has_perm(roles.APPROVE_ACTIVITY)
    )


def approvers(unit_ids: Any) -> QuerySet[User]:
    granted = [r for r, perms in roles.ROLE_PERMISSIONS.items() if roles.APPROVE_ACTIVITY in perms]
    return User.objects.filter(unit_id__in=unit_ids, is_active=True, role__in=granted)


def applicants(school_id: int) -> QuerySet[User]:
    granted = [r for r, perms in roles.ROLE_PERMISSIONS.items() if roles.APPLY_ACTIVITY in perms]
    return User.objects.filter(unit_id=school_id, is_active=True, role__in=granted)


def bus_keepers(school_ids: Any) -> QuerySet[User]:
    granted = [
        r for r, perms in roles.ROLE_PERMISSIONS.items() if roles.MANAGE_SCHOOL_BUSES in perms
    ]
    return User.objects.filter(unit_id__in=school_ids, is_active=True, role__in=granted)


# --- access helpers ----------------------------------------------------------------------------


def access_activity(user: User, pk: int, *, for_change: bool = False) -> Activity:
    """An application the user may see; `for_change`: the school's own applicant (403 for
    anyone else who may see it). 404 outside the jurisdiction."""
    activity = access_object(
        Activity.objects.select_related(
            "school", "person_in_charge", "safety_officer", "latest_version", "created_by"
        ),
        user,
        pk=pk,
        permission=roles.APPLY_ACTIVITY if for_change else None,
    )
    if for_change and user.unit_id != activity.school_id and not user.is_superuser:
        raise PermissionDenied
    return activity


def access_activity_for_decision(user: User, pk: int) -> Activity:
    """An application whose current step the user's unit decides (403 for anyone else who
    may see it: an approver outside the chain, or one whose turn has not come)."""
    activity = access_activity(user, pk)
    if activity.status != Status.PENDING or not may_decide(
        user, current_step(activity.latest_version)
    ):
        raise PermissionDenied
    return activity


def with_reminder_days(units: QuerySet[Organisation]) -> QuerySet[Organisation]:
    """Units annotated with `reminder_days`: the bus reminder window of the nearest bureau
    at or above them with a settings row (None: the default), in the same query."""
    return units.annotate(reminder_days=reminder_days_of())


def reminder_days_of() -> Subquery:
    """The bus reminder window of the nearest bureau at or above the outer query's unit
    (an `Organisation` row) with a settings row, as a subquery (NULL: the default)."""
    nearest = (
        ActivitySettings.objects.annotate(prefix_length=Length("bureau__path"))
        .filter(bureau__path=Substr(OuterRef("path"), 1, F("prefix_length")))
        .order_by("-prefix_length")
        .values("bus_reminder_days")[:1]
    )
    return Subquery(nearest)


def reminder_days(school: Organisation) -> int:
    days = getattr(school, "reminder_days", None)
    if days is None and not hasattr(school, "reminder_days"):
        return settings_for(school).bus_reminder_days
    return ActivitySettings().bus_reminder_days if days is None else days


def access_school_for_activities(user: User, pk: int, *, for_change: bool = False) -> Organisation:
    """A school the user may see (404 otherwise, and for a unit that is not a school);
    `for_change`: its own staff who keep the register or apply (403 for others)."""
    school = access_object(with_reminder_days(Organisation.objects.all()), user, pk=pk)
    if not school.is_school:
        raise Http404
    if for_change:
        roles.require_permission(user, roles.MANAGE_SCHOOL_BUSES)
        if user.unit_id != school.pk and not user.is_superuser:
            raise PermissionDenied
    return school


def _access_register_row(model: Any, user: User, pk: int, for_change: bool) -> Any:
    row = access_object(model.objects.select_related("school"), user, pk=pk)
    if for_change:
        roles.require_permission(user, roles.MANAGE_SCHOOL_BUSES)
        if user.unit_id != row.school_id and not user.is_superuser:
            raise PermissionDenied
    return row


def access_bus(user: User, pk: int, *, for_change: bool = False) -> SchoolBus:
    return _access_register_row(SchoolBus, user, pk, for_change)


def access_driver(user: User, pk: int, *, for_change: bool = False) -> SchoolBusDriver:
    return _access_register_row(SchoolBusDriver, user, pk, for_change)


def access_escort(user: User, pk: int, *, for_change: bool = False) -> BusEscort:
    return _access_register_row(BusEscort, user, pk, for_change)


def access_route(user: User, pk: int, *, for_change: bool = False) -> BusRoute:
    return _access_register_row(BusRoute, user, pk, for_change)


# --- lists ---------------------------------------------------------------------------------------


def awaiting_q(user: User) -> Q:
    """Applications whose current step waits for the user's unit (and role)."""
    if not user.has_perm(roles.APPROVE_ACTIVITY) or user.unit_id is None:
        return Q(pk__in=[])
    return Q(
        status=Status.PENDING,
        latest_version__approvals__unit_id=user.unit_id,
        latest_version__approvals__decision="",
        latest_version__approvals__level=F("awaiting_level"),
    )


def activity_list(user: User, filters: dict[str, Any]) -> QuerySet[Activity]:
    rows = Activity.objects.visible_to(user).select_related("school")
    if filters.get("mine"):
        # the one filter that joins a many-valued relation (the version's approvals); #23:
        # DISTINCT only then (on every list it sorted the jurisdiction's rows before the page)
        rows = rows.filter(awaiting_q(user)).distinct()
    if filters.get("status"):
        rows = rows.filter(status=filters["status"])
    if filters.get("kind"):
        rows = rows.filter(kind=filters["kind"])
    if filters.get("county"):
        rows = rows.filter(school__path__startswith=filters["county"].path)
    if filters.get("q"):
        rows = rows.filter(Q(title__icontains=filters["q"]) | Q(place__icontains=filters["q"]))
    if filters.get("figure"):
        rows = rows.filter(figure_q(filters["figure"]))
    rows = rows.filter(starting_between(filters.get("date_from"), filters.get("date_to")))
    return rows.order_by("-starts_at", "-id")


def awaiting_count(user: User) -> int:
    return Activity.objects.visible_to(user).filter(awaiting_q(user)).distinct().count()


def holders_of(school: Organisation) -> QuerySet[Holder]:
    return Holder.objects.filter(unit=school, is_active=True).order_by("name_sort_key", "id")


def chain_rows(version: ActivityVersion | None) -> list[ActivityApproval]:
    if version is None:
        return []
    return list(
        ActivityApproval.objects.filter(version=version)
        .select_related("unit", "decided_by")
        .order_by("order")
    )


# --- calendar ------------------------------------------------------------------------------------


@dataclass
class Day:
    """One day of the calendar: the activities shown (in start order) and `more`, how many
    others of the day the week view leaves behind its link to the day (`DAY_LIMIT`)."""

    date: datetime.date
    activities: list[Activity]
    more: int = 0


# The activities a day of the week view shows; the rest are counted behind a link to the day,
# whose view pages them (#23: a county's week grew with the data, 3.6x the activities in the
# 4x city, and the page with it: 1.77x).
DAY_LIMIT = 5


class SpanOverlaps(Func):
    """An activity's time span overlapping [start, end), as PostgreSQL's
    `tstzrange(starts_at, ends_at) && tstzrange(start, end)`: the expression of the GiST index
    `activity_span_gist` (migration reporting 0020). #23: the btree conditions `starts_at <
    end AND ends_at > start` have no index that bounds both, so the calendar read every
    activity of every year (64 ms in the 4x city for the week's 532); the range finds the
    week's rows alone (4 ms). PostgreSQL only: `calendar_rows` adds it there, beside the btree
    conditions every database evaluates."""

    output_field = BooleanField()

    def __init__(self, start: datetime.datetime, end: datetime.datetime) -> None:
        super().__init__(F("starts_at"), F("ends_at"), Value(start), Value(end))

    def as_sql(self, compiler, connection, **extra_context):
        parts, params = [], []
        for expression in self.get_source_expressions():
            sql, expression_params = compiler.compile(expression)
            parts.append(sql)
            params.extend(expression_params)
        return "tstzrange({}, {}) && tstzrange({}, {})".format(*parts), params


def calendar_rows(
    user: User, *, first: datetime.date, last: datetime.date, filters: dict[str, Any]
) -> QuerySet[Activity]:
    """Approved, pending and held activities of the jurisdiction overlapping [first, last]
    (local days), in start order; on PostgreSQL found through the GiST index of their spans
    (`SpanOverlaps`)."""
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(first, datetime.time(), tzinfo=zone)
    end = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time(), tzinfo=zone)
    rows = (
        Activity.objects.visible_to(user)
        .filter(status__in=[Status.PENDING, Status.APPROVED, Status.HELD])
        .filter(starts_at__lt=end, ends_at__gt=start)
        .select_related("school")
        .order_by("starts_at", "id")
    )
    if connections[rows.db].vendor == "postgresql":
        rows = rows.filter(SpanOverlaps(start, end))
    if filters.get("kind"):
        rows = rows.filter(kind=filters["kind"])
    if filters.get("county"):
        rows = rows.filter(school__path__startswith=filters["county"].path)
    if filters.get("parent"):
        rows = rows.filter(school__parent=filters["parent"])
    return rows


# A city or province official's calendar counts the activities per bureau and day (at 4x a
# city's week held ~700 activities: a page that grows with the data, #23); a county's, a
# school's, or one chosen bureau's lists them.
SUMMARISED_LEVELS = frozenset({Organisation.Kind.CITY, Organisation.Kind.PROVINCE})


def calendar_summarised(user: User, filters: dict[str, Any]) -> bool:
    """Whether the calendar shows counts per bureau (`calendar_summary`) instead of the
    activities: for a user of a city or province bureau (or of no unit: an administrator of
    the installation) who has not chosen one county or one bureau's own schools."""
    if filters.get("county") or filters.get("parent"):
        return False
    return user.unit is None or user.unit.kind in SUMMARISED_LEVELS


@dataclass
class SummaryRow:
    """One bureau's activities in the calendar's days: `unit` is the county bureau of its
    schools, or a city bureau for the schools directly under it (`direct`); `cells` holds
    (day, number of activities overlapping the day) for each day of [first, last], `total`
    the activities overlapping any of them."""

    unit_id: int
    name: str
    direct: bool
    cells: list[tuple[datetime.date, int]]
    total: int

    @property
    def filter_name(self) -> str:
        """The calendar filter that opens this row's activities (forms.CalendarForm)."""
        return "parent" if self.direct else "county"


def calendar_summary(
    user: User, *, first: datetime.date, last: datetime.date, filters: dict[str, Any]
) -> list[SummaryRow]:
    """`calendar_rows` counted per bureau (the parent of each school: a county, or a city for
    its direct schools) and day, the counties in tree order and then the direct schools'
    bureaus; bureaus without an activity are left out. One grouped query whatever the number
    of activities (at most 31 days)."""
    zone = timezone.get_current_timezone()
    days = [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)]
    per_day = {}
    for index, day in enumerate(days):
        start = datetime.datetime.combine(day, datetime.time(), tzinfo=zone)
        end = start + datetime.timedelta(days=1)
        per_day[f"day{index}"] = Count("id", filter=Q(starts_at__lt=end, ends_at__gt=start))
    grouped = (
        calendar_rows(user, first=first, last=last, filters=filters)
        .select_related(None)
        .order_by()
        .values(
            "school__parent_id",
            "school__parent__name",
            "school__parent__kind",
            "school__parent__path",
        )
        .annotate(total=Count("id"), **per_day)
    )
    county = Organisation.Kind.COUNTY
    grouped = sorted(
        grouped,
        key=lambda row: (row["school__parent__kind"] != county, row["school__parent__path"]),
    )
    return [
        SummaryRow(
            unit_id=row["school__parent_id"],
            name=row["school__parent__name"],
            direct=row["school__parent__kind"] != county,
            cells=[(day, row[f"day{index}"]) for index, day in enumerate(days)],
            total=row["total"],
        )
        for row in grouped
    ]


def calendar_days(
    rows: list[Activity], first: datetime.date, last: datetime.date, *, limit: int | None = None
) -> list[Day]:
    """The days first..last, each with the `rows` (in start order) overlapping it in local
    time; with `limit`, at most that many per day, the others counted in `Day.more`."""
    spans = [(timezone.localdate(a.starts_at), timezone.localdate(a.ends_at), a) for a in rows]
    days = []
    day = first
    while day <= last:
        overlapping = [a for starts, ends, a in spans if starts <= day <= ends]
        shown = overlapping if limit is None else overlapping[:limit]
        days.append(Day(day, shown, more=len(overlapping) - len(shown)))
        day += datetime.timedelta(days=1)
    return days


# --- the school-bus register ----------------------------------------------------------------------


def expired_bus_q(day: datetime.date) -> Q:
    return Q(permit_expires__lt=day) | Q(inspection_expires__lt=day) | Q(insurance_expires__lt=day)


def expiring_bus_q(day: datetime.date, until: datetime.date) -> Q:
    return (
        Q(permit_expires__range=(day, until))
        | Q(inspection_expires__range=(day, until))
        | Q(insurance_expires__range=(day, until))
    )


@dataclass
class RegisterGaps:
    """Buses and drivers in service whose documents have expired (a gap) or expire within the
    reminder window."""

    expired_buses: list[SchoolBus]
    expired_drivers: list[SchoolBusDriver]
    expiring_buses: list[SchoolBus]
    expiring_drivers: list[SchoolBusDriver]

    @property
    def gap_count(self) -> int:
        return len(self.expired_buses) + len(self.expired_drivers)


# The fields of a bus and of a driver the register's gaps read (school_register_gaps).
REGISTER_FIELDS = (
    (
        "id",
        "school_id",
        "plate",
        "permit_expires",
        "inspection_expires",
        "insurance_expires",
        "is_active",
    ),
    ("id", "school_id", "name", "licence_expires", "is_active"),
)


def buses_in_service(school: Organisation) -> QuerySet[SchoolBus]:
    return SchoolBus.objects.filter(school=school, is_active=True)


def drivers_in_service(school: Organisation) -> QuerySet[SchoolBusDriver]:
    return SchoolBusDriver.objects.filter(school=school, is_active=True)


def school_register_gaps(
    school: Organisation,
    day: datetime.date | None = None,
    *,
    buses: list[SchoolBus] | None = None,
    drivers: list[SchoolBusDriver] | None = None,
) -> RegisterGaps:
    """The school's gaps and documents expiring within its reminder window; `buses` and
    `drivers`, when the caller has loaded the whole register, are sorted here instead of
    queried again."""
    day = day or timezone.localdate()
    until = day + datetime.timedelta(days=reminder_days(school))
    if buses is None:
        buses = list(
            buses_in_service(school).filter(expired_bus_q(day) | expiring_bus_q(day, until))
        )
    if drivers is None:
        drivers = list(drivers_in_service(school).filter(licence_expires__lte=until))
    buses = [b for b in buses if b.is_active and min(e for _k, _l, e in b.documents()) <= until]
    drivers = [d for d in drivers if d.is_active and d.licence_expires <= until]
    for bus in buses:
        bus.expired_labels = bus.expired_on(day)
    return RegisterGaps(
        expired_buses=[b for b in buses if b.expired_labels],
        expired_drivers=[d for d in drivers if d.licence_expires < day],
        expiring_buses=[b for b in buses if not b.expired_labels],
        expiring_drivers=[d for d in drivers if d.licence_expires >= day],
    )


def register_of(school: Organisation) -> dict[str, list[Any]]:
    return {
        "buses": list(SchoolBus.objects.filter(school=school).order_by("-is_active", "plate")),
        "drivers": list(
            SchoolBusDriver.objects.filter(school=school).order_by("-is_active", "name")
        ),
        "escorts": list(BusEscort.objects.filter(school=school).order_by("-is_active", "name")),
        "routes": list(
            BusRoute.objects.filter(school=school)
            .select_related("bus", "driver", "escort")
            .order_by("-is_active", "name")
        ),
    }


def usable_buses(school: Organisation, day: datetime.date) -> QuerySet[SchoolBus]:
    """The school's buses in service with every document valid on `day` (an expired bus
    cannot be chosen for an activity or a route)."""
    return (
        SchoolBus.objects.filter(school=school, is_active=True)
        .exclude(expired_bus_q(day))
        .order_by("plate")
    )


def usable_drivers(school: Organisation, day: datetime.date) -> QuerySet[SchoolBusDriver]:
    return SchoolBusDriver.objects.filter(
        school=school, is_active=True, licence_expires__gte=day
    ).order_by("name")


def jurisdiction_register(user: User, filters: dict[str, Any]) -> dict[str, Any]:
    """Every bus and driver in service in the user's jurisdiction, the expired first."""
    day = timezone.localdate()
    buses = SchoolBus.objects.visible_to(user).filter(is_active=True).select_related("school")
    drivers = (
        SchoolBusDriver.objects.visible_to(user).filter(is_active=True).select_related("school")
    )
    if filters.get("county"):
        buses = buses.filter(school__path__startswith=filters["county"].path)
        drivers = drivers.filter(school__path__startswith=filters["county"].path)
    if filters.get("state") == "expired":
        buses = buses.filter(expired_bus_q(day))
        drivers = drivers.filter(licence_expires__lt=day)
    return {
        "buses": buses.order_by("school__name_sort_key", "plate"),
        "drivers": drivers.order_by("school__name_sort_key", "name"),
        "day": day,
    }


# --- figures -------------------------------------------------------------------------------------


def figure_q(key: str) -> Q:
    """The activities a figure counts (docs/activities.md, "Figures"); the list's `figure`
    filter applies the same condition, so a dashboard tile and its list agree."""
    if key == "approved":
        return Q(status__in=[Status.APPROVED, Status.HELD])
    if key == "returned":
        return Q(status=Status.RETURNED)
    if key == "unapproved":
        return Q(
            ends_at__lt=timezone.now(),
            latest_version__isnull=False,
            status__in=[Status.PENDING, Status.RETURNED],
        )
    return Q()


FIGURE_KEYS = ("approved", "returned", "unapproved")


def starting_between(first: datetime.date | None, last: datetime.date | None) -> Q:
    zone = timezone.get_current_timezone()
    condition = Q()
    if first:
        condition &= Q(starts_at__gte=datetime.datetime.combine(first, datetime.time(), zone))
    if last:
        end = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time(), zone)
        condition &= Q(starts_at__lt=end)
    return condition


def _count(rows: QuerySet, distinct: bool = False) -> Coalesce:
    template = "COUNT(DISTINCT %(expressions)s)" if distinct else "COUNT(%(expressions)s)"
    counted = rows.order_by().annotate(n=Func(F("pk"), function="COUNT", template=template))
    # An empty condition (no permission) compiles to NULL, not 0.
    return Coalesce(Subquery(counted.values("n"), output_field=IntegerField()), 0)


def dashboard_columns(
    user: User, first: datetime.date, last: datetime.date, county=None
) -> dict[str, Coalesce]:
    """Every figure of the dashboards' activities tile row and the user's to-do count as
    scalar subqueries, for the caller's one-row query (`dashboard_figures` reads the row):
    keys `activities_approved`, `…_returned`, `…_unapproved`, `…_awaiting`,
    `…_buses_expired`, `…_drivers_expired`."""
    activities = Activity.objects.visible_to(user)
    if county is not None:
        activities = activities.filter(school__path__startswith=county.path)
    period = starting_between(first, last)
    register = jurisdiction_register(user, {"state": "expired", "county": county})
    counts = {key: _count(activities.filter(period & figure_q(key))) for key in FIGURE_KEYS}
    counts["awaiting"] = awaiting_column(user, activities)
    counts["buses_expired"] = _count(register["buses"])
    counts["drivers_expired"] = _count(register["drivers"])
    return {f"activities_{key}": value for key, value in counts.items()}


def dashboard_figures(row: dict[str, int]) -> dict[str, int]:
    """The counts of `dashboard_columns` read from the caller's row: the figure keys,
    `awaiting` and `expired` (buses and drivers)."""
    counts = {key: row[f"activities_{key}"] for key in (*FIGURE_KEYS, "awaiting")}
    counts["expired"] = row["activities_buses_expired"] + row["activities_drivers_expired"]
    return counts


def awaiting_column(user: User, activities: QuerySet[Activity] | None = None) -> Coalesce:
    """The applications waiting for the user's decision (`awaiting_count`), as a scalar
    subquery for a one-row query."""
    activities = Activity.objects.visible_to(user) if activities is None else activities
    return _count(activities.filter(awaiting_q(user)), distinct=True)


def dashboard_counts(
    user: User, unit: Organisation, first: datetime.date, last: datetime.date, county=None
) -> dict[str, int]:
    """Every figure of the dashboards' activities tile row and the user's to-do count, in
    one query (scalar subqueries on the user's unit row)."""
    columns = dashboard_columns(user, first, last, county)
    return dashboard_figures(Organisation.objects.filter(pk=unit.pk).values(**columns).get())


FIGURE_LABELS = {
    "approved": _("Activities approved"),
    "returned": _("Applications returned"),
    "unapproved": _("Activities held without approval"),
    "expired": _("Buses and drivers with expired documents"),
}


def monthly_columns(unit: Organisation, month: datetime.date, now: datetime.datetime) -> dict:
    """The monthly report's section (reporting/monthly/figures.py), asked as columns of the
    school's row (safety.onerow): activities starting in the month approved, returned, held
    without approval; the school's buses and drivers in service with a document expired at
    the month's end (or now, if earlier)."""
    last = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    last -= datetime.timedelta(days=1)
    rows = Activity.objects.filter(school=unit)
    period = starting_between(month, last)
    day = min(last + datetime.timedelta(days=1), timezone.localdate(now))
    return {
        **{key: count_of(rows.filter(period & figure_q(key))) for key in FIGURE_KEYS},
        "buses": count_of(
            SchoolBus.objects.filter(school=unit, is_active=True).filter(expired_bus_q(day))
        ),
        "drivers": count_of(
            SchoolBusDriver.objects.filter(school=unit, is_active=True, licence_expires__lt=day)
        ),
    }


def monthly_rows(values: dict, unit: Organisation, month: datetime.date, now) -> dict:
    """The section's row from the values of `monthly_columns`."""
    expired = values["buses"] + values["drivers"]
    return {"rows": [["", *[values[key] for key in FIGURE_KEYS], expired]]}
