"""The benchmark's rows of daily guarding (safety/guarding, #23): a school's pages as its
staff and leader use them, the boarding pages as a boarding school's leader
(`boarding.leader`, written by demo/features/guarding.py), the holidays as the city that sets
them, the bureau's list at province level. guarding:home is only a redirect to one of these
(tests/perf/test_bench_covers_every_page.py, NO_ROW)."""

from __future__ import annotations

STAFF, LEADER, BOARDING = "s00001.staff", "s00001.leader", "boarding.leader"
CITY, COUNTY, PROVINCE = "city.official", "c01.official", "province.official"
UNIT = "/guarding/units/{guarding_school}"
BOARDING_UNIT = "/guarding/units/{guarding_boarding}"

PAGES: list[tuple[str, str, str, str, str | None]] = [
    ("guarding_unit", "Daily guarding of a school", STAFF, f"{UNIT}/", None),
    ("guarding_unit", "Daily guarding of a school", COUNTY, "/guarding/units/{school}/", None),
    ("guarding_periods", "Holidays to file a roster for", CITY, "/guarding/holidays/", None),
    ("guarding_period_edit", "Edit a holiday", CITY, "/guarding/holidays/{guarding_period}/edit/",
     None),
    ("guarding_rosters", "Duty rosters of a school", STAFF, f"{UNIT}/rosters/", None),
    ("guarding_roster", "Holiday duty roster", STAFF, "/guarding/rosters/{guarding_roster}/",
     None),
    ("guarding_duty_log", "Duty log", STAFF, f"{UNIT}/duty-log/", None),
    ("guarding_gate_duty", "Arrival and dismissal gate duty", STAFF, f"{UNIT}/gate-duty/", None),
    ("guarding_gate", "Gate register", LEADER, f"{UNIT}/gate/", None),
    ("guarding_patrols", "Night patrols", BOARDING, f"{BOARDING_UNIT}/patrols/", None),
    ("guarding_route_new", "New patrol route", BOARDING, f"{BOARDING_UNIT}/patrols/routes/new/",
     None),
    ("guarding_route_edit", "Edit a patrol route", BOARDING,
     "/guarding/routes/{guarding_route}/edit/", None),
    ("guarding_round", "Patrol round", BOARDING, "/guarding/rounds/{guarding_round}/", None),
    ("guarding_record_photo", "Checkpoint photo (file)", BOARDING,
     "/guarding/records/{guarding_record}/photo/", None),
    ("guarding_dormitories", "Dormitories", BOARDING, f"{BOARDING_UNIT}/dormitories/", None),
    ("guarding_pupils", "Boarding pupils", BOARDING, f"{BOARDING_UNIT}/pupils/", None),
    ("guarding_pupil_new", "Add a boarding pupil", BOARDING, f"{BOARDING_UNIT}/pupils/new/",
     None),
    ("guarding_pupil_import", "Import boarding pupils", BOARDING,
     f"{BOARDING_UNIT}/pupils/import/", None),
    ("guarding_pupil_export", "Boarding pupils export (xlsx)", BOARDING,
     f"{BOARDING_UNIT}/pupils/export.xlsx", None),
    ("guarding_pupil_template", "Pupil import template (xlsx)", BOARDING,
     "/guarding/pupils/template.xlsx", None),
    ("guarding_leaves", "Leave", BOARDING, f"{BOARDING_UNIT}/leaves/", None),
    ("guarding_leave_new", "Request a leave", BOARDING, f"{BOARDING_UNIT}/leaves/new/", None),
    ("guarding_roll_call", "Bedtime roll call", BOARDING, f"{BOARDING_UNIT}/roll-call/", None),
    ("guarding_room_roll_call", "Roll call of a room", BOARDING,
     "/guarding/rooms/{guarding_room}/roll-call/", None),
    ("guarding", "Daily guarding by school", PROVINCE, "/guarding/bureau/", None),
]  # fmt: skip

LIST_KEYS = {
    "guarding_periods", "guarding_rosters", "guarding_duty_log", "guarding_gate_duty",
    "guarding_gate", "guarding_patrols", "guarding_dormitories", "guarding_pupils",
    "guarding_leaves", "guarding_roll_call",
}  # fmt: skip


def ids() -> dict[str, int]:
    """The school of s00001.staff, the boarding school of boarding.leader and their records."""
    from safety.guarding.models import (
        CheckpointRecord,
        DutyRoster,
        HolidayPeriod,
        PatrolRound,
        PatrolRoute,
        Room,
    )
    from safety.models import User

    units = dict(
        User.objects.filter(username__in=[STAFF, BOARDING, CITY]).values_list("username", "unit_id")
    )
    school, boarding = units.get(STAFF), units.get(BOARDING)
    roster = DutyRoster.objects.filter(unit_id=school).order_by("kind", "-start_date", "id").first()
    period = HolidayPeriod.objects.filter(unit_id=units.get(CITY)).order_by("-start_date").first()
    route = PatrolRoute.objects.filter(unit_id=boarding).order_by("id").first()
    patrol = (
        PatrolRound.objects.filter(route=route, completed_at__isnull=False)
        .order_by("-scheduled_at")
        .first()
    )
    record = (
        CheckpointRecord.objects.filter(round__route=route).exclude(photo="").order_by("id").first()
    )
    room = Room.objects.filter(dormitory__unit_id=boarding).order_by("id").first()
    found = {
        "guarding_school": school,
        "guarding_boarding": boarding,
        "guarding_roster": roster and roster.pk,
        "guarding_period": period and period.pk,
        "guarding_route": route and route.pk,
        "guarding_round": patrol and patrol.pk,
        "guarding_record": record and record.pk,
        "guarding_room": room and room.pk,
    }
    return {key: value for key, value in found.items() if value is not None}
