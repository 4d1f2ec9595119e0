"""Celery tasks of the reporting app (autodiscovered from here)."""

from __future__ import annotations

from celery import shared_task

from reporting.monthly.tasks import *  # noqa: F403 - registers the monthly-report tasks

from . import services


@shared_task(
    name="reporting.render_incident_file",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=3,
)
def render_incident_file(incident_id: int) -> bool:
    return services.incident_file_render(incident_id)
