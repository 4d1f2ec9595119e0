"""Thin Celery tasks: load by id, call a service."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.utils import timezone

from safety.jobs import TRANSIENT_ERRORS, register_awaited_job

from . import services


@shared_task(
    name="reporting.render_monthly_report_pdf",
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    max_retries=5,
)
def render_monthly_report_pdf(version_id: int) -> bool:
    return services.monthly_report_render_pdf(version_id=version_id)


register_awaited_job("reporting.render_monthly_report_pdf", services.stalled_version_pdfs)


@shared_task(
    name="reporting.render_monthly_overview_pdf",
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    max_retries=5,
)
def render_monthly_overview_pdf(overview_id: int) -> bool:
    return services.monthly_overview_render_pdf(overview_id=overview_id)


register_awaited_job("reporting.render_monthly_overview_pdf", services.stalled_overview_pdfs)


@shared_task(name="reporting.monthly_report_reminders")
def monthly_report_reminders(
    day: str | None = None,
    days_before: int = services.DEFAULT_DAYS_BEFORE,
    days_after: int = services.DEFAULT_DAYS_AFTER,
) -> int:
    """The daily reminder pass (beat); the offsets are the PeriodicTask's kwargs."""
    date = datetime.date.fromisoformat(day) if day else timezone.localdate()
    return services.reminder_pass(day=date, days_before=days_before, days_after=days_after)


@shared_task(
    name="reporting.deliver_monthly_reminders",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def deliver_monthly_reminders() -> int:
    return services.deliver_reminders()
