"""The province's home (#23): the city dashboard's figures one level up.

The province official's home reuses the bureau dashboard (reporting.dashboards.selectors)
with the city as the breakdown level: the filter "one level down" picks a city (the scope
narrows by path, as a county does for a city), the overdue hazards are counted per city,
and the units table lists the cities with the schools below each. Opening a city from the
table narrows the home to it (its counties listed); a county opens the schools list; a
school opens the school page — the drill-down province → city → county → school.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, Substr
from django.urls import reverse

from safety.models import PATH_SEGMENT_WIDTH, Organisation
from safety.onerow import JsonRows, rows_of

SCHOOL = Organisation.Kind.SCHOOL
# A province is always a root (safety.models' check constraint), so a city's path is the
# first two segments of every path below it.
CITY_PATH_LENGTH = 2 * (PATH_SEGMENT_WIDTH + 1)
WORST_CITIES = 10


def overdue_by_city_column(overdue: QuerySet) -> JsonRows:
    """Overdue open hazards per city of the province, the worst first, as a column of the
    home's one-row query (`overdue_by_city` reads it). `overdue` is the scoped queryset of
    overdue open hazards; the city's name comes by a subquery on its path."""
    names = Organisation.objects.filter(path=OuterRef("city_path"))
    rows = (
        overdue.annotate(city_path=Substr("school__path", 1, CITY_PATH_LENGTH))
        .values("city_path")
        .annotate(
            count=Count("id"),
            name=Subquery(names.values("name")[:1]),
            city_id=Subquery(names.values("pk")[:1]),
        )
        .order_by("-count", "city_path")[:WORST_CITIES]
    )
    return rows_of(rows, ("city_path", "count", "name", "city_id"))


def overdue_by_city(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows of `overdue_by_city_column`, worst first: [{"name", "count", "url"}], `url`
    the ledger filtered to the city."""
    ledger = reverse("inspections:ledger")
    return [
        {
            "name": row["name"] or "—",
            "count": row["count"],
            "url": f"{ledger}?overdue=1&county={row['city_id']}" if row["city_id"] else "",
        }
        for row in sorted(rows, key=lambda row: (-row["count"], row["city_path"]))
    ]


def province_cities(province: Organisation) -> QuerySet[Organisation]:
    """The units directly below the province (its cities) with the active schools below each
    (however deep), their boarding schools and headcounts: the fields the bureau home's
    units table reads (`school_count`, `boarding_count`, `student_total`, `staff_total`).
    One query with a correlated subquery per figure over the indexed path prefix."""

    def below(value: Any, *, boarding: bool = False) -> Subquery:
        schools = Organisation.objects.filter(
            path__startswith=OuterRef("path"), kind=SCHOOL, is_active=True
        )
        if boarding:
            schools = schools.filter(is_boarding=True)
        return Coalesce(
            Subquery(schools.order_by().values("kind").annotate(v=value).values("v")[:1]), 0
        )

    return (
        Organisation.objects.filter(parent=province)
        .annotate(
            school_count=below(Count("id")),
            boarding_count=below(Count("id"), boarding=True),
            student_total=below(Sum("student_count")),
            staff_total=below(Sum("staff_count")),
        )
        .order_by("kind", "name_sort_key")
    )


def is_province_level(unit: Organisation, narrowed: Organisation | None) -> bool:
    """True when the home shows the whole province (no city chosen)."""
    return unit.kind == Organisation.Kind.PROVINCE and narrowed is None
