"""Template helpers of the incident pages, and the incident panel other apps' pages include.

The school page (a safety template) shows the one-vote veto with
`{% load reporting_tags %}{% school_incident_panel school %}`: safety's Python code never
imports reporting; only the template names this library (docs/decisions.md).
"""

from __future__ import annotations

import datetime
from typing import Any

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from safety import roles

from ..activities import selectors as activity_selectors
from ..incidents import selectors
from ..orders import selectors as order_selectors

register = template.Library()


@register.filter
def duration_text(value: datetime.timedelta | None) -> str:
    """A delay as days, hours and minutes: "1天2小时5分钟" / "1 d 2 h 5 min"."""
    if value is None:
        return ""
    minutes = int(value.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if days:
        parts.append(_("%(n)s d") % {"n": days})
    if hours:
        parts.append(_("%(n)s h") % {"n": hours})
    if minutes or not parts:
        parts.append(_("%(n)s min") % {"n": minutes})
    return " ".join(parts)


@register.inclusion_tag("reporting/incidents/_school_incident_panel.html", takes_context=True)
def school_incident_panel(context: Any, school: Any) -> dict[str, Any]:
    return {
        "school": school,
        "vetoes": selectors.school_vetoes(school),
        "request": context.get("request"),
    }


# --- Bureau supervision (issue #18) --------------------------------------------------------
# Safety's school page and the inspections pages (hazard, inspection, campaign task) name this
# library in their templates only; their Python code never imports reporting.

ORDER_SOURCES = {
    "hazard": "orders:new_from_hazard",
    "incident": "orders:new_from_incident",
    "spot_check": "orders:new_from_spot_check",
    "campaign": "orders:new_from_campaign",
}


@register.inclusion_tag("reporting/orders/_school_orders_panel.html")
def school_orders_panel(school: Any) -> dict[str, Any]:
    return {"orders": list(order_selectors.school_orders(school))}


@register.inclusion_tag("reporting/orders/_order_button.html", takes_context=True)
def order_button(context: Any, source: str, record: Any) -> dict[str, Any]:
    """The "issue a rectification order" link for bureau officials above the school."""
    user = getattr(context.get("request"), "user", None)
    allowed = (
        user is not None
        and user.is_authenticated
        and user.has_perm(roles.SUPERVISE)
        and user.unit is not None
        and user.unit.is_bureau
    )
    return {"url": reverse(ORDER_SOURCES[source], args=[record.pk]) if allowed else ""}


# Activities and school buses (issue #16): the school page shows the register's gaps.
@register.inclusion_tag("reporting/activities/_school_bus_panel.html")
def school_bus_panel(school: Any) -> dict[str, Any]:
    return {"school": school, "gaps": activity_selectors.school_register_gaps(school)}


# Accountability (issue #19): the holder page (a safety template) shows when the person was
# dealt with after an incident and the years it bars them from honours.
@register.inclusion_tag("reporting/incidents/_holder_accountability_panel.html")
def holder_accountability_panel(holder: Any) -> dict[str, Any]:
    records = selectors.holder_accountability(holder)
    years = sorted({r.bars_year for r in records if r.bars_year is not None}, reverse=True)
    return {"records": records, "barred_years": years}
