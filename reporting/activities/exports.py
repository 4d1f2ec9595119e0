"""The activity calendar as a spreadsheet (issue #23): a background export
(safety.exportjobs, kind "reporting.activities.exports:calendar") of the activities of the
calendar's window under its filters."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safety import exportjobs, roles
from safety.exports import Sheet
from safety.models import User

from . import selectors
from .forms import CalendarForm
from .models import Activity
from .models import ActivityKind as Kind


def calendar_window(filters: dict[str, Any]) -> tuple[str, datetime.date, datetime.date, int]:
    """(view, first day, last day, days a step moves) of the calendar's filters: a day, the
    week of the day (default), or 31 days from it as a list."""
    view = filters.get("view") or "week"
    day = filters.get("day") or timezone.localdate()
    if view == "day":
        return view, day, day, 1
    if view == "list":
        return view, day, day + datetime.timedelta(days=30), 31
    monday = day - datetime.timedelta(days=day.weekday())
    return view, monday, monday + datetime.timedelta(days=6), 7


def _check(user: User, params: dict[str, Any]) -> None:
    if not user.has_perm(roles.VIEW_JURISDICTION):
        raise PermissionDenied


def _yes(value: bool) -> str:
    return _("Yes") if value else _("No")


def _build(user: User, params: dict[str, Any]) -> exportjobs.Built:
    _check(user, params)
    form = CalendarForm(exportjobs.query_of(params) or None, user=user)
    form.is_valid()
    filters = getattr(form, "cleaned_data", {})  # the valid filters, as the calendar applies
    _view, first, last, _step = calendar_window(filters)
    rows = selectors.calendar_rows(user, first=first, last=last, filters=filters)
    kinds, statuses = dict(Kind.choices), dict(Activity.Status.choices)
    sheet = Sheet(
        title=_("Activities"),
        header=[
            _("School"),
            _("Activity"),
            _("Kind"),
            _("Starts at"),
            _("Ends at"),
            _("Venue"),
            _("Pupils"),
            _("Staff"),
            _("Off campus"),
            _("Overnight"),
            _("Outside the city"),
            _("Status"),
        ],
        rows=(
            [
                a.school.name,
                a.title,
                kinds.get(a.kind, a.kind),
                timezone.localtime(a.starts_at).replace(tzinfo=None),
                timezone.localtime(a.ends_at).replace(tzinfo=None),
                a.place,
                a.pupils,
                a.staff,
                _yes(a.is_off_campus),
                _yes(a.is_overnight),
                _yes(a.is_outside_city),
                statuses.get(a.status, a.status),
            ]
            for a in rows.iterator()
        ),
        widths=(24, 28, 10, 18, 18, 24, 8, 8, 8, 8, 8, 10),
    )
    return exportjobs.Built(f"活动日历-{first:%Y%m%d}-{last:%Y%m%d}", [sheet], rows.count())


CALENDAR = exportjobs.register(
    exportjobs.ExportKind(
        "reporting.activities.exports:calendar",
        gettext_lazy("Activity calendar"),
        _check,
        _build,
    )
)
