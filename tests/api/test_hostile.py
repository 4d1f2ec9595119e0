"""Every API endpoint walked with hostile values (#22): query parameters of every list, ids
of every detail, bodies of every write. Each answer is a 4xx (or 200 where the value is
merely unusual) with a JSON error, never a 500, never a row outside the client's
jurisdiction, and a refused write saves nothing."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from api.serializers import HazardReportSerializer, IncidentReportSerializer
from api.urls import router
from inspections.models import Hazard
from reporting.models import Incident
from tests.builders import report_incident

pytestmark = pytest.mark.django_db

HOSTILE_VALUES = [
    "", "'", '"', "-1", "0", "1.5", "9" * 30, "abc", "2026-13-45", "2026-02-30T25:61",
    "\x00", "a\x01b", "x" * 5000, "%", "%00", "[]", "{}", "null", "true", "../../etc/passwd",
    "🙂", "<script>", "1 OR 1=1", "fire,major",
]  # fmt: skip
HOSTILE_IDS = ["0", "-1", "abc", "9" * 30, "1.5", "%00", "..", "1e3"]
HOSTILE_FIELD_VALUES = [None, [], {}, True, 1.5, -1, "x" * 20000, "\x00", "🙂" * 300, "null"]
LISTS = sorted((basename, viewset) for _prefix, viewset, basename in router.registry)
WRITES = {
    "hazard": HazardReportSerializer,
    "incident": IncidentReportSerializer,
}


@pytest.fixture
def world(api_clients, city, people, staff_b):
    from inspections import services as inspection_services
    from safety.models import SafetyArea

    fire = SafetyArea.objects.get(key="fire")
    inspection_services.hazard_report(
        actor=people.staff_a, school=city.school_a, area=fire, description="灭火器压力不足"
    )
    inspection_services.hazard_report(
        actor=staff_b, school=city.school_b, area=fire, description="乙县隐患"
    )
    report_incident(people.staff_a)
    return api_clients


def _is_json_error(response) -> bool:
    return response["Content-Type"].startswith("application/json") and "detail" in response.json()


@pytest.mark.parametrize(("basename", "viewset"), LISTS, ids=[b for b, _v in LISTS])
def test_hostile_query_values_never_answer_500(basename, viewset, world):
    http = world.county.http
    url = reverse(f"api:{basename}-list")
    names = [*viewset.filterset_class.base_filters, "page_size", "cursor", "no_such_filter"]
    failures = []
    for name in names:
        for value in HOSTILE_VALUES:
            response = http.get(url, {name: value})
            if response.status_code >= 500 or response.status_code not in (200, 400):
                failures.append(f"{name}={value[:20]!r}: {response.status_code}")
            elif response.status_code == 400 and not _is_json_error(response):
                failures.append(f"{name}={value[:20]!r}: 400 without a JSON error")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(("basename", "viewset"), LISTS, ids=[b for b, _v in LISTS])
def test_hostile_ids_are_json_404s(basename, viewset, world):
    http = world.county.http
    prefix = reverse(f"api:{basename}-list")
    for value in HOSTILE_IDS:
        response = http.get(f"{prefix}{value}/")
        assert response.status_code == 404, (value, response.status_code)
        assert _is_json_error(response), value


def test_huge_page_sizes_are_capped(world, settings, city, people):
    settings.API_MAX_PAGE_SIZE = 2
    from inspections import services as inspection_services
    from safety.models import SafetyArea

    for _ in range(3):
        inspection_services.hazard_report(
            actor=people.staff_a,
            school=city.school_a,
            area=SafetyArea.objects.get(key="fire"),
            description="又一条",
        )
    body = world.county.http.get(reverse("api:hazard-list"), {"page_size": 10**9}).json()
    assert len(body["results"]) == 2
    assert body["next"]


def test_an_invalid_cursor_is_a_400(world):
    response = world.county.http.get(reverse("api:hazard-list"), {"cursor": "!!!not-base64"})
    assert response.status_code == 400
    assert "游标" in json.dumps(response.json(), ensure_ascii=False)


@pytest.mark.parametrize("basename", sorted(WRITES))
@pytest.mark.parametrize(
    "body",
    ["{", "[]", "null", '"x"', "1", '{"a": 1', "\x00", '{"description": "\\u0000"}'],
)
def test_malformed_bodies_are_400_and_save_nothing(basename, body, world):
    url = reverse(f"api:{basename}-list")
    before = (Hazard.objects.count(), Incident.objects.count())
    response = world.county.http.generic("POST", url, body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert _is_json_error(response)
    assert (Hazard.objects.count(), Incident.objects.count()) == before


@pytest.mark.parametrize("basename", sorted(WRITES))
def test_wrong_types_and_unknown_fields_are_400(basename, world, city):
    from tests.matrix.test_api_matrix import _report_body

    url = reverse(f"api:{basename}-list")
    fake = type(
        "W", (), {"clients": {"county": type("C", (), {"unit": city.county_a})}, "city": city}
    )
    valid = _report_body(basename, fake, "county")
    before = (Hazard.objects.count(), Incident.objects.count())
    failures = []
    for field in [*WRITES[basename]().fields, "status", "reporter"]:
        for value in HOSTILE_FIELD_VALUES:
            body = {**valid, field: value}
            response = world.county.http.post(url, body, content_type="application/json")
            if response.status_code >= 500:
                failures.append(f"{field}={value!r:.20}: {response.status_code}")
            elif response.status_code == 201:
                continue  # an unusual but valid value (e.g. an empty location)
            elif response.status_code != 400 or "errors" not in response.json():
                failures.append(f"{field}={value!r:.20}: {response.status_code}")
    assert not failures, "\n".join(failures)
    # Unknown fields are refused, never ignored.
    response = world.county.http.post(
        url, {**valid, "status": "closed"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "status" in response.json()["errors"]
    assert (Hazard.objects.count(), Incident.objects.count())[0] >= before[0]


def test_another_units_ids_in_a_report_are_refused(world, city):
    response = world.school.http.post(
        reverse("api:hazard-list"),
        {"school": city.school_b.pk, "area": "fire", "description": "别校隐患"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert not Hazard.objects.filter(description="别校隐患").exists()


def test_a_form_body_is_refused_with_415(world):
    response = world.school.http.post(
        reverse("api:hazard-list"), {"area": "fire", "description": "x"}
    )
    assert response.status_code == 415
    assert _is_json_error(response)
