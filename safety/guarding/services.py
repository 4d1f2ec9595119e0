"""Every change of daily guarding. Each service checks the actor's permission first
(`check_unit_permission`, then the post rule of .selectors where names are involved), runs in
`audit.atomic` and writes its named audit row. docs/guarding.md states the rules."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safety import audit, roles, workdays
from safety.access import check_unit_permission
from safety.jobs import enqueue_on_commit
from safety.messages import Message, MessageDate
from safety.models import Organisation, User
from safety.notifications import notify, sms_backend
from safety.services import audit_record
from safety.uploads import CleanUpload, generated_name

from . import selectors
from .models import (
    Absence,
    BoardingPupil,
    Checkpoint,
    CheckpointRecord,
    Dormitory,
    DutyLog,
    DutyRoster,
    DutyRosterEvent,
    DutyShift,
    GateDuty,
    GateEntry,
    HolidayPeriod,
    Leave,
    LeaveEvent,
    ParentNotice,
    PatrolRound,
    PatrolRoute,
    RollCall,
    Room,
)

MAX_ROSTER_DAYS = 62


def _invalid(message: str, field: str | None = None) -> ValidationError:
    return ValidationError({field: [message]} if field else message)


def _own_unit(actor: User | None, permission: str, unit: Organisation) -> None:
    """The permission, and the unit is the actor's own: a bureau reads its schools' duty
    records but does not write them (the system, `actor=None`, passes)."""
    check_unit_permission(actor, permission, unit)
    if actor is not None and actor.unit_id != unit.pk:
        raise PermissionDenied


# --- holiday periods and rosters -------------------------------------------------------------


@audit.atomic
def period_save(*, actor: User | None, period: HolidayPeriod) -> HolidayPeriod:
    """A bureau sets (or edits the dates of) a holiday its schools file a roster for. A
    deadline left empty is the bureau's roster lead (GuardingSettings, default 3 working
    days) before the first day, on the official calendar (#20; `CalendarYearMissing` shows
    as the deadline's error)."""
    _own_unit(actor, roles.REVIEW_DUTY_ROSTER, period.unit)
    if not period.unit.is_bureau:
        raise PermissionDenied
    if period.end_date < period.start_date:
        raise _invalid(_("The last day cannot be before the first day."), "end_date")
    if period.deadline is None:
        days, unit = selectors.roster_lead(period.unit)
        try:
            period.deadline = workdays.deadline_after(period.start_date, -days, unit)
        except workdays.CalendarYearMissing as error:
            raise ValidationError({"deadline": error.messages}) from error
    if period.deadline > period.start_date:
        raise _invalid(_("The deadline must be on or before the first day."), "deadline")
    creating = period.pk is None
    period.save()
    audit_record(
        actor=actor,
        action="holiday_period.create" if creating else "holiday_period.update",
        target=period,
        unit=period.unit,
    )
    return period


@audit.atomic
def roster_create(
    *,
    actor: User | None,
    unit: Organisation,
    kind: str,
    start_date: datetime.date | None = None,
    period: HolidayPeriod | None = None,
) -> DutyRoster:
    """A weekly roster (seven days from `start_date`) or the roster of a holiday `period`."""
    _own_unit(actor, roles.MANAGE_GUARDING, unit)
    if kind == DutyRoster.Kind.HOLIDAY:
        if period is None:
            raise _invalid(_("Choose the holiday."), "period")
        if DutyRoster.objects.filter(unit=unit, period=period).exists():
            raise _invalid(_("This unit already has a roster for this holiday."), "period")
        start, end = period.start_date, period.end_date
    else:
        if start_date is None:
            raise _invalid(_("Choose the first day of the week."), "start_date")
        period = None
        start, end = start_date, start_date + datetime.timedelta(days=6)
    if (end - start).days + 1 > MAX_ROSTER_DAYS:
        raise _invalid(_("A roster covers at most 62 days."))
    roster = DutyRoster.objects.create(
        unit=unit, kind=kind, period=period, start_date=start, end_date=end, created_by=actor
    )
    audit_record(actor=actor, action="duty_roster.create", target=roster, unit=unit)
    return roster


def _check_shift(roster: DutyRoster, day: datetime.date, leader: User) -> None:
    if not roster.is_editable:
        raise _invalid(_("A submitted roster cannot be changed."))
    if not roster.start_date <= day <= roster.end_date:
        raise _invalid(_("The day is outside the roster."), "date")
    leader_roles = (
        {User.Role.SCHOOL_LEADER}
        if roster.unit.is_school
        else {User.Role.BUREAU_OFFICIAL, User.Role.ADMINISTRATOR}
    )
    if leader.unit_id != roster.unit_id or leader.role not in leader_roles or not leader.is_active:
        raise _invalid(_("The leader on duty must be a leader of this unit."), "leader")


@audit.atomic
def shift_save(
    *,
    actor: User | None,
    roster: DutyRoster,
    day: datetime.date,
    leader: User,
    leader_phone: str,
    staff_name: str,
    staff_phone: str,
) -> DutyShift:
    """Set one day of a draft (or returned) roster; the day's earlier entry is replaced."""
    _own_unit(actor, roles.MANAGE_GUARDING, roster.unit)
    _check_shift(roster, day, leader)
    shift, created = DutyShift.objects.update_or_create(
        roster=roster,
        date=day,
        defaults={
            "leader": leader,
            "leader_phone": leader_phone,
            "staff_name": staff_name,
            "staff_phone": staff_phone,
        },
    )
    audit_record(
        actor=actor,
        action="duty_shift.save",
        target=shift,
        unit=roster.unit,
        changes={"date": str(day), "leader": leader.display_name, "staff": staff_name},
    )
    return shift


def _lock_roster(roster: DutyRoster) -> DutyRoster:
    return (
        DutyRoster.objects.select_for_update(of=("self",))
        .select_related("unit", "period")
        .get(pk=roster.pk)
    )


def _roster_event(roster: DutyRoster, actor: Any, old: str, comment: str = "") -> None:
    DutyRosterEvent.objects.create(
        roster=roster, actor=actor, from_status=old, to_status=roster.status, comment=comment
    )


@audit.atomic
def roster_submit(*, actor: User | None, roster: DutyRoster) -> DutyRoster:
    """Submit a holiday roster to the parent bureau: every day needs its shift."""
    _own_unit(actor, roles.MANAGE_GUARDING, roster.unit)
    roster = _lock_roster(roster)
    if not roster.is_holiday:
        raise _invalid(_("Only holiday rosters are submitted to the bureau."))
    if not roster.is_editable:
        raise _invalid(_("This roster has already been submitted."))
    covered = set(roster.shifts.values_list("date", flat=True))
    missing = [day for day in roster.days() if day not in covered]
    if missing:
        raise _invalid(
            _("Every day needs a leader on duty and duty staff; missing: %(days)s")
            % {"days": "、".join(f"{day:%m-%d}" for day in missing[:10])}
        )
    old = roster.status
    roster.status = DutyRoster.Status.SUBMITTED
    roster.submitted_at = timezone.now()
    roster.review_comment = ""
    roster.save(update_fields=["status", "submitted_at", "review_comment"])
    _roster_event(roster, actor, old)
    audit_record(actor=actor, action="duty_roster.submit", target=roster, unit=roster.unit)
    _tell_bureau(roster)
    return roster


def _tell_bureau(roster: DutyRoster) -> None:
    bureau = roster.unit.parent
    if bureau is None:
        return
    officials = User.objects.filter(unit=bureau, role=User.Role.BUREAU_OFFICIAL, is_active=True)
    for official in officials:
        notify(
            recipient=official,
            kind="duty_roster_submitted",
            key=f"roster:{roster.pk}:{roster.submitted_at:%Y%m%d%H%M%S}",
            title=Message(
                gettext_lazy("Holiday duty roster submitted by %(unit)s"), unit=roster.unit.name
            ),
            url=f"/guarding/rosters/{roster.pk}/",
            unit=roster.unit,
        )


@audit.atomic
def roster_review(
    *, actor: User | None, roster: DutyRoster, decision: str, comment: str = ""
) -> DutyRoster:
    """The bureau above acknowledges a submitted holiday roster or returns it (with a reason)."""
    check_unit_permission(actor, roles.REVIEW_DUTY_ROSTER, roster.unit)
    if actor is not None and actor.unit_id != roster.unit.parent_id:
        raise PermissionDenied  # the bureau directly above reviews
    roster = _lock_roster(roster)
    if roster.status != DutyRoster.Status.SUBMITTED:
        raise _invalid(_("Only a submitted roster can be acknowledged or returned."))
    if decision == "return" and not comment.strip():
        raise _invalid(_("Say what must be changed."), "comment")
    old = roster.status
    roster.status = (
        DutyRoster.Status.RETURNED if decision == "return" else DutyRoster.Status.ACKNOWLEDGED
    )
    roster.review_comment = comment.strip()
    roster.save(update_fields=["status", "review_comment"])
    _roster_event(roster, actor, old, roster.review_comment)
    returned = roster.status == DutyRoster.Status.RETURNED
    action = "duty_roster.return" if returned else "duty_roster.acknowledge"
    audit_record(actor=actor, action=action, target=roster, unit=roster.unit)
    if roster.created_by is not None:
        notify(
            recipient=roster.created_by,
            kind="duty_roster_reviewed",
            key=f"roster:{roster.pk}:{roster.status}:{timezone.now():%Y%m%d%H%M%S}",
            title=Message(
                gettext_lazy("Your holiday duty roster: %(status)s"),
                status=roster.get_status_display(),
            ),
            url=f"/guarding/rosters/{roster.pk}/",
            unit=roster.unit,
        )
    return roster


# --- duty logs -------------------------------------------------------------------------------


@audit.atomic
def duty_log_save(*, actor: User, unit: Organisation, day: datetime.date, **fields: Any) -> DutyLog:
    """Write (or complete) the duty log of today or yesterday (a night duty ends next day)."""
    _own_unit(actor, roles.RECORD_GUARDING, unit)
    today = timezone.localdate()
    if not today - datetime.timedelta(days=1) <= day <= today:
        raise _invalid(_("A duty log is written for today or yesterday."), "date")
    log, created = DutyLog.objects.update_or_create(
        unit=unit, date=day, defaults={"author": actor, **fields}
    )
    audit_record(
        actor=actor,
        action="duty_log.create" if created else "duty_log.update",
        target=log,
        unit=unit,
    )
    return log


# --- night patrols ---------------------------------------------------------------------------


def _parse_times(times: Iterable[str]) -> list[str]:
    parsed = []
    for text in times:
        try:
            moment = datetime.time.fromisoformat(text.strip())
            if len(text.strip()) != 5:
                raise ValueError(text)
        except ValueError as error:
            raise _invalid(
                _("Write each round time as HH:MM, such as 22:30."), "round_times"
            ) from error
        parsed.append(f"{moment:%H:%M}")
    if not parsed:
        raise _invalid(_("Give at least one round time."), "round_times")
    return sorted(set(parsed))


@audit.atomic
def route_save(
    *,
    actor: User | None,
    unit: Organisation,
    route: PatrolRoute | None,
    name: str,
    round_times: Sequence[str],
    checkpoints: Sequence[tuple[str, str]],
) -> PatrolRoute:
    """Create or edit a boarding school's route: its round times and its checkpoints in order
    (a checkpoint left out is deactivated; records keep pointing at it)."""
    check_unit_permission(actor, roles.MANAGE_GUARDING, unit)
    if not unit.is_school or not unit.is_boarding:
        raise _invalid(_("Night patrol routes are for boarding schools."))
    if not checkpoints:
        raise _invalid(_("Give at least one checkpoint."), "checkpoints")
    times = _parse_times(round_times)
    creating = route is None
    route = route or PatrolRoute(unit=unit)
    route.name, route.round_times = name, times
    route.save()
    existing = {point.name: point for point in Checkpoint.objects.filter(route=route)}
    for order, (point_name, kind) in enumerate(checkpoints, start=1):
        point = existing.pop(point_name, None) or Checkpoint(route=route, name=point_name)
        point.kind, point.order, point.is_active = kind, order, True
        point.save()
    Checkpoint.objects.filter(pk__in=[point.pk for point in existing.values()]).update(
        is_active=False
    )
    audit_record(
        actor=actor,
        action="patrol_route.create" if creating else "patrol_route.update",
        target=route,
        unit=unit,
        changes={"checkpoints": "、".join(name for name, _kind in checkpoints), "times": times},
    )
    return route


@audit.atomic
def schedule_rounds(*, day: datetime.date) -> int:
    """Create the rounds of the night starting on `day` for every active route (a time before
    noon belongs to the next calendar day). Idempotent: a second run creates nothing."""
    created = 0
    zone = timezone.get_current_timezone()
    routes = PatrolRoute.objects.filter(is_active=True, unit__is_active=True).prefetch_related(
        "checkpoints"
    )
    for route in routes:
        expected = sum(1 for point in route.checkpoints.all() if point.is_active)
        for text in route.round_times:
            moment = datetime.time.fromisoformat(text)
            night = day + datetime.timedelta(days=1) if moment.hour < 12 else day
            when = datetime.datetime.combine(night, moment, tzinfo=zone)
            _round, made = PatrolRound.objects.get_or_create(
                route=route, scheduled_at=when, defaults={"expected_count": expected}
            )
            created += made
    return created


def _lock_round(patrol_round: PatrolRound) -> PatrolRound:
    return (
        PatrolRound.objects.select_for_update(of=("self",))
        .select_related("route__unit")
        .get(pk=patrol_round.pk)
    )


@audit.atomic
def checkpoint_record(
    *,
    actor: User,
    patrol_round: PatrolRound,
    checkpoint: Checkpoint,
    result: str,
    note: str = "",
    photo: CleanUpload | None = None,
) -> CheckpointRecord:
    """Record a checkpoint as passed now; a problem needs a note. The round completes when
    its last checkpoint is passed."""
    unit = patrol_round.route.unit
    _own_unit(actor, roles.RECORD_GUARDING, unit)
    patrol_round = _lock_round(patrol_round)
    if checkpoint.route_id != patrol_round.route_id or not checkpoint.is_active:
        raise _invalid(_("This checkpoint is not on the round's route."))
    if patrol_round.completed_at is not None:
        raise _invalid(_("This round is finished."))
    if result == CheckpointRecord.Result.PROBLEM and not note.strip():
        raise _invalid(_("Describe the problem found."), "note")
    if CheckpointRecord.objects.filter(round=patrol_round, checkpoint=checkpoint).exists():
        raise _invalid(_("This checkpoint is already recorded on this round."))
    record = CheckpointRecord(
        round=patrol_round,
        checkpoint=checkpoint,
        passed_at=timezone.now(),
        result=result,
        note=note.strip(),
        recorded_by=actor,
    )
    if photo is not None:
        record.photo.save(generated_name("patrols", "jpg"), photo.content, save=False)
    record.save()
    patrol_round.patroller = patrol_round.patroller or actor
    passed = patrol_round.records.count()
    if passed >= patrol_round.expected_count:
        patrol_round.completed_at = timezone.now()
    patrol_round.save(update_fields=["patroller", "completed_at"])
    audit_record(actor=actor, action="patrol.checkpoint", target=record, unit=unit)
    return record


# --- the gate register -----------------------------------------------------------------------


@audit.atomic
def gate_entry_create(*, actor: User, unit: Organisation, entry: GateEntry) -> GateEntry:
    """Register a visitor, a pick-up or a delivery (validated by the form; only the last four
    characters of the document number are kept). The audit row names no one."""
    check_unit_permission(actor, roles.RECORD_GUARDING, unit)
    selectors.require(selectors.can_read_gate(actor, unit))
    if entry.time_out is not None and entry.time_out < entry.time_in:
        raise _invalid(_("The time out cannot be before the time in."), "time_out")
    entry.unit, entry.recorded_by = unit, actor
    entry.save()
    audit_record(
        actor=actor,
        action="gate_entry.create",
        target=entry,
        unit=unit,
        changes={"kind": entry.kind},
    )
    return entry


@audit.atomic
def gate_entry_leave(
    *, actor: User, entry: GateEntry, time_out: datetime.datetime | None = None
) -> GateEntry:
    """Record the time the visitor left (now by default); never before the time in."""
    check_unit_permission(actor, roles.RECORD_GUARDING, entry.unit)
    selectors.require(selectors.can_read_gate(actor, entry.unit))
    time_out = time_out or timezone.now()
    if time_out < entry.time_in:
        raise _invalid(_("The time out cannot be before the time in."), "time_out")
    updated = GateEntry.objects.filter(pk=entry.pk, time_out__isnull=True).update(time_out=time_out)
    if not updated:
        raise _invalid(_("This visitor has already left."))
    entry.time_out = time_out
    audit_record(actor=actor, action="gate_entry.leave", target=entry, unit=entry.unit)
    return entry


@audit.atomic
def purge_gate_register(*, now: datetime.datetime | None = None) -> int:
    """The nightly retention job: delete each school's entries older than its retention
    period, one audit row per school naming how many went and up to when. Only what is due is
    deleted; a second run deletes (and records) nothing."""
    now = now or timezone.now()
    total = 0
    schools = Organisation.objects.filter(pk__in=GateEntry.objects.values("unit_id").distinct())
    for school in schools:
        days, _minutes = selectors.guarding_settings(school)
        cutoff = now - datetime.timedelta(days=days)
        deleted, _rows = GateEntry.objects.filter(unit=school, time_in__lt=cutoff).delete()
        if deleted:
            total += deleted
            audit_record(
                actor=None,
                action="gate_register.purge",
                target=school,
                unit=school,
                changes={"deleted": deleted, "before": cutoff.isoformat(), "days": days},
            )
    return total


# --- arrival and dismissal duty --------------------------------------------------------------


@audit.atomic
def gate_duty_save(*, actor: User, unit: Organisation, duty: GateDuty) -> GateDuty:
    """Record who stood at the gate for an arrival or dismissal period (one row per period)."""
    _own_unit(actor, roles.RECORD_GUARDING, unit)
    if duty.end_time <= duty.start_time:
        raise _invalid(_("The end time must be after the start time."), "end_time")
    if duty.date > timezone.localdate():
        raise _invalid(_("Record gate duty on the day or after it."), "date")
    row, created = GateDuty.objects.update_or_create(
        unit=unit,
        date=duty.date,
        period=duty.period,
        defaults={
            "start_time": duty.start_time,
            "end_time": duty.end_time,
            "staff_names": duty.staff_names,
            "with_police": duty.with_police,
            "note": duty.note,
            "recorded_by": actor,
        },
    )
    audit_record(actor=actor, action="gate_duty.save", target=row, unit=unit)
    return row


# --- dormitories and pupils ------------------------------------------------------------------


def _require_leader(actor: User | None, unit: Organisation) -> None:
    check_unit_permission(actor, roles.MANAGE_GUARDING, unit)
    if actor is not None and not selectors.can_export_pupils(actor, unit):
        raise PermissionDenied
    if not unit.is_school or not unit.is_boarding:
        raise _invalid(_("Dormitories are for boarding schools."))


@audit.atomic
def dormitory_create(*, actor: User | None, unit: Organisation, name: str) -> Dormitory:
    _require_leader(actor, unit)
    if Dormitory.objects.filter(unit=unit, name=name).exists():
        raise _invalid(_("A dormitory of this name exists."), "name")
    dormitory = Dormitory.objects.create(unit=unit, name=name)
    audit_record(actor=actor, action="dormitory.create", target=dormitory, unit=unit)
    return dormitory


@audit.atomic
def room_create(*, actor: User | None, dormitory: Dormitory, number: str, beds: int) -> Room:
    _require_leader(actor, dormitory.unit)
    if Room.objects.filter(dormitory=dormitory, number=number).exists():
        raise _invalid(_("This room exists in the dormitory."), "number")
    room = Room.objects.create(dormitory=dormitory, number=number, beds=beds)
    audit_record(actor=actor, action="room.create", target=room, unit=dormitory.unit)
    return room


def _check_bed(pupil: BoardingPupil) -> None:
    if pupil.bed > pupil.room.beds:
        raise _invalid(
            _("Room %(room)s has %(beds)s beds.") % {"room": pupil.room, "beds": pupil.room.beds},
            "bed",
        )
    taken = BoardingPupil.objects.filter(room=pupil.room, bed=pupil.bed, is_active=True)
    if taken.exclude(pk=pupil.pk).exists():
        raise _invalid(_("This bed is taken."), "bed")


@audit.atomic
def pupil_save(*, actor: User | None, unit: Organisation, pupil: BoardingPupil) -> BoardingPupil:
    """Add or change a boarding pupil (the school's leaders)."""
    _require_leader(actor, unit)
    if pupil.room.dormitory.unit_id != unit.pk:
        raise _invalid(_("Choose a room of this school."), "room")
    _check_bed(pupil)
    creating = pupil.pk is None
    pupil.unit = unit
    pupil.save()
    audit_record(
        actor=actor, action="pupil.create" if creating else "pupil.update", target=pupil, unit=unit
    )
    return pupil


@dataclass(frozen=True)
class PupilRow:
    line: int
    name: str
    class_name: str
    parent_phone: str
    dormitory: str
    room: str
    bed: int


@audit.atomic
def pupils_import(*, actor: User | None, unit: Organisation, rows: Sequence[PupilRow]) -> int:
    """Add the checked rows of an import (.imports checks the file): all or nothing; rooms
    must exist; beds must be free."""
    _require_leader(actor, unit)
    rooms = {
        (room.dormitory.name, room.number): room
        for room in Room.objects.filter(dormitory__unit=unit).select_related("dormitory")
    }
    errors = []
    for row in rows:
        room = rooms.get((row.dormitory, row.room))
        if room is None:
            errors.append(
                _("Line %(line)s: no room %(room)s in dormitory %(dormitory)s.")
                % {"line": row.line, "room": row.room, "dormitory": row.dormitory}
            )
            continue
        pupil = BoardingPupil(
            unit=unit,
            name=row.name,
            class_name=row.class_name,
            parent_phone=row.parent_phone,
            room=room,
            bed=row.bed,
        )
        try:
            _check_bed(pupil)
            pupil.save()
        except ValidationError as error:
            errors.append(
                _("Line %(line)s: %(error)s")
                % {"line": row.line, "error": "；".join(error.messages)}
            )
    if errors:
        transaction.set_rollback(True)
        raise ValidationError(errors)
    audit_record(
        actor=actor,
        action="pupils.import",
        target=unit,
        unit=unit,
        changes={"rows": len(rows)},
    )
    return len(rows)


def pupils_read(*, actor: User, unit: Organisation, what: str, count: int) -> None:
    """Pupils' names were shown to `actor`: every read of a pupil list is in the audit trail.

    A read changes nothing else, so the one audit row is written without a transaction of its
    own (a single INSERT: no savepoint pair on every page that lists pupils). Raises
    PermissionDenied for an account that may not read the school's pupils."""
    selectors.require(selectors.can_read_pupils(actor, unit))
    with audit.recording():
        audit_record(
            actor=actor,
            action="pupils.read",
            target=unit,
            unit=unit,
            changes={"list": what, "rows": count},
        )


@audit.atomic
def pupils_export(*, actor: User, unit: Organisation, count: int) -> None:
    """An export of the pupil list: the school's leaders only, recorded."""
    check_unit_permission(actor, roles.MANAGE_GUARDING, unit)
    selectors.require(selectors.can_export_pupils(actor, unit))
    audit_record(
        actor=actor,
        action="pupils.export",
        target=unit,
        unit=unit,
        changes={"rows": count},
    )


# --- leave (请销假) ---------------------------------------------------------------------------


def _lock_leave(leave: Leave) -> Leave:
    return (
        Leave.objects.select_for_update(of=("self",)).select_related("pupil__unit").get(pk=leave.pk)
    )


def _leave_step(leave: Leave, actor: Any, old: str, action: str, comment: str = "") -> None:
    LeaveEvent.objects.create(
        leave=leave, actor=actor, from_status=old, to_status=leave.status, comment=comment
    )
    audit_record(actor=actor, action=action, target=leave, unit=leave.pupil.unit)


@audit.atomic
def leave_request(
    *,
    actor: User,
    pupil: BoardingPupil,
    reason: str,
    leaves_at: datetime.datetime,
    returns_by: datetime.datetime,
) -> Leave:
    unit = pupil.unit
    check_unit_permission(actor, roles.RECORD_GUARDING, unit)
    selectors.require(selectors.can_read_pupils(actor, unit))
    if returns_by <= leaves_at:
        raise _invalid(_("The return time must be after the departure time."), "returns_by")
    if Leave.objects.filter(
        pupil=pupil,
        status__in=[Leave.Status.REQUESTED, Leave.Status.APPROVED, Leave.Status.AWAY],
    ).exists():
        raise _invalid(_("This pupil already has a leave that is not closed."), "pupil")
    leave = Leave.objects.create(
        pupil=pupil, reason=reason, leaves_at=leaves_at, returns_by=returns_by, requested_by=actor
    )
    _leave_step(leave, actor, "", "leave.request")
    return leave


@audit.atomic
def leave_decide(*, actor: User, leave: Leave, approve: bool, comment: str = "") -> Leave:
    """The class teacher (or a leader) approves or refuses; on approval the parent is told by
    SMS through the outbox (one notice per leave)."""
    unit = leave.pupil.unit
    check_unit_permission(actor, roles.RECORD_GUARDING, unit)
    selectors.require(selectors.can_decide_leave(actor, unit))
    leave = _lock_leave(leave)
    if leave.status != Leave.Status.REQUESTED:
        raise _invalid(_("This leave has already been decided."))
    if not approve and not comment.strip():
        raise _invalid(_("Give the reason for refusing."), "comment")
    old = leave.status
    leave.status = Leave.Status.APPROVED if approve else Leave.Status.REFUSED
    leave.decided_by = actor
    leave.save(update_fields=["status", "decided_by"])
    _leave_step(leave, actor, old, "leave.approve" if approve else "leave.refuse", comment)
    if approve:
        _notice_parent(leave)
    return leave


def _notice_parent(leave: Leave) -> None:
    pupil = leave.pupil
    local = timezone.localtime
    text = _("[%(school)s] %(name)s's leave is approved: leaves %(out)s, back by %(back)s.") % {
        "school": pupil.unit.name,
        "name": pupil.name,
        "out": f"{local(leave.leaves_at):%m-%d %H:%M}",
        "back": f"{local(leave.returns_by):%m-%d %H:%M}",
    }
    notice, created = ParentNotice.objects.get_or_create(
        leave=leave,
        defaults={"unit": pupil.unit, "phone": pupil.parent_phone, "text": text[:300]},
    )
    if created:
        enqueue_on_commit("guarding.send_parent_notice", notice.pk)


def send_parent_notice(notice_id: int) -> bool:
    """Send one parent notice by SMS unless it was sent; marks it sent only after the
    gateway accepted it (a conditional update: a second run sends nothing)."""
    notice = ParentNotice.objects.filter(pk=notice_id, sent_at__isnull=True).first()
    if notice is None:
        return False
    sms_backend().send(notice.phone, notice.text)
    return bool(
        ParentNotice.objects.filter(pk=notice.pk, sent_at__isnull=True).update(
            sent_at=timezone.now()
        )
    )


@audit.atomic
def leave_depart(*, actor: User, leave: Leave, at: datetime.datetime | None = None) -> Leave:
    unit = leave.pupil.unit
    check_unit_permission(actor, roles.RECORD_GUARDING, unit)
    selectors.require(selectors.can_read_pupils(actor, unit))
    leave = _lock_leave(leave)
    if leave.status != Leave.Status.APPROVED:
        raise _invalid(_("Only an approved leave can start."))
    old = leave.status
    leave.status, leave.departed_at = Leave.Status.AWAY, at or timezone.now()
    leave.save(update_fields=["status", "departed_at"])
    _leave_step(leave, actor, old, "leave.depart")
    return leave


@audit.atomic
def leave_return(*, actor: User, leave: Leave, at: datetime.datetime | None = None) -> Leave:
    unit = leave.pupil.unit
    check_unit_permission(actor, roles.RECORD_GUARDING, unit)
    selectors.require(selectors.can_read_pupils(actor, unit))
    leave = _lock_leave(leave)
    if leave.status != Leave.Status.AWAY:
        raise _invalid(_("Only a pupil who has left can return."))
    at = at or timezone.now()
    if at < leave.departed_at:
        raise _invalid(_("The return cannot be before the departure."), "at")
    old = leave.status
    leave.status, leave.returned_at = Leave.Status.RETURNED, at
    leave.save(update_fields=["status", "returned_at"])
    _leave_step(leave, actor, old, "leave.return")
    return leave


# --- bedtime roll call (就寝点名) -------------------------------------------------------------


@audit.atomic
def roll_call_mark(
    *, actor: User, room: Room, day: datetime.date, absences: dict[int, str]
) -> RollCall:
    """Mark a room for the evening of `day`: `absences` maps each absent pupil to a reason.
    "On leave" only for a pupil whose leave has started; once per room and evening."""
    unit = room.dormitory.unit
    check_unit_permission(actor, roles.RECORD_GUARDING, unit)
    selectors.require(selectors.can_mark_roll_call(actor, unit))
    pupils = {pupil.pk: pupil for pupil in room.pupils.filter(is_active=True)}
    unknown = set(absences) - set(pupils)
    if unknown:
        raise _invalid(_("Mark only the pupils of this room."))
    away = selectors.pupils_away_on(unit)
    wrong = [
        pupils[pk].name
        for pk, why in absences.items()
        if why == Absence.Reason.LEAVE and pk not in away
    ]
    if wrong:
        raise _invalid(
            _("No leave has started for %(names)s: choose another reason.")
            % {"names": "、".join(wrong)}
        )
    try:
        with transaction.atomic():
            call = RollCall.objects.create(
                room=room,
                date=day,
                expected=len(pupils),
                present=len(pupils) - len(absences),
                marked_by=actor,
                marked_at=timezone.now(),
            )
    except IntegrityError as error:
        raise _invalid(_("This room has already been marked this evening.")) from error
    Absence.objects.bulk_create(
        Absence(roll_call=call, pupil=pupils[pk], reason=why) for pk, why in absences.items()
    )
    audit_record(
        actor=actor,
        action="roll_call.mark",
        target=call,
        unit=unit,
        changes={"present": call.present, "absent": len(absences)},
    )
    return call


@audit.atomic
def absence_follow_up(
    *, actor: User, absence: Absence, parent_contacted: bool, outcome: str, note: str = ""
) -> Absence:
    """Record the follow-up of an unexplained absence (parent contacted, outcome); once."""
    unit = absence.roll_call.room.dormitory.unit
    check_unit_permission(actor, roles.RECORD_GUARDING, unit)
    selectors.require(selectors.can_read_pupils(actor, unit))
    if absence.reason != Absence.Reason.UNEXPLAINED:
        raise _invalid(_("Only an unexplained absence is followed up."))
    if not outcome:
        raise _invalid(_("Choose the outcome."), "outcome")
    updated = Absence.objects.filter(pk=absence.pk, followed_up_at__isnull=True).update(
        parent_contacted=parent_contacted,
        outcome=outcome,
        follow_up_note=note.strip(),
        followed_up_at=timezone.now(),
        followed_up_by=actor,
    )
    if not updated:
        raise _invalid(_("This absence has already been followed up."))
    absence.refresh_from_db()
    audit_record(actor=actor, action="absence.follow_up", target=absence, unit=unit)
    return absence


def _leader_on_duty(unit: Organisation, day: datetime.date) -> list[User]:
    shift = selectors.shift_on(unit, day)
    if shift is not None:
        return [shift.leader]
    return list(User.objects.filter(unit=unit, role=User.Role.SCHOOL_LEADER, is_active=True))


@audit.atomic
def escalate_absences(*, now: datetime.datetime | None = None) -> int:
    """Notify the leader on duty of each unexplained absence not followed up within the
    bureau's time limit. Once per absence: `escalated_at` is set by a conditional update and
    the notice key names the absence, so a second run sends nothing."""
    now = now or timezone.now()
    pending = Absence.objects.filter(
        reason=Absence.Reason.UNEXPLAINED,
        followed_up_at__isnull=True,
        escalated_at__isnull=True,
        roll_call__marked_at__lt=now - datetime.timedelta(minutes=5),
    ).select_related("roll_call__room__dormitory__unit")
    sent = 0
    for absence in pending:
        unit = absence.roll_call.room.dormitory.unit
        _days, minutes = selectors.guarding_settings(unit)
        if absence.roll_call.marked_at + datetime.timedelta(minutes=minutes) > now:
            continue
        claimed = Absence.objects.filter(pk=absence.pk, escalated_at__isnull=True).update(
            escalated_at=now
        )
        if not claimed:
            continue
        for leader in _leader_on_duty(unit, absence.roll_call.date):
            notify(
                recipient=leader,
                kind="absence_not_followed_up",
                key=f"absence:{absence.pk}",
                title=Message(
                    gettext_lazy("An absence at roll call in %(room)s is not followed up"),
                    room=str(absence.roll_call.room),
                ),
                body=Message(
                    gettext_lazy("Evening of %(day)s: call the parent and record the outcome."),
                    day=MessageDate(absence.roll_call.date),
                ),
                url=f"/guarding/units/{unit.pk}/roll-call/",
                unit=unit,
                urgent=True,
            )
        sent += 1
    return sent


def overdue_leaves(now: datetime.datetime | None = None) -> Any:
    """Leaves not back by their time (shown flagged on the leave list and the school page)."""
    return Leave.objects.filter(status=Leave.Status.AWAY, returns_by__lt=now or timezone.now())


def send_pending_parent_notices(now: datetime.datetime | None = None) -> int:
    """The sweeper of the parent-notice outbox: notices older than five minutes still unsent."""
    cutoff = (now or timezone.now()) - datetime.timedelta(minutes=5)
    pending = ParentNotice.objects.filter(sent_at__isnull=True, created_at__lt=cutoff)
    return sum(send_parent_notice(pk) for pk in pending.values_list("pk", flat=True)[:500])
