"""Celery tasks of daily guarding: thin wrappers that call a service. Beat runs the three
periodic ones (safety/migrations: the guarding migration adds their schedules)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from safety.jobs import TRANSIENT_ERRORS

from . import services


@shared_task(name="guarding.purge_gate_register")
def purge_gate_register() -> int:
    """Nightly: delete gate register entries past their retention (audited per school)."""
    return services.purge_gate_register()


@shared_task(name="guarding.schedule_patrol_rounds")
def schedule_patrol_rounds() -> int:
    """Daily in the afternoon: create tonight's rounds of every active route (idempotent)."""
    return services.schedule_rounds(day=timezone.localdate())


@shared_task(name="guarding.escalate_absences")
def escalate_absences() -> int:
    """Every five minutes: notify the leader on duty of absences not followed up in time."""
    return services.escalate_absences()


@shared_task(
    name="guarding.send_parent_notice",
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    max_retries=5,
)
def send_parent_notice(notice_id: int) -> bool:
    """Send one parent notice by SMS (the outbox row says whether it went)."""
    return services.send_parent_notice(notice_id)


@shared_task(name="guarding.send_pending_parent_notices")
def send_pending_parent_notices() -> int:
    """Every five minutes: send parent notices whose queued task was lost (the sweeper)."""
    return services.send_pending_parent_notices()
