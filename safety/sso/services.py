"""Matching a platform identity to a SafeCampus account, and refusing what must be refused.

Every path (OIDC, CAS, LDAP) ends here: `resolve_account` returns the active account an
identity belongs to or raises `SignInRefused`; `record_refusal` writes the security log and
counts a failure for the lockout, the same as a wrong password.
"""

from __future__ import annotations

import logging
import secrets

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.checks import Error
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from safety import audit
from safety.models import User
from safety.security import client_address
from safety.services import audit_record

logger = logging.getLogger("safecampus.security")

# The reasons a sign-in is refused: each has its own Chinese page text (views.REFUSAL_TEXT).
MISSING_CLAIM = "missing_claim"
UNKNOWN = "unknown"
PENDING = "pending"  # created inactive, waits for an administrator
INACTIVE = "inactive"
LOCKED = "locked"
INVALID = "invalid"  # forged or replayed state, code or ticket; the platform said no
LOCAL_PASSWORDS_OFF = "local_passwords_off"
REASONS = (MISSING_CLAIM, UNKNOWN, PENDING, INACTIVE, LOCKED, INVALID, LOCAL_PASSWORDS_OFF)
SESSION_REASON_KEY = "sso_refusal"
SESSION_PROTOCOL_KEY = "sso_protocol"


class SignInRefused(PermissionDenied):
    """A platform identity that may not sign in. `reason` is one of REASONS; `identifier` the
    value the platform gave (may be empty)."""

    def __init__(self, reason: str, identifier: str = "", detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.identifier = identifier
        self.detail = detail


def identifier_from(values: dict, default: str = "") -> str:
    """The matching value in a platform's claims or attributes (SSO_CLAIM), or `default` when
    no claim is configured. A list (CAS and LDAP attributes) gives its first value. Returns ""
    when the claim is missing or empty."""
    name = settings.SSO_CLAIM
    if not name:
        return (default or "").strip()
    value = values.get(name)
    if isinstance(value, list | tuple):
        value = value[0] if value else ""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return str(value or "").strip()


def _lookup(identifier: str) -> User | None:
    field = "email" if settings.SSO_MATCH_FIELD == "email" else "username"
    matches = list(
        User.objects.select_related("unit").filter(**{f"{field}__iexact": identifier})[:2]
    )
    return matches[0] if len(matches) == 1 else None


@audit.atomic
def create_pending_account(*, identifier: str, protocol: str) -> User:
    """An inactive account for a platform identity SafeCampus does not know
    (SSO_UNKNOWN_USERS = create_inactive): no unit, no role, no usable password. An
    administrator places it in a unit and role and activates it (the platform never grants
    roles). Records `account.sso_create` (actor: none, the platform). Returns the account."""
    by_email = settings.SSO_MATCH_FIELD == "email"
    username = identifier.split("@")[0] if by_email else identifier
    username = username[:140]
    if User.objects.filter(username__iexact=username).exists():
        username = f"{username[:130]}-{secrets.token_hex(4)}"
    account = User(username=username, email=identifier if by_email else "", is_active=False)
    account.set_unusable_password()
    account.save()
    audit_record(
        actor=None,
        action="account.sso_create",
        target=account,
        unit=None,
        changes={"protocol": protocol, "identifier": identifier[:100]},
    )
    return account


def resolve_account(request: HttpRequest | None, *, identifier: str, protocol: str) -> User:
    """The active SafeCampus account of a platform identity.

    `identifier` is the value matched to SSO_MATCH_FIELD (case-insensitive, exactly one
    account). Raises SignInRefused: MISSING_CLAIM (empty identifier), UNKNOWN (no account;
    SSO_UNKNOWN_USERS = refuse), PENDING (an inactive account was just created, or still waits
    for an administrator), INACTIVE (a deactivated account), LOCKED (the lockout holds this
    user name at this address: a locked account stays locked on every path).
    """
    if not identifier:
        raise SignInRefused(MISSING_CLAIM)
    account = _lookup(identifier)
    if account is None:
        if settings.SSO_UNKNOWN_USERS == "create_inactive":
            create_pending_account(identifier=identifier, protocol=protocol)
            raise SignInRefused(PENDING, identifier)
        raise SignInRefused(UNKNOWN, identifier)
    if not account.is_active:
        pending = account.unit_id is None and not account.has_usable_password()
        raise SignInRefused(PENDING if pending else INACTIVE, account.username)
    if request is not None and AxesProxyHandler.is_locked(request, {"username": account.username}):
        raise SignInRefused(LOCKED, account.username)
    return account


def record_refusal(
    request: HttpRequest, refusal: SignInRefused, *, protocol: str, count_failure: bool = True
) -> None:
    """Log a refused sign-in to the security log and, when it names a user, count it as a
    failed login for the lockout (django-axes listens to user_login_failed), as a wrong password
    would be (`count_failure=False` where Django's authenticate() has already sent the signal,
    the LDAP form). The session remembers the reason for the refusal page."""
    logger.warning(
        "sso refused protocol=%s reason=%s identifier=%s ip=%s %s",
        protocol,
        refusal.reason,
        refusal.identifier or "-",
        client_address(request),
        refusal.detail,
    )
    if count_failure and refusal.identifier and refusal.reason not in {LOCKED, PENDING}:
        user_login_failed.send(
            sender=__name__,
            credentials={"username": refusal.identifier},
            request=request,
        )
    if hasattr(request, "session"):
        request.session[SESSION_REASON_KEY] = refusal.reason


def local_password_allowed(username: str) -> bool:
    """Whether a SafeCampus password may sign this user name in: always while
    SSO_LOCAL_PASSWORDS is on; otherwise only for the break-glass accounts listed in
    SSO_BREAK_GLASS_USERS (compared without case)."""
    if settings.SSO_LOCAL_PASSWORDS:
        return True
    allowed = {name.strip().lower() for name in settings.SSO_BREAK_GLASS_USERS}
    return username.strip().lower() in allowed


# setting → the environment variable that sets it (config/settings.py).
REQUIRED_SETTINGS = {
    "oidc": {
        "OIDC_RP_CLIENT_ID": "OIDC_CLIENT_ID",
        "OIDC_RP_CLIENT_SECRET": "OIDC_CLIENT_SECRET",
        "OIDC_OP_AUTHORIZATION_ENDPOINT": "OIDC_AUTHORIZATION_ENDPOINT",
        "OIDC_OP_TOKEN_ENDPOINT": "OIDC_TOKEN_ENDPOINT",
        "OIDC_OP_USER_ENDPOINT": "OIDC_USERINFO_ENDPOINT",
        "OIDC_OP_JWKS_ENDPOINT": "OIDC_JWKS_ENDPOINT",
    },
    "cas": {"CAS_SERVER_URL": "CAS_SERVER_URL"},
    "ldap": {
        "AUTH_LDAP_SERVER_URI": "LDAP_SERVER_URI",
        "LDAP_USER_SEARCH_BASE": "LDAP_USER_SEARCH_BASE",
    },
}


def settings_problems(app_configs: object = None, **kwargs: object) -> list[Error]:
    """A Django system check (registered in safety.apps): every variable the configured
    platform needs is set and the choices are known ones, so a deploy fails at
    `manage.py check` instead of at the first sign-in. Returns the errors (safety.E210-E213)."""
    errors = [
        Error(
            f"SSO_PROTOCOL={settings.SSO_PROTOCOL} needs {variable} (see docs/operations.md).",
            id="safety.E210",
        )
        for name, variable in REQUIRED_SETTINGS.get(settings.SSO_PROTOCOL, {}).items()
        if not getattr(settings, name, "")
    ]
    if settings.SSO_UNKNOWN_USERS not in {"refuse", "create_inactive"}:
        errors.append(
            Error("SSO_UNKNOWN_USERS must be refuse or create_inactive.", id="safety.E211")
        )
    if settings.SSO_MATCH_FIELD not in {"username", "email"}:
        errors.append(Error("SSO_MATCH_FIELD must be username or email.", id="safety.E212"))
    if str(settings.CAS_VERSION) not in {"2", "3"}:
        errors.append(Error("CAS_VERSION must be 2 or 3.", id="safety.E213"))
    return errors
