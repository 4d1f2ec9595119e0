"""Thin Celery wrappers around services. The task names are stored in database beat
schedules (django-celery-beat): keep them."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(
    name="inspections.mark_overdue_hazards",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def mark_overdue_hazards() -> services.OverdueRun:
    """The daily overdue run (idempotent: see services.mark_overdue)."""
    return services.mark_overdue()
