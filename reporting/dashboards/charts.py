"""The dashboard's charts: server-side SVG from reporting.monthly.charts (no JavaScript,
no CDN). Each chart is followed in the page by a table with the same numbers (the text
alternative, also the place for the links)."""

from __future__ import annotations

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from reporting.monthly.charts import bar_chart_svg, column_chart_svg, stacked_bar_chart_svg

from .selectors import BureauDashboard

BLUE, GREEN, RED, ORANGE = "#0d6efd", "#198754", "#dc3545", "#fd7e14"


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
        ),
        "areas": stacked_bar_chart_svg(
            [(row["area"].name, [row["general"], row["major"]]) for row in dashboard.areas],
            [(_("General"), ORANGE), (_("Major"), RED)],
            title=_("Open hazards by safety area and severity"),
        ),
        "overdue": bar_chart_svg(
            [(row["name"], row["count"], RED) for row in dashboard.overdue],
            title=_("Overdue hazards, worst first"),
        ),
        "categories": bar_chart_svg(
            [(str(row["label"]), row["count"], BLUE) for row in dashboard.categories],
            title=_("Incidents by category"),
        ),
    }
