"""The sign-in pages: the login form (local password or LDAP bind) with the platform's button,
the OIDC and CAS round trips, the refusal page and the sign-out that ends the platform's
session too where the protocol allows.

Public pages (no login): they are the way in. Each platform's URLs answer 404 unless that
platform is the one configured (SSO_PROTOCOL).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import authenticate, login
from django.contrib.auth.views import LoginView, LogoutView
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from safety.middleware import liaison_allowed

from . import services
from .backends import cas_client
from .services import SESSION_PROTOCOL_KEY, SESSION_REASON_KEY, SignInRefused

REFUSAL_TEXT = {
    services.MISSING_CLAIM: _(
        "The identity platform did not say who you are (the agreed attribute is missing). "
        "Ask the bureau's information office to check the platform's settings."
    ),
    services.UNKNOWN: _(
        "The identity platform knows you, but SafeCampus has no account for you yet. Ask the "
        "administrator of your education bureau to create your account in SafeCampus."
    ),
    services.PENDING: _(
        "Your SafeCampus account has been created and waits for an administrator to place it in "
        "a unit and role. You can sign in once it has been activated."
    ),
    services.INACTIVE: _(
        "Your SafeCampus account has been deactivated. Ask the administrator of your "
        "education bureau."
    ),
    services.LOCKED: _(
        "This user name has been locked for a while after repeated failed sign-ins. Try again "
        "later, or ask your administrator."
    ),
    services.INVALID: _(
        "The sign-in could not be verified (it may have expired or been used already). "
        "Please start again."
    ),
    services.LOCAL_PASSWORDS_OFF: _(
        "SafeCampus passwords are turned off: sign in through the identity platform."
    ),
}


def sso_context() -> dict[str, Any]:
    """What the login and refusal pages need to show the platform's button."""
    protocol = settings.SSO_PROTOCOL
    url = {"oidc": "sso:oidc_login", "cas": "sso:cas_login"}.get(protocol)
    return {
        "sso_protocol": protocol,
        "sso_label": settings.SSO_BUTTON_LABEL,
        "sso_login_url": reverse(url) if url else "",
        "local_passwords": settings.SSO_LOCAL_PASSWORDS or protocol in {"", "ldap"},
    }


def _require(protocol: str) -> None:
    if protocol != settings.SSO_PROTOCOL:
        raise Http404


def _refuse(request: HttpRequest, refusal: SignInRefused, protocol: str) -> HttpResponse:
    services.record_refusal(request, refusal, protocol=protocol)
    return redirect("sso:refused")


class SignInView(LoginView):
    """The login form: a SafeCampus password (or, with LDAP, the directory's), and the
    platform's button. A refusal that is not a wrong password shows the refusal page."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), **sso_context()}

    def form_invalid(self, form: Any) -> HttpResponse:
        refusal = getattr(self.request, "sso_refusal", None)
        if refusal is not None:
            services.record_refusal(
                self.request,
                refusal,
                protocol=settings.SSO_PROTOCOL or "local",
                count_failure=False,
            )
            return redirect("sso:refused")
        return super().form_invalid(form)


class OIDCLoginView(OIDCAuthenticationRequestView):
    """To the platform's authorization endpoint (state, nonce and PKCE kept in the session)."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        _require("oidc")
        return super().dispatch(request, *args, **kwargs)


class OIDCCallbackView(OIDCAuthenticationCallbackView):
    """Back from the platform: the code is exchanged once, the ID token verified, the account
    matched. Anything forged, replayed or refused ends on the refusal page, logged."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        _require("oidc")
        try:
            return super().dispatch(request, *args, **kwargs)
        except SuspiciousOperation as error:  # a state this session never issued
            return _refuse(request, SignInRefused(services.INVALID, detail=str(error)), "oidc")

    def login_failure(self) -> HttpResponse:
        refusal = getattr(self.request, "sso_refusal", None)
        if refusal is None:
            refusal = SignInRefused(services.INVALID, detail="no valid code and state")
        return _refuse(self.request, refusal, "oidc")

    def login_success(self) -> HttpResponse:
        response = super().login_success()
        self.request.session[SESSION_PROTOCOL_KEY] = "oidc"
        return response


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@liaison_allowed
@never_cache
@require_GET
def cas_login(request: HttpRequest) -> HttpResponse:
    """To the CAS server's /login with this installation's service URL."""
    _require("cas")
    request.session["sso_next"] = _safe_next(request, request.GET.get("next"))
    service = request.build_absolute_uri(reverse("sso:cas_callback"))
    return HttpResponseRedirect(cas_client(service).get_login_url())


@liaison_allowed
@never_cache
@require_GET
def cas_callback(request: HttpRequest) -> HttpResponse:
    """Back from CAS with a service ticket: validated once at the server, then matched."""
    _require("cas")
    ticket = request.GET.get("ticket", "")
    service = request.build_absolute_uri(reverse("sso:cas_callback"))
    user = authenticate(request, cas_ticket=ticket, service_url=service) if ticket else None
    if user is None:
        refusal = getattr(request, "sso_refusal", None)
        return _refuse(
            request, refusal or SignInRefused(services.INVALID, detail="no ticket"), "cas"
        )
    next_url = request.session.pop("sso_next", "")
    login(request, user)
    request.session[SESSION_PROTOCOL_KEY] = "cas"
    return redirect(_safe_next(request, next_url))


@liaison_allowed
@never_cache
@require_GET
def refused(request: HttpRequest) -> HttpResponse:
    """Why the sign-in did not happen, in Chinese, with the way back."""
    reason = request.session.pop(SESSION_REASON_KEY, services.INVALID)
    context = {"reason": reason, "text": REFUSAL_TEXT.get(reason, REFUSAL_TEXT[services.INVALID])}
    return render(request, "safety/sso/refused.html", {**context, **sso_context()})


class SignOutView(LogoutView):
    """Ends the SafeCampus session (security log, session register) and then, for OIDC, the
    platform's at its end_session endpoint, for CAS at its /logout."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        protocol = request.session.get(SESSION_PROTOCOL_KEY, "")
        id_token = request.session.get("oidc_id_token", "")
        response = super().post(request, *args, **kwargs)
        back = request.build_absolute_uri(reverse("login"))
        if protocol == "oidc" and settings.OIDC_OP_LOGOUT_ENDPOINT:
            query = {"post_logout_redirect_uri": back, "client_id": settings.OIDC_RP_CLIENT_ID}
            if id_token:
                query["id_token_hint"] = id_token
            return HttpResponseRedirect(f"{settings.OIDC_OP_LOGOUT_ENDPOINT}?{urlencode(query)}")
        if protocol == "cas" and settings.CAS_SERVER_URL:
            return HttpResponseRedirect(cas_client(back).get_logout_url(back))
        return response


# Public pages: a department liaison account (#17) reaches them like everyone.
sign_in = SignInView.as_view()
sign_out = liaison_allowed(SignOutView.as_view())
oidc_login = liaison_allowed(OIDCLoginView.as_view())
oidc_callback = liaison_allowed(OIDCCallbackView.as_view())
