"""The grids stay at a fixed number of queries whatever the number of schools."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from safety.models import Assignment, GapSummary, Holder, Organisation, Post, SafetyArea
from safety.responsibility import gaps

pytestmark = pytest.mark.django_db
QUERY_BUDGET = 20


def many_schools(parent: Organisation, count: int, offset: int) -> None:
    """Bulk rows (not through the services: thousands of them), with valid paths."""
    schools = Organisation.objects.bulk_create(
        Organisation(
            name=f"批量学校{offset + i}",
            name_sort_key=f"pi liang {offset + i:06d}",
            code=f"88{offset + i:08d}",
            kind="school",
            school_type="primary" if i % 3 else "junior_middle",
            is_boarding=i % 5 == 0,
            parent=parent,
            path=f"{parent.path}{90000000 + offset + i:08d}/",
        )
        for i in range(count)
    )
    schools = list(Organisation.objects.filter(code__startswith="88", parent=parent))
    holders = Holder.objects.bulk_create(Holder(unit=s, name="持岗人") for s in schools)
    start = datetime.date(2026, 9, 1)
    posts = list(Post.objects.filter(key__in=["principal", "general_affairs_head", "electrician"]))
    assignments = Assignment.objects.bulk_create(
        Assignment(unit=h.unit, post=p, holder=h, school_year="2026-2027", start_date=start)
        for h in holders
        for p in posts[: 1 + h.unit_id % 3]
    )
    area_ids = list(SafetyArea.objects.values_list("id", flat=True))
    Assignment.areas.through.objects.bulk_create(
        Assignment.areas.through(assignment_id=a.pk, safetyarea_id=area_ids[a.pk % 9])
        for a in assignments
    )


@pytest.fixture
def county_of_200(city):
    many_schools(city.county_a, 200, 0)
    return city


def grid_queries(client, django_assert_max_num_queries, **params):
    with django_assert_max_num_queries(QUERY_BUDGET) as captured:
        response = client.get(reverse("responsibility:coverage_grid"), params)
    assert response.status_code == 200
    return response, len(captured)


def test_county_grid_of_200_schools_costs_as_many_queries_as_of_2(
    city, client_for, django_assert_max_num_queries
):
    client = client_for("county_official")
    # The units are counted live (no gap summary: as the bulk rows below, which bypass the
    # services), the path that reads every unit's assignments.
    GapSummary.objects.all().delete()
    _response, small = grid_queries(client, django_assert_max_num_queries)
    many_schools(city.county_a, 200, 0)
    response, large = grid_queries(client, django_assert_max_num_queries)
    assert large == small
    gaps.refresh_all()  # the nightly task: every unit read from its summary, fewer queries
    _response, kept = grid_queries(client, django_assert_max_num_queries)
    assert kept < large
    assert response.context["page"].paginator.count == 203  # the schools and the county
    rows = response.context["page"].object_list
    assert [row.gap_count for row in rows] == sorted((row.gap_count for row in rows), reverse=True)


def test_city_grid_of_2000_schools_stays_within_the_budget(
    city, client_for, django_assert_max_num_queries
):
    for index, county in enumerate([city.county_a, city.county_b]):
        many_schools(county, 1000, index * 1000)
    client = client_for("city_official")
    response, _count = grid_queries(client, django_assert_max_num_queries)
    assert response.context["page"].paginator.count == 2007  # and the three bureaus
    response, _count = grid_queries(
        client, django_assert_max_num_queries, county=city.county_b.pk, school_type="primary"
    )
    assert 0 < response.context["page"].paginator.count < 1000


def test_school_coverage_page_has_a_fixed_query_count(
    city, client_for, django_assert_max_num_queries
):
    from tests.safety.responsibility.factories import cover_school

    cover_school(city.school_a)
    client = client_for("leader_a")
    with django_assert_max_num_queries(QUERY_BUDGET):
        response = client.get(reverse("responsibility:unit_coverage", args=[city.school_a.pk]))
    assert response.status_code == 200
