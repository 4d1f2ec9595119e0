from __future__ import annotations

import socket

from celery import shared_task
from django.db import connection
from django.utils import timezone

from .models import Organisation


@shared_task(name="safety.healthcheck")
def healthcheck() -> dict[str, object]:
    """Prove a worker can reach the database: used by operators and the integration test."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {
        "worker": socket.gethostname(),
        "organisations": Organisation.objects.count(),
        "checked_at": timezone.now().isoformat(),
    }
