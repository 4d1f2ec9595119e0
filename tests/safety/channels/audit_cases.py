"""How to call each channel service that names its change, for the one-row-per-change table
of tests/safety/test_audit_rows.py (issue #21)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from safety.channels import services


def _channel_profile_update(city, people):
    services.channel_profile_update(
        actor=people.county_admin,
        account=people.county_official,
        phone="",
        fields={"wecom_user_id": "ZhangSan"},
    )

    def call():
        return services.channel_profile_update(
            actor=people.county_admin,
            account=people.county_official,
            phone="13800000000",
            fields={"wecom_user_id": "LiSi", "urgent_channels": ["wecom", "sms"]},
        )

    return people.county_admin, call, "channels.profile", {"wecom_user_id", "urgent_channels"}


CHANNELS_CASES: dict[str, Callable[[Any, Any], tuple]] = {
    "safety.channels.services.channel_profile_update": _channel_profile_update,
}
