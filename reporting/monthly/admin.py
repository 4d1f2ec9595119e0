"""Admin of monthly reports: read-only; an administrator may ask for a PDF again."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safety.admin import AuditedModelAdmin
from safety.jobs import STALLED_AFTER

from . import services
from .models import MonthlyReport, MonthlyReportEvent, MonthlyReportVersion


class MonthlyReportVersionInline(admin.TabularInline):
    model = MonthlyReportVersion
    fields = ("number", "submitted_by", "submitted_at", "is_late", "decision", "pdf_rendered_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(MonthlyReport)
class MonthlyReportAdmin(AuditedModelAdmin):
    """Read-only: reports change only through their workflow (drafting, submission, review)."""

    list_display = ("unit", "month", "status", "first_submitted_at")
    list_filter = ("status", "month")
    search_fields = ("unit__name", "unit__code")
    readonly_fields = ("unit", "month", "status", "latest_version", "first_submitted_at")
    exclude = ("work_done", "problems_found", "next_month_plans")
    inlines = [MonthlyReportVersionInline]

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).visible_to(request.user).select_related("unit")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PdfStateFilter(admin.SimpleListFilter):
    """#23: the versions whose PDF failed or stalled (requested more than STALLED_AFTER ago
    and still not rendered; the sweeper retries them for a day), for the administrator to
    see and render again, and those still being prepared."""

    title = _("PDF")
    parameter_name = "pdf"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("failed", _("Not prepared (failed or stalled)")),
            ("preparing", _("Being prepared")),
            ("ready", _("Ready")),
        ]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        waiting = queryset.filter(pdf_rendered_at__isnull=True)
        cutoff = timezone.now() - STALLED_AFTER
        if self.value() == "failed":
            return waiting.filter(pdf_requested_at__lt=cutoff)
        if self.value() == "preparing":
            return waiting.filter(pdf_requested_at__gte=cutoff)
        if self.value() == "ready":
            return queryset.filter(pdf_rendered_at__isnull=False)
        return queryset


@admin.register(MonthlyReportVersion)
class MonthlyReportVersionAdmin(AuditedModelAdmin):
    list_display = ("report", "number", "submitted_at", "is_late", "decision", "pdf_rendered_at")
    list_filter = (PdfStateFilter,)
    list_select_related = ("report__unit",)
    search_fields = ("report__unit__name",)
    actions = ["rerender_pdf"]
    # The frozen figures are the PDF's data (codes and numbers): the PDF shows them to people.
    readonly_fields = [
        field.name for field in MonthlyReportVersion._meta.fields if field.name != "figures"
    ]
    exclude = ("figures",)

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).visible_to(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Render the PDF again"))
    def rerender_pdf(self, request: HttpRequest, queryset: Any) -> None:
        for version in queryset.select_related("report__unit"):
            services.monthly_report_rerender(actor=request.user, version=version)
        messages.success(request, _("The PDFs are being rendered again."))


@admin.register(MonthlyReportEvent)
class MonthlyReportEventAdmin(AuditedModelAdmin):
    list_display = ("report", "from_status_label", "to_status_label", "actor", "created_at")
    list_select_related = ("report__unit", "actor")
    readonly_fields = [
        {"from_status": "from_status_label", "to_status": "to_status_label"}.get(name, name)
        for name in (field.name for field in MonthlyReportEvent._meta.fields)
    ]

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).visible_to(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
