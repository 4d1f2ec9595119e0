"""Every signed-in user changes their own password: the old one checked, the validators
applied, other sessions ended, the current one kept, the change audited and logged (never
the password)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from safety.models import AuditEvent, UserSession
from tests.factories import TEST_PASSWORD

NEW_PASSWORD = "Qiuyu-Anquan-2026"


def signed_in(username: str = "alice", ip: str = "10.0.0.1") -> Client:
    """A client signed in through the real login page (so the session is registered)."""
    client = Client(REMOTE_ADDR=ip)
    response = client.post(reverse("login"), {"username": username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client


def change(client: Client, old: str, new: str, again: str | None = None):
    return client.post(
        reverse("password_change"),
        {"old_password": old, "new_password1": new, "new_password2": again or new},
    )


def test_the_top_bar_links_to_the_password_page(people, client_for):
    page = client_for("staff_a").get(reverse("dashboards:home")).content.decode()
    assert reverse("password_change") in page
    assert "修改密码" in page
    form = client_for("staff_a").get(reverse("password_change")).content.decode()
    assert "旧密码" in form and "新密码" in form


def test_wrong_old_password_is_refused_in_chinese(people):
    client = signed_in()
    response = change(client, "not-my-password", NEW_PASSWORD)
    assert response.status_code == 200
    page = response.content.decode()
    assert "旧密码不正确" in page
    # The form comes back for another try; passwords are never written back into the page.
    assert 'name="old_password"' in page
    assert NEW_PASSWORD not in page and "not-my-password" not in page
    people.staff_a.refresh_from_db()
    assert people.staff_a.check_password(TEST_PASSWORD)
    assert not AuditEvent.objects.filter(action="account.password_change").exists()


@pytest.mark.parametrize(
    ("new", "again", "error"),
    [
        ("12345678", None, "太常见"),
        ("83659127", None, "只包含数字"),
        ("Ab3-x", None, "密码太短"),
        (NEW_PASSWORD, NEW_PASSWORD + "x", "不一致"),
    ],
)
def test_weak_or_mistyped_new_password_is_refused(new, again, error, people):
    client = signed_in()
    response = change(client, TEST_PASSWORD, new, again)
    assert error in response.content.decode()
    people.staff_a.refresh_from_db()
    assert people.staff_a.check_password(TEST_PASSWORD)


@pytest.mark.parametrize(
    "engine",
    ["django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db"],
)
def test_success_signs_out_other_sessions_and_keeps_this_one(engine, people, caplog, settings):
    settings.SESSION_ENGINE = engine  # a cached engine: the ended sessions' copies go too
    phone = signed_in(ip="10.0.0.2")
    laptop = signed_in()
    copied_cookie = Client()
    copied_cookie.cookies[settings.SESSION_COOKIE_NAME] = laptop.cookies[
        settings.SESSION_COOKIE_NAME
    ].value
    assert UserSession.objects.filter(user=people.staff_a).count() == 2

    with caplog.at_level("INFO", logger="safecampus.security"):
        response = change(laptop, TEST_PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302

    home = laptop.get(reverse("dashboards:home"), follow=True)
    assert home.status_code == 200 and home.redirect_chain == []
    assert "密码已修改" in home.content.decode()
    for other in (phone, copied_cookie):
        response = other.get(reverse("dashboards:home"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    register = UserSession.objects.get(user=people.staff_a)
    assert register.session_key == laptop.session.session_key

    people.staff_a.refresh_from_db()
    assert people.staff_a.check_password(NEW_PASSWORD)
    event = AuditEvent.objects.get(action="account.password_change")
    assert event.changes == {"other_sessions_ended": "1"}
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "password changed user=alice ip=10.0.0.1" in logged
    for secret in (NEW_PASSWORD, TEST_PASSWORD):
        assert secret not in logged and secret not in str(event.changes)


def test_anonymous_visitors_are_sent_to_the_login_page(db):
    response = Client().get(reverse("password_change"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
