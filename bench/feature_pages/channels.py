"""Benchmark rows of the delivery channels (safety/channels, demo/features/channels): a
person's own channels, and an administrator's page of an account's channels; the
administrators' undelivered list is in bench/pages.py (its province row here)."""

from __future__ import annotations

from bench.feature_pages._personas import CITY, STAFF, county
from safety.models import User

COUNTY_ADMIN = "c01.admin"

PAGES: list[tuple[str, str, str, str, str | None]] = [
    ("channels_mine", "My notification channels", STAFF, "/channels/", None),
    ("channels_mine", "My notification channels", CITY, "/channels/", None),
    ("channels_account", "An account's channels (administrator)", COUNTY_ADMIN,
     "/channels/accounts/{channel_account}/", None),
    ("channel_reach", "Undelivered notices", "province.admin", "/channels/reach/", None),
]  # fmt: skip

LIST_KEYS: set[str] = set()


def ids() -> dict[str, int]:
    """A school staff account in the county administrator's county."""
    account = (
        User.objects.filter(unit__parent_id=county(), role=User.Role.SCHOOL_STAFF, is_active=True)
        .order_by("id")
        .values_list("id", flat=True)[0]
    )
    return {"channel_account": account}
