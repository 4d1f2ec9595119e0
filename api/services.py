"""Every change to API clients: registration (the token is returned once, only its digest is
kept), revocation, and the last-use bookkeeping. Registration and revocation run in
`audit.atomic` and check the administrator's permission on the client's unit first."""

from __future__ import annotations

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from safety import audit, roles
from safety.access import check_unit_permission
from safety.models import Organisation, User

from .models import TOKEN_PREFIX, ApiClient, token_digest

# Last use is written at most this often per client (one conditional UPDATE, not audited).
LAST_USE_RESOLUTION = datetime.timedelta(seconds=60)


def new_token() -> str:
    """A fresh bearer token: the prefix and 43 URL-safe characters (256 random bits)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def _service_account(unit: Organisation, name: str) -> User:
    username = f"api-{unit.pk}-{secrets.token_hex(4)}"
    account = User(
        username=username,
        unit=unit,
        role=User.Role.API_CLIENT,
        full_name=(_("API: %(name)s") % {"name": name})[:50],
        is_active=True,
    )
    account.set_unusable_password()
    account.full_clean(exclude=["password"])
    account.save()
    return account


@audit.atomic
def client_register(
    *,
    actor: User,
    unit: Organisation,
    name: str,
    scope: str = ApiClient.Scope.READ,
    expires_at: datetime.datetime | None = None,
    token: str | None = None,
) -> tuple[ApiClient, str]:
    """Register an API client of `unit` and return it with its token (shown once: only the
    SHA-256 digest is stored). The client gets its own service account of the unit (role
    "api_client", no password), which is the actor of everything it reports.

    `token` is for the demo seed only (a documented, fixed token); callers pass None.
    Raises `PermissionDenied` unless the actor manages accounts in the unit's jurisdiction;
    `ValidationError` for an empty name, an unknown scope, an inactive unit or an expiry in
    the past.
    """
    check_unit_permission(actor, roles.MANAGE_ACCOUNTS, unit)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the client a name.")})
    if scope not in ApiClient.Scope.values:
        raise ValidationError({"scope": _("Choose a scope.")})
    if not unit.is_active:
        raise ValidationError({"unit": _("This unit is inactive.")})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("The expiry must lie in the future.")})
    token = token or new_token()
    client = ApiClient.objects.create(
        name=name[:100],
        unit=unit,
        scope=scope,
        account=_service_account(unit, name),
        token_hash=token_digest(token),
        token_hint=token[: len(TOKEN_PREFIX) + 4],
        expires_at=expires_at,
        created_by=actor,
    )
    return client, token


@audit.atomic
def client_revoke(*, actor: User, client: ApiClient) -> bool:
    """Revoke a client: its token stops working at once and its service account is
    deactivated. Returns False when it was already revoked (nothing changes).
    Raises `PermissionDenied` unless the actor manages accounts in the client's unit."""
    check_unit_permission(actor, roles.MANAGE_ACCOUNTS, client.unit)
    changed = ApiClient.objects.filter(pk=client.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if changed:
        User.objects.filter(pk=client.account_id).update(is_active=False)
    client.refresh_from_db()
    return bool(changed)


def client_touch(client: ApiClient, address: str) -> None:
    """Record the client's last use (time and address), at most once a minute: one
    conditional UPDATE, bookkeeping that is not audited (a plain QuerySet on purpose)."""
    now = timezone.now()
    if client.last_used_at is not None and now - client.last_used_at < LAST_USE_RESOLUTION:
        return
    models.QuerySet(ApiClient).filter(pk=client.pk).filter(
        models.Q(last_used_at__isnull=True) | models.Q(last_used_at__lt=now - LAST_USE_RESOLUTION)
    ).update(last_used_at=now, last_used_ip=address or None)
    client.last_used_at = now
