"""Thin Celery tasks of incidents: load by id, call a service (autodiscovered by config.celery)."""

from __future__ import annotations

from celery import shared_task

from safety.jobs import TRANSIENT_ERRORS, register_awaited_job

from . import services


@shared_task(
    name="reporting.render_incident_file",
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    max_retries=5,
)
def render_incident_file(incident_id: int) -> bool:
    return services.incident_file_render(incident_id)


register_awaited_job("reporting.render_incident_file", services.stalled_incident_files)
