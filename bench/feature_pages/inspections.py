"""Inspections and the ledger (#23) on the core step's records: an inspection's page, the
forms to file one and report a hazard, a photo, the ledger export (its start page; the
file is a job) and its streamed CSV, the spot-check draw form and a draw."""

from __future__ import annotations

from bench.feature_pages._common import CITY, COUNTY, STAFF, first, unit_of
from inspections.models import Inspection, Photo, SpotCheckDraw

PAGES = [
    ("inspection", "Inspection detail", COUNTY, "/inspections/{inspection}/", None),
    ("inspection", "Inspection detail", STAFF, "/inspections/{own_inspection}/", None),
    ("inspection_new", "File an inspection (form)", STAFF, "/inspections/new/", None),
    ("hazard_new", "Report a hazard (form)", STAFF, "/hazards/new/", None),
    ("photo", "A hazard photo (thumbnail)", COUNTY, "/photos/{photo}/thumb/", None),
    ("ledger_export", "Ledger export: its start page (the file is a job)", CITY,
     "/hazards/export.xlsx", None),
    ("ledger_csv", "Ledger CSV, streamed (first bytes: the response object)", COUNTY,
     "/hazards/export.xlsx?format=csv", None),
    ("draw_new", "Spot-check draw (form and recent draws)", CITY, "/spot-checks/", None),
    ("draw", "A spot-check draw", CITY, "/spot-checks/{draw}/", None),
]  # fmt: skip
LIST_KEYS: set[str] = set()


def ids() -> dict[str, int]:
    county, school = unit_of(COUNTY), unit_of(STAFF)
    submitted = Inspection.objects.filter(status="submitted").order_by("-id")
    return {
        "inspection": first(submitted.filter(school__parent=county)),
        "own_inspection": first(submitted.filter(school=school)),
        "photo": first(Photo.objects.filter(school__parent=county).order_by("-id")),
        "draw": first(SpotCheckDraw.objects.filter(bureau=county.parent).order_by("-id")),
    }
