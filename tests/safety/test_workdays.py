"""The one calendar service (safety/workdays.py): working days on the official calendar
(State Council notices, via chinesecalendar), admin-entered years, and the missing-year
error — never a guess."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from safety import workdays
from safety.models import CalendarDay, CalendarYear
from safety.workdays import CalendarYearMissing, DayUnit

D = datetime.date


def test_national_day_2026_holidays_and_make_up_days():
    # 国务院办公厅 2026 notice: 10月1日至7日放假; 9月20日(周日)、10月10日(周六)上班.
    for day in range(1, 8):
        assert not workdays.is_working_day(D(2026, 10, day))
    assert workdays.is_working_day(D(2026, 9, 20))  # a Sunday, make-up working day
    assert workdays.is_working_day(D(2026, 10, 10))  # a Saturday, make-up working day
    assert not workdays.is_working_day(D(2026, 10, 11))  # an ordinary Sunday
    assert workdays.holiday_name(D(2026, 10, 3)) == "国庆节"


def test_five_working_days_set_on_29_september_2026_land_on_12_october():
    # 30 Sep (1), National Day 1–7 Oct off, 8 Oct (2), 9 Oct (3), Sat 10 Oct make-up (4),
    # Sun 11 Oct off, Mon 12 Oct (5).
    assert workdays.add_working_days(D(2026, 9, 29), 5) == D(2026, 10, 12)
    assert workdays.deadline_after(D(2026, 9, 29), 5, DayUnit.WORKING) == D(2026, 10, 12)
    assert workdays.deadline_after(D(2026, 9, 29), 5, DayUnit.CALENDAR) == D(2026, 10, 4)
    assert workdays.working_days_between(D(2026, 9, 29), D(2026, 10, 12)) == 5


def test_spring_festival_2026_with_its_make_up_saturdays():
    # 2026 春节: 2月15日至23日放假; 2月14日(周六)、2月28日(周六)上班.
    assert workdays.is_working_day(D(2026, 2, 14))
    assert not any(workdays.is_working_day(D(2026, 2, day)) for day in range(15, 24))
    assert workdays.is_working_day(D(2026, 2, 28))
    # Friday 13 Feb + 3 working days: Sat 14 Feb (1), then the festival, 24 (2), 25 (3).
    assert workdays.add_working_days(D(2026, 2, 13), 3) == D(2026, 2, 25)
    assert workdays.next_working_day(D(2026, 2, 16)) == D(2026, 2, 24)


def test_spring_festival_2025_across_the_year_end_counting_backwards_too():
    # 2025 春节: 1月28日至2月4日放假; 1月26日(周日)、2月8日(周六)上班.
    assert workdays.is_working_day(D(2025, 1, 26))
    assert workdays.add_working_days(D(2025, 1, 27), 1) == D(2025, 2, 5)
    assert workdays.add_working_days(D(2025, 2, 5), -1) == D(2025, 1, 27)
    assert workdays.working_days_between(D(2025, 2, 5), D(2025, 1, 27)) == -1
    assert workdays.working_days_between(D(2024, 12, 30), D(2025, 1, 2)) == 2  # 1 Jan off


def test_a_year_with_no_data_is_an_error_in_chinese_never_a_guess(db):
    with pytest.raises(CalendarYearMissing) as caught:
        workdays.add_working_days(D(2026, 12, 20), 15)
    assert isinstance(caught.value, ValidationError)
    assert caught.value.year == 2027
    assert "2027" in caught.value.messages[0]
    assert "节假日" in caught.value.messages[0]
    with pytest.raises(CalendarYearMissing):
        workdays.is_working_day(D(2030, 1, 2))
    assert not workdays.has_calendar(2027)
    assert workdays.working_days_left(D(2027, 1, 8), D(2026, 12, 20)) is None


def test_an_admin_entered_year_is_used_and_weekends_follow_the_week(db):
    year = CalendarYear.objects.create(year=2027, source="测试用通知")
    CalendarDay.objects.create(calendar=year, date=D(2027, 1, 1), kind="holiday", name="元旦")
    CalendarDay.objects.create(calendar=year, date=D(2027, 1, 9), kind="workday")  # a Saturday
    assert workdays.has_calendar(2027)
    assert not workdays.is_working_day(D(2027, 1, 1))  # a Friday holiday
    assert workdays.is_working_day(D(2027, 1, 9))
    assert not workdays.is_working_day(D(2027, 1, 10))  # an ordinary Sunday
    # Thu 31 Dec 2026 + 2: Mon 4 Jan (1 Jan holiday, weekend), Tue 5 Jan.
    assert workdays.add_working_days(D(2026, 12, 31), 2) == D(2027, 1, 5)
    assert workdays.holiday_name(D(2027, 1, 1)) == "元旦"


def test_admin_rows_are_checked(db):
    year = CalendarYear.objects.create(year=2028, source="测试")
    weekend_holiday = CalendarDay(calendar=year, date=D(2028, 1, 2), kind="holiday")  # Sunday
    with pytest.raises(ValidationError):
        weekend_holiday.full_clean()
    weekday_workday = CalendarDay(calendar=year, date=D(2028, 1, 4), kind="workday")  # Tuesday
    with pytest.raises(ValidationError):
        weekday_workday.full_clean()
    wrong_year = CalendarDay(calendar=year, date=D(2029, 1, 4), kind="holiday")
    with pytest.raises(ValidationError):
        wrong_year.full_clean()


def test_the_admin_refuses_a_year_the_package_knows(db):
    from safety.admin import CalendarYearForm

    form = CalendarYearForm(data={"year": 2026, "source": "重复"})
    assert not form.is_valid()
    assert "chinesecalendar" in str(form.errors["year"])
    assert CalendarYearForm(data={"year": 2031, "source": "通知"}).is_valid()


def test_reminders_wait_for_a_working_day_unless_urgent(db):
    assert not workdays.should_remind(D(2026, 10, 3))
    assert workdays.should_remind(D(2026, 10, 3), urgent=True)
    assert workdays.should_remind(D(2026, 10, 10))  # make-up Saturday
    assert workdays.should_remind(D(2031, 3, 1))  # no data: remind rather than lose it
