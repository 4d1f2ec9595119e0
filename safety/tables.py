"""#20 dense desktop tables for bureaus (django-tables2), shared by every list that offers
one: the hazard ledger (inspections/tables.py), the incident list (reporting/incidents/
tables.py) and the school list (here).

A table orders its queryset in the database (`?sort=<column>`, `?sort=-<column>`; unknown
names are ignored); `sorted_page` pages it with safety.paging and hands the page's rows to
the table, so a page costs the same queries however it is sorted or large. Templates include
`safety/_sortable_table.html` (headers that keep the filters, the column chooser remembered
by static/js/table-columns.js).
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import django_tables2 as tables
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext
from django_tables2.rows import BoundRows

from .paging import Paged, paginate

# The query-string parameter a header sorts by.
SORT_FIELD = "sort"

# A column that no index orders (a table's `unindexed_sorts`) sorts only this many rows at
# most: beyond it the database would sort the jurisdiction's whole list to show one page
# (#23: a city's ledger by description or last update took 1-3 s at 500,000 hazards, and
# grew with them). The header says how to get there: filter first.
SORT_ROWS_LIMIT = 20_000


def limit_sorting(table: tables.Table, count: int | None) -> None:
    """Make the table's `unindexed_sorts` columns unsortable when `count` (the rows the
    page's filters leave; None when unknown, treated as many) is above SORT_ROWS_LIMIT, and
    set `table.sorting_limited` to their headers' names for the note under the table."""
    names = getattr(table, "unindexed_sorts", ())
    table.sorting_limited = []
    if not names or (count is not None and count <= SORT_ROWS_LIMIT):
        return
    for name in names:
        table.columns[name].column.orderable = False
        table.sorting_limited.append(str(table.columns[name].header))
    table.sorting_limited_text = pgettext("list separator", ", ").join(table.sorting_limited)
    table.sort_rows_limit = f"{SORT_ROWS_LIMIT:,}"


def column_chooser_attrs(table: tables.Table) -> None:
    """Mark each header and cell with its column name (the column chooser hides by it)."""
    for name, column in table.columns.items():
        column.column.attrs.setdefault("th", {})["data-column"] = name
        column.column.attrs.setdefault("td", {})["data-column"] = name


def sorted_page(
    request: HttpRequest,
    table_class: type[tables.Table],
    rows: QuerySet,
    *,
    count: int | None = None,
) -> tuple[tables.Table, Paged]:
    """A `table_class` over `rows` ordered by the request's ?sort= (unknown names are
    ignored), and the page of it (safety.paging) whose rows the table renders. The total
    comes from `count` when the caller knows it (no COUNT(*)); with it, a table's columns that
    no index orders are sortable only up to SORT_ROWS_LIMIT rows (`limit_sorting`)."""
    sort = request.GET.get(SORT_FIELD, "")
    table = table_class(rows)
    limit_sorting(table, count)
    bare = sort.lstrip("-")
    if bare in table.columns.names() and table.columns[bare].orderable:
        table.order_by = sort
    paged = paginate(request, table.data.data, count=count)
    objects = list(paged.page.object_list)
    paged.page.object_list = objects  # the phone's card list reads the same rows
    table.page = SimpleNamespace(object_list=BoundRows(data=objects, table=table))
    return table, paged


class SchoolTable(tables.Table):
    name = tables.Column(_("School"), order_by=("name_sort_key",))
    code = tables.Column(_("Official code"))
    school_type = tables.Column(_("Type"))
    parent = tables.Column(
        _("Bureau"), accessor="parent__name", order_by=("parent__name_sort_key",)
    )
    is_boarding = tables.Column(_("Boarding"))
    student_count = tables.Column(_("Students"), attrs={"td": {"class": "text-end"}})
    staff_count = tables.Column(_("Staff"), attrs={"td": {"class": "text-end"}})

    class Meta:
        orderable = True
        order_by_field = SORT_FIELD
        attrs = {
            "class": "table table-sm table-hover align-middle ledger-table",
            "id": "school-table",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        column_chooser_attrs(self)

    def render_name(self, record: Any) -> str:
        url = reverse("school_detail", args=[record.pk])
        if record.is_active:
            return format_html('<a href="{}">{}</a>', url, record.name)
        return format_html(
            '<a href="{}">{}</a> <span class="badge text-bg-secondary">{}</span>',
            url,
            record.name,
            _("Inactive"),
        )

    def render_school_type(self, record: Any) -> str:
        return record.get_school_type_display()

    def render_is_boarding(self, record: Any) -> str:
        return _("Boarding") if record.is_boarding else _("Day school")
