"""The admin site for administrators: every list is scoped to the administrator's
jurisdiction, choices that can grow are search fields, and saves go through services."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from axes import admin as axes_admin  # noqa: F401  (registers its pages first)
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import admin as auth_admin  # noqa: F401
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy
from django_celery_beat import admin as beat_admin  # noqa: F401
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)

from . import audit, exportjobs, roles, services, workdays
from .forms import TextRulesMixin
from .models import (
    AUDIT_ACTION_LABELS,
    AuditEvent,
    CalendarDay,
    CalendarYear,
    ExportJob,
    JobFailure,
    Organisation,
    SafetyArea,
    User,
    UserSession,
)
from .selectors import history_rows, unreachable_accounts

SCHEDULES = (ClockedSchedule, CrontabSchedule, IntervalSchedule, SolarSchedule)


class CountyListFilter(admin.SimpleListFilter):
    """Filter by county/district, offering only the counties the administrator sees."""

    title = _("county/district")
    parameter_name = "county"
    organisation_lookup = "unit__path"

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


class AuditedModelAdmin(admin.ModelAdmin):
    """The base of every admin page of the product (tests/safety/test_admin_audit.py checks
    the whole site): additions, changes, deletions and list actions are logged in the audit
    trail with the administrator, old and new values, one row per record.

    The model joins the audit recorder (`audit.register`), so its changes are logged wherever
    they happen; `audit_everywhere = False` is for logs the system writes itself (sign-in
    attempts), logged only when changed here. `audit_ignore`: bookkeeping fields.
    """

    audit_everywhere = True
    audit_ignore: tuple[str, ...] = ()

    def __init__(self, model: Any, admin_site: Any) -> None:
        super().__init__(model, admin_site)
        if self.audit_everywhere:
            audit.register(model, ignore=self.audit_ignore)

    def _recording(self) -> Any:
        return audit.atomic(also=() if self.audit_everywhere else (self.model,))

    def get_queryset(self, request: HttpRequest) -> Any:
        return audit.recording_updates(super().get_queryset(request))

    def changeform_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        with self._recording():
            return super().changeform_view(request, *args, **kwargs)

    def delete_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        with self._recording():
            return super().delete_view(request, *args, **kwargs)

    def changelist_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.method != "POST":  # list edits and actions
            return super().changelist_view(request, *args, **kwargs)
        with self._recording():
            return super().changelist_view(request, *args, **kwargs)

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> Any:
        """The record's history is the audit trail (who, when, old → new, in the reader's
        words), not Django's own change log: the audit log filtered to this record."""
        record = self.get_object(request, unquote(object_id))
        if record is None:
            return self._get_obj_does_not_exist_redirect(request, self.model._meta, object_id)
        if not self.has_view_or_change_permission(request, record):
            raise PermissionDenied
        target_type = ContentType.objects.get_for_model(self.model, for_concrete_model=False)
        query = urlencode({"target_type__id__exact": target_type.pk, "target_id": object_id})
        return redirect(f"{reverse('admin:safety_auditevent_changelist')}?{query}")


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
class OrganisationAdmin(ScopedAdminMixin, AuditedModelAdmin):
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
class UserAdmin(ScopedAdminMixin, AuditedModelAdmin, DjangoUserAdmin):
    add_form = AccountCreationForm
    form = AccountChangeForm
    list_display = (
        "username",
        "full_name",
        "unit",
        "role",
        "title",
        "is_active",
        "last_login",
    )
    list_filter = ("role", CountyListFilter, "unit__kind", "is_active", UrgentReachFilter)
    search_fields = ("username", "full_name", "phone", "email", "unit__name")
    autocomplete_fields = ("unit",)
    list_select_related = ("unit",)
    ordering = ("username",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            pgettext_lazy("account fieldset", "Person"),
            {"fields": ("full_name", "title", "phone", "email")},
        ),
        (_("Unit and role"), {"fields": ("unit", "role", "is_active")}),
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
                    "unit",
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
class SafetyAreaAdmin(AuditedModelAdmin):
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


class ReadOnlyAdmin(AuditedModelAdmin):
    """Changed through the services only (their permission checks and audit rows), or
    written by the system itself: read here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ScopedAdminMixin, ReadOnlyAdmin):
    audit_everywhere = False  # the log itself: read-only below

    list_display = ("created_at", "actor", "action_label", "target_repr", "unit")
    list_filter = (AuditActionFilter, "target_type", CountyListFilter)
    fields = (
        "created_at",
        "actor",
        "action_label",
        "target_type",
        "target_id",
        "target_repr",
        "unit",
        "changes_display",
    )
    readonly_fields = fields
    search_fields = ("target_repr", "actor__username", "actor__full_name", "action")
    list_select_related = ("actor", "unit", "target_type")
    date_hierarchy = "created_at"

    def get_queryset(self, request: HttpRequest) -> Any:
        """The jurisdiction's rows; system administrators also see the installation-wide ones
        (configuration and reference data belong to no unit)."""
        scoped = super().get_queryset(request)
        if not roles.is_system_administrator(request.user):
            return scoped
        return scoped | audit.recording_updates(AuditEvent.objects.filter(unit__isnull=True))

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


# Django discovers only <app>/admin.py: register the feature packages' admin classes too.
from .preparedness import admin as preparedness_admin  # noqa: E402, F401  (issue #14)
from .responsibility import admin as responsibility_admin  # noqa: E402, F401


def audit_third_party_admins() -> None:
    """The admin pages other packages register (groups, schedules, sign-in attempts) get
    the audit trail too: each is registered again as an `AuditedModelAdmin`."""
    ignore = {PeriodicTask: ("last_run_at", "total_run_count", "date_changed", "no_changes")}
    system_logs = {AccessAttempt, AccessLog, AccessFailureLog}
    for model in (Group, PeriodicTask, *SCHEDULES, *system_logs):
        original = type(admin.site._registry[model])
        if issubclass(original, AuditedModelAdmin):
            continue
        audited = type(
            f"Audited{original.__name__}",
            (AuditedModelAdmin, original),
            {"audit_everywhere": model not in system_logs, "audit_ignore": ignore.get(model, ())},
        )
        admin.site.unregister(model)
        admin.site.register(model, audited)


audit_third_party_admins()
from .guarding import admin as guarding_admin  # noqa: E402, F401  (daily guarding, issue #15)

# --- #20 working days: the official calendar of years the chinesecalendar package lacks ---


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    extra = 3
    fields = ("date", "kind", "name")


class CalendarYearForm(TextRulesMixin, forms.ModelForm):
    class Meta:
        model = CalendarYear
        fields = ("year", "source")

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if year in workdays.PACKAGE_YEARS:
            raise forms.ValidationError(
                _("The holidays of %(year)s come from the chinesecalendar package already.")
                % {"year": year}
            )
        return year


@admin.register(CalendarYear)
class CalendarYearAdmin(AuditedModelAdmin):
    """City administrators enter a year's holidays and make-up working days from the State
    Council's notice when the chinesecalendar package does not know that year yet."""

    form = CalendarYearForm
    inlines = (CalendarDayInline,)
    list_display = ("year", "source", "created_at")
    search_fields = ("source",)


# --- #23 exports and failed background jobs: read by system administrators ----------------


class _SystemAdministratorsRead(ReadOnlyAdmin):
    """Rows the system writes, read by the installation's administrators
    (roles.is_system_administrator)."""

    audit_everywhere = False

    def has_module_permission(self, request: HttpRequest) -> bool:
        return roles.is_system_administrator(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return roles.is_system_administrator(request.user)


@admin.register(ExportJob)
class ExportJobAdmin(_SystemAdministratorsRead):
    """Every export with its status; a failed one shows its error (the requester's page
    says only that it failed)."""

    list_display = ("pk", "kind_label", "requester", "status", "progress", "total", "created_at")
    list_filter = ("status", "failure", "kind")
    search_fields = ("requester__username", "requester__full_name", "kind", "error")
    list_select_related = ("requester",)
    date_hierarchy = "created_at"
    fields = (
        "requester",
        "kind_label",
        "kind",
        "params",
        "status",
        "progress",
        "total",
        "filename",
        "failure",
        "error",
        "attempts",
        "created_at",
        "updated_at",
        "finished_at",
        "expires_at",
    )
    readonly_fields = fields

    @admin.display(description=_("export job"))
    def kind_label(self, obj: ExportJob) -> str:
        return exportjobs.label_of(obj)


@admin.register(JobFailure)
class JobFailureAdmin(_SystemAdministratorsRead):
    """Background tasks that failed for good (PDF renders, letters, exports …), with the
    error and traceback; the sweeper of awaited jobs queues their requests again."""

    list_display = ("failed_at", "task", "args", "error")
    list_filter = ("task",)
    search_fields = ("task", "error")
    date_hierarchy = "failed_at"
    fields = ("failed_at", "task", "args", "error", "traceback")
    readonly_fields = fields
