"""Requests per API client (DRF's throttle over the cache: Redis when REDIS_URL is set)."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from .models import ApiClient


class ClientRateThrottle(SimpleRateThrottle):
    """`API_THROTTLE_RATE` requests per client in the window; 429 with Retry-After past it.
    Keyed by the client's id, so a school's many programs behind one address do not share
    one budget and one client cannot escape it by changing address."""

    scope = "api_client"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if not isinstance(request.auth, ApiClient):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
