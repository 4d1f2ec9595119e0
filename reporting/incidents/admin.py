"""Admin of incidents: the reporting clocks (incidents themselves are handled on the site)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from safety.admin import AuditedModelAdmin

from .models import ReportingTimeLimit


@admin.register(ReportingTimeLimit)
class ReportingTimeLimitAdmin(AuditedModelAdmin):
    list_display = ("severity", "initial_report_minutes", "written_report_minutes")
    list_editable = ("initial_report_minutes", "written_report_minutes")
    readonly_fields = ("severity",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # one row per severity, created by the migration
