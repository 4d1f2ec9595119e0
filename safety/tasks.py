from __future__ import annotations

import logging
import socket

from celery import shared_task
from django.db import connection
from django.utils import timezone

from . import jobs, notifications
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
    name="safety.deliver_urgent_notification",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def deliver_urgent_notification(notification_id: int) -> bool:
    return notifications.deliver_urgent(notification_id)


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
