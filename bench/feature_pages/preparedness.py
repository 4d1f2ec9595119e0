"""Benchmark rows of emergency preparedness (safety/preparedness, demo/features/preparedness):
a school's page, plans, teams and drills as its leader and staff and as the city official;
the bureaus' coverage page is in bench/pages.py (and its province row here).

preparedness:home only redirects (to the school's page or the coverage page, both measured):
tests/perf/test_bench_covers_every_page.py exempts it."""

from __future__ import annotations

from bench.feature_pages._personas import CITY, LEADER, PROVINCE, STAFF, own_school
from safety.preparedness.models import Drill, DrillPhoto, Plan, Team

PAGES: list[tuple[str, str, str, str, str | None]] = [
    ("preparedness_unit", "Preparedness of a school", STAFF, "/preparedness/units/{prep_school}/",
     None),
    ("preparedness_unit", "Preparedness of a school", CITY, "/preparedness/units/{prep_school}/",
     None),
    ("preparedness_plan_new", "Upload an emergency plan (form)", LEADER,
     "/preparedness/units/{prep_school}/plans/new/", None),
    ("preparedness_plan", "Emergency plan", LEADER, "/preparedness/plans/{prep_plan}/", None),
    ("preparedness_plan", "Emergency plan", CITY, "/preparedness/plans/{prep_plan}/", None),
    ("preparedness_plan_document", "Emergency plan document (download)", LEADER,
     "/preparedness/plans/{prep_plan}/document/", None),
    ("preparedness_member_add", "Add a team member (form)", LEADER,
     "/preparedness/teams/{prep_team}/members/add/", None),
    ("preparedness_drill_new", "Plan a drill (form)", STAFF,
     "/preparedness/units/{prep_school}/drills/new/", None),
    ("preparedness_drill", "Drill", STAFF, "/preparedness/drills/{prep_drill}/", None),
    ("preparedness_drill", "Drill", CITY, "/preparedness/drills/{prep_drill}/", None),
    ("preparedness_drill_record", "Record a drill (form)", STAFF,
     "/preparedness/drills/{prep_planned_drill}/record/", None),
    ("preparedness_drill_photo", "Drill photo thumbnail", STAFF,
     "/preparedness/photos/{prep_photo}/thumb/", None),
    ("preparedness_coverage_export", "Preparedness coverage export (start page)", CITY,
     "/preparedness/coverage/export.xlsx", None),
    ("preparedness", "Preparedness coverage", PROVINCE, "/preparedness/coverage/", None),
]  # fmt: skip

LIST_KEYS: set[str] = set()


def ids() -> dict[str, int]:
    school = own_school()
    recorded = Drill.objects.filter(unit_id=school, status="recorded", photos__isnull=False)
    drill = recorded.order_by("-held_on", "-id").values_list("id", flat=True).first()
    return {
        "prep_school": school,
        "prep_plan": Plan.objects.filter(unit_id=school)
        .order_by("id")
        .values_list("id", flat=True)[0],
        "prep_team": Team.objects.filter(unit_id=school)
        .order_by("order", "id")
        .values_list("id", flat=True)[0],
        "prep_drill": drill,
        "prep_planned_drill": Drill.objects.filter(unit_id=school, status="planned")
        .order_by("planned_on", "id")
        .values_list("id", flat=True)[0],
        "prep_photo": DrillPhoto.objects.filter(drill_id=drill)
        .order_by("id")
        .values_list("id", flat=True)[0],
    }
