"""#21 A school user signs in through the bureau's identity platform (OIDC) in Chromium, at
phone width, against the test platform (tests/safety/sso/idp, a real process), and signs out
of both."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.personas import build_city, person
from tests.safety.sso import servers
from tests.safety.sso.conftest import PLATFORM_PASSWORD, PLATFORM_USERS

PHONE = {"width": 375, "height": 812}


def at_platform_login(platform) -> re.Pattern:
    return re.compile(re.escape(f"{platform.url}/accounts/login/") + r"(\?.*)?$")


@pytest.fixture
def platform_for_live_server(live_server, tmp_path, settings, transactional_db):
    started = servers.start_platform(
        tmp_path,
        users=PLATFORM_USERS,
        redirect_uris=[f"{live_server.url}/accounts/sso/oidc/callback/"],
    )
    settings.SSO_PROTOCOL = "oidc"
    settings.SSO_BUTTON_LABEL = "统一身份认证登录"
    settings.AUTHENTICATION_BACKENDS = [
        "safety.security.LockoutBackend",
        settings.SSO_BACKENDS["oidc"],
        "safety.sso.backends.LocalPasswordGate",
        "safety.roles.RolePermissionBackend",
    ]
    settings.OIDC_RP_CLIENT_ID = started.client_id
    settings.OIDC_RP_CLIENT_SECRET = started.client_secret
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = started.endpoint("o/authorize/")
    settings.OIDC_OP_TOKEN_ENDPOINT = started.endpoint("o/token/")
    settings.OIDC_OP_USER_ENDPOINT = started.endpoint("o/userinfo/")
    settings.OIDC_OP_JWKS_ENDPOINT = started.endpoint("o/.well-known/jwks.json")
    settings.OIDC_OP_LOGOUT_ENDPOINT = started.endpoint("o/logout/")
    settings.CSP_FORM_ACTION_EXTRA = [started.url]
    yield started
    servers.stop(started.process)


@pytest.mark.browser_context_args(viewport=PHONE)
def test_a_school_user_signs_in_through_the_platform_on_a_phone(
    page: Page, live_server, platform_for_live_server
):
    person(build_city(), "staff_a")  # alice, staff of 甲区实验小学
    page.goto(f"{live_server.url}/accounts/login/")
    button = page.get_by_role("link", name="统一身份认证登录")
    expect(button).to_be_visible()
    assert button.bounding_box()["width"] <= PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    button.click()

    # The platform's own login page.
    expect(page).to_have_url(at_platform_login(platform_for_live_server), timeout=10000)
    page.get_by_label("用户名").fill(PLATFORM_USERS[0]["username"])
    page.get_by_label("密码").fill(PLATFORM_PASSWORD)
    page.get_by_role("button", name="登录").click()

    expect(page).to_have_url(f"{live_server.url}/", timeout=15000)
    expect(page.get_by_role("heading", level=1)).to_contain_text("甲区实验小学")

    # Signing out ends both sessions and comes back to SafeCampus's login page.
    page.wait_for_load_state("load")
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
    log_out = page.get_by_role("navigation").get_by_role("button", name="退出登录")
    expect(log_out).to_be_visible()
    page.wait_for_timeout(500)  # the menu's collapse animation ends
    log_out.click()
    expect(page).to_have_url(f"{live_server.url}/accounts/login/", timeout=30000)
    page.get_by_role("link", name="统一身份认证登录").click()
    expect(page).to_have_url(at_platform_login(platform_for_live_server), timeout=10000)
