"""The activity calendar of a city or province official counts the week's activities per
county and day (a county's, a school's or one chosen bureau's calendar lists them): the page
stays the same size whatever the number of activities (#23), and every count opens the
activities behind it."""

from __future__ import annotations

import copy
import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reporting.activities import services
from tests.conftest import require_postgresql
from tests.personas import build_city, build_people

from .factories import draft, starts_in

pytestmark = pytest.mark.django_db
CALENDAR = reverse("activities:calendar")


def _submitted(actor, school, title: str, days: int, until_days: int | None = None, hour=8):
    activity = draft(
        actor,
        school,
        title=title,
        starts_at=starts_in(days, hour),
        ends_at=starts_in(days if until_days is None else until_days, 17),
    )
    services.activity_submit(actor=actor, activity=activity)
    return activity


def _week_of(days: int) -> tuple[str, list[datetime.date]]:
    day = starts_in(days).date()
    monday = day - datetime.timedelta(days=day.weekday())
    return f"?day={day:%Y-%m-%d}", [monday + datetime.timedelta(days=n) for n in range(7)]


@pytest.fixture
def activities(city, people, staff_b, staff_city_school):
    """In the week 14 days ahead: two in county A (one over two days), one in county B, one at
    the city-direct school; one draft (not on the calendar) and one in another week."""
    return {
        "a1": _submitted(people.staff_a, city.school_a, "植物园研学", 14, 15),
        "a2": _submitted(people.staff_a2, city.school_a2, "消防站参观", 14, hour=9),
        "b": _submitted(staff_b, city.school_b, "乡村劳动实践", 14),
        "direct": _submitted(staff_city_school, city.city_school, "博物馆参观", 14),
        "draft": draft(people.staff_a, city.school_a, title="未提交", starts_at=starts_in(14)),
        "later": _submitted(people.staff_a, city.school_a, "下周的活动", 28),
    }


def _shown(response) -> set[str]:
    """The titles a week view shows in its days."""
    return {a.title for day in response.context["days"] for a in day.activities}


def _cells(row) -> dict[datetime.date, int]:
    return dict(row.cells)


def test_a_city_official_sees_counts_per_county_and_day_not_the_activities(
    city, people, client_for, activities
):
    query, week = _week_of(14)
    first_day = starts_in(14).date()
    response = client_for("city_official").get(CALENDAR + query)
    assert response.status_code == 200
    assert response.context["summarised"] is True
    assert response.context["rows"] == []
    summary = {row.name: row for row in response.context["summary"]}
    assert list(summary) == ["甲区教育局", "乙县教育局", "测试市教育局"]
    county_a = summary["甲区教育局"]
    # The two-day outing counts on both of its days and once in the total.
    assert _cells(county_a)[first_day] == 2
    expected_next = 1 if first_day + datetime.timedelta(days=1) in week else None
    assert _cells(county_a).get(first_day + datetime.timedelta(days=1)) == expected_next
    assert county_a.total == 2
    assert [day for day, _count in county_a.cells] == week
    assert summary["乙县教育局"].total == 1
    assert summary["测试市教育局"].direct and summary["测试市教育局"].total == 1
    page = response.content.decode()
    assert "植物园研学" not in page  # the titles are one click away
    assert "各区县每天的活动数" in page and "（直属学校）" in page
    assert f"county={city.county_a.pk}&amp;view=day&amp;day={first_day:%Y-%m-%d}" in page
    assert f"parent={city.city.pk}&amp;view=week" in page


def test_a_county_link_lists_the_countys_activities_and_a_direct_row_the_city_schools(
    city, client_for, activities
):
    query, _week = _week_of(14)
    client = client_for("city_official")
    county = client.get(CALENDAR + query + f"&county={city.county_a.pk}")
    assert county.context["summarised"] is False
    assert _shown(county) == {"植物园研学", "消防站参观"}
    direct = client.get(CALENDAR + query + f"&parent={city.city.pk}")
    assert _shown(direct) == {"博物馆参观"}
    one_day = client.get(CALENDAR + query + f"&county={city.county_b.pk}&view=day")
    assert [a.title for a in one_day.context["rows"]] == ["乡村劳动实践"]


def test_a_county_official_keeps_the_list_and_cannot_reach_another_countys(
    city, client_for, activities
):
    query, _week = _week_of(14)
    client = client_for("county_official")
    own = client.get(CALENDAR + query)
    assert own.context["summarised"] is False
    assert _shown(own) == {"植物园研学", "消防站参观"}
    # Another county's bureau as `parent` is not a choice: the county's own calendar again.
    outside = client.get(CALENDAR + query + f"&parent={city.county_b.pk}")
    assert outside.status_code == 200
    assert _shown(outside) == {"植物园研学", "消防站参观"}
    assert "乡村劳动实践" not in outside.content.decode()


def test_the_list_view_summarises_the_31_days_as_totals(city, client_for, activities):
    query, _week = _week_of(14)
    response = client_for("city_official").get(CALENDAR + query + "&view=list")
    summary = {row.name: row.total for row in response.context["summary"]}
    assert summary == {"甲区教育局": 3, "乙县教育局": 1, "测试市教育局": 1}  # "later" included


def test_an_empty_week_says_so(client_for, city, people):
    response = client_for("city_official").get(CALENDAR)
    assert response.context["summary"] == []
    assert "这几天没有活动。" in response.content.decode()


def test_a_province_official_sees_its_counties_and_nothing_of_another_province():
    province = build_city(province=True)
    people = build_people(province, "province_official", "other_province_official")
    _submitted(people.staff_a, province.school_a, "植物园研学", 14)
    query, _week = _week_of(14)
    client = Client()
    client.force_login(people.province_official)
    response = client.get(CALENDAR + query)
    assert [(row.name, row.total) for row in response.context["summary"]] == [("甲区教育局", 1)]
    assert "county" in response.context["form"].fields  # the drill-down's filter is offered
    drilled = client.get(CALENDAR + query + f"&county={province.county_a.pk}")
    assert _shown(drilled) == {"植物园研学"}
    client.force_login(people.other_province_official)
    assert client.get(CALENDAR + query).context["summary"] == []


def test_the_summary_costs_the_same_queries_for_4_and_40_activities(
    city, people, client_for, warm_caches
):
    query, _week = _week_of(14)
    client = client_for("city_official")

    def count() -> int:
        client.get(CALENDAR + query)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(CALENDAR + query)
        assert response.status_code == 200
        return len(captured.captured_queries)

    for index in range(4):
        _submitted(people.staff_a, city.school_a, f"活动{index}", 14 + index % 3)
    small = count()
    for index in range(36):
        school, actor = (
            (city.school_a, people.staff_a) if index % 2 else (city.school_a2, people.staff_a2)
        )
        _submitted(actor, school, f"更多活动{index}", 14 + index % 5)
    assert count() == small <= 8


def test_the_week_is_found_through_the_span_index_not_every_activity_ever(
    city, people, client_for, activities
):
    """#23: on PostgreSQL the calendar finds the week's activities through the GiST index of
    their spans (`SpanOverlaps`, migration reporting 0020); `starts_at < end AND ends_at >
    start` alone read every activity of every year. Two years of earlier activities, then
    the plans of the city's counts and the county's list."""
    require_postgresql("the span index is PostgreSQL's")
    from reporting.activities.models import Activity  # noqa: PLC0415

    template = Activity.objects.get(pk=activities["b"].pk)
    history = []
    for week in range(1, 105):
        for _n in range(20):
            old = copy.copy(template)
            old.pk = None
            old.starts_at -= datetime.timedelta(weeks=week)
            old.ends_at -= datetime.timedelta(weeks=week)
            history.append(old)
    Activity.objects.bulk_create(history)
    query, _week = _week_of(14)
    for persona in ("city_official", "other_county_official"):
        with CaptureQueriesContext(connection) as captured:
            assert client_for(persona).get(CALENDAR + query).status_code == 200
        reads = [q["sql"] for q in captured.captured_queries if "tstzrange" in q["sql"]]
        assert reads, persona
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE reporting_activity")
            for sql in reads:
                cursor.execute(f"EXPLAIN {sql}")
                plan = "\n".join(row[0] for row in cursor.fetchall())
                assert "activity_span_gist" in plan, plan
                assert "Seq Scan on reporting_activity" not in plan, plan


def test_a_countys_busy_day_shows_five_and_opens_the_day_paged(city, people, client_for, settings):
    """#23: a county's week grew with its activities (1.77x in the 4x city); each day of the
    week shows its first five activities and links to the day for the others, and the day
    view pages them like every list."""
    for hour in range(8):
        _submitted(people.staff_a, city.school_a, f"第{hour + 1}场", 14, hour=8 + hour)
    query, _week = _week_of(14)
    busy = starts_in(14).date()
    client = client_for("county_official")
    week = client.get(CALENDAR + query)
    day = next(d for d in week.context["days"] if d.date == busy)
    assert [a.title for a in day.activities] == [f"第{n}场" for n in range(1, 6)]
    assert day.more == 3
    page = week.content.decode()
    assert "另有 3 项 ›" in page and f"view=day&amp;day={busy:%Y-%m-%d}" in page
    assert "第6场" not in page
    whole_day = client.get(CALENDAR + f"?view=day&day={busy:%Y-%m-%d}")
    assert [a.title for a in whole_day.context["rows"]] == [f"第{n}场" for n in range(1, 9)]
    settings.PAGE_SIZE = 5
    first = client.get(CALENDAR + f"?view=day&day={busy:%Y-%m-%d}")
    assert len(first.context["rows"]) == 5
    assert f"day={busy:%Y-%m-%d}&amp;page=2" in first.content.decode()
    second = client.get(CALENDAR + f"?view=day&day={busy:%Y-%m-%d}&page=2")
    assert [a.title for a in second.context["rows"]] == ["第6场", "第7场", "第8场"]
    # Moving to another day starts at its first page.
    assert "page=" not in second.context["links"]["next"]
    listed = client.get(CALENDAR + f"?view=list&day={busy:%Y-%m-%d}")
    assert len(listed.context["rows"]) == 5 and listed.context["page"].paginator.count == 8


def test_a_countys_week_costs_the_same_queries_and_shows_at_most_five_a_day(
    city, people, client_for, warm_caches
):
    query, week = _week_of(14)
    client = client_for("county_official")

    def shown() -> tuple[int, int]:
        client.get(CALENDAR + query)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(CALENDAR + query)
        assert response.status_code == 200
        largest = max(len(d.activities) for d in response.context["days"])
        return len(captured.captured_queries), largest

    for index in range(3):
        _submitted(people.staff_a, city.school_a, f"活动{index}", 14, hour=8 + index)
    small, _largest = shown()
    for index in range(30):
        _submitted(people.staff_a2, city.school_a2, f"更多活动{index}", 14 + index % 2, hour=8)
    assert shown() == (small, 5)
    assert small <= 8
