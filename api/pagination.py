"""Cursor pagination over the primary key: each page is one indexed range scan
(`id < last_id ORDER BY id DESC LIMIT n`), so the hundredth page of two million hazards costs
what the first does, and rows added while a client pages do not shift it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.pagination import CursorPagination


class IdCursorPagination(CursorPagination):
    """Newest first by id. `page_size` (1 … API_MAX_PAGE_SIZE, default 50): a larger value is
    capped, a value that is not a positive integer refused with 400; a cursor that was not
    issued by the API is refused with 400."""

    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    cursor_query_param = "cursor"
    invalid_cursor_message = _("Invalid cursor.")

    @property
    def max_page_size(self) -> int:  # type: ignore[override]
        return settings.API_MAX_PAGE_SIZE

    def get_page_size(self, request: Any) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except (TypeError, ValueError):
            size = 0
        if size <= 0:
            raise exceptions.ValidationError(
                {self.page_size_query_param: [_("Enter a whole number from 1 upwards.")]}
            )
        return min(size, self.max_page_size)

    def decode_cursor(self, request: Any) -> Any:
        try:
            return super().decode_cursor(request)
        except exceptions.NotFound as exc:
            raise exceptions.ValidationError({self.cursor_query_param: [exc.detail]}) from exc
