"""Schools with buses (issue #14): the fact the school-bus register keeps on the school, the
school-bus plan they alone need, a bus evacuation drill each semester on the school's page
and the coverage view, and the reminder once per semester."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from reporting.activities import services as register
from reporting.models import SchoolBus
from safety.models import AuditEvent, Notification
from safety.preparedness import selectors, services

from .builders import coverage_checked, recorded_drill, scenario

pytestmark = pytest.mark.django_db
BUS_PLAN = "交通和校车事故"


def add_bus(actor, school, plate: str = "苏A12345") -> SchoolBus:
    far = datetime.date(2030, 1, 1)
    return register.register_save(
        actor=actor,
        school=school,
        instance=SchoolBus(),
        fields={
            "plate": plate,
            "seats": 45,
            "permit_number": "XC-001",
            "permit_expires": far,
            "inspection_expires": far,
            "insurance_expires": far,
        },
    )


def bus_drill(actor, unit, day: datetime.date):
    drill = services.drill_plan(
        actor=actor, unit=unit, scenario=scenario("traffic_bus"), planned_on=day
    )
    return services.drill_record(
        actor=actor,
        drill=drill,
        held_on=day,
        pupils=40,
        staff=3,
        evacuation_seconds=75,
        evaluation="校车应急疏散有序",
    )


@pytest.mark.parametrize(
    ("day", "start", "end", "key"),
    [
        ("2026-09-01", "2026-09-01", "2027-02-01", "2026-2027-1"),
        ("2027-01-31", "2026-09-01", "2027-02-01", "2026-2027-1"),
        ("2027-02-01", "2027-02-01", "2027-09-01", "2026-2027-2"),
        ("2027-08-31", "2027-02-01", "2027-09-01", "2026-2027-2"),
    ],
)
def test_semesters_follow_the_school_year(day, start, end, key):
    day = datetime.date.fromisoformat(day)
    bounds = selectors.semester_bounds(day)
    assert bounds == (datetime.date.fromisoformat(start), datetime.date.fromisoformat(end))
    assert selectors.semester_key(day) == key


def test_the_bus_register_keeps_the_fact_on_the_school(city, people):
    assert not city.school_a.has_school_buses
    bus = add_bus(people.staff_a, city.school_a)
    city.school_a.refresh_from_db()
    assert city.school_a.has_school_buses
    audits = AuditEvent.objects.filter(action="preparedness.school_buses")
    assert audits.count() == 1
    add_bus(people.staff_a, city.school_a, plate="苏A54321")
    assert audits.count() == 1  # no change, no audit row
    second = SchoolBus.objects.exclude(pk=bus.pk).get()
    for each in (bus, second):
        register.register_save(
            actor=people.staff_a, school=city.school_a, instance=each, fields={"is_active": False}
        )
    city.school_a.refresh_from_db()
    assert not city.school_a.has_school_buses  # the last bus out of service
    assert audits.count() == 2


def test_only_the_register_keepers_of_the_school_change_the_fact(city, people):
    with pytest.raises(PermissionDenied):
        services.school_buses_set(
            actor=people.other_county_official, unit=city.school_a, has_buses=True
        )
    with pytest.raises(PermissionDenied):
        add_bus(people.county_official, city.school_a)
    city.school_a.refresh_from_db()
    assert not city.school_a.has_school_buses
    assert not SchoolBus.objects.exists()


def test_the_school_bus_plan_is_needed_only_by_schools_with_buses(city, people):
    bus_plan = scenario("traffic_bus")
    assert not bus_plan.is_required_for(city.school_a)
    rows = {r.school_id: r for r in coverage_checked(people.county_official, {}).rows}
    assert BUS_PLAN not in rows[city.school_a.pk].missing_scenarios
    add_bus(people.staff_a, city.school_a)
    city.school_a.refresh_from_db()
    assert bus_plan.is_required_for(city.school_a)
    rows = {r.school_id: r for r in coverage_checked(people.county_official, {}).rows}
    assert BUS_PLAN in rows[city.school_a.pk].missing_scenarios
    assert BUS_PLAN not in rows[city.school_a2.pk].missing_scenarios
    page = {row.scenario.key: row for row in selectors.plan_rows(city.school_a)}
    assert page["traffic_bus"].required


def test_a_school_with_buses_needs_a_bus_evacuation_each_semester(city, people):
    today = timezone.localdate()
    recorded_drill(people.staff_a, city.school_a, day=today)
    recorded_drill(people.staff_a2, city.school_a2, day=today)
    add_bus(people.staff_a, city.school_a)
    semester_start, _end = selectors.semester_bounds(today)
    before = semester_start - datetime.timedelta(days=3)
    bus_drill(people.staff_a, city.school_a, before)  # last semester's does not count
    rows = {r.school_id: r for r in coverage_checked(people.county_official, {}).rows}
    assert rows[city.school_a.pk].has_buses and not rows[city.school_a.pk].bus_ok
    assert not rows[city.school_a.pk].drills_ok  # the monthly drill alone is not enough
    assert rows[city.school_a2.pk].bus_ok and not rows[city.school_a2.pk].has_buses
    missing = coverage_checked(people.county_official, {"show": "drills"})
    assert city.school_a.pk in {row.school_id for row in missing.rows}
    bus_drill(people.staff_a, city.school_a, today)
    rows = {r.school_id: r for r in coverage_checked(people.county_official, {}).rows}
    assert rows[city.school_a.pk].bus_ok and rows[city.school_a.pk].drills_ok
    assert rows[city.school_a.pk].bus_drills == 1


def test_the_school_page_and_coverage_view_show_the_bus_evacuation(city, people, client_for):
    add_bus(people.staff_a, city.school_a)
    page = client_for("staff_a").get(reverse("preparedness:unit", args=[city.school_a.pk]))
    text = page.content.decode()
    assert 'data-testid="bus-drill-status"' in text and "校车疏散演练未开展" in text
    other = client_for("staff_a2").get(reverse("preparedness:unit", args=[city.school_a2.pk]))
    assert 'data-testid="bus-drill-status"' not in other.content.decode()
    coverage = client_for("county_official").get(reverse("preparedness:coverage"))
    assert "校车疏散演练未开展" in coverage.content.decode()
    bus_drill(people.staff_a, city.school_a, timezone.localdate())
    page = client_for("staff_a").get(reverse("preparedness:unit", args=[city.school_a.pk]))
    assert "校车疏散演练未开展" not in page.content.decode()


def _bus_notices():
    return Notification.objects.filter(kind="drill_reminder", dedup_key__contains="bus-")


def test_schools_with_buses_are_reminded_once_a_semester(city, people):
    add_bus(people.staff_a, city.school_a)
    late = datetime.date(2027, 1, 11)  # a Monday, 21 days of the semester left
    assert services.schools_without_bus_drill(datetime.date(2026, 12, 1), 30) == []  # early
    services.send_drill_reminders(today=datetime.date(2026, 12, 1))
    assert not _bus_notices().exists()
    services.send_drill_reminders(today=late)
    reminded = set(_bus_notices().values_list("recipient__unit_id", flat=True))
    assert reminded == {city.school_a.pk}  # school A2 has no buses
    assert "2026-2027-1" in _bus_notices().first().title
    count = _bus_notices().count()
    services.send_drill_reminders(today=late + datetime.timedelta(days=1))
    assert _bus_notices().count() == count  # once a semester, no floods


def test_a_school_that_held_its_bus_evacuation_is_not_reminded(city, people):
    add_bus(people.staff_a, city.school_a)
    bus_drill(people.staff_a, city.school_a, timezone.localdate())
    today = timezone.localdate()
    _start, end = selectors.semester_bounds(today)
    assert services.schools_without_bus_drill(end - datetime.timedelta(days=5), 30) == []
