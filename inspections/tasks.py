from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(
    name="inspections.mark_overdue_hazards",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def mark_overdue_hazards() -> dict[str, int]:
    return services.mark_overdue()
