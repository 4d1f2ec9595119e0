"""Duty rosters: weekly plans, holiday rosters filed with the county (submit → acknowledge /
return), the leader on duty, and the bureau's view of who has no roster."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from safety.guarding import selectors, services
from safety.guarding.models import DutyRoster, DutyRosterEvent, HolidayPeriod
from safety.models import AuditEvent, Notification

DAY = datetime.date(2026, 12, 1)


@pytest.fixture
def period(city, people):
    return services.period_save(
        actor=people.county_official,
        period=HolidayPeriod(
            unit=city.county_a,
            holiday=HolidayPeriod.Holiday.NATIONAL_DAY,
            start_date=datetime.date(2030, 10, 1),
            end_date=datetime.date(2030, 10, 3),
            deadline=datetime.date(2030, 9, 25),
        ),
    )


def _plan_all(school, roster):
    for day in roster.days():
        services.shift_save(
            actor=school.leader,
            roster=roster,
            day=day,
            leader=school.leader,
            leader_phone="13900001111",
            staff_name="值班员",
            staff_phone="0571-12345678",
        )


def test_holiday_roster_is_submitted_then_acknowledged(school, period, people):
    roster = services.roster_create(
        actor=school.leader, unit=school.unit, kind="holiday", period=period
    )
    assert (roster.start_date, roster.end_date) == (period.start_date, period.end_date)
    _plan_all(school, roster)
    roster = services.roster_submit(actor=school.leader, roster=roster)
    assert roster.status == DutyRoster.Status.SUBMITTED
    # The county's officials are told.
    assert (
        Notification.objects.filter(
            recipient=people.county_official, kind="duty_roster_submitted"
        ).count()
        == 1
    )
    roster = services.roster_review(
        actor=people.county_official, roster=roster, decision="acknowledge"
    )
    assert roster.status == DutyRoster.Status.ACKNOWLEDGED
    steps = list(DutyRosterEvent.objects.filter(roster=roster).values_list("to_status", flat=True))
    assert steps == ["submitted", "acknowledged"]
    assert AuditEvent.objects.filter(action="duty_roster.acknowledge").count() == 1


def test_a_roster_with_a_day_unplanned_cannot_be_submitted(school, period):
    roster = services.roster_create(
        actor=school.leader, unit=school.unit, kind="holiday", period=period
    )
    services.shift_save(
        actor=school.leader,
        roster=roster,
        day=period.start_date,
        leader=school.leader,
        leader_phone="13900001111",
        staff_name="值班员",
        staff_phone="13900002222",
    )
    with pytest.raises(ValidationError) as refused:
        services.roster_submit(actor=school.leader, roster=roster)
    assert "10-02" in str(refused.value)
    roster.refresh_from_db()
    assert roster.status == DutyRoster.Status.DRAFT


def test_returned_roster_needs_a_reason_and_can_be_resubmitted(school, period, people):
    roster = services.roster_create(
        actor=school.leader, unit=school.unit, kind="holiday", period=period
    )
    _plan_all(school, roster)
    services.roster_submit(actor=school.leader, roster=roster)
    with pytest.raises(ValidationError):
        services.roster_review(actor=people.county_official, roster=roster, decision="return")
    services.roster_review(
        actor=people.county_official, roster=roster, decision="return", comment="请补充带班领导手机"
    )
    roster.refresh_from_db()
    assert roster.status == DutyRoster.Status.RETURNED and roster.is_editable
    services.roster_submit(actor=school.leader, roster=roster)
    roster.refresh_from_db()
    assert roster.status == DutyRoster.Status.SUBMITTED


def test_only_the_county_above_reviews_and_only_the_school_plans(school, period, people):
    roster = services.roster_create(
        actor=school.leader, unit=school.unit, kind="holiday", period=period
    )
    _plan_all(school, roster)
    services.roster_submit(actor=school.leader, roster=roster)
    for outsider in (people.city_official, people.staff_a2):
        with pytest.raises(PermissionDenied):
            services.roster_review(actor=outsider, roster=roster, decision="acknowledge")
    with pytest.raises(PermissionDenied):
        services.roster_create(
            actor=people.county_official, unit=school.unit, kind="week", start_date=DAY
        )
    with pytest.raises(PermissionDenied):  # staff do not plan rosters
        services.roster_create(actor=people.staff_a2, unit=school.unit, kind="week", start_date=DAY)


def test_the_leader_on_duty_must_be_a_leader_of_the_school(school):
    roster = services.roster_create(
        actor=school.leader, unit=school.unit, kind="week", start_date=DAY
    )
    assert len(roster.days()) == 7
    with pytest.raises(ValidationError) as refused:
        services.shift_save(
            actor=school.leader,
            roster=roster,
            day=DAY,
            leader=school.staff,
            leader_phone="13900001111",
            staff_name="值班员",
            staff_phone="13900002222",
        )
    assert "leader" in refused.value.error_dict
    with pytest.raises(ValidationError):  # outside the week
        services.shift_save(
            actor=school.leader,
            roster=roster,
            day=DAY + datetime.timedelta(7),
            leader=school.leader,
            leader_phone="13900001111",
            staff_name="值班员",
            staff_phone="13900002222",
        )
    services.shift_save(
        actor=school.leader,
        roster=roster,
        day=DAY,
        leader=school.leader,
        leader_phone="13900001111",
        staff_name="值班员",
        staff_phone="13900002222",
    )
    assert selectors.shift_on(school.unit, DAY).leader == school.leader


def test_one_roster_per_holiday(school, period):
    services.roster_create(actor=school.leader, unit=school.unit, kind="holiday", period=period)
    with pytest.raises(ValidationError):
        services.roster_create(actor=school.leader, unit=school.unit, kind="holiday", period=period)


def test_bureau_view_lists_schools_without_a_roster_for_the_coming_holiday(
    school, period, people, city
):
    roster = services.roster_create(
        actor=school.leader, unit=school.unit, kind="holiday", period=period
    )
    _plan_all(school, roster)
    services.roster_submit(actor=school.leader, roster=roster)
    assert selectors.coming_period(city.school_a) == period
    rows = {row.pk: row for row in selectors.bureau_rows(people.county_official, period=period)}
    assert set(rows) == {city.school_a.pk, city.school_a2.pk}  # county B is not theirs
    assert rows[school.unit.pk].roster_status == "submitted"
    assert rows[city.school_a.pk].roster_status is None
    gaps = selectors.bureau_rows(people.county_official, period=period, only_gaps=True)
    assert city.school_a.pk in {row.pk for row in gaps}


def test_holiday_dates_are_checked(city, people):
    with pytest.raises(ValidationError):
        services.period_save(
            actor=people.county_official,
            period=HolidayPeriod(
                unit=city.county_a,
                holiday="summer",
                start_date=datetime.date(2030, 7, 10),
                end_date=datetime.date(2030, 7, 1),
                deadline=datetime.date(2030, 7, 1),
            ),
        )
