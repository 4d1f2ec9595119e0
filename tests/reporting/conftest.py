"""Incident and monthly-report builders on top of the shared personas (tests/conftest.py),
shared by tests/reporting/incidents, monthly and dashboards."""

from __future__ import annotations

import datetime
import zoneinfo
from typing import Any

import pytest
from django.utils import timezone

from reporting.incidents import services
from reporting.incidents.models import Incident
from reporting.monthly import services as monthly_services

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def facts(**overrides: Any) -> dict[str, Any]:
    base = {
        "category": "crush_stampede",
        "severity": "general",
        "occurred_at": timezone.now() - datetime.timedelta(minutes=20),
        "place": "教学楼东侧楼梯",
        "deaths": 0,
        "injured": 2,
        "missing": 0,
        "pupils_involved": 2,
        "staff_involved": 0,
        "summary": "两名学生课间在楼梯摔倒受伤",
        "what_happened": "课间操下楼时两名学生摔倒。",
        "measures_taken": "已送医，通知家长。",
        "reporter_name": "李娜",
        "reporter_phone": "13900000000",
    }
    base.update(overrides)
    return base


@pytest.fixture
def report(people):
    """File an initial report as staff of school A."""

    def make(**overrides: Any) -> Incident:
        return services.incident_report(actor=people.staff_a, facts=facts(**overrides))

    return make


@pytest.fixture
def closable(people, report):
    """An acknowledged incident with all four closure items recorded."""

    def make(**overrides: Any) -> Incident:
        incident = report(**overrides)
        official = people.county_official
        services.incident_acknowledge(actor=official, incident=incident)
        record_all_items(official, incident)
        return incident

    return make


def record_all_items(official, incident, skip: tuple[str, ...] = ()) -> None:
    items = {
        "cause": {"text": "楼梯照明不足，学生拥挤"},
        "accountability": {"text": "通报批评", "people": "值班教师王某"},
        "rectification": {"text": "加装照明，错峰下楼"},
        "education": {
            "text": "安全教育班会",
            "people": "全体师生；安全办主任",
            "held_on": datetime.date(2026, 3, 2),
        },
    }
    for kind, fields in items.items():
        if kind not in skip:
            services.closure_item_record(actor=official, incident=incident, kind=kind, **fields)


# --- Monthly reports ---

OCTOBER = datetime.date(2026, 10, 1)


def shanghai(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def submit_school(people):
    """Draft and submit a school's October report as a given user at a given time."""

    def submit(user, *, month=OCTOBER, when=None, text="检查了消防通道。"):
        monthly_services.monthly_report_save_draft(
            actor=user,
            unit=user.organisation,
            month=month,
            work_done=text,
            problems_found="",
            next_month_plans="",
        )
        return monthly_services.monthly_report_submit(
            actor=user, unit=user.organisation, month=month, now=when or shanghai(2026, 10, 30, 9)
        )

    return submit
