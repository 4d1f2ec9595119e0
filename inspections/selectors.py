"""Reads: the scoped fetch of each object kind (`access_*`, every view's first line) and the
reads views and services share, with their joins and aggregates already applied."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
)

from safety import roles, workdays
from safety.access import access_object, check_unit_permission
from safety.models import Organisation, User
from safety.onerow import count_of
from safety.scoping import nearest_unit_setting
from safety.selectors import local_days
from safety.workdays import DayUnit

from . import guards, tally
from .models import (
    DEFAULT_DEADLINE_DAYS,
    DEFAULT_ESCALATION_DAYS,
    Hazard,
    HazardEvent,
    HazardTally,
    Inspection,
    InspectionSettings,
    Photo,
    SpotCheckDraw,
)

Status = Hazard.Status
Role = User.Role

# --- access: one scoped fetch per object kind ---------------------------------------------


def access_hazard(user: User, pk: int, *, for_change: bool = False) -> Hazard:
    """The hazard `pk` if `user` may see it, with what its page shows already joined.

    Raises `Http404` outside the user's jurisdiction (or when it does not exist) and, with
    `for_change=True`, `PermissionDenied` for a role that may not act on hazards at all
    (read-only accounts such as administrators). Each transition's service still checks its
    own permission and state.
    """
    permission = roles.REPORT_HAZARD if for_change else None
    return access_object(hazard_for_detail(Hazard.objects), user, permission=permission, pk=pk)


def access_hazard_summary(user: User, pk: int) -> Hazard:
    """The hazard `pk` if `user` may see it, with its school only: for a page that names it
    (a new order from it) without its files and timeline. Raises `Http404` outside the
    user's jurisdiction (or when it does not exist)."""
    return access_object(Hazard.objects.select_related("school"), user, pk=pk)


def access_inspection(user: User, pk: int, *, for_change: bool = False) -> Inspection:
    """The inspection `pk` if `user` may see it, with school, inspector and checklist joined,
    and its special campaign and campaign task (#18; the page links back to the task).

    Raises `Http404` outside the jurisdiction and, with `for_change=True`, `PermissionDenied`
    when the user's role may not file inspections.
    """
    permission = roles.FILE_INSPECTION if for_change else None
    inspections = Inspection.objects.select_related(
        "school", "inspector", "checklist__template__area", "campaign", "campaign_task"
    )
    return access_object(inspections, user, permission=permission, pk=pk)


def access_draw(user: User, pk: int, *, for_change: bool = False) -> SpotCheckDraw:
    """The spot-check draw `pk` if `user` may see it (it hangs off a bureau).

    Raises `Http404` outside the jurisdiction and, with `for_change=True`, `PermissionDenied`
    when the user's role may not draw spot checks.
    """
    permission = roles.DRAW_SPOT_CHECK if for_change else None
    draws = SpotCheckDraw.objects.select_related("bureau", "drawn_by")
    return access_object(draws, user, permission=permission, pk=pk)


def access_photo(user: User, pk: int) -> Photo:
    """The stored photo `pk` if `user` may see its school's records; `Http404` otherwise."""
    return access_object(Photo, user, pk=pk)


LEDGER_COLUMNS = (
    "id",
    "created_at",
    "school__name",
    "area__name_zh",
    "location",
    "description",
    "kind",
    "severity",
    "source",
    "status",
    "is_overdue",
    "deadline",
    "owner__full_name",
    "supervisor__full_name",
    "closed_at",
)


def ledger_queryset(*, user: User, filters: dict[str, Any]) -> QuerySet[Hazard]:
    """The hazards of the user's jurisdiction matching every filter except status (the
    status counts are computed over this set)."""
    hazards = Hazard.objects.visible_to(user)
    query = (filters.get("q") or "").strip()
    if query:
        hazards = hazards.filter(Q(description__icontains=query) | Q(location__icontains=query))
    if filters.get("open"):
        hazards = hazards.exclude(status=Hazard.Status.CLOSED)
    if filters.get("overdue"):
        hazards = hazards.filter(is_overdue=True).exclude(status=Hazard.Status.CLOSED)
    for field in ("area", "severity", "kind", "source"):
        if filters.get(field):
            hazards = hazards.filter(**{field: filters[field]})
    if filters.get("county"):
        hazards = hazards.filter(school__path__startswith=filters["county"].path)
    if filters.get("school"):
        hazards = hazards.filter(
            Q(school__name__icontains=filters["school"]) | Q(school__code=filters["school"])
        )
    if filters.get("date_from") or filters.get("date_to"):
        dates = local_days("created_at", filters.get("date_from"), filters.get("date_to"))
        hazards = hazards.filter(dates)
    return hazards


class Ledger(NamedTuple):
    rows: QuerySet[Hazard]
    counts: dict[str, int]  # per status, before the status filter
    total: int  # the number of `rows`


def ledger(*, user: User, filters: dict[str, Any]) -> Ledger:
    """The ledger page's rows (scoped, filtered, newest first, joins applied), the counts per
    status and the rows' total. One grouped COUNT feeds the status badges and the paginator,
    so a page costs the same number of queries at any size."""
    base = ledger_queryset(user=user, filters=filters)
    counts = dict.fromkeys(Hazard.Status.values, 0)
    counts.update(dict(status_counts(user=user, filters=filters, hazards=base)))
    status = filters.get("status")
    rows = base.filter(status=status) if status else base
    total = counts.get(status, 0) if status else sum(counts.values())
    rows = rows.select_related("school", "area", "owner").order_by("-created_at", "-id")
    return Ledger(rows, counts, total)


# Filters the hazard tally can answer (equality on its key, or a bureau's subtree).
TALLY_FILTERS = frozenset({"area", "severity", "kind", "source", "status", "overdue", "county"})


def status_counts(*, user: User, filters: dict[str, Any], hazards: QuerySet[Hazard]):
    """(status, count) pairs of the ledger's rows before the status filter.

    A bureau's ledger with only tally filters sums the tally (a few thousand rows whatever
    the size of the ledger); a school's ledger, a text search or a date range counts the
    hazards themselves (a school's are few; the others are bounded by their own filter)."""
    organisation = getattr(user, "unit", None)
    bureau_scope = user.is_superuser or (organisation is not None and organisation.is_bureau)
    other_filters = {key for key, value in filters.items() if value} - TALLY_FILTERS
    if not (tally.is_kept() and bureau_scope and not other_filters):
        return hazards.order_by().values_list("status").annotate(n=Count("id"))
    rows = HazardTally.objects.visible_to(user)
    for field in ("area", "severity", "kind", "source"):
        if filters.get(field):
            rows = rows.filter(**{field: filters[field]})
    if filters.get("overdue"):
        rows = rows.filter(is_overdue=True).exclude(status=Hazard.Status.CLOSED)
    if filters.get("county"):
        rows = rows.filter(bureau__path__startswith=filters["county"].path)
    return rows.order_by().values_list("status").annotate(n=Sum("count"))


def export_rows(*, user: User, filters: dict[str, Any]):
    """The ledger rows as tuples of LEDGER_COLUMNS, streamed in chunks (bounded memory)."""
    return (
        ledger(user=user, filters=filters)
        .rows.values_list(*LEDGER_COLUMNS)
        .iterator(chunk_size=2000)
    )


def hazard_for_detail(queryset: QuerySet[Hazard]) -> QuerySet[Hazard]:
    """`queryset` with everything the hazard page shows: people, photos and the timeline."""
    return queryset.select_related(
        "school",
        "area",
        "reporter",
        "owner",
        "supervisor",
        "inspection",
        "drill_problem",
        "risk_check__point",
    ).prefetch_related(
        Prefetch("photos", queryset=Photo.objects.filter(event__isnull=True)),
        Prefetch(
            "events",
            queryset=HazardEvent.objects.select_related("actor").prefetch_related("photos"),
        ),
    )


def inspection_list(*, user: User) -> QuerySet[Inspection]:
    """The user's jurisdiction's inspections, newest first, each with its hazard count.

    The count is a scalar subquery per row (by the hazards' inspection index), so only the
    page's rows are counted and the paginator's COUNT does not join the hazards: a grouped
    join counted every hazard of the jurisdiction before the page was cut (1.5 s for a city
    of 500,000 hazards, twice that at 2 million; #23)."""
    return (
        Inspection.objects.visible_to(user)
        .select_related("school", "inspector", "checklist__template__area")
        .annotate(hazard_count=count_of(Hazard.objects.filter(inspection=OuterRef("pk"))))
        .order_by("-created_at", "-id")
    )


# --- rectification rules and people -------------------------------------------------------


@dataclass(frozen=True)
class RectificationRules:
    """A bureau's rectification rules as they apply to one school."""

    deadline_days: dict[str, int]  # Hazard.Severity value → days to rectify
    escalation_days: int  # days overdue before the county bureau is alerted
    deadline_unit: str = DayUnit.CALENDAR  # how deadline_days count (safety.workdays)


def rules_for(school: Organisation) -> RectificationRules:
    """The rules of the nearest bureau at or above `school` with an InspectionSettings row,
    else the built-in defaults (general 7 days, major 30, escalation after 3). One query."""
    row = nearest_unit_setting(InspectionSettings.objects, school, unit_field="bureau")
    if row is None:
        return RectificationRules(dict(DEFAULT_DEADLINE_DAYS), DEFAULT_ESCALATION_DAYS)
    return RectificationRules(
        deadline_days={
            Hazard.Severity.GENERAL: row.general_deadline_days,
            Hazard.Severity.MAJOR: row.major_deadline_days,
        },
        escalation_days=row.escalation_days,
        deadline_unit=row.deadline_unit,
    )


def default_deadline(school: Organisation, severity: str, today: datetime.date) -> datetime.date:
    """The rectification deadline of a hazard of `severity` (a Hazard.Severity value) at
    `school` assigned on `today`, by the rules of its bureau: N working days on the official
    calendar or N calendar days (the bureau's `deadline_unit`).

    Raises `safety.workdays.CalendarYearMissing` when working days reach into a year with no
    calendar data."""
    rules = rules_for(school)
    return workdays.deadline_after(today, rules.deadline_days[severity], rules.deadline_unit)


@dataclass(frozen=True)
class AssignablePeople:
    owners: QuerySet[User]  # active accounts of the school
    supervisors: QuerySet[User]  # its leaders and the officials of the bureaus above it
    owner_rule: Q
    supervisor_rule: Q

    def read_both(self) -> tuple[list[User], list[User]]:
        """(owners, supervisors) read in one query, with their units (#23: the assign form
        shows both lists); a leader of the school is in both."""
        rules = {"is_owner": self.owner_rule, "is_supervisor": self.supervisor_rule}
        accounts = list(
            User.objects.filter(self.owner_rule | self.supervisor_rule)
            .annotate(
                **{name: ExpressionWrapper(rule, BooleanField()) for name, rule in rules.items()}
            )
            .select_related("unit")
        )
        owners = [account for account in accounts if account.is_owner]
        return owners, [account for account in accounts if account.is_supervisor]


def assignable_people(school: Organisation) -> AssignablePeople:
    """Who may be made rectification owner and supervisor of a hazard at `school` (lazy
    querysets, ordered for a <select>; `read_both()` reads the two lists at once)."""
    owner_rule = Q(unit=school, is_active=True)
    supervisor_rule = Q(
        unit_id__in=school.ancestor_ids,
        is_active=True,
        role__in=[Role.SCHOOL_LEADER, Role.BUREAU_OFFICIAL],
    )
    return AssignablePeople(
        owners=User.objects.filter(owner_rule),
        supervisors=User.objects.filter(supervisor_rule),
        owner_rule=owner_rule,
        supervisor_rule=supervisor_rule,
    )


# --- inspections and spot checks ----------------------------------------------------------

SCHOOL_KINDS = frozenset(
    {
        Inspection.Kind.SELF_DAILY,
        Inspection.Kind.SELF_WEEKLY,
        Inspection.Kind.SELF_MONTHLY,
        Inspection.Kind.SELF_TERM_START,
        Inspection.Kind.SELF_TERM_END,
    }
)


def kinds_for(actor: User) -> list[tuple[str, str]]:
    """The (value, label) inspection kinds `actor` may file: schools inspect themselves,
    counties supervise, the city spot-checks (and may supervise). Empty without a unit."""
    unit = actor.unit
    if unit is None:
        return []
    if unit.is_school:
        allowed = SCHOOL_KINDS
    elif unit.kind == Organisation.Kind.COUNTY:
        allowed = {Inspection.Kind.COUNTY}
    else:
        allowed = {Inspection.Kind.SPOT_CHECK, Inspection.Kind.COUNTY}
    return [(value, label) for value, label in Inspection.Kind.choices if value in allowed]


def spot_check_candidates(bureau: Organisation, filters: dict[str, Any]) -> list[int]:
    """The ids, ascending, of the active schools below `bureau` matching `filters`
    (school_type, boarding "yes"/"no", locality; empty values are ignored)."""
    schools = Organisation.objects.below(bureau).schools().filter(is_active=True)
    if filters.get("school_type"):
        schools = schools.filter(school_type=filters["school_type"])
    if filters.get("boarding") in ("yes", "no"):
        schools = schools.filter(is_boarding=filters["boarding"] == "yes")
    if filters.get("locality"):
        schools = schools.filter(locality=filters["locality"])
    return list(schools.order_by("pk").values_list("pk", flat=True))


# --- what a user may do to a hazard now ---------------------------------------------------


def _passes(check, *args: Any) -> bool:
    try:
        check(*args)
    except (PermissionDenied, ValidationError):
        return False
    return True


def available_actions(actor: User, hazard: Hazard) -> set[str]:
    """The transitions `actor` may attempt on `hazard` now, by name ("fix_on_spot",
    "assign", "submit", "request_extension", "decide_extension", "verify", "return",
    "reopen"), so the page shows only their forms. The services re-check everything."""
    actions: set[str] = set()
    status = hazard.status
    if status == Status.REPORTED:
        if hazard.reporter_id == actor.pk and actor.has_perm(roles.REPORT_HAZARD):
            actions.add("fix_on_spot")
        if _passes(check_unit_permission, actor, roles.ASSIGN_RECTIFICATION, hazard.school):
            actions.add("assign")
    elif status == Status.IN_RECTIFICATION:
        if hazard.owner_id == actor.pk:
            actions.add("submit")
            if hazard.extension_until is None:
                actions.add("request_extension")
        deciding = hazard.extension_until is not None and hazard.owner_id != actor.pk
        if deciding and _passes(guards.check_extension_decider, actor, hazard):
            actions.add("decide_extension")
    elif status == Status.PENDING_VERIFICATION:
        if _passes(guards.check_verifier, actor, hazard):
            actions |= {"verify", "return"}
    elif (
        status == Status.CLOSED
        and actor.is_bureau_user
        and _passes(check_unit_permission, actor, roles.REOPEN_HAZARD, hazard.school)
    ):
        actions.add("reopen")
    return actions
