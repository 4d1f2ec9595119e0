"""The ledger as an Excel workbook, written row by row (openpyxl write-only mode) to a
temporary file, so 100,000 rows cost bounded memory."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from typing import IO

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

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


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _cells(row: tuple, labels: dict[str, dict]) -> list:
    """One sheet row from a row of selectors.LEDGER_COLUMNS, choices shown by label."""
    (pk, created, school, area, location, description, kind, severity, source, status,
     overdue, deadline, owner, supervisor, closed) = row  # fmt: skip
    return [
        pk,
        _when(created),
        school,
        area,
        location,
        description,
        str(labels["kind"].get(kind, kind)),
        str(labels["severity"].get(severity, severity)),
        str(labels["source"].get(source, source)),
        str(labels["status"].get(status, status)),
        _("Yes") if overdue and status != Hazard.Status.CLOSED else "",
        deadline.isoformat() if deadline else "",
        owner or "",
        supervisor or "",
        _when(closed),
    ]


def hazard_workbook(rows: Iterable[tuple]) -> IO[bytes]:
    """The rows (selectors.export_rows) as an .xlsx in a temporary file, rewound."""
    labels = {
        "kind": dict(Hazard.Kind.choices),
        "severity": dict(Hazard.Severity.choices),
        "source": dict(Hazard.Source.choices),
        "status": dict(Hazard.Status.choices),
    }
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Hazard ledger"))
    sheet.append([str(header) for header in HEADERS])
    for row in rows:
        sheet.append(_cells(row, labels))
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - closed by FileResponse
    workbook.save(handle)
    handle.seek(0)
    return handle
