"""Incident and monthly-report fixtures on the shared personas and builders
(tests/personas.py, tests/builders.py), for tests/reporting/incidents, monthly and dashboards."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from reporting.incidents import services
from reporting.incidents.models import Incident

# The shared builders under the names the reporting tests import from here.
from tests.builders import OCTOBER, SHANGHAI, report_incident, shanghai, submit_monthly
from tests.builders import incident_facts as facts

__all__ = ["OCTOBER", "SHANGHAI", "facts", "record_all_items", "shanghai"]


@pytest.fixture
def report(people):
    """File an initial report as staff of school A."""

    def make(**overrides: Any) -> Incident:
        return report_incident(people.staff_a, **overrides)

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


@pytest.fixture
def submit_school(people):
    """Draft and submit a school's October report as a given user at a given time
    (tests/builders.py)."""
    return submit_monthly
