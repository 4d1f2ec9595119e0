"""A hazard's life (安全隐患排查整改): reported, fixed on the spot or assigned, rectified,
verified and closed (销号) or returned, re-opened. One function per transition; each locks
the row, checks the permission and the state, changes the hazard and appends its event."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safety import audit, roles
from safety.access import check_unit_permission
from safety.messages import Message, MessageDate
from safety.models import Organisation, SafetyArea, User
from safety.uploads import CleanUpload

from .. import guards
from ..models import Hazard, HazardEvent
from ..selectors import assignable_people, default_deadline
from .photos import store_photos
from .workflow import county_officials, lock_hazard, record_event, require_status, tell

Status = Hazard.Status
Action = HazardEvent.Action


def hazard_create(*, actor: User, school: Organisation, **fields: Any) -> Hazard:
    """Log a hazard with its "reported" event and alert the county to a major one.
    Precondition: the caller checked the permission, inside a transaction."""
    hazard = Hazard.objects.create(school=school, reporter=actor, **fields)
    record_event(hazard, actor, Action.REPORTED, "")
    if hazard.severity == Hazard.Severity.MAJOR:
        tell(
            county_officials(school),
            hazard,
            "hazard_major",
            f"hazard:{hazard.pk}",
            Message(gettext_lazy("Major hazard reported at %(school)s"), school=school.name),
        )
    return hazard


@audit.atomic
def hazard_report(
    *,
    actor: User,
    school: Organisation,
    area: SafetyArea,
    description: str,
    location: str = "",
    kind: str = Hazard.Kind.TANGIBLE,
    severity: str = Hazard.Severity.GENERAL,
    photos: Sequence[CleanUpload] = (),
) -> Hazard:
    """Report a hazard outside an inspection (随手拍); returns it, status "reported".

    Raises `PermissionDenied` unless the actor reports hazards in the school's jurisdiction,
    `ValidationError` when `school` is not a school.
    """
    check_unit_permission(actor, roles.REPORT_HAZARD, school)
    if not school.is_school:
        raise ValidationError(_("Choose a school."))
    hazard = hazard_create(
        actor=actor,
        school=school,
        area=area,
        location=location,
        description=description,
        kind=kind,
        severity=severity,
        source=Hazard.Source.AD_HOC,
    )
    store_photos(photos, actor=actor, school=school, hazard=hazard)
    return hazard


@audit.atomic
def hazard_fix_on_spot(
    *, actor: User, hazard: Hazard, measure: str, photos: Sequence[CleanUpload] = ()
) -> Hazard:
    """立即整改: the reporter records the measure and an after photo; the hazard waits for a
    verifier ("pending verification").

    Raises `PermissionDenied` unless the actor reported it (and still may report hazards
    there); `ValidationError` unless it is "reported", with a measure and a photo.
    """
    hazard = lock_hazard(hazard)
    check_unit_permission(actor, roles.REPORT_HAZARD, hazard.school)
    if hazard.reporter_id != actor.pk:
        raise PermissionDenied
    require_status(hazard, Status.REPORTED)
    if not measure.strip():
        raise ValidationError(_("Describe what was done."))
    if not photos:
        raise ValidationError(_("Add a photo taken after the fix."))
    old = hazard.status
    hazard.status = Status.PENDING_VERIFICATION
    hazard.fixed_on_spot = True
    hazard.rectification = measure
    hazard.save(update_fields=["status", "fixed_on_spot", "rectification"])
    event = record_event(hazard, actor, Action.FIXED_ON_SPOT, old, measure)
    store_photos(photos, actor=actor, school=hazard.school, hazard=hazard, event=event)
    return hazard


def _check_assignment(hazard: Hazard, owner: User, supervisor: User, interim: str) -> None:
    people = assignable_people(hazard.school)
    if not people.owners.filter(pk=owner.pk).exists():
        raise ValidationError(_("The rectification owner must be an account of the school."))
    if not people.supervisors.filter(pk=supervisor.pk).exists():
        raise ValidationError(
            _("The supervisor must be a leader of the school or an official above it.")
        )
    if supervisor.pk == owner.pk:
        raise ValidationError(_("The supervisor cannot be the rectification owner."))
    if hazard.severity == Hazard.Severity.MAJOR and not interim.strip():
        raise ValidationError(_("A major hazard needs interim control measures while it is open."))


@audit.atomic
def hazard_assign(
    *,
    actor: User,
    hazard: Hazard,
    owner: User,
    supervisor: User,
    deadline: datetime.date | None = None,
    interim_measures: str = "",
    needs_professional_assessment: bool = False,
    today: datetime.date | None = None,
) -> Hazard:
    """A school leader (or bureau official) sets owner, supervisor and deadline (default:
    the bureau's rule for the severity); the hazard goes "in rectification".

    Raises `PermissionDenied` unless the actor assigns rectification in the jurisdiction;
    `ValidationError` unless it is "reported", the owner is an account of the school, the
    supervisor a leader or official above it and not the owner, a major hazard has interim
    measures (严防死守) and the deadline is not past.
    """
    hazard = lock_hazard(hazard)
    check_unit_permission(actor, roles.ASSIGN_RECTIFICATION, hazard.school)
    require_status(hazard, Status.REPORTED)
    _check_assignment(hazard, owner, supervisor, interim_measures)
    today = today or timezone.localdate()
    deadline = deadline or default_deadline(hazard.school, hazard.severity, today)
    if deadline < today:
        raise ValidationError(_("The deadline cannot be in the past."))
    old = hazard.status
    hazard.status = Status.IN_RECTIFICATION
    hazard.owner, hazard.supervisor, hazard.deadline = owner, supervisor, deadline
    hazard.interim_measures = interim_measures
    hazard.needs_professional_assessment = needs_professional_assessment
    hazard.save()
    summary = _("Owner %(owner)s, supervisor %(supervisor)s, deadline %(deadline)s") % {
        "owner": owner.display_name,
        "supervisor": supervisor.display_name,
        "deadline": deadline.isoformat(),
    }
    record_event(hazard, actor, Action.ASSIGNED, old, summary)
    tell(
        [owner, supervisor],
        hazard,
        "hazard_assigned",
        f"hazard:{hazard.pk}:{hazard.events.count()}",
        Message(gettext_lazy("Hazard to rectify by %(deadline)s"), deadline=MessageDate(deadline)),
    )
    return hazard


@audit.atomic
def hazard_submit_rectification(
    *, actor: User, hazard: Hazard, evidence: str, photos: Sequence[CleanUpload] = ()
) -> Hazard:
    """The owner reports the rectification done, with evidence; the supervisor is told and
    the hazard waits for verification.

    Raises `PermissionDenied` unless the actor is the owner and may report hazards;
    `ValidationError` unless it is "in rectification" and the evidence is not blank.
    """
    hazard = lock_hazard(hazard)
    roles.require_permission(actor, roles.REPORT_HAZARD)
    if hazard.owner_id != actor.pk:
        raise PermissionDenied
    require_status(hazard, Status.IN_RECTIFICATION)
    if not evidence.strip():
        raise ValidationError(_("Describe the rectification."))
    old = hazard.status
    hazard.status = Status.PENDING_VERIFICATION
    hazard.rectification = evidence
    hazard.save(update_fields=["status", "rectification"])
    event = record_event(hazard, actor, Action.SUBMITTED, old, evidence)
    store_photos(photos, actor=actor, school=hazard.school, hazard=hazard, event=event)
    tell(
        [hazard.supervisor],
        hazard,
        "hazard_submitted",
        f"hazard:{hazard.pk}:{event.pk}",
        Message(gettext_lazy("Rectification to verify at %(school)s"), school=hazard.school.name),
    )
    return hazard


@audit.atomic
def hazard_verify(*, actor: User, hazard: Hazard, accept: bool = True, comment: str = "") -> Hazard:
    """复查验收: close the hazard (销号) or, with `accept=False` (see `hazard_return`), send
    it back with a reason: an on-the-spot fix that did not hold goes back to "reported" to
    get an owner and a deadline, anything else back to "in rectification".

    Raises `PermissionDenied` unless guards.check_verifier passes (never the person who did
    the rectification); `ValidationError` unless it is "pending verification", and for a
    return without a reason.
    """
    hazard = lock_hazard(hazard)
    guards.check_verifier(actor, hazard)
    require_status(hazard, Status.PENDING_VERIFICATION)
    old = hazard.status
    if accept:
        hazard.status = Status.CLOSED
        hazard.closed_at = timezone.now()
        hazard.is_overdue = False
        action = Action.CLOSED
    else:
        if not comment.strip():
            raise ValidationError(_("Say why the rectification is returned."))
        hazard.status = Status.IN_RECTIFICATION if hazard.owner_id else Status.REPORTED
        hazard.fixed_on_spot = False if hazard.status == Status.REPORTED else hazard.fixed_on_spot
        action = Action.RETURNED
    hazard.save()
    event = record_event(hazard, actor, action, old, comment)
    if not accept:
        tell(
            [hazard.owner or hazard.reporter],
            hazard,
            "hazard_returned",
            f"hazard:{hazard.pk}:{event.pk}",
            Message(gettext_lazy("Rectification returned: %(reason)s"), reason=comment[:80]),
        )
    return hazard


def hazard_return(*, actor: User, hazard: Hazard, reason: str) -> Hazard:
    """Return a rectification to whoever did it, with `reason`: `hazard_verify` with
    `accept=False` (same guards, same errors)."""
    return hazard_verify(actor=actor, hazard=hazard, accept=False, comment=reason)


@audit.atomic
def hazard_reopen(*, actor: User, hazard: Hazard, reason: str) -> Hazard:
    """A bureau official re-opens a closed hazard found not fixed at a later inspection:
    back "in rectification" with its owner, or "reported" when it never had one.

    Raises `PermissionDenied` unless the actor re-opens hazards in the jurisdiction from a
    bureau; `ValidationError` unless it is "closed" and the reason is not blank.
    """
    hazard = lock_hazard(hazard)
    check_unit_permission(actor, roles.REOPEN_HAZARD, hazard.school)
    if actor.unit is None or not actor.unit.is_bureau:
        raise PermissionDenied
    require_status(hazard, Status.CLOSED)
    if not reason.strip():
        raise ValidationError(_("Say what was found not fixed."))
    old = hazard.status
    hazard.status = Status.IN_RECTIFICATION if hazard.owner_id else Status.REPORTED
    hazard.closed_at = None
    hazard.fixed_on_spot = False if hazard.status == Status.REPORTED else hazard.fixed_on_spot
    hazard.save()
    event = record_event(hazard, actor, Action.REOPENED, old, reason)
    tell(
        [hazard.owner, hazard.supervisor],
        hazard,
        "hazard_reopened",
        f"hazard:{hazard.pk}:{event.pk}",
        Message(gettext_lazy("Closed hazard re-opened at %(school)s"), school=hazard.school.name),
    )
    return hazard
