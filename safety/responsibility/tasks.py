"""Celery tasks of the responsibility system: thin wrappers that load rows by id and call a
service. Task names keep their historical "safety." prefix so django-celery-beat rows and
queued messages in existing installations still match."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from safety.jobs import TRANSIENT_ERRORS, register_awaited_job

from . import gaps, services


@shared_task(
    bind=True,
    name="safety.issue_letters",
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    max_retries=5,
)
def issue_letters(self: Any, request_id: int, *before_23: Any) -> int:
    """Bulk-issue the responsibility letters of a bureau's jurisdiction for a request
    (services.letter_issue_request_run: progress on the request's page, idempotent, the
    requester notified). A message queued before #23 carries (actor id, unit id, school
    year) instead of the request's id: it runs the request it meant."""
    if before_23:
        unit_id, school_year = before_23
        request_id = services.letter_issue_request_of(
            actor_id=request_id, unit_id=unit_id, school_year=school_year
        )
    return services.letter_issue_request_run(request_id=request_id, attempt=self.request.id or "")


register_awaited_job(services.ISSUE_TASK, services.stalled_letter_issues)


@shared_task(name="safety.refresh_gap_summaries")
def refresh_gap_summaries(below_id: int | None = None) -> int:
    """Nightly (beat), and after a change that reaches many units: rewrite the coverage gap
    summaries of every active unit (below the unit `below_id`, or everywhere) for today.
    Idempotent; a missed run leaves stale rows that the readers count live."""
    return gaps.refresh_all(below_id)
