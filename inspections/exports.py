"""The ledger as an Excel sheet for `safety.exports.xlsx_response`, which writes it row by row
(100,000 rows cost bounded memory) with every text cell neutralised."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safety.exports import Sheet

from .models import Hazard

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


def _cells(row: tuple, labels: dict[str, dict]) -> list:
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
        str(labels["kind"].get(kind, kind)),
        str(labels["severity"].get(severity, severity)),
        str(labels["source"].get(source, source)),
        str(labels["status"].get(status, status)),
        _("Yes") if overdue and status != Hazard.Status.CLOSED else "",
        deadline,
        owner or "",
        supervisor or "",
        closed,
    ]


def hazard_sheet(rows: Iterable[tuple]) -> Sheet:
    """The rows (selectors.export_rows) as the ledger sheet: numbers, dates and times typed,
    choices by label."""
    labels = {
        "kind": dict(Hazard.Kind.choices),
        "severity": dict(Hazard.Severity.choices),
        "source": dict(Hazard.Source.choices),
        "status": dict(Hazard.Status.choices),
    }

    def cells() -> Iterator[list]:
        for row in rows:
            yield _cells(row, labels)

    header = [str(header) for header in HEADERS]
    return Sheet(title=_("Hazard ledger"), header=header, rows=cells())
