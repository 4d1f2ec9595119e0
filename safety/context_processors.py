from __future__ import annotations

from typing import Any

from django.db.models import Expression
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import Notification, User
from .onerow import count_of
from .roles import (
    ACKNOWLEDGE_RISK_REPORT,
    APPLY_ACTIVITY,
    APPROVE_ACTIVITY,
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
    if user.role == User.Role.DEPARTMENT_LIAISON:
        return _liaison_navigation(request, user)
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
    if unit is not None:  # Bureau supervision (issue #18)
        items.append((_("Campaigns"), reverse("campaigns:index")))
        items.append((_("Notices"), reverse("notices:index")))
        items.append((_("Rectification orders"), reverse("orders:index")))
    # Activities and school buses (issue #16).
    if unit is not None and (granted & {APPLY_ACTIVITY, APPROVE_ACTIVITY} or oversees):
        items.append((_("Activities"), reverse("activities:list")))
    if unit is not None:  # emergency preparedness (issue #14)
        items.append((_("Emergency preparedness"), reverse("preparedness:home")))
    # Daily guarding (issue #15).
    if VIEW_JURISDICTION in granted:
        items.append((pgettext_lazy("navigation", "Daily guarding"), reverse("guarding:home")))
    # #17 education and surroundings
    if unit is not None:
        items.append((_("Safety education"), reverse("education:coverage")))
        items.append((_("Surroundings"), reverse("surroundings:spot_list")))
    # #20 risk grading: the risk register for the roles that grade, check or receive it.
    if CHECK_RISK_POINT in granted or ACKNOWLEDGE_RISK_REPORT in granted:
        items.append((_("Risk points"), reverse("risks:point_list")))
    if unit is not None:  # #19 the year-end safe-campus assessment
        items.append((_("Safe-campus assessment"), reverse("assessment:index")))
    if user.is_staff:
        items.append((_("Administration"), reverse("admin:index")))
    current = request.path
    nav = [
        {
            "label": label,
            "url": url,
            "active": current == url or (url != "/" and current.startswith(url)),
        }
        for label, url in items
    ]
    return {"nav_items": nav, "unread_notifications": _unread(user)}


def _unread(user: User) -> SimpleLazyObject:
    """The user's unread notifications, counted when the page shows them: a page that counts
    them in its own query passes `unread_notifications` (`unread_column`), which wins over
    this value, and no query is made for it here."""
    return SimpleLazyObject(lambda: Notification.objects.visible_to(user).unread().count())


def unread_column(user: User) -> Expression:
    """The user's unread notifications as a column of a page's one-row query (#23: the home
    pages pass the value as `unread_notifications`)."""
    return count_of(Notification.objects.visible_to(user).unread())


def _liaison_navigation(request: HttpRequest, user: User) -> dict[str, Any]:
    """#17: a department liaison account sees its surroundings ledger and meetings only."""
    items = [
        (_("Surroundings ledger"), reverse("surroundings:spot_list")),
        (_("Joint meetings"), reverse("surroundings:meeting_list")),
    ]
    nav = [
        {"label": label, "url": url, "active": request.path.startswith(url)} for label, url in items
    ]
    return {"nav_items": nav, "unread_notifications": _unread(user)}
