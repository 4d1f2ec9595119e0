"""Grading a risk point: the level from the scale and the bureau's thresholds, the check
interval from the level, the refusals, and the audit trail of a change of level."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from inspections.risks import selectors, services
from inspections.risks.models import DEFAULT_THRESHOLDS, Level, Method, RiskSettings
from safety.models import AuditEvent

D = Decimal


@pytest.mark.parametrize(
    ("likelihood", "severity", "level"),
    [
        (5, 5, "red"),
        (4, 5, "red"),
        (3, 5, "orange"),
        (4, 4, "orange"),
        (3, 4, "yellow"),
        (3, 3, "yellow"),
        (2, 4, "blue"),
        (1, 1, "blue"),
    ],
)
def test_ls_levels_start_at_their_thresholds(likelihood, severity, level):
    score = selectors.score_of(Method.LS, D(likelihood), D(severity), None)
    assert selectors.level_of(Method.LS, score, DEFAULT_THRESHOLDS) == level


@pytest.mark.parametrize(
    ("l_value", "e_value", "c_value", "level"),
    [
        ("3", "6", "7", "yellow"),  # 126
        ("1", "6", "40", "orange"),  # 240
        ("6", "6", "15", "red"),  # 540
        ("1", "3", "7", "blue"),  # 21
        ("0.5", "6", "40", "yellow"),  # 120
    ],
)
def test_lec_levels_start_above_their_thresholds(l_value, e_value, c_value, level):
    score = selectors.score_of(Method.LEC, D(l_value), D(c_value), D(e_value))
    assert selectors.level_of(Method.LEC, score, DEFAULT_THRESHOLDS) == level


def test_lec_boundaries_are_exclusive():
    assert selectors.level_of(Method.LEC, D(320), DEFAULT_THRESHOLDS) == Level.ORANGE
    assert selectors.level_of(Method.LEC, D(321), DEFAULT_THRESHOLDS) == Level.RED
    assert selectors.level_of(Method.LEC, D(70), DEFAULT_THRESHOLDS) == Level.BLUE


def test_a_red_point_gets_the_daily_interval_and_its_next_check(make_point):
    point = make_point(4, 5)
    assert point.level == Level.RED and point.score == 20
    assert point.check_interval_days == 1
    assert point.next_check_due == timezone.localdate() + datetime.timedelta(days=1)


def test_intervals_and_thresholds_follow_the_nearest_bureau(city, make_point, leader_b):
    RiskSettings.objects.create(bureau=city.city, ls_yellow=12, yellow_interval_days=14)
    RiskSettings.objects.create(bureau=city.county_a, ls_red=25, red_interval_days=2)
    point = make_point(4, 5)  # 20: under county A's red (25), orange from 15
    assert point.level == Level.ORANGE and point.check_interval_days == 7
    assert make_point(5, 5).check_interval_days == 2
    # County B has none: the city's (yellow from 12, checked every 14 days).
    other = make_point(3, 3, school=city.school_b, actor=leader_b)
    assert other.level == Level.BLUE
    assert make_point(3, 4, school=city.school_b, actor=leader_b).check_interval_days == 14


def test_a_red_point_without_control_measures_is_refused_and_nothing_saved(make_point):
    with pytest.raises(ValidationError) as caught:
        make_point(5, 5, measures="  ")
    assert "control_measures" in caught.value.error_dict
    assert "管控措施" in caught.value.error_dict["control_measures"][0].messages[0]
    assert not selectors.RiskPoint.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"likelihood": 6, "severity": 3}, "likelihood"),
        ({"likelihood": 2, "severity": 0}, "severity"),
        ({"likelihood": "2.5", "severity": 3}, "likelihood"),
        ({"likelihood": 3, "severity": 40, "method": "lec", "exposure": 4}, "exposure"),
        ({"likelihood": 2, "severity": 40, "method": "lec", "exposure": 6}, "likelihood"),
    ],
)
def test_values_off_the_scale_are_refused(make_point, kwargs, field):
    likelihood = kwargs.pop("likelihood")
    severity = kwargs.pop("severity")
    with pytest.raises(ValidationError) as caught:
        make_point(likelihood, severity, **kwargs)
    assert field in caught.value.error_dict


def test_a_zero_check_interval_cannot_be_set(city):
    from django.db import IntegrityError, transaction

    settings_row = RiskSettings(bureau=city.city, red_interval_days=0)
    with pytest.raises(ValidationError):
        settings_row.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        settings_row.save()


def test_a_change_of_level_and_interval_is_in_the_audit_trail(people, make_point, point_values):
    point = make_point(2, 4)  # blue
    services.point_save(
        actor=people.leader_a, school=point.school, point=point, values=point_values(4, 5)
    )
    point.refresh_from_db()
    assert point.level == Level.RED and point.check_interval_days == 1
    event = AuditEvent.objects.filter(action="risk_point.update", target_id=str(point.pk)).get()
    assert event.changes["level"] == ["blue", "red"]
    assert event.changes["check_interval_days"] == [120, 1]


def test_only_the_schools_leader_grades(city, people, point_values):
    for actor in (people.staff_a, people.county_official, people.staff_a2):
        with pytest.raises(PermissionDenied):
            services.point_save(actor=actor, school=city.school_a, values=point_values())
