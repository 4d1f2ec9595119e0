"""Extending a rectification deadline: the owner asks, the supervisor or a bureau official
decides."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safety import audit, workdays
from safety.messages import Message, MessageDate
from safety.models import User

from .. import guards
from ..models import Hazard, HazardEvent
from .workflow import county_officials, lock_hazard, record_event, require_status, tell

Status = Hazard.Status
Action = HazardEvent.Action


@audit.atomic
def hazard_request_extension(
    *,
    actor: User,
    hazard: Hazard,
    until: datetime.date | None = None,
    reason: str,
    working_days: int | None = None,
) -> Hazard:
    """The owner asks for a later deadline; whoever decides it is told (the supervisor, or
    the county bureau's officials once the hazard has been overdue: guards.
    check_extension_decider). One request at a time.

    Raises `PermissionDenied` unless the actor is the owner; `ValidationError` unless it is
    "in rectification" with no request waiting, `until` is after the deadline and the
    reason is not blank. With `working_days` instead of `until`, the new deadline is that
    many working days after the current one (safety.workdays; `CalendarYearMissing`, a
    ValidationError, when the count reaches a year with no calendar data).
    """
    hazard = lock_hazard(hazard)
    if until is None:
        if not working_days or hazard.deadline is None:
            raise ValidationError(_("Give the new deadline, or the number of working days more."))
        until = workdays.add_working_days(hazard.deadline, working_days)
    if hazard.owner_id != actor.pk:
        raise PermissionDenied
    require_status(hazard, Status.IN_RECTIFICATION)
    if hazard.extension_until is not None:
        raise ValidationError(_("An extension request is already waiting for a decision."))
    if hazard.deadline and until <= hazard.deadline:
        raise ValidationError(_("The new deadline must be later than the current one."))
    if not reason.strip():
        raise ValidationError(_("Give a reason for the extension."))
    hazard.extension_until = until
    hazard.extension_reason = reason
    hazard.save(update_fields=["extension_until", "extension_reason"])
    event = record_event(
        hazard, actor, Action.EXTENSION_REQUESTED, hazard.status, f"{until.isoformat()}：{reason}"
    )
    deciders = (
        county_officials(hazard.school)
        if guards.extension_goes_to_county(hazard)
        else [hazard.supervisor]
    )
    tell(
        deciders,
        hazard,
        "hazard_extension",
        f"hazard:{hazard.pk}:{event.pk}",
        Message(gettext_lazy("Extension requested until %(date)s"), date=MessageDate(until)),
    )
    return hazard


@audit.atomic
def hazard_decide_extension(
    *,
    actor: User,
    hazard: Hazard,
    approve: bool,
    comment: str = "",
    today: datetime.date | None = None,
) -> Hazard:
    """The supervisor or a bureau official grants (`approve=True`: the requested date
    becomes the deadline, and a hazard no longer past it stops being overdue, keeping its
    overdue history: `first_overdue_on` and its OVERDUE events) or refuses the waiting
    request. Once the hazard has been overdue, only its county bureau's officials decide.

    Raises `PermissionDenied` unless guards.check_extension_decider passes and the actor is
    not the owner; `ValidationError` when no request waits or it is not "in rectification".
    """
    hazard = lock_hazard(hazard)
    guards.check_extension_decider(actor, hazard)
    if hazard.owner_id == actor.pk:
        raise PermissionDenied
    if hazard.extension_until is None:
        raise ValidationError(_("There is no extension request to decide."))
    require_status(hazard, Status.IN_RECTIFICATION)
    today = today or timezone.localdate()
    if approve:
        hazard.deadline = hazard.extension_until
        if hazard.deadline >= today:
            hazard.is_overdue = False
            hazard.overdue_since = None
            hazard.escalated_at = None
    hazard.extension_until = None
    hazard.extension_reason = ""
    hazard.save()
    action = Action.EXTENSION_GRANTED if approve else Action.EXTENSION_REFUSED
    record_event(hazard, actor, action, hazard.status, comment)
    return hazard
