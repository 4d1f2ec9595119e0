"""One way to page a list view: the page of rows and the query string that keeps the filters
on the pager's links (templates/safety/_pagination.html)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import HttpRequest


@dataclass(frozen=True)
class Paged:
    """`page`: the Django page of rows; `query`: the request's query string without `page`,
    URL-encoded, for the pager's links ("" when there is none)."""

    page: Page
    query: str

    def context(self) -> dict[str, Any]:
        return {"page": self.page, "query": self.query}


def paginate(request: HttpRequest, rows: Any, *, count: int | None = None) -> Paged:
    """Page `rows` (a QuerySet or a list) by `settings.PAGE_SIZE` at the request's `page`.

    A malformed or out-of-range `page` gives the nearest valid page, never an error. `count`,
    when the caller already knows the total (a grouped count), saves the paginator its
    COUNT(*) query.
    """
    paginator = Paginator(rows, settings.PAGE_SIZE)
    if count is not None:
        paginator.count = count
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return Paged(page=page, query=query.urlencode())
