"""The health endpoint for load balancers (issue #22): `/health/`, unauthenticated, JSON.

django-health-check runs the probes; the answer names each check and says only "ok" or
"error" — never an exception text, a host, a path or a version (a database error message
names the server). 200 when every check passes, 503 otherwise.
"""

from __future__ import annotations

import dataclasses
import inspect
import logging
import shutil
import tempfile
from pathlib import Path

from asgiref.sync import async_to_sync
from celery import current_app
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from health_check.base import HealthCheck
from health_check.checks import Cache, Database, Storage
from health_check.exceptions import ServiceUnavailable

from safety.middleware import liaison_allowed

logger = logging.getLogger(__name__)


@dataclasses.dataclass
class Broker(HealthCheck):
    """The Celery broker answers a connection (skipped when tasks run in-process)."""

    def run(self) -> None:
        if current_app.conf.task_always_eager:
            return
        try:
            with current_app.connection_for_write() as connection:
                connection.ensure_connection(max_retries=1, timeout=2)
        except Exception as exc:
            raise ServiceUnavailable("broker unreachable") from exc


@dataclasses.dataclass
class Disk(HealthCheck):
    """The local disk holding media (or temporary files) keeps HEALTH_DISK_MIN_FREE_PERCENT free."""

    def run(self) -> None:
        media = Path(settings.MEDIA_ROOT)
        usage = shutil.disk_usage(media if media.exists() else tempfile.gettempdir())
        if usage.free * 100 < usage.total * settings.HEALTH_DISK_MIN_FREE_PERCENT:
            raise ServiceUnavailable("disk nearly full")


@dataclasses.dataclass
class Migrations(HealthCheck):
    """Every migration on disk is applied to the primary database."""

    def run(self) -> None:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise ServiceUnavailable("migrations not applied")


CHECKS = {
    "database": Database,
    "cache": Cache,
    "broker": Broker,
    "storage": Storage,
    "disk": Disk,
    "migrations": Migrations,
}


@liaison_allowed
@never_cache
@require_safe
def health(request: HttpRequest) -> JsonResponse:
    """GET/HEAD, no login: {"status": "ok"|"error", "checks": {name: "ok"|"error"}}; 200 when
    every check passes, 503 otherwise. Checks run one after the other in the request's thread
    (no connection is left open in a helper thread); failures are logged, never shown."""
    states = {name: _state(check()) for name, check in CHECKS.items()}
    healthy = all(state == "ok" for state in states.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": states},
        status=200 if healthy else 503,
    )


def _state(check: HealthCheck) -> str:
    try:
        if inspect.iscoroutinefunction(check.run):
            async_to_sync(check.run)()
        else:
            check.run()
    except Exception:
        logger.warning("Health check %s failed", type(check).__name__, exc_info=True)
        return "error"
    return "ok"
