from __future__ import annotations

import logging
import socket
from typing import Any

from celery import shared_task
from celery.signals import task_failure
from django.conf import settings
from django.db import connection
from django.utils import timezone

from . import exportjobs, jobs, notifications
from .models import Organisation

logger = logging.getLogger(__name__)


@shared_task(name="safety.healthcheck", ignore_result=False)
def healthcheck() -> dict[str, object]:
    """Prove a worker can reach the database: used by operators and the integration test."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {
        "worker": socket.gethostname(),
        "organisations": Organisation.objects.count(),
        "checked_at": timezone.now().isoformat(),
    }


@shared_task(
    bind=True,
    name="safety.deliver_urgent_notification",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def deliver_urgent_notification(self: Any, notification_id: int) -> bool:
    """Deliver an urgent notice; while a channel is rate-limited or timed out, try again
    with backoff (30 s, 60 s, 120 s … at most 10 minutes), CHANNEL_MAX_RETRIES times, the
    last try final (safety.channels.services). The sweeper catches a lost task."""
    final = self.request.retries >= settings.CHANNEL_MAX_RETRIES
    handled = notifications.deliver_urgent(notification_id, final=final)
    if not final and notifications.awaits_retry(notification_id):
        if self.request.is_eager:  # no broker (development, tests): the next try at once
            retried = self.apply(args=(notification_id,), retries=self.request.retries + 1)
            return bool(retried.get())
        countdown = min(600, 30 * 2**self.request.retries)
        raise self.retry(countdown=countdown, max_retries=settings.CHANNEL_MAX_RETRIES)
    return handled


@shared_task(name="safety.deliver_pending_urgent_notifications")
def deliver_pending_urgent_notifications() -> int:
    return notifications.deliver_pending_urgent()


@shared_task(
    name="safety.send_notification_digests",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_notification_digests() -> int:
    return notifications.send_digests()


@shared_task(name="safety.sweep_awaited_jobs")
def sweep_awaited_jobs() -> int:
    """Queue again the jobs users wait for whose result never came (safety.jobs)."""
    return jobs.sweep_awaited_jobs()


# --- #23 exports as jobs -------------------------------------------------------------------


@shared_task(
    name=exportjobs.TASK,
    autoretry_for=jobs.TRANSIENT_ERRORS,
    retry_backoff=True,
    max_retries=5,
)
def build_export(job_id: int) -> bool:
    """Write an export's file (safety.exportjobs.export_build; idempotent)."""
    return exportjobs.export_build(job_id=job_id)


jobs.register_awaited_job(exportjobs.TASK, exportjobs.stalled_exports)


@shared_task(name="safety.purge_expired_exports")
def purge_expired_exports() -> int:
    """Delete the files of exports past their day (beat, hourly)."""
    return exportjobs.exports_purge()


@task_failure.connect
def record_job_failure(
    sender: Any = None,
    task_id: str | None = None,
    exception: BaseException | None = None,
    args: Any = None,
    einfo: Any = None,
    **kwargs: Any,
) -> None:
    """A task that failed for good (retries spent, or an error no retry mends) is recorded
    for administrators (/admin/ → 后台任务失败记录); recording never hides the failure."""
    try:
        exportjobs.job_failure_record(
            task=getattr(sender, "name", "") or "",
            args=list(args or ()),
            error=f"{type(exception).__name__}: {exception}",
            trace=str(einfo or ""),
        )
    except Exception:  # the database itself may be what failed
        logger.exception("Could not record the failure of task %s", task_id)
