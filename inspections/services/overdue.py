"""The daily overdue job: flag hazards past their deadline, remind, escalate."""

from __future__ import annotations

import datetime
from typing import TypedDict

from django.utils import timezone
from django.utils.translation import gettext_lazy, ngettext_lazy

from safety import audit, workdays
from safety.messages import Message

from ..models import Hazard, HazardEvent
from ..selectors import rules_for
from .workflow import county_officials, record_event, tell

Status = Hazard.Status
Action = HazardEvent.Action


class OverdueRun(TypedDict):
    marked: int  # hazards newly flagged overdue
    escalated: int  # hazards newly escalated to the county bureau


def mark_overdue(today: datetime.date | None = None) -> OverdueRun:
    """Flag hazards past their deadline, notify owner and supervisor once a working day
    (every day for a major hazard: safety.workdays.should_remind), escalate
    to the county bureau after the bureau's number of days (selectors.rules_for). Safe to
    run twice: flags are set under row locks by conditional reads and notification keys
    carry the day. Run by the system (no actor, no permission check); one transaction per
    hazard, so a failure leaves the others done."""
    today = today or timezone.localdate()
    marked = escalated = 0
    due = Hazard.objects.filter(status=Status.IN_RECTIFICATION, deadline__lt=today).values_list(
        "pk", flat=True
    )
    for pk in list(due.iterator(chunk_size=2000)):
        with audit.atomic():
            marked += _mark_one_overdue(pk, today)
    candidates = Hazard.objects.filter(
        status=Status.IN_RECTIFICATION, is_overdue=True, escalated_at__isnull=True
    ).values_list("pk", flat=True)
    for pk in list(candidates.iterator(chunk_size=2000)):
        with audit.atomic():
            escalated += _escalate_one(pk, today)
    return OverdueRun(marked=marked, escalated=escalated)


def _mark_one_overdue(pk: int, today: datetime.date) -> int:
    hazard = (
        Hazard.objects.select_for_update(of=("self",))
        .select_related("school", "owner", "supervisor")
        .filter(pk=pk, status=Status.IN_RECTIFICATION, deadline__lt=today)
        .first()
    )
    if hazard is None:
        return 0
    newly = not hazard.is_overdue
    if newly:
        hazard.is_overdue = True
        hazard.overdue_since = hazard.deadline + datetime.timedelta(days=1)
        hazard.first_overdue_on = hazard.first_overdue_on or hazard.overdue_since
        hazard.save(update_fields=["is_overdue", "overdue_since", "first_overdue_on"])
        record_event(hazard, None, Action.OVERDUE, hazard.status, hazard.deadline.isoformat())
    # #20: no routine reminder on a holiday or weekend; a major hazard is urgent.
    if not workdays.should_remind(today, urgent=hazard.is_major):
        return int(newly)
    days = (today - hazard.deadline).days
    tell(
        [hazard.owner, hazard.supervisor],
        hazard,
        "hazard_overdue",
        f"hazard:{hazard.pk}:{today.isoformat()}",
        Message(
            ngettext_lazy(
                "Hazard overdue by %(days)s day at %(school)s",
                "Hazard overdue by %(days)s days at %(school)s",
                "days",
            ),
            days=days,
            school=hazard.school.name,
        ),
    )
    return int(newly)


def _escalate_one(pk: int, today: datetime.date) -> int:
    hazard = (
        Hazard.objects.select_for_update(of=("self",))
        .select_related("school")
        .filter(pk=pk, is_overdue=True, escalated_at__isnull=True)
        .first()
    )
    if hazard is None or hazard.overdue_since is None:
        return 0
    days_overdue = (today - hazard.overdue_since).days + 1
    if days_overdue < rules_for(hazard.school).escalation_days:
        return 0
    hazard.escalated_at = timezone.now()
    hazard.save(update_fields=["escalated_at"])
    record_event(hazard, None, Action.ESCALATED, hazard.status, str(days_overdue))
    tell(
        county_officials(hazard.school),
        hazard,
        "hazard_escalated",
        f"hazard:{hazard.pk}:{today.isoformat()}",
        Message(gettext_lazy("Overdue hazard escalated: %(school)s"), school=hazard.school.name),
    )
    return 1
