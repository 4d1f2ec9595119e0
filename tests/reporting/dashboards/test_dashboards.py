"""The home dashboards (issue #7): exact figures for known data, every figure's link leads
to a list with the same count, scoping, the query budget over a generated city, the CSV."""

from __future__ import annotations

import csv
import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inspections.models import Hazard
from reporting.models import Incident
from safety.models import SafetyArea
from tests.factories import OrganisationFactory, UserFactory

from .conftest import at, hazard, incident


def figures(response) -> dict[str, int | str]:
    return {figure.key: figure.value for figure in response.context["dashboard"].figures}


EXPECTED = {
    # persona: open, overdue, major, found this month, incidents month/year/late/missed,
    # monthly rate / missing, vetoed schools
    "county_official": (3, 2, 1, 2, 2, 3, 1, 0, "50%", 1, 1),
    "other_county_official": (2, 2, 2, 1, 1, 1, 0, 0, "0%", 1, 0),
    "city_official": (6, 4, 3, 4, 3, 4, 1, 0, "0%", 3, 1),
}
KEYS = (
    "open_hazards",
    "overdue_hazards",
    "major_hazards",
    "hazards_found",
    "incidents_period",
    "incidents_year",
    "incidents_late",
    "incidents_missed",
    "monthly_rate",
    "monthly_missing",
    "vetoed_schools",
)


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_bureau_dashboard_figures_for_known_data(persona, data, client_for):
    response = client_for(persona).get(reverse("dashboards:home"))
    assert response.status_code == 200
    shown = figures(response)
    assert tuple(shown[key] for key in KEYS) == EXPECTED[persona]


def test_city_dashboard_filtered_by_county_counts_only_that_county(city, data, client_for):
    response = client_for("city_official").get(
        reverse("dashboards:home"), {"county": city.county_a.pk}
    )
    shown = figures(response)
    assert tuple(shown[key] for key in KEYS) == EXPECTED["county_official"]


def test_county_official_cannot_widen_the_dashboard_with_a_county_parameter(city, data, client_for):
    response = client_for("other_county_official").get(
        reverse("dashboards:home"), {"county": city.county_a.pk}
    )
    assert "county" not in response.context["form"].fields
    assert tuple(figures(response)[key] for key in KEYS) == EXPECTED["other_county_official"]
    content = response.content.decode()
    assert "甲区实验小学" not in content and "甲区第二中学" not in content


def test_period_this_year_counts_the_whole_year(data, client_for):
    response = client_for("county_official").get(reverse("dashboards:home"), {"period": "year"})
    shown = figures(response)
    assert shown["hazards_found"] == 4
    assert (shown["incidents_period"], shown["incidents_late"], shown["incidents_missed"]) == (
        3,
        2,
        1,
    )


def test_period_chosen_month(data, client_for):
    response = client_for("county_official").get(
        reverse("dashboards:home"), {"period": "month", "month": "2026-05"}
    )
    shown = figures(response)
    assert shown["hazards_found"] == 1
    assert shown["incidents_period"] == 0
    # May's reports are due by May 31: this is the month the dashboard shows.
    assert "2026-05" in response.context["dashboard"].monthly[0].note


def test_trend_area_overdue_and_category_series(data, client_for):
    dashboard = client_for("county_official").get(reverse("dashboards:home")).context["dashboard"]
    trend = {f"{row['month']:%Y-%m}": (row["found"], row["closed"]) for row in dashboard.trend}
    assert len(trend) == 12
    assert trend["2026-06"] == (2, 1)
    assert trend["2026-05"] == (1, 0)
    assert trend["2026-04"] == (1, 0)
    areas = {
        row["area"].key: (row["general"], row["major"], row["overdue"]) for row in dashboard.areas
    }
    assert areas["fire"] == (1, 1, 1)
    assert areas["food"] == (1, 0, 1)
    assert [(row["name"], row["count"]) for row in dashboard.overdue] == [
        ("甲区实验小学", 1),
        ("甲区第二中学", 1),
    ]
    categories = {row["category"]: row["count"] for row in dashboard.categories}
    assert categories["traffic"] == 1
    assert categories["sports"] == 1
    assert sum(categories.values()) == 2


def test_city_overdue_chart_is_by_county_worst_first(city, data, client_for):
    dashboard = client_for("city_official").get(reverse("dashboards:home")).context["dashboard"]
    assert [(row["name"], row["count"]) for row in dashboard.overdue] == [
        ("乙县教育局", 2),
        ("甲区教育局", 2),
    ]


def _list_count(response, key: str) -> int:
    context = response.context
    if key == "units_with_gaps":
        return context["units_with_gaps"]
    return context["page"].paginator.count


@pytest.mark.parametrize("persona", ["county_official", "city_official"])
@pytest.mark.parametrize("params", [{}, {"period": "year"}])
def test_every_figure_links_to_a_list_with_the_same_count(persona, params, data, client_for):
    client = client_for(persona)
    dashboard = client.get(reverse("dashboards:home"), params).context["dashboard"]
    for figure in dashboard.figures:
        response = client.get(figure.url)
        assert response.status_code == 200, figure.key
        count = _list_count(response, figure.key)
        if figure.total is not None:  # a rate: the list holds its denominator
            assert response.context["page"].paginator.count == figure.total, figure.key
        else:
            assert count == figure.value, figure.key


def test_city_figures_filtered_by_county_link_to_lists_filtered_by_county(city, data, client_for):
    client = client_for("city_official")
    dashboard = client.get(reverse("dashboards:home"), {"county": city.county_a.pk}).context[
        "dashboard"
    ]
    for figure in dashboard.figures:
        if figure.key in ("monthly_rate", "coverage_rate", "education_hours"):
            continue
        response = client.get(figure.url)
        assert _list_count(response, figure.key) == figure.value, figure.key


def test_chart_table_links_lead_to_lists_with_the_same_count(data, client_for):
    client = client_for("city_official")
    dashboard = client.get(reverse("dashboards:home")).context["dashboard"]
    for row in dashboard.areas:
        assert client.get(row["open_url"]).context["page"].paginator.count == row["open"]
        assert client.get(row["overdue_url"]).context["page"].paginator.count == row["overdue"]
    for row in dashboard.overdue:
        if row["url"]:
            assert client.get(row["url"]).context["page"].paginator.count == row["count"]
    for row in dashboard.categories:
        assert client.get(row["url"]).context["page"].paginator.count == row["count"]
    for row in dashboard.trend[-3:]:
        assert client.get(row["url"]).context["page"].paginator.count == row["found"]


def test_charts_are_svg_images_with_a_name_and_a_table(data, client_for):
    content = client_for("county_official").get(reverse("dashboards:home")).content.decode()
    assert content.count('role="img"') == 4
    assert "<title>" in content
    assert content.count('data-testid="chart-table"') == 4
    assert "cdn" not in content.lower()


@pytest.mark.parametrize("persona", ["county_official", "city_official"])
def test_interactive_chart_points_open_lists_with_the_same_count(persona, data, client_for):
    """#23: every value of the charts' JSON carries the list behind it, which shows as many."""
    client = client_for(persona)
    response = client.get(reverse("dashboards:home"), {"period": "year"})
    checked = 0
    for key, spec in response.context["chart_data"].items():
        for series in spec["series"]:
            assert len(series["values"]) == len(series["urls"]) == len(spec["labels"]), key
            for value, url in zip(series["values"], series["urls"], strict=True):
                if url and value:
                    assert client.get(url).context["page"].paginator.count == value, (key, url)
                    checked += 1
    assert checked >= 6


def test_interactive_chart_data_is_a_json_block_not_a_script(data, client_for):
    content = client_for("city_official").get(reverse("dashboards:home")).content.decode()
    for key in ("trend", "areas", "overdue", "categories"):
        assert f'<script id="chart-{key}-data" type="application/json">' in content
        assert f'data-chart-data="chart-{key}-data"' in content
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", content, flags=re.S)
    executable = [
        attrs for attrs, body in scripts if body.strip() and "application/json" not in attrs
    ]
    assert executable == []  # the CSP forbids inline script
    assert "vendor/echarts/echarts.common.min.js" in content
    assert "js/dashboard-charts.js" in content


def test_chart_of_units_drills_down_a_level(city, data, client_for):
    """#23: the city's chart by county drills to the home narrowed to the county (period
    kept), whose chart by school drills to the schools list holding that school."""
    client = client_for("city_official")
    response = client.get(reverse("dashboards:home"), {"period": "year"})
    overdue = response.context["chart_data"]["overdue"]
    assert overdue["labels"] == ["乙县教育局", "甲区教育局"]
    county = city.county_a
    drill = overdue["drill"][overdue["labels"].index(county.name)]
    assert drill == f"/?county={county.pk}&period=year"
    assert f'href="{drill.replace("&", "&amp;")}" data-drill' in response.content.decode()
    narrowed = client.get(drill)
    assert narrowed.context["county"] == county
    schools = narrowed.context["chart_data"]["overdue"]
    assert schools["labels"] == ["甲区实验小学", "甲区第二中学"]
    listed = client.get(schools["drill"][0]).context["page"].object_list
    assert [school.name for school in listed] == ["甲区实验小学"]


def test_csv_download_has_the_figures(data, client_for):
    response = client_for("county_official").get(reverse("dashboards:dashboard_csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    by_label = {row[1]: row[2] for row in rows[1:] if row}
    assert len(rows) > 20
    values = [row[2] for row in rows[1:12]]
    assert values[:4] == ["3", "2", "1", "2"]
    assert "甲区实验小学" in by_label


def test_csv_is_for_bureaus_only(data, client_for):
    assert client_for("staff_a").get(reverse("dashboards:dashboard_csv")).status_code == 403
    assert client_for("anonymous").get(reverse("dashboards:dashboard_csv")).status_code == 302


# --- The school's home -----------------------------------------------------------------------


def test_school_home_lists_my_tasks(city, people, data, client_for):
    fire = data.fire
    leader = people.leader_a
    mine = hazard(
        city.school_a,
        people.staff_a,
        fire,
        created=at(2026, 6, 1, 9),
        status="in_rectification",
        supervisor=leader,
        deadline=datetime.date(2026, 6, 20),
    )
    to_verify = hazard(
        city.school_a,
        people.staff_a,
        fire,
        created=at(2026, 6, 1, 9),
        status="pending_verification",
        supervisor=leader,
    )
    extension = hazard(
        city.school_a,
        people.staff_a,
        fire,
        created=at(2026, 6, 1, 9),
        status="in_rectification",
        supervisor=leader,
        extension_until=datetime.date(2026, 7, 1),
        extension_reason="材料",
    )
    staff = client_for("staff_a").get(reverse("dashboards:home")).context["tasks"]
    assert mine in staff.rectify and extension in staff.rectify
    assert staff.verify == [] and staff.extensions == []
    from django.test import Client

    client = Client()
    client.force_login(leader)
    tasks = client.get(reverse("dashboards:home")).context["tasks"]
    assert tasks.verify == [to_verify]
    assert tasks.extensions == [extension]
    assert tasks.rectify == []
    months = [(f"{row.month:%Y-%m}", row.status) for row in tasks.reports]
    assert months == [("2026-06", "not_started")]  # May was submitted


def test_school_home_shows_written_reports_due_and_missing_month(city, people, data, client_for):
    due = incident(
        city.school_a2, people.staff_a2, occurred=at(2026, 6, 14, 10), written_reported_at=None
    )
    tasks = client_for("staff_a2").get(reverse("dashboards:home")).context["tasks"]
    # The bureau-recorded March incident has no written report either.
    assert [item.pk for item in tasks.incidents][-1] == due.pk
    assert len(tasks.incidents) == 2
    months = [(f"{row.month:%Y-%m}", row.status) for row in tasks.reports]
    assert months == [("2026-05", "missing"), ("2026-06", "not_started")]


def test_school_home_hazards_by_area_link_to_the_ledger(city, data, client_for):
    client = client_for("staff_a")
    response = client.get(reverse("dashboards:home"))
    assert response.context["school"] == city.school_a
    hazards = response.context["hazards"]
    assert (hazards["open"], hazards["overdue"]) == (2, 1)
    for row in hazards["rows"]:
        assert client.get(row["open_url"]).context["page"].paginator.count == row["open"]
        assert client.get(row["overdue_url"]).context["page"].paginator.count == row["overdue"]
    assert client.get(hazards["open_url"]).context["page"].paginator.count == 2


def test_school_home_inspections_against_the_plan(city, people, client_for):
    from inspections.models import ChecklistTemplate, Inspection

    template = ChecklistTemplate.objects.filter(current_version__isnull=False).first()
    for day, kind in (
        (2, "self_weekly"),
        (9, "self_weekly"),
        (10, "self_monthly"),
        (11, "self_daily"),
    ):
        Inspection.objects.create(
            school=city.school_a,
            kind=kind,
            status="submitted",
            checklist=template.current_version,
            inspector=people.staff_a,
            inspected_on=datetime.date(2026, 6, day),
        )
    Inspection.objects.create(
        school=city.school_a,
        kind="self_weekly",
        status="draft",
        checklist=template.current_version,
        inspector=people.staff_a,
        inspected_on=datetime.date(2026, 6, 12),
    )
    plan = client_for("staff_a").get(reverse("dashboards:home")).context["inspections"]
    assert [(row["done"], row["expected"]) for row in plan] == [(1, 1), (2, 4)]


# --- Query budget over a generated city ------------------------------------------------------


def generated_city(counties: int = 3):
    from safety.models import Organisation

    city = OrganisationFactory(name="生成市教育局", code="G00000", kind=Organisation.Kind.CITY)
    official = UserFactory(username="gen.official", unit=city, role="bureau_official")
    county_units = [
        OrganisationFactory(
            name=f"生成{c}区教育局", code=f"G{c:05d}C", kind=Organisation.Kind.COUNTY, parent=city
        )
        for c in range(counties)
    ]
    return official, county_units


def add_schools(official, county_units, per_county: int) -> None:
    """Schools with three hazards (one overdue, one major) and one incident each."""
    areas = list(SafetyArea.objects.all())
    hazards, incidents = [], []
    for county in county_units:
        for _n in range(per_county):
            school = OrganisationFactory(parent=county)
            for index in range(3):
                hazards.append(
                    Hazard(
                        school=school,
                        area=areas[index],
                        description="隐患",
                        severity="major" if index == 0 else "general",
                        source="ad_hoc",
                        status="in_rectification" if index else "reported",
                        owner=official if index else None,
                        is_overdue=index == 1,
                        reporter=official,
                        created_at=at(2026, 6 - index, 2, 9),
                    )
                )
            occurred = at(2026, 6, 3, 9)
            incidents.append(
                Incident(
                    school=school,
                    source="school",
                    category="traffic",
                    severity="general",
                    occurred_at=occurred,
                    place="校门",
                    summary="受伤",
                    initial_deadline=occurred + datetime.timedelta(hours=2),
                    written_deadline=occurred + datetime.timedelta(hours=24),
                    school_reported_at=occurred,
                    created_by=official,
                )
            )
    Hazard.objects.bulk_create(hazards)
    Incident.objects.bulk_create(incidents)


def _home_queries(client, **params) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("dashboards:home"), params)
    assert response.status_code == 200
    return len(queries), {f.key: f.value for f in response.context["dashboard"].figures}


# The city dashboard's queries: session and user, the figure families (hazards, trend x2,
# areas, overdue, incidents, categories, monthly x2, coverage, veto), the school totals and
# the units table, the county select, the navigation's unread count.
CITY_DASHBOARD_BUDGET = 30


def test_city_dashboard_keeps_a_fixed_query_budget(db, django_assert_max_num_queries):
    from django.test import Client

    official, counties = generated_city()
    client = Client()
    client.force_login(official)
    add_schools(official, counties, 2)
    small, small_figures = _home_queries(client)
    assert small_figures["open_hazards"] == 3 * 2 * 3
    add_schools(official, counties, 18)  # ten times the schools, hazards and incidents
    with django_assert_max_num_queries(CITY_DASHBOARD_BUDGET):
        big, big_figures = _home_queries(client)
    assert big_figures["open_hazards"] == 3 * 20 * 3
    assert big_figures["overdue_hazards"] == 3 * 20
    assert big_figures["incidents_period"] == 3 * 20
    assert big == small
