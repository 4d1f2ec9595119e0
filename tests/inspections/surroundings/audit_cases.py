"""How to call each surroundings and public-report service that names its change, for the
one-row-per-change table of tests/safety/test_audit_rows.py (issue #17)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from inspections.models import PublicReport, SafetyArea, SurroundingsSpot
from inspections.services import public_reports
from inspections.surroundings import services

SPOT = {"kind": "vendor", "place": "校门口东侧", "description": "流动摊贩售卖三无食品"}
DUE = datetime.date(2026, 11, 1)
REPORT = {"category": "surroundings", "text": "校门口有人兜售香烟", "phone": ""}


def _spot(city, people) -> SurroundingsSpot:
    return services.spot_record(actor=people.staff_a, school=city.school_a, fields=dict(SPOT))


def _referred(city, people) -> SurroundingsSpot:
    return services.spot_refer(
        actor=people.county_official,
        spot=_spot(city, people),
        department="police",
        request_text="请依法取缔",
    )


def _report(city) -> PublicReport:
    return services.public_report_submit(school=city.school_a, fields=dict(REPORT))


def _meeting(city, people, spot):
    return services.meeting_record(
        actor=people.county_official,
        bureau=city.county_a,
        fields={
            "title": "周边环境联席会议",
            "held_on": datetime.date(2026, 10, 1),
            "departments": ["police"],
            "attendees": "张三",
        },
        spots=[spot],
        decisions=[
            {"text": "每日巡查校门口", "owner": "派出所", "due_on": datetime.date(2026, 11, 1)}
        ],
    )


def _spot_record(city, people):
    def call():
        return _spot(city, people)

    return people.staff_a, call, "surroundings.record", {"place", "status"}


def _spot_refer(city, people):
    spot = _spot(city, people)

    def call():
        return services.spot_refer(
            actor=people.county_official, spot=spot, department="police", request_text="请依法取缔"
        )

    return people.county_official, call, "surroundings.refer", {"status", "department"}


def _spot_answer(city, people):
    spot = _referred(city, people)

    def call():
        return services.spot_answer(
            actor=people.liaison, spot=spot, answer_text="已取缔，将每日巡查", resolved=True
        )

    return people.liaison, call, "surroundings.answer", {"status", "answer_text"}


def _spot_close(city, people):
    spot = _spot(city, people)

    def call():
        return services.spot_close(
            actor=people.county_official, spot=spot, resolved=False, comment="需联合执法"
        )

    return people.county_official, call, "surroundings.close", {"status"}


def _meeting_record(city, people):
    spot = _spot(city, people)

    def call():
        return _meeting(city, people, spot)

    return people.county_official, call, "surroundings.meeting", {"title"}


def _decision_done(city, people):
    decision = _meeting(city, people, _spot(city, people)).decisions.get()

    def call():
        return services.decision_done(actor=people.liaison, decision=decision)

    return people.liaison, call, "surroundings.decision_done", set()


def _public_report_submit(city, people):
    def call():
        return _report(city)

    return None, call, "public_report.receive", {"text"}


def _public_report_accept_as_spot(city, people):
    report = _report(city)

    def call():
        services.public_report_accept_as_spot(
            actor=people.leader_a, report=report, fields={"kind": "vendor", "place": "东门"}
        )
        return report

    return people.leader_a, call, "public_report.accept", set()


def _public_report_dismiss(city, people):
    report = _report(city)

    def call():
        return services.public_report_dismiss(actor=people.staff_a, report=report, reason="重复")

    return people.staff_a, call, "public_report.dismiss", set()


def _hazard_from_public_report(city, people):
    report = _report(city)

    def call():
        public_reports.hazard_from_public_report(
            actor=people.staff_a,
            report=report,
            area=SafetyArea.objects.get(key="surroundings"),
            location="东门",
        )
        return report

    return people.staff_a, call, "public_report.accept", set()


SURROUNDINGS_CASES: dict[str, Callable[[Any, Any], tuple]] = {
    **{
        f"inspections.surroundings.services.{name}": case
        for name, case in {
            "spot_record": _spot_record,
            "spot_refer": _spot_refer,
            "spot_answer": _spot_answer,
            "spot_close": _spot_close,
            "meeting_record": _meeting_record,
            "decision_done": _decision_done,
            "public_report_submit": _public_report_submit,
            "public_report_accept_as_spot": _public_report_accept_as_spot,
            "public_report_dismiss": _public_report_dismiss,
        }.items()
    },
    "inspections.services.public_reports.hazard_from_public_report": _hazard_from_public_report,
}
