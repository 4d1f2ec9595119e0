"""#21 CAS 3.0 sign-in against the test identity platform's CAS server (django-mama-cas, a
real process): a school user signs in, a replayed or forged ticket is refused, logout goes to
the CAS server's /logout."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from safety.models import UserSession
from safety.sso import services
from tests.safety.sso import servers

pytestmark = pytest.mark.django_db


def start(client: Client, **query: str) -> str:
    response = client.get(reverse("sso:cas_login"), query)
    assert response.status_code == 302
    return response["Location"]


def test_the_login_page_shows_the_cas_button(cas, client):
    page = client.get(reverse("login")).content.decode()
    assert reverse("sso:cas_login") in page and "统一身份认证登录" in page


@pytest.mark.parametrize("version", ["2", "3"])
def test_a_school_user_signs_in_through_cas(cas, people, agent, settings, version):
    settings.CAS_VERSION = version
    client = Client()
    to_server = start(client, next=reverse("school_list"))
    assert to_server.startswith(cas.endpoint("cas/login?service="))
    back = agent.sign_in(to_server, "bob")
    assert back.startswith(reverse("sso:cas_callback") + "?ticket=ST-")
    response = client.get(back)
    assert response.status_code == 302 and response["Location"] == reverse("school_list")
    assert int(client.session["_auth_user_id"]) == people.staff_a2.pk
    assert UserSession.objects.filter(user=people.staff_a2).count() == 1


def test_a_replayed_or_forged_ticket_is_refused(cas, people, agent, caplog):
    client = Client()
    back = agent.sign_in(start(client), "bob")
    assert client.get(back).status_code == 302
    with caplog.at_level("WARNING", logger="safecampus.security"):
        for url in (
            back,
            reverse("sso:cas_callback") + "?ticket=ST-forged",
            reverse("sso:cas_callback"),
        ):
            other = Client()
            response = other.get(url)
            assert response.status_code == 302 and response["Location"] == reverse("sso:refused")
            assert "无法验证" in other.get(response["Location"]).content.decode()
            assert "_auth_user_id" not in other.session
    lines = [r.getMessage() for r in caplog.records if "sso refused" in r.getMessage()]
    assert len(lines) == 3 and all("protocol=cas reason=invalid" in line for line in lines)


def test_an_unknown_cas_user_is_refused(cas, people, agent):
    client = Client()
    response = client.get(agent.sign_in(start(client), "stranger"))
    assert response["Location"] == reverse("sso:refused")
    assert "还没有您的账号" in client.get(response["Location"]).content.decode()


def test_logout_goes_to_the_cas_server(cas, people, agent):
    client = Client()
    client.get(agent.sign_in(start(client), "bob"))
    assert client.session[services.SESSION_PROTOCOL_KEY] == "cas"
    response = client.post(reverse("logout"))
    assert response["Location"].startswith(cas.endpoint("cas/logout?"))
    assert "_auth_user_id" not in client.session
    # The CAS server ends its single sign-on session: the next login asks for the password.
    agent.follow(response["Location"])
    page = agent.follow(start(Client()))
    assert not page.is_redirect and 'name="password"' in page.text


def test_platform_urls_answer_404_when_another_platform_is_configured(settings, client, db):
    settings.SSO_PROTOCOL = ""
    for name in ("sso:cas_login", "sso:cas_callback", "sso:oidc_login", "sso:oidc_callback"):
        assert client.get(reverse(name)).status_code == 404


def test_an_unreachable_or_garbled_cas_server_is_a_refusal_not_an_error(cas, settings, people):
    """No answer (nothing listens), or an answer that is not CAS XML: refused, logged."""
    for server in (f"http://127.0.0.1:{servers.free_port()}/cas/", cas.endpoint("o/")):
        settings.CAS_SERVER_URL = server
        client = Client(raise_request_exception=False)
        response = client.get(reverse("sso:cas_callback"), {"ticket": "ST-1-abc"})
        assert response.status_code == 302 and response["Location"] == reverse("sso:refused")
        assert "_auth_user_id" not in client.session
