"""Template helpers of the incident pages, and the incident panel other apps' pages include.

The school page (a safety template) shows the one-vote veto with
`{% load reporting_tags %}{% school_panels school %}`: safety's Python code never
imports reporting; only the template names this library (docs/decisions.md).
"""

from __future__ import annotations

import datetime
from typing import Any

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from safety import roles
from safety.models import Organisation
from safety.onerow import instances_of, one_row, rows_of

from ..activities import selectors as activity_selectors
from ..incidents import selectors
from ..incidents.models import Incident, SchoolVeto
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


@register.inclusion_tag("reporting/_school_panels.html", takes_context=True)
def school_panels(context: Any, school: Any) -> dict[str, Any]:
    """The school page's three panels (one-vote vetoes, rectification orders, the bus
    register's gaps) from one query (`school_panel_reads`, issue #23)."""
    return {**school_panel_reads(school), "school": school, "request": context.get("request")}


def school_panel_reads(school: Any) -> dict[str, Any]:
    """What the school page's panels read (the one-vote vetoes, the rectification orders of
    #18, the bus register of #16), as columns of one row: the vetoes with their incidents'
    summaries, the orders with their bureaus' names, the bus reminder window and the buses
    and drivers in service (a school's register is a few rows; `school_register_gaps`
    sorts them). Display instances: only the fields the panels read are filled."""
    veto_keys = ("id", "school_id", "year", "incident_id", "incident__summary")
    order_keys = (*order_selectors.PANEL_FIELDS, "bureau__name")
    bus_keys, driver_keys = activity_selectors.REGISTER_FIELDS
    row = one_row(
        school.pk,
        {
            "veto_rows": rows_of(
                selectors.school_vetoes_query(school).values(*veto_keys), veto_keys
            ),
            "order_rows": rows_of(
                order_selectors.school_orders(school, fields=order_keys), order_keys
            ),
            "bus_reminder_days": activity_selectors.reminder_days_of(),
            "bus_rows": rows_of(
                activity_selectors.buses_in_service(school).values(*bus_keys), bus_keys
            ),
            "driver_rows": rows_of(
                activity_selectors.drivers_in_service(school).values(*driver_keys), driver_keys
            ),
        },
    )
    vetoes = instances_of(SchoolVeto, row["veto_rows"])
    for veto in vetoes:
        veto.incident = Incident(pk=veto.incident_id, summary=veto.incident__summary)
    orders = instances_of(order_selectors.Order, row["order_rows"])
    for order in orders:
        order.bureau = Organisation(pk=order.bureau_id, name=order.bureau__name)
    school.reminder_days = row["bus_reminder_days"]
    gaps = activity_selectors.school_register_gaps(
        school,
        buses=instances_of(activity_selectors.SchoolBus, row["bus_rows"]),
        drivers=instances_of(activity_selectors.SchoolBusDriver, row["driver_rows"]),
    )
    return {"vetoes": vetoes, "orders": orders, "gaps": gaps}


# --- Bureau supervision (issue #18) --------------------------------------------------------
# Safety's school page and the inspections pages (hazard, inspection, campaign task) name this
# library in their templates only; their Python code never imports reporting.

ORDER_SOURCES = {
    "hazard": "orders:new_from_hazard",
    "incident": "orders:new_from_incident",
    "spot_check": "orders:new_from_spot_check",
    "campaign": "orders:new_from_campaign",
}


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


# Accountability (issue #19): the holder page (a safety template) shows when the person was
# dealt with after an incident and the years it bars them from honours.
@register.inclusion_tag("reporting/incidents/_holder_accountability_panel.html")
def holder_accountability_panel(holder: Any) -> dict[str, Any]:
    records = selectors.holder_accountability(holder)
    years = sorted({r.bars_year for r in records if r.bars_year is not None}, reverse=True)
    return {"records": records, "barred_years": years}
