"""#20 the bureaus' desktop ledger: the hazard ledger as a sortable table (django-tables2).

The table orders the ledger's queryset in the database (its columns' `order_by` map each
header to fields); the view pages it with safety.paging and hands the page's rows back to
the table, so a page costs the same queries however the ledger is sorted or large.
"""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from safety.tables import SORT_FIELD, column_chooser_attrs

from .models import Hazard, HazardEvent


def with_updated(hazards: QuerySet[Hazard]) -> QuerySet[Hazard]:
    """`hazards` annotated with `updated`: the time of their latest timeline event (a
    correlated subquery in the same SELECT: no query per row)."""
    latest = (
        HazardEvent.objects.filter(hazard=OuterRef("pk"))
        .order_by("-created_at", "-id")
        .values("created_at")[:1]
    )
    return hazards.annotate(updated=Subquery(latest))


class HazardTable(tables.Table):
    school = tables.Column(
        _("School"), accessor="school__name", order_by=("school__name_sort_key",)
    )
    area = tables.Column(_("Safety area"), accessor="area__name", order_by=("area__order",))
    location = tables.Column(_("Place"), empty_values=())
    description = tables.Column(_("Description"), linkify=False)
    severity = tables.Column(_("Severity"))
    status = tables.Column(_("Status"))
    deadline = tables.Column(pgettext_lazy("hazard", "Deadline"), empty_values=())
    owner = tables.Column(_("Owner"), accessor="owner__full_name", empty_values=())
    updated = tables.Column(_("Updated"), empty_values=())

    # Ordered by no index of the hazard table: sortable only when the filters leave few rows
    # (safety.tables.limit_sorting). School, severity, status and deadline are index-served.
    unindexed_sorts = ("area", "location", "description", "owner", "updated")

    class Meta:
        model = Hazard
        fields = ()
        orderable = True
        order_by_field = SORT_FIELD
        attrs = {
            "class": "table table-sm table-hover align-middle ledger-table",
            "id": "ledger-table",
        }
        empty_text = _("No hazard matches these filters.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        column_chooser_attrs(self)

    def render_description(self, record: Hazard) -> str:
        text = (
            record.description if len(record.description) <= 40 else record.description[:39] + "…"
        )
        url = reverse("inspections:hazard_detail", args=[record.pk])
        return format_html('<a href="{}">{}</a>', url, text)

    def render_location(self, record: Hazard) -> str:
        return record.location or "—"

    def render_severity(self, record: Hazard) -> str:
        if record.is_major:
            return format_html(
                '<span class="badge text-bg-danger">{}</span>', record.get_severity_display()
            )
        return record.get_severity_display()

    def render_status(self, record: Hazard) -> str:
        overdue = _("Overdue") + " · " if record.is_overdue and record.status != "closed" else ""
        return format_html(
            '<span class="badge {}">{}{}</span>',
            record.status_css,
            overdue,
            record.get_status_display(),
        )

    def render_deadline(self, record: Hazard) -> str:
        if record.deadline is None:
            return "—"
        day = record.deadline.isoformat()
        left = record.days_left
        if left is None:
            return day
        if left < 0:
            note = ngettext("%(days)s day overdue", "%(days)s days overdue", -left) % {
                "days": -left
            }
            return format_html('{} <span class="text-danger fw-semibold">{}</span>', day, note)
        note = ngettext("%(days)s day left", "%(days)s days left", left) % {"days": left}
        return format_html('{} <span class="text-muted">{}</span>', day, note)

    def render_owner(self, record: Hazard) -> str:
        return record.owner.display_name if record.owner else "—"

    def render_updated(self, record: Hazard) -> str:
        moment = record.updated or record.created_at
        return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")

    def order_deadline(self, queryset: QuerySet[Hazard], is_descending: bool):
        # Hazards without a deadline come last either way; each direction is read in order
        # from its own index (hazard_deadline_idx, hazard_deadline_desc_idx) instead of
        # sorting the jurisdiction's ledger (#23: 0.8 s for a city of 500,000 hazards, 3 s
        # at 2 million).
        if is_descending:
            return queryset.order_by(F("deadline").desc(nulls_last=True), "-id"), True
        return queryset.order_by(F("deadline").asc(nulls_last=True), "id"), True

    def order_updated(self, queryset: QuerySet[Hazard], is_descending: bool):
        field = (
            F("updated").desc(nulls_last=True)
            if is_descending
            else F("updated").asc(nulls_last=True)
        )
        return queryset.order_by(field, "id"), True


LEDGER_TABLE_COLUMNS = tuple(HazardTable.base_columns)
