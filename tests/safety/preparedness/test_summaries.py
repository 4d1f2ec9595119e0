"""The preparedness summaries (models.PreparednessSummary, issue #23): the coverage view reads
them when every school of the view has one of today, equal to the live computation after each
change made through the services; a stale or missing row makes the view compute live; a change
of the scenarios or a bureau's drill settings forgets the rows it reaches and queues their
refresh; the nightly task rewrites every school's row for the new day."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from reporting.incidents.models import Category
from safety.models import Organisation, User
from safety.preparedness import selectors, services, summaries, tasks
from safety.preparedness.models import DrillSettings, PreparednessSummary, Scenario
from safety.services import organisation_save
from tests.factories import OrganisationFactory

from .builders import coverage_checked, filed_plan, recorded_drill, upload_plan

pytestmark = pytest.mark.django_db


def _row(user, school, filters=None):
    result = selectors.coverage_page(user=user, filters=filters or {})
    return next(row for row in result.rows[0 : result.count] if row.school_id == school.pk)


def test_every_change_through_the_services_keeps_the_schools_summary(city, people):
    """Plans filed, returned, acknowledged and flagged, drills recorded (one flagging its
    plan), an incident flagging a plan, buses: after each, the view from the summaries equals
    the live one (`coverage_checked`) for every filter."""
    official, leader, school = people.county_official, people.leader_a, city.school_a
    filters = [{}, {"show": "drills"}, {"show": "plans"}, {"q": school.name[:3]}]

    def check() -> None:
        for each in filters:
            coverage_checked(official, each)

    check()
    plan = services.plan_submit(actor=leader, plan=upload_plan(leader, school, "overall"))
    assert _row(official, school).waiting == 1
    assert [item["pk"] for item in coverage_checked(official).waiting_for_me] == [plan.pk]
    services.plan_return(actor=official, plan=plan, comment="补充疏散路线图")
    assert _row(official, school).waiting == 0
    check()
    fire = filed_plan(leader, official, school, "fire")
    assert "消防安全应急预案" not in _row(official, school).missing_scenarios
    check()
    recorded_drill(people.staff_a, school, seconds=140, plan=fire, plan_needs_review=True)
    row = _row(official, school)
    assert (row.held, row.overdue_reviews, row.latest_seconds) == (1, 1, 140)
    check()
    # An incident of a category mapped to the earthquake plan flags it for review.
    quake = filed_plan(leader, official, school, "earthquake")
    services.plans_flag_for_incident(
        actor=people.staff_a,
        unit=school,
        category=Category.NATURAL_DISASTER,
        key="incident:1",
        reason="地震",
        url="/incidents/1/",
    )
    quake.refresh_from_db()
    assert quake.review_flagged_at is not None
    assert _row(official, school).overdue_reviews == 2
    check()
    # Buses: the bus plan becomes required and a bus evacuation is needed this semester.
    services.school_buses_set(actor=None, unit=school, has_buses=True)
    row = _row(official, school)
    assert row.has_buses and not row.bus_ok and not row.drills_ok
    check()


def test_the_view_reads_the_summaries_and_computes_live_when_one_is_stale(city, people):
    official, school = people.county_official, city.school_a
    recorded_drill(people.staff_a, school)
    assert _row(official, school).held == 1
    # A row of today is what the view shows (it does not recompute) ...
    PreparednessSummary.objects.filter(unit=school).update(held=7)
    assert _row(official, school).held == 7
    # ... while one of yesterday, or none, makes the whole view live.
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    PreparednessSummary.objects.filter(unit=school).update(on=yesterday)
    assert _row(official, school).held == 1
    PreparednessSummary.objects.filter(unit=school).delete()
    assert _row(official, school).held == 1
    live = selectors.coverage(user=official, filters={"show": "drills"})
    page = selectors.coverage_page(user=official, filters={"show": "drills"})
    assert [row.school_id for row in page.rows] == [row.school_id for row in live.rows]


def test_the_nightly_task_rewrites_every_school_for_the_new_day(city, people):
    school = city.school_a
    today = timezone.localdate()
    recorded_drill(people.staff_a, school, day=today.replace(day=1))
    yesterday = today - datetime.timedelta(days=1)
    PreparednessSummary.objects.update(on=yesterday, held=0)
    schools = Organisation.objects.filter(is_active=True).schools().count()
    assert tasks.refresh_preparedness_summaries() == schools
    assert PreparednessSummary.objects.filter(on=today).count() == schools
    assert PreparednessSummary.objects.get(unit=school).held == 1
    coverage_checked(people.city_official)
    # The first day of the next month: this month's drill no longer counts, its time stays
    # in the six months' trend.
    next_month = selectors.add_months(today, 1)
    summaries.refresh(Organisation.objects.filter(pk=school.pk), today=next_month)
    kept = PreparednessSummary.objects.get(unit=school)
    assert (kept.on, kept.held, kept.drills_ok) == (next_month, 0, False)
    assert (kept.seconds_4, kept.timed_4) == (150, 1) and kept.timed_5 == 0


def test_a_new_school_and_a_changed_school_have_a_summary_of_today(city, people):
    school = OrganisationFactory(name="新建幼儿园", parent=city.county_a, school_type="primary")
    kept = PreparednessSummary.objects.get(unit=school)
    assert (kept.on, kept.period) == (timezone.localdate(), "month")
    school.school_type = Organisation.SchoolType.KINDERGARTEN
    organisation_save(actor=None, organisation=school, changed_fields=["school_type"])
    assert PreparednessSummary.objects.get(unit=school).period == "quarter"
    coverage_checked(people.county_official)


def test_drill_settings_and_scenarios_changed_in_the_admin_forget_and_refresh_the_rows(
    city, people, django_capture_on_commit_callbacks
):
    admin = User.objects.create(username="root", is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(admin)
    other_county = PreparednessSummary.objects.get(unit=city.school_b)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            reverse("admin:safety_drillsettings_add"),
            {
                "unit": city.county_a.pk,
                "school_per_month": "3",
                "kindergarten_per_quarter": "1",
                "boarding_per_month": "3",
                "special_per_month": "3",
                "target_seconds_young": "180",
                "target_seconds": "120",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert DrillSettings.objects.filter(unit=city.county_a).exists()
    # County A's schools are forgotten (the view computes live), county B's stay.
    assert not PreparednessSummary.objects.filter(unit=city.school_a).exists()
    assert PreparednessSummary.objects.get(unit=city.school_b) == other_county
    assert _row(people.county_official, city.school_a).requirement.count == 3
    assert len(callbacks) == 1
    callbacks[0]()  # the queued refresh, as the worker runs it
    assert PreparednessSummary.objects.get(unit=city.school_a).required == 3
    coverage_checked(people.county_official)

    fire = Scenario.objects.get(key="fire")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:safety_scenario_change", args=[fire.pk]),
            {
                "key": fire.key,
                "name_zh": fire.name_zh,
                "name_en": fire.name_en,
                "is_overall": "",
                "is_required": "",  # no longer required
                "boarding_only": "",
                "buses_only": "",
                "order": fire.order,
                "is_active": "on",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert fire.pk not in PreparednessSummary.objects.get(unit=city.school_a).missing_scenarios
    coverage_checked(people.city_official)
