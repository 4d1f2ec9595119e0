"""The unit administrators' daily digest of what did not get through (issue #21)."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from safety.messages import Message
from safety.models import User
from safety.notifications import notify
from safety.selectors import unreachable_accounts

from . import selectors


def reach_digests(day: datetime.date | None = None) -> int:
    """Daily (beat): tell each unit administrator, through the outbox, how many urgent
    notices of the last day no channel accepted and how many accounts of the jurisdiction
    cannot be reached for urgent notices (one notice per administrator and day, de-duplicated
    by the outbox; nothing when both are zero). Returns the number of notices recorded."""
    day = day or timezone.localdate()
    since = timezone.now() - datetime.timedelta(days=1)
    admins = User.objects.filter(
        role=User.Role.ADMINISTRATOR, is_active=True, unit__isnull=False
    ).select_related("unit")
    recorded = 0
    for admin in admins:
        failed = selectors.undeliverable_notices(admin).filter(created_at__gte=since).count()
        unreachable = unreachable_accounts(admin).count()
        if not failed and not unreachable:
            continue
        notification = notify(
            recipient=admin,
            kind="channels.reach_digest",
            key=f"{admin.unit_id}:{day.isoformat()}",
            title=Message(
                gettext_lazy(
                    "Urgent notices not delivered in the last day: %(failed)s; "
                    "accounts that cannot be reached: %(unreachable)s"
                ),
                failed=failed,
                unreachable=unreachable,
            ),
            url=reverse("channels:reach"),
            unit=admin.unit,
        )
        recorded += notification is not None
    return recorded
