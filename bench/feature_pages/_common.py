"""Personas and lookups the feature rows share (#23)."""

from __future__ import annotations

from safety.models import Organisation, User

from ._personas import CITY, COUNTY, LEADER, PROVINCE, STAFF

__all__ = ["CITY", "COUNTY", "LEADER", "PROVINCE", "STAFF", "first", "unit_of"]


def unit_of(username: str) -> Organisation:
    return User.objects.select_related("unit").get(username=username).unit


def first(queryset) -> int:
    """The id of the first row of `queryset` (ordered by the caller); raises LookupError when
    the generated database has none (a feature step did not run)."""
    pk = queryset.values_list("pk", flat=True).first()
    if pk is None:
        raise LookupError(f"no {queryset.model._meta.label} in the generated database")
    return pk
