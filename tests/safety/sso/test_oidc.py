"""#21 OIDC sign-in against the test identity platform (django-oauth-toolkit, a real process):
a school user signs in, unknown and incomplete identities are refused or created inactive,
replayed or forged state and code are refused, lockout holds, logout ends both sessions."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from safety.models import AuditEvent, User, UserSession
from safety.sso import services
from tests.factories import TEST_PASSWORD
from tests.safety.sso import servers

pytestmark = pytest.mark.django_db(transaction=False)


def start(client: Client) -> str:
    response = client.get(reverse("sso:oidc_login"))
    assert response.status_code == 302
    return response["Location"]


def refusal(client: Client, response) -> str:
    """The reason shown by the refusal page a response leads to."""
    assert response.status_code == 302, response.status_code
    assert response["Location"] == reverse("sso:refused")
    page = client.get(response["Location"])
    assert page.status_code == 200
    return page.content.decode()


def test_the_login_page_shows_the_platform_button(oidc, settings, client):
    settings.SSO_BUTTON_LABEL = "市教育局统一身份认证登录"
    page = client.get(reverse("login")).content.decode()
    assert "市教育局统一身份认证登录" in page
    assert reverse("sso:oidc_login") in page
    assert 'name="password"' in page  # local passwords stay on by default


def test_a_school_user_signs_in_through_oidc(oidc, people, agent, caplog):
    client = Client()
    to_platform = start(client)
    assert to_platform.startswith(oidc.endpoint("o/authorize/"))
    assert "code_challenge" in to_platform  # PKCE
    with caplog.at_level("INFO", logger="safecampus.security"):
        back = agent.sign_in(to_platform, "alice")
        response = client.get(back)
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboards:home")
    assert int(client.session["_auth_user_id"]) == people.staff_a.pk
    assert client.session[services.SESSION_PROTOCOL_KEY] == "oidc"
    # The session limits' clock starts as for a password login (SessionLifetimeMiddleware).
    assert client.session["login_at"] == client.session["last_seen"]
    # The session register and the security log, as for a password login.
    assert UserSession.objects.filter(user=people.staff_a).count() == 1
    assert AuditEvent.objects.filter(action="account.login", target_id=people.staff_a.pk).exists()
    assert any("login user=alice" in r.getMessage() for r in caplog.records)
    assert client.get(reverse("dashboards:home")).status_code == 200


def test_replayed_or_forged_state_and_code_are_refused(oidc, people, agent, caplog):
    client = Client()
    back = agent.sign_in(start(client), "alice")
    assert client.get(back).status_code == 302
    client.post(reverse("logout"))
    # The same callback again: its state was used up.
    with caplog.at_level("WARNING", logger="safecampus.security"):
        text = refusal(client, client.get(back))
    assert "已被使用" in text or "无法验证" in text
    assert "_auth_user_id" not in client.session
    # A fresh state of this session with the old code: the platform refuses the code.
    other = Client()
    state = parse_qs(urlsplit(start(other)).query)["state"][0]
    code = parse_qs(urlsplit(back).query)["code"][0]
    replay = other.get(reverse("sso:oidc_callback"), {"code": code, "state": state})
    refusal(other, replay)
    assert "_auth_user_id" not in other.session
    # A forged state in a session that never started a sign-in.
    forged = Client().get(reverse("sso:oidc_callback"), {"code": "x", "state": "forged"})
    assert forged.status_code == 302 and forged["Location"] == reverse("sso:refused")
    reasons = [r.getMessage() for r in caplog.records if "sso refused" in r.getMessage()]
    assert len(reasons) >= 2 and all("reason=invalid" in line for line in reasons)


def test_an_unknown_user_is_refused_with_a_clear_page(oidc, people, agent):
    client = Client()
    response = client.get(agent.sign_in(start(client), "stranger"))
    text = refusal(client, response)
    assert "还没有您的账号" in text
    assert not User.objects.filter(username="stranger").exists()


def test_an_unknown_user_can_be_created_inactive(oidc, people, agent, settings):
    settings.SSO_UNKNOWN_USERS = "create_inactive"
    client = Client()
    text = refusal(client, client.get(agent.sign_in(start(client), "stranger")))
    assert "等待管理员" in text
    account = User.objects.get(username="stranger")
    assert (account.is_active, account.unit, account.role) == (False, None, "")
    assert not account.has_usable_password()
    assert AuditEvent.objects.filter(action="account.sso_create").count() == 1
    # A second attempt: still waiting, no second account.
    again = Client()
    refusal(again, again.get(agent.sign_in(start(again), "stranger")))
    assert User.objects.filter(username__startswith="stranger").count() == 1


def test_a_missing_claim_is_refused(oidc, people, agent, settings, city):
    settings.SSO_CLAIM = "email"
    settings.SSO_MATCH_FIELD = "email"
    client = Client()
    text = refusal(client, client.get(agent.sign_in(start(client), "nomail")))
    assert "约定的属性" in text


def test_an_account_is_matched_by_a_configured_claim(oidc, people, agent, settings):
    settings.SSO_CLAIM = "email"
    settings.SSO_MATCH_FIELD = "email"
    people.staff_a2.email = "BOB@bureau.example"
    people.staff_a2.save(update_fields=["email"])
    client = Client()
    assert client.get(agent.sign_in(start(client), "bob")).status_code == 302
    assert int(client.session["_auth_user_id"]) == people.staff_a2.pk


def test_a_locked_account_stays_locked_on_the_platform_path(oidc, people, agent, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "alice", "password": "wrong-password"})
    response = client.get(agent.sign_in(start(client), "alice"))
    assert "锁定" in refusal(client, response)
    assert "_auth_user_id" not in client.session


def test_platform_refusals_count_towards_the_lockout(oidc, people, agent, settings):
    people.staff_a.is_active = False
    people.staff_a.save(update_fields=["is_active"])
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        refusal(client, client.get(agent.sign_in(start(client), "alice")))
    # The failure that reaches the limit gets django-axes' lockout page at once.
    assert client.get(agent.sign_in(start(client), "alice")).status_code == 429
    people.staff_a.is_active = True
    people.staff_a.save(update_fields=["is_active"])
    response = client.post(reverse("login"), {"username": "alice", "password": TEST_PASSWORD})
    assert response.status_code == 429  # django-axes' lockout page
    assert "_auth_user_id" not in client.session


def test_logout_ends_the_platform_session_too(oidc, people, agent):
    client = Client()
    assert client.get(agent.sign_in(start(client), "alice")).status_code == 302
    page = client.get(reverse("dashboards:home"))
    assert f"form-action 'self' {oidc.url}" in page["Content-Security-Policy"]
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    to_platform = response["Location"]
    assert to_platform.startswith(oidc.endpoint("o/logout/"))
    assert "id_token_hint=" in to_platform
    assert "_auth_user_id" not in client.session
    assert not UserSession.objects.filter(user=people.staff_a).exists()
    # The platform ends its session and sends the agent back to the login page.
    back = agent.follow(to_platform)
    assert back.is_redirect and back.headers["Location"].endswith("/accounts/login/")
    # Signing in again asks for the platform's password again.
    page = agent.follow(start(Client()))
    assert not page.is_redirect and 'name="password"' in page.text


def test_an_unreachable_platform_is_a_refusal_not_an_error(oidc, settings, people):
    client = Client(raise_request_exception=False)
    state = parse_qs(urlsplit(start(client)).query)["state"][0]
    settings.OIDC_OP_TOKEN_ENDPOINT = f"http://127.0.0.1:{servers.free_port()}/o/token/"
    response = client.get(reverse("sso:oidc_callback"), {"code": "abc", "state": state})
    assert "无法验证" in refusal(client, response)
    assert "_auth_user_id" not in client.session
