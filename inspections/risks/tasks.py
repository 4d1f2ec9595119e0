"""Thin Celery wrapper of the daily risk job (task name stored in a beat schedule)."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(
    name="risks.daily_reminders", autoretry_for=(OSError,), retry_backoff=True, max_retries=5
)
def daily_reminders() -> dict[str, int]:
    """Overdue checks and the term review reminder (each once: see services)."""
    return services.daily_reminders()


@shared_task(name="inspections.refresh_risk_tally")
def refresh_risk_tally() -> int:
    """Recount every bureau's risk point tally (a school moved to another bureau; a bulk
    load). Idempotent."""
    return services.risk_tally_refresh()
