"""Working days (工作日) on the official calendar: the one calendar service of the product.

Each year the State Council publishes the public holidays and the make-up working days
(调休). The maintained `chinesecalendar` package carries the published years; a year it
does not know yet is entered by a city administrator in the admin (safety.models.
CalendarYear with its CalendarDay rows). A date in a year known to neither raises
`CalendarYearMissing` with a Chinese message — the service never guesses.

Deadline settings say "N working days" or "N calendar days" (`DayUnit`); `deadline_after`
turns such a setting into a date. Every function here takes and returns `datetime.date`.
"""

from __future__ import annotations

import datetime
import threading
import time

import chinese_calendar
from django.core.exceptions import ValidationError
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _

from .models import CalendarDay, CalendarYear, DayUnit

ONE_DAY = datetime.timedelta(days=1)
# An admin-entered year is read from the database at most once per this many seconds per
# process (saving a CalendarYear/CalendarDay clears this process's copy at once).
CACHE_SECONDS = 300


class CalendarYearMissing(ValidationError):
    """A date falls in a year whose official holidays are known neither to the
    `chinesecalendar` package nor to the admin table. Shown to users as a form error."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            _(
                "The official holiday calendar of %(year)s is not available yet, so working "
                "days cannot be counted into that year. Ask the city administrator to enter "
                "it (admin → holiday calendar years), or choose the date yourself."
            ),
            code="calendar_year_missing",
            params={"year": year},
        )


_lock = threading.Lock()
_admin_years: dict[int, tuple[float, dict[datetime.date, bool] | None]] = {}


def _package_years() -> range:
    years = {day.year for day in chinese_calendar.holidays}
    return range(min(years), max(years) + 1)


PACKAGE_YEARS = _package_years()


def _admin_year(year: int) -> dict[datetime.date, bool] | None:
    """The admin-entered exceptions of `year` (date → is a working day), None without a
    CalendarYear row; cached per process."""
    now = time.monotonic()
    with _lock:
        cached = _admin_years.get(year)
    if cached is not None and now - cached[0] < CACHE_SECONDS:
        return cached[1]
    row = CalendarYear.objects.filter(year=year).first()
    days = None
    if row is not None:
        days = {
            day.date: day.kind == CalendarDay.Kind.WORKDAY
            for day in CalendarDay.objects.filter(calendar=row)
        }
    with _lock:
        _admin_years[year] = (now, days)
    return days


def clear_cache(**_kwargs: object) -> None:
    """Forget the admin-entered years read so far (called when one is saved)."""
    with _lock:
        _admin_years.clear()


for _model in (CalendarYear, CalendarDay):
    post_save.connect(clear_cache, sender=_model, dispatch_uid=f"workdays-{_model.__name__}")
    post_delete.connect(clear_cache, sender=_model, dispatch_uid=f"workdays-d-{_model.__name__}")


def has_calendar(year: int) -> bool:
    """Whether the official holidays of `year` are known (package or admin table)."""
    return year in PACKAGE_YEARS or _admin_year(year) is not None


def is_working_day(day: datetime.date) -> bool:
    """Whether `day` is a working day on the official calendar: a weekday that is not a
    public holiday, or a make-up working day on a weekend.

    Raises `CalendarYearMissing` when the year's calendar is unknown."""
    if day.year in PACKAGE_YEARS:
        return chinese_calendar.is_workday(day)
    exceptions = _admin_year(day.year)
    if exceptions is None:
        raise CalendarYearMissing(day.year)
    return exceptions.get(day, day.weekday() < 5)


def holiday_name(day: datetime.date) -> str:
    """The holiday `day` belongs to (Chinese name) or "" on an ordinary day; "" too when
    the year is unknown (a label, never a decision)."""
    if day.year in PACKAGE_YEARS:
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
        return HOLIDAY_NAMES.get(name or "", name or "") if on_holiday else ""
    if _admin_year(day.year) is None:
        return ""
    row = CalendarDay.objects.filter(date=day, kind=CalendarDay.Kind.HOLIDAY).first()
    return row.name if row else ""


HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def next_working_day(day: datetime.date) -> datetime.date:
    """`day` itself if it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += ONE_DAY
    return day


def add_working_days(start: datetime.date, count: int) -> datetime.date:
    """The `count`-th working day after `start` (`start` itself is not counted, so a
    deadline of 5 working days set on a Tuesday is the following Tuesday in an ordinary
    week). `count` 0 returns `start`; a negative count goes back in time.

    Raises `CalendarYearMissing` when the count crosses into a year with no data."""
    step = ONE_DAY if count >= 0 else -ONE_DAY
    day = start
    remaining = abs(count)
    while remaining:
        day += step
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """The number of working days after `start` up to and including `end` (so
    `working_days_between(d, add_working_days(d, n)) == n`); negative when `end` is before
    `start`.

    Raises `CalendarYearMissing` when a day between them is in a year with no data."""
    if end < start:
        return -working_days_between(end, start)
    count = 0
    day = start
    while day < end:
        day += ONE_DAY
        count += is_working_day(day)
    return count


def deadline_after(start: datetime.date, count: int, unit: str) -> datetime.date:
    """The date `count` days after `start`, counted as a deadline setting says (`unit`, a
    DayUnit value): working days on the official calendar, or plain calendar days."""
    if unit == DayUnit.WORKING:
        return add_working_days(start, count)
    return start + datetime.timedelta(days=count)


def working_days_left(deadline: datetime.date, today: datetime.date) -> int | None:
    """Working days from `today` to `deadline` (negative once past), or None when the
    calendar of a year between them is missing (for display only)."""
    try:
        return working_days_between(today, deadline)
    except CalendarYearMissing:
        return None


def should_remind(day: datetime.date, *, urgent: bool = False) -> bool:
    """Whether a routine reminder may go out on `day`: on working days, or any day when it
    is `urgent`. A day in a year with no calendar data counts as a working day (a reminder
    too many, never one lost) — deadlines, not reminders, must never be guessed."""
    if urgent:
        return True
    try:
        return is_working_day(day)
    except CalendarYearMissing:
        return True
