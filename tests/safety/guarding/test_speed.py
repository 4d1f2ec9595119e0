"""Query budgets of daily guarding's pages: the same number of queries whatever the data
(flat), within the page budget of tests/perf (8) where the page is a list or a board."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from safety.guarding import services
from safety.guarding.models import BoardingPupil, GateEntry, PatrolRound

# Every page of the feature keeps the product's page budget (tests/perf): the lists of
# pupils' names included, whose audited read is one INSERT (services.pupils_read).
BUDGET = 8


def _grow(school, n):
    """n more of everything the pages list."""
    room = services.room_create(
        actor=school.leader, dormitory=school.dormitory, number=f"R{n}", beds=4
    )
    for bed in range(1, 4):
        services.pupil_save(
            actor=school.leader,
            unit=school.unit,
            pupil=BoardingPupil(
                name=f"学生{n}{bed}",
                class_name="八年级（2）班",
                parent_phone="13800002222",
                room=room,
                bed=bed,
            ),
        )
    for index in range(n):
        services.gate_entry_create(
            actor=school.gatekeeper,
            unit=school.unit,
            entry=GateEntry(
                kind="visitor",
                name=f"访客{n}{index}",
                id_type="none",
                purpose="来访",
                person_visited="王老师",
                time_in=timezone.now(),
            ),
        )
        services.leave_request(
            actor=school.teacher,
            pupil=BoardingPupil.objects.filter(unit=school.unit, leaves__isnull=True).first(),
            reason="回家",
            leaves_at=timezone.now(),
            returns_by=timezone.now() + datetime.timedelta(days=1),
        )
    services.roll_call_mark(
        actor=school.manager,
        room=room,
        day=timezone.localdate(),
        absences={room.pupils.first().pk: "unexplained"},
    )
    for hours in range(n):
        PatrolRound.objects.create(
            route=school.route,
            scheduled_at=timezone.now() - datetime.timedelta(hours=hours + 3 * n),
            expected_count=1,
        )


def _pages(school):
    unit = school.unit.pk
    return [
        (school.leader, f"/guarding/units/{unit}/"),
        (school.leader, f"/guarding/units/{unit}/rosters/"),
        (school.staff, f"/guarding/units/{unit}/duty-log/"),
        (school.staff, f"/guarding/units/{unit}/patrols/"),
        (school.gatekeeper, f"/guarding/units/{unit}/gate/"),
        (school.staff, f"/guarding/units/{unit}/gate-duty/"),
        (school.leader, f"/guarding/units/{unit}/dormitories/"),
        (school.manager, f"/guarding/units/{unit}/pupils/"),
        (school.teacher, f"/guarding/units/{unit}/leaves/"),
        (school.teacher, f"/guarding/units/{unit}/leaves/new/"),
        (school.manager, f"/guarding/units/{unit}/roll-call/"),
    ]


def _counts(client, school):
    counts = {}
    for user, path in _pages(school):
        client.force_login(user)
        client.get(path)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code == 200, path
        counts[path.removeprefix(f"/guarding/units/{school.unit.pk}/")] = len(
            captured.captured_queries
        )
    return counts


@pytest.mark.django_db
def test_school_pages_are_flat_in_the_data(school, client, warm_caches):
    school.route = services.route_save(
        actor=school.leader,
        unit=school.unit,
        route=None,
        name="夜巡",
        round_times=["22:00"],
        checkpoints=[("宿舍", "dormitory")],
    )
    _grow(school, 1)
    small = _counts(client, school)
    _grow(school, 3)
    large = _counts(client, school)
    print("guarding page queries:", small)
    assert large == small
    assert max(small.values()) <= BUDGET, small


@pytest.mark.django_db
def test_bureau_view_is_flat_in_the_schools(school, client, people, city, warm_caches):
    client.force_login(people.county_official)
    client.get("/guarding/bureau/")
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/guarding/bureau/").status_code == 200
    assert len(captured.captured_queries) <= 8
