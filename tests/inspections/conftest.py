"""Fixtures for the inspection tests: the crew of a hazard (tests/personas.py), a checklist,
and a helper to build hazards in each state through the services."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from inspections import services
from inspections.models import ChecklistTemplate, Hazard
from safety.models import SafetyArea
from tests.builders import clean_photo, jpeg_bytes, jpeg_upload

# The shared photo builders under the names the inspection tests import from here.
photo_upload = jpeg_upload
__all__ = ["clean_photo", "jpeg_bytes", "photo_upload"]


@pytest.fixture
def crew(people, owner_a, staff_b, leader_b):
    """School A's owner (a second staff member) and the leader, plus the county people
    (tests/personas.py)."""
    return SimpleNamespace(
        reporter=people.staff_a,
        owner=owner_a,
        leader=people.leader_a,
        county=people.county_official,
        other_county=people.other_county_official,
        city=people.city_official,
        staff_b=staff_b,
        leader_b=leader_b,
    )


@pytest.fixture
def fire_area(db):
    return SafetyArea.objects.get(key="fire")


@pytest.fixture
def fire_template(db):
    return ChecklistTemplate.objects.get(area__key="fire")


@pytest.fixture
def make_hazard(city, crew, fire_area):
    """Build a hazard and walk it to `state` through the services."""

    def make(state: str = "reported", *, school=None, severity="general", reporter=None):
        school = school or city.school_a
        reporter = reporter or crew.reporter
        hazard = services.hazard_report(
            actor=reporter,
            school=school,
            area=fire_area,
            location="教学楼二楼",
            description="灭火器压力不足",
            severity=severity,
        )
        if state == "reported":
            return hazard
        hazard = services.hazard_assign(
            actor=crew.leader,
            hazard=hazard,
            owner=crew.owner,
            supervisor=crew.leader,
            interim_measures="设置警示标志" if severity == "major" else "",
        )
        if state == "in_rectification":
            return hazard
        hazard = services.hazard_submit_rectification(
            actor=crew.owner, hazard=hazard, evidence="已更换灭火器", photos=[clean_photo()]
        )
        if state == "pending_verification":
            return hazard
        hazard = services.hazard_verify(actor=crew.leader, hazard=hazard, accept=True)
        assert hazard.status == Hazard.Status.CLOSED
        return hazard

    return make
