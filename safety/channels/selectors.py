"""Reads of the delivery channels: which channels the installation uses, a person's plan for
urgent and routine notices, and the administrators' lists of what did not get through."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery

from safety import roles
from safety.access import access_object
from safety.models import DeliveryStatus, Notification, User

from .models import Channel, ChannelDelivery, ChannelProfile

# The channels a daily digest of routine notices can go by (an SMS template carries one
# notice, not a list).
DIGEST_CHANNELS = (Channel.EMAIL, Channel.WECOM, Channel.DINGTALK)


def enabled_channels() -> list[str]:
    """The installation's channels in their order (SAFECAMPUS_CHANNELS), unknown names and
    repeats dropped: e.g. ["wecom", "sms", "email"]."""
    found: list[str] = []
    for name in settings.SAFECAMPUS_CHANNELS:
        name = name.strip().lower()
        if name in Channel.values and name not in found:
            found.append(name)
    return found


def profile_of(user: User) -> ChannelProfile | None:
    """The account's channel profile, or None when it has none yet (no query when the
    profile was selected with the account)."""
    try:
        return user.channel_profile
    except ChannelProfile.DoesNotExist:
        return None


def urgent_plan(profile: ChannelProfile | None) -> tuple[list[str], list[str]]:
    """(the channels an urgent notice goes by, the ones tried next when none of those
    accepted it). The person's urgent preference among the installation's channels, or all
    of them in the installation's order; the rest are the fallback."""
    enabled = enabled_channels()
    preferred = profile.urgent_channels if profile is not None else []
    chosen = [name for name in preferred if name in enabled] or enabled
    return chosen, [name for name in enabled if name not in chosen]


def routine_plan(profile: ChannelProfile | None) -> list[str]:
    """The channels the daily digest of routine notices tries, in order, until one accepts:
    the person's routine preference among the installation's digest channels, else e-mail."""
    enabled = [name for name in enabled_channels() if name in DIGEST_CHANNELS]
    preferred = profile.routine_channels if profile is not None else []
    return [name for name in preferred if name in enabled] or [Channel.EMAIL.value]


def access_account(user: Any, pk: int, *, for_change: bool = False) -> User:
    """An account whose channels the user may manage: inside the jurisdiction (404 outside)
    and with the account-management permission (403 otherwise), for reading too."""
    queryset = User.objects.select_related("unit", "channel_profile")
    return access_object(queryset, user, permission=roles.MANAGE_ACCOUNTS, pk=pk)


def undeliverable_notices(user: User) -> QuerySet[Notification]:
    """Urgent notices to accounts in the user's jurisdiction that no channel accepted
    (failed or unreachable), newest first. Each carries `first_error`: the provider's error
    code of its first failed channel ("" when none failed: no address anywhere), in the same
    query (the page's budget). A QuerySet."""
    first_error = (
        ChannelDelivery.objects.filter(
            notification=OuterRef("pk"), status=ChannelDelivery.Status.FAILED
        )
        .exclude(error_code="")
        .order_by("id")
        .values("error_code")[:1]
    )
    return (
        Notification.objects.filter(
            urgent=True,
            delivery_status__in=[DeliveryStatus.FAILED, DeliveryStatus.UNREACHABLE],
            recipient__in=User.objects.visible_to(user),
        )
        .select_related("recipient", "recipient__unit")
        .annotate(first_error=Subquery(first_error))
        .order_by("-created_at", "-id")
    )
