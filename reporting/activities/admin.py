"""Admin of activities: the per-bureau settings (applications and buses live on the site)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from safety.admin import AuditedModelAdmin, ScopedAdminMixin

from .models import ActivitySettings


@admin.register(ActivitySettings)
class ActivitySettingsAdmin(ScopedAdminMixin, AuditedModelAdmin):
    list_display = (
        "bureau",
        "large_threshold",
        "decide_days_before",
        "decide_unit",
        "bus_reminder_days",
    )
    list_select_related = ("bureau",)
    autocomplete_fields = ("bureau",)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "bureau":
            field.queryset = field.queryset.bureaus()
        return field

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
