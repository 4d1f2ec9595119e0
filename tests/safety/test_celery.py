"""Celery runs in both deployment shapes: eagerly in-process when there is no Redis (laptop,
demo) and in a real worker process through Redis (production)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from celery.exceptions import TimeoutError as CeleryTimeoutError
from django.conf import settings
from django.db import connection

from safety.models import Organisation
from safety.tasks import healthcheck
from tests.conftest import services_required
from tests.factories import OrganisationFactory

PROJECT_ROOT = Path(__file__).resolve().parents[2]

EAGER_SHELL = """
from django.conf import settings
from safety import services
from safety.models import Organisation
from safety.tasks import healthcheck

assert settings.CELERY_TASK_ALWAYS_EAGER is True, settings.CELERY_TASK_ALWAYS_EAGER
services.organisation_create(
    actor=None, name="eager city", code="100000", kind=Organisation.Kind.CITY
)
result = healthcheck.delay()
print("organisations=%s" % result.get()["organisations"])
print("result_class=%s" % type(result).__name__)
"""


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_without_redis_url_tasks_run_eagerly_in_process(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    env["REDIS_URL"] = ""  # also overrides a developer's .env
    env["DEBUG"] = "true"
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'eager.db'}"

    migrate = _manage("migrate", "-v0", env=env)
    assert migrate.returncode == 0, migrate.stderr

    shell = _manage("shell", "-c", EAGER_SHELL, env=env)
    assert shell.returncode == 0, shell.stderr
    lines = shell.stdout.splitlines()
    assert "organisations=1" in lines
    assert "result_class=EagerResult" in lines


def _postgres_url() -> str:
    db = connection.settings_dict
    user = db["USER"] or "postgres"
    host = db["HOST"] or "127.0.0.1"
    port = db["PORT"] or "5432"
    credentials = quote(user, safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{host}:{port}/{db['NAME']}"


@contextlib.contextmanager
def worker_process(log_path: Path, **env: str) -> Iterator[tuple[str, Path]]:
    """A real Celery worker on the test database (PostgreSQL) and Redis, consuming a queue of
    its own; yields the queue's name and the worker's log, and stops the worker on leaving."""
    queue = f"test-{uuid.uuid4().hex}"
    env = {**os.environ, "DEBUG": "true", "DATABASE_URL": _postgres_url(), **env}
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--pool=solo",
        "--concurrency=1",
        "-Q",
        queue,
        "--loglevel=INFO",
        "--without-heartbeat",
        "--without-gossip",
        "--without-mingle",
    ]
    with log_path.open("w") as log:
        worker = subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            yield queue, log_path
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()


def _require_redis_and_postgres() -> None:
    missing = []
    if not os.environ.get("REDIS_URL"):
        missing.append("REDIS_URL is not set")
    if connection.vendor != "postgresql":
        missing.append(f"the database is {connection.vendor}, not PostgreSQL")
    if missing:
        reason = "needs Redis and PostgreSQL: " + "; ".join(missing)
        if services_required():
            pytest.fail(f"SAFECAMPUS_REQUIRE_SERVICES=1 but this test {reason}")
        pytest.skip(reason)


@pytest.mark.real_broker
def test_worker_process_runs_task_through_redis(transactional_db, tmp_path):
    _require_redis_and_postgres()
    assert settings.CELERY_TASK_ALWAYS_EAGER is False
    city = OrganisationFactory(name="队列测试市教育局", code="100000", kind=Organisation.Kind.CITY)
    OrganisationFactory(
        name="队列测试区教育局", code="100001", kind=Organisation.Kind.COUNTY, parent=city
    )

    with worker_process(tmp_path / "worker.log") as (queue, log_path):
        try:
            result = healthcheck.apply_async(queue=queue).get(timeout=60)
        except CeleryTimeoutError:
            pytest.fail(f"the worker did not answer within 60 s; its log:\n{log_path.read_text()}")

    assert result["organisations"] == 2
    assert isinstance(result["worker"], str)
    assert result["worker"]
