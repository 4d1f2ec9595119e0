"""Media in an S3-compatible bucket (issue #22): MEDIA_STORAGE=s3.

Photos, uploads and rendered PDFs go to a PRIVATE bucket (MinIO, Aliyun OSS, Huawei OBS, AWS)
through django-storages. Nobody gets a bucket URL: every file is still served by a view that
checks access first (`safety.uploads.file_response` streams it through the application), so
the bucket needs no public policy and a revoked right takes effect at once.

When the bucket cannot be reached, the storage raises `StorageUnavailable` (an `OSError`: a
Celery task rendering a PDF retries it, `safety.jobs.TRANSIENT_ERRORS`), and
`StorageUnavailableMiddleware` answers the request with a clear Chinese page (503). The
service's transaction is rolled back, so no record is half-saved.
"""

from __future__ import annotations

import logging
from typing import Any

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from storages.backends.s3 import S3Storage

logger = logging.getLogger(__name__)


class StorageUnavailable(OSError):
    """The object store did not answer (down, unreachable, refusing our credentials)."""


def _not_found(error: ClientError) -> bool:
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return status == 404 or error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey")


class PrivateS3Storage(S3Storage):
    """django-storages' S3 backend with private objects, names never overwritten, short client
    timeouts (a request must not hang on a dead store) and one error type for "unreachable"."""

    default_acl = "private"
    file_overwrite = False
    querystring_auth = True

    def __init__(self, **settings: Any) -> None:
        settings.setdefault(
            "client_config",
            Config(
                s3={"addressing_style": settings.get("addressing_style") or "path"},
                signature_version="s3v4",
                connect_timeout=2,
                read_timeout=20,
                retries={"max_attempts": 2, "mode": "standard"},
            ),
        )
        super().__init__(**settings)

    def _save(self, name: str, content: Any) -> str:
        try:
            return super()._save(name, content)
        except (BotoCoreError, ClientError) as exc:
            raise StorageUnavailable("object storage unavailable") from exc

    def _open(self, name: str, mode: str = "rb") -> Any:
        try:
            return super()._open(name, mode)
        except ClientError as exc:
            if _not_found(exc):
                raise FileNotFoundError(name) from exc
            raise StorageUnavailable("object storage unavailable") from exc
        except BotoCoreError as exc:
            raise StorageUnavailable("object storage unavailable") from exc

    def exists(self, name: str) -> bool:
        try:
            return super().exists(name)
        except (BotoCoreError, ClientError) as exc:
            raise StorageUnavailable("object storage unavailable") from exc

    def delete(self, name: str) -> None:
        try:
            super().delete(name)
        except (BotoCoreError, ClientError) as exc:
            raise StorageUnavailable("object storage unavailable") from exc

    def size(self, name: str) -> int:
        try:
            return super().size(name)
        except (BotoCoreError, ClientError) as exc:
            raise StorageUnavailable("object storage unavailable") from exc


class StorageUnavailableMiddleware:
    """Turns `StorageUnavailable` raised by a view into a 503 page that says what happened in
    Chinese: nothing was saved, the browser's back button keeps what was typed, try later."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, StorageUnavailable):
            return None
        logger.error("Object storage unavailable during %s %s", request.method, request.path)
        return render(request, "storage_unavailable.html", status=503)
