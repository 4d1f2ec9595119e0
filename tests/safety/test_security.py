"""Authentication and session controls."""

from __future__ import annotations

import time

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from safety import services
from safety.models import AuditEvent, UserSession
from tests.factories import TEST_PASSWORD


def attempt(username: str, password: str, ip: str = "10.0.0.1") -> int:
    response = Client(REMOTE_ADDR=ip).post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )
    return response.status_code


def test_repeated_failures_lock_the_user_name_from_that_address(people, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt("alice", "wrong") == 200
    assert attempt("alice", "wrong") == 429  # the limit-th failure locks
    # Locked: even the right password is refused from this address.
    assert attempt("alice", TEST_PASSWORD) == 429


def test_lockout_does_not_lock_colleagues_behind_the_same_address(people, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt("alice", "wrong")
    assert attempt("bob", TEST_PASSWORD) == 302


def test_lockout_is_keyed_by_address_too(people, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt("alice", "wrong", ip="10.0.0.1")
    assert attempt("alice", TEST_PASSWORD, ip="10.0.0.2") == 302


def test_locked_out_page_is_chinese(people, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt("alice", "wrong")
    response = Client(REMOTE_ADDR="10.0.0.1").post(
        reverse("login"), {"username": "alice", "password": "wrong"}
    )
    assert "登录失败次数过多" in response.content.decode()


def test_idle_session_expires(people, client, settings):
    client.force_login(people.staff_a)
    session = client.session
    session["last_seen"] = int(time.time()) - settings.SESSION_IDLE_SECONDS - 1
    session.save()
    response = client.get(reverse("dashboards:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_absolute_session_lifetime(people, client, settings):
    client.force_login(people.staff_a)
    session = client.session
    session["login_at"] = int(time.time()) - settings.SESSION_ABSOLUTE_SECONDS - 1
    session.save()
    assert client.get(reverse("dashboards:home")).status_code == 302


def test_active_session_keeps_working(people, client):
    client.force_login(people.staff_a)
    assert client.get(reverse("dashboards:home")).status_code == 200


def test_login_registers_the_session_and_is_audited(people, client):
    client.post(reverse("login"), {"username": "alice", "password": TEST_PASSWORD})
    assert UserSession.objects.filter(user=people.staff_a).count() == 1
    assert AuditEvent.objects.filter(action="account.login", target_id=str(people.staff_a.pk))
    client.post(reverse("logout"))
    assert not UserSession.objects.filter(user=people.staff_a).exists()
    assert AuditEvent.objects.filter(action="account.logout", target_id=str(people.staff_a.pk))


def test_deactivating_an_account_ends_its_sessions(people, client):
    client.post(reverse("login"), {"username": "alice", "password": TEST_PASSWORD})
    account = people.staff_a
    account.is_active = False
    services.user_save(actor=people.county_admin, account=account)
    assert not Session.objects.exists()
    response = client.get(reverse("dashboards:home"))
    assert response.status_code == 302


def test_administrator_ends_a_users_sessions(people, client):
    client.post(reverse("login"), {"username": "alice", "password": TEST_PASSWORD})
    assert services.user_end_sessions(actor=people.county_admin, account=people.staff_a) == 1
    assert client.get(reverse("dashboards:home")).status_code == 302


def test_administrator_cannot_end_sessions_outside_the_jurisdiction(people):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.user_end_sessions(actor=people.county_admin, account=people.other_county_official)


def test_pages_carry_a_strict_content_security_policy(people, client_for):
    response = client_for("staff_a").get(reverse("dashboards:home"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy
    assert "<script>" not in response.content.decode()
