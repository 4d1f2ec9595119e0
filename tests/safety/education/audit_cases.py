"""How to call each safety-education service that names its change, for the
one-row-per-change table of tests/safety/test_audit_rows.py (issue #17)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from safety.education import services

APPOINTMENT = {
    "name": "王警官",
    "organisation_kind": "police",
    "organisation": "城关派出所",
    "starts_on": datetime.date(2026, 9, 1),
    "ends_on": datetime.date(2027, 8, 31),
}


def _record_create(city, people):
    def call():
        return services.record_create(
            actor=people.staff_a,
            school=city.school_a,
            fields={
                "topic": "drowning",
                "held_on": datetime.date(2026, 10, 12),
                "classes": "三年级1班",
                "pupils": 40,
                "hours": Decimal("1"),
            },
        )

    return people.staff_a, call, "education.record", {"topic", "pupils"}


def _plan_save(city, people):
    services.plan_save(
        actor=people.staff_a, school=city.school_a, term="2026-autumn", fields={"classes": "一班"}
    )

    def call():
        return services.plan_save(
            actor=people.staff_a,
            school=city.school_a,
            term="2026-autumn",
            fields={"classes": "一班\n二班"},
        )

    return people.staff_a, call, "education.plan", {"classes"}


def _settings_save(city, people):
    services.settings_save(
        actor=people.county_official, bureau=city.county_a, min_hours_per_pupil=Decimal("1")
    )

    def call():
        return services.settings_save(
            actor=people.county_official, bureau=city.county_a, min_hours_per_pupil=Decimal("2")
        )

    return people.county_official, call, "education.settings", {"min_hours_per_pupil"}


def _legal_vp_appoint(city, people):
    def call():
        return services.legal_vp_appoint(
            actor=people.leader_a, school=city.school_a, fields=APPOINTMENT
        )

    return people.leader_a, call, "education.legal_vp_appoint", {"name", "ends_on"}


EDUCATION_CASES: dict[str, Callable[[Any, Any], tuple]] = {
    f"safety.education.services.{name}": case
    for name, case in {
        "record_create": _record_create,
        "plan_save": _plan_save,
        "settings_save": _settings_save,
        "legal_vp_appoint": _legal_vp_appoint,
    }.items()
}
