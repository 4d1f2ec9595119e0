"""The bureau's preparedness coverage as a spreadsheet (issue #23): a background export
(safety.exportjobs, kind "safety.preparedness.exports:coverage"), one row per school of the
jurisdiction."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safety import exportjobs
from safety.exports import Sheet
from safety.models import User

from . import selectors
from .forms import CoverageFilterForm


def require_bureau(user: User) -> None:
    """Coverage is a bureau's view: PermissionDenied for schools and accounts without a unit."""
    unit = user.unit
    if not user.is_superuser and (unit is None or unit.is_school):
        raise PermissionDenied


def _check(user: User, params: dict[str, Any]) -> None:
    require_bureau(user)


def _build(user: User, params: dict[str, Any]) -> exportjobs.Built:
    require_bureau(user)
    form = CoverageFilterForm(exportjobs.query_of(params) or None, user=user)
    filters = form.cleaned_data if form.is_valid() else {}
    result = selectors.coverage(user=user, filters=filters)
    months = [f"{month:%Y-%m}" for month in result.months]
    header = [
        _("School"),
        _("County/district"),
        _("School type"),
        _("Drills this period"),
        _("Minimum"),
        _("Period"),
        _("Scenarios without a filed plan"),
        _("Plans due for review"),
        _("Plans waiting for acknowledgement"),
        _("Bus evacuation drills this semester"),
        *[_("Evacuation time %(month)s (s)") % {"month": month} for month in months],
    ]
    periods = {"month": _("month"), "quarter": _("quarter")}
    rows = (
        [
            row.name,
            row.county,
            row.school_type,
            row.held,
            row.requirement.count,
            periods[row.requirement.period],
            "、".join(row.missing_scenarios),
            row.overdue_reviews,
            row.waiting,
            row.bus_drills if row.has_buses else "",
            *row.trend,
        ]
        for row in result.rows
    )
    sheet = Sheet(title=_("Emergency preparedness"), header=header, rows=rows, widths=(24, 14, 12))
    return exportjobs.Built("preparedness", [sheet], len(result.rows))


COVERAGE = exportjobs.register(
    exportjobs.ExportKind(
        "safety.preparedness.exports:coverage",
        gettext_lazy("Emergency preparedness coverage"),
        _check,
        _build,
    )
)
