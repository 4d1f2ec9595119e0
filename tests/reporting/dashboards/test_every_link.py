"""Every link of the home page — figure tiles, to-do items, chart tables, the navigation —
for every persona leads to a page that persona may open, and a link that carries a count
(`data-count`) leads to a page that shows the same number.

The links are read from the rendered page, not from the selectors, so a tile or a menu item
added later is walked too. The page under a counted link shows its count as the total of its
paginated list, or — where `data-count-key` names one — as that context value (a list held
in the context counts its rows).
"""

from __future__ import annotations

import datetime
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from inspections.models import Hazard
from reporting.models import MonthlyReport
from safety.responsibility.selectors import school_coverage

from .conftest import at, hazard

HOME_PERSONAS = (
    "staff_a",
    "leader_a",
    "county_official",
    "other_county_official",
    "city_official",
    "county_admin",
    "administrator",
)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "a" and values.get("href", "").startswith("/"):
            self.links.append(values)


def page_links(content: bytes) -> list[dict[str, str]]:
    parser = _Links()
    parser.feed(content.decode())
    return parser.links


def shown_count(response, key: str) -> int:
    context = response.context
    if not key:
        return context["page"].paginator.count
    name, *attributes = key.split(".")
    value = context[name]
    for attribute in attributes:
        value = getattr(value, attribute)
    return value if isinstance(value, int) else len(value)


def report(unit, month: str, status: str, submitted: datetime.datetime) -> MonthlyReport:
    year, number = (int(part) for part in month.split("-"))
    return MonthlyReport.objects.create(
        unit=unit,
        month=datetime.date(year, number, 1),
        status=status,
        first_submitted_at=submitted,
    )


@pytest.fixture
def todo_world(city, people, data):
    """The dashboards' known data plus what the to-do lists must show: a hazard waiting for
    assignment, an approved school report of the current month, the county's own report."""
    hazard(city.school_a, people.staff_a, data.fire, created=at(2026, 6, 12, 9))
    report(city.school_a2, "2026-06", MonthlyReport.Status.APPROVED, at(2026, 6, 12, 9))
    report(city.school_b, "2026-05", MonthlyReport.Status.SUBMITTED, at(2026, 5, 30, 9))
    return data


@pytest.mark.parametrize("persona", HOME_PERSONAS)
def test_every_home_link_opens_and_shows_the_same_count(persona, todo_world, client_for):
    client = client_for(persona)
    home = client.get(reverse("dashboards:home"))
    assert home.status_code == 200
    links = page_links(home.content)
    nav = {item["url"] for item in home.context["nav_items"]}
    assert nav <= {link["href"] for link in links}
    counted = 0
    for link in links:
        href = link["href"]
        response = client.get(href, follow=True)
        assert response.status_code == 200, (persona, href, response.status_code)
        if "data-count" in link:
            counted += 1
            expected = int(link["data-count"])
            assert shown_count(response, link.get("data-count-key", "")) == expected, (
                persona,
                href,
            )
    assert counted, persona  # every home has counted links (tiles or to-do items)


# --- The to-do rules -------------------------------------------------------------------------


def _task_hrefs(client) -> list[str]:
    home = client.get(reverse("dashboards:home"))
    return [link["href"] for link in page_links(home.content) if "data-task" in link]


def test_hazard_waiting_for_assignment_is_on_the_leaders_list(city, people, data, client_for):
    waiting = hazard(city.school_a, people.staff_a, data.fire, created=at(2026, 6, 12, 9))
    target = reverse("inspections:hazard_detail", args=[waiting.pk])
    assert target in _task_hrefs(client_for("leader_a"))
    assert target not in _task_hrefs(client_for("staff_a"))  # staff do not assign


def test_fixed_on_the_spot_hazard_waits_for_a_leaders_verification(city, people, data, client_for):
    fixed = hazard(
        city.school_a,
        people.staff_a,
        data.fire,
        created=at(2026, 6, 12, 9),
        status=Hazard.Status.PENDING_VERIFICATION,
        fixed_on_spot=True,
        owner=None,
    )
    target = reverse("inspections:hazard_detail", args=[fixed.pk])
    assert target in _task_hrefs(client_for("leader_a"))


def test_approved_monthly_report_leaves_the_list(city, people, client_for):
    client = client_for("staff_a")
    report_url = reverse("monthly:report", args=[city.school_a.pk, "2026-06"])
    assert report_url in _task_hrefs(client)
    report(city.school_a, "2026-06", MonthlyReport.Status.APPROVED, at(2026, 6, 12, 9))
    assert report_url not in _task_hrefs(client)
    tasks = client.get(reverse("dashboards:home")).context["tasks"]
    assert all(row.needs_action for row in tasks.reports)


def test_the_countys_own_monthly_report_is_on_the_officials_home(city, client_for):
    client = client_for("county_official")
    own = reverse("monthly:report", args=[city.county_a.pk, "2026-05"])
    assert own in _task_hrefs(client)
    assert client.get(own).status_code == 200
    report(city.county_a, "2026-05", MonthlyReport.Status.APPROVED, at(2026, 6, 9, 9))
    assert own not in _task_hrefs(client)
    home = client.get(reverse("dashboards:home"))
    own_months = reverse("monthly:unit", args=[city.county_a.pk])
    assert own_months in {link["href"] for link in page_links(home.content)}


@pytest.mark.parametrize("persona", ["county_official", "city_official", "other_county_official"])
def test_bureau_officials_menu_has_inspections_and_spot_checks(persona, client_for):
    response = client_for(persona).get(reverse("dashboards:home"))
    urls = {item["url"] for item in response.context["nav_items"]}
    assert reverse("inspections:inspection_list") in urls
    assert reverse("inspections:draw_new") in urls


def test_administrators_menu_has_no_page_they_cannot_use(client_for):
    response = client_for("county_admin").get(reverse("dashboards:home"))
    urls = {item["url"] for item in response.context["nav_items"]}
    assert reverse("inspections:draw_new") not in urls


def test_county_bureaus_own_gaps_are_counted(city, client_for):
    own = school_coverage(city.county_a, today=datetime.date(2026, 6, 15)).gap_count
    assert own > 0  # nobody holds the bureau's required posts
    response = client_for("county_official").get(reverse("dashboards:home"))
    assert response.context["gap_count"] == own
    grid = client_for("county_official").get(reverse("responsibility:coverage_grid"))
    rows = {row.school_id: row.gap_count for row in grid.context["page"].object_list}
    assert rows[city.county_a.pk] == own
    assert grid.context["units_with_gaps"] == len([gaps for gaps in rows.values() if gaps])


def test_bureaus_appear_in_the_citys_grid(city, client_for):
    grid = client_for("city_official").get(reverse("responsibility:coverage_grid"))
    shown = {row.school_id for row in grid.context["page"].object_list}
    assert {city.city.pk, city.county_a.pk, city.county_b.pk} <= shown
    figures = {
        figure.key: figure
        for figure in client_for("city_official")
        .get(reverse("dashboards:home"))
        .context["dashboard"]
        .figures
    }
    assert figures["coverage_rate"].total == 7  # four schools and three bureaus
