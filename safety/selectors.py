"""Reads shared by views: already scoped, with the joins and aggregates they need."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from .models import Organisation, User

SCHOOL = Organisation.Kind.SCHOOL


def school_list(*, user: User, filters: dict[str, Any]) -> QuerySet[Organisation]:
    """Schools the user may see, filtered by the school-list form's cleaned data."""
    schools = Organisation.objects.visible_to(user).schools().select_related("parent")
    query = (filters.get("q") or "").strip()
    if query:
        schools = schools.filter(
            Q(name__icontains=query) | Q(code__startswith=query) | Q(address__icontains=query)
        )
    if filters.get("county"):
        schools = schools.below(filters["county"])
    if filters.get("school_type"):
        schools = schools.filter(school_type=filters["school_type"])
    if filters.get("boarding") in ("yes", "no"):
        schools = schools.filter(is_boarding=filters["boarding"] == "yes")
    if filters.get("locality"):
        schools = schools.filter(locality=filters["locality"])
    status = filters.get("status") or "active"
    if status != "all":
        schools = schools.filter(is_active=status == "active")
    return schools


def counties_visible_to(user: User) -> QuerySet[Organisation]:
    return Organisation.objects.visible_to(user).filter(kind=Organisation.Kind.COUNTY)


def jurisdiction_totals(unit: Organisation) -> dict[str, int]:
    """Headline counts of the active schools below a bureau, in one query."""
    totals = (
        Organisation.objects.below(unit)
        .schools()
        .filter(is_active=True)
        .aggregate(
            schools=Count("id"),
            boarding=Count("id", filter=Q(is_boarding=True)),
            rural=Count("id", filter=Q(locality=Organisation.Locality.RURAL)),
            students=Sum("student_count"),
            staff=Sum("staff_count"),
        )
    )
    return {key: value or 0 for key, value in totals.items()}


def schools_by_type(unit: Organisation) -> list[dict[str, Any]]:
    labels = dict(Organisation.SchoolType.choices)
    rows = (
        Organisation.objects.below(unit)
        .schools()
        .filter(is_active=True)
        .values("school_type")
        .annotate(count=Count("id"), students=Sum("student_count"))
        .order_by("school_type")
    )
    order = list(labels)
    return sorted(
        ({"label": labels[row["school_type"]], **row} for row in rows),
        key=lambda row: order.index(row["school_type"]),
    )


def bureau_units(unit: Organisation) -> QuerySet[Organisation]:
    """The units directly below a bureau, each with its school and headcount totals.

    Counties count the schools below them; a school child reports its own headcounts.
    """
    active_schools = Q(children__kind=SCHOOL, children__is_active=True)
    return (
        Organisation.objects.filter(parent=unit)
        .annotate(
            school_count=Count("children", filter=active_schools),
            boarding_count=Count("children", filter=active_schools & Q(children__is_boarding=True)),
            student_total=Sum("children__student_count", filter=active_schools),
            staff_total=Sum("children__staff_count", filter=active_schools),
        )
        .order_by("kind", "name_sort_key")
    )


def school_accounts(school: Organisation) -> QuerySet[User]:
    return User.objects.filter(organisation=school, is_active=True).order_by("role", "username")
