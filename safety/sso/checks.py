"""`manage.py check` refuses an incomplete identity-platform configuration (#21), so a deploy
fails at once instead of at the first sign-in."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

# setting → the environment variable that sets it (config/settings.py).
REQUIRED = {
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


@register("security")
def sso_settings(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Every setting the configured platform needs is set; the choices are known ones."""
    errors = [
        Error(
            f"SSO_PROTOCOL={settings.SSO_PROTOCOL} needs {variable} (see docs/operations.md).",
            id="safety.E210",
        )
        for name, variable in REQUIRED.get(settings.SSO_PROTOCOL, {}).items()
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
