"""Template helpers other apps' pages use to show inspections' side of their records.

The drill page of safety.preparedness shows its problems and their hazards with
`{% load inspections_tags %}{% drill_problems drill %}`. The night-patrol round page (a safety
template) shows, for each checkpoint with a problem,
the hazard made from it or the button that makes one:
`{% load inspections_tags %}{% patrol_hazard record %}`. safety's Python code never imports
inspections; only the template names this library (docs/decisions.md).
"""

from __future__ import annotations

from typing import Any

from django import template

from safety import roles
from safety.models import DrillProblem

from ..forms import DrillProblemHazardForm
from ..models import Hazard

register = template.Library()


@register.inclusion_tag("inspections/_drill_problems.html", takes_context=True)
def drill_problems(context: Any, drill: Any) -> dict[str, Any]:
    """The drill's problems, each with its hazard in the ledger or the button that enters it
    there (for the roles that report hazards): one query."""
    user = context["request"].user
    problems = DrillProblem.objects.filter(drill=drill).select_related("area", "hazard")
    return {
        "problems": list(problems),
        "can_report": user.has_perm(roles.REPORT_HAZARD),
        "form": DrillProblemHazardForm(),
        "request": context["request"],
    }


@register.inclusion_tag("inspections/_patrol_hazard.html", takes_context=True)
def patrol_hazard(context: Any, record: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    hazard = Hazard.objects.filter(patrol_record=record).only("pk", "status").first()
    return {
        "record": record,
        "hazard": hazard,
        "can_report": bool(user and user.has_perm(roles.REPORT_HAZARD)),
        "csrf_token": context.get("csrf_token"),
    }
