"""API clients for the benchmark (#22): persona "api:<username>" is a "read" client of that
user's unit with the fixed token `scapi_bench-<username>` (bench.http sends it over HTTP),
registered once per generated city."""

from __future__ import annotations

from api import services
from api.models import ApiClient, token_digest
from safety.models import User

API_PREFIX = "api:"


def api_token(username: str) -> str:
    """The token of the bench client of `username`'s unit, registering it the first time."""
    token = f"scapi_bench-{username}"
    if not ApiClient.objects.filter(token_hash=token_digest(token)).exists():
        user = User.objects.get(username=username)
        root = User.objects.filter(is_superuser=True).first() or User.objects.create(
            username="bench.api-root", is_superuser=True
        )
        services.client_register(actor=root, unit=user.unit, name="bench", token=token)
    return token
