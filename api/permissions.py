"""Who may call the API: a registered client (any scope) reads; a client of the "report"
scope also reports. Signed-in users of the screens are not API clients."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions
from rest_framework.request import Request

from .models import ApiClient


class IsApiClient(permissions.BasePermission):
    message = _("Authenticate with an API client's token.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return isinstance(request.auth, ApiClient)


class MayReport(permissions.BasePermission):
    """Reports (the `create` action) need the "report" scope: 403 for a read-only client.
    Other methods a route does not have stay a 405 for every client."""

    message = _("This client's scope is read only.")

    def has_permission(self, request: Request, view: Any) -> bool:
        if getattr(view, "action", None) != "create":
            return True
        return isinstance(request.auth, ApiClient) and request.auth.may_report
