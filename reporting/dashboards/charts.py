"""The dashboard's charts: server-side SVG from reporting.monthly.charts (no JavaScript,
no CDN). Each chart is followed in the page by a table with the same numbers (the text
alternative, also the place for the links)."""

from __future__ import annotations

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from reporting.charts import bar_chart_svg, column_chart_svg, stacked_bar_chart_svg

from .selectors import BureauDashboard

BLUE, GREEN, RED, ORANGE = "#0d6efd", "#198754", "#dc3545", "#fd7e14"
# Narrow enough to be drawn at full size on a 375 px phone (no scaling down of the text).
WIDTH = 340


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
