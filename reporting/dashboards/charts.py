"""The dashboard's charts: server-side SVG from reporting.charts (no JavaScript, no CDN),
and the same series as data for the interactive charts drawn in the browser (#23). Each chart
is followed in the page by a table with the same numbers (the text alternative, also the
place for the links)."""

from __future__ import annotations

from typing import Any, TypedDict
from urllib.parse import parse_qs, urlsplit

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from reporting.charts import bar_chart_svg, column_chart_svg, stacked_bar_chart_svg

from .selectors import BureauDashboard, link

BLUE, GREEN, RED, ORANGE = "#0d6efd", "#198754", "#dc3545", "#fd7e14"
# Narrow enough to be drawn at full size on a 375 px phone (no scaling down of the text).
WIDTH = 340


class Series(TypedDict):
    name: str
    colour: str
    values: list[int]
    urls: list[str]  # the list behind each value ("" where there is none)


ChartSpec = dict[str, Any]


def short(label: str, length: int = 10) -> str:
    """Long names are cut in the chart; the table under it has them in full."""
    label = str(label)
    return label if len(label) <= length else label[: length - 1] + "…"


def bureau_charts(dashboard: BureauDashboard) -> dict[str, SafeString]:
    trend = dashboard.trend
    return {
        "trend": column_chart_svg(
            [f"{row['month']:%m}" for row in trend],
            [
                (_("Found"), BLUE, [row["found"] for row in trend]),
                (_("Closed"), GREEN, [row["closed"] for row in trend]),
            ],
            title=_("Hazards found and closed per month"),
            width=WIDTH,
        ),
        "areas": stacked_bar_chart_svg(
            [
                (short(row["area"].name, 9), [row["general"], row["major"]])
                for row in dashboard.areas
            ],
            [(_("General"), ORANGE), (_("Major"), RED)],
            title=_("Open hazards by safety area and severity"),
            width=WIDTH,
        ),
        "overdue": bar_chart_svg(
            [(short(row["name"], 12), row["count"], RED) for row in dashboard.overdue],
            title=_("Overdue hazards, worst first"),
            width=WIDTH,
        ),
        "categories": bar_chart_svg(
            [(short(row["label"], 12), row["count"], BLUE) for row in dashboard.categories],
            title=_("Incidents by category"),
            width=WIDTH,
        ),
    }


# --- The interactive charts (#23) -----------------------------------------------------------
# The same four series as JSON for static/js/dashboard-charts.js (Apache ECharts, vendored in
# static/vendor/echarts/): each point carries the URL of the list behind it, so a click opens
# the list that shows the same number; the chart of units carries the dashboard one level
# down for each unit (the drill-down). The page holds the JSON in a `json_script` block (type
# application/json, which the CSP lets through: it is never executed); the SVG above stays in
# the container as the picture without JavaScript, and the monthly PDFs keep their SVG charts.


def _series(name: str, colour: str, values: list[int], urls: list[str] | None = None) -> Series:
    return {"name": name, "colour": colour, "values": values, "urls": urls or [""] * len(values)}


def _chart(
    kind: str,
    title: str,
    labels: list[str],
    series: list[Series],
    *,
    hint: str,
    axis: list[str] | None = None,
    drill: list[str] | None = None,
    total: str = "",
) -> ChartSpec:
    spec = {
        "kind": kind,
        "title": title,
        "labels": labels,
        "axis": axis or labels,
        "series": series,
        "drill": drill or [],
        "hint": hint,
    }
    return {**spec, "total": total} if total else spec


def drill_url(list_url: str, keep: dict[str, str]) -> str:
    """The page one level down from a unit of the chart of units, read from the ledger link of
    its bar (reporting.dashboards.selectors builds it with the unit's filter): a city or a
    county opens the home narrowed to it (`?county=<id>`, the filter "one level down", with
    the period kept), a school the schools list found by its code (one row, opening the
    school page). "" for a row without a unit (the city-direct schools taken together)."""
    query = parse_qs(urlsplit(list_url).query)
    if query.get("school"):
        return link("school_list", q=query["school"][0])
    if query.get("county"):
        return link("dashboards:home", county=query["county"][0], **keep)
    return ""


def _trend_chart(trend: list[Any]) -> ChartSpec:
    """Hazards found and closed per month: only "found" has a list (the ledger by date)."""
    return _chart(
        "columns",
        _("Hazards found and closed per month"),
        [f"{row['month']:%Y-%m}" for row in trend],
        [
            _series(_("Found"), BLUE, [row["found"] for row in trend], [r["url"] for r in trend]),
            _series(_("Closed"), GREEN, [row["closed"] for row in trend]),
        ],
        hint=_("Click a column of hazards found to open them in the ledger."),
        axis=[f"{row['month']:%m}" for row in trend],
    )


def _areas_chart(areas: list[Any], hint: str) -> ChartSpec:
    """Open hazards per area split by severity: each segment opens its severity's list."""
    return _chart(
        "stacked",
        _("Open hazards by safety area and severity"),
        [row["area"].name for row in areas],
        [
            _series(
                label,
                colour,
                [row[severity] for row in areas],
                [f"{row['open_url']}&severity={severity}" for row in areas],
            )
            for severity, label, colour in (
                ("general", _("General"), ORANGE),
                ("major", _("Major"), RED),
            )
        ],
        hint=hint,
        total=_("Total"),  # the tooltip sums the severities
    )


def bureau_chart_data(dashboard: BureauDashboard, keep: dict[str, str]) -> dict[str, ChartSpec]:
    """The dashboard's charts as data for the browser: {"trend", "areas", "overdue",
    "categories"}, each {"kind": "columns" (grouped, vertical) | "bars" | "stacked"
    (horizontal), "title", "labels" (full names, for the tooltip), "axis" (what the axis
    writes), "series": [{"name", "colour", "values", "urls"}], "drill" (per label, "" for
    none), "hint"}, and for "stacked" "total" (the word before the sum). `keep` is the query
    the drill-down carries (the period). No query."""
    overdue = dashboard.overdue
    list_hint = _("Click a bar to open the list behind it.")
    drill = [drill_url(row["url"], keep) if row["url"] else "" for row in overdue]
    return {
        "trend": _trend_chart(dashboard.trend),
        "areas": _areas_chart(dashboard.areas, list_hint),
        "overdue": _chart(
            "bars",
            _("Overdue hazards, worst first"),
            [row["name"] for row in overdue],
            [
                _series(
                    _("Overdue"), RED, [r["count"] for r in overdue], [r["url"] for r in overdue]
                )
            ],
            hint=_("Click a bar to open the list behind it, a name to open the level below.")
            if any(drill)
            else list_hint,
            drill=drill,
        ),
        "categories": _chart(
            "bars",
            _("Incidents by category"),
            [row["label"] for row in dashboard.categories],
            [
                _series(
                    _("Incidents"),
                    BLUE,
                    [row["count"] for row in dashboard.categories],
                    [row["url"] for row in dashboard.categories],
                )
            ],
            hint=list_hint,
        ),
    }
