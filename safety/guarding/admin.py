"""Admin page of daily guarding's per-bureau settings (the day-to-day records have their own
pages). Registered through safety/admin.py."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from safety.admin import AuditedModelAdmin, ScopedAdminMixin

from .models import GuardingSettings


@admin.register(GuardingSettings)
class GuardingSettingsAdmin(ScopedAdminMixin, AuditedModelAdmin):
    list_display = ("unit", "gate_retention_days", "follow_up_minutes", "updated_at")
    autocomplete_fields = ("unit",)
    list_select_related = ("unit",)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "unit":
            field.queryset = field.queryset.bureaus()
        return field

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
