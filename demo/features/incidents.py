"""What the generated city's incidents carry besides their reports (#23): a photo on each
initial report, the incident file (PDF) of every closed incident, and for an incident
reported after its time limit the county's request for an explanation, answered by the
school with its signed document (accepted once the incident is closed)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import F

from demo.features import _city, _files
from reporting.incidents.models import IncidentAttachment, LateExplanation
from reporting.models import Incident, IncidentReport

if TYPE_CHECKING:
    from demo.generator import Generator

MODEL = IncidentAttachment


def generate(gen: Generator) -> None:
    city = _city.load()
    photo, thumbnail = _files.stored_photo()
    pdf = _files.stored_pdf()
    reports = IncidentReport.objects.filter(kind="initial").values_list(
        "id", "incident_id", "submitted_by_id", "submitted_at"
    )
    rows = [(incident, report, photo, thumbnail, "现场照片.jpg", "image/jpeg", user, at)
            for report, incident, user, at in reports.iterator()]  # fmt: skip
    gen._write(
        IncidentAttachment,
        ["id", "incident_id", "report_id", "file", "thumbnail", "original_name", "content_type",
         "uploaded_by_id", "uploaded_at"],
        ((pk, *row) for pk, row in zip(gen._ids(IncidentAttachment, len(rows)), rows,
                                       strict=True)),
    )  # fmt: skip
    _city.update_rows(Incident.objects.filter(status="closed", file_pdf=""), file_pdf=pdf)
    late = Incident.objects.filter(school_reported_at__gt=F("initial_deadline")).values_list(
        "id", "school_id", "status", "school_reported_at"
    )
    explanations = []
    parent_of = {s["id"]: s["parent_id"] for s in city.schools}
    for pk, school, status, reported in late.iterator():
        parent = parent_of[school]
        submitted = reported + datetime.timedelta(days=2)
        accepted = status == "closed"
        explanations.append(
            (pk, "accepted" if accepted else "submitted", reported + datetime.timedelta(hours=2),
             "因现场处置送医，未能在时限内报告，已加强值班报告制度。", pdf, "情况说明.pdf",
             "application/pdf", submitted, city.staff[school],
             submitted + datetime.timedelta(days=1) if accepted else None,
             city.official.get(parent) if accepted else None, "")
        )  # fmt: skip
    gen._write(
        LateExplanation,
        ["id", "incident_id", "status", "requested_at", "text", "file", "original_name",
         "content_type", "submitted_at", "submitted_by_id", "decided_at", "decided_by_id",
         "comment"],
        ((pk, *row) for pk, row in zip(gen._ids(LateExplanation, len(explanations)),
                                       explanations, strict=True)),
    )  # fmt: skip
