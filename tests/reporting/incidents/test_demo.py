from __future__ import annotations

from django.core.management import call_command
from django.utils import timezone

from reporting.models import Incident, LateExplanation, PersonDealtWith, SchoolVeto


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
    # #19: the people dealt with after the liability closure are barred this year, and the
    # late report's explanation waits for the county.
    barred = PersonDealtWith.objects.barring_honours(timezone.localdate().year)
    assert barred.count() == 2
    assert LateExplanation.objects.to_decide().count() == 1
    before = snapshot()
    call_command("seed_demo")
    assert snapshot() == before
    assert SchoolVeto.objects.count() == 1
    assert PersonDealtWith.objects.count() == 2
