"""Template helpers other apps' pages use to show inspections' side of their records.

The night-patrol round page (a safety template) shows, for each checkpoint with a problem,
the hazard made from it or the button that makes one:
`{% load inspections_tags %}{% patrol_hazard record %}`. safety's Python code never imports
inspections; only the template names this library (docs/decisions.md).
"""

from __future__ import annotations

from typing import Any

from django import template

from safety import roles

from ..models import Hazard

register = template.Library()


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
