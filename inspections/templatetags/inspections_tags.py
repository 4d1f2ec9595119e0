"""Template helpers other apps' pages include. The drill page of safety.preparedness shows
its problems and their hazards with `{% load inspections_tags %}{% drill_problems drill %}`:
safety's Python code never imports inspections; only the template names this library."""

from __future__ import annotations

from typing import Any

from django import template

from safety import roles
from safety.models import DrillProblem

from ..forms import DrillProblemHazardForm

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
