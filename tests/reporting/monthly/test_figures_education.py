"""#17: the monthly figures of safety education, the legal vice-principal gap, surroundings
spots by kind and public reports, against hand-built data; the county roll-up adds them."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from inspections.models import PublicReport, SurroundingsSpot
from inspections.surroundings import services as surroundings_services
from reporting.monthly import figures
from safety.education import services as education_services

from ..conftest import OCTOBER, shanghai

pytestmark = pytest.mark.django_db

AFTER = shanghai(2026, 11, 20, 12)


def rows(section: str, unit) -> dict[str, list]:
    compiled = figures.section_by_key(section).compute(unit, OCTOBER, AFTER)
    return {row[0]: row[1:] for row in compiled["rows"]}


def test_education_figures_of_the_month(city, people):
    def record(day, **fields):
        values = {"topic": "fire", "held_on": day, "classes": "一班", "pupils": 30}
        values.update(fields)
        education_services.record_create(actor=people.staff_a, school=city.school_a, fields=values)

    record(datetime.date(2026, 10, 9), hours=Decimal("1.5"))
    record(datetime.date(2026, 10, 20), kind="themed_week", pupils=100, hours=Decimal("2"))
    record(
        datetime.date(2026, 10, 21),
        kind="parent_letter",
        pupils=0,
        classes="",
        letters_sent=200,
        receipts_returned=180,
    )
    record(datetime.date(2026, 11, 2))  # November: not counted
    numbers = rows("education", city.school_a)
    assert numbers["安全教育活动次数"] == [3]
    assert numbers["安全教育课、主题教育周和安全教育日"] == [2]
    assert numbers["安全教育人·课时合计"] == [245]
    assert numbers["致家长信发出份数"] == [200]
    assert numbers["致家长信回执收回份数"] == [180]
    assert numbers["无法制副校长的学校"] == [1]
    education_services.legal_vp_appoint(
        actor=people.leader_a,
        school=city.school_a,
        fields={
            "name": "王警官",
            "organisation_kind": "police",
            "organisation": "城关派出所",
            "starts_on": datetime.date(2026, 9, 1),
            "ends_on": datetime.date(2027, 8, 31),
        },
    )
    assert rows("education", city.school_a)["无法制副校长的学校"] == [0]


def test_surroundings_and_public_report_figures(city, people):
    def spot(kind):
        return surroundings_services.spot_record(
            actor=people.staff_a,
            school=city.school_a,
            fields={"kind": kind, "place": "东门", "description": "问题"},
        )

    first, second, third = spot("vendor"), spot("vendor"), spot("hostel")
    SurroundingsSpot.objects.filter(pk__in=[first.pk, second.pk, third.pk]).update(
        created_at=shanghai(2026, 10, 10, 9)
    )
    surroundings_services.spot_close(actor=people.leader_a, spot=third, resolved=True, comment="")
    for status in ("accepted", "dismissed", "unverified"):
        report = surroundings_services.public_report_submit(
            school=city.school_a, fields={"category": "hazard", "text": "楼梯扶手松动"}
        )
        PublicReport.objects.filter(pk=report.pk).update(
            status=status, created_at=shanghai(2026, 10, 12, 9)
        )
    numbers = rows("surroundings", city.school_a)
    assert numbers["无证流动摊贩"] == [2, 2]
    assert numbers["无证小旅馆"] == [1, 0]
    assert numbers["群众举报收到数／受理数"] == [3, 1]
    county = figures.rollup_sections(
        [figures.compile_school_figures(city.school_a, OCTOBER, AFTER)]
    )
    assert county
