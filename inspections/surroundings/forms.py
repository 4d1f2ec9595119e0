"""Forms of the surroundings ledger, joint meetings and public reports."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safety.forms import TextRulesMixin, date_input
from safety.models import Organisation, SafetyArea
from safety.uploads import UploadField
from safety.validators import validate_phone

from ..models import Hazard
from .models import Department, JointMeeting, PublicReport, SurroundingsSpot

DATE = date_input()
PUBLIC_TEXT_MAX = 1000
# Anything that looks like markup is refused outright (nothing typed is echoed as HTML anyway).
MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!?]")


class SpotFilterForm(TextRulesMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All"))] + SurroundingsSpot.Status.choices,
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All"))] + SurroundingsSpot.Kind.choices
    )
    department = forms.ChoiceField(
        label=_("Department"), required=False, choices=[("", _("All"))] + Department.choices
    )
    found_by = forms.ChoiceField(
        label=_("Found by"),
        required=False,
        choices=[("", _("All"))] + SurroundingsSpot.FoundBy.choices,
    )
    open = forms.BooleanField(label=_("Open spots only"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs["class"] = "form-check-input"
            elif isinstance(widget, forms.Select):
                widget.attrs["class"] = "form-select"
            else:
                widget.attrs["class"] = "form-control"


class SpotForm(TextRulesMixin, forms.ModelForm):
    school = forms.ModelChoiceField(
        label=_("School"), queryset=Organisation.objects.none(), empty_label=None
    )
    photos = UploadField(kind="image", max_files=1, label=_("Photo"))

    class Meta:
        model = SurroundingsSpot
        fields = ["school", "kind", "place", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        labels = {"description": _("What the problem is")}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        schools = Organisation.objects.visible_to(user).schools().filter(is_active=True)
        self.fields["school"].queryset = schools
        if user.unit is not None and user.unit.is_school:
            self.fields["school"].initial = user.unit.pk
            self.fields["school"].widget = forms.HiddenInput()


class ReferForm(TextRulesMixin, forms.Form):
    department = forms.ChoiceField(label=_("Department responsible"), choices=Department.choices)
    request_text = forms.CharField(
        label=_("What is asked of it"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
    )


class AnswerForm(TextRulesMixin, forms.Form):
    answer_text = forms.CharField(
        label=_("Answer"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )
    resolved = forms.BooleanField(label=_("Resolved: close the spot"), required=False)


class CloseForm(TextRulesMixin, forms.Form):
    outcome = forms.ChoiceField(
        label=pgettext_lazy("public report", "Outcome"),
        choices=[("resolved", _("Resolved")), ("unresolved", _("Unresolved"))],
    )
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), max_length=500
    )


class MeetingForm(TextRulesMixin, forms.ModelForm):
    departments = forms.MultipleChoiceField(
        label=_("Departments attending"),
        choices=Department.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    spots = forms.ModelMultipleChoiceField(
        label=_("Spots discussed"),
        queryset=SurroundingsSpot.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    decisions = forms.CharField(
        label=_("Decisions"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One decision per line: what | owner | deadline (YYYY-MM-DD), e.g. "
            "取缔校门口流动摊贩 | 城关派出所 | 2026-12-31."
        ),
    )
    minutes_file = UploadField(kind="document", max_files=1, label=_("Minutes"))

    class Meta:
        model = JointMeeting
        fields = ["title", "held_on", "departments", "attendees", "spots"]
        widgets = {"held_on": DATE, "attendees": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["spots"].queryset = (
            SurroundingsSpot.objects.visible_to(user).open().select_related("school")
        )
        self.fields["held_on"].initial = timezone.localdate()

    def clean_decisions(self) -> list[dict[str, Any]]:
        rows = []
        for number, line in enumerate(self.cleaned_data["decisions"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.replace("｜", "|").split("|")]
            day = forms.DateField().to_python(parts[2]) if len(parts) == 3 else None
            if len(parts) != 3 or not parts[0] or not parts[1] or day is None:
                raise forms.ValidationError(
                    _("Line %(line)s: write what | owner | deadline (YYYY-MM-DD)."),
                    params={"line": number},
                )
            if len(parts[0]) > 300 or len(parts[1]) > 100:
                raise forms.ValidationError(
                    _("Line %(line)s is too long."), params={"line": number}
                )
            rows.append({"text": parts[0], "owner": parts[1], "due_on": day})
        return rows


class AcceptForm(TextRulesMixin, forms.Form):
    as_kind = forms.ChoiceField(
        label=_("Accept as"),
        choices=[("hazard", _("A hazard")), ("spot", _("A surroundings spot"))],
    )
    area = forms.ModelChoiceField(
        label=_("Safety area (hazard)"),
        queryset=SafetyArea.objects.filter(is_active=True),
        required=False,
    )
    severity = forms.ChoiceField(
        label=_("Severity (hazard)"), choices=Hazard.Severity.choices, required=False
    )
    spot_kind = forms.ChoiceField(
        label=_("Kind (spot)"),
        choices=[("", "---------")] + SurroundingsSpot.Kind.choices,
        required=False,
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("as_kind") == "hazard" and not data.get("area"):
            self.add_error("area", _("Choose the safety area."))
        if data.get("as_kind") == "spot":
            if not data.get("spot_kind"):
                self.add_error("spot_kind", _("Choose the kind of spot."))
            if not data.get("place"):
                self.add_error("place", _("Enter the place."))
        return data


class DismissForm(TextRulesMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for dismissal"), widget=forms.Textarea(attrs={"rows": 2}), max_length=500
    )


class PublicReportForm(TextRulesMixin, forms.Form):
    """The public form (no login). `website` is a honeypot: people never see it, robots fill it."""

    category = forms.ChoiceField(
        label=_("What is it about?"),
        choices=PublicReport.Category.choices,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("What did you see, and where?"),
        max_length=PUBLIC_TEXT_MAX,
        min_length=5,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    photo = UploadField(kind="image", max_files=1, label=_("Photo (optional)"))
    phone = forms.CharField(
        label=_("Phone for a call-back (optional)"),
        max_length=20,
        required=False,
        validators=[validate_phone],
    )
    website = forms.CharField(label=_("Leave this empty"), required=False, max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["website"].widget.attrs.update(
            tabindex="-1", autocomplete="off", **{"class": "form-control"}
        )
        self.fields["phone"].widget.attrs.update(inputmode="tel", autocomplete="tel")

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if MARKUP.search(text):
            raise forms.ValidationError(_("Write plain text without HTML tags."))
        return text

    def clean_phone(self) -> str:
        return self.cleaned_data.get("phone", "").strip()

    @property
    def is_robot(self) -> bool:
        return bool(self.data.get("website"))
