"""API clients (issue #22): a program a bureau or school lets read its jurisdiction, and in
the "report" scope report hazards and incidents, with a bearer token."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safety.models import Organisation
from safety.scoping import ScopedQuerySet

# Tokens start with this prefix so leaked ones are recognisable (secret scanners, logs).
TOKEN_PREFIX = "scapi_"  # noqa: S105 (a public prefix, not a secret)


def token_digest(token: str) -> str:
    """The stored form of a token: SHA-256 hex of the whole token (tokens are 256-bit random
    strings, so a fast hash is enough; nothing reversible is kept)."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class ApiClientQuerySet(ScopedQuerySet):
    scope_lookup = "unit"

    def usable(self) -> ApiClientQuerySet:
        now = timezone.now()
        return self.filter(revoked_at__isnull=True, unit__is_active=True).exclude(
            expires_at__lte=now
        )


class ApiClient(models.Model):
    """A registered API client: bound to one unit, whose jurisdiction it reads exactly as a
    user of that unit would (safety.scoping.visible_to), through its own service account."""

    class Scope(models.TextChoices):
        READ = "read", _("Read")
        REPORT = "report", _("Read and report")

    name = models.CharField(_("name"), max_length=100)
    unit = models.ForeignKey(
        Organisation, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    scope = models.CharField(_("scope"), max_length=8, choices=Scope.choices, default=Scope.READ)
    # The account the client acts as: reports name it as reporter; audit rows name it as actor.
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("service account"),
        on_delete=models.PROTECT,
        related_name="api_client",
    )
    token_hash = models.CharField(_("token digest"), max_length=64, unique=True, editable=False)
    # The first characters of the token, to tell tokens apart in lists (never enough to use).
    token_hint = models.CharField(_("token begins with"), max_length=16, editable=False)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    last_used_ip = models.GenericIPAddressField(
        _("last used from"), null=True, blank=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("registered at"), default=timezone.now, editable=False)

    objects = ApiClientQuerySet.as_manager()

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        ordering = ["unit__path", "name", "id"]

    def __str__(self) -> str:
        return f"{self.unit} · {self.name}"

    @property
    def is_usable(self) -> bool:
        if self.revoked_at is not None or not self.unit.is_active:
            return False
        return self.expires_at is None or self.expires_at > timezone.now()

    @property
    def may_report(self) -> bool:
        return self.scope == self.Scope.REPORT
