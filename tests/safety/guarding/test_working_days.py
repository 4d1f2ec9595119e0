"""#20 working days in holiday duty rosters: a holiday set without a deadline gets the
bureau's roster lead (default 3 working days) before its first day, on the official
calendar; a year without calendar data is the deadline's error, nothing saved."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from safety import workdays
from safety.guarding import services
from safety.guarding.models import GuardingSettings, HolidayPeriod

pytestmark = pytest.mark.django_db


def _period(city, start, **extra):
    return HolidayPeriod(
        unit=city.county_a,
        holiday=HolidayPeriod.Holiday.NATIONAL_DAY,
        start_date=start,
        end_date=start + datetime.timedelta(days=6),
        **extra,
    )


def test_empty_deadline_is_three_working_days_before_the_holiday(city, people):
    # National Day 2026 starts Thursday 1 October: 9/30, 9/29, 9/28 → due Monday 28
    # September (with calendar days it would be 9/28 as well; see the next test for a
    # setting where the two differ).
    period = services.period_save(
        actor=people.county_official, period=_period(city, datetime.date(2026, 10, 1))
    )
    assert period.deadline == datetime.date(2026, 9, 28)


def test_the_bureau_setting_counts_in_its_unit(city, people):
    GuardingSettings.objects.create(
        unit=city.county_a, roster_lead_days=5, roster_lead_unit=workdays.DayUnit.WORKING
    )
    # Spring Festival 2026: the holiday starts Sunday 15 February; Saturday 14 February is a
    # make-up working day: 2/14, 2/13, 2/12, 2/11, 2/10.
    period = services.period_save(
        actor=people.county_official, period=_period(city, datetime.date(2026, 2, 15))
    )
    assert period.deadline == datetime.date(2026, 2, 10)
    GuardingSettings.objects.filter(unit=city.county_a).update(roster_lead_unit="calendar")
    period = services.period_save(
        actor=people.county_official, period=_period(city, datetime.date(2026, 10, 1))
    )
    assert period.deadline == datetime.date(2026, 9, 26)


def test_a_typed_deadline_is_kept(city, people):
    period = services.period_save(
        actor=people.county_official,
        period=_period(city, datetime.date(2026, 10, 1), deadline=datetime.date(2026, 9, 20)),
    )
    assert period.deadline == datetime.date(2026, 9, 20)


def test_a_year_without_calendar_data_is_a_form_error(city, people, client_for):
    workdays.clear_cache()  # another test may have entered that year in this process
    year = max(workdays.PACKAGE_YEARS) + 1
    with pytest.raises(ValidationError):
        services.period_save(
            actor=people.county_official, period=_period(city, datetime.date(year, 1, 20))
        )
    response = client_for("county_official").post(
        reverse("guarding:periods"),
        {
            "holiday": "spring_festival",
            "start_date": f"{year}-01-20",
            "end_date": f"{year}-01-27",
            "deadline": "",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert f"{year}年的国家法定节假日安排尚未录入" in page
    assert f"{year}-01-20" in page  # what the user typed is kept
    assert not HolidayPeriod.objects.exists()
