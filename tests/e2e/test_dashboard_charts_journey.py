"""The bureau homes' charts in Chromium (#23): drawn by the vendored Apache ECharts from the
page's JSON blocks, hover values, a click opens the list behind a bar with the same count, a
unit's name opens the level below, on a desktop and on a 375 px phone; without ECharts the
server's SVG charts stay, with an accessible name and a text alternative."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from safety.models import Organisation
from tests.e2e.test_journey import DESKTOP, PHONE, log_in
from tests.e2e.test_province_journey import province  # noqa: F401 - the fixture

CHARTS = ("trend", "areas", "overdue", "categories")

# The viewport point of one bar's middle: (chart's data id, series, row).
BAR_POINT = """([id, series, row]) => {
  const container = document.querySelector(`[data-chart-data="${id}"]`);
  const chart = echarts.getInstanceByDom(container);
  const spec = JSON.parse(document.getElementById(id).textContent);
  const base = spec.kind === "stacked"  // a segment starts where the ones before it end
    ? spec.series.slice(0, series).reduce((sum, one) => sum + one.values[row], 0) : 0;
  const value = base + spec.series[series].values[row];
  const horizontal = spec.kind !== "columns";
  const start = chart.convertToPixel({seriesIndex: series}, horizontal ? [base, row] : [row, base]);
  const end = chart.convertToPixel({seriesIndex: series}, horizontal ? [value, row] : [row, value]);
  const box = container.getBoundingClientRect();
  return {x: box.left + (start[0] + end[0]) / 2, y: box.top + (start[1] + end[1]) / 2};
}"""


def _errors(page: Page) -> list[str]:
    """Console errors and uncaught exceptions of the page, collected as it runs."""
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def _spec(page: Page, key: str) -> dict:
    return json.loads(page.locator(f"#chart-{key}-data").text_content())


def _check_live_charts(page: Page) -> None:
    """Every chart is drawn by ECharts (the SVG fallback gone) at its container's width, with
    an accessible name, and keeps its table of numbers."""
    for key in CHARTS:
        section = page.get_by_test_id(f"chart-{key}")
        if not page.locator(f"#chart-{key}-data").count() or not _spec(page, key)["labels"]:
            continue  # nothing to draw (no overdue hazard): the page says so in words
        canvas = section.locator(".chart-canvas")
        expect(canvas).to_have_class(re.compile("chart-live"))
        expect(canvas).to_have_attribute("role", "img")
        assert canvas.get_attribute("aria-label")
        assert section.locator('svg[role="img"]').count() == 0  # the server's SVG replaced
        drawing = canvas.locator("svg").first
        expect(drawing).to_be_visible()
        chart_box, canvas_box = drawing.bounding_box(), canvas.bounding_box()
        assert chart_box["height"] > 100
        assert chart_box["width"] <= canvas_box["width"] + 1
    assert page.locator('[data-testid="chart-table"]').count() == 4


def _hover_then_open(page: Page, base: str, key: str, series: int = 0, row: int = 0) -> None:
    """Hover a bar: the tooltip shows its value; click it: the list behind it shows as many."""
    spec = _spec(page, key)
    value, url = spec["series"][series]["values"][row], spec["series"][series]["urls"][row]
    assert value and url
    page.get_by_test_id(f"chart-{key}").scroll_into_view_if_needed()
    point = page.evaluate(BAR_POINT, [f"chart-{key}-data", series, row])
    page.mouse.move(point["x"], point["y"])
    tooltip = page.get_by_test_id(f"chart-{key}").locator("[data-tooltip-value]")
    expect(tooltip.nth(series)).to_have_text(str(value))
    expect(page.get_by_test_id(f"chart-{key}")).to_contain_text(spec["labels"][row])
    page.mouse.click(point["x"], point["y"])
    expect(page).to_have_url(base + url)
    expect(page.get_by_test_id("result-count")).to_have_text(re.compile(rf"^\D*{value}\D"))


def _home(page: Page, base: str, username: str) -> list[str]:
    """Log in, check the live charts; the console errors from then on."""
    errors = _errors(page)
    log_in(page, base, username)
    _check_live_charts(page)
    return errors


def _drill(page: Page, name: str) -> None:
    """Click a unit's name in the chart of units."""
    chart = page.get_by_test_id("chart-overdue")
    chart.scroll_into_view_if_needed()
    chart.locator("svg text", has_text=name).first.click()


@pytest.mark.browser_context_args(viewport=DESKTOP, locale="zh-CN")
def test_city_home_charts_show_values_open_lists_and_drill_down(page: Page, live_server, demo_city):
    base = live_server.url
    errors = _home(page, base, "city.official")
    # The chart of units: a county's bar opens its overdue hazards in the ledger.
    overdue = _spec(page, "overdue")
    assert overdue["drill"][0].startswith("/?county=")
    _hover_then_open(page, base, "overdue")
    # A stacked segment (the major hazards of an area) opens the same list with its severity.
    page.go_back()
    areas = _spec(page, "areas")
    row = next(i for i, value in enumerate(areas["series"][1]["values"]) if value)
    _hover_then_open(page, base, "areas", series=1, row=row)
    assert "severity=major" in page.url
    # Drill-down: the county's name opens the home narrowed to it, its schools charted.
    page.go_back()
    county = Organisation.objects.get(pk=overdue["drill"][0].split("=")[-1])
    _drill(page, county.name)
    expect(page).to_have_url(f"{base}/?county={county.pk}")
    expect(page.locator("#id_county")).to_have_value(str(county.pk))
    expect(page.locator("#overdue-title")).to_have_text("各学校逾期隐患")
    schools = _spec(page, "overdue")
    assert schools["drill"][0].startswith("/schools/?q=")
    # … and a school's name the schools list with that school, which opens its page.
    _drill(page, schools["labels"][0][:6])
    expect(page).to_have_url(base + schools["drill"][0])
    page.locator("main").get_by_role("link", name=schools["labels"][0]).first.click()
    expect(page.locator("h1")).to_contain_text(schools["labels"][0])
    assert errors == []


@pytest.mark.browser_context_args(viewport=PHONE, locale="zh-CN")
def test_county_home_charts_on_a_phone(page: Page, live_server, demo_city):
    errors = _home(page, live_server.url, "jc.official")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    # Turned to a desktop width and back, the charts follow their containers.
    page.set_viewport_size(DESKTOP)
    page.wait_for_timeout(300)
    _check_live_charts(page)
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(300)
    _check_live_charts(page)
    row = next(
        i for i, value in enumerate(_spec(page, "categories")["series"][0]["values"]) if value
    )
    _hover_then_open(page, live_server.url, "categories", row=row)
    assert errors == []


@pytest.mark.browser_context_args(viewport=PHONE)
def test_without_echarts_the_svg_charts_stay(page: Page, live_server, demo_city):
    """The ECharts file not loaded (blocked, old browser, a proxy's error): the server's SVG
    charts stay, each with a name, a title and its table, and fit the phone."""
    page.route("**/vendor/echarts/**", lambda route: route.abort())
    log_in(page, live_server.url, "jc.official")
    charts = page.locator('main svg[role="img"]')
    expect(charts.first).to_be_visible()
    assert charts.count() >= 3
    for index in range(charts.count()):
        chart = charts.nth(index)
        expect(chart).to_be_visible()
        assert chart.get_attribute("aria-label")
        assert chart.locator("title").count() == 1
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0


@pytest.mark.usefixtures("province")
@pytest.mark.browser_context_args(viewport=DESKTOP, locale="zh-CN")
def test_province_chart_drills_to_a_city(page: Page, live_server):
    """The province's chart by city: a city's name opens the home narrowed to that city."""
    base = live_server.url
    errors = _home(page, base, "province.official")
    cities = _spec(page, "overdue")
    assert cities["drill"][0].startswith("/?county=")
    city = Organisation.objects.get(pk=cities["drill"][0].split("=")[-1], kind="city")
    _drill(page, city.name[:6])
    expect(page).to_have_url(f"{base}/?county={city.pk}")
    expect(page.locator("#overdue-title")).to_have_text("各学校逾期隐患")
    expect(page.get_by_test_id("chart-overdue").locator(".chart-live")).to_be_visible()
    assert errors == []
