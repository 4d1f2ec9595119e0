"""Months, due dates and the status of a unit's report for a month: one function each,
so the rule "schools by the last day of M, counties by the 10th of M+1, cities under a
province by settings.MONTHLY_CITY_DUE_DAY of M+1 (default the 15th)" lives here only."""

from __future__ import annotations

import calendar
import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safety.models import Organisation

from .models import MonthlyReport

COUNTY_DUE_DAY = 10


class UnitStatus(models.TextChoices):
    """What a unit's report for a month looks like to the bureau above."""

    NOT_STARTED = "not_started", _("Not started")
    DRAFT = "draft", _("Draft")
    ON_TIME = "on_time", _("Submitted on time")
    LATE = "late", _("Submitted late")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")
    MISSING = "missing", _("Missing report")


# CSS class per status (GLOSSARY.md colours; text always shown too).
STATUS_CSS = {
    UnitStatus.NOT_STARTED: "text-bg-light border",
    UnitStatus.DRAFT: "status-draft",
    UnitStatus.ON_TIME: "status-in-progress",
    UnitStatus.LATE: "status-due-soon",
    UnitStatus.RETURNED: "status-due-soon",
    UnitStatus.APPROVED: "status-closed",
    UnitStatus.MISSING: "status-overdue",
}


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def school_due_date(month: datetime.date) -> datetime.date:
    """A school reports month M by the last day of M."""
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def county_due_date(month: datetime.date) -> datetime.date:
    """A county bureau reports month M by the 10th of M+1."""
    return add_months(month, 1).replace(day=COUNTY_DUE_DAY)


def city_due_date(month: datetime.date) -> datetime.date:
    """A city bureau under a province reports month M by settings.MONTHLY_CITY_DUE_DAY of
    M+1 (default the 15th; a day past the month's end means its last day). #23."""
    following = add_months(month, 1)
    last = calendar.monthrange(following.year, following.month)[1]
    return following.replace(day=min(max(settings.MONTHLY_CITY_DUE_DAY, 1), last))


def reports_monthly(unit: Organisation) -> bool:
    """Schools and county bureaus report; a city bureau reports when a province is above it
    (#23), otherwise it only receives; the province only receives."""
    if unit.kind == Organisation.Kind.CITY:
        return unit.parent_id is not None
    return unit.kind in (Organisation.Kind.SCHOOL, Organisation.Kind.COUNTY)


def due_date(unit: Organisation, month: datetime.date) -> datetime.date:
    """The day `unit`'s report for `month` is due (by its kind: school, county or city)."""
    if unit.kind == Organisation.Kind.SCHOOL:
        return school_due_date(month)
    if unit.kind == Organisation.Kind.CITY:
        return city_due_date(month)
    return county_due_date(month)


def due_deadline(unit: Organisation, month: datetime.date) -> datetime.datetime:
    """The end of the due date in Asia/Shanghai (TIME_ZONE): submitted before this instant
    is on time."""
    next_day = due_date(unit, month) + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(next_day, datetime.time.min))


def is_late(unit: Organisation, month: datetime.date, submitted_at: datetime.datetime) -> bool:
    return submitted_at >= due_deadline(unit, month)


def unit_status(
    unit: Organisation, month: datetime.date, report: MonthlyReport | None, today: datetime.date
) -> UnitStatus:
    """The status of `unit`'s report for `month` as seen on `today` (local date)."""
    Status = MonthlyReport.Status
    if report is None or report.status == Status.DRAFT:
        if today > due_date(unit, month):
            return UnitStatus.MISSING
        return UnitStatus.NOT_STARTED if report is None else UnitStatus.DRAFT
    if report.status == Status.RETURNED:
        return UnitStatus.RETURNED
    if report.status == Status.APPROVED:
        return UnitStatus.APPROVED
    late = report.first_submitted_at and is_late(unit, month, report.first_submitted_at)
    return UnitStatus.LATE if late else UnitStatus.ON_TIME
