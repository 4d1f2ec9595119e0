"""The dashboards' known data (issue #7), shared by the figure tests and the link walk: today
is pinned, and a small city holds hazards, incidents, a veto and a monthly report."""

from __future__ import annotations

import datetime
import zoneinfo
from types import SimpleNamespace

import pytest
from django.utils import timezone

from inspections.models import Hazard
from reporting.models import Incident, MonthlyReport, SchoolVeto
from safety.models import SafetyArea

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
TODAY = datetime.date(2026, 6, 15)
real_localdate = timezone.localdate


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    """The dashboards count relative to today; pin it (data lies in the past of `now`)."""

    def localdate(value=None, timezone=None):
        return real_localdate(value, timezone) if value is not None else TODAY

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)


def at(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SHANGHAI)


def hazard(school, reporter, area, *, created, status="reported", severity="general", **extra):
    if status != "reported":
        extra.setdefault("owner", reporter)
    return Hazard.objects.create(
        school=school,
        area=area,
        description="灭火器压力不足",
        severity=severity,
        source=Hazard.Source.SELF_INSPECTION,
        status=status,
        reporter=reporter,
        created_at=created,
        **extra,
    )


def incident(school, user, *, occurred, category="traffic", reported_after=30, **extra):
    fields = {
        "school": school,
        "source": "school",
        "category": category,
        "severity": "general",
        "occurred_at": occurred,
        "place": "校门口",
        "summary": "学生受伤",
        "initial_deadline": occurred + datetime.timedelta(hours=2),
        "written_deadline": occurred + datetime.timedelta(hours=24),
        "school_reported_at": occurred + datetime.timedelta(minutes=reported_after),
        "written_reported_at": occurred + datetime.timedelta(hours=10),
        "created_by": user,
    }
    fields.update(extra)
    return Incident.objects.create(**fields)


@pytest.fixture
def data(city, people, staff_b, staff_city_school):
    fire = SafetyArea.objects.get(key="fire")
    food = SafetyArea.objects.get(key="food")
    traffic = SafetyArea.objects.get(key="traffic")
    staff_c = staff_city_school
    a, a2, b, c = city.school_a, city.school_a2, city.school_b, city.city_school
    alice, bob = people.staff_a, people.staff_a2
    hazard(a, alice, fire, created=at(2026, 6, 3, 9))
    hazard(
        a,
        alice,
        fire,
        created=at(2026, 4, 10, 9),
        status="in_rectification",
        severity="major",
        is_overdue=True,
        interim_measures="警示",
    )
    hazard(a, alice, food, created=at(2026, 5, 20, 9), status="closed", closed_at=at(2026, 6, 5, 9))
    hazard(a2, bob, food, created=at(2026, 6, 10, 9), status="in_rectification", is_overdue=True)
    hazard(
        b,
        staff_b,
        fire,
        created=at(2026, 6, 1, 9),
        status="in_rectification",
        severity="major",
        is_overdue=True,
    )
    hazard(
        b,
        staff_b,
        fire,
        created=at(2025, 12, 1, 9),
        status="in_rectification",
        severity="major",
        is_overdue=True,
    )
    hazard(c, staff_c, traffic, created=at(2026, 6, 14, 9))
    incident(a, alice, occurred=at(2026, 6, 2, 10))
    late = incident(a, alice, occurred=at(2026, 6, 5, 10), category="sports", reported_after=300)
    incident(
        a2,
        people.county_official,
        occurred=at(2026, 3, 1, 10),
        category="sports",
        source="bureau",
        school_reported_at=None,
        written_reported_at=None,
    )
    incident(b, staff_b, occurred=at(2026, 6, 10, 10))
    incident(a, alice, occurred=at(2025, 11, 1, 10), category="fire_electric_poisoning")
    SchoolVeto.objects.create(school=a, year=2026, incident=late, created_by=people.county_official)
    MonthlyReport.objects.create(
        unit=a,
        month=datetime.date(2026, 5, 1),
        status="submitted",
        first_submitted_at=at(2026, 5, 30, 9),
    )
    return SimpleNamespace(fire=fire, food=food)
