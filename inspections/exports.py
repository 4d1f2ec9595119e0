"""The ledger as an Excel sheet for `safety.exports.xlsx_response`, which writes it row by row
(100,000 rows cost bounded memory) with every text cell neutralised."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safety.exports import Sheet

from .models import Hazard

# The largest ledger export written as .xlsx (issue #23): an .xlsx file is a zip that can only
# be sent once every row is written (openpyxl writes about 5,000 rows a second here), so a
# larger export is streamed as .csv instead, whose first bytes leave at once and which Excel
# and WPS open the same way; no request then runs past the server's timeout.
XLSX_MAX_ROWS = 50_000

HEADERS = (
    gettext_lazy("No."),
    gettext_lazy("Reported at"),
    gettext_lazy("School"),
    gettext_lazy("Safety area"),
    gettext_lazy("Location"),
    gettext_lazy("Description"),
    gettext_lazy("Kind"),
    gettext_lazy("Severity"),
    gettext_lazy("Source"),
    gettext_lazy("Status"),
    gettext_lazy("Overdue"),
    gettext_lazy("Rectification deadline"),
    gettext_lazy("Rectification owner"),
    gettext_lazy("Supervisor"),
    gettext_lazy("Closed at"),
)


def _cells(row: tuple, labels: dict[str, Any]) -> list:
    """One sheet row from a row of selectors.LEDGER_COLUMNS, choices shown by label."""
    (pk, created, school, area, location, description, kind, severity, source, status,
     overdue, deadline, owner, supervisor, closed) = row  # fmt: skip
    return [
        pk,
        created,
        school,
        area,
        location,
        description,
        labels["kind"].get(kind, kind),
        labels["severity"].get(severity, severity),
        labels["source"].get(source, source),
        labels["status"].get(status, status),
        labels["yes"] if overdue and status != Hazard.Status.CLOSED else "",
        deadline,
        owner or "",
        supervisor or "",
        closed,
    ]


def hazard_sheet(rows: Iterable[tuple]) -> Sheet:
    """The rows (selectors.export_rows) as the ledger sheet: numbers, dates and times typed,
    choices by label."""
    # Labels translated once per file, not once per cell (#23: the loop of a large export).
    labels: dict[str, Any] = {
        name: {value: str(label) for value, label in choices.choices}
        for name, choices in (
            ("kind", Hazard.Kind),
            ("severity", Hazard.Severity),
            ("source", Hazard.Source),
            ("status", Hazard.Status),
        )
    }
    labels["yes"] = _("Yes")

    def cells() -> Iterator[list]:
        for row in rows:
            yield _cells(row, labels)

    header = [str(header) for header in HEADERS]
    return Sheet(title=_("Hazard ledger"), header=header, rows=cells())
