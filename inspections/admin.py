"""Administrators edit checklists (each save publishes a new version) and per-bureau
rectification settings (scoped to their jurisdiction)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from safety.admin import AuditedModelAdmin
from safety.forms import TextRulesMixin
from safety.models import Organisation

from . import services
from .models import ChecklistTemplate, InspectionSettings


class ChecklistTemplateForm(TextRulesMixin, forms.ModelForm):
    items = forms.CharField(
        label=_("Checks"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "One check per line. Saving publishes a new version; inspections already "
            "filed keep the version they used."
        ),
    )

    class Meta:
        model = ChecklistTemplate
        fields = ("area", "name", "is_active")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        version = self.instance.current_version if self.instance.pk else None
        if version is not None:
            self.fields["items"].initial = "\n".join(i.text for i in version.items.all())


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(AuditedModelAdmin):
    form = ChecklistTemplateForm
    list_display = ("name", "area", "current_version", "is_active")
    list_filter = ("area", "is_active")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj.save()
        services.checklist_publish(
            actor=request.user, template=obj, items=form.cleaned_data["items"].splitlines()
        )


@admin.register(InspectionSettings)
class InspectionSettingsAdmin(AuditedModelAdmin):
    list_display = (
        "bureau",
        "general_deadline_days",
        "major_deadline_days",
        "deadline_unit",
        "escalation_days",
    )

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).visible_to(request.user)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "bureau":
            kwargs["queryset"] = Organisation.objects.visible_to(request.user).bureaus()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# #20 risk grading: its admin pages live in the feature package.
from .risks import admin as risks_admin  # noqa: E402, F401
