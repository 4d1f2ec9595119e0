"""`make run` on a fresh machine (issue #13, item 21): the system-package step waits for the
apt lock, a seed without Redis prints no broker noise, and every page has a favicon."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import urllib.request
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

ROOT = Path(__file__).resolve().parent.parent
INSTALL_SCRIPT = ROOT / "bin" / "install-system-packages"


def test_favicon_is_served_as_an_image(live_server):
    with urllib.request.urlopen(f"{live_server.url}/favicon.ico") as response:  # noqa: S310
        assert response.status == 200
        assert response.headers["Content-Type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
        assert response.read(4) == b"\x00\x00\x01\x00"  # the ICO signature


def test_pages_link_the_favicon(client_for):
    page = client_for("staff_a").get("/").content.decode()
    assert 'rel="icon"' in page
    assert finders.find("img/favicon.svg") and finders.find("img/favicon.ico")


def fake_commands(bin_dir: Path, log: Path) -> None:
    """Stand-ins for dpkg-query (nothing installed), id (root), sleep (no wait) and an
    apt-get whose first `update` finds the package lists locked by another process."""
    scripts = {
        "dpkg-query": "exit 1",
        "id": "echo 0",
        "sleep": "exit 0",
        "apt-get": f"""
            echo "apt-get $*" >> {log}
            if [[ " $* " == *" update "* && ! -e {log}.locked-once ]]; then
              touch {log}.locked-once
              echo "E: Could not get lock /var/lib/apt/lists/lock. It is held by process 42" >&2
              exit 100
            fi
        """,
    }
    for name, body in scripts.items():
        path = bin_dir / name
        path.write_text("#!/usr/bin/env bash\n" + textwrap.dedent(body))
        path.chmod(0o755)


def test_install_script_waits_for_the_apt_lock(tmp_path):
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    log = tmp_path / "apt.log"
    fake_commands(fake_bin, log)
    result = subprocess.run(
        [str(INSTALL_SCRIPT)],
        env={**os.environ, "PATH": f"{fake_bin}:{os.environ['PATH']}"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "waiting up to 300 s" in result.stdout
    calls = log.read_text().splitlines()
    assert [call.split()[-2:] for call in calls[:2]] == [["update", "-qq"], ["update", "-qq"]]
    assert " install " in calls[2] and "gettext" in calls[2]
    assert all("-o DPkg::Lock::Timeout=300" in call for call in calls)


def test_install_script_dry_run_shows_the_lock_timeout():
    result = subprocess.run(
        [str(INSTALL_SCRIPT), "--dry-run", "--test"],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    lines = result.stdout.splitlines()
    assert len(lines) == 2 and all("-o DPkg::Lock::Timeout=300" in line for line in lines)
    assert "chromium" in lines[1]


def test_tasks_run_in_process_without_broker_noise():
    """Without REDIS_URL (a laptop, `make run`'s seed) tasks run eagerly; that must not log
    kombu's "No hostname was supplied" warning or a Celery line per task."""
    script = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "from safety.jobs import enqueue_on_commit\n"
        "assert settings.CELERY_TASK_ALWAYS_EAGER\n"
        # A built-in task that needs no table: the same queueing path as every seed's jobs.
        "enqueue_on_commit('celery.accumulate', 1, 2)\n"
        "print('queued')\n"
    )
    # Set, not removed: a developer's .env must not bring REDIS_URL back.
    env = {
        **os.environ,
        "REDIS_URL": "",
        "LOG_LEVEL": "INFO",
        "DEBUG": "true",
        "DATABASE_URL": "sqlite:///:memory:",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "queued"
    assert "No hostname was supplied" not in result.stderr
    assert "celery.app.trace" not in result.stderr
    assert result.stderr == ""


@pytest.mark.parametrize("option", ["--help", "-h"])
def test_install_script_explains_itself(option):
    result = subprocess.run(
        [str(INSTALL_SCRIPT), option], capture_output=True, text=True, timeout=30, check=True
    )
    assert "--dry-run" in result.stdout and "lock" in result.stdout
