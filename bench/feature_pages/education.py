"""Benchmark rows of safety education (safety/education, demo/features/education): a
school's coverage page, its records and forms as its staff and leader and as the city
official, the bureau's minimum; the coverage list is in bench/pages.py (its province row here)."""

from __future__ import annotations

from bench.feature_pages._personas import CITY, COUNTY, LEADER, PROVINCE, STAFF, own_school
from safety.education.models import EducationRecord

PAGES: list[tuple[str, str, str, str, str | None]] = [
    ("education_school", "Safety education of a school", STAFF, "/education/schools/{edu_school}/",
     None),
    ("education_school", "Safety education of a school", CITY, "/education/schools/{edu_school}/",
     None),
    ("education_record_new", "Record an education activity (form)", STAFF,
     "/education/schools/{edu_school}/records/new/", None),
    ("education_plan_edit", "Term plan (form)", STAFF, "/education/schools/{edu_school}/plan/",
     None),
    ("education_legal_vp_new", "Appoint a legal vice-principal (form)", LEADER,
     "/education/schools/{edu_school}/legal-vice-principals/new/", None),
    ("education_record", "Education record", STAFF, "/education/records/{edu_record}/", None),
    ("education_record", "Education record", CITY, "/education/records/{edu_record}/", None),
    ("education_material", "Education record photo", STAFF,
     "/education/records/{edu_record}/material/", None),
    ("education_settings", "Education minimum (form)", COUNTY, "/education/settings/", None),
    ("education", "Safety education coverage", PROVINCE, "/education/", None),
]  # fmt: skip

LIST_KEYS: set[str] = set()


def ids() -> dict[str, int]:
    school = own_school()
    record = (
        EducationRecord.objects.filter(school_id=school)
        .exclude(material="")
        .order_by("-held_on", "-id")
        .values_list("id", flat=True)[0]
    )
    return {"edu_school": school, "edu_record": record}
