"""API clients on the admin site: an administrator registers a client of a unit of their
jurisdiction (the token is shown once, in the confirmation message), renames it, sets or
moves its expiry, and revokes it. Nothing else about a client can be changed here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from safety.admin import AuditedModelAdmin
from safety.models import Organisation

from . import services
from .forms import ApiClientForm
from .models import ApiClient


@admin.register(ApiClient)
class ApiClientAdmin(AuditedModelAdmin):
    form = ApiClientForm
    list_display = (
        "name",
        "unit",
        "scope",
        "token_hint",
        "expires_at",
        "revoked_at",
        "last_used_at",
    )
    list_filter = ("scope",)
    search_fields = ("name", "unit__name")
    readonly_fields = ("token_hint", "account", "revoked_at", "last_used_at", "last_used_ip")
    actions = ("revoke",)
    audit_ignore = ("last_used_at", "last_used_ip")

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).visible_to(request.user).select_related("unit")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ()
        return (*self.readonly_fields, "unit", "scope")

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ("name", "unit", "scope", "expires_at")
        return ("name", "unit", "scope", "expires_at", *self.readonly_fields)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "unit":
            kwargs["queryset"] = Organisation.objects.visible_to(request.user).filter(
                is_active=True
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: ApiClient, form: Any, change: bool) -> None:
        if change:
            obj.save()
            return
        client, token = services.client_register(
            actor=request.user,
            unit=obj.unit,
            name=obj.name,
            scope=obj.scope,
            expires_at=obj.expires_at,
        )
        obj.pk = client.pk
        obj.account = client.account
        messages.warning(
            request,
            _(
                "The client's token, shown only this once (copy it now; SafeCampus keeps "
                "only its digest): %(token)s"
            )
            % {"token": token},
        )

    @admin.action(description=gettext_lazy("Revoke the selected clients"))
    def revoke(self, request: HttpRequest, queryset: Any) -> None:
        count = sum(
            services.client_revoke(actor=request.user, client=client) for client in queryset
        )
        message = ngettext("%(count)d client revoked.", "%(count)d clients revoked.", count)
        self.message_user(request, message % {"count": count})
