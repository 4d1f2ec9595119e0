from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from safety.forms import (
    AccountChoiceField,
    TextRulesMixin,
    date_input,
    offer_subdivision_filter,
)
from safety.models import Organisation, SafetyArea
from safety.uploads import UploadField

from . import selectors
from .models import ChecklistItem, ChecklistTemplate, Hazard, ItemResult

DATE = date_input()


class LedgerFilterForm(TextRulesMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + Hazard.Status.choices
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    open = forms.BooleanField(label=_("Open only"), required=False)
    area = forms.ModelChoiceField(
        label=_("Safety area"),
        required=False,
        queryset=SafetyArea.objects.all(),
        empty_label=_("All areas"),
    )
    severity = forms.ChoiceField(
        label=_("Severity"), required=False, choices=[("", _("All"))] + Hazard.Severity.choices
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All"))] + Hazard.Kind.choices
    )
    source = forms.ChoiceField(
        label=_("Source"), required=False, choices=[("", _("All"))] + Hazard.Source.choices
    )
    county = forms.ModelChoiceField(
        label=_("County/district"),
        required=False,
        queryset=Organisation.objects.none(),
        empty_label=_("All counties"),
    )
    school = forms.CharField(
        label=_("School"),
        required=False,
        max_length=100,
        help_text=_("School name or code"),
    )
    date_from = forms.DateField(label=_("Reported from"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("Reported to"), required=False, widget=DATE)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            css = (
                "form-check-input"
                if isinstance(widget, forms.CheckboxInput)
                else ("form-select" if isinstance(widget, forms.Select) else "form-control")
            )
            widget.attrs["class"] = css
        # A city picks a county, a province a city (#23).
        offer_subdivision_filter(self, user)


class HazardReportForm(TextRulesMixin, forms.Form):
    area = forms.ModelChoiceField(label=_("Safety area"), queryset=SafetyArea.objects.all())
    location = forms.CharField(
        label=_("Location"),
        max_length=200,
        required=False,
        help_text=_("For example: teaching building, 2nd floor east"),
    )
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}))
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=Hazard.Kind.choices,
        widget=forms.RadioSelect,
        initial=Hazard.Kind.TANGIBLE,
    )
    severity = forms.ChoiceField(
        label=_("Severity"),
        choices=Hazard.Severity.choices,
        widget=forms.RadioSelect,
        initial=Hazard.Severity.GENERAL,
    )
    photos = UploadField(label=_("Photos"))


class FixOnSpotForm(TextRulesMixin, forms.Form):
    measure = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))
    photos = UploadField(label=_("Photo after the fix"), required=True)


class AssignForm(TextRulesMixin, forms.Form):
    owner = AccountChoiceField(label=_("Rectification owner"), queryset=None)
    supervisor = AccountChoiceField(label=_("Supervisor"), queryset=None)
    deadline = forms.DateField(
        label=_("Rectification deadline"),
        required=False,
        widget=DATE,
        help_text=_(
            "Leave empty for the bureau's default (e.g. general 7 days, major 30 days; "
            "working days when the bureau counts them so)."
        ),
    )
    interim_measures = forms.CharField(
        label=_("Interim control measures"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required for a major hazard while it is open (严防死守)."),
    )
    needs_professional_assessment = forms.BooleanField(
        label=_("Needs professional assessment"), required=False
    )

    def __init__(self, *args: Any, hazard: Hazard, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = selectors.assignable_people(hazard.school)
        self.fields["owner"].queryset = people.owners
        self.fields["supervisor"].queryset = people.supervisors
        if not self.is_bound:  # a blank form shows both lists from one read (#23)
            self.fields["owner"].shown, self.fields["supervisor"].shown = people.read_both()


class SubmitForm(TextRulesMixin, forms.Form):
    evidence = forms.CharField(
        label=_("Rectification done"), widget=forms.Textarea(attrs={"rows": 3})
    )
    photos = UploadField(label=_("Evidence photos"))


class VerifyForm(TextRulesMixin, forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReturnForm(TextRulesMixin, forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when returning: say what to change."),
    )


class DecisionForm(TextRulesMixin, forms.Form):
    """Grant or refuse an extension request."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[("accept", _("Accept")), ("return", _("Return"))],
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when returning: say what to change."),
    )


class ExtensionRequestForm(TextRulesMixin, forms.Form):
    until = forms.DateField(label=_("New deadline"), widget=DATE, required=False)
    # #20 working days: or ask for N more working days on the official calendar.
    working_days = forms.IntegerField(
        label=_("Or: working days more"),
        required=False,
        min_value=1,
        max_value=250,
        help_text=_("Counted from the current deadline on the official holiday calendar."),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("until") and not data.get("working_days") and not self.errors:
            raise forms.ValidationError(
                _("Give the new deadline, or the number of working days more.")
            )
        if data.get("until") and data.get("working_days"):
            raise forms.ValidationError(
                _("Give either the new deadline or the working days more, not both.")
            )
        return data


class ReopenForm(TextRulesMixin, forms.Form):
    reason = forms.CharField(
        label=_("What was found not fixed"), widget=forms.Textarea(attrs={"rows": 2})
    )


class InspectionStartForm(TextRulesMixin, forms.Form):
    template = forms.ModelChoiceField(
        label=_("Checklist"),
        queryset=ChecklistTemplate.objects.filter(
            is_active=True, current_version__isnull=False
        ).select_related("area"),
    )
    kind = forms.ChoiceField(label=_("Kind"))
    school_code = forms.CharField(
        label=_("School code"),
        required=False,
        max_length=20,
        help_text=_("The 10-digit school identification code."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["kind"].choices = selectors.kinds_for(user)
        if user.unit is not None and user.unit.is_school:
            del self.fields["school_code"]

    def clean_school_code(self) -> Organisation:
        code = self.cleaned_data.get("school_code", "").strip()
        school = Organisation.objects.visible_to(self.user).schools().filter(code=code).first()
        if school is None:
            raise forms.ValidationError(_("No school with this code in your jurisdiction."))
        return school


class InspectionForm(TextRulesMixin, forms.Form):
    """One row per checklist item: result, note, severity and photos (camera)."""

    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self, *args: Any, items: list[ChecklistItem], saved: dict | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        self.saved = saved or {}
        for item in items:
            self.fields[f"result_{item.pk}"] = forms.ChoiceField(
                label=item.text,
                required=False,
                widget=forms.RadioSelect,
                choices=ItemResult.Result.choices,
            )
            self.fields[f"note_{item.pk}"] = forms.CharField(
                label=_("Note"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 1}),
            )
            self.fields[f"severity_{item.pk}"] = forms.ChoiceField(
                label=_("Severity"),
                required=False,
                choices=Hazard.Severity.choices,
            )
            self.fields[f"photos_{item.pk}"] = UploadField(label=_("Photos"))

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "item": item,
                "result": self[f"result_{item.pk}"],
                "note": self[f"note_{item.pk}"],
                "severity": self[f"severity_{item.pk}"],
                "photos": self[f"photos_{item.pk}"],
                "saved": self.saved.get(item.pk),
            }
            for item in self.items
        ]

    def entered(self) -> tuple[dict[int, dict[str, str]], dict[int, list], str]:
        """What can be kept even if some files were rejected: every valid field."""
        data = getattr(self, "cleaned_data", {})
        results, photos = {}, {}
        for item in self.items:
            results[item.pk] = {
                "result": data.get(f"result_{item.pk}", self.data.get(f"result_{item.pk}", "")),
                "note": data.get(f"note_{item.pk}", self.data.get(f"note_{item.pk}", "")),
                "severity": data.get(f"severity_{item.pk}") or Hazard.Severity.GENERAL,
            }
            if results[item.pk]["result"] not in ItemResult.Result.values:
                results[item.pk]["result"] = ""
            if data.get(f"photos_{item.pk}"):
                photos[item.pk] = data[f"photos_{item.pk}"]
        summary = data.get("summary", self.data.get("summary", ""))
        return results, photos, summary


class SpotCheckDrawForm(TextRulesMixin, forms.Form):
    bureau = forms.ModelChoiceField(label=_("Jurisdiction"), queryset=Organisation.objects.none())
    school_type = forms.ChoiceField(
        label=_("School type"),
        required=False,
        choices=[("", _("All types"))] + Organisation.SchoolType.choices,
    )
    boarding = forms.ChoiceField(
        label=_("Boarding"),
        required=False,
        choices=[("", _("All")), ("yes", _("Boarding")), ("no", _("Day school"))],
    )
    locality = forms.ChoiceField(
        label=_("Urban/rural"),
        required=False,
        choices=[("", _("All"))] + Organisation.Locality.choices,
    )
    count = forms.IntegerField(label=_("Number of schools"), min_value=1, max_value=500, initial=5)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["bureau"].queryset = Organisation.objects.visible_to(user).bureaus()


class DrillProblemHazardForm(TextRulesMixin, forms.Form):
    """Emergency preparedness (issue #14): the severity of a hazard entered from a drill."""

    severity = forms.ChoiceField(
        label=_("Severity"), choices=Hazard.Severity.choices, initial=Hazard.Severity.GENERAL
    )
