"""The API end to end: tokens, scoping, paging, sync, reports, errors."""

from __future__ import annotations

import datetime
import json

import pytest
from django.test import Client
from django.utils import timezone

from api import services
from api.models import ApiClient, token_digest
from inspections.models import Hazard
from reporting.models import Incident
from safety.models import AuditEvent, Notification, SafetyArea
from tests.builders import report_incident

from .conftest import register

pytestmark = pytest.mark.django_db

HAZARDS = "/api/v1/hazards/"


def _hazard(school, staff, text="灭火器压力不足"):
    from inspections import services as inspection_services

    return inspection_services.hazard_report(
        actor=staff, school=school, area=SafetyArea.objects.get(key="fire"), description=text
    )


def test_the_token_is_stored_hashed_and_shown_once(api_clients):
    record = api_clients.county.record
    assert record.token_hash == token_digest(api_clients.county.token)
    assert api_clients.county.token not in json.dumps(
        list(ApiClient.objects.values("token_hash", "token_hint"))
    )
    assert api_clients.county.token.startswith(record.token_hint)
    assert not record.account.has_usable_password()


def test_a_county_client_reads_its_hazards_only(api_clients, city, people, staff_b):
    inside = _hazard(city.school_a, people.staff_a)
    outside = _hazard(city.school_b, staff_b)
    response = api_clients.county.http.get(HAZARDS)
    assert response.status_code == 200, response.content
    ids = [row["id"] for row in response.json()["results"]]
    assert ids == [inside.pk]
    assert api_clients.county.http.get(f"{HAZARDS}{outside.pk}/").status_code == 404
    detail = api_clients.county.http.get(f"{HAZARDS}{inside.pk}/").json()
    assert detail["events"][0]["action"] == "reported"
    assert detail["area"] == "fire"
    assert api_clients.city.http.get(f"{HAZARDS}{outside.pk}/").status_code == 200


def test_pages_through_with_the_cursor(api_clients, city, people):
    made = [_hazard(city.school_a, people.staff_a, f"隐患{i}").pk for i in range(7)]
    seen, url = [], f"{HAZARDS}?page_size=3"
    while url:
        body = api_clients.county.http.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert seen == sorted(made, reverse=True)


def test_updated_since_returns_hazards_with_a_new_event(api_clients, city, people):
    old = _hazard(city.school_a, people.staff_a)
    Hazard.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=9))
    old.events.update(created_at=timezone.now() - datetime.timedelta(days=9))
    new = _hazard(city.school_a, people.staff_a)
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    body = api_clients.county.http.get(HAZARDS, {"updated_since": since}).json()
    assert [row["id"] for row in body["results"]] == [new.pk]


def test_a_county_client_reports_a_hazard_through_the_service(api_clients, city, people):
    official = people.county_official
    response = api_clients.county.http.post(
        HAZARDS,
        {
            "school": city.school_a.pk,
            "area": "fire",
            "description": "消防通道堵塞",
            "severity": "major",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    hazard = Hazard.objects.get(pk=response.json()["id"])
    assert hazard.reporter == api_clients.county.account
    assert hazard.source == Hazard.Source.AD_HOC
    assert hazard.events.get().actor == api_clients.county.account
    # A major hazard alerts the county's officials, as on the screens.
    assert Notification.objects.filter(recipient=official, kind="hazard_major").exists()
    assert AuditEvent.objects.filter(actor=api_clients.county.account).exists()


def test_reporting_for_a_school_outside_is_a_400(api_clients, city):
    response = api_clients.county.http.post(
        HAZARDS,
        {"school": city.school_b.pk, "area": "fire", "description": "x"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "school" in response.json()["errors"]
    assert not Hazard.objects.exists()


def test_a_read_only_client_may_not_report(city, people):
    reader = register(people, city.school_a, scope=ApiClient.Scope.READ)
    response = reader.http.post(
        HAZARDS, {"area": "fire", "description": "楼梯扶手松动"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_a_school_client_reports_an_incident(api_clients, city):
    response = api_clients.school.http.post(
        "/api/v1/incidents/",
        {
            "category": "sports",
            "severity": "general",
            "occurred_at": (timezone.now() - datetime.timedelta(hours=1)).isoformat(),
            "place": "操场",
            "summary": "学生摔倒",
            "what_happened": "体育课上摔倒。",
            "injured": 1,
            "reporter_name": "李娜",
            "reporter_phone": "13900000000",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    incident = Incident.objects.get()
    assert incident.school == city.school_a
    assert incident.created_by == api_clients.school.account
    assert response.json()["versions"][0]["kind"] == "initial"


def test_a_bad_phone_is_refused_as_on_the_screen(api_clients):
    response = api_clients.school.http.post(
        "/api/v1/incidents/",
        {
            "category": "sports",
            "severity": "general",
            "occurred_at": timezone.now().isoformat(),
            "place": "操场",
            "summary": "学生摔倒",
            "what_happened": "体育课上摔倒。",
            "reporter_name": "李娜",
            "reporter_phone": "12",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "reporter_phone" in response.json()["errors"]
    assert not Incident.objects.exists()


def test_a_county_client_sees_incident_flags_and_versions(api_clients, city, people):
    incident = report_incident(people.staff_a)
    body = api_clients.county.http.get(f"/api/v1/incidents/{incident.pk}/").json()
    assert set(body["flags"]) == {"missed", "late", "concealed", "liability"}
    assert len(body["versions"]) == 1


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (None, None),
        ("Bearer nope", "令牌无效"),
        ("Bearer a b", None),
        ("Basic abc", None),
    ],
)
def test_missing_or_wrong_tokens_are_401(header, message, api_clients):
    client = Client(headers={"authorization": header} if header else {})
    response = client.get(HAZARDS)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    if message:
        assert message in response.json()["detail"]


def test_revoked_and_expired_tokens_are_refused(api_clients, people):
    services.client_revoke(actor=people.administrator, client=api_clients.county.record)
    response = api_clients.county.http.get(HAZARDS)
    assert response.status_code == 401
    assert "吊销" in response.json()["detail"]
    ApiClient.objects.filter(pk=api_clients.city.record.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    response = api_clients.city.http.get(HAZARDS)
    assert response.status_code == 401
    assert "过期" in response.json()["detail"]


def test_last_use_is_recorded(api_clients):
    api_clients.county.http.get(HAZARDS)
    record = ApiClient.objects.get(pk=api_clients.county.record.pk)
    assert record.last_used_at is not None
    assert record.last_used_ip == "127.0.0.1"


def test_session_users_are_not_api_clients(client_for):
    response = client_for("county_official").get(HAZARDS)
    assert response.status_code == 401


def test_throttled_per_client(api_clients, settings, monkeypatch):
    from api.throttles import ClientRateThrottle

    monkeypatch.setattr(ClientRateThrottle, "THROTTLE_RATES", {"api_client": "3/min"})
    statuses = [api_clients.county.http.get(HAZARDS).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert api_clients.city.http.get(HAZARDS).status_code == 200
    assert "请求" in api_clients.county.http.get(HAZARDS).json()["detail"]


def test_every_call_is_in_the_security_log(api_clients, caplog):
    with caplog.at_level("INFO", logger="safecampus.security"):
        api_clients.county.http.get(HAZARDS)
        Client().get(HAZARDS)
    lines = [r.getMessage() for r in caplog.records if r.name == "safecampus.security"]
    assert any(
        f"client={api_clients.county.record.pk}" in line and "status=200" in line for line in lines
    )
    assert any("client=-" in line and "status=401" in line for line in lines)


def test_registration_and_revocation_are_audited(city, people):
    client, _token = services.client_register(
        actor=people.administrator, unit=city.county_a, name="县平台"
    )
    rows = AuditEvent.objects.filter(target_id=str(client.pk), target_type__model="apiclient")
    assert rows.get().action == "create"
    assert services.client_revoke(actor=people.administrator, client=client)
    assert not services.client_revoke(actor=people.administrator, client=client)
    assert rows.count() == 2
    client.account.refresh_from_db()
    assert not client.account.is_active


def test_only_an_administrator_of_the_unit_registers_clients(city, people):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.client_register(actor=people.county_official, unit=city.county_a, name="x")
    with pytest.raises(PermissionDenied):
        services.client_register(actor=people.county_admin, unit=city.county_b, name="x")
    client, _token = services.client_register(
        actor=people.county_admin, unit=city.school_a, name="校园平台"
    )
    assert client.account.unit == city.school_a


def test_a_service_account_cannot_sign_in(api_clients):
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": api_clients.county.account.username, "password": ""}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_list_row_shows_a_hazard_as_its_record_does(api_clients, city, people):
    hazard = _hazard(city.school_a, people.staff_a)
    Hazard.objects.filter(pk=hazard.pk).update(deadline=datetime.date(2026, 12, 1))
    row = api_clients.county.http.get(HAZARDS).json()["results"][0]
    record = api_clients.county.http.get(f"{HAZARDS}{hazard.pk}/").json()
    assert row == {name: record[name] for name in row}
    assert row["county"] == city.county_a.pk
    assert row["deadline"] == "2026-12-01"
    assert row["created_at"].endswith("+08:00")
