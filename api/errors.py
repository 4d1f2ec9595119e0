"""One shape for every API error: `{"detail": message, "code": code}` plus `"errors"` (field →
messages) for invalid input; the messages are in the client's language (Chinese by default).
The services' Django exceptions become 400/403/404 here, never a 500."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def _django_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            field: [str(message) for error in errors for message in error.messages]
            for field, errors in exc.error_dict.items()
        }
    return {"non_field_errors": [str(message) for message in exc.messages]}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, with Django's ValidationError mapped to 400 and every body reshaped."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_django_errors(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = (
            response.data
            if isinstance(response.data, dict)
            else {"non_field_errors": response.data}
        )
        response.data = {
            "detail": _("The request is invalid: see errors."),
            "code": "invalid",
            "errors": errors,
        }
    else:
        detail = getattr(exc, "detail", "")
        response.data = {
            "detail": str(detail),
            "code": getattr(detail, "code", None) or exc.default_code,
        }
    if response.status_code == status.HTTP_429_TOO_MANY_REQUESTS:
        wait = getattr(exc, "wait", None) or 1
        response.data["detail"] = _("Too many requests: try again in %(seconds)s seconds.") % {
            "seconds": int(wait)
        }
    return response
