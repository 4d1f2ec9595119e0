from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safety.forms import TextRulesMixin, date_input
from safety.models import Organisation, SafetyArea, User

from ..models import ChecklistTemplate
from .selectors import counties_below

BOARDING_CHOICES = [("", _("Boarding or not")), ("yes", _("Boarding")), ("no", _("Day school"))]


class TargetFieldsMixin:
    """County / school type / boarding: the targets of a campaign or a notice. A county
    official has no county to choose (the targets stay in the county)."""

    def _init_targets(self, user: User) -> None:
        counties = counties_below(user)
        if counties.exists():
            self.fields["county"].queryset = counties
        else:
            del self.fields["county"]

    def targets(self) -> dict[str, Any]:
        county = self.cleaned_data.get("county")
        return {
            "county": county.pk if county else None,
            "school_type": self.cleaned_data.get("school_type") or "",
            "boarding": self.cleaned_data.get("boarding") or "",
        }


def _deadline_not_past(value):
    if value and value < timezone.localdate():
        raise forms.ValidationError(_("The deadline cannot be before today."))
    return value


class CampaignForm(TextRulesMixin, TargetFieldsMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100)
    purpose = forms.CharField(
        label=_("Purpose and requirements"), widget=forms.Textarea(attrs={"rows": 4})
    )
    template = forms.ModelChoiceField(
        label=_("Checklist from the templates"),
        queryset=ChecklistTemplate.objects.filter(is_active=True, current_version__isnull=False),
        required=False,
        empty_label=_("(write the checklist below)"),
    )
    area = forms.ModelChoiceField(
        label=_("Safety area of a written checklist"),
        queryset=SafetyArea.objects.filter(is_active=True),
        required=False,
    )
    items = forms.CharField(
        label=_("Written checklist"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One check per line; used when no template is chosen."),
    )
    county = forms.ModelChoiceField(
        label=_("County/district"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Whole jurisdiction"),
    )
    school_type = forms.ChoiceField(
        label=_("School type"),
        required=False,
        choices=[("", _("All types")), *Organisation.SchoolType.choices],
    )
    boarding = forms.ChoiceField(label=_("Boarding"), required=False, choices=BOARDING_CHOICES)
    starts_on = forms.DateField(label=_("Start date"), widget=date_input())
    deadline = forms.DateField(label=_("Deadline"), widget=date_input())

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"starts_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self._init_targets(user)

    def clean_deadline(self):
        return _deadline_not_past(self.cleaned_data.get("deadline"))

    def item_lines(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("items", "").splitlines()]

    def clean(self):
        data = super().clean()
        if not data.get("template") and not any(self.item_lines()):
            self.add_error("items", _("A checklist needs at least one item."))
        if not data.get("template") and any(self.item_lines()) and not data.get("area"):
            self.add_error("area", _("Choose the safety area of the checklist."))
        starts, deadline = data.get("starts_on"), data.get("deadline")
        if starts and deadline and deadline < starts:
            self.add_error("deadline", _("The deadline cannot be before the start date."))
        return data


class ForwardForm(TextRulesMixin, forms.Form):
    deadline = forms.DateField(
        label=_("County deadline"),
        widget=date_input(),
        help_text=_("Your schools' deadline: not after the campaign's."),
    )
    note = forms.CharField(
        label=_("County's requirements"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_deadline(self):
        return _deadline_not_past(self.cleaned_data.get("deadline"))


class TaskReportForm(TextRulesMixin, forms.Form):
    report = forms.CharField(
        label=_("Short report"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=2000,
        help_text=_("What the school checked, what it found and what it did."),
    )


class BoardFilterForm(TextRulesMixin, forms.Form):
    county = forms.ModelChoiceField(
        label=_("County/district"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("All counties"),
    )
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args: Any, counties: list, status_labels: dict, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The counties of the board's table (already read): no query for the choices.
        self.fields["county"] = forms.TypedChoiceField(
            label=_("County/district"),
            required=False,
            coerce=int,
            choices=[("", _("All counties")), *((c.pk, c.name) for c in counties)],
        )
        self.fields["status"].choices = [("", _("All")), *status_labels.items()]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        return {
            "county": self.cleaned_data.get("county") or None,
            "status": self.cleaned_data["status"],
        }


STATUS_LABELS = {
    "not_started": _("Not started"),
    "in_progress": _("In progress"),
    "submitted": _("Submitted"),
    "late": _("Late"),
}
