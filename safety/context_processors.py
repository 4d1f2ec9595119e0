from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import Notification
from .roles import (
    ACKNOWLEDGE_RISK_REPORT,
    CHECK_RISK_POINT,
    DRAW_SPOT_CHECK,
    REVIEW_MONTHLY_REPORT,
    SUBMIT_MONTHLY_REPORT,
    VIEW_JURISDICTION,
    role_permissions,
)


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The navigation bar for the signed-in user's role; the current item is marked. Every
    item is a page the role may open (tests/reporting/dashboards/test_every_link.py walks
    them for every persona)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [(_("Home"), reverse("dashboards:home"))]
    unit = user.unit
    if unit is not None and unit.is_school:
        items.append((_("My school"), reverse("school_detail", args=[unit.pk])))
    else:
        items.append((_("Schools"), reverse("school_list")))
    items.append((_("Hazard ledger"), reverse("inspections:ledger")))
    granted = role_permissions(user)  # from the role alone: no query
    items.append((_("Inspections"), reverse("inspections:inspection_list")))
    if DRAW_SPOT_CHECK in granted:
        items.append((_("Spot checks"), reverse("inspections:draw_new")))
    items.append((_("Incidents"), reverse("incidents:incident_list")))
    items.append((_("Responsibilities"), reverse("responsibility:home")))
    oversees = unit is not None and unit.is_bureau and VIEW_JURISDICTION in granted
    if unit is not None and (granted & {SUBMIT_MONTHLY_REPORT, REVIEW_MONTHLY_REPORT} or oversees):
        items.append((_("Monthly reports"), reverse("monthly:index")))
    # #20 risk grading: the risk register for the roles that grade, check or receive it.
    if CHECK_RISK_POINT in granted or ACKNOWLEDGE_RISK_REPORT in granted:
        items.append((_("Risk points"), reverse("risks:point_list")))
    if user.is_staff:
        items.append((_("Administration"), reverse("admin:index")))
    unread = Notification.objects.visible_to(user).unread().count()
    current = request.path
    nav = [
        {
            "label": label,
            "url": url,
            "active": current == url or (url != "/" and current.startswith(url)),
        }
        for label, url in items
    ]
    return {"nav_items": nav, "unread_notifications": unread}
