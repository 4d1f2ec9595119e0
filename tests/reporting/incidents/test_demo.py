from __future__ import annotations

from django.core.management import call_command

from reporting.models import Incident, SchoolVeto


def snapshot() -> list:
    return list(Incident.objects.order_by("pk").values("pk", "status", "summary", "revision"))


def test_seed_demo_adds_incidents_in_every_state_and_is_idempotent(db):
    call_command("seed_demo")
    statuses = set(Incident.objects.values_list("status", flat=True))
    assert statuses == set(Incident.Status.values)
    assert Incident.objects.late().exists()
    assert Incident.objects.missed().exists()
    assert Incident.objects.concealed().exists()
    assert SchoolVeto.objects.count() == 1
    before = snapshot()
    call_command("seed_demo")
    assert snapshot() == before
    assert SchoolVeto.objects.count() == 1
