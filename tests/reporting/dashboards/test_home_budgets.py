# ruff: noqa: F811 - the fixture imported by name
"""#23: the home page of every persona (every role at school, county and city level, the
city narrowed to a county) within the page budget of 8 queries, with
the dashboards' known data and the to-do lists filled. Flatness in the data is checked on
generated cities in tests/perf/test_query_budgets.py and test_province_budgets.py."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safety.models import Notification
from safety.responsibility.services import gap_summaries_refresh
from tests.perf.test_query_budgets import PAGE_BUDGET

from .test_every_link import HOME_PERSONAS, todo_world  # noqa: F401 - the link walk's data

PERSONAS = (*HOME_PERSONAS, "staff_a2")  # a department liaison is sent to its surroundings


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_home_keeps_the_page_budget(persona, todo_world, client_for):
    gap_summaries_refresh()  # the nightly task's rows (without them the gaps are counted live)
    client = client_for(persona)
    home = reverse("dashboards:home")
    client.get(home)  # the session and the caches settle
    with CaptureQueriesContext(connection) as captured:
        response = client.get(home)
    assert response.status_code == 200
    assert len(captured.captured_queries) <= PAGE_BUDGET, [
        query["sql"][:120] for query in captured.captured_queries
    ]


def test_the_narrowed_city_home_keeps_the_page_budget(city, todo_world, client_for):
    gap_summaries_refresh()
    client = client_for("city_official")
    home = f"{reverse('dashboards:home')}?period=year&county={city.county_a.pk}"
    client.get(home)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(home)
    assert response.status_code == 200
    assert response.context["county"] == city.county_a
    assert len(captured.captured_queries) <= PAGE_BUDGET


def test_the_home_counts_the_unread_notifications_in_its_own_query(people, client_for):
    Notification.objects.create(
        recipient=people.staff_a, kind="test", dedup_key="home-unread", title="通知"
    )
    response = client_for("staff_a").get(reverse("dashboards:home"))
    assert response.context["unread_notifications"] == 1
    assert 'badge text-bg-danger">1<' in response.content.decode()
