"""The admin site for administrators: every list is scoped to the administrator's
jurisdiction, choices that can grow are search fields, and saves go through services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import roles, services
from .forms import TextRulesMixin
from .models import AUDIT_ACTION_LABELS, AuditEvent, Organisation, SafetyArea, User, UserSession
from .selectors import history_rows, unreachable_accounts


class CountyListFilter(admin.SimpleListFilter):
    """Filter by county/district, offering only the counties the administrator sees."""

    title = _("county/district")
    parameter_name = "county"
    organisation_lookup = "organisation__path"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[int, str]]:
        counties = Organisation.objects.visible_to(request.user).filter(
            kind=Organisation.Kind.COUNTY
        )
        return [(county.pk, county.name) for county in counties]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        if not self.value():
            return queryset
        county = Organisation.objects.visible_to(request.user).filter(pk=self.value()).first()
        if county is None:
            return queryset.none()
        return queryset.filter(**{f"{self.organisation_lookup}__startswith": county.path})


class OrganisationCountyFilter(CountyListFilter):
    organisation_lookup = "path"


def _shown(value: Any) -> Any:
    return "—" if value is None or value == "" else value


class AuditActionFilter(admin.SimpleListFilter):
    """The audit log's actions by their labels, not their codes."""

    title = _("action")
    parameter_name = "action"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return sorted(
            ((code, str(label)) for code, label in AUDIT_ACTION_LABELS.items()),
            key=lambda choice: choice[1],
        )

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        return queryset.filter(action=self.value()) if self.value() else queryset


class UrgentReachFilter(admin.SimpleListFilter):
    """Accounts that cannot receive urgent notices (无法接收紧急通知的账号): active bureau
    accounts with neither an e-mail address nor a mobile number."""

    title = _("urgent notices")
    parameter_name = "urgent_reach"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("unreachable", _("Accounts that cannot receive urgent notices"))]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        if self.value() == "unreachable":
            return queryset.filter(pk__in=unreachable_accounts(request.user).values("pk"))
        return queryset


class ScopedAdminMixin:
    """Lists and related choices limited to the user's jurisdiction."""

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).visible_to(request.user)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.related_model is Organisation:
            kwargs["queryset"] = Organisation.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Organisation)
class OrganisationAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "code", "school_type", "parent", "is_boarding", "is_active")
    list_filter = (
        "kind",
        OrganisationCountyFilter,
        "school_type",
        "is_boarding",
        "locality",
        "is_active",
    )
    search_fields = ("name", "code", "address")
    autocomplete_fields = ("parent",)
    list_select_related = ("parent",)
    readonly_fields = ("path", "created_at", "updated_at")
    list_per_page = 50
    fieldsets = (
        (None, {"fields": ("name", "kind", "parent", "code", "is_active")}),
        (
            _("School profile"),
            {
                "fields": (
                    "school_type",
                    "is_boarding",
                    "locality",
                    "address",
                    "phone",
                    "student_count",
                    "staff_count",
                )
            },
        ),
        (_("Record"), {"fields": ("path", "created_at", "updated_at")}),
    )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Units are deactivated, never deleted: their history must stay.
        return False

    def save_model(self, request: HttpRequest, obj: Organisation, form: Any, change: bool) -> None:
        services.organisation_save(
            actor=request.user, organisation=obj, changed_fields=form.changed_data
        )


class AccountCreationForm(TextRulesMixin, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username",)


class AccountChangeForm(TextRulesMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User


class UserSessionInline(admin.TabularInline):
    model = UserSession
    extra = 0
    can_delete = False
    fields = ("created_at", "ip_address", "user_agent")
    readonly_fields = fields
    verbose_name_plural = _("signed-in sessions (use the action “End all sessions” to end them)")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(ScopedAdminMixin, DjangoUserAdmin):
    add_form = AccountCreationForm
    form = AccountChangeForm
    list_display = (
        "username",
        "full_name",
        "organisation",
        "role",
        "title",
        "is_active",
        "last_login",
    )
    list_filter = ("role", CountyListFilter, "organisation__kind", "is_active", UrgentReachFilter)
    search_fields = ("username", "full_name", "phone", "email", "organisation__name")
    autocomplete_fields = ("organisation",)
    list_select_related = ("organisation",)
    ordering = ("username",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("full_name", "title", "phone", "email")}),
        (_("Unit and role"), {"fields": ("organisation", "role", "is_active")}),
        (_("Record"), {"fields": ("last_login", "date_joined")}),
    )
    superuser_fieldsets = (
        (_("Technical permissions"), {"fields": ("is_superuser", "groups", "user_permissions")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "full_name",
                    "organisation",
                    "role",
                    "title",
                    "phone",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    readonly_fields = ("last_login", "date_joined")
    inlines = [UserSessionInline]
    actions = ["end_sessions"]

    @admin.action(description=_("End all sessions of the selected accounts"))
    def end_sessions(self, request: HttpRequest, queryset: Any) -> None:
        ended = sum(
            services.user_end_sessions(actor=request.user, account=account) for account in queryset
        )
        self.message_user(
            request,
            ngettext("%(count)s session ended.", "%(count)s sessions ended.", ended)
            % {"count": ended},
        )

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and request.user.is_superuser:
            fieldsets = (*fieldsets, *self.superuser_fieldsets)
        return fieldsets

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Accounts are deactivated, never deleted: the audit trail names them.
        return request.user.is_superuser

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        services.user_save(actor=request.user, account=obj, changed_fields=form.changed_data)


@admin.register(SafetyArea)
class SafetyAreaAdmin(admin.ModelAdmin):
    list_display = ("order", "key", "name_zh", "name_en", "is_active")
    list_display_links = ("key",)
    list_filter = ("is_active",)
    search_fields = ("key", "name_zh", "name_en", "description")
    ordering = ("order",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # The key is referenced by checklists and reports: fixed once created.
        return ("key",) if obj is not None else ()

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm(roles.MANAGE_SAFETY_AREAS)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(roles.MANAGE_SAFETY_AREAS)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: SafetyArea, form: Any, change: bool) -> None:
        services.safety_area_save(actor=request.user, area=obj, changed_fields=form.changed_data)


@admin.register(AuditEvent)
class AuditEventAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "actor", "action_label", "target_repr", "organisation")
    list_filter = (AuditActionFilter, "target_type", CountyListFilter)
    fields = (
        "created_at",
        "actor",
        "action_label",
        "target_type",
        "target_id",
        "target_repr",
        "organisation",
        "changes_display",
    )
    readonly_fields = fields

    @admin.display(description=_("changes"))
    def changes_display(self, obj: AuditEvent) -> str:
        """The changes in the reader's words, as on the history page (field names and
        choice labels translated), not the stored codes."""
        model = obj.target_type.model_class()
        if model is None:
            return "-"
        rows = history_rows(model, [obj])[0]
        return format_html_join(
            "",
            "<div>{}: {} → {}</div>",
            ((row.label, _shown(row.old), _shown(row.new)) for row in rows),
        )

    search_fields = ("target_repr", "actor__username", "actor__full_name", "action")
    list_select_related = ("actor", "organisation", "target_type")
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# Django discovers only <app>/admin.py: register the feature packages' admin classes too.
from .responsibility import admin as responsibility_admin  # noqa: E402, F401
