"""Benchmark rows of the surroundings (inspections/surroundings, demo/features/surroundings):
a spot, the joint meetings, the public reports and the school's poster as the school's staff
and the county and city officials, and the public form behind the QR code (no login); the
surroundings ledger is in bench/pages.py (its province row here)."""

from __future__ import annotations

from bench.feature_pages._personas import (
    ANONYMOUS,
    CITY,
    COUNTY,
    PROVINCE,
    STAFF,
    county,
    own_school,
)
from inspections.surroundings.models import JointMeeting, PublicReport, SurroundingsSpot
from inspections.surroundings.selectors import poster_token
from safety.models import Organisation

PAGES: list[tuple[str, str, str, str, str | None]] = [
    ("surroundings_spot", "Surroundings spot", STAFF, "/surroundings/spots/{spot}/", None),
    ("surroundings_spot", "Surroundings spot", CITY, "/surroundings/spots/{spot}/", None),
    ("surroundings_spot_new", "Record a surroundings spot (form)", STAFF,
     "/surroundings/spots/new/", None),
    ("surroundings_spot_photo", "Surroundings spot photo", STAFF,
     "/surroundings/spots/{spot}/photo/", None),
    ("surroundings_meetings", "Joint meetings", COUNTY, "/surroundings/meetings/", None),
    ("surroundings_meetings", "Joint meetings", CITY, "/surroundings/meetings/", None),
    ("surroundings_meetings", "Joint meetings", PROVINCE, "/surroundings/meetings/", None),
    ("surroundings_meeting_new", "Record a joint meeting (form)", COUNTY,
     "/surroundings/meetings/new/", None),
    ("surroundings_meeting", "Joint meeting", COUNTY, "/surroundings/meetings/{meeting}/", None),
    ("surroundings_minutes", "Joint meeting minutes (download)", COUNTY,
     "/surroundings/meetings/{meeting}/minutes/", None),
    ("surroundings_reports", "Public reports", STAFF, "/surroundings/reports/", None),
    ("surroundings_reports", "Public reports", COUNTY, "/surroundings/reports/", None),
    ("surroundings_reports", "Public reports", CITY, "/surroundings/reports/", None),
    ("surroundings_report", "Public report", STAFF, "/surroundings/reports/{public_report}/",
     None),
    ("surroundings_report_photo", "Public report photo", STAFF,
     "/surroundings/reports/{public_report}/photo/", None),
    ("surroundings_poster", "School's QR poster (PDF)", STAFF,
     "/surroundings/schools/{spot_school}/poster.pdf", None),
    ("surroundings_public_form", "Public report form (QR code, no login)", ANONYMOUS,
     "/surroundings/r/{public_token}/", None),
    ("surroundings", "Surroundings ledger", PROVINCE, "/surroundings/", None),
]  # fmt: skip

LIST_KEYS = {"surroundings_meetings", "surroundings_reports"}


def ids() -> dict[str, int | str]:
    school = own_school()
    return {
        "spot_school": school,
        "spot": SurroundingsSpot.objects.filter(school_id=school)
        .exclude(photo="")
        .order_by("-created_at", "-id")
        .values_list("id", flat=True)[0],
        "meeting": JointMeeting.objects.filter(bureau_id=county())
        .exclude(minutes="")
        .order_by("-held_on", "-id")
        .values_list("id", flat=True)[0],
        "public_report": PublicReport.objects.filter(school_id=school)
        .exclude(photo="")
        .order_by("-created_at", "-id")
        .values_list("id", flat=True)[0],
        "public_token": poster_token(Organisation.objects.get(pk=school)),
    }
