"""Scoped reads of daily guarding, the `access_<kind>` helpers and the post rule.

Who reads what (docs/guarding.md, docs/decisions.md "#15"):
- rosters, duty logs, patrols and gate duty: everyone of the unit and the bureaus above it;
- the gate register: the school's leaders and the accounts that hold the gate/security post
  in the responsibility system (a holder linked to the account, assignment current);
- pupils' names (pupil lists, leave, roll calls): the school's leaders and the holders of the
  dormitory-manager or class-teacher posts. Bureau officials see counts, never names.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from safety import caching, roles
from safety.access import access_object
from safety.models import Organisation, User
from safety.responsibility.models import Assignment
from safety.scoping import nearest_unit_setting
from safety.workdays import DayUnit

from .models import (
    Absence,
    BoardingPupil,
    Checkpoint,
    CheckpointRecord,
    Dormitory,
    DutyLog,
    DutyRoster,
    DutyShift,
    GateEntry,
    GuardingSettings,
    HolidayPeriod,
    Leave,
    PatrolRound,
    PatrolRoute,
    RollCall,
    Room,
)

GATE_POSTS = frozenset({"gate_security"})
PUPIL_POSTS = frozenset({"dormitory_manager", "class_teacher"})
LEAVE_POSTS = frozenset({"class_teacher"})
ROLL_CALL_POSTS = frozenset({"dormitory_manager"})
# A round counts as missed once this long has passed since its scheduled time.
ROUND_GRACE = datetime.timedelta(hours=2)
WINDOW_DAYS = 7


# --- the post rule --------------------------------------------------------------------------


def held_posts(user: Any, unit: Organisation) -> frozenset[str]:
    """Keys of the posts the account holds at `unit` today (through a holder linked to it).
    Cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False) or user.unit_id != unit.pk:
        return frozenset()
    cache = user.__dict__.setdefault("_held_posts", {})
    if unit.pk not in cache:
        cache[unit.pk] = frozenset(
            Assignment.objects.current()
            .filter(unit=unit, holder__user=user, holder__is_active=True)
            .values_list("post__key", flat=True)
        )
    return cache[unit.pk]


def _is_own_leader(user: Any, unit: Organisation) -> bool:
    return user.role == User.Role.SCHOOL_LEADER and user.unit_id == unit.pk


def _leader_or_post(user: Any, unit: Organisation, posts: frozenset[str]) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return _is_own_leader(user, unit) or bool(held_posts(user, unit) & posts)


def can_read_gate(user: Any, unit: Organisation) -> bool:
    return _leader_or_post(user, unit, GATE_POSTS)


def can_read_pupils(user: Any, unit: Organisation) -> bool:
    return _leader_or_post(user, unit, PUPIL_POSTS)


def can_decide_leave(user: Any, unit: Organisation) -> bool:
    return _leader_or_post(user, unit, LEAVE_POSTS)


def can_mark_roll_call(user: Any, unit: Organisation) -> bool:
    return _leader_or_post(user, unit, ROLL_CALL_POSTS)


def can_export_pupils(user: Any, unit: Organisation) -> bool:
    return _is_own_leader(user, unit)


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def guarding_settings(unit: Organisation) -> tuple[int, int]:
    """(gate retention days, follow-up minutes) that apply to `unit`."""
    row = nearest_unit_setting(GuardingSettings.objects.all(), unit, unit_field="unit")
    if row is None:
        return GuardingSettings.DEFAULT_RETENTION_DAYS, GuardingSettings.DEFAULT_FOLLOW_UP_MINUTES
    return row.gate_retention_days, row.follow_up_minutes


SETTINGS_VERSION_KEY = "guarding:settings-version"


def settings_changed() -> None:
    """Start a new version of the cached settings (any settings row saved or deleted: the
    receivers in safety/signals.py)."""
    caching.new_version(SETTINGS_VERSION_KEY)


def shown_settings(unit: Organisation) -> tuple[int, int]:
    """`guarding_settings(unit)` for a page: (gate retention days, follow-up minutes), from the
    shared cache (Redis when several nodes run) under the current settings version, so that
    the gate and roll-call pages stay within the query budget; read from the rows when the
    cache is down. Jobs and services read the rows themselves (`guarding_settings`)."""
    values = caching.read_through(
        SETTINGS_VERSION_KEY,
        f"guarding:settings:{unit.pk}",
        lambda: guarding_settings(unit),
        timeout=24 * 3600,
    )
    return tuple(values)


def roster_lead(unit: Organisation) -> tuple[int, str]:
    """(days, DayUnit) before a holiday's first day that its roster deadline falls when the
    bureau `unit` leaves it empty (#20 working days)."""
    row = nearest_unit_setting(GuardingSettings.objects.all(), unit, unit_field="unit")
    if row is None:
        return GuardingSettings.DEFAULT_ROSTER_LEAD_DAYS, DayUnit.WORKING
    return row.roster_lead_days, row.roster_lead_unit


# --- access helpers (404 outside, 403 for a role that may not act) ---------------------------


def _check(user: Any, permission: str | None) -> None:
    if permission is not None:
        roles.require_permission(user, permission)


def access_roster(user: Any, pk: int, *, for_change: bool = False) -> DutyRoster:
    roster = access_object(
        DutyRoster.objects.select_related("unit", "period", "unit__parent"), user, pk=pk
    )
    _check(user, roles.MANAGE_GUARDING if for_change else None)
    return roster


def access_route(user: Any, pk: int, *, for_change: bool = False) -> PatrolRoute:
    route = access_object(PatrolRoute.objects.select_related("unit"), user, pk=pk)
    _check(user, roles.MANAGE_GUARDING if for_change else None)
    return route


def access_round(user: Any, pk: int, *, for_change: bool = False) -> PatrolRound:
    patrol_round = access_object(
        PatrolRound.objects.select_related("route__unit", "patroller"), user, pk=pk
    )
    _check(user, roles.RECORD_GUARDING if for_change else None)
    return patrol_round


def access_checkpoint_record(user: Any, pk: int, *, for_change: bool = False) -> CheckpointRecord:
    record = access_object(
        CheckpointRecord.objects.select_related("round__route__unit", "checkpoint"), user, pk=pk
    )
    _check(user, roles.RECORD_GUARDING if for_change else None)
    return record


def access_gate_entry(user: Any, pk: int, *, for_change: bool = False) -> GateEntry:
    entry = access_object(GateEntry.objects.select_related("unit"), user, pk=pk)
    require(can_read_gate(user, entry.unit))
    _check(user, roles.RECORD_GUARDING if for_change else None)
    return entry


def access_dormitory(user: Any, pk: int, *, for_change: bool = False) -> Dormitory:
    dormitory = access_object(Dormitory.objects.select_related("unit"), user, pk=pk)
    _check(user, roles.MANAGE_GUARDING if for_change else None)
    if for_change:
        require(_is_own_leader(user, dormitory.unit))
    return dormitory


def access_room(user: Any, pk: int, *, for_change: bool = False) -> Room:
    room = access_object(Room.objects.select_related("dormitory__unit"), user, pk=pk)
    require(can_read_pupils(user, room.dormitory.unit))
    if for_change:
        require(can_mark_roll_call(user, room.dormitory.unit))
    return room


def access_leave(user: Any, pk: int, *, for_change: bool = False) -> Leave:
    leave = access_object(Leave.objects.select_related("pupil__unit", "pupil__room"), user, pk=pk)
    require(can_read_pupils(user, leave.pupil.unit))
    return leave


def access_absence(user: Any, pk: int, *, for_change: bool = False) -> Absence:
    absence = access_object(
        Absence.objects.select_related("roll_call__room__dormitory__unit", "pupil"), user, pk=pk
    )
    require(can_read_pupils(user, absence.roll_call.room.dormitory.unit))
    return absence


def access_period(user: Any, pk: int, *, for_change: bool = False) -> HolidayPeriod:
    period = access_object(HolidayPeriod.objects.select_related("unit"), user, pk=pk)
    _check(user, roles.REVIEW_DUTY_ROSTER if for_change else None)
    return period


# --- reads of one unit -----------------------------------------------------------------------


def periods_for(unit: Organisation) -> QuerySet[HolidayPeriod]:
    """The holiday periods set by the bureaus above `unit` (or by `unit` itself)."""
    return HolidayPeriod.objects.filter(unit_id__in=unit.ancestor_ids + [unit.pk])


def coming_period(unit: Organisation, today: datetime.date | None = None) -> HolidayPeriod | None:
    today = today or timezone.localdate()
    return (
        periods_for(unit)
        .filter(end_date__gte=today)
        .select_related("unit")
        .order_by("start_date", "id")
        .first()
    )


def roster_list(unit: Organisation) -> QuerySet[DutyRoster]:
    return (
        DutyRoster.objects.filter(unit=unit)
        .select_related("period")
        .annotate(shift_count=Count("shifts"))
        .order_by("-start_date", "-id")
    )


def shift_on(unit: Organisation, day: datetime.date) -> DutyShift | None:
    """Today's shift: the holiday roster's if one covers the day (filed), else a weekly one."""
    return (
        DutyShift.objects.filter(roster__unit=unit, date=day)
        .select_related("leader", "roster")
        .order_by("-roster__kind", "-roster_id")
        .first()
    )


def duty_logs(unit: Organisation) -> QuerySet[DutyLog]:
    return DutyLog.objects.filter(unit=unit).select_related("author")


def routes_of(unit: Organisation) -> QuerySet[PatrolRoute]:
    return (
        PatrolRoute.objects.filter(unit=unit)
        .annotate(checkpoint_count=Count("checkpoints", filter=Q(checkpoints__is_active=True)))
        .order_by("name", "id")
    )


def round_list(unit: Organisation) -> QuerySet[PatrolRound]:
    """Rounds of the unit's routes, with how many checkpoints were passed."""
    return (
        PatrolRound.objects.filter(route__unit=unit)
        .select_related("route", "patroller")
        .annotate(passed=Count("records"))
        .order_by("-scheduled_at", "id")  # an aggregate drops Meta.ordering
    )


def round_state(patrol_round: Any, now: datetime.datetime | None = None) -> str:
    """ "done", "incomplete" (finished with checkpoints missed), "missed", "due" or "open"."""
    now = now or timezone.now()
    passed = getattr(patrol_round, "passed", None)
    if patrol_round.completed_at is not None:
        return "done" if passed is None or passed >= patrol_round.expected_count else "incomplete"
    if patrol_round.scheduled_at + ROUND_GRACE < now:
        return "incomplete" if passed else "missed"
    return "due" if patrol_round.scheduled_at <= now else "open"


def round_checkpoints(patrol_round: PatrolRound) -> list[tuple[Checkpoint, Any]]:
    records = {
        record.checkpoint_id: record
        for record in CheckpointRecord.objects.filter(round=patrol_round)
    }
    checkpoints = Checkpoint.objects.filter(route=patrol_round.route, is_active=True)
    return [(checkpoint, records.get(checkpoint.pk)) for checkpoint in checkpoints]


def gate_entries(unit: Organisation, *, day: datetime.date | None, query: str) -> QuerySet:
    entries = GateEntry.objects.filter(unit=unit).select_related("recorded_by")
    if day is not None:
        entries = entries.filter(time_in__date=day)
    if query:
        entries = entries.filter(name__icontains=query)
    return entries


def on_campus(unit: Organisation) -> QuerySet[GateEntry]:
    return GateEntry.objects.filter(unit=unit, time_out__isnull=True).exclude(
        kind=GateEntry.Kind.PICKUP
    )


def dormitories_of(unit: Organisation) -> QuerySet[Dormitory]:
    return (
        Dormitory.objects.filter(unit=unit)
        .annotate(
            room_count=Count("rooms", distinct=True),
            bed_count=Coalesce(
                Subquery(
                    Room.objects.filter(dormitory=OuterRef("pk"))
                    .values("dormitory")
                    .annotate(total=Sum("beds"))
                    .values("total"),
                    output_field=IntegerField(),
                ),
                Value(0),
            ),
            pupil_count=Count(
                "rooms__pupils", filter=Q(rooms__pupils__is_active=True), distinct=True
            ),
        )
        .order_by("name", "id")
    )


def pupils_of(unit: Organisation, *, query: str = "") -> QuerySet[BoardingPupil]:
    pupils = BoardingPupil.objects.filter(unit=unit, is_active=True).select_related(
        "room__dormitory"
    )
    if query:
        pupils = pupils.filter(Q(name__icontains=query) | Q(class_name__icontains=query))
    return pupils


def leaves_of(unit: Organisation, *, status: str = "") -> QuerySet[Leave]:
    leaves = Leave.objects.filter(pupil__unit=unit).select_related("pupil__room__dormitory")
    if status == "overdue":
        return leaves.filter(status=Leave.Status.AWAY, returns_by__lt=timezone.now())
    if status:
        leaves = leaves.filter(status=status)
    return leaves


def is_overdue(leave: Leave, now: datetime.datetime | None = None) -> bool:
    return leave.status == Leave.Status.AWAY and leave.returns_by < (now or timezone.now())


def rooms_tonight(unit: Organisation, day: datetime.date) -> QuerySet[Room]:
    """Every room with its pupils' count and tonight's roll call (if marked)."""
    calls = RollCall.objects.filter(room=OuterRef("pk"), date=day)
    return (
        Room.objects.filter(dormitory__unit=unit)
        .select_related("dormitory")
        .annotate(
            pupil_count=Count("pupils", filter=Q(pupils__is_active=True)),
            marked=Exists(calls),
            present=Subquery(calls.values("present")[:1]),
        )
        .order_by("dormitory__name", "number")
    )


def open_absences(unit: Organisation) -> QuerySet[Absence]:
    return Absence.objects.filter(
        roll_call__room__dormitory__unit=unit,
        reason=Absence.Reason.UNEXPLAINED,
        followed_up_at__isnull=True,
    ).select_related("pupil", "roll_call__room__dormitory")


def pupils_away_on(unit: Organisation) -> set[int]:
    """Pupils whose leave has started and who are not back."""
    return set(
        Leave.objects.filter(pupil__unit=unit, status=Leave.Status.AWAY).values_list(
            "pupil_id", flat=True
        )
    )


# --- the bureau's view: counts per school, never names -------------------------------------


@dataclass(frozen=True)
class Window:
    first: datetime.date
    last: datetime.date


def window(today: datetime.date | None = None) -> Window:
    """The last WINDOW_DAYS full days (yesterday back), the period the figures look at."""
    today = today or timezone.localdate()
    return Window(today - datetime.timedelta(days=WINDOW_DAYS), today - datetime.timedelta(days=1))


def _count(queryset: QuerySet) -> Coalesce:
    """A correlated COUNT(*) of `queryset` (filtered on OuterRef) as an annotation."""
    return Coalesce(
        Subquery(
            queryset.order_by()
            .annotate(_one=Value(1))
            .values("_one")
            .annotate(n=Count("*"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def bureau_rows(
    user: Any,
    *,
    period: HolidayPeriod | None,
    query: str = "",
    only_gaps: bool = False,
    today: datetime.date | None = None,
) -> QuerySet[Organisation]:
    """The schools in the user's jurisdiction with the guarding figures of the last seven
    days and their roster for `period`: one query, flat in the data."""
    schools = Organisation.objects.visible_to(user).schools().filter(is_active=True)
    rows = annotate_figures(schools, period=period, today=today).order_by("name_sort_key", "id")
    if query:
        rows = rows.filter(name__icontains=query)
    if only_gaps:
        missing = Q(logs__lt=WINDOW_DAYS) | Q(rounds_done__lt=F("rounds_due"))
        if period:
            missing |= Q(roster_status__isnull=True) | Q(
                roster_status__in=[DutyRoster.Status.DRAFT, DutyRoster.Status.RETURNED]
            )
        rows = rows.filter(missing)
    return rows


def annotate_figures(
    schools: QuerySet[Organisation], *, period: Any, today: datetime.date | None = None
) -> QuerySet[Organisation]:
    """`schools` with the guarding figures of the last seven days (correlated counts)."""
    span = window(today)
    now = timezone.now()
    school = OuterRef("pk")
    rounds = PatrolRound.objects.filter(
        route__unit=school,
        scheduled_at__date__gte=span.first,
        scheduled_at__date__lte=span.last,
        scheduled_at__lt=now - ROUND_GRACE,
    )
    roster = DutyRoster.objects.filter(unit=school, period=period).values("status")[:1]
    return schools.annotate(
        roster_status=Subquery(roster) if period else Value(None, output_field=CharField()),
        logs=_count(DutyLog.objects.filter(unit=school, date__gte=span.first, date__lte=span.last)),
        rounds_due=_count(rounds),
        rounds_done=_count(rounds.filter(completed_at__isnull=False)),
        roll_calls=_count(
            RollCall.objects.filter(
                room__dormitory__unit=school, date__gte=span.first, date__lte=span.last
            )
        ),
        rooms=_count(Room.objects.filter(dormitory__unit=school)),
        unexplained=_count(
            Absence.objects.filter(
                roll_call__room__dormitory__unit=school,
                roll_call__date__gte=span.first,
                roll_call__date__lte=span.last,
                reason=Absence.Reason.UNEXPLAINED,
            )
        ),
        not_followed=_count(
            Absence.objects.filter(
                roll_call__room__dormitory__unit=school,
                reason=Absence.Reason.UNEXPLAINED,
                followed_up_at__isnull=True,
            )
        ),
    )


def school_summary(unit: Organisation, today: datetime.date | None = None) -> dict[str, Any]:
    """The counts of one school shown on its guarding page (no names): three queries."""
    today = today or timezone.localdate()
    period = coming_period(unit, today)
    school = OuterRef("pk")
    row = (
        annotate_figures(Organisation.objects.filter(pk=unit.pk), period=period, today=today)
        .annotate(
            log_today=_count(DutyLog.objects.filter(unit=school, date=today)),
            on_campus=_count(
                GateEntry.objects.filter(unit=school, time_out__isnull=True).exclude(
                    kind=GateEntry.Kind.PICKUP
                )
            ),
            overdue_leaves=_count(
                Leave.objects.filter(
                    pupil__unit=school, status=Leave.Status.AWAY, returns_by__lt=timezone.now()
                )
            ),
        )
        .first()
    )
    return {
        "period": period,
        "row": row,
        "shift": shift_on(unit, today),
        "log_today": bool(row.log_today),
        "on_campus": row.on_campus,
        "overdue_leaves": row.overdue_leaves,
    }


# --- the monthly figures (reporting/monthly/figures.py "guarding") --------------------------


def _total(queryset: QuerySet, field: str) -> Coalesce:
    """A correlated SUM(field) of `queryset` (filtered on OuterRef) as an annotation."""
    return Coalesce(
        Subquery(
            queryset.order_by()
            .annotate(_one=Value(1))
            .values("_one")
            .annotate(n=Sum(field))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def _leave_counts(school: Any, start: Any, end: Any, now: datetime.datetime) -> dict[str, Any]:
    """Pupils who left on leave in the month, and those of them back late (or still away
    past their time)."""
    leaves = Leave.objects.filter(pupil__unit=school, departed_at__gte=start, departed_at__lt=end)
    late = Q(returned_at__gt=F("returns_by")) | Q(status=Leave.Status.AWAY, returns_by__lt=now)
    return {"left": _count(leaves), "late": _count(leaves.filter(late))}


def month_columns(start: datetime.datetime, end: datetime.datetime, now: datetime.datetime) -> dict:
    """The numbers of one school's month [start, end) as columns of the school's row
    (annotations of an Organisation query; reporting.monthly.figures asks them with the
    other sections in one query; `month_numbers` orders them as GUARDING_ROWS, definitions
    in docs/monthly-reports.md). A round counts once its scheduled time plus ROUND_GRACE has
    passed; missed checkpoints are those due minus those recorded."""
    first, last = timezone.localtime(start).date(), timezone.localtime(end).date()
    school = OuterRef("pk")
    due = PatrolRound.objects.filter(
        route__unit=school, scheduled_at__gte=start, scheduled_at__lt=min(end, now - ROUND_GRACE)
    )
    absences = Absence.objects.filter(
        roll_call__room__dormitory__unit=school,
        roll_call__date__gte=first,
        roll_call__date__lt=last,
        reason=Absence.Reason.UNEXPLAINED,
    )
    return {
        "logs": _count(DutyLog.objects.filter(unit=school, date__gte=first, date__lt=last)),
        "rounds": _count(due),
        "done": _count(due.filter(completed_at__isnull=False)),
        "expected": _total(due, "expected_count"),
        "passed": _count(
            CheckpointRecord.objects.filter(
                round__route__unit=school,
                round__scheduled_at__gte=start,
                round__scheduled_at__lt=min(end, now - ROUND_GRACE),
            )
        ),
        "calls": _count(
            RollCall.objects.filter(room__dormitory__unit=school, date__gte=first, date__lt=last)
        ),
        "absent": _count(absences),
        "escalated": _count(absences.filter(escalated_at__isnull=False)),
        "visitors": _count(
            GateEntry.objects.filter(unit=school, time_in__gte=start, time_in__lt=end)
        ),
        **_leave_counts(school, start, end, now),
    }


MONTH_KEYS = ("logs", "rounds", "done", "expected", "passed", "calls", "absent", "escalated",
              "visitors", "left", "late")  # fmt: skip


def month_numbers(values: dict) -> list[int]:
    """The values of `month_columns` in GUARDING_ROWS order."""
    logs, rounds, done, expected, passed, *rest = (int(values[key]) for key in MONTH_KEYS)
    return [logs, rounds, done, max(expected - passed, 0), *rest]


def month_figures(
    unit: Organisation, start: datetime.datetime, end: datetime.datetime, now: datetime.datetime
) -> list[int]:
    """The numbers of one school's month [start, end) in GUARDING_ROWS order, in one query."""
    row = Organisation.objects.filter(pk=unit.pk).values(**month_columns(start, end, now)).get()
    return month_numbers(row)
