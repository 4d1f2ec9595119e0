"""Benchmark rows of risk grading (inspections/risks, demo/features/risks): a risk point, its
forms, a check's photo, the campus plan (page, image, PDF) and a reported list, as the
school's staff and leader and as the city official; the register and the lists are in
bench/pages.py (their province rows here)."""

from __future__ import annotations

from bench.feature_pages._personas import CITY, LEADER, PROVINCE, STAFF, own_school
from inspections.risks.models import RiskCheck, RiskPoint, RiskReport

PAGES: list[tuple[str, str, str, str, str | None]] = [
    ("risk_point", "Risk point", STAFF, "/risks/{risk_point}/", None),
    ("risk_point", "Risk point", CITY, "/risks/{risk_point}/", None),
    ("risk_point_new", "New risk point (form)", LEADER, "/risks/new/", None),
    ("risk_point_edit", "Edit a risk point (form)", LEADER, "/risks/{risk_point}/edit/", None),
    ("risk_point_check", "Check a risk point (form)", STAFF, "/risks/{risk_point}/check/", None),
    ("risk_check_photo", "Risk check photo", STAFF, "/risks/checks/{risk_check}/photo/", None),
    ("risk_plan", "Campus plan with the risk points", STAFF, "/risks/plans/{risk_school}/", None),
    ("risk_plan", "Campus plan with the risk points", CITY, "/risks/plans/{risk_school}/", None),
    ("risk_plan_image", "Campus plan image", STAFF, "/risks/plans/{risk_school}/image/", None),
    ("risk_plan_pdf", "Campus plan PDF", STAFF, "/risks/plans/{risk_school}/pdf/", None),
    ("risk_report", "Reported yellow-and-above list", STAFF, "/risks/lists/{risk_report}/", None),
    ("risk_report", "Reported yellow-and-above list", CITY, "/risks/lists/{risk_report}/", None),
    ("risks", "Risk points", PROVINCE, "/risks/", None),
    ("risk_lists", "Yellow-and-above lists", PROVINCE, "/risks/lists/", None),
]  # fmt: skip

LIST_KEYS: set[str] = set()


def ids() -> dict[str, int]:
    school = own_school()
    points = RiskPoint.objects.filter(school_id=school, checks__photo__gt="")
    point = points.order_by("-score", "id").values_list("id", flat=True)[0]
    return {
        "risk_school": school,
        "risk_point": point,
        "risk_check": RiskCheck.objects.filter(point_id=point)
        .exclude(photo="")
        .order_by("-checked_on", "-id")
        .values_list("id", flat=True)[0],
        "risk_report": RiskReport.objects.filter(school_id=school)
        .order_by("-version")
        .values_list("id", flat=True)[0],
    }
