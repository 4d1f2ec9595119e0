"""The activity pages cost the same number of queries (at most 8) for 3 applications and
for 30 more, each with vehicles and a decided chain: the calendar above all."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reporting.activities import services
from reporting.activities.models import ActivityApproval

from .factories import bus, draft, driver, starts_in

pytestmark = pytest.mark.django_db
BUDGET = 8


def _grow(city, people, count: int, first: int = 0) -> None:
    for index in range(first, first + count):
        school = city.school_a if index % 2 else city.school_a2
        actor = people.staff_a if index % 2 else people.staff_a2
        activity = draft(
            actor,
            school,
            title=f"研学活动{index}",
            is_off_campus=bool(index % 3),
            starts_at=starts_in(1 + index % 5),
            ends_at=starts_in(1 + index % 5, 17),
        )
        services.activity_submit(actor=actor, activity=activity)
        if index % 2:
            services.activity_decide(
                actor=people.leader_a,
                activity=activity,
                decision=ActivityApproval.Decision.APPROVED,
            )
        bus(school, plate=f"苏A{index:05d}")
        driver(school, name=f"驾驶员{index}")


def _counts(client, paths) -> dict[str, int]:
    counts = {}
    for path in paths:
        client.get(path)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code == 200, path
        counts[path] = len(captured.captured_queries)
    return counts


def test_activity_pages_are_flat_in_the_data(city, people, client_for):
    _grow(city, people, 3)
    paths = [
        reverse("activities:list"),
        reverse("activities:list") + "?mine=on",
        reverse("activities:calendar"),
        reverse("activities:calendar") + "?view=day",
        reverse("activities:calendar") + "?view=list&kind=outing",
        reverse("activities:buses") + "?state=expired",
        reverse("activities:bus_register", args=[city.school_a.pk]),
    ]
    client = client_for("county_official")
    small = _counts(client, paths)
    _grow(city, people, 30, first=3)
    large = _counts(client, paths)
    assert small == large
    assert max(large.values()) <= BUDGET, large


def test_the_detail_page_is_flat_in_its_versions(city, people, client_for):
    activity = draft(people.staff_a, city.school_a, is_outside_city=True)
    for _round in range(3):
        services.activity_submit(actor=people.staff_a, activity=activity)
        services.activity_decide(
            actor=people.leader_a,
            activity=activity,
            decision=ActivityApproval.Decision.RETURNED,
            comment="补充",
        )
        activity.refresh_from_db()
    path = reverse("activities:detail", args=[activity.pk])
    client = client_for("city_official")
    counts = _counts(client, [path])
    assert counts[path] <= BUDGET, counts


def test_the_dashboard_counts_are_zero_not_empty_for_a_role_that_does_not_approve(city, people):
    from reporting.activities import selectors

    counts = selectors.dashboard_counts(
        people.administrator, city.city, starts_in(-30).date(), starts_in(30).date()
    )
    assert counts == {"approved": 0, "returned": 0, "unapproved": 0, "awaiting": 0, "expired": 0}
