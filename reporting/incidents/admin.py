"""Admin of incidents: the reporting clocks and the accountability actions (incidents
themselves are handled on the site)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from safety.admin import AuditedModelAdmin

from .models import AccountabilityAction, ReportingTimeLimit


@admin.register(ReportingTimeLimit)
class ReportingTimeLimitAdmin(AuditedModelAdmin):
    list_display = ("severity", "initial_report_minutes", "written_report_minutes")
    list_editable = ("initial_report_minutes", "written_report_minutes")
    readonly_fields = ("severity",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # one row per severity, created by the migration


@admin.register(AccountabilityAction)
class AccountabilityActionAdmin(AuditedModelAdmin):
    """The setting list of actions taken against the people dealt with (issue #19): add,
    rename, reorder or retire (untick "offered"); an action in use cannot be deleted."""

    list_display = ("name_zh", "order", "is_active")
    list_editable = ("order", "is_active")
    search_fields = ("name_zh", "name_en", "key")
