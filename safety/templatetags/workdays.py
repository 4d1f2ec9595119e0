"""Template filters of the working-day calendar (safety.workdays), for display only: a year
with no calendar data shows nothing rather than a guess."""

from __future__ import annotations

import datetime

from django import template
from django.utils import timezone

from safety import workdays

register = template.Library()


@register.filter
def working_days_left(deadline: datetime.date | None) -> int | None:
    """Working days from today to `deadline` (negative once past); None without a deadline
    or calendar data."""
    if deadline is None:
        return None
    return workdays.working_days_left(deadline, timezone.localdate())


@register.filter
def working_days_after(later: datetime.date | None, earlier: datetime.date | None) -> int | None:
    """Working days from `earlier` to `later`; None when either is missing or the calendar
    of a year between them is unknown."""
    if later is None or earlier is None:
        return None
    return workdays.working_days_left(later, earlier)


@register.filter
def is_working_day(day: datetime.date | None) -> bool | None:
    """Whether `day` is a working day; None when its year has no calendar data."""
    if day is None:
        return None
    try:
        return workdays.is_working_day(day)
    except workdays.CalendarYearMissing:
        return None
