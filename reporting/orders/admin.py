"""Administrators set each bureau's document number format for its rectification orders
(scoped to their jurisdiction, like the rectification settings)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from safety.admin import AuditedModelAdmin
from safety.models import Organisation

from .models import OrderSettings


@admin.register(OrderSettings)
class OrderSettingsAdmin(AuditedModelAdmin):
    list_display = ("bureau", "prefix", "number_format", "default_term", "term_unit")

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).visible_to(request.user)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "bureau":
            kwargs["queryset"] = Organisation.objects.visible_to(request.user).bureaus()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
