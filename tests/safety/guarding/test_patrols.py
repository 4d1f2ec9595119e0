"""Night patrols: routes with checkpoints, rounds scheduled once a day, each checkpoint
recorded once, completeness (missed rounds and checkpoints) and a problem → hazard."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from PIL import Image

from inspections import services as inspection_services
from inspections.models import Hazard
from safety.guarding import selectors, services
from safety.guarding.models import CheckpointRecord, PatrolRound
from tests.builders import clean_photo

POINTS = [("男生宿舍", "dormitory"), ("食堂", "canteen"), ("锅炉房", "boiler")]


@pytest.fixture
def route(school):
    return services.route_save(
        actor=school.leader,
        unit=school.unit,
        route=None,
        name="夜巡",
        round_times=["22:00", "02:00"],
        checkpoints=POINTS,
    )


def test_rounds_are_scheduled_once_per_time_and_night(route):
    day = timezone.localdate()
    assert services.schedule_rounds(day=day) == 2
    assert services.schedule_rounds(day=day) == 0  # a second run creates nothing
    times = [
        timezone.localtime(r.scheduled_at).strftime("%d %H:%M")
        for r in PatrolRound.objects.filter(route=route).order_by("scheduled_at")
    ]
    tomorrow = day + datetime.timedelta(days=1)
    assert times == [f"{day:%d} 22:00", f"{tomorrow:%d} 02:00"]  # 02:00 is the same night
    assert {r.expected_count for r in PatrolRound.objects.all()} == {3}


def test_route_times_and_boarding_rule(school, city):
    with pytest.raises(ValidationError):
        services.route_save(
            actor=school.leader,
            unit=school.unit,
            route=None,
            name="夜巡",
            round_times=["25:00"],
            checkpoints=POINTS,
        )
    with pytest.raises(ValidationError):
        services.route_save(
            actor=None,
            unit=city.school_a,
            route=None,
            name="夜巡",
            round_times=["22:00"],
            checkpoints=POINTS,
        )  # a day school


def _round(route, hours_ago):
    return PatrolRound.objects.create(
        route=route,
        scheduled_at=timezone.now() - datetime.timedelta(hours=hours_ago),
        expected_count=3,
    )


def test_round_completes_when_every_checkpoint_is_passed(school, route):
    current = _round(route, 0)
    points = list(route.checkpoints.all())
    for point in points:
        services.checkpoint_record(
            actor=school.staff,
            patrol_round=current,
            checkpoint=point,
            result="normal",
            photo=clean_photo() if point == points[0] else None,
        )
    current.refresh_from_db()
    assert current.completed_at is not None and current.patroller == school.staff
    assert CheckpointRecord.objects.get(round=current, checkpoint=points[0]).photo
    with pytest.raises(ValidationError):  # the round is finished
        services.checkpoint_record(
            actor=school.staff, patrol_round=current, checkpoint=points[0], result="normal"
        )


def test_a_problem_needs_a_note_and_a_checkpoint_is_recorded_once(school, route):
    current = _round(route, 0)
    point = route.checkpoints.first()
    with pytest.raises(ValidationError) as refused:
        services.checkpoint_record(
            actor=school.staff, patrol_round=current, checkpoint=point, result="problem"
        )
    assert "note" in refused.value.error_dict
    services.checkpoint_record(
        actor=school.staff, patrol_round=current, checkpoint=point, result="normal"
    )
    with pytest.raises(ValidationError):
        services.checkpoint_record(
            actor=school.staff, patrol_round=current, checkpoint=point, result="normal"
        )


def test_missed_rounds_and_checkpoints_show(school, route, people):
    missed = _round(route, 5)
    partial = _round(route, 4)
    services.checkpoint_record(
        actor=school.staff,
        patrol_round=partial,
        checkpoint=route.checkpoints.first(),
        result="normal",
    )
    later = _round(route, -3)
    states = {item.pk: selectors.round_state(item) for item in selectors.round_list(school.unit)}
    assert states == {missed.pk: "missed", partial.pk: "incomplete", later.pk: "open"}
    # The bureau's figures count rounds due in the last seven full days.
    PatrolRound.objects.filter(pk=missed.pk).update(
        scheduled_at=timezone.now() - datetime.timedelta(days=2)
    )
    # Four hours ago is yesterday just after midnight: keep the partial round in today.
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    PatrolRound.objects.filter(pk=partial.pk).update(scheduled_at=today)
    row = next(
        r
        for r in selectors.bureau_rows(people.county_official, period=None)
        if r.pk == school.unit.pk
    )
    assert (row.rounds_done, row.rounds_due) == (0, 1)


def test_only_the_schools_people_record_a_patrol(school, route, people):
    current = _round(route, 0)
    with pytest.raises(PermissionDenied):
        services.checkpoint_record(
            actor=people.county_official,
            patrol_round=current,
            checkpoint=route.checkpoints.first(),
            result="normal",
        )


def test_a_problem_becomes_a_hazard_once(school, route):
    current = _round(route, 0)
    point = route.checkpoints.get(name="锅炉房")
    record = services.checkpoint_record(
        actor=school.staff,
        patrol_round=current,
        checkpoint=point,
        result="problem",
        note="压力表读数偏高",
    )
    hazard = inspection_services.hazard_from_patrol(actor=school.staff, record=record)
    assert hazard.source == Hazard.Source.PATROL
    assert hazard.patrol_record == record and hazard.area.key == "fire"
    assert hazard.location == "锅炉房" and hazard.school == school.unit
    with pytest.raises(ValidationError):
        inspection_services.hazard_from_patrol(actor=school.staff, record=record)
    normal = services.checkpoint_record(
        actor=school.staff,
        patrol_round=current,
        checkpoint=route.checkpoints.get(name="食堂"),
        result="normal",
    )
    with pytest.raises(ValidationError):
        inspection_services.hazard_from_patrol(actor=school.staff, record=normal)


def test_round_page_offers_the_hazard_step_and_links_back(school, route, client):
    current = _round(route, 0)
    record = services.checkpoint_record(
        actor=school.staff,
        patrol_round=current,
        checkpoint=route.checkpoints.first(),
        result="problem",
        note="走廊灯不亮",
    )
    client.force_login(school.staff)
    page = client.get(f"/guarding/rounds/{current.pk}/").content.decode()
    assert f"/patrol-records/{record.pk}/hazard/" in page
    response = client.post(f"/patrol-records/{record.pk}/hazard/")
    hazard = Hazard.objects.get(patrol_record=record)
    assert response.url == f"/hazards/{hazard.pk}/"
    page = client.get(f"/guarding/rounds/{current.pk}/").content.decode()
    assert f"/hazards/{hazard.pk}/" in page


def test_the_checkpoint_photo_becomes_the_hazard_photo(school, route):
    current = _round(route, 0)
    record = services.checkpoint_record(
        actor=school.staff,
        patrol_round=current,
        checkpoint=route.checkpoints.get(name="男生宿舍"),
        result="problem",
        note="消防通道堆放杂物",
        photo=clean_photo(),
    )
    hazard = inspection_services.hazard_from_patrol(actor=school.staff, record=record)
    photo = hazard.photos.get()
    assert photo.school == school.unit and photo.uploaded_by == school.staff
    with photo.image.open("rb") as copied, record.photo.open("rb") as original:
        assert Image.open(copied).size == Image.open(original).size
    assert photo.image.name != record.photo.name and photo.thumbnail
