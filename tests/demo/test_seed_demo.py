"""`seed_demo`: the demo city every feature adds to, seeded once for this module (a run takes
20-45 s on PostgreSQL, and eleven runs in three modules were minutes of the suite) inside a
transaction rolled back at the module's end; each test reads it in its own savepoint, and
one test seeds a second time to show that nothing changes."""

from __future__ import annotations

import datetime
import io

import pytest
from celery import current_app
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone, translation

from reporting.models import Incident, LateExplanation, PersonDealtWith, SchoolVeto
from safety import demo, workdays
from safety.guarding import selectors as guarding_selectors
from safety.models import (
    Assignment,
    ExportJob,
    Organisation,
    ResponsibilityLetter,
    User,
    current_school_year,
    school_year_bounds,
)
from safety.responsibility import selectors as responsibility_selectors


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo city, seeded as `make run` seeds it (tasks in-process, the jobs its on-commit
    callbacks start run: the county official's export is written); the command's output."""
    media = tmp_path_factory.mktemp("demo-media")
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    app = current_app
    eager = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    out = io.StringIO()
    try:
        with (
            django_db_blocker.unblock(),
            override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=hashers),
            translation.override("zh-hans"),
            transaction.atomic(),
        ):
            with TestCase.captureOnCommitCallbacks(execute=True):
                call_command("seed_demo", stdout=out)
            yield out.getvalue()
            transaction.set_rollback(True)
    finally:
        app.conf.task_always_eager, app.conf.task_eager_propagates = eager
        # Holiday years and guarding settings the seed entered are cached per process.
        workdays.clear_cache()
        guarding_selectors.settings_changed()


def snapshot() -> dict[str, object]:
    return {
        "units": list(Organisation.objects.order_by("code").values()),
        "accounts": list(User.objects.order_by("username").values()),
        "incidents": list(
            Incident.objects.order_by("pk").values("pk", "status", "summary", "revision")
        ),
        "assignments": Assignment.objects.count(),
        "letters": ResponsibilityLetter.objects.count(),
        "vetoes": SchoolVeto.objects.count(),
        "dealt_with": PersonDealtWith.objects.count(),
        "exports": ExportJob.objects.count(),
    }


def test_seed_demo_builds_a_realistic_city(seeded, db):
    assert Organisation.objects.filter(kind="city").count() == 1
    assert Organisation.objects.filter(kind="county").count() >= 3
    schools = Organisation.objects.schools()
    assert schools.count() >= 12
    assert len(set(schools.values_list("school_type", flat=True))) >= 6
    assert {role for role, _ in User.Role.choices} == set(
        User.objects.values_list("role", flat=True)
    )


def test_seed_demo_prints_the_credentials(seeded, db):
    # `db` although only the output is read: pytest-django runs the tests without it last,
    # after this module's seeded city is gone.
    assert demo.DEMO_PASSWORD in seeded
    assert "jc.official" in seeded


def test_every_demo_account_can_log_in(seeded, db, client):
    for username, *_ in demo.ACCOUNTS:
        client.logout()
        response = client.post(
            reverse("login"), {"username": username, "password": demo.DEMO_PASSWORD}
        )
        assert response.status_code == 302, username
        home = client.get(reverse("dashboards:home"), follow=True)  # #17: a liaison is sent on
        assert home.status_code == 200, username


def test_the_demo_county_official_has_a_written_export(seeded, db):
    """#23: *我的导出* of jc.official shows the ledger's open hazards, written by the job."""
    (job,) = ExportJob.objects.filter(requester__username="jc.official")
    assert job.status == ExportJob.Status.READY and job.file and job.total == job.progress


def test_seed_demo_adds_incidents_in_every_state(seeded, db):
    statuses = set(Incident.objects.values_list("status", flat=True))
    assert statuses == set(Incident.Status.values)
    assert Incident.objects.late().exists()
    assert Incident.objects.missed().exists()
    assert Incident.objects.concealed().exists()
    assert SchoolVeto.objects.count() == 1
    # #19: the people dealt with after the liability closure are barred this year, and the
    # late report's explanation waits for the county.
    barred = PersonDealtWith.objects.barring_honours(timezone.localdate().year)
    assert barred.count() == 2
    assert LateExplanation.objects.to_decide().count() == 1


def test_seed_demo_leaves_realistic_responsibility_gaps(seeded, db):
    # Two months into the school year, whenever the test runs: past the grace period.
    today = school_year_bounds(current_school_year())[0] + datetime.timedelta(days=60)
    schools = Organisation.objects.schools()
    rows = {row.code: row for row in responsibility_selectors.coverage_rows(schools, today=today)}
    assert rows["2136080203"].gap_count == 0
    leader_school = rows["2136080201"]
    assert leader_school.missing_areas == 1 and leader_school.missing_posts == 1
    assert leader_school.letter_gaps == 2
    assert rows["2136082102"].gap_count > rows["2136080201"].gap_count
    assert ResponsibilityLetter.objects.filter(status="issued").exists()


def test_seed_demo_twice_changes_nothing(seeded, db, django_capture_on_commit_callbacks):
    """Units, accounts, incidents, assignments and letters, the veto, the people dealt with
    and the written export, as the first run left them."""
    before = snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=io.StringIO())
    assert snapshot() == before
