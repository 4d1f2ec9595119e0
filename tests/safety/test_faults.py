"""Jobs under faults, against a real Redis and real worker and beat processes.

Each test starts its OWN redis-server on a free port (other test runs share the usual Redis)
and points the test process's Celery app and the worker/beat subprocesses at it:

- Redis stopped: every page renders and every form saves; the notifications the changes
  caused are delivered once Redis is back, none lost, none doubled.
- A worker killed with `kill -9` in the middle of a task leaves nothing half-done, and the
  task's effect happens exactly once after a restart (acks_late + an idempotent task + a
  short visibility timeout, CELERY_VISIBILITY_TIMEOUT).
- Two beat processes started by mistake send no e-mail twice.

They need PostgreSQL (the worker shares the test database); without it they skip, unless
SAFECAMPUS_REQUIRE_SERVICES=1 (CI), where they fail.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from config.celery import app as celery_app
from safety.models import Notification, ResponsibilityLetter, current_school_year
from tests.conftest import services_required

PROJECT_ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.real_broker


def _require_postgres_and_redis_server() -> None:
    missing = []
    if connection.vendor != "postgresql":
        missing.append(f"the database is {connection.vendor}, not PostgreSQL")
    if shutil.which("redis-server") is None:
        missing.append("redis-server is not installed")
    if missing:
        reason = "needs PostgreSQL and redis-server: " + "; ".join(missing)
        if services_required():
            pytest.fail(f"SAFECAMPUS_REQUIRE_SERVICES=1 but this test {reason}")
        pytest.skip(reason)


def _postgres_url() -> str:
    from tests.safety.test_celery import _postgres_url as url

    return url()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(check: Callable[[], object], *, timeout: float, what: str, logs=()) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    details = "\n".join(f"--- {log}:\n{Path(log).read_text()[-4000:]}" for log in logs)
    pytest.fail(f"timed out after {timeout} s waiting for {what}\n{details}")


class RedisServer:
    """A private redis-server that a test can stop and start again on the same port."""

    def __init__(self, directory: Path) -> None:
        self.port = _free_port()
        self.directory = directory
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)

        def up() -> bool:
            try:
                return bool(client.ping())
            except redis.ConnectionError:
                return False

        wait_for(up, timeout=10, what="redis-server to start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def redis_server(tmp_path) -> Iterator[RedisServer]:
    _require_postgres_and_redis_server()
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


def _reset_connections(app) -> None:
    """Drop every broker connection the app holds (kombu keeps pools per URL, globally)."""
    from kombu import pools

    pools.reset()
    app._pool = None
    with contextlib.suppress(AttributeError, KeyError):
        app.__dict__["amqp"]._producer_pool = None
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)


@pytest.fixture
def broker(redis_server, settings) -> Iterator[RedisServer]:
    """The test process's Celery app and Django cache pointed at the private Redis."""
    app = celery_app
    keys = ("broker_url", "result_backend", "task_always_eager")
    saved = {key: app.conf[key] for key in keys}
    app.conf.broker_url = redis_server.url
    app.conf.result_backend = redis_server.url
    app.conf.task_always_eager = False
    _reset_connections(app)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_server.url,
        }
    }
    try:
        yield redis_server
    finally:
        _reset_connections(app)
        for key, value in saved.items():
            app.conf[key] = value


class Processes:
    """Celery worker and beat subprocesses against the test database and the private Redis."""

    def __init__(self, redis_url: str, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.mail_log = tmp_path / "mail.log"
        self.mail_log.touch()
        self.env = {
            **os.environ,
            "DEBUG": "true",
            "DATABASE_URL": _postgres_url(),
            "REDIS_URL": redis_url,
            "CELERY_VISIBILITY_TIMEOUT": "3",
            "EMAIL_BACKEND": "tests.safety.fault_mail.LineEmailBackend",
            "SAFECAMPUS_TEST_MAIL_LOG": str(self.mail_log),
        }
        self.running: list[subprocess.Popen] = []
        self.logs: list[Path] = []

    def _start(self, name: str, *args: str) -> subprocess.Popen:
        log = self.tmp_path / f"{name}.log"
        self.logs.append(log)
        with log.open("w") as handle:
            process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "config", *args, "--loglevel=INFO"],
                cwd=PROJECT_ROOT,
                env=self.env,
                stdout=handle,
                stderr=subprocess.STDOUT,
            )
        self.running.append(process)
        return process

    def worker(self, name: str = "worker") -> subprocess.Popen:
        return self._start(
            name,
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            f"--hostname={name}@%h",
        )

    def beat(self, name: str) -> subprocess.Popen:
        return self._start(
            name,
            "beat",
            "--scheduler=django_celery_beat.schedulers:DatabaseScheduler",
            f"--pidfile={self.tmp_path / (name + '.pid')}",
            f"--schedule={self.tmp_path / (name + '.db')}",
        )

    def mails(self) -> list[tuple[str, str]]:
        lines = self.mail_log.read_text(encoding="utf-8").splitlines()
        return [tuple(line.split("\t", 1)) for line in lines]

    def stop_all(self) -> None:
        for process in self.running:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


@pytest.fixture
def processes(transactional_db, broker, tmp_path) -> Iterator[Processes]:
    """Worker and beat processes read the test database, so rows must be committed
    (transactional_db; the reference rows come back by serialized rollback, tests/conftest.py)."""
    running = Processes(broker.url, tmp_path)
    try:
        yield running
    finally:
        running.stop_all()


def _age_notifications(minutes: int = 10) -> None:
    Notification.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=minutes))


# --- Redis stopped ----------------------------------------------------------------------------


def test_with_redis_stopped_pages_render_forms_save_and_notifications_arrive_once_it_is_back(
    broker, processes
):
    from tests.matrix.test_permission_matrix import RULES
    from tests.matrix.world import build_world

    broker.stop()
    world = build_world()
    people = world.people
    for user in (people.county_official, people.city_official, people.staff_a):
        user.email = f"{user.username}@example.cn"
        user.save(update_fields=["email"])

    # Every page renders for a persona allowed to see it.
    rendered = 0
    for name, rule in RULES.items():
        if rule.get is None or name == "health":  # #22: health turns red, checked below
            continue
        persona = sorted(rule.get)[0]
        client = Client()
        client.force_login(getattr(people, persona))
        for target in rule.targets(world, persona, "a"):
            if target.data.get("_mine") is False:
                continue
            response = client.get(reverse(name, kwargs=target.kwargs))
            assert response.status_code in (200, 302), (name, persona, response.status_code)
            rendered += 1
    assert rendered > 40
    health = Client().get(reverse("health"))
    assert health.status_code == 503
    assert health.json()["checks"]["broker"] == "error"

    # Every form that queues a job or notifies saves.
    staff, official = Client(), Client()
    staff.force_login(people.staff_a)
    official.force_login(people.city_official)
    county_admin = Client()
    county_admin.force_login(people.county_admin)
    before = Notification.objects.filter(urgent=True).count()
    started = time.monotonic()
    response = staff.post(
        reverse("incidents:incident_create"),
        {
            "category": "crush_stampede",
            "severity": "general",
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "place": "操场",
            "deaths": 0,
            "injured": 1,
            "missing": 0,
            "summary": "学生摔倒",
            "what_happened": "体育课上摔倒。",
            "reporter_name": "李娜",
            "reporter_phone": "13900000000",
        },
    )
    assert response.status_code == 302
    # The report notifies the county's officials; with Redis down that costs no waiting.
    assert time.monotonic() - started < 5
    month = timezone.localdate().strftime("%Y-%m")
    response = staff.post(
        reverse("monthly:save", args=[world.city.school_a.pk, month]),
        {"work_done": "消防演练", "action": "submit", "confirm": "yes"},
    )
    assert response.status_code == 302
    for url in (
        reverse("incidents:incident_file_request", args=[world.a.incident.pk]),
        reverse("monthly:overview_request", args=["2026-10"]),
    ):
        assert official.post(url).status_code == 302, url
    response = county_admin.post(
        reverse("responsibility:letters_bulk_issue", args=[world.city.county_a.pk]),
        {"school_year": current_school_year()},
    )
    assert response.status_code == 302
    urgent = Notification.objects.filter(urgent=True)
    assert urgent.count() > before
    assert not urgent.filter(emailed_at__isnull=False).exists()

    # Redis is back: the sweeper (beat sends it every five minutes) delivers each notice once.
    broker.start()
    _reset_connections(celery_app)
    _age_notifications()
    processes.worker()
    from safety.tasks import deliver_pending_urgent_notifications

    deliver_pending_urgent_notifications.delay()
    expected = {n.recipient.email for n in urgent.select_related("recipient") if n.recipient.email}
    wait_for(
        lambda: not urgent.filter(emailed_at__isnull=True).exists(),
        timeout=60,
        what="the sweeper to deliver every urgent notice",
        logs=processes.logs,
    )
    deliver_pending_urgent_notifications.delay()  # a second sweep (or beat) sends nothing more
    time.sleep(3)
    mails = processes.mails()
    assert {to for to, _subject in mails} == expected
    assert len(mails) == urgent.filter(recipient__email__gt="").count(), mails


# --- kill -9 in the middle of a task ----------------------------------------------------------


def _blocked_on_audit_insert() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND query LIKE %s",
            ['INSERT INTO "safety_auditevent"%'],
        )
        return cursor.fetchone()[0] > 0


def test_a_worker_killed_mid_task_leaves_nothing_half_done_and_the_job_runs_once(
    broker, processes, city, people
):
    """The bulk letter job writes each batch of letters (#23: with the request's progress),
    then their audit rows, then the notices, in one transaction. The test holds a lock on the
    audit table so the worker stops half-way through the first batch (letters written, audit
    pending), kills it with SIGKILL, and restarts a worker: the redelivered message (a
    message queued before #23: actor, unit, year) takes over the request its dead worker
    held and issues every letter once."""
    import psycopg2

    from tests.safety.responsibility.factories import assign

    for post_key, name in (("class_teacher", "李老师"), ("grade_leader", "王组长")):
        assign(city.school_a, post_key, name, start=datetime.date(2026, 9, 1))
    assign(city.school_a2, "class_teacher", "赵老师", start=datetime.date(2026, 9, 1))
    year = current_school_year()
    admin = people.county_admin

    db = connection.settings_dict
    blocker = psycopg2.connect(
        dbname=db["NAME"],
        user=db["USER"] or "postgres",
        password=db["PASSWORD"] or None,
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
    )
    try:
        with blocker.cursor() as cursor:
            cursor.execute("LOCK TABLE safety_auditevent IN SHARE ROW EXCLUSIVE MODE")
        worker = processes.worker("doomed")
        from safety.responsibility.tasks import issue_letters

        issue_letters.delay(admin.pk, city.county_a.pk, year)
        wait_for(
            _blocked_on_audit_insert,
            timeout=60,
            what="the worker to stop half-way through the job",
            logs=processes.logs,
        )
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        blocker.rollback()
        blocker.close()

    wait_for(
        lambda: not _blocked_on_audit_insert(),
        timeout=30,
        what="PostgreSQL to roll back the killed worker's transaction",
    )
    assert not ResponsibilityLetter.objects.exists(), "nothing half-done"
    assert not Notification.objects.filter(kind="letters_issued").exists()

    processes.worker("restarted")
    wait_for(
        lambda: Notification.objects.filter(kind="letters_issued").exists(),
        timeout=90,
        what="the job to be redelivered after the visibility timeout and run",
        logs=processes.logs,
    )
    time.sleep(8)  # past two more visibility timeouts: a second delivery would show now
    assert ResponsibilityLetter.objects.filter(school_year=year).count() == 3
    assert Notification.objects.filter(kind="letters_issued", recipient=admin).count() == 1


# --- Two beats --------------------------------------------------------------------------------


def test_two_beat_processes_send_no_email_twice(transactional_db, broker, processes, city, people):
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    from safety import notifications

    every_second = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.SECONDS)
    for task in ("safety.deliver_pending_urgent_notifications", "safety.send_notification_digests"):
        PeriodicTask.objects.create(name=f"test {task}", task=task, interval=every_second)
    recipients = [people.county_official, people.staff_a, people.city_official]
    for index, user in enumerate(recipients):
        user.email = f"{user.username}@example.cn"
        user.save(update_fields=["email"])
        for number in range(2):
            notifications.notify(
                recipient=user,
                kind="test",
                key=f"digest:{index}:{number}",
                title=f"待办{number}",
            )
        notifications.notify(
            recipient=user, kind="test", key=f"urgent:{index}", title="紧急", urgent=True
        )
    _age_notifications()

    processes.worker()
    processes.beat("beat-1")
    processes.beat("beat-2")
    wait_for(
        lambda: not Notification.objects.filter(emailed_at__isnull=True).exists(),
        timeout=60,
        what="every notice to be delivered",
        logs=processes.logs,
    )
    time.sleep(5)  # both beats keep firing every second
    sent_by = [log.read_text().count("Sending due task") for log in processes.logs[1:]]
    assert all(count >= 2 for count in sent_by), sent_by
    mails = processes.mails()
    per_recipient = {user.email: 0 for user in recipients}
    for to, _subject in mails:
        per_recipient[to] += 1
    # One urgent e-mail and one daily digest each, however often the two beats fired.
    assert per_recipient == {user.email: 2 for user in recipients}, mails
