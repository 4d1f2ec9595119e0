"""How ids and months appear in addresses: path converters registered in config/urls.py as
`<id:…>` and `<month:…>`, and the one rule for a month written "YYYY-MM" (also used by the
filter forms' month fields). A value out of range does not match the pattern, so the
address answers 404 before any view or query sees it."""

from __future__ import annotations

import datetime

# The largest primary key (BigAutoField, DEFAULT_AUTO_FIELD): a larger number is no record.
MAX_ID = 2**63 - 1
# The months SafeCampus keeps records for; outside them month arithmetic (the month before,
# the six months of the console) would leave the calendar, and no report can exist.
FIRST_MONTH = datetime.date(2000, 1, 1)
LAST_MONTH = datetime.date(2099, 12, 1)


def parse_month(text: object) -> datetime.date | None:
    """'2026-11' → date(2026, 11, 1); None for anything else, including a month outside
    FIRST_MONTH…LAST_MONTH."""
    try:
        year, month = (int(part) for part in str(text).split("-"))
        parsed = datetime.date(year, month, 1)
    except (TypeError, ValueError):
        return None
    return parsed if FIRST_MONTH <= parsed <= LAST_MONTH else None


class IdConverter:
    """A primary key: digits within the id column's range (a longer number is a 404, not a
    database error)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError(value)
        return number

    def to_url(self, value: int | str) -> str:
        return str(int(value))


class MonthConverter:
    """A month "YYYY-MM" within FIRST_MONTH…LAST_MONTH, given to the view as the date of its
    first day; reversing accepts that date or the text."""

    regex = "[0-9]{4}-[0-9]{2}"

    def to_python(self, value: str) -> datetime.date:
        month = parse_month(value)
        if month is None:
            raise ValueError(value)
        return month

    def to_url(self, value: datetime.date | str) -> str:
        month = value if isinstance(value, datetime.date) else parse_month(value)
        if month is None:
            raise ValueError(value)
        return f"{month:%Y-%m}"
