"""Incidents (#23) on the core step's records: an incident's page, the report forms, its
photo, incident file and late-report explanation; the honours-bar spreadsheet."""

from __future__ import annotations

from bench.feature_pages._common import CITY, COUNTY, STAFF, first, unit_of
from reporting.incidents.models import IncidentAttachment, LateExplanation
from reporting.models import Incident

PAGES = [
    ("incident", "Incident detail", COUNTY, "/incidents/{incident}/", None),
    ("incident", "Incident detail", CITY, "/incidents/{incident}/", None),
    ("incident_new", "Report an incident (form)", STAFF, "/incidents/new/", None),
    ("incident_add_report", "Add the written report (form)", COUNTY,
     "/incidents/{open_incident}/reports/written/", None),
    ("incident_attachment", "An incident report's photo", COUNTY,
     "/incidents/attachments/{incident_attachment}/", None),
    ("incident_file", "A closed incident's file (PDF, rendered when closed)", COUNTY,
     "/incidents/{closed_incident}/file/download/", None),
    ("late_explanation_file", "A late report's signed explanation", COUNTY,
     "/incidents/{late_incident}/explanation/file/", None),
    ("honours_bar_xlsx", "Barred from honours (xlsx)", CITY, "/incidents/honours-bar.xlsx",
     None),
]  # fmt: skip
LIST_KEYS: set[str] = set()


def ids() -> dict[str, int]:
    county = unit_of(COUNTY)
    mine = Incident.objects.filter(school__parent=county).order_by("-id")
    return {
        "incident": first(mine),
        "open_incident": first(mine.exclude(status="closed")),
        "closed_incident": first(mine.filter(status="closed").exclude(file_pdf="")),
        "incident_attachment": first(
            IncidentAttachment.objects.filter(incident__school__parent=county).order_by("-id")
        ),
        "late_incident": first(
            mine.filter(pk__in=LateExplanation.objects.exclude(file="").values("incident"))
        ),
    }
