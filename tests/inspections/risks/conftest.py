"""Fixtures of the risk grading tests: a school leader's points built through the service."""

from __future__ import annotations

from decimal import Decimal

import pytest

from inspections.risks import services
from safety.models import SafetyArea
from safety.responsibility.models import Post


@pytest.fixture
def point_values(db):
    def values(
        likelihood=4, severity=5, *, method="ls", exposure=None, measures="错峰放学，楼梯口教师值守"
    ):
        return {
            "name": "放学时段楼梯间",
            "area": SafetyArea.objects.get(key="buildings"),
            "danger": "拥挤踩踏",
            "method": method,
            "likelihood": Decimal(str(likelihood)),
            "severity": Decimal(str(severity)),
            "exposure": None if exposure is None else Decimal(str(exposure)),
            "control_measures": measures,
            "post": Post.objects.get(key="grade_leader"),
        }

    return values


@pytest.fixture
def make_point(city, people, point_values):
    def make(likelihood=4, severity=5, *, school=None, actor=None, **kwargs):
        return services.point_save(
            actor=actor or people.leader_a,
            school=school or city.school_a,
            values=point_values(likelihood, severity, **kwargs),
        )

    return make
