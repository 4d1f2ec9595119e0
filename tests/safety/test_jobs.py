"""Jobs queued by task name (safety.jobs): found in feature packages, a typo refused at
once, and the first job of a web process does not set Django up again."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from safety import jobs

ROOT = Path(__file__).resolve().parents[2]


def test_task_packages_include_feature_packages():
    packages = jobs.task_packages()
    assert {"safety", "inspections", "safety.responsibility"} <= set(packages)
    assert {"reporting.incidents", "reporting.monthly"} <= set(packages)


def test_a_task_name_nobody_registers_is_refused_at_once():
    with pytest.raises(KeyError):
        jobs.enqueue_on_commit("safety.no_such_task")


def test_discovering_task_modules_does_not_run_django_setup_again():
    script = textwrap.dedent(
        """
        import django
        django.setup()
        calls = []
        django.setup = lambda *args, **kwargs: calls.append(1)
        from safety.jobs import _registered_task
        assert _registered_task("reporting.render_incident_file").name
        assert _registered_task("safety.issue_letters").name
        from safety.jobs import import_task_modules
        import_task_modules()  # what the sweeper of awaited jobs runs on every pass
        print(len(calls))
        """
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "true"}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "0"
