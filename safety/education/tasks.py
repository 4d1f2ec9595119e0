"""Celery tasks of safety education: thin wrappers that call a service."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="safety.legal_vp_term_end_reminders")
def legal_vp_term_end_reminders() -> int:
    """Daily (beat): remind schools once that their legal vice-principal's term ends soon."""
    return services.legal_vp_remind_term_end()
