"""The demo city (`manage.py seed_demo`, `make run`): each app seeds its own rows through its
`demo.seed()`, lowest app first, so no product app imports a higher one. Safe to run again."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from api import demo as api_demo
from inspections import demo as inspections_demo
from inspections import services as inspection_services
from inspections.campaigns import demo as campaigns_demo
from inspections.risks import demo as risks_demo  # #20 risk grading
from inspections.surroundings import demo as surroundings_demo
from reporting.activities import demo as activities_demo
from reporting.assessment import demo as assessment_demo  # #19 the year-end assessment
from reporting.incidents import demo as incidents_demo
from reporting.monthly import demo as monthly_demo
from reporting.notices import demo as notices_demo
from reporting.orders import demo as orders_demo
from safety import demo as safety_demo
from safety.channels import demo as channels_demo
from safety.education import demo as education_demo
from safety.guarding import demo as guarding_demo
from safety.models import User
from safety.preparedness import services as preparedness_services
from safety.responsibility import services as responsibility_services


@dataclass(frozen=True)
class Seeded:
    created_units: int
    created_accounts: int


@transaction.atomic
def seed_demo_city() -> Seeded:
    """Load the demo city and every feature's demo rows; rows that exist are left as they are."""
    created_units, created_accounts = safety_demo.seed()
    inspections_demo.seed()
    # #19: the holders first, so that the liability closure names the people dealt with.
    safety_demo.seed_responsibilities()
    incidents_demo.seed()
    monthly_demo.seed()
    # Bureau supervision (issue #18).
    campaigns_demo.seed()
    notices_demo.seed()
    orders_demo.seed()
    activities_demo.seed()  # activities and school buses (issue #16)
    # Emergency preparedness (issue #14): the showcase drill problem enters the ledger.
    problem = safety_demo.seed_preparedness()
    reporter = User.objects.filter(unit_id=problem.drill.unit_id).first() if problem else None
    if problem is not None and reporter is not None:
        inspection_services.hazard_from_drill_problem(actor=reporter, problem=problem)
    incidents_demo.flag_a_plan()  # #14: an incident flags a plan for review
    guarding_demo.seed()  # daily guarding (issue #15)
    # #17 education and surroundings
    education_demo.seed()
    surroundings_demo.seed()
    risks_demo.seed()  # #20 risk grading
    assessment_demo.seed()  # #19: last year published, this year open
    channels_demo.seed()  # #21 delivery channels: identities of some officials
    api_demo.seed()  # #22 the demo API client of 江城区
    responsibility_services.gap_summaries_refresh()  # #23: the coverage gap summaries
    preparedness_services.preparedness_summaries_refresh()  # #23: the coverage view's rows
    inspections_demo.seed_export()  # #23: a background export of the county official's
    return Seeded(created_units=created_units, created_accounts=created_accounts)
