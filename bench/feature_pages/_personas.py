"""What the feature rows share (not a module of rows: the leading underscore keeps it out of
`bench.feature_pages.modules`): the personas and the records they are measured on."""

from __future__ import annotations

from safety.models import User

STAFF = "s00001.staff"
LEADER = "s00001.leader"
CITY = "city.official"
COUNTY = "c01.official"
PROVINCE = "province.official"
ANONYMOUS = "anonymous"


def own_school() -> int:
    """The school of the school personas (s00001.staff and s00001.leader)."""
    return User.objects.values_list("unit_id", flat=True).get(username=STAFF)


def county() -> int:
    """The county of the county persona (c01.official)."""
    return User.objects.values_list("unit_id", flat=True).get(username=COUNTY)
