"""Admin pages of the responsibility system's catalogue and settings (the day-to-day records
have their own pages). Registered through safety/admin.py, which Django discovers."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from safety import roles
from safety.admin import AuditedModelAdmin, ScopedAdminMixin

from . import services
from .models import Post, ResponsibilitySettings


@admin.register(Post)
class PostAdmin(AuditedModelAdmin):
    """The standard posts: every administrator reads them, system administrators edit them."""

    list_display = ("order", "name_zh", "unit_kind", "level", "is_required", "boarding_only")
    list_display_links = ("name_zh",)
    list_filter = ("unit_kind", "level", "is_required", "boarding_only", "is_active")
    search_fields = ("key", "name_zh", "name_en", "duty_text")
    filter_horizontal = ("default_areas",)
    ordering = ("unit_kind", "order")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("key",) if obj is not None else ()

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm(roles.MANAGE_POSTS)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(roles.MANAGE_POSTS)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # assignments and letters refer to posts: deactivate instead

    def save_model(self, request: HttpRequest, obj: Post, form: Any, change: bool) -> None:
        services.post_update(actor=request.user, post=obj, changed_fields=form.changed_data)


@admin.register(ResponsibilitySettings)
class ResponsibilitySettingsAdmin(ScopedAdminMixin, AuditedModelAdmin):
    list_display = ("unit", "unsigned_letter_grace_days", "updated_at")
    autocomplete_fields = ("unit",)
    list_select_related = ("unit",)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "unit":
            field.queryset = field.queryset.bureaus()
        return field

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: ResponsibilitySettings, form: Any, change: bool
    ) -> None:
        services.responsibility_settings_save(
            actor=request.user, settings_row=obj, changed_fields=form.changed_data
        )
