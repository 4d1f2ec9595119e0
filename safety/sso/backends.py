"""Authentication backends of the three platforms and the local-password gate.

Each platform backend proves an identity with the protocol's library (mozilla-django-oidc,
python-cas, django-auth-ldap) and hands the matching to services.resolve_account; a refusal is
kept on the request (`request.sso_refusal`) for the view to show and log. Django's own login()
then runs the security log, the session register and the session clock (safety.signals).
"""

from __future__ import annotations

import logging
from typing import Any
from xml.etree.ElementTree import ParseError

import requests
from cas import CASClient
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest
from django_auth_ldap.backend import LDAPBackend as BaseLDAPBackend
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from safety.models import User
from safety.roles import RolePermissionBackend

from . import services
from .services import SignInRefused

logger = logging.getLogger("safecampus.security")


class _AccountLoader:
    """get_user() as the role backend does it: the unit with the account, active ones only."""

    def get_user(self, user_id: Any) -> User | None:
        return RolePermissionBackend().get_user(user_id)


def _keep_refusal(request: HttpRequest | None, refusal: SignInRefused) -> None:
    if request is not None:
        request.sso_refusal = refusal


class OIDCBackend(_AccountLoader, OIDCAuthenticationBackend):
    """OpenID Connect, authorization-code flow (mozilla-django-oidc verifies state, nonce, PKCE
    and the ID token's signature against the platform's JWKS). The account is matched by the
    SSO_CLAIM claim (default preferred_username) of the userinfo answer."""

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        try:
            return super().authenticate(request, **kwargs)
        except SignInRefused as refusal:
            _keep_refusal(request, refusal)
        except (requests.RequestException, SuspiciousOperation, ValueError) as error:
            # A code used twice or forged, a token that fails verification, a platform that
            # does not answer or answers nonsense.
            _keep_refusal(request, SignInRefused(services.INVALID, detail=str(error)[:200]))
        return None

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict) -> User:
        claims = self.get_userinfo(access_token, id_token, payload)
        identifier = services.identifier_from(claims, default=claims.get("preferred_username", ""))
        return services.resolve_account(self.request, identifier=identifier, protocol="oidc")


class _TimeoutSession(requests.Session):
    def request(self, *args: Any, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", settings.OIDC_TIMEOUT)
        return super().request(*args, **kwargs)


def cas_client(service_url: str) -> Any:
    """A python-cas client for CAS_SERVER_URL (CAS_VERSION 2 or 3) and this service URL."""
    server = settings.CAS_SERVER_URL
    return CASClient(
        version=settings.CAS_VERSION,
        service_url=service_url,
        server_url=server if server.endswith("/") else server + "/",
        session=_TimeoutSession(),
    )


class CASBackend(_AccountLoader):
    """CAS 2.0/3.0: the service ticket is validated once at the server's serviceValidate
    (p3/serviceValidate for 3.0); a ticket used twice or forged is refused there. The account
    is matched by the SSO_CLAIM attribute, or by the authenticated user name."""

    def authenticate(
        self,
        request: HttpRequest | None,
        cas_ticket: str | None = None,
        service_url: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not cas_ticket or not service_url:
            return None
        try:
            user, attributes, _pgtiou = cas_client(service_url).verify_ticket(cas_ticket)
        except (requests.RequestException, ParseError, IndexError, ValueError) as error:
            _keep_refusal(request, SignInRefused(services.INVALID, detail=str(error)[:200]))
            return None
        if not user:
            _keep_refusal(request, SignInRefused(services.INVALID, detail="ticket not validated"))
            return None
        identifier = services.identifier_from(attributes or {}, default=user)
        try:
            return services.resolve_account(request, identifier=identifier, protocol="cas")
        except SignInRefused as refusal:
            _keep_refusal(request, refusal)
            return None


class LDAPBackend(_AccountLoader, BaseLDAPBackend):
    """LDAP bind (django-auth-ldap): search the person with the service account
    (LDAP_USER_FILTER under LDAP_USER_SEARCH_BASE), bind as them with the password typed on the
    SafeCampus login form. The account is matched by the SSO_CLAIM attribute, or by the name
    typed in. Never creates an active account, never copies attributes over SafeCampus's."""

    def get_or_build_user(self, username: str, ldap_user: Any) -> tuple[User, bool]:
        identifier = services.identifier_from(ldap_user.attrs or {}, default=username)
        request = getattr(ldap_user, "_request", None)
        try:
            account = services.resolve_account(request, identifier=identifier, protocol="ldap")
        except SignInRefused as refusal:
            _keep_refusal(request, refusal)
            raise  # a PermissionDenied: authenticate() stops and sends user_login_failed
        return account, False


class LocalPasswordGate:
    """Refuses a SafeCampus password when local passwords are off (SSO_LOCAL_PASSWORDS=false),
    except for the break-glass accounts (SSO_BREAK_GLASS_USERS). Sits before the role backend;
    with LDAP, the directory's backend has already had its turn. It has no get_user(): it
    never signs anyone in (and the test client's force_login takes the first backend that
    has one)."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if username is None or password is None:
            return None
        if services.local_password_allowed(username):
            return None
        refusal = SignInRefused(services.LOCAL_PASSWORDS_OFF, username)
        if settings.SSO_PROTOCOL != "ldap":
            # With LDAP the form is the directory's: a failed bind is a wrong password.
            _keep_refusal(request, refusal)
        raise refusal
