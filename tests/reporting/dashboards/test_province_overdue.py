"""#23 the province home's overdue hazards per city: added up from the open rows per bureau
(the tally on PostgreSQL), worst city first, each row opening the ledger filtered to that
city with the same count; another province's hazards never count."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from safety.models import Organisation, SafetyArea
from tests.factories import OrganisationFactory, UserFactory
from tests.personas import build_city, person

from .conftest import at, hazard

pytestmark = pytest.mark.django_db
Kind = Organisation.Kind


def test_province_overdue_chart_is_by_city_worst_first_and_links_to_the_same_count():
    tree = build_city(province=True)
    second = OrganisationFactory(
        name="第二市教育局", code="100100", kind=Kind.CITY, parent=tree.province
    )
    second_county = OrganisationFactory(
        name="丙县教育局", code="100101", kind=Kind.COUNTY, parent=second
    )
    second_school = OrganisationFactory(name="丙县第一小学", parent=second_county)
    outside_school = OrganisationFactory(name="另一市小学", parent=tree.other_city)
    reporter = UserFactory(username="reporter", unit=tree.school_a)
    fire = SafetyArea.objects.get(key="fire")
    created = at(2026, 5, 2, 9)
    overdue = {"status": "in_rectification", "is_overdue": True}
    for school in (tree.school_a, tree.school_b):  # a county each: 2 for the first city
        hazard(school, reporter, fire, created=created, **overdue)
    hazard(tree.city_school, reporter, fire, created=created)  # open, not overdue
    hazard(tree.city_school, reporter, fire, created=created, **overdue)  # the city's own
    for _ in range(4):
        hazard(second_school, reporter, fire, created=created, **overdue)
    hazard(second_school, reporter, fire, created=created, status="closed", is_overdue=True)
    for _ in range(5):
        hazard(outside_school, reporter, fire, created=created, **overdue)

    client = Client()
    client.force_login(person(tree, "province_official"))
    dashboard = client.get(reverse("dashboards:home")).context["dashboard"]

    assert [(row["name"], row["count"]) for row in dashboard.overdue] == [
        ("第二市教育局", 4),
        ("测试市教育局", 3),  # two of its counties' schools, one of its own
    ]
    # The open rows come per city (#23): the figures add up the same.
    fire_row = next(row for row in dashboard.areas if row["area"].key == "fire")
    assert (fire_row["open"], fire_row["overdue"]) == (8, 7)
    figures = {figure.key: figure.value for figure in dashboard.figures}
    assert figures["overdue_hazards"] == 7
    for row in dashboard.overdue:
        ledger = client.get(row["url"])
        assert ledger.status_code == 200
        assert ledger.context["page"].paginator.count == row["count"], row["name"]

    # Narrowed to the first city: its schools with overdue hazards, each counted through
    # the partial index by school, each opening the ledger with the same count.
    narrowed = client.get(reverse("dashboards:home"), {"county": tree.city.pk})
    rows = narrowed.context["dashboard"].overdue
    assert sorted((row["name"], row["count"]) for row in rows) == sorted(
        (school.name, 1) for school in (tree.school_a, tree.school_b, tree.city_school)
    )
    for row in rows:
        assert client.get(row["url"]).context["page"].paginator.count == row["count"]
