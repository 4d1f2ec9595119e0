from __future__ import annotations

from django.core.management import call_command
from django.urls import reverse

from safety import demo
from safety.models import ExportJob, Organisation, User


def snapshot() -> tuple[list, list]:
    units = list(Organisation.objects.order_by("code").values())
    accounts = list(User.objects.order_by("username").values())
    return units, accounts


def test_seed_demo_builds_a_realistic_city(db):
    call_command("seed_demo")
    assert Organisation.objects.filter(kind="city").count() == 1
    assert Organisation.objects.filter(kind="county").count() >= 3
    schools = Organisation.objects.schools()
    assert schools.count() >= 12
    assert len(set(schools.values_list("school_type", flat=True))) >= 6
    assert {role for role, _ in User.Role.choices} == set(
        User.objects.values_list("role", flat=True)
    )


def test_seed_demo_twice_changes_nothing(db):
    call_command("seed_demo")
    before = snapshot()
    call_command("seed_demo")
    assert snapshot() == before


def test_every_demo_account_can_log_in(db, client):
    call_command("seed_demo")
    for username, *_ in demo.ACCOUNTS:
        client.logout()
        response = client.post(
            reverse("login"), {"username": username, "password": demo.DEMO_PASSWORD}
        )
        assert response.status_code == 302, username
        home = client.get(reverse("dashboards:home"), follow=True)  # #17: a liaison is sent on
        assert home.status_code == 200, username


def test_seed_demo_prints_the_credentials(db, capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert demo.DEMO_PASSWORD in out
    assert "jc.official" in out


def test_the_demo_county_official_has_a_written_export(db, django_capture_on_commit_callbacks):
    """#23: *我的导出* of jc.official shows the ledger's open hazards, written by the job."""
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo")
    (job,) = ExportJob.objects.filter(requester__username="jc.official")
    assert job.status == ExportJob.Status.READY and job.file and job.total == job.progress
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo")
    assert ExportJob.objects.count() == 1
