"""Personas and lookups the feature rows share (#23)."""

from __future__ import annotations

from safety.models import Organisation, User

CITY = "city.official"
COUNTY = "c01.official"
PROVINCE = "province.official"
STAFF = "s00001.staff"
LEADER = "s00001.leader"


def unit_of(username: str) -> Organisation:
    return User.objects.select_related("unit").get(username=username).unit


def first(queryset) -> int:
    """The id of the first row of `queryset` (ordered by the caller); raises LookupError when
    the generated database has none (a feature step did not run)."""
    pk = queryset.values_list("pk", flat=True).first()
    if pk is None:
        raise LookupError(f"no {queryset.model._meta.label} in the generated database")
    return pk
