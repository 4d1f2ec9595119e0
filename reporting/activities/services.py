"""Every state change of activities and the school-bus register: drafting, submission
(freezing a version and computing the chain), the approvers' decisions, marking held, the
summary, the escalation pass and the bus-document reminder pass."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safety import audit, roles, workdays
from safety.access import check_unit_permission
from safety.messages import Message, MessageDate
from safety.models import Organisation, User
from safety.notifications import notify
from safety.preparedness import services as preparedness_services
from safety.services import audit_record
from safety.uploads import CleanUpload

from . import rules, selectors
from .models import (
    Activity,
    ActivityApproval,
    ActivityEvent,
    ActivitySettings,
    ActivityVehicle,
    ActivityVersion,
    BusRoute,
    SchoolBus,
    SchoolBusDriver,
)

Status = Activity.Status
Decision = ActivityApproval.Decision
APPROVAL_KIND = "activity_approval"
DECISION_KIND = "activity_decision"
ESCALATION_KIND = "activity_escalation"
BUS_REMINDER_KIND = "bus_document_expiry"
DECISION_ACTIONS = {
    Decision.APPROVED: "activity.approve",
    Decision.RETURNED: "activity.return",
    Decision.REJECTED: "activity.reject",
}

DRAFT_FIELDS = (
    "kind",
    "title",
    "starts_at",
    "ends_at",
    "place",
    "is_off_campus",
    "is_overnight",
    "is_outside_city",
    "pupils",
    "staff",
    "person_in_charge",
    "safety_officer",
    "safety_plan",
    "emergency_measures",
    "insurance",
    "consent_count",
    "transport",
    "operator_name",
    "operator_licence",
)
VEHICLE_FIELDS = ("bus", "driver", "plate", "seats", "driver_name", "licence_class", "passengers")


def activity_url(activity: Activity) -> str:
    return reverse("activities:detail", args=[activity.pk])


def _check_applicant(actor: User | None, school: Organisation) -> None:
    """Only the school's own staff apply (not a bureau above it)."""
    check_unit_permission(actor, roles.APPLY_ACTIVITY, school)
    if actor is not None and not actor.is_superuser and actor.unit_id != school.pk:
        raise PermissionDenied


def _application_errors(fields: dict[str, Any], vehicles: list[dict], now) -> list[str]:
    errors = list(rules.time_errors(fields.get("starts_at"), fields.get("ends_at"), now).values())
    consent = rules.consent_error(fields.get("pupils"), fields.get("consent_count"))
    errors += [consent] if consent else []
    day = timezone.localdate(fields["starts_at"]) if fields.get("starts_at") else now.date()
    for vehicle in vehicles:
        errors += rules.vehicle_errors(vehicle, day)
    return errors


def _vehicle_row(vehicle: dict[str, Any]) -> dict[str, Any]:
    row = {name: vehicle.get(name) for name in VEHICLE_FIELDS}
    if row["bus"] is not None:
        row["plate"], row["seats"] = row["bus"].plate, row["bus"].seats
    if row["driver"] is not None:
        row["driver_name"] = row["driver"].name
        row["licence_class"] = row["driver"].licence_class
    return row


@audit.atomic
def activity_save_draft(
    *,
    actor: User | None,
    school: Organisation,
    fields: dict[str, Any],
    vehicles: list[dict[str, Any]],
    activity: Activity | None = None,
    document: CleanUpload | None = None,
    now: datetime.datetime | None = None,
) -> Activity:
    """Create or change the school's application while it is a draft or returned.

    `vehicles` replace the draft's vehicles (rows of VEHICLE_FIELDS; a registered bus or
    driver supplies its plate, seats, name and licence class). Refused with ValidationError
    (every reason, numbers named) for a start in the past, an end before the start, more
    consents than pupils, a vehicle over its seats, an expired bus or driver.
    """
    _check_applicant(actor, school)
    now = now or timezone.now()
    rows = [_vehicle_row(vehicle) for vehicle in vehicles]
    errors = _application_errors(fields, rows, now)
    if errors:
        raise ValidationError(errors)
    if activity is None:
        activity = Activity(school=school, created_by=actor)
    else:
        activity = Activity.objects.select_for_update().get(pk=activity.pk, school=school)
        if not activity.is_editable:
            raise ValidationError(_("This application has been submitted and cannot be changed."))
    for name in DRAFT_FIELDS:
        setattr(activity, name, fields.get(name, getattr(activity, name, None)))
    if fields.get("transport") == Activity.Transport.NONE:
        activity.operator_name = activity.operator_licence = ""
    if document is not None:
        activity.plan_document.save(document.content.name, document.content, save=False)
    activity.save()
    ActivityVehicle.objects.filter(activity=activity).delete()
    ActivityVehicle.objects.bulk_create(ActivityVehicle(activity=activity, **row) for row in rows)
    audit_record(actor=actor, action="activity.save_draft", target=activity, unit=school)
    return activity


def _snapshot(activity: Activity) -> dict[str, Any]:
    """The application as submitted, in plain JSON (names, not ids, for people)."""
    vehicles = list(activity.vehicles.order_by("id"))
    return {
        "kind": activity.kind,
        "title": activity.title,
        "starts_at": activity.starts_at.isoformat(),
        "ends_at": activity.ends_at.isoformat(),
        "place": activity.place,
        "is_off_campus": activity.is_off_campus,
        "is_overnight": activity.is_overnight,
        "is_outside_city": activity.is_outside_city,
        "pupils": activity.pupils,
        "staff": activity.staff,
        "person_in_charge": str(activity.person_in_charge.name),
        "person_in_charge_phone": activity.person_in_charge.phone,
        "safety_officer": str(activity.safety_officer.name),
        "safety_officer_phone": activity.safety_officer.phone,
        "safety_plan": activity.safety_plan,
        "emergency_measures": activity.emergency_measures,
        "has_plan_document": bool(activity.plan_document),
        "insurance": activity.insurance,
        "consent_count": activity.consent_count,
        "transport": activity.transport,
        "operator_name": activity.operator_name,
        "operator_licence": activity.operator_licence,
        "vehicles": [
            {
                "plate": v.plate,
                "seats": v.seats,
                "driver_name": v.driver_name,
                "licence_class": v.licence_class,
                "passengers": v.passengers,
                "own_bus": v.bus_id is not None,
            }
            for v in vehicles
        ],
    }


def _submission_errors(activity: Activity, now: datetime.datetime) -> list[str]:
    vehicles = [
        {name: getattr(v, name) for name in VEHICLE_FIELDS}
        for v in activity.vehicles.select_related("bus", "driver")
    ]
    fields = {
        "starts_at": activity.starts_at,
        "ends_at": activity.ends_at,
        "pupils": activity.pupils,
        "consent_count": activity.consent_count,
    }
    errors = _application_errors(fields, vehicles, now)
    if activity.transport != Activity.Transport.NONE and not vehicles:
        errors.append(_("List the vehicles that carry the activity."))
    if activity.transport == Activity.Transport.HIRED and not (
        activity.operator_name.strip() and activity.operator_licence.strip()
    ):
        errors.append(_("Name the transport operator and its licence number."))
    return errors


@audit.atomic
def activity_submit(
    *, actor: User | None, activity: Activity, now: datetime.datetime | None = None
) -> ActivityVersion:
    """Freeze the application as a new version, compute its approval chain from the bureau
    settings, and send it to the first step's approvers (notified once per version and step).
    Refused (ValidationError) unless it is a draft or returned and still keeps every rule.
    """
    _check_applicant(actor, activity.school)
    now = now or timezone.now()
    locked = (
        Activity.objects.select_for_update()
        .select_related("school", "person_in_charge", "safety_officer")
        .get(pk=activity.pk)
    )
    if not locked.is_editable:
        raise ValidationError(_("This application has already been submitted."))
    errors = _submission_errors(locked, now)
    if errors:
        raise ValidationError(errors)
    levels = selectors.levels_for(locked)
    previous = locked.status
    version = ActivityVersion.objects.create(
        activity=locked,
        number=locked.versions.count() + 1,
        data=_snapshot(locked),
        levels=levels,
        submitted_by=actor if actor is not None else locked.created_by,
        submitted_at=now,
    )
    steps = selectors.approving_unit_ids(locked.school, levels)
    ActivityApproval.objects.bulk_create(
        ActivityApproval(version=version, order=index, level=level, unit_id=unit_id)
        for index, (level, unit_id) in enumerate(steps, start=1)
    )
    locked.status, locked.latest_version = Status.PENDING, version
    locked.awaiting_level = steps[0][0]
    locked.save(update_fields=["status", "latest_version", "awaiting_level", "updated_at"])
    ActivityEvent.objects.create(
        activity=locked,
        version=version,
        actor=actor,
        from_status=previous,
        to_status=Status.PENDING,
    )
    audit_record(
        actor=actor,
        action="activity.submit",
        target=locked,
        unit=locked.school,
        changes={"version": version.number, "levels": levels},
    )
    _notify_step(locked, version, version.approvals.order_by("order").first())
    return version


def _notify_step(activity: Activity, version: ActivityVersion, step: ActivityApproval) -> None:
    for approver in selectors.approvers([step.unit_id]):
        notify(
            recipient=approver,
            kind=APPROVAL_KIND,
            key=f"{version.pk}:{step.order}",
            title=Message(
                gettext_lazy("%(school)s asks approval for the activity “%(title)s” on %(day)s"),
                school=activity.school.name,
                title=activity.title,
                day=MessageDate(timezone.localdate(activity.starts_at)),
            ),
            url=activity_url(activity),
            unit=activity.school,
        )


def _locked_step(actor: User, activity: Activity) -> tuple[Activity, ActivityApproval]:
    check_unit_permission(actor, roles.APPROVE_ACTIVITY, activity.school)
    locked = Activity.objects.select_for_update().select_related("school").get(pk=activity.pk)
    if locked.status != Status.PENDING or locked.latest_version_id is None:
        raise ValidationError(_("Only an application waiting for approval can be decided."))
    step = selectors.current_step(locked.latest_version)
    if not selectors.may_decide(actor, step):
        raise PermissionDenied
    return locked, step


@audit.atomic
def activity_decide(
    *, actor: User, activity: Activity, decision: str, comment: str = ""
) -> ActivityApproval:
    """The current step's approver approves (the next step is asked, or the application is
    approved at the last), returns it with a comment (the school edits and resubmits a new
    version) or rejects it (final). Anyone but the current step's unit gets PermissionDenied.
    """
    locked, step = _locked_step(actor, activity)
    if decision in (Decision.RETURNED, Decision.REJECTED) and not comment.strip():
        raise ValidationError(_("Say why in the comment."))
    step.decision, step.comment = decision, comment
    step.decided_by, step.decided_at = actor, timezone.now()
    step.save(update_fields=["decision", "comment", "decided_by", "decided_at"])
    following = selectors.current_step(locked.latest_version)
    previous = locked.status
    if decision == Decision.APPROVED and following is not None:
        locked.awaiting_level = following.level
    else:
        locked.status = {
            Decision.APPROVED: Status.APPROVED,
            Decision.RETURNED: Status.RETURNED,
            Decision.REJECTED: Status.REJECTED,
        }[Decision(decision)]
        locked.awaiting_level = ""
    locked.save(update_fields=["status", "awaiting_level", "updated_at"])
    ActivityEvent.objects.create(
        activity=locked,
        version=locked.latest_version,
        actor=actor,
        from_status=previous,
        to_status=locked.status,
        comment=f"{step.get_level_display()}：{step.get_decision_display()}"
        + (f"（{comment}）" if comment else ""),
    )
    audit_record(
        actor=actor,
        action=DECISION_ACTIONS[Decision(decision)],
        target=locked,
        unit=locked.school,
        changes={"level": step.level, "version": locked.latest_version.number},
    )
    if locked.status == Status.PENDING:
        _notify_step(locked, locked.latest_version, following)
    else:
        _notify_applicants(locked, decision, comment)
    return step


def _notify_applicants(activity: Activity, decision: str, comment: str) -> None:
    titles = {
        Decision.APPROVED: gettext_lazy("The activity “%(title)s” was approved"),
        Decision.RETURNED: gettext_lazy("The activity “%(title)s” was returned: %(comment)s"),
        Decision.REJECTED: gettext_lazy("The activity “%(title)s” was rejected: %(comment)s"),
    }
    for applicant in selectors.applicants(activity.school_id):
        notify(
            recipient=applicant,
            kind=DECISION_KIND,
            key=f"{activity.latest_version_id}:{decision}",
            title=Message(titles[Decision(decision)], title=activity.title, comment=comment[:80]),
            body=comment,
            url=activity_url(activity),
            unit=activity.school,
        )


@audit.atomic
def activity_mark_held(
    *, actor: User, activity: Activity, now: datetime.datetime | None = None
) -> Activity:
    """Record that the activity took place. Refused unless it is approved and has begun."""
    _check_applicant(actor, activity.school)
    now = now or timezone.now()
    locked = Activity.objects.select_for_update().get(pk=activity.pk)
    if locked.status != Status.APPROVED:
        raise ValidationError(_("Only an approved activity can be marked as held."))
    if locked.starts_at > now:
        raise ValidationError(_("The activity has not begun yet."))
    locked.status, locked.held_at = Status.HELD, now
    locked.save(update_fields=["status", "held_at", "updated_at"])
    ActivityEvent.objects.create(
        activity=locked, actor=actor, from_status=Status.APPROVED, to_status=Status.HELD
    )
    audit_record(actor=actor, action="activity.mark_held", target=locked, unit=activity.school)
    return locked


@audit.atomic
def activity_file_summary(
    *,
    actor: User,
    activity: Activity,
    outcome: str,
    text: str,
    incident: Any = None,
    now: datetime.datetime | None = None,
) -> Activity:
    """The school's short summary after the activity (held as planned, changed, incidents;
    an incident report of the school linked). Allowed once the activity is held; an approved
    activity that has ended is marked held by its summary. Refiling corrects the summary."""
    _check_applicant(actor, activity.school)
    now = now or timezone.now()
    locked = Activity.objects.select_for_update().get(pk=activity.pk)
    if locked.status == Status.APPROVED and locked.ends_at <= now:
        locked.status, locked.held_at = Status.HELD, now
    if locked.status != Status.HELD:
        raise ValidationError(_("A summary is filed once an approved activity has been held."))
    if outcome == Activity.Outcome.INCIDENTS and incident is None:
        raise ValidationError(_("Link the incident report of what happened."))
    if incident is not None and incident.school_id != locked.school_id:
        raise PermissionDenied
    locked.summary_outcome, locked.summary_text = outcome, text
    locked.summary_incident = incident
    locked.summary_filed_at, locked.summary_by = now, actor
    locked.save()
    audit_record(actor=actor, action="activity.summary", target=locked, unit=activity.school)
    return locked


# --- jobs ---------------------------------------------------------------------------------------


def _escalation_due(activity: Activity, today: datetime.date) -> bool:
    """Whether `today` is on or after the day N days (the bureau's setting, in its unit)
    before the activity starts. Working days count back on the official calendar (#20); a
    year with no calendar data counts its days as calendar days, as `should_remind` counts
    such a day as a working day (an escalation is a reminder, not a deadline)."""
    settings = selectors.settings_for(activity.school)
    start = timezone.localdate(activity.starts_at)
    if settings.decide_unit == workdays.DayUnit.WORKING:
        try:
            return workdays.add_working_days(start, -settings.decide_days_before) <= today
        except workdays.CalendarYearMissing:
            pass
    return start - datetime.timedelta(days=settings.decide_days_before) <= today


def escalation_pass(now: datetime.datetime | None = None) -> int:
    """Escalate, once, every application still undecided N days (the bureau setting) before
    it starts: its current approvers' supervisor (the unit above the step's unit; the city
    itself for the city's step) is told. The version's `escalated_at` is set by a
    conditional update, so a second run sends nothing. Returns the number escalated."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    pending = (
        Activity.objects.filter(status=Status.PENDING, latest_version__escalated_at__isnull=True)
        .filter(starts_at__gt=now)
        .select_related("school", "latest_version")
        .order_by("starts_at")
    )
    escalated = 0
    for activity in pending:
        if _escalation_due(activity, today) and _escalate(activity, now):
            escalated += 1
    return escalated


@audit.atomic
def _escalate(activity: Activity, now: datetime.datetime) -> bool:
    version = activity.latest_version
    if not ActivityVersion.objects.filter(pk=version.pk, escalated_at__isnull=True).update(
        escalated_at=now
    ):
        return False
    step = selectors.current_step(version)
    if step is None:
        return False
    supervisor_id = step.unit.parent_id or step.unit_id
    for recipient in selectors.approvers([supervisor_id]):
        notify(
            recipient=recipient,
            kind=ESCALATION_KIND,
            key=str(version.pk),
            title=Message(
                gettext_lazy(
                    "Not yet decided: %(unit)s has not decided the activity “%(title)s” of "
                    "%(school)s, which starts on %(day)s"
                ),
                unit=step.unit.name,
                title=activity.title,
                school=activity.school.name,
                day=MessageDate(timezone.localdate(activity.starts_at)),
            ),
            url=activity_url(activity),
            unit=activity.school,
            urgent=True,
        )
    ActivityEvent.objects.create(
        activity=activity,
        version=version,
        from_status=Status.PENDING,
        to_status=Status.PENDING,
        comment=_("Escalated to the supervisor: not decided in time."),
    )
    audit_record(actor=None, action="activity.escalate", target=activity, unit=activity.school)
    return True


def bus_reminder_pass(day: datetime.date | None = None) -> int:
    """Remind each school's register keepers of every bus or driver document that expires
    within the reminder window (the bureau setting, 30 days by default). The notification
    key names the document and its expiry date, so each is reminded once (a renewed
    document with a new date is reminded again when its time comes). Returns the number of
    reminders sent. On a day that is not a working day (#20, `workdays.should_remind`)
    only a document expiring that very day goes out; the others wait for the next
    working day's run (their keys are still unused)."""
    day = day or timezone.localdate()
    working = workdays.should_remind(day)
    widest = max(
        [ActivitySettings().bus_reminder_days]
        + list(ActivitySettings.objects.values_list("bus_reminder_days", flat=True))
    )
    until = day + datetime.timedelta(days=widest)
    sent = 0
    buses = (
        SchoolBus.objects.filter(is_active=True)
        .filter(selectors.expiring_bus_q(day, until))
        .select_related("school")
    )
    for bus in buses:
        limit = day + datetime.timedelta(days=selectors.settings_for(bus.school).bus_reminder_days)
        for key, label, expiry in bus.documents():
            if day <= expiry <= limit and (working or expiry == day):
                sent += _remind(
                    bus.school, f"bus:{bus.pk}:{key}:{expiry}", bus.plate, label, expiry
                )
    drivers = SchoolBusDriver.objects.filter(
        is_active=True, licence_expires__range=(day, until)
    ).select_related("school")
    for driver in drivers:
        limit = day + datetime.timedelta(
            days=selectors.settings_for(driver.school).bus_reminder_days
        )
        if driver.licence_expires <= limit and (working or driver.licence_expires == day):
            key = f"driver:{driver.pk}:{driver.licence_expires}"
            label = str(_("driving licence"))
            sent += _remind(driver.school, key, driver.name, label, driver.licence_expires)
    return sent


def _remind(school: Organisation, key: str, name: str, label: str, expiry: datetime.date) -> int:
    sent = 0
    for keeper in selectors.bus_keepers([school.pk]):
        notice = notify(
            recipient=keeper,
            kind=BUS_REMINDER_KIND,
            key=key,
            title=Message(
                gettext_lazy(
                    "School bus register: the %(document)s of %(name)s expires on %(day)s"
                ),
                document=label,
                name=name,
                day=MessageDate(expiry),
            ),
            url=reverse("activities:bus_register", args=[school.pk]),
            unit=school,
        )
        sent += notice is not None
    return sent


# --- the school-bus register ---------------------------------------------------------------


def _route_errors(fields: dict[str, Any]) -> list[str]:
    bus = fields.get("bus")
    if bus is None:
        return []
    error = rules.over_seats_error(bus.plate, bus.seats, fields.get("pupils"))
    return [error] if error else []


@audit.atomic
def register_save(
    *, actor: User | None, school: Organisation, instance: models.Model, fields: dict[str, Any]
) -> models.Model:
    """Create or change a bus, driver, escort or route of the school's register (its own
    staff only). A route's pupils may not exceed its bus's seats, and its bus, driver and
    escort must be the school's."""
    check_unit_permission(actor, roles.MANAGE_SCHOOL_BUSES, school)
    if actor is not None and not actor.is_superuser and actor.unit_id != school.pk:
        raise PermissionDenied
    if isinstance(instance, BusRoute):
        errors = _route_errors(fields)
        if errors:
            raise ValidationError(errors)
        for name in ("bus", "driver", "escort"):
            if fields.get(name) is not None and fields[name].school_id != school.pk:
                raise PermissionDenied
    created = instance.pk is None
    instance.school = school
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.save()
    audit_record(
        actor=actor,
        action="bus_register.create" if created else "bus_register.update",
        target=instance,
        unit=school,
    )
    if isinstance(instance, SchoolBus):
        sync_school_buses(actor=actor, school=school)
    return instance


def sync_school_buses(*, actor: User | None, school: Organisation) -> bool:
    """Tell emergency preparedness whether the school has an active bus (it then needs the
    school-bus plan and a bus evacuation drill each semester): safety keeps the fact on the
    school (Organisation.has_school_buses) because it may not import reporting."""
    has_buses = SchoolBus.objects.filter(school=school, is_active=True).exists()
    return preparedness_services.school_buses_set(actor=actor, unit=school, has_buses=has_buses)
