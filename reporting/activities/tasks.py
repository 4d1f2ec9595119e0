"""Thin Celery tasks: call a service (daily beat runs, schedules in migration 0009)."""

from __future__ import annotations

import datetime

from celery import shared_task

from . import services


@shared_task(name="reporting.activity_escalations")
def activity_escalations() -> int:
    return services.escalation_pass()


@shared_task(name="reporting.bus_document_reminders")
def bus_document_reminders(day: str | None = None) -> int:
    return services.bus_reminder_pass(datetime.date.fromisoformat(day) if day else None)
