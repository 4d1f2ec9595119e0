"""The hazard tally (PostgreSQL triggers) always equals a direct count of the hazards, so
the ledger's badges and totals at bureau level are exact."""

from __future__ import annotations

import datetime

import pytest
from django.db.models import Count, F
from django.utils import timezone

from inspections import selectors, services, tally
from inspections.models import Hazard, HazardOpen, HazardTally
from safety.models import Organisation, SafetyArea
from safety.services import organisation_save


def direct() -> dict[tuple, int]:
    rows = (
        Hazard.objects.annotate(bureau=F("school__parent_id"))
        .values_list("bureau", "area_id", "severity", "kind", "source", "status", "is_overdue")
        .annotate(n=Count("id"))
    )
    return {tuple(row[:-1]): row[-1] for row in rows}


def kept() -> dict[tuple, int]:
    rows = HazardTally.objects.filter(count__gt=0).values_list(
        "bureau_id", "area_id", "severity", "kind", "source", "status", "is_overdue", "count"
    )
    return {tuple(row[:-1]): row[-1] for row in rows}


def consistent() -> None:
    """The tally equals the hazards counted, and its open rows kept per bureau, area,
    severity and overdue flag (models.HazardOpen, #23) equal the open hazards counted."""
    assert kept() == direct()
    open_rows = (
        Hazard.objects.exclude(status=Hazard.Status.CLOSED)
        .annotate(bureau=F("school__parent_id"))
        .values_list("bureau", "area_id", "severity", "is_overdue")
        .annotate(n=Count("id"))
    )
    kept_open = HazardOpen.objects.filter(count__gt=0).values_list(
        "bureau_id", "area_id", "severity", "is_overdue", "count"
    )
    assert {tuple(row[:-1]): row[-1] for row in kept_open} == {
        tuple(row[:-1]): row[-1] for row in open_rows
    }
    assert not HazardOpen.objects.filter(count__lt=0).exists()


@pytest.mark.django_db
def test_tally_follows_reports_transitions_updates_deletes_and_moves(postgresql, city, people):
    fire = SafetyArea.objects.get(key="fire")
    report = {"actor": people.staff_a, "school": city.school_a, "area": fire}
    first = services.hazard_report(**report, description="灭火器过期")
    services.hazard_report(**report, description="通道堵塞", severity="major")
    services.hazard_report(
        actor=people.staff_a2, school=city.school_a2, area=fire, description="电线老化"
    )
    consistent()

    services.hazard_assign(
        actor=people.leader_a,
        hazard=first,
        owner=people.staff_a,
        supervisor=people.leader_a,
        deadline=timezone.localdate() + datetime.timedelta(days=3),
    )
    Hazard.objects.filter(school=city.school_a).update(is_overdue=True)
    consistent()
    Hazard.objects.filter(pk=first.pk).update(status=Hazard.Status.CLOSED, closed_at=timezone.now())
    consistent()  # closed: no longer open

    # A school moves to another county: its hazards move with it.
    school = Organisation.objects.get(pk=city.school_a.pk)
    school.parent = city.county_b
    organisation_save(actor=None, organisation=school)
    consistent()

    Hazard.objects.filter(description="通道堵塞").delete()
    consistent()


@pytest.mark.django_db
def test_bulk_load_with_the_tally_off_then_rebuilt(postgresql, city, people):
    fire = SafetyArea.objects.get(key="fire")
    tally.set_trigger_enabled(False)
    services.hazard_report(
        actor=people.staff_a, school=city.school_a, area=fire, description="灭火器过期"
    )
    assert kept() == {}
    tally.set_trigger_enabled(True)
    tally.rebuild()
    consistent()


@pytest.mark.django_db
def test_ledger_counts_from_the_tally_equal_direct_counts(postgresql, city, people, staff_b):
    fire = SafetyArea.objects.get(key="fire")
    for school, staff in ((city.school_a, people.staff_a), (city.school_b, staff_b)):
        for severity in ("general", "major", "general"):
            services.hazard_report(
                actor=staff,
                school=school,
                area=fire,
                description="隐患",
                severity=severity,
            )
    for user in (people.city_official, people.county_official, people.other_county_official):
        for filters in ({}, {"severity": "major"}, {"area": fire}, {"county": city.county_a}):
            hazards = selectors.ledger_queryset(user=user, filters=filters)
            from_tally = dict(selectors.status_counts(user=user, filters=filters, hazards=hazards))
            counted = dict(hazards.values_list("status").annotate(n=Count("id")).order_by())
            assert {k: v for k, v in from_tally.items() if v} == counted, (user, filters)
