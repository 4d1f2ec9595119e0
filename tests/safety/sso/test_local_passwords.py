"""#21 Local passwords turned off for everyone but the break-glass administrator."""

from __future__ import annotations

import pytest
from django.core.checks import run_checks
from django.test import Client
from django.urls import reverse

from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def passwords_off(settings):
    settings.SSO_PROTOCOL = "oidc"
    settings.SSO_LOCAL_PASSWORDS = False
    settings.SSO_BREAK_GLASS_USERS = ["Frank"]


def sign_in(client: Client, username: str):
    return client.post(reverse("login"), {"username": username, "password": TEST_PASSWORD})


def test_a_local_password_is_refused_when_passwords_are_off(passwords_off, people, caplog):
    client = Client()
    with caplog.at_level("WARNING", logger="safecampus.security"):
        response = sign_in(client, "alice")
    assert response["Location"] == reverse("sso:refused")
    assert "已关闭平安校园密码登录" in client.get(response["Location"]).content.decode()
    assert "_auth_user_id" not in client.session
    assert any("reason=local_passwords_off" in r.getMessage() for r in caplog.records)


def test_the_break_glass_administrator_still_signs_in(passwords_off, people):
    client = Client()
    response = sign_in(client, "frank")
    assert response.status_code == 302 and response["Location"] == reverse("dashboards:home")
    assert int(client.session["_auth_user_id"]) == people.administrator.pk


def test_the_login_page_hides_the_password_form_behind_the_emergency_sign_in(passwords_off, client):
    page = client.get(reverse("login")).content.decode()
    assert "<details" in page and "应急登录" in page
    assert page.index("统一身份认证登录") < page.index("<details")


def test_passwords_stay_on_by_default(people, client):
    assert sign_in(client, "alice").status_code == 302


def test_an_incomplete_platform_configuration_fails_the_check(settings):
    settings.SSO_PROTOCOL = "cas"
    settings.CAS_SERVER_URL = ""
    assert "safety.E210" in {error.id for error in run_checks()}
    settings.CAS_SERVER_URL = "https://cas.example.gov.cn/cas/"
    assert "safety.E210" not in {error.id for error in run_checks()}
