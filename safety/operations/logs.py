"""Structured logs with a request id, and error reports (issue #22).

- `RequestIdMiddleware` takes the id from the `X-Request-ID` header (a load balancer's) when it
  is a plain token of at most 64 characters, otherwise makes one, and returns it in the
  response's `X-Request-ID` header.
- `RequestIdFilter` puts the current id on every log record (`-` outside a request); the JSON
  formatter writes one object per line (LOG_FORMAT=json).
- Celery: the id travels in the task message's headers (`before_task_publish`), and a worker
  sets it around the task (`task_prerun`/`task_postrun`), so a task queued by a request logs
  under the request's id.
- `configure_error_reporting(dsn)`: sentry-sdk to any Sentry-compatible service (self-hosted
  Sentry, GlitchTip); no personal data is sent (no cookies, no user names, no request bodies).

No Django model imports: config/settings.py reads this module before apps load.
"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid
from collections.abc import Callable
from typing import Any

import sentry_sdk
from celery import signals
from pythonjsonlogger.json import JsonFormatter
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.integrations.redis import RedisIntegration

HEADER = "X-Request-ID"
TASK_HEADER = "request_id"
_VALID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")

current_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "request_id", default=None
)


def new_request_id() -> str:
    return uuid.uuid4().hex


def accepted_request_id(value: str | None) -> str:
    """`value` when it is a plain token (letters, digits, `._:-`, ≤ 64), else a new id: a
    hostile header must not forge log lines or inject text into them."""
    return value if value and _VALID.match(value) else new_request_id()


class RequestIdMiddleware:
    """Sets the request id for everything the request logs or queues; echoes it back."""

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request):
        request_id = accepted_request_id(request.headers.get(HEADER))
        request.request_id = request_id
        token = current_request_id.set(request_id)
        try:
            _tag_error_reports(request_id)
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record (the current request's or task's, else "-")."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = current_request_id.get() or "-"
        return True


class SafeCampusJsonFormatter(JsonFormatter):
    """One JSON object per line: time, level, logger, message, request_id (+ exc_info)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("fmt", "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s")
        kwargs.setdefault("rename_fields", {"asctime": "time", "levelname": "level"})
        kwargs.setdefault("json_ensure_ascii", False)
        kwargs.setdefault("datefmt", "%Y-%m-%dT%H:%M:%S%z")
        super().__init__(*args, **kwargs)


def logging_config(log_format: str, level: str) -> dict[str, Any]:
    """The LOGGING dictionary: JSON lines (`json`) or one readable line (`plain`)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "safety.operations.logs.RequestIdFilter"}},
        "formatters": {
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
            "json": {"()": "safety.operations.logs.SafeCampusJsonFormatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json" if log_format == "json" else "plain",
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            "weasyprint": {"level": "WARNING"},
            "fontTools": {"level": "WARNING"},
            "axes": {"level": "WARNING"},
            # pypdf warns about every oddity of hostile uploads; the refusal says what matters.
            "pypdf": {"level": "ERROR"},
            # boto's own debug chatter would print request signatures.
            "botocore": {"level": "WARNING"},
            # #21: urllib3 logs request URLs at DEBUG, and WeCom's and DingTalk's token requests
            # carry the application secret in the query string (their documented API).
            "urllib3": {"level": "WARNING"},
        },
    }


# --- Celery: the id travels with the task ------------------------------------------------------


@signals.before_task_publish.connect
def _add_request_id_header(headers: dict | None = None, **kwargs: Any) -> None:
    request_id = current_request_id.get()
    if request_id and headers is not None:
        headers.setdefault(TASK_HEADER, request_id)


_task_tokens: dict[str, contextvars.Token] = {}


@signals.task_prerun.connect
def _enter_task(task_id: str | None = None, task: Any = None, **kwargs: Any) -> None:
    request_id = getattr(task.request, TASK_HEADER, None) if task is not None else None
    if request_id and task_id:
        _task_tokens[task_id] = current_request_id.set(accepted_request_id(request_id))
        _tag_error_reports(request_id)


@signals.task_postrun.connect
def _leave_task(task_id: str | None = None, **kwargs: Any) -> None:
    token = _task_tokens.pop(task_id, None) if task_id else None
    if token is not None:
        current_request_id.reset(token)


# --- error reports --------------------------------------------------------------------------


def configure_error_reporting(dsn: str, *, environment: str = "production") -> bool:
    """Send unhandled errors (web and Celery) to the Sentry-compatible service at `dsn`; with
    an empty `dsn` nothing is sent. Returns whether reporting is on."""
    if not dsn:
        return False
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        # Redis commands carry cache keys (lockout keys hold user names and addresses; a
        # cached session engine's keys hold the session key). The integration, on by
        # default, would put them in every report's breadcrumbs.
        disabled_integrations=[RedisIntegration()],
        send_default_pii=False,
        max_request_body_size="never",
        traces_sample_rate=0.0,
    )
    return True


def _tag_error_reports(request_id: str) -> None:
    sentry_sdk.set_tag("request_id", request_id)
