"""#20 the bureaus' incident list as a sortable desktop table (safety.tables)."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from safety.tables import SORT_FIELD, column_chooser_attrs

from .models import Incident

# A cell drawn by the incident list's own partial templates (the row's incident as `incident`).
INCLUDE = '{%% with incident=record %%}{%% include "reporting/incidents/%s" %%}{%% endwith %%}'


class IncidentTable(tables.Table):
    occurred_at = tables.Column(_("Occurred at"))
    school = tables.Column(
        _("School"), accessor="school__name", order_by=("school__name_sort_key",)
    )
    category = tables.Column(_("Category"))
    severity = tables.Column(_("Severity"))
    summary = tables.Column(_("Summary"))
    casualties = tables.Column(_("Casualties"), empty_values=(), order_by=("-deaths", "-injured"))
    status = tables.TemplateColumn(
        template_code=INCLUDE % "_status.html",
        verbose_name=_("Status"),
    )
    flags = tables.TemplateColumn(
        template_code=INCLUDE % "_flags.html",
        verbose_name=_("Reporting"),
        orderable=False,
    )

    class Meta:
        orderable = True
        order_by_field = SORT_FIELD
        attrs = {
            "class": "table table-sm table-hover align-middle ledger-table",
            "id": "incident-table",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        column_chooser_attrs(self)

    def render_occurred_at(self, record: Incident) -> str:
        return timezone.localtime(record.occurred_at).strftime("%Y-%m-%d %H:%M")

    def render_summary(self, record: Incident) -> str:
        url = reverse("incidents:incident_detail", args=[record.pk])
        return format_html('<a href="{}">{}</a>', url, record.summary)

    def render_category(self, record: Incident) -> str:
        return record.get_category_display()

    def render_severity(self, record: Incident) -> str:
        return record.get_severity_display()

    def render_casualties(self, record: Incident) -> str:
        if not (record.deaths or record.injured):
            return "—"
        return _("%(deaths)s dead, %(injured)s injured") % {
            "deaths": record.deaths,
            "injured": record.injured,
        }
