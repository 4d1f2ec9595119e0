"""The steps every hazard transition shares: lock the row, check the state, append the
timeline event, tell the people concerned (notifications are written in the same
transaction: safety.notifications.notify)."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from safety.messages import Message
from safety.models import Organisation, User
from safety.notifications import notify

from ..models import Hazard, HazardEvent


def lock_hazard(hazard: Hazard) -> Hazard:
    """Re-read the hazard under a row lock so two concurrent transitions cannot both win.
    Call inside a transaction."""
    return Hazard.objects.select_for_update(of=("self",)).select_related("school").get(pk=hazard.pk)


def require_status(hazard: Hazard, *allowed: str) -> None:
    """Raise `ValidationError` unless the hazard is in one of the `allowed` statuses."""
    if hazard.status not in allowed:
        raise ValidationError(
            _("This hazard is %(status)s; the action is not possible now.")
            % {"status": hazard.get_status_display()}
        )


def record_event(
    hazard: Hazard, actor: User | None, action: str, from_status: str, comment: str = ""
) -> HazardEvent:
    """Append the timeline row of a transition from `from_status` to the hazard's status,
    then close the hazard's pending requests that its new status leaves without object
    (`close_pending_requests`): every transition records an event, so none can forget them."""
    event = HazardEvent.objects.create(
        hazard=hazard,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=hazard.status,
        comment=comment,
    )
    close_pending_requests(hazard, actor)
    return event


def close_pending_requests(hazard: Hazard, actor: User | None) -> None:
    """Close the sub-requests of `hazard` still waiting for a decision once it leaves the
    state they belong to: an extension request lives only "in rectification" (a hazard whose
    rectification is submitted, or that is closed, has no deadline left to move). Records one
    EXTENSION_CLOSED event per closed request."""
    if hazard.extension_until is None or hazard.status == Hazard.Status.IN_RECTIFICATION:
        return
    until = hazard.extension_until
    hazard.extension_until = None
    hazard.extension_reason = ""
    hazard.save(update_fields=["extension_until", "extension_reason"])
    HazardEvent.objects.create(
        hazard=hazard,
        actor=actor,
        action=HazardEvent.Action.EXTENSION_CLOSED,
        from_status=hazard.status,
        to_status=hazard.status,
        comment=until.isoformat(),
    )


def county_officials(school: Organisation) -> list[User]:
    """Bureau officials of the nearest bureau above the school."""
    if school.parent_id is None:
        return []
    return list(
        User.objects.filter(
            unit_id=school.parent_id, role=User.Role.BUREAU_OFFICIAL, is_active=True
        )
    )


def tell(users: Iterable[User | None], hazard: Hazard, kind: str, key: str, title: Message) -> None:
    """Notify each distinct user once about `hazard`; `key` de-duplicates across retries."""
    seen: set[int] = set()
    for user in users:
        if user is None or user.pk in seen:
            continue
        seen.add(user.pk)
        notify(
            recipient=user,
            kind=kind,
            key=key,
            title=title,
            body=hazard.description[:500],
            url=reverse("inspections:hazard_detail", args=[hazard.pk]),
            unit=hazard.school,
        )
