"""Forms of safety education: they validate input; services save it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safety.forms import TextRulesMixin, date_input
from safety.uploads import UploadField
from safety.validators import validate_phone

from .models import EducationRecord, EducationSettings, LegalVicePrincipal, TermPlan, Topic

DATE = date_input()


class RecordForm(TextRulesMixin, forms.ModelForm):
    material = UploadField(
        kind="document",
        max_files=1,
        label=_("Photo or material"),
    )

    class Meta:
        model = EducationRecord
        fields = [
            "kind",
            "topic",
            "title",
            "held_on",
            "classes",
            "pupils",
            "hours",
            "teacher",
            "legal_vice_principal",
            "letters_sent",
            "receipts_returned",
            "notes",
        ]
        widgets = {"held_on": DATE, "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, school: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["held_on"].initial = timezone.localdate()
        vps = LegalVicePrincipal.objects.filter(school=school)
        self.fields["legal_vice_principal"].queryset = vps
        self.fields["legal_vice_principal"].required = False
        self.fields["legal_vice_principal"].help_text = _(
            "For a law lesson the legal vice-principal gave."
        )
        for name in ("pupils", "hours", "letters_sent", "receipts_returned"):
            self.fields[name].widget.attrs.update(inputmode="decimal", min=0)
        for name in ("pupils", "letters_sent", "receipts_returned"):
            self.fields[name].required = False

    def clean_held_on(self):
        day = self.cleaned_data["held_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name in ("pupils", "letters_sent", "receipts_returned"):
            if name in data and data[name] is None:
                data[name] = 0
        kind = data.get("kind")
        sent, returned = data.get("letters_sent") or 0, data.get("receipts_returned") or 0
        if returned > sent:
            self.add_error("receipts_returned", _("More receipts than letters sent."))
        if kind == EducationRecord.Kind.PARENT_LETTER and not sent:
            self.add_error("letters_sent", _("Enter the number of letters sent."))
        if kind in {EducationRecord.Kind.LESSON, EducationRecord.Kind.THEMED_WEEK}:
            if not data.get("classes"):
                self.add_error("classes", _("Name the classes or grades reached."))
            if not data.get("pupils"):
                self.add_error("pupils", _("Enter the number of pupils reached."))
        return data


class PlanForm(TextRulesMixin, forms.ModelForm):
    planned_topics = forms.MultipleChoiceField(
        label=_("Topics planned"),
        choices=Topic.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = TermPlan
        fields = ["classes", "planned_topics", "planned_hours", "activities"]
        widgets = {
            "classes": forms.Textarea(attrs={"rows": 6}),
            "activities": forms.Textarea(attrs={"rows": 4}),
        }

    def clean_classes(self):
        names = [line.strip() for line in self.cleaned_data["classes"].splitlines()]
        names = [name for name in names if name]
        if not names:
            raise forms.ValidationError(_("List at least one class or grade."))
        if len(names) > 300:
            raise forms.ValidationError(_("At most 300 classes."))
        if any(len(name) > 50 for name in names):
            raise forms.ValidationError(_("A class name has at most 50 characters."))
        return "\n".join(dict.fromkeys(names))


class LegalVicePrincipalForm(TextRulesMixin, forms.ModelForm):
    class Meta:
        model = LegalVicePrincipal
        fields = [
            "name",
            "organisation_kind",
            "organisation",
            "position",
            "phone",
            "starts_on",
            "ends_on",
        ]
        widgets = {"starts_on": DATE, "ends_on": DATE}

    def clean_phone(self):
        phone = self.cleaned_data.get("phone", "")
        if phone:
            validate_phone(phone)
        return phone

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The term of office ends before it starts."))
        return data


class SettingsForm(TextRulesMixin, forms.ModelForm):
    class Meta:
        model = EducationSettings
        fields = ["min_hours_per_pupil"]


class CoverageFilterForm(TextRulesMixin, forms.Form):
    term = forms.CharField(label=_("Term"), required=False, max_length=12)
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    gaps = forms.BooleanField(label=_("Gaps only"), required=False)
