"""Thin Celery tasks of emergency preparedness: call a service."""

from __future__ import annotations

from celery import shared_task

from safety.jobs import TRANSIENT_ERRORS

from . import services


@shared_task(
    name="safety.send_drill_reminders",
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    max_retries=3,
)
def send_drill_reminders(days_left: int = 10) -> int:
    """The daily pass (beat): remind schools behind on drills, once per school and period."""
    return services.send_drill_reminders(days_left=days_left)


@shared_task(name="safety.refresh_preparedness_summaries")
def refresh_preparedness_summaries(below_id: int | None = None) -> int:
    """Nightly (beat), after a unit is saved or moved and after a change of the scenarios or
    a bureau's drill settings: rewrite the preparedness summaries of every active school
    (below the unit `below_id`, or everywhere) for today. Idempotent; a missed run leaves
    stale rows, and the coverage view then computes live."""
    return services.preparedness_summaries_refresh(below_id)
