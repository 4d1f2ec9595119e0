"""The demo city (`manage.py seed_demo`, `make run`): each app seeds its own rows through its
`demo.seed()`, lowest app first, so no product app imports a higher one. Safe to run again."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from inspections import demo as inspections_demo
from inspections.risks import demo as risks_demo  # #20 risk grading
from reporting.incidents import demo as incidents_demo
from reporting.monthly import demo as monthly_demo
from safety import demo as safety_demo


@dataclass(frozen=True)
class Seeded:
    created_units: int
    created_accounts: int


@transaction.atomic
def seed_demo_city() -> Seeded:
    """Load the demo city and every feature's demo rows; rows that exist are left as they are."""
    created_units, created_accounts = safety_demo.seed()
    inspections_demo.seed()
    incidents_demo.seed()
    safety_demo.seed_responsibilities()
    monthly_demo.seed()
    risks_demo.seed()  # #20 risk grading
    return Seeded(created_units=created_units, created_accounts=created_accounts)
