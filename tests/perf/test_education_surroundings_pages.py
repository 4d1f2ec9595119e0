"""#17: the detail and school pages of safety education and the surroundings stay within 8
queries, and the same number when their data grows fivefold."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inspections.surroundings import services as surroundings_services
from safety.education import services as education_services

pytestmark = pytest.mark.django_db

BUDGET = 8


def grow(city, people, times: int) -> dict[str, object]:
    school = city.school_a
    vp = education_services.legal_vp_appoint(
        actor=people.leader_a,
        school=school,
        fields={
            "name": f"警官{times}",
            "organisation_kind": "police",
            "organisation": "城关派出所",
            "starts_on": datetime.date(2000 + times, 9, 1),
            "ends_on": datetime.date(2000 + times, 12, 31),
        },
    )
    for n in range(times):
        record = education_services.record_create(
            actor=people.staff_a,
            school=school,
            fields={
                "topic": "law",
                "held_on": datetime.date(2026, 10, 1 + n),
                "classes": f"{n}班",
                "pupils": 30,
                "legal_vice_principal": vp,
            },
        )
        spot = surroundings_services.spot_record(
            actor=people.staff_a,
            school=school,
            fields={"kind": "vendor", "place": f"东门{n}", "description": "摊贩"},
        )
        spot = surroundings_services.spot_refer(
            actor=people.county_official, spot=spot, department="police", request_text="请处理"
        )
        report = surroundings_services.public_report_submit(
            school=school, fields={"category": "hazard", "text": f"隐患{n}"}
        )
    meeting = surroundings_services.meeting_record(
        actor=people.county_official,
        bureau=city.county_a,
        fields={
            "title": "联席会议",
            "held_on": datetime.date(2026, 10, 20),
            "departments": ["police"],
            "attendees": "张警官",
        },
        spots=[spot],
        decisions=[
            {"text": f"事项{n}", "owner": "派出所", "due_on": datetime.date(2026, 12, 1)}
            for n in range(times)
        ],
    )
    return {"record": record, "spot": spot, "report": report, "meeting": meeting}


def pages(city, records) -> list[tuple[str, str]]:
    return [
        (
            "staff_a",
            reverse("education:coverage_school", args=[city.school_a.pk]) + "?term=2026-autumn",
        ),
        ("staff_a", reverse("education:record_detail", args=[records["record"].pk])),
        ("county_official", reverse("surroundings:spot_detail", args=[records["spot"].pk])),
        ("liaison", reverse("surroundings:spot_detail", args=[records["spot"].pk])),
        ("county_official", reverse("surroundings:meeting_detail", args=[records["meeting"].pk])),
        ("staff_a", reverse("surroundings:report_detail", args=[records["report"].pk])),
        ("staff_a", reverse("surroundings:report_list")),
        ("liaison", reverse("surroundings:meeting_list")),
    ]


def counts(city, people, records) -> dict[str, int]:
    result = {}
    for persona, url in pages(city, records):
        client = Client()
        client.force_login(getattr(people, persona))
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, url
        result[f"{persona} {url.split('?')[0]}"] = len(captured.captured_queries)
    return result


def test_pages_stay_within_budget_and_flat(city, people):
    small = counts(city, people, grow(city, people, 1))
    large = counts(city, people, grow(city, people, 5))
    by_page = dict(zip(small, large.values(), strict=True))
    assert list(small.values()) == list(by_page.values()), (small, large)
    over = {page: n for page, n in small.items() if n > BUDGET}
    assert not over, over
