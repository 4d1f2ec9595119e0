"""Thin Celery tasks of incidents: load by id, call a service (autodiscovered by config.celery)."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(
    name="reporting.render_incident_file",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=3,
)
def render_incident_file(incident_id: int) -> bool:
    return services.incident_file_render(incident_id)
