"""The ledger as an Excel workbook, written row by row (openpyxl write-only mode) to a
temporary file, so 100,000 rows cost bounded memory."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from typing import IO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from .models import Hazard


def hazard_workbook(rows: Iterable[tuple]) -> IO[bytes]:
    labels = {
        "kind": dict(Hazard.Kind.choices),
        "severity": dict(Hazard.Severity.choices),
        "source": dict(Hazard.Source.choices),
        "status": dict(Hazard.Status.choices),
    }
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Hazard ledger"))
    sheet.append(
        [
            _("No."),
            _("Reported at"),
            _("School"),
            _("Safety area"),
            _("Location"),
            _("Description"),
            _("Kind"),
            _("Severity"),
            _("Source"),
            _("Status"),
            _("Overdue"),
            _("Rectification deadline"),
            _("Rectification owner"),
            _("Supervisor"),
            _("Closed at"),
        ]
    )
    for (
        pk,
        created,
        school,
        area,
        location,
        description,
        kind,
        severity,
        source,
        status,
        overdue,
        deadline,
        owner,
        supervisor,
        closed,
    ) in rows:
        sheet.append(
            [
                pk,
                timezone.localtime(created).strftime("%Y-%m-%d %H:%M"),
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
                timezone.localtime(closed).strftime("%Y-%m-%d %H:%M") if closed else "",
            ]
        )
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - closed by FileResponse
    workbook.save(handle)
    handle.seek(0)
    return handle
