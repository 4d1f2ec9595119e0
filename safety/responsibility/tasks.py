"""Celery tasks of the responsibility system: thin wrappers that load rows by id and call a
service. Task names keep their historical "safety." prefix so django-celery-beat rows and
queued messages in existing installations still match."""

from __future__ import annotations

from celery import shared_task

from safety.jobs import TRANSIENT_ERRORS, register_awaited_job
from safety.models import Organisation, User

from . import gaps, services


@shared_task(
    name="safety.issue_letters", autoretry_for=TRANSIENT_ERRORS, retry_backoff=True, max_retries=5
)
def issue_letters(actor_id: int, unit_id: int, school_year: str) -> int:
    """Bulk-issue the responsibility letters of a bureau's jurisdiction; idempotent (letters
    already issued are skipped), so a retry issues nothing twice. Notifies the actor."""
    actor = User.objects.select_related("unit").get(pk=actor_id)
    unit = Organisation.objects.get(pk=unit_id)
    return services.letters_issue_bulk(
        actor=actor, unit=unit, school_year=school_year, notify_actor=True
    )


register_awaited_job("safety.issue_letters", services.stalled_letter_issues)


@shared_task(name="safety.refresh_gap_summaries")
def refresh_gap_summaries(below_id: int | None = None) -> int:
    """Nightly (beat), and after a change that reaches many units: rewrite the coverage gap
    summaries of every active unit (below the unit `below_id`, or everywhere) for today.
    Idempotent; a missed run leaves stale rows that the readers count live."""
    return gaps.refresh_all(below_id)
