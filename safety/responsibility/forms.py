"""Forms of the responsibility system: they validate input; services save it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from safety.forms import (
    AccountChoiceField,
    CrispyMixin,
    SchoolFilterBase,
    TextRulesMixin,
    date_input,
)
from safety.models import Organisation, SafetyArea, User, is_school_year
from safety.uploads import UploadField
from safety.validators import validate_phone

from .models import Assignment, Certificate, Holder, Post


class CoverageFilterForm(SchoolFilterBase):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("School name or code"), "type": "search"}),
    )
    sort = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[("gaps", _("Most gaps first")), ("name", _("By name"))],
    )


class HolderForm(TextRulesMixin, CrispyMixin, forms.ModelForm):
    class Meta:
        model = Holder
        fields = ["name", "job_title", "phone", "user", "is_active"]
        field_classes = {"user": AccountChoiceField}

    def __init__(self, *args: Any, unit: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.unit = unit
        self.fields["user"].queryset = User.objects.filter(unit=unit, is_active=True)
        self.fields["phone"].widget.input_type = "tel"
        self._init_helper()


class CertificateForm(TextRulesMixin, CrispyMixin, forms.ModelForm):
    class Meta:
        model = Certificate
        fields = ["kind", "number", "expires_on"]
        widgets = {"expires_on": date_input()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._init_helper()


class NewHolderFieldsMixin(TextRulesMixin, forms.Form):
    """Choose an existing holder of the unit, or type a new person's name."""

    new_holder_name = forms.CharField(
        label=_("…or a new person's name"),
        required=False,
        max_length=50,
        help_text=_("Leave empty when you chose a person above."),
    )
    new_holder_phone = forms.CharField(
        label=_("New person's phone"), required=False, max_length=30, validators=[validate_phone]
    )
    new_holder_title = forms.CharField(
        label=_("New person's job title"), required=False, max_length=50
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        chosen = data.get(self.holder_field)
        name = (data.get("new_holder_name") or "").strip()
        if chosen and name:
            raise ValidationError(_("Choose a person or type a new name, not both."))
        if not chosen and not name:
            self.add_error(self.holder_field, _("Choose a person or type a new name."))
        return data


class AssignmentForm(CrispyMixin, NewHolderFieldsMixin):
    holder_field = "holder"
    submit_label = _("Assign")

    post = forms.ModelChoiceField(label=_("Post"), queryset=Post.objects.none())
    holder = forms.ModelChoiceField(
        label=_("Holder"), queryset=Holder.objects.none(), required=False
    )
    areas = forms.ModelMultipleChoiceField(
        label=_("Safety areas"),
        queryset=SafetyArea.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked to use the post's default areas."),
    )
    start_date = forms.DateField(label=_("Start date"), widget=date_input())
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    field_order = [
        "post",
        "holder",
        "new_holder_name",
        "new_holder_phone",
        "new_holder_title",
        "areas",
        "start_date",
        "note",
    ]

    def __init__(self, *args: Any, unit: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = Post.UnitKind.SCHOOL if unit.is_school else Post.UnitKind.BUREAU
        posts = [
            p.pk for p in Post.objects.filter(unit_kind=kind, is_active=True) if p.applies_to(unit)
        ]
        self.fields["post"].queryset = Post.objects.filter(pk__in=posts)
        self.fields["holder"].queryset = Holder.objects.filter(unit=unit, is_active=True)
        self._init_helper()


class HandoverForm(CrispyMixin, NewHolderFieldsMixin):
    holder_field = "new_holder"
    submit_label = _("Hand over")

    new_holder = forms.ModelChoiceField(
        label=_("Hand over to"), queryset=Holder.objects.none(), required=False
    )
    on = forms.DateField(
        label=_("Handover date"),
        widget=date_input(),
        help_text=_("The old assignment ends and the new one starts on this day."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=200)
    field_order = ["new_holder", "new_holder_name", "new_holder_phone", "new_holder_title", "on"]

    def __init__(self, *args: Any, assignment: Assignment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_holder"].queryset = Holder.objects.filter(
            unit=assignment.unit_id, is_active=True
        ).exclude(pk=assignment.holder_id)
        self._init_helper()


class AssignmentEndForm(TextRulesMixin, CrispyMixin, forms.Form):
    submit_label = _("End the assignment")

    end_date = forms.DateField(label=_("End date"), widget=date_input())
    note = forms.CharField(label=_("Reason"), required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._init_helper()


class LetterSignForm(TextRulesMixin, CrispyMixin, forms.Form):
    submit_label = _("Record the signature")

    signed_on = forms.DateField(label=_("Signed on"), widget=date_input())
    scan = UploadField(
        kind="document",
        max_files=1,
        required=True,
        label=_("Signed letter (scan or photo)"),
        help_text=_("A PDF or a photo of the signed paper, up to 10 MB."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._init_helper()


class SchoolYearForm(TextRulesMixin, forms.Form):
    school_year = forms.CharField(
        label=_("School year"),
        max_length=9,
        widget=forms.TextInput(attrs={"class": "form-control", "pattern": r"\d{4}-\d{4}"}),
    )

    def clean_school_year(self) -> str:
        value = self.cleaned_data["school_year"].strip()
        if not is_school_year(value):
            raise ValidationError(_("Write the school year like 2026-2027."))
        return value


class ImportUploadForm(TextRulesMixin, CrispyMixin, forms.Form):
    submit_label = _("Check the file")

    file = forms.FileField(
        label=_("File"),
        help_text=_("Excel (.xlsx) or CSV, in the layout of the template."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._init_helper()
