"""Reads shared by views: scoped, with their joins and aggregates already applied."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from safety.models import User

from . import tally
from .models import Hazard, HazardEvent, HazardTally, Inspection, Photo

LEDGER_COLUMNS = (
    "id",
    "created_at",
    "school__name",
    "area__name_zh",
    "location",
    "description",
    "kind",
    "severity",
    "source",
    "status",
    "is_overdue",
    "deadline",
    "owner__full_name",
    "supervisor__full_name",
    "closed_at",
)


def ledger_queryset(*, user: User, filters: dict[str, Any]) -> QuerySet[Hazard]:
    """The hazards of the user's jurisdiction matching every filter except status (the
    status counts are computed over this set)."""
    hazards = Hazard.objects.visible_to(user)
    query = (filters.get("q") or "").strip()
    if query:
        hazards = hazards.filter(Q(description__icontains=query) | Q(location__icontains=query))
    if filters.get("open"):
        hazards = hazards.exclude(status=Hazard.Status.CLOSED)
    if filters.get("overdue"):
        hazards = hazards.filter(is_overdue=True).exclude(status=Hazard.Status.CLOSED)
    for field in ("area", "severity", "kind", "source"):
        if filters.get(field):
            hazards = hazards.filter(**{field: filters[field]})
    if filters.get("county"):
        hazards = hazards.filter(school__path__startswith=filters["county"].path)
    if filters.get("school"):
        hazards = hazards.filter(
            Q(school__name__icontains=filters["school"]) | Q(school__code=filters["school"])
        )
    if filters.get("date_from"):
        hazards = hazards.filter(created_at__date__gte=filters["date_from"])
    if filters.get("date_to"):
        hazards = hazards.filter(created_at__date__lte=filters["date_to"])
    return hazards


def ledger(*, user: User, filters: dict[str, Any]) -> tuple[QuerySet[Hazard], dict[str, int], int]:
    """(rows, counts per status, total of the rows). One grouped COUNT feeds the status
    badges and the paginator, so a page costs the same number of queries at any size."""
    base = ledger_queryset(user=user, filters=filters)
    counts = dict.fromkeys(Hazard.Status.values, 0)
    counts.update(dict(status_counts(user=user, filters=filters, hazards=base)))
    status = filters.get("status")
    rows = base.filter(status=status) if status else base
    total = counts.get(status, 0) if status else sum(counts.values())
    rows = rows.select_related("school", "area", "owner").order_by("-created_at", "-id")
    return rows, counts, total


# Filters the hazard tally can answer (equality on its key, or a bureau's subtree).
TALLY_FILTERS = frozenset({"area", "severity", "kind", "source", "status", "overdue", "county"})


def status_counts(*, user: User, filters: dict[str, Any], hazards: QuerySet[Hazard]):
    """(status, count) pairs of the ledger's rows before the status filter.

    A bureau's ledger with only tally filters sums the tally (a few thousand rows whatever
    the size of the ledger); a school's ledger, a text search or a date range counts the
    hazards themselves (a school's are few; the others are bounded by their own filter)."""
    organisation = getattr(user, "organisation", None)
    bureau_scope = user.is_superuser or (organisation is not None and organisation.is_bureau)
    other_filters = {key for key, value in filters.items() if value} - TALLY_FILTERS
    if not (tally.is_kept() and bureau_scope and not other_filters):
        return hazards.order_by().values_list("status").annotate(n=Count("id"))
    rows = HazardTally.objects.visible_to(user)
    for field in ("area", "severity", "kind", "source"):
        if filters.get(field):
            rows = rows.filter(**{field: filters[field]})
    if filters.get("overdue"):
        rows = rows.filter(is_overdue=True).exclude(status=Hazard.Status.CLOSED)
    if filters.get("county"):
        rows = rows.filter(bureau__path__startswith=filters["county"].path)
    return rows.order_by().values_list("status").annotate(n=Sum("count"))


def export_rows(*, user: User, filters: dict[str, Any]):
    rows, _counts, _total = ledger(user=user, filters=filters)
    return rows.values_list(*LEDGER_COLUMNS).iterator(chunk_size=2000)


def hazard_for_detail(queryset: QuerySet[Hazard]) -> QuerySet[Hazard]:
    return queryset.select_related(
        "school", "area", "reporter", "owner", "supervisor", "inspection"
    ).prefetch_related(
        Prefetch("photos", queryset=Photo.objects.filter(event__isnull=True)),
        Prefetch(
            "events",
            queryset=HazardEvent.objects.select_related("actor").prefetch_related("photos"),
        ),
    )


def inspection_list(*, user: User) -> QuerySet[Inspection]:
    return (
        Inspection.objects.visible_to(user)
        .select_related("school", "inspector", "checklist__template__area")
        .annotate(hazard_count=Count("hazards"))
        .order_by("-created_at", "-id")
    )
