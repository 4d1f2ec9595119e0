"""#20 working days in the hazard workflow: deadlines in working days over National Day,
the missing-year error shown in Chinese with nothing saved, extensions in working days, and
no routine overdue reminder on a holiday (a major hazard's still goes out)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from inspections import services
from inspections.models import Hazard, InspectionSettings
from safety.models import Notification
from safety.workdays import CalendarYearMissing, DayUnit

D = datetime.date


@pytest.fixture
def working_days(city):
    return InspectionSettings.objects.create(
        bureau=city.county_a,
        general_deadline_days=5,
        major_deadline_days=30,
        deadline_unit=DayUnit.WORKING,
    )


def assign(crew, hazard, today, **kwargs):
    return services.hazard_assign(
        actor=crew.leader,
        hazard=hazard,
        owner=crew.owner,
        supervisor=crew.leader,
        today=today,
        interim_measures="设置警示标志",
        **kwargs,
    )


def test_five_working_days_set_on_29_september_2026_land_on_12_october(
    working_days, make_hazard, crew
):
    hazard = assign(crew, make_hazard(), D(2026, 9, 29))
    assert hazard.deadline == D(2026, 10, 12)


def test_calendar_days_stay_the_default(make_hazard, crew):
    hazard = assign(crew, make_hazard(), D(2026, 9, 29))
    assert hazard.deadline == D(2026, 10, 6)  # 7 calendar days, holidays or not


def test_a_deadline_in_a_year_with_no_data_is_refused_and_nothing_saved(
    working_days, make_hazard, crew
):
    hazard = make_hazard(severity="major")
    with pytest.raises(CalendarYearMissing):
        assign(crew, hazard, D(2026, 12, 10))  # 30 working days reach into 2027
    hazard.refresh_from_db()
    assert hazard.status == Hazard.Status.REPORTED and hazard.deadline is None
    # A date chosen by hand needs no calendar.
    assert assign(crew, hazard, D(2026, 12, 10), deadline=D(2027, 1, 20)).deadline


def test_the_assign_form_shows_the_missing_year_in_chinese_and_keeps_the_input(
    working_days, make_hazard, crew, client_for
):
    working_days.general_deadline_days = 250  # a year of working days: into next year
    working_days.save()
    hazard = make_hazard()
    response = client_for("leader_a").post(
        reverse("inspections:hazard_assign", args=[hazard.pk]),
        {"owner": crew.owner.pk, "supervisor": crew.leader.pk, "interim_measures": "警示"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "节假日安排尚未录入" in html
    assert "警示" in html
    hazard.refresh_from_db()
    assert hazard.status == Hazard.Status.REPORTED


def test_an_extension_in_working_days_counts_from_the_current_deadline(
    working_days, make_hazard, crew, client_for
):
    # 5 working days from 23 September skip the Mid-Autumn Festival (25–27 September).
    assert assign(crew, make_hazard(), D(2026, 9, 23)).deadline == D(2026, 10, 8)
    hazard = assign(crew, make_hazard(), D(2026, 9, 23), deadline=D(2026, 9, 30))
    client = client_for("anonymous")
    client.force_login(crew.owner)
    response = client.post(
        reverse("inspections:hazard_extension_request", args=[hazard.pk]),
        {"working_days": 3, "reason": "等配件"},
    )
    assert response.status_code == 302
    hazard.refresh_from_db()
    assert hazard.extension_until == D(2026, 10, 10)  # 8, 9 and the make-up Saturday 10 Oct
    both = client.post(
        reverse("inspections:hazard_extension_request", args=[hazard.pk]),
        {"working_days": 3, "until": "2026-10-20", "reason": "等配件"},
    )
    assert both.status_code == 400


def test_overdue_reminders_skip_holidays_unless_the_hazard_is_major(make_hazard, crew):
    general = make_hazard("in_rectification")
    major = make_hazard("in_rectification", severity="major")
    Hazard.objects.filter(pk__in=[general.pk, major.pk]).update(deadline=D(2026, 9, 30))
    holiday = D(2026, 10, 2)
    assert services.mark_overdue(holiday)["marked"] == 2  # both flagged overdue
    reminded = set(Notification.objects.filter(kind="hazard_overdue").values_list("url", flat=True))
    assert reminded == {reverse("inspections:hazard_detail", args=[major.pk])}
    services.mark_overdue(D(2026, 10, 8))  # the first working day after National Day
    reminded = set(Notification.objects.filter(kind="hazard_overdue").values_list("url", flat=True))
    assert reverse("inspections:hazard_detail", args=[general.pk]) in reminded
