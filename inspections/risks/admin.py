"""Admin pages of risk grading: each bureau's grading settings (administrators), and the
risk points for superusers (read in the admin; changed on the product's pages)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from safety.admin import AuditedModelAdmin, ReadOnlyAdmin
from safety.models import Organisation

from .models import CampusPlan, RiskCheck, RiskPoint, RiskReport, RiskSettings


@admin.register(RiskSettings)
class RiskSettingsAdmin(AuditedModelAdmin):
    list_display = ("bureau", "method", "ls_red", "ls_orange", "ls_yellow", "red_interval_days")

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).visible_to(request.user)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "bureau":
            kwargs["queryset"] = Organisation.objects.visible_to(request.user).bureaus()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(RiskPoint)
class RiskPointAdmin(ReadOnlyAdmin):
    list_display = ("name", "school", "level", "check_interval_days", "next_check_due")
    list_filter = ("level",)
    search_fields = ("name", "school__name")
    audit_ignore = ("updated_at", "reminded_due")


@admin.register(RiskCheck)
class RiskCheckAdmin(ReadOnlyAdmin):
    list_display = ("point", "checked_on", "controlled", "checked_by")


@admin.register(CampusPlan)
class CampusPlanAdmin(ReadOnlyAdmin):
    list_display = ("school", "width", "height", "uploaded_at")


@admin.register(RiskReport)
class RiskReportAdmin(ReadOnlyAdmin):
    list_display = ("school", "version", "status", "submitted_at")
