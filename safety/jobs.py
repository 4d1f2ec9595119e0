"""Queue background jobs by task name once the current transaction commits.

Services name the task ("inspections.process_overdue_hazards") instead of importing their
tasks module, so a services module never imports its tasks and no import circle needs a
function-local import to survive (docs/architecture.md). Tasks load rows by id and call a
service.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from celery import current_app
from django.apps import apps
from django.db import OperationalError, transaction
from django.utils import timezone

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


def import_task_modules() -> None:
    """Import every tasks module (registering its tasks and awaited jobs). The loader's plain
    discovery, not `import_default_modules()`: that sends the worker start-up signal, on which
    Celery's Django fix-up runs django.setup() again and resets logging mid-request."""
    current_app.loader.autodiscover_tasks(task_packages(), related_name="tasks")


def _registered_task(task_name: str) -> Any:
    if task_name not in current_app.tasks:
        import_task_modules()  # a web process imports them only when first needed
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
    transaction.on_commit(lambda: _send(task, task_name, args))


def run_now(task_name: str, *args: Any) -> Any:
    """Run the registered task `task_name` with `args` in this process and transaction, now
    (a core service keeping a feature's derived rows without importing the feature's
    services, which import the core's: e.g. a unit's coverage gap summary when the unit is
    saved). Returns the task's result; raises what it raises, and `KeyError` for an unknown
    name."""
    return _registered_task(task_name)(*args)


def _send(task: Any, task_name: str, args: Sequence[Any]) -> bool:
    try:
        task.delay(*args)
    except Exception:  # the broker is unreachable: a periodic sweep picks the row up
        logger.warning(
            "Could not queue %s%r; it will be retried by its sweeper",
            task_name,
            tuple(args),
            exc_info=True,
        )
        return False
    return True


# --- jobs a user waits for -----------------------------------------------------------------

# A job requested longer ago than this and still without its result is stalled: the page
# stops saying "being prepared" and offers to try again, and the sweeper queues it again.
STALLED_AFTER = datetime.timedelta(minutes=10)
# The sweeper gives up on a request older than this (the page still offers to try again).
SWEEP_GIVES_UP_AFTER = datetime.timedelta(days=1)

# Errors worth a retry with backoff (the task's `autoretry_for`): storage or network hiccups,
# a locked or restarting database.
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (OSError, OperationalError)

JobState = Literal["none", "ready", "preparing", "stalled"]


@dataclass(frozen=True)
class AwaitedJob:
    """A task whose result a user waits for. `stalled(requested_before, requested_after)`
    returns the argument tuples of the requests made in that window whose result is still
    missing; the task must be idempotent (a request already done does nothing)."""

    task_name: str
    stalled: Callable[[datetime.datetime, datetime.datetime], Iterable[Sequence[Any]]]


AWAITED_JOBS: dict[str, AwaitedJob] = {}


def register_awaited_job(
    task_name: str,
    stalled: Callable[[datetime.datetime, datetime.datetime], Iterable[Sequence[Any]]],
) -> None:
    """Declare that users wait for `task_name`'s result, so `sweep_awaited_jobs` queues its
    stalled requests again. Called by the feature's tasks module beside the task."""
    AWAITED_JOBS[task_name] = AwaitedJob(task_name, stalled)


def job_state(
    requested_at: datetime.datetime | None,
    done: bool,
    now: datetime.datetime | None = None,
) -> JobState:
    """What a page says about a requested result: "ready", "preparing" while the request is
    recent, "stalled" (offer to try again) once it is older than STALLED_AFTER, "none" when
    nothing was requested."""
    if done:
        return "ready"
    if requested_at is None:
        return "none"
    now = now or timezone.now()
    return "preparing" if now - requested_at < STALLED_AFTER else "stalled"


def requested_between(
    queryset: Any,
    requested_field: str,
    requested_before: datetime.datetime,
    requested_after: datetime.datetime,
) -> list[tuple[int]]:
    """The `(pk,)` argument tuples of the rows of `queryset` (already narrowed to those
    without their result) whose `requested_field` lies in [requested_after, requested_before):
    the usual `stalled` callable of a job that takes one id."""
    window = {
        f"{requested_field}__lt": requested_before,
        f"{requested_field}__gte": requested_after,
    }
    return [(pk,) for pk in queryset.filter(**window).values_list("pk", flat=True)]


def sweep_awaited_jobs(now: datetime.datetime | None = None) -> int:
    """Queue again every stalled request of every awaited job (requested between
    SWEEP_GIVES_UP_AFTER and STALLED_AFTER ago, result still missing). Run by beat
    ("safety.sweep_awaited_jobs"). Returns how many were queued."""
    now = now or timezone.now()
    import_task_modules()  # the tasks modules register their jobs
    queued = 0
    for job in list(AWAITED_JOBS.values()):
        task = _registered_task(job.task_name)
        for args in job.stalled(now - STALLED_AFTER, now - SWEEP_GIVES_UP_AFTER):
            queued += _send(task, job.task_name, args)
    return queued
