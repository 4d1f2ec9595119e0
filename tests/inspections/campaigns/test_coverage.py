"""Supervisory-inspection coverage per semester (issue #18)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from inspections.campaigns import selectors
from inspections.models import ChecklistTemplate, Inspection

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("day", "key", "start", "end"),
    [
        (
            datetime.date(2026, 9, 1),
            "2026-2027-1",
            datetime.date(2026, 9, 1),
            datetime.date(2027, 1, 31),
        ),
        (
            datetime.date(2027, 1, 31),
            "2026-2027-1",
            datetime.date(2026, 9, 1),
            datetime.date(2027, 1, 31),
        ),
        (
            datetime.date(2027, 2, 1),
            "2026-2027-2",
            datetime.date(2027, 2, 1),
            datetime.date(2027, 8, 31),
        ),
        (
            datetime.date(2027, 8, 31),
            "2026-2027-2",
            datetime.date(2027, 2, 1),
            datetime.date(2027, 8, 31),
        ),
        (
            datetime.date(2026, 8, 31),
            "2025-2026-2",
            datetime.date(2026, 2, 1),
            datetime.date(2026, 8, 31),
        ),
    ],
)
def test_semester_boundaries_follow_the_school_year(day, key, start, end):
    semester = selectors.semester_of(day)
    assert (semester.key, semester.start, semester.end) == (key, start, end)
    assert selectors.semester_from_key(key) == semester


@pytest.mark.parametrize(
    "key", ["", "2026", "2026-2028-1", "2026-2027-3", "abcd-efgh-1", "2026-2027-1x"]
)
def test_bad_semester_keys(key):
    assert selectors.semester_from_key(key) is None


def supervise(
    school, inspector, day, status=Inspection.Status.SUBMITTED, kind=Inspection.Kind.COUNTY
):
    return Inspection.objects.create(
        school=school,
        kind=kind,
        status=status,
        checklist=ChecklistTemplate.objects.get(area__key="fire").current_version,
        inspector=inspector,
        inspected_on=day,
    )


def test_county_and_city_coverage(city, people):
    semester = selectors.semester_of(datetime.date(2026, 10, 1))
    supervise(city.school_a, people.county_official, datetime.date(2026, 10, 8))
    supervise(city.school_a, people.county_official, datetime.date(2026, 11, 8))
    # Not counted: a draft, the previous semester, a self-inspection.
    supervise(city.school_a2, people.county_official, datetime.date(2026, 10, 8), status="draft")
    supervise(city.school_a2, people.county_official, datetime.date(2026, 8, 31))
    supervise(city.school_b, people.staff_a, datetime.date(2026, 10, 8), kind="self_weekly")
    rows = {s.pk: s for s in selectors.county_coverage(city.county_a, semester)}
    assert rows[city.school_a.pk].inspected_on == datetime.date(2026, 11, 8)
    assert rows[city.school_a2.pk].inspected_on is None
    city_rows = {r.county.pk: r for r in selectors.city_coverage(city.city, semester)}
    assert (city_rows[city.county_a.pk].done, city_rows[city.county_a.pk].total) == (1, 2)
    assert (city_rows[city.county_b.pk].done, city_rows[city.county_b.pk].total) == (0, 1)


def test_coverage_pages_and_scoping(city, people, client_for):
    county = client_for("county_official")
    assert county.get(reverse("campaigns:coverage")).status_code == 200
    assert (
        county.get(reverse("campaigns:coverage") + f"?county={city.county_b.pk}").status_code == 404
    )
    assert client_for("city_official").get(reverse("campaigns:coverage")).status_code == 200
    assert client_for("staff_a").get(reverse("campaigns:coverage")).status_code == 403
    supervise(
        city.school_a, people.city_official, timezone.localdate(), kind=Inspection.Kind.SPOT_CHECK
    )
    response = county.get(reverse("campaigns:spot_checks", args=[city.school_a.pk]))
    assert response.status_code == 200
    assert county.get(reverse("campaigns:spot_checks", args=[city.school_b.pk])).status_code == 404
