"""The province's home (#23): the city dashboard's figures one level up.

The province official's home reuses the bureau dashboard (reporting.dashboards.selectors)
with the city as the breakdown level: the filter "one level down" picks a city (the scope
narrows by path, as a county does for a city), the overdue hazards are counted per city,
and the units table lists the cities with the schools below each. Opening a city from the
table narrows the home to it (its counties listed); a county opens the schools list; a
school opens the school page — the drill-down province → city → county → school.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.urls import reverse

from safety.models import PATH_SEGMENT_WIDTH, Organisation
from safety.onerow import JsonRows, rows_of

SCHOOL = Organisation.Kind.SCHOOL
# A province is always a root (safety.models' check constraint), so a city's path is the
# first two segments of every path below it.
CITY_PATH_LENGTH = 2 * (PATH_SEGMENT_WIDTH + 1)
WORST_CITIES = 10
BUREAU_KEYS = ("pk", "path", "name", "kind")


def bureaus_column(province: Organisation) -> JsonRows:
    """The province's bureaus (its cities and their counties: a hundred rows or so) with
    their paths, as a column of the home's one-row query: `overdue_by_city` adds the open
    rows' overdue hazards, which come per bureau (from the tally), up to each city."""
    bureaus = Organisation.objects.filter(
        path__startswith=province.path, kind__in=(Organisation.Kind.CITY, Organisation.Kind.COUNTY)
    )
    return rows_of(bureaus.order_by().values("pk", "path", "name", "kind"), BUREAU_KEYS)


def overdue_by_city(
    per_bureau: dict[int, int], bureaus: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Overdue open hazards per city of the province, the worst ten first:
    [{"name", "count", "url"}], `url` the ledger filtered to the city. `per_bureau`: the
    dashboard's overdue hazards per bureau (HazardCounts.overdue_per_bureau: the tally on
    PostgreSQL, never a scan of the ledger — #23: grouping the overdue hazards by city took
    1.1 s at 2,000 schools); `bureaus`: the rows of `bureaus_column`. Hazards of a bureau
    outside every city (none by the tree's rules) count under "—"."""
    city_of = {row["pk"]: row["path"][:CITY_PATH_LENGTH] for row in bureaus}
    cities = {row["path"]: row for row in bureaus if row["kind"] == Organisation.Kind.CITY}
    totals: dict[str, int] = {}
    for bureau_id, count in per_bureau.items():
        path = city_of.get(bureau_id, "")
        totals[path] = totals.get(path, 0) + count
    ledger = reverse("inspections:ledger")
    worst = sorted(totals.items(), key=lambda item: (-item[1], item[0]))[:WORST_CITIES]
    return [
        {
            "name": cities[path]["name"] if path in cities else "—",
            "count": count,
            "url": f"{ledger}?overdue=1&county={cities[path]['pk']}" if path in cities else "",
        }
        for path, count in worst
    ]


CITY_FIGURES = ("city_path", "school_count", "boarding_count", "student_total", "staff_total")


def province_cities(province: Organisation) -> QuerySet[Organisation]:
    """The units directly below the province (its cities), as the bureau home's units table
    lists them; `with_city_figures` adds their figures from `city_figures_column`."""
    return Organisation.objects.filter(parent=province).order_by("kind", "name_sort_key")


def city_figures_column(province: Organisation) -> JsonRows:
    """The active schools below each city of the province (however deep), their boarding
    schools and headcounts, grouped by the city's path prefix, as a column of the home's
    one-row query: one pass over the province's schools (#23: a correlated subquery per
    figure and city matched each city's path as a pattern that no index serves, 40 scans of
    the 20,000 schools, 176 ms)."""
    schools = Organisation.objects.filter(
        path__startswith=province.path, kind=SCHOOL, is_active=True
    )
    rows = (
        schools.order_by()
        .annotate(city_path=Substr("path", 1, CITY_PATH_LENGTH))
        .values("city_path")
        .annotate(
            school_count=Count("id"),
            boarding_count=Count("id", filter=Q(is_boarding=True)),
            student_total=Sum("student_count"),
            staff_total=Sum("staff_count"),
        )
    )
    return rows_of(rows, CITY_FIGURES)


def with_city_figures(cities: Iterable[Organisation], rows: list[dict[str, Any]]) -> list:
    """`cities` (a page of `province_cities`) with the fields the units table reads
    (`school_count`, `boarding_count`, `student_total`, `staff_total`) from the rows of
    `city_figures_column` (0 for a city without schools)."""
    by_path = {row["city_path"]: row for row in rows}
    cities = list(cities)
    for city in cities:
        row = by_path.get(city.path, {})
        for name in CITY_FIGURES[1:]:
            setattr(city, name, row.get(name) or 0)
    return cities


def is_province_level(unit: Organisation, narrowed: Organisation | None) -> bool:
    """True when the home shows the whole province (no city chosen)."""
    return unit.kind == Organisation.Kind.PROVINCE and narrowed is None
