"""The ledger as a spreadsheet: a background export (safety.exportjobs, kind
"inspections.exports:ledger") that writes it row by row (bounded memory) with every text cell
neutralised, and the same rows streamed as .csv on request (`format=csv`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safety import exportjobs
from safety.exports import Sheet
from safety.models import User

from . import forms, selectors
from .models import Hazard

# The largest ledger export written as .xlsx (issue #23): a sheet holds at most 1,048,576
# rows, so a larger ledger (a province's) is written as .csv, which Excel and WPS open the
# same way. Either is written by a background job (openpyxl writes about 5,000 rows a
# second), so no request waits for it.
XLSX_MAX_ROWS = 1_000_000

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


def ledger_filters(user: User, query: Any) -> dict[str, Any]:
    """The ledger page's filters from its query parameters (invalid ones ignored, as the
    page does)."""
    form = forms.LedgerFilterForm(query or None, user=user)
    return form.cleaned_data if form.is_valid() else {}


def file_name() -> str:
    """The file is named as users keep it: the ledger's name and the day it was taken."""
    return _("Hazard ledger %(day)s") % {"day": timezone.localdate().isoformat()}


def _check_ledger(user: User, params: dict[str, Any]) -> None:
    """Every signed-in user may export the ledger rows they see (selectors.ledger scopes)."""


def _build_ledger(user: User, params: dict[str, Any]) -> exportjobs.Built:
    filters = ledger_filters(user, exportjobs.query_of(params))
    total = selectors.ledger(user=user, filters=filters).total
    sheet = hazard_sheet(selectors.export_rows(user=user, filters=filters))
    return exportjobs.Built(file_name(), [sheet], total, csv=total > XLSX_MAX_ROWS)


LEDGER = exportjobs.register(
    exportjobs.ExportKind(
        "inspections.exports:ledger", gettext_lazy("Hazard ledger"), _check_ledger, _build_ledger
    )
)
