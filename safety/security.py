"""Authentication and session controls (OWASP ASVS level 2): lockout, idle and absolute
session lifetimes, a session register so administrators can end sessions, security headers,
and a security log of logins, logouts and failures."""

from __future__ import annotations

import ipaddress
import logging
import time
from collections.abc import Callable
from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, password_validation
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

logger = logging.getLogger("safecampus.security")

# How often the idle clock is written back to the session (not on every request).
ACTIVITY_RESOLUTION_SECONDS = 60


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check. Logins through the web always carry a request; calls
    without one (management shell, test client) skip the check instead of failing."""

    def authenticate(self, request: HttpRequest | None, *args: Any, **kwargs: Any) -> None:
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's minimum length rule with a message of our own catalogue: Django 5.2's message
    changed its placeholder and lost its Chinese translation, so users saw English."""

    def get_error_message(self) -> str:
        return _("This password is too short: it must have at least %(count)s characters.") % {
            "count": self.min_length
        }


def client_address(request: HttpRequest) -> str:
    """The address of the user's device, for the lockout, the security log and the session
    register (the one place that decides it).

    With TRUSTED_PROXY_COUNT = 0 (no reverse proxy) it is REMOTE_ADDR and X-Forwarded-For is
    never read: anyone can send that header. With N trusted proxies in front (nginx: 1), each
    appending the address it received from to X-Forwarded-For, it is the Nth address from the
    right; everything left of it was written by the client and is ignored. When the header has
    fewer than N addresses or that one is not an IP address, the request did not come through
    the proxies as configured and REMOTE_ADDR is used. Returns "" when there is no address.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-count]))
    except ValueError:
        return remote


def start_session_clock(request: HttpRequest) -> None:
    now = int(time.time())
    request.session["login_at"] = now
    request.session["last_seen"] = now


class SessionLifetimeMiddleware:
    """Ends a session after SESSION_IDLE_SECONDS without activity or SESSION_ABSOLUTE_SECONDS
    after login, whichever comes first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            login_at = request.session.get("login_at", now)
            last_seen = request.session.get("last_seen", now)
            if (
                now - last_seen > settings.SESSION_IDLE_SECONDS
                or now - login_at > settings.SESSION_ABSOLUTE_SECONDS
            ):
                logger.info("session expired user=%s ip=%s", user.username, client_address(request))
                logout(request)
                messages.info(request, _("Your session has expired. Please log in again."))
                return redirect_to_login(request.get_full_path())
            if now - last_seen >= ACTIVITY_RESOLUTION_SECONDS:
                request.session["last_seen"] = now
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """A Content Security Policy with no inline script, no plugins and no framing. Forms post
    to this site only, plus the identity platform's origin (#21 CSP_FORM_ACTION_EXTRA: signing
    out posts a form whose answer redirects to the platform's logout)."""

    DIRECTIVES = (
        "default-src 'self'",
        "script-src 'self'",
        # Bootstrap and the admin set a few style attributes.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policies: dict[tuple[str, ...], str] = {}

    def policy(self) -> str:
        extra = tuple(settings.CSP_FORM_ACTION_EXTRA)
        if extra not in self.policies:
            form_action = " ".join(["form-action 'self'", *extra])
            self.policies[extra] = "; ".join([*self.DIRECTIVES, form_action])
        return self.policies[extra]

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy())
        response.headers.setdefault("Permissions-Policy", "camera=(self), geolocation=()")
        return response
