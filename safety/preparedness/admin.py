"""Admin pages of emergency preparedness: the scenario catalogue (system administrators edit
it) and each bureau's drill settings. Registered through safety/admin.py."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from safety import roles
from safety.admin import AuditedModelAdmin, ScopedAdminMixin

from . import services
from .models import DrillSettings, Scenario


@admin.register(Scenario)
class ScenarioAdmin(AuditedModelAdmin):
    list_display = (
        "order",
        "name_zh",
        "is_overall",
        "is_required",
        "boarding_only",
        "is_active",
    )
    list_display_links = ("name_zh",)
    list_filter = ("is_required", "boarding_only", "is_active")
    search_fields = ("key", "name_zh", "name_en")
    ordering = ("order",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("key",) if obj is not None else ()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # plans and drills refer to scenarios: deactivate instead

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return roles.is_system_administrator(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return roles.is_system_administrator(request.user)

    def save_model(self, request: HttpRequest, obj: Scenario, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # Which schools need a plan of it: every school's coverage summary (#23).
        services.preparedness_summaries_forget(None)


@admin.register(DrillSettings)
class DrillSettingsAdmin(ScopedAdminMixin, AuditedModelAdmin):
    list_display = (
        "unit",
        "school_per_month",
        "kindergarten_per_quarter",
        "boarding_per_month",
        "special_per_month",
        "target_seconds_young",
        "target_seconds",
    )
    list_select_related = ("unit",)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "unit":
            field.queryset = field.queryset.bureaus()
        return field

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: DrillSettings, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # The drill minimum of every school below the bureau (#23).
        services.preparedness_summaries_forget(obj.unit)
