"""How to call each daily-guarding service that names its change, for the one-row-per-change
table of tests/safety/test_audit_rows.py (issue #15)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from safety.guarding import services
from safety.guarding.models import (
    Absence,
    GateDuty,
    GateEntry,
    HolidayPeriod,
    PatrolRound,
)

from .conftest import build_school

SHIFT = {"leader_phone": "13900001111", "staff_name": "值班员", "staff_phone": "13900002222"}


def _period(city, people) -> HolidayPeriod:
    return services.period_save(
        actor=people.county_official,
        period=HolidayPeriod(
            unit=city.county_a,
            holiday=HolidayPeriod.Holiday.NATIONAL_DAY,
            start_date=datetime.date(2030, 10, 1),
            end_date=datetime.date(2030, 10, 2),
            deadline=datetime.date(2030, 9, 25),
        ),
    )


def _period_update(city, people):
    period = _period(city, people)

    def call():
        period.end_date = datetime.date(2030, 10, 3)
        return services.period_save(actor=people.county_official, period=period)

    return people.county_official, call, "holiday_period.update", {"end_date"}


def _holiday_roster(city, people, *, planned: bool):
    school = build_school(city, people)
    roster = services.roster_create(
        actor=school.leader, unit=school.unit, kind="holiday", period=_period(city, people)
    )
    if planned:
        for day in roster.days():
            services.shift_save(
                actor=school.leader, roster=roster, day=day, leader=school.leader, **SHIFT
            )
    return school, roster


def _roster_create(city, people):
    school = build_school(city, people)

    def call():
        return services.roster_create(
            actor=school.leader, unit=school.unit, kind="week", start_date=timezone.localdate()
        )

    return school.leader, call, "duty_roster.create", set()


def _shift_save(city, people):
    school, roster = _holiday_roster(city, people, planned=False)

    def call():
        return services.shift_save(
            actor=school.leader, roster=roster, day=roster.start_date, leader=school.leader, **SHIFT
        )

    return school.leader, call, "duty_shift.save", {"leader_phone"}


def _roster_submit(city, people):
    school, roster = _holiday_roster(city, people, planned=True)

    def call():
        return services.roster_submit(actor=school.leader, roster=roster)

    return school.leader, call, "duty_roster.submit", {"status"}


def _roster_review(city, people):
    school, roster = _holiday_roster(city, people, planned=True)
    services.roster_submit(actor=school.leader, roster=roster)

    def call():
        return services.roster_review(
            actor=people.county_official, roster=roster, decision="acknowledge"
        )

    return people.county_official, call, "duty_roster.acknowledge", {"status"}


def _duty_log_save(city, people):
    school = build_school(city, people)

    def call():
        return services.duty_log_save(
            actor=school.leader, unit=school.unit, day=timezone.localdate(), events="平安无事"
        )

    return school.leader, call, "duty_log.create", {"events"}


POINTS = [("男生宿舍", "dormitory"), ("锅炉房", "boiler")]


def _route(school):
    return services.route_save(
        actor=school.leader,
        unit=school.unit,
        route=None,
        name="夜巡",
        round_times=["22:00"],
        checkpoints=POINTS,
    )


def _route_save(city, people):
    school = build_school(city, people)
    route = _route(school)

    def call():
        return services.route_save(
            actor=school.leader,
            unit=school.unit,
            route=route,
            name="夜间巡查",
            round_times=["22:00", "02:00"],
            checkpoints=POINTS,
        )

    return school.leader, call, "patrol_route.update", {"name"}


def _checkpoint_record(city, people):
    school = build_school(city, people)
    route = _route(school)
    patrol_round = PatrolRound.objects.create(
        route=route, scheduled_at=timezone.now(), expected_count=2
    )

    def call():
        return services.checkpoint_record(
            actor=school.manager,
            patrol_round=patrol_round,
            checkpoint=route.checkpoints.first(),
            result="normal",
        )

    return school.manager, call, "patrol.checkpoint", set()


def _entry() -> GateEntry:
    return GateEntry(
        kind="visitor",
        name="赵访客",
        id_type="resident_id",
        id_last4="123X",
        phone="13800002222",
        purpose="送教材",
        person_visited="王老师",
        time_in=timezone.now() - datetime.timedelta(hours=1),
    )


def _gate_entry_create(city, people):
    school = build_school(city, people)

    def call():
        return services.gate_entry_create(actor=school.gatekeeper, unit=school.unit, entry=_entry())

    return school.gatekeeper, call, "gate_entry.create", set()


def _gate_entry_leave(city, people):
    school = build_school(city, people)
    entry = services.gate_entry_create(actor=school.gatekeeper, unit=school.unit, entry=_entry())

    def call():
        return services.gate_entry_leave(actor=school.gatekeeper, entry=entry)

    # Gate entries keep no generic old → new values (personal data).
    return school.gatekeeper, call, "gate_entry.leave", set()


def _purge_gate_register(city, people):
    school = build_school(city, people)
    services.gate_entry_create(actor=school.gatekeeper, unit=school.unit, entry=_entry())
    GateEntry.objects.update(time_in=timezone.now() - datetime.timedelta(days=400))

    def call():
        services.purge_gate_register()
        return school.unit

    return None, call, "gate_register.purge", set()


def _gate_duty_save(city, people):
    school = build_school(city, people)

    def call():
        return services.gate_duty_save(
            actor=school.gatekeeper,
            unit=school.unit,
            duty=GateDuty(
                date=timezone.localdate(),
                period="arrival",
                start_time=datetime.time(7, 0),
                end_time=datetime.time(8, 0),
                staff_names="张老师、李老师",
            ),
        )

    return school.gatekeeper, call, "gate_duty.save", set()


def _dormitory_create(city, people):
    school = build_school(city, people)

    def call():
        return services.dormitory_create(actor=school.leader, unit=school.unit, name="女生宿舍")

    return school.leader, call, "dormitory.create", {"name"}


def _room_create(city, people):
    school = build_school(city, people)

    def call():
        return services.room_create(
            actor=school.leader, dormitory=school.dormitory, number="102", beds=6
        )

    return school.leader, call, "room.create", {"number"}


def _pupil_save(city, people):
    school = build_school(city, people)
    pupil = school.pupils[0]

    def call():
        pupil.class_name = "七年级（2）班"
        return services.pupil_save(actor=school.leader, unit=school.unit, pupil=pupil)

    return school.leader, call, "pupil.update", {"class_name"}


def _pupils_import(city, people):
    school = build_school(city, people)
    row = services.PupilRow(
        line=2,
        name="周小九",
        class_name="七年级（2）班",
        parent_phone="13800005555",
        dormitory="男生宿舍",
        room="101",
        bed=4,
    )

    def call():
        services.pupils_import(actor=school.leader, unit=school.unit, rows=[row])
        return school.unit

    return school.leader, call, "pupils.import", set()


def _pupils_read(city, people):
    school = build_school(city, people)

    def call():
        services.pupils_read(actor=school.manager, unit=school.unit, what="pupils", count=3)
        return school.unit

    return school.manager, call, "pupils.read", set()


def _pupils_export(city, people):
    school = build_school(city, people)

    def call():
        services.pupils_export(actor=school.leader, unit=school.unit, count=3)
        return school.unit

    return school.leader, call, "pupils.export", set()


def _request(school):
    now = timezone.now()
    return services.leave_request(
        actor=school.teacher,
        pupil=school.pupils[0],
        reason="回家看病",
        leaves_at=now,
        returns_by=now + datetime.timedelta(hours=24),
    )


def _leave_request(city, people):
    school = build_school(city, people)
    return school.teacher, lambda: _request(school), "leave.request", set()


def _leave_at(step: str):
    def case(city, people):
        school = build_school(city, people)
        leave = _request(school)
        if step != "approve":
            services.leave_decide(actor=school.teacher, leave=leave, approve=True)
        if step == "return":
            services.leave_depart(actor=school.manager, leave=leave)

        def call():
            if step == "approve":
                return services.leave_decide(actor=school.teacher, leave=leave, approve=True)
            if step == "depart":
                return services.leave_depart(actor=school.manager, leave=leave)
            return services.leave_return(actor=school.manager, leave=leave)

        actor = school.teacher if step == "approve" else school.manager
        return actor, call, f"leave.{step}", {"status"}

    return case


def _roll_call_mark(city, people):
    school = build_school(city, people)

    def call():
        return services.roll_call_mark(
            actor=school.manager,
            room=school.room,
            day=timezone.localdate(),
            absences={school.pupils[2].pk: "unexplained"},
        )

    return school.manager, call, "roll_call.mark", {"present"}


def _absence_follow_up(city, people):
    school = build_school(city, people)
    roll_call = services.roll_call_mark(
        actor=school.manager,
        room=school.room,
        day=timezone.localdate(),
        absences={school.pupils[2].pk: "unexplained"},
    )
    absence = Absence.objects.get(roll_call=roll_call)

    def call():
        return services.absence_follow_up(
            actor=school.manager, absence=absence, parent_contacted=True, outcome="home"
        )

    return school.manager, call, "absence.follow_up", {"outcome"}


GUARDING_CASES: dict[str, Callable[[Any, Any], tuple]] = {
    f"safety.guarding.services.{name}": case
    for name, case in {
        "period_save": _period_update,
        "roster_create": _roster_create,
        "shift_save": _shift_save,
        "roster_submit": _roster_submit,
        "roster_review": _roster_review,
        "duty_log_save": _duty_log_save,
        "route_save": _route_save,
        "checkpoint_record": _checkpoint_record,
        "gate_entry_create": _gate_entry_create,
        "gate_entry_leave": _gate_entry_leave,
        "purge_gate_register": _purge_gate_register,
        "gate_duty_save": _gate_duty_save,
        "dormitory_create": _dormitory_create,
        "room_create": _room_create,
        "pupil_save": _pupil_save,
        "pupils_import": _pupils_import,
        "pupils_read": _pupils_read,
        "pupils_export": _pupils_export,
        "leave_request": _leave_request,
        "leave_decide": _leave_at("approve"),
        "leave_depart": _leave_at("depart"),
        "leave_return": _leave_at("return"),
        "roll_call_mark": _roll_call_mark,
        "absence_follow_up": _absence_follow_up,
    }.items()
}
