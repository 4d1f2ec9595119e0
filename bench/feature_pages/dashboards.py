"""The dashboard's CSV download (#23), streamed: the row measures the response object."""

from __future__ import annotations

from bench.feature_pages._common import CITY, COUNTY

PAGES = [
    ("dashboard_csv", "Dashboard figures (CSV, streamed)", CITY, "/dashboard.csv", None),
    ("dashboard_csv", "Dashboard figures (CSV, streamed)", COUNTY, "/dashboard.csv", None),
]
LIST_KEYS: set[str] = set()


def ids() -> dict[str, int]:
    return {}
