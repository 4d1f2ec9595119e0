"""Queue background jobs by task name once the current transaction commits.

Services name the task ("inspections.process_overdue_hazards") instead of importing their
tasks module, so a services module never imports its tasks and no import circle needs a
function-local import to survive (docs/architecture.md). Tasks load rows by id and call a
service.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import current_app
from django.db import transaction

logger = logging.getLogger(__name__)


def _registered_task(task_name: str) -> Any:
    if task_name not in current_app.tasks:
        # The web process imports task modules only on demand: discover them once.
        current_app.loader.import_default_modules()
    return current_app.tasks[task_name]


def enqueue_on_commit(task_name: str, *args: Any) -> None:
    """Queue the registered Celery task `task_name` with `args` (ids, strings: JSON-safe) once
    the current transaction commits; outside a transaction, at once.

    Never fails the request: the database already holds what the task acts on (the
    transactional outbox), so when the broker is down the row waits for its sweeper or the next
    scheduled run. Raises `KeyError` at once for a name no task module registers (a typo must
    not pass silently until commit time).
    """
    task = _registered_task(task_name)

    def send() -> None:
        try:
            task.delay(*args)
        except Exception:  # the broker is unreachable: a periodic sweep picks the row up
            logger.warning(
                "Could not queue %s%r; it will be retried by its sweeper",
                task_name,
                args,
                exc_info=True,
            )

    transaction.on_commit(send)
