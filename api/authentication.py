"""`Authorization: Bearer <token>`: the token names an API client; the request then acts as
the client's service account (request.user) with the client as request.auth."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from safety import audit
from safety.security import client_address

from .models import ApiClient, token_digest
from .services import client_touch

# Longer headers are refused before hashing (tokens are 49 characters).
MAX_TOKEN_LENGTH = 200


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """Finds the client by the SHA-256 digest of the token (one indexed query). A revoked or
    expired token, or one of an inactive unit, is refused with 401 and a reason."""

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, ApiClient] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2 or len(header[1]) > MAX_TOKEN_LENGTH:  # noqa: PLR2004
            raise exceptions.AuthenticationFailed(_("Malformed Authorization header."))
        try:
            token = header[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from exc
        client = (
            ApiClient.objects.select_related("account__unit", "unit")
            .filter(token_hash=token_digest(token))
            .first()
        )
        self._check(client)
        client_touch(client, client_address(request._request))
        audit.set_actor(client.account)
        return client.account, client

    @staticmethod
    def _check(client: ApiClient | None) -> None:
        if client is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if client.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("This token was revoked."))
        if not client.is_usable or not client.account.is_active:
            raise exceptions.AuthenticationFailed(_("This token has expired."))

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="api"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """The OpenAPI security scheme of the bearer token (drf-spectacular)."""

    target_class = "api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer"}
