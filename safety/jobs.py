"""Queue background jobs by task name once the current transaction commits.

Services name the task ("inspections.process_overdue_hazards") instead of importing their
tasks module, so a services module never imports its tasks and no import circle needs a
function-local import to survive (docs/architecture.md). Tasks load rows by id and call a
service.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from celery import current_app
from django.apps import apps
from django.db import transaction

logger = logging.getLogger(__name__)


PROJECT_ROOT = Path(__file__).resolve().parent.parent


def task_packages() -> list[str]:
    """Every installed app, and each feature package of the project's apps that has a
    tasks.py (`<app>/<feature>/tasks.py`): where Celery looks for task modules."""
    packages = []
    for config in apps.get_app_configs():
        packages.append(config.name)
        root = Path(config.path)
        if PROJECT_ROOT not in root.parents:
            continue
        packages += [
            f"{config.name}.{child.name}"
            for child in sorted(root.iterdir())
            if (child / "tasks.py").exists() and (child / "__init__.py").exists()
        ]
    return packages


def _registered_task(task_name: str) -> Any:
    if task_name not in current_app.tasks:
        # A web process imports task modules only when first needed. The loader's plain
        # discovery imports them without the worker start-up signals (which would run
        # django.setup() again and reset logging in the middle of a request).
        current_app.loader.autodiscover_tasks(task_packages(), related_name="tasks")
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
