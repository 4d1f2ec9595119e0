"""Authentication and session controls."""

from __future__ import annotations

import time

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from safety import services
from safety.models import AuditEvent, UserSession
from safety.security import client_address
from tests.factories import TEST_PASSWORD

PROXY = "10.0.0.254"


def attempt(username: str, password: str, ip: str = "10.0.0.1", forwarded: str = "") -> int:
    """A login from `ip`; `forwarded` is the X-Forwarded-For header as the app receives it."""
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    response = Client(REMOTE_ADDR=ip, **headers).post(
        reverse("login"), {"username": username, "password": password}
    )
    return response.status_code


def through_proxy(username: str, password: str, client: str, sent: str = "") -> int:
    """A login from `client` through nginx, which appends the client's address to whatever
    X-Forwarded-For the client sent (`sent`, possibly forged)."""
    forwarded = f"{sent}, {client}" if sent else client
    return attempt(username, password, ip=PROXY, forwarded=forwarded)


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


def test_behind_a_trusted_proxy_clients_are_locked_out_separately(people, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(settings.AXES_FAILURE_LIMIT):
        through_proxy("alice", "wrong", client="203.0.113.7")
    assert through_proxy("alice", TEST_PASSWORD, client="203.0.113.7") == 429
    # Alice at home is not locked out by someone guessing her password elsewhere, and the
    # attacker cannot claim another address: what the client wrote is left of the proxy's.
    assert through_proxy("alice", TEST_PASSWORD, client="198.51.100.20") == 302
    assert through_proxy("alice", TEST_PASSWORD, client="203.0.113.7", sent="1.2.3.4") == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}


def test_without_a_trusted_proxy_a_forged_header_changes_nothing(people, settings):
    assert settings.TRUSTED_PROXY_COUNT == 0
    for number in range(settings.AXES_FAILURE_LIMIT):
        attempt("alice", "wrong", ip="10.0.0.1", forwarded=f"192.0.2.{number}")
    assert attempt("alice", TEST_PASSWORD, ip="10.0.0.1", forwarded="192.0.2.99") == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"10.0.0.1"}


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "10.0.0.1", "", "10.0.0.1"),
        (0, "10.0.0.1", "203.0.113.7", "10.0.0.1"),
        (1, PROXY, "203.0.113.7", "203.0.113.7"),
        (1, PROXY, "1.2.3.4, 203.0.113.7", "203.0.113.7"),
        (1, PROXY, "2001:db8::1", "2001:db8::1"),
        (2, "10.0.0.253", "1.2.3.4, 203.0.113.7, 10.0.0.9", "203.0.113.7"),
        (1, PROXY, "", PROXY),  # not through the proxy chain: its own address
        (2, "10.0.0.253", "203.0.113.7", "10.0.0.253"),
        (1, PROXY, "1.2.3.4, not-an-address", PROXY),
    ],
)
def test_client_address_takes_the_nth_address_from_the_right(
    proxies, remote, forwarded, expected, rf, settings
):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_every_consumer_records_the_client_address_behind_the_proxy(people, settings, caplog):
    """Lockout (axes), the security log, the session register and the audit trail."""
    settings.TRUSTED_PROXY_COUNT = 1
    client_ip = "203.0.113.7"
    headers = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"1.2.3.4, {client_ip}"}
    client = Client(**headers)
    with caplog.at_level("INFO", logger="safecampus.security"):
        client.post(reverse("login"), {"username": "alice", "password": "wrong"})
        client.post(reverse("login"), {"username": "alice", "password": TEST_PASSWORD})
        session = client.session
        session["last_seen"] = int(time.time()) - settings.SESSION_IDLE_SECONDS - 1
        session.save()
        client.get(reverse("dashboards:home"))  # the session expires
        client.post(reverse("login"), {"username": "alice", "password": TEST_PASSWORD})
        register = UserSession.objects.get(user=people.staff_a)
        client.post(reverse("logout"))
    assert register.ip_address == client_ip
    security_lines = [r.getMessage() for r in caplog.records if r.name == "safecampus.security"]
    for event in ("login failed", "login user", "session expired", "logout"):
        line = next(line for line in security_lines if line.startswith(event))
        assert f"ip={client_ip}" in line, line
    assert not any(PROXY in line or "1.2.3.4" in line for line in security_lines)
    audited = AuditEvent.objects.filter(action__in=["account.login", "account.logout"])
    assert {event.changes["ip"] for event in audited} == {client_ip}
    assert set(AccessLog.objects.values_list("ip_address", flat=True)) == {client_ip}


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


@pytest.fixture(
    params=[
        "django.contrib.sessions.backends.db",
        # a cached engine: ending a session must delete its cached copy too
        "django.contrib.sessions.backends.cached_db",
    ]
)
def session_engine(request, settings):
    settings.SESSION_ENGINE = request.param
    return request.param


def test_deactivating_an_account_ends_its_sessions(session_engine, people, client):
    client.post(reverse("login"), {"username": "alice", "password": TEST_PASSWORD})
    account = people.staff_a
    account.is_active = False
    services.user_save(actor=people.county_admin, account=account)
    assert not Session.objects.exists()
    response = client.get(reverse("dashboards:home"))
    assert response.status_code == 302


def test_administrator_ends_a_users_sessions(session_engine, people, client):
    """A session ended through the store is gone from the cache too, not only its row."""
    client.post(reverse("login"), {"username": "alice", "password": TEST_PASSWORD})
    assert client.get(reverse("dashboards:home")).status_code == 200  # cached, if cached_db
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
