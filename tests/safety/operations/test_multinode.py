# ruff: noqa: S608, F811 - SQL of the test's own constants; pytest fixtures imported by name
"""#22: several nodes on this machine (docs/deployment.md), run once (marker `multinode`):

two gunicorn web nodes on two ports, each with its own EMPTY local media folder; two Celery
workers and one beat; one PostgreSQL primary and a streaming replica (two clusters this test
makes with initdb / pg_basebackup -R / pg_ctl, as the postgres OS user when run as root);
a private Redis; a local S3 server (moto). It shows:

- a photo uploaded through node A is shown by node B (media in the bucket, not on a disk);
- PDFs rendered by the workers are served by either node;
- a reminder pass fired every second by beat is e-mailed exactly once with two workers;
- a change is readable by its author at once though exports and dashboards read the replica
  (replay paused: another user still reads the replica's older state); replica down → primary;
- killing one web node mid-request loses no saved form: the retry on node B saves it once.

The data (city, people, sessions, a submitted monthly report, reminder rows) is made by this
test process in the pytest database and copied with pg_dump into the new primary.
"""

from __future__ import annotations

import datetime
import glob
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import requests
from django.db import connection
from django.test import Client
from django.urls import reverse

from config.celery import app as celery_app
from reporting.monthly import services as monthly_services
from tests.builders import jpeg_bytes, submit_monthly
from tests.conftest import services_required
from tests.safety.test_faults import (  # noqa: F401 - fixtures
    broker,
    redis_server,
    wait_for,
)

from .s3server import S3Server

PROJECT_ROOT = Path(__file__).resolve().parents[3]
# Workers and web nodes read the test database: rows are committed (the reference rows come
# back by serialized rollback, tests/conftest.py).
pytestmark = [
    pytest.mark.multinode,
    pytest.mark.real_broker,
    pytest.mark.django_db(transaction=True),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _pg_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_basebackup"))
    if not found or shutil.which("runuser") is None or connection.vendor != "postgresql":
        reason = "needs PostgreSQL's server tools (/usr/lib/postgresql/*/bin) and runuser"
        if services_required():
            pytest.fail(reason)
        pytest.skip(reason)
    return Path(found[-1]).parent


def _as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class Cluster:
    """A PostgreSQL cluster in `directory` on `port` (the server runs as the postgres user)."""

    def __init__(self, bin_dir: Path, directory: Path, port: int) -> None:
        self.bin, self.directory, self.port = bin_dir, directory, port
        self.log = directory.parent / f"{directory.name}.log"

    def url(self, database: str = "safecampus") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def run(self, *command: str) -> None:
        subprocess.run(_as_postgres(list(command)), check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.directory.parent} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self.run(
            str(self.bin / "pg_ctl"), "-D", str(self.directory), "-o", options,
            "-l", str(self.log), "-w", "-t", "60", "start",
        )  # fmt: skip

    def stop(self) -> None:
        subprocess.run(
            _as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.directory), "-m", "immediate",
                          "-w", "stop"]),
            capture_output=True, timeout=60, check=False,
        )  # fmt: skip

    def sql(self, statement: str, database: str = "safecampus") -> str:
        result = subprocess.run(
            [str(self.bin / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
             "-d", database, "-tAc", statement],
            check=True, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        return result.stdout.strip()


class Nodes:
    """Every process this test starts, stopped (and the clusters removed) at the end."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.processes: dict[str, subprocess.Popen] = {}
        self.logs: dict[str, Path] = {}

    def start(self, name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen:
        log = self.base / f"{name}.log"
        self.logs[name] = log
        with log.open("w") as handle:
            process = subprocess.Popen(
                command, cwd=PROJECT_ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        self.processes[name] = process
        return process

    def kill(self, name: str) -> None:
        process = self.processes[name]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def tails(self) -> str:
        return "\n".join(f"--- {n}:\n{log.read_text()[-2500:]}" for n, log in self.logs.items())


def _session(cookie: str) -> requests.Session:
    session = requests.Session()
    session.cookies.set("sessionid", cookie, domain="127.0.0.1")
    return session


def _csrf(session: requests.Session, url: str) -> str:
    page = session.get(url, timeout=30)
    assert page.status_code == 200, (url, page.status_code)
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def _hazard_form(area: int, description: str) -> tuple[dict, dict]:
    data = {
        "area": area,
        "location": "教学楼",
        "description": description,
        "kind": "tangible",
        "severity": "general",
    }
    files = {"photos": ("现场.jpg", jpeg_bytes(), "image/jpeg")}
    return data, files


def _ledger_text(session: requests.Session, node: str) -> str:
    """The ledger's rows as its export streams them (#23: `format=csv`; the Excel file is a
    background job), read like any export from the replica."""
    url = node + reverse("inspections:ledger_export") + "?format=csv"
    response = session.get(url, timeout=60)
    assert response.status_code == 200, response.status_code
    return response.content.decode("utf-8-sig")


@pytest.fixture
def prepared(transactional_db, city, people, leader_b, settings):
    """Committed rows the nodes will see: sessions, a submitted report, reminder rows, a beat
    schedule firing the reminder delivery every second."""
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    from safety.models import SafetyArea

    leader_b.email = "leader-b@example.cn"
    leader_b.save(update_fields=["email"])
    versions = [
        submit_monthly(people.staff_a, text="多节点测试。"),
        submit_monthly(people.staff_a2, text="多节点测试二。"),
    ]
    monthly_services.reminder_pass(day=datetime.date(2026, 11, 2))
    every_second = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(
        name="multinode reminders", task="reporting.deliver_monthly_reminders",
        interval=every_second,
    )  # fmt: skip
    cookies = {}
    for name in ("staff_a", "county_official"):
        client = Client()
        client.force_login(getattr(people, name))
        cookies[name] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return {
        "versions": [version.pk for version in versions],
        "cookies": cookies,
        "area": SafetyArea.objects.get(key="fire").pk,
    }


def test_two_web_nodes_two_workers_one_beat_a_replica_and_object_storage(
    prepared, broker, settings
):
    bin_dir = _pg_bin()
    base = Path(tempfile.mkdtemp(prefix="sc-multinode-"))
    shutil.chown(base, "postgres") if os.geteuid() == 0 else None
    primary = Cluster(bin_dir, base / "primary", _free_port())
    replica = Cluster(bin_dir, base / "replica", _free_port())
    s3 = S3Server(base / "s3.log")
    nodes = Nodes(base)
    try:
        _run_everything(prepared, broker, settings, base, primary, replica, s3, nodes)
    finally:
        nodes.stop_all()
        s3.stop()
        replica.stop()
        primary.stop()
        shutil.rmtree(base, ignore_errors=True)


def _start_databases(bin_dir_cluster: Cluster, replica: Cluster) -> None:
    primary = bin_dir_cluster
    primary.run(
        str(primary.bin / "initdb"), "-D", str(primary.directory), "-U", "postgres",
        "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8",
    )  # fmt: skip
    primary.start()
    primary.sql("CREATE DATABASE safecampus", database="postgres")
    source = connection.settings_dict
    dump = subprocess.Popen(
        [str(primary.bin / "pg_dump"), "--no-owner", "--no-privileges",
         "-h", source["HOST"] or "127.0.0.1", "-p", str(source["PORT"] or 5432),
         "-U", source["USER"] or "postgres", source["NAME"]],
        stdout=subprocess.PIPE,
    )  # fmt: skip
    subprocess.run(
        [str(primary.bin / "psql"), "-q", "-h", "127.0.0.1", "-p", str(primary.port),
         "-U", "postgres", "-d", "safecampus", "-v", "ON_ERROR_STOP=1"],
        stdin=dump.stdout, check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    assert dump.wait(timeout=60) == 0
    primary.run(
        str(primary.bin / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(primary.port),
        "-U", "postgres", "-D", str(replica.directory), "-R", "-X", "stream", "-c", "fast",
    )  # fmt: skip
    replica.start()
    assert replica.sql("SELECT pg_is_in_recovery()") == "t"


def _environment(settings, base, primary, replica, s3, broker) -> dict[str, str]:
    return {
        **os.environ,
        **s3.environment(),
        "DEBUG": "true",
        "SECRET_KEY": settings.SECRET_KEY,
        "DATABASE_URL": primary.url(),
        "DATABASE_REPLICA_URL": replica.url(),
        "REDIS_URL": broker.url,
        "REPLICA_MAX_LAG_SECONDS": "600",
        "REPLICA_CHECK_SECONDS": "0.2",
        "READ_YOUR_WRITES_SECONDS": "60",
        "LOG_FORMAT": "json",
        "CELERY_VISIBILITY_TIMEOUT": "5",
        "EMAIL_BACKEND": "tests.safety.fault_mail.LineEmailBackend",
        "SAFECAMPUS_TEST_MAIL_LOG": str(base / "mail.log"),
    }


def _start_processes(nodes: Nodes, env: dict[str, str], base: Path) -> dict[str, str]:
    urls = {}
    for name in ("a", "b"):
        port = _free_port()
        media = base / f"media-{name}"
        media.mkdir()
        nodes.start(
            f"web-{name}",
            [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind",
             f"127.0.0.1:{port}", "--workers", "2", "--timeout", "120"],
            {**env, "MEDIA_ROOT": str(media)},
        )  # fmt: skip
        urls[name] = f"http://127.0.0.1:{port}"
    celery = [sys.executable, "-m", "celery", "-A", "config"]
    for name in ("1", "2"):
        media = base / f"media-worker-{name}"
        media.mkdir()
        nodes.start(
            f"worker-{name}",
            [*celery, "worker", "--pool=solo", "--concurrency=1", "--without-heartbeat",
             "--without-gossip", "--without-mingle", f"--hostname=worker{name}@%h",
             "--loglevel=INFO"],
            {**env, "MEDIA_ROOT": str(media)},
        )  # fmt: skip
    nodes.start(
        "beat",
        [*celery, "beat", "--loglevel=INFO", f"--schedule={base / 'beat.db'}",
         "--scheduler=django_celery_beat.schedulers:DatabaseScheduler"],
        env,
    )  # fmt: skip
    for url in urls.values():

        def healthy(url=url) -> bool:
            try:
                return requests.get(url + "/health/", timeout=20).status_code == 200
            except requests.RequestException:
                return False

        wait_for(healthy, timeout=90, what=f"{url}/health/", logs=list(nodes.logs.values()))
    return urls


def _run_everything(prepared, broker, settings, base, primary, replica, s3, nodes) -> None:
    _start_databases(primary, replica)
    s3.start()
    # The reminder rows and PDFs must be delivered and rendered by the new processes.
    primary.sql(
        "UPDATE safety_notification SET emailed_at = NULL "
        f"WHERE kind = '{monthly_services.REMINDER_KIND}'"
    )
    primary.sql("UPDATE reporting_monthlyreportversion SET pdf = '', pdf_rendered_at = NULL")
    env = _environment(settings, base, primary, replica, s3, broker)
    node = _start_processes(nodes, env, base)
    staff = _session(prepared["cookies"]["staff_a"])
    official = _session(prepared["cookies"]["county_official"])

    _photo_from_a_is_shown_by_b(node, staff, official, prepared, primary, base)
    _pdfs_rendered_by_the_workers_are_served_by_both_nodes(node, official, prepared, primary, nodes)
    _reminders_are_mailed_once(base, nodes)
    _authors_read_their_writes_while_others_read_the_replica(
        node, staff, official, prepared, primary, replica
    )
    _killing_a_node_mid_request_loses_no_form(node, staff, prepared, primary, nodes)


def _photo_from_a_is_shown_by_b(node, staff, official, prepared, primary, base) -> None:
    new = reverse("inspections:hazard_new")
    data, files = _hazard_form(prepared["area"], "节点A上传的照片")
    data["csrfmiddlewaretoken"] = _csrf(staff, node["a"] + new)
    response = staff.post(node["a"] + new, data=data, files=files, allow_redirects=False)
    assert response.status_code == 302, response.text[-2000:]
    hazard = int(re.search(r"/hazards/(\d+)/", response.headers["Location"]).group(1))
    photo = int(primary.sql(f"SELECT id FROM inspections_photo WHERE hazard_id = {hazard}"))
    url = reverse("inspections:photo", kwargs={"pk": photo, "size": "full"})
    shown = official.get(node["b"] + url, timeout=30)
    assert shown.status_code == 200
    assert shown.content[:3] == b"\xff\xd8\xff"  # a JPEG
    assert not any((base / "media-a").rglob("*.jpg")) and not any((base / "media-b").rglob("*"))


def _pdfs_rendered_by_the_workers_are_served_by_both_nodes(
    node, reader, prepared, primary, nodes
) -> None:
    """Two schools' reports, rendered by whichever workers take them; the county reads both."""
    versions = prepared["versions"]
    for version in versions:
        celery_app.send_task("reporting.render_monthly_report_pdf", args=[version])
    ids = ",".join(map(str, versions))
    wait_for(
        lambda: primary.sql(
            f"SELECT count(*) FROM reporting_monthlyreportversion WHERE id IN ({ids}) "
            "AND pdf_rendered_at IS NOT NULL"
        ) == str(len(versions)),
        timeout=120, what="the PDFs to be rendered", logs=list(nodes.logs.values()),
    )  # fmt: skip
    for version in versions:
        url = reverse("monthly:version_pdf", kwargs={"pk": version})
        for name in ("a", "b"):
            served = reader.get(node[name] + url, timeout=30)
            assert served.status_code == 200, (name, version, served.status_code)
            assert served.content.startswith(b"%PDF")


def _reminders_are_mailed_once(base, nodes) -> None:
    mail_log = base / "mail.log"

    def mailed() -> list[str]:
        if not mail_log.exists():
            return []
        return [line.split("\t")[0] for line in mail_log.read_text().splitlines()]

    wait_for(
        lambda: "leader-b@example.cn" in mailed(), timeout=60,
        what="the reminder e-mail", logs=list(nodes.logs.values()),
    )  # fmt: skip
    time.sleep(4)  # beat keeps firing every second, both workers keep taking tasks
    fired = nodes.logs["beat"].read_text().count("Sending due task")
    assert fired >= 3, fired
    assert mailed().count("leader-b@example.cn") == 1, mailed()


def _authors_read_their_writes_while_others_read_the_replica(
    node, staff, official, prepared, primary, replica
) -> None:
    before = "副本前的隐患"
    new = reverse("inspections:hazard_new")
    data, files = _hazard_form(prepared["area"], before)
    data["csrfmiddlewaretoken"] = _csrf(staff, node["a"] + new)
    assert staff.post(node["a"] + new, data=data, files=files, allow_redirects=False).status_code
    wait_for(lambda: before in _ledger_text(official, node["b"]), timeout=30, what="replication")

    replica.sql("SELECT pg_wal_replay_pause()")
    change = "副本暂停时上报的隐患"
    data, files = _hazard_form(prepared["area"], change)
    data["csrfmiddlewaretoken"] = _csrf(staff, node["a"] + new)
    response = staff.post(node["a"] + new, data=data, files=files, allow_redirects=False)
    assert response.status_code == 302
    # The author, on the other node, at once: their reads go to the primary.
    assert change in _ledger_text(staff, node["b"])
    # Another user reads the replica (replay paused: not there yet); the dashboard renders.
    assert change not in _ledger_text(official, node["b"])
    assert official.get(node["b"] + "/", timeout=30).status_code == 200
    replica.sql("SELECT pg_wal_replay_resume()")
    wait_for(lambda: change in _ledger_text(official, node["b"]), timeout=30, what="replay")

    # The replica down: reads fall back to the primary.
    replica.stop()
    late = "副本停机后上报的隐患"
    data, files = _hazard_form(prepared["area"], late)
    data["csrfmiddlewaretoken"] = _csrf(staff, node["a"] + new)
    assert staff.post(node["a"] + new, data=data, files=files, allow_redirects=False)
    assert late in _ledger_text(official, node["b"])
    assert official.get(node["b"] + "/", timeout=30).status_code == 200


def _killing_a_node_mid_request_loses_no_form(node, staff, prepared, primary, nodes) -> None:
    new = reverse("inspections:hazard_new")
    description = "节点中途停机的表单"
    data, files = _hazard_form(prepared["area"], description)
    data["csrfmiddlewaretoken"] = _csrf(staff, node["a"] + new)
    request = staff.prepare_request(
        requests.Request("POST", node["a"] + new, data=data, files=files)
    )
    head = f"POST {new} HTTP/1.1\r\nHost: 127.0.0.1\r\n" + "".join(
        f"{key}: {value}\r\n" for key, value in request.headers.items()
    )
    port = int(node["a"].rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        raw.sendall((head + "\r\n").encode() + request.body[: len(request.body) // 2])
        time.sleep(0.5)  # node A is reading the body: the request is in flight
        nodes.kill("web-a")
        raw.settimeout(5)
        try:
            answer = raw.recv(1024)
        except OSError:
            answer = b""
    assert not answer.startswith(b"HTTP/1.1 302"), "node A never finished the request"
    count = f"SELECT count(*) FROM inspections_hazard WHERE description = '{description}'"
    assert primary.sql(count) == "0"

    # The user's retry on node B (the load balancer's other node) saves the form once.
    data["csrfmiddlewaretoken"] = _csrf(staff, node["b"] + new)
    retry = staff.post(node["b"] + new, data=data, files=files, allow_redirects=False)
    assert retry.status_code == 302
    assert primary.sql(count) == "1"
