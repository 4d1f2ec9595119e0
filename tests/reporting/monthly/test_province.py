"""#23 the province level: a city under a province reports its monthly roll-up to it by the
15th (settings.MONTHLY_CITY_DUE_DAY), reviewed and returned as a county's report is; the
province's overview of its cities; reminders; scoping of the province official."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from reporting.models import MonthlyOverview, MonthlyReport
from reporting.monthly import selectors, services
from reporting.monthly.periods import UnitStatus, city_due_date, due_date, reports_monthly
from safety import roles
from safety.models import Notification, Organisation
from tests.builders import OCTOBER, shanghai, submit_monthly
from tests.factories import OrganisationFactory, UserFactory
from tests.personas import build_city, build_people

pytestmark = pytest.mark.django_db
Status = MonthlyReport.Status


@pytest.fixture
def province():
    return build_city(province=True)


@pytest.fixture
def folks(province):
    people = build_people(province, "province_official", "other_province_official")
    people.city_admin = people.administrator
    return people


def _standalone_city() -> Organisation:
    """A city installation's root (no province above it) beside the province's."""
    return OrganisationFactory(name="独立市教育局", code="300000", kind=Organisation.Kind.CITY)


def test_the_city_reports_only_when_a_province_is_above_it(province):
    assert not reports_monthly(_standalone_city())  # a city installation: it only receives
    assert reports_monthly(province.city)
    assert not reports_monthly(province.province)
    assert due_date(province.city, OCTOBER) == datetime.date(2026, 11, 15)


def test_the_city_due_day_is_a_setting(settings):
    settings.MONTHLY_CITY_DUE_DAY = 20
    assert city_due_date(OCTOBER) == datetime.date(2026, 11, 20)
    settings.MONTHLY_CITY_DUE_DAY = 31  # past the end of November: its last day
    assert city_due_date(OCTOBER) == datetime.date(2026, 11, 30)


def test_a_province_is_a_root_and_a_city_may_sit_under_it(province):
    province.city.refresh_from_db()
    assert province.city.parent_id == province.province.pk
    assert province.school_a.path.startswith(province.province.path)
    bad = Organisation(name="省下学校", code="x1", kind="school", school_type="primary")
    bad.parent = province.province
    with pytest.raises(ValidationError):
        bad.full_clean(exclude=["path"])
    nested = Organisation(name="省下省", code="x2", kind="province", parent=province.province)
    with pytest.raises(ValidationError):
        nested.full_clean(exclude=["path"])


def _submit_city(folks, when=None):
    """The county and the city submit October; the city on 12 November."""
    submit_monthly(folks.staff_a)
    submit_monthly(folks.county_official, when=shanghai(2026, 11, 9, 9))
    return submit_monthly(folks.city_official, when=when or shanghai(2026, 11, 12, 9))


def test_the_city_rolls_up_its_counties_and_the_province_approves(province, folks):
    version = _submit_city(folks)

    assert version.figures["kind"] == "city"
    assert not version.is_late
    rows = {row["name"]: row["status"] for row in version.figures["schools"]}
    assert rows[province.county_a.name] == UnitStatus.ON_TIME
    assert rows[province.county_b.name] == UnitStatus.MISSING  # due on the 10th
    assert rows[province.city_school.name] == UnitStatus.MISSING
    # the county's frozen figures (school A's) flow up into the city's
    assert version.figures["sections"]["headcounts"]["rows"] == [["", 500, 40, 0]]
    reviewers = Notification.objects.filter(kind=services.REVIEW_KIND).values_list(
        "recipient__username", flat=True
    )
    assert "paula" in reviewers

    # Only the province directly above reviews: not the other province, not a county.
    with pytest.raises(PermissionDenied):
        services.monthly_report_approve(actor=folks.other_province_official, report=version.report)
    services.monthly_report_return(
        actor=folks.province_official, report=version.report, comment="请补充乙县情况"
    )
    version.report.refresh_from_db()
    assert version.report.status == Status.RETURNED
    again = submit_monthly(folks.city_official, when=shanghai(2026, 11, 20, 9))
    assert again.number == 2
    services.monthly_report_approve(actor=folks.province_official, report=again.report)
    again.report.refresh_from_db()
    assert again.report.status == Status.APPROVED


def test_a_city_report_after_the_fifteenth_is_late(province, folks):
    version = _submit_city(folks, when=shanghai(2026, 11, 16, 9))
    assert version.is_late


def test_the_province_console_lists_its_cities_and_the_city_filter(province, folks):
    _submit_city(folks)
    client = Client()
    client.force_login(folks.province_official)
    response = client.get(reverse("monthly:console"), {"month": "2026-10"})
    assert response.status_code == 200
    body = response.content.decode()
    assert province.city.name in body
    assert province.other_city.name not in body
    assert [r.unit for r in response.context["queue"]] == [province.city]
    # the filter one level down picks a city: its counties and city-direct school
    response = client.get(
        reverse("monthly:console"), {"month": "2026-10", "county": province.city.pk}
    )
    names = {row["unit"].name for row in response.context["grid"]}
    assert names == {province.county_a.name, province.county_b.name, province.city_school.name}
    # another province's city is not a choice
    response = client.get(reverse("monthly:console"), {"county": province.other_city.pk})
    assert response.context["form"].errors


def test_the_province_overview_pdf(province, folks, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _submit_city(folks)
    overview = services.monthly_overview_request(actor=folks.province_official, month=OCTOBER)
    assert services.monthly_overview_render_pdf(overview_id=overview.pk)
    overview = MonthlyOverview.objects.get(pk=overview.pk)
    assert overview.pdf.read().startswith(b"%PDF")
    data = selectors.province_overview(province.province, OCTOBER, datetime.date(2026, 11, 16))
    (line,) = data["cities"]
    assert line["unit"] == province.city
    assert line["status"] == UnitStatus.ON_TIME
    assert line["unit_count"] == 3  # two counties and the city-direct school
    with pytest.raises(PermissionDenied):
        services.monthly_overview_request(actor=folks.county_official, month=OCTOBER)


def test_reminders_reach_cities_under_a_province_only(province, folks):
    city_users = UserFactory(username="lonely", unit=_standalone_city(), role="bureau_official")
    due = city_due_date(OCTOBER)
    services.reminder_pass(day=due)
    reminded = set(
        Notification.objects.filter(kind=services.REMINDER_KIND).values_list(
            "recipient__username", flat=True
        )
    )
    assert folks.city_official.username in reminded
    assert city_users.username not in reminded


def test_the_province_official_sees_all_its_cities_and_nothing_else(province, folks):
    visible = set(Organisation.objects.visible_to(folks.province_official))
    assert {province.city, province.school_a, province.school_b} <= visible
    assert province.other_city not in visible
    assert not Organisation.objects.visible_to(folks.other_province_official).filter(
        pk=province.school_a.pk
    )
    # the province's administrator is the system administrator, not the city's any more
    admin = UserFactory(username="padmin", unit=province.province, role="administrator")
    assert roles.is_system_administrator(admin)
    assert not roles.is_system_administrator(folks.administrator)


def test_the_province_home_drills_to_a_city_then_to_its_counties(province, folks):
    client = Client()
    client.force_login(folks.province_official)
    response = client.get(reverse("dashboards:home"))
    assert response.status_code == 200
    (city_row,) = response.context["page"].object_list
    assert city_row == province.city and city_row.school_count == 4
    # #23: the figures come grouped by the city's path in the home's one-row query
    schools = Organisation.objects.below(province.city).filter(kind="school", is_active=True)
    assert city_row.boarding_count == schools.filter(is_boarding=True).count()
    assert city_row.student_total == sum(school.student_count for school in schools)
    assert city_row.staff_total == sum(school.staff_count for school in schools)
    assert list(response.context["form"].fields["county"].queryset) == [province.city]
    response = client.get(reverse("dashboards:home"), {"county": province.city.pk})
    names = {unit.name for unit in response.context["page"].object_list}
    assert province.county_a.name in names and province.city_school.name in names
