"""Fixtures for the inspection tests: a leader and a second staff member at school A, a
checklist, and helpers to build hazards in each state through the services."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from inspections import services
from inspections.models import ChecklistTemplate, Hazard
from safety.models import SafetyArea, User
from safety.uploads import clean_image
from tests.factories import UserFactory


def jpeg_bytes(size=(64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(buffer, format="JPEG")
    return buffer.getvalue()


def photo_upload(name: str = "现场.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_bytes(), content_type="image/jpeg")


def clean_photo(name: str = "现场.jpg"):
    return clean_image(photo_upload(name))


@pytest.fixture
def crew(people, city):
    """School A's owner (a second staff member) and the leader, plus the county people."""
    return SimpleNamespace(
        reporter=people.staff_a,
        owner=UserFactory(username="ivan", organisation=city.school_a),
        leader=people.leader_a,
        county=people.county_official,
        other_county=people.other_county_official,
        city=people.city_official,
        staff_b=UserFactory(username="judy", organisation=city.school_b),
        leader_b=UserFactory(
            username="kate", organisation=city.school_b, role=User.Role.SCHOOL_LEADER
        ),
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
