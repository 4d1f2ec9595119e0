"""Fixtures of the #21 tests: the test identity platform and the LDAP directory as real
processes on 127.0.0.1 (one of each per test session), and the settings that point SafeCampus
at them."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests
from django.conf import settings

from tests.conftest import services_required
from tests.factories import TEST_PASSWORD
from tests.safety.sso import servers

SERVICE = "http://testserver"
# The platform's people: alice and bob are SafeCampus's staff_a and staff_a2; stranger has no
# SafeCampus account; nomail has one but no e-mail at the platform.
PLATFORM_PASSWORD = "platform-pw-2026"  # noqa: S105
DIRECTORY_PASSWORD = "directory-pw-2026"  # noqa: S105
PLATFORM_USERS = [
    {"username": "alice", "password": PLATFORM_PASSWORD, "email": "alice@bureau.example"},
    {"username": "bob", "password": PLATFORM_PASSWORD, "email": "bob@bureau.example"},
    {"username": "stranger", "password": PLATFORM_PASSWORD, "email": "stranger@bureau.example"},
    {"username": "nomail", "password": PLATFORM_PASSWORD, "email": ""},
]
DIRECTORY_PEOPLE = [
    {"uid": "bob", "password": DIRECTORY_PASSWORD, "employeeNumber": "T0002"},
    {"uid": "alice", "password": DIRECTORY_PASSWORD, "employeeNumber": "T0001"},
    {"uid": "stranger", "password": DIRECTORY_PASSWORD},
]


@pytest.fixture(scope="session")
def platform(tmp_path_factory):
    work = tmp_path_factory.mktemp("platform")
    started = servers.start_platform(
        work,
        users=PLATFORM_USERS,
        redirect_uris=[f"{SERVICE}/accounts/sso/oidc/callback/"],
    )
    yield started
    servers.stop(started.process)


@pytest.fixture(scope="session")
def directory(tmp_path_factory):
    if not Path(servers.SLAPD).exists():
        reason = "the LDAP tests need Debian's slapd (bin/install-system-packages --test)"
        if services_required():
            pytest.fail(f"SAFECAMPUS_REQUIRE_SERVICES=1 but {reason}")
        pytest.skip(reason)
    started = servers.start_directory(tmp_path_factory.mktemp("ldap"), DIRECTORY_PEOPLE)
    yield started
    servers.stop(started.process)


def _backends(protocol: str) -> list[str]:
    middle = [settings.SSO_BACKENDS[protocol]] if protocol else []
    return [
        "safety.security.LockoutBackend",
        *middle,
        "safety.sso.backends.LocalPasswordGate",
        "safety.roles.RolePermissionBackend",
    ]


@pytest.fixture
def oidc(settings, platform):
    settings.SSO_PROTOCOL = "oidc"
    settings.AUTHENTICATION_BACKENDS = _backends("oidc")
    settings.OIDC_RP_CLIENT_ID = platform.client_id
    settings.OIDC_RP_CLIENT_SECRET = platform.client_secret
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = platform.endpoint("o/authorize/")
    settings.OIDC_OP_TOKEN_ENDPOINT = platform.endpoint("o/token/")
    settings.OIDC_OP_USER_ENDPOINT = platform.endpoint("o/userinfo/")
    settings.OIDC_OP_JWKS_ENDPOINT = platform.endpoint("o/.well-known/jwks.json")
    settings.OIDC_OP_LOGOUT_ENDPOINT = platform.endpoint("o/logout/")
    settings.CSP_FORM_ACTION_EXTRA = [platform.url]
    return platform


@pytest.fixture
def cas(settings, platform):
    settings.SSO_PROTOCOL = "cas"
    settings.AUTHENTICATION_BACKENDS = _backends("cas")
    settings.CAS_SERVER_URL = platform.endpoint("cas/")
    settings.CAS_VERSION = "3"
    settings.CSP_FORM_ACTION_EXTRA = [platform.url]
    return platform


@pytest.fixture
def ldap_directory(settings, directory):
    import ldap  # noqa: PLC0415
    from django_auth_ldap.config import LDAPSearch  # noqa: PLC0415

    settings.SSO_PROTOCOL = "ldap"
    settings.AUTHENTICATION_BACKENDS = _backends("ldap")
    settings.AUTH_LDAP_SERVER_URI = directory.uri
    settings.AUTH_LDAP_BIND_DN = servers.ADMIN_DN
    settings.AUTH_LDAP_BIND_PASSWORD = servers.ADMIN_PASSWORD
    settings.AUTH_LDAP_USER_SEARCH = LDAPSearch(
        f"ou=people,{servers.SUFFIX}", ldap.SCOPE_SUBTREE, "(uid=%(user)s)"
    )
    return directory


class Browser:
    """The person's browser at the platform (a requests session: cookies, no JavaScript).
    Stops at the first redirect back to SafeCampus and returns it."""

    def __init__(self) -> None:
        self.session = requests.Session()

    def follow(self, url: str, *, limit: int = 10) -> requests.Response:
        response = self.session.get(url, allow_redirects=False, timeout=10)
        while response.is_redirect and limit:
            target = urljoin(response.url, response.headers["Location"])
            if target.startswith(SERVICE):
                return response
            response = self.session.get(target, allow_redirects=False, timeout=10)
            limit -= 1
        return response

    def sign_in(self, url: str, username: str, password: str = PLATFORM_PASSWORD) -> str:
        """From SafeCampus's redirect to the platform, through its login form, back: the
        SafeCampus URL (path and query) the platform sends the browser to."""
        page = self.follow(url)
        if not page.is_redirect:  # the platform's login form
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
            data = {"csrfmiddlewaretoken": token, "username": username, "password": password}
            nxt = re.search(r'name="next" value="([^"]*)"', page.text)
            if nxt:
                data["next"] = nxt.group(1).replace("&amp;", "&")
            posted = self.session.post(
                page.url,
                data=data,
                allow_redirects=False,
                timeout=10,
                headers={"Referer": page.url},
            )
            assert posted.is_redirect, posted.text[:500]
            target = urljoin(page.url, posted.headers["Location"])
            if target.startswith(SERVICE):
                return target.removeprefix(SERVICE)
            page = self.follow(target)
        assert page.is_redirect, page.text[:500]
        return page.headers["Location"].removeprefix(SERVICE)


@pytest.fixture
def agent():
    return Browser()


__all__ = ["TEST_PASSWORD"]
