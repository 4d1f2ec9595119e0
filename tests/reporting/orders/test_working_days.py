"""#20 working days in rectification orders: the deadline offered when issuing counts the
bureau's default term on the official calendar, the page shows working days left, a year
with no calendar data is a clear message (never a guess), escalation counts from the
deadline."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from inspections import services as inspection_services
from reporting.orders import services
from reporting.orders.models import OrderSettings
from safety import workdays
from safety.models import SafetyArea

pytestmark = pytest.mark.django_db


@pytest.fixture
def hazard(city, people):
    return inspection_services.hazard_report(
        actor=people.staff_a,
        school=city.school_a,
        area=SafetyArea.objects.get(key="fire"),
        description="消防通道堵塞",
    )


def test_default_term_is_ten_working_days_across_national_day(city):
    # 2026-09-29 (Tue): 9/30, the holiday 10/1–10/7, then 10/8, 10/9, the make-up Saturday
    # 10/10, 10/12–10/16, 10/19 → the 10th working day is Monday 19 October (10 calendar
    # days would be 9 October).
    assert services.suggested_deadline(city.county_a, datetime.date(2026, 9, 29)) == (
        datetime.date(2026, 10, 19)
    )


def test_the_bureaus_term_and_unit_are_used(city):
    settings = OrderSettings.objects.create(
        bureau=city.county_a, prefix="甲教安", default_term=5, term_unit="calendar"
    )
    assert services.suggested_deadline(city.county_a, datetime.date(2026, 9, 29)) == (
        datetime.date(2026, 10, 4)
    )
    settings.term_unit = workdays.DayUnit.WORKING
    settings.save()
    # 9/30, 10/8, 10/9, 10/10 (make-up Saturday), 10/12.
    assert services.suggested_deadline(city.county_a, datetime.date(2026, 9, 29)) == (
        datetime.date(2026, 10, 12)
    )


def test_issue_page_offers_the_working_day_deadline(city, people, hazard, client_for):
    response = client_for("county_official").get(
        reverse("orders:new_from_hazard", args=[hazard.pk])
    )
    assert response.status_code == 200
    expected = workdays.add_working_days(timezone.localdate(), 10)
    assert response.context["form"].initial["deadline"] == expected
    assert expected.isoformat() in response.content.decode()


def test_a_term_into_a_year_without_calendar_is_a_clear_message(city, hazard, client_for):
    workdays.clear_cache()  # another test may have entered that year in this process
    OrderSettings.objects.create(bureau=city.county_a, prefix="甲教安", default_term=400)
    with pytest.raises(workdays.CalendarYearMissing):
        services.suggested_deadline(city.county_a, timezone.localdate())
    response = client_for("county_official").get(
        reverse("orders:new_from_hazard", args=[hazard.pk])
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "节假日安排尚未录入" in page
    assert "deadline" not in response.context["form"].initial


def test_order_page_shows_working_days_left_and_escalation_counts_from_it(
    city, people, hazard, client_for
):
    today = timezone.localdate()
    deadline = services.suggested_deadline(city.county_a, today)
    order = services.order_issue(
        actor=people.county_official,
        source="hazard",
        record=hazard,
        problems="消防通道堵塞",
        legal_basis="《中华人民共和国消防法》",
        deadline=deadline,
        responder=people.leader_a,
    )
    response = client_for("county_official").get(reverse("orders:detail", args=[order.pk]))
    assert "剩余10个工作日" in response.content.decode()
    assert services.order_escalate_overdue(today=deadline) == 0
    assert services.order_escalate_overdue(today=deadline + datetime.timedelta(days=1)) == 1
