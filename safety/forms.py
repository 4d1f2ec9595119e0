from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from .models import (
    Assignment,
    Certificate,
    Holder,
    Organisation,
    Post,
    SafetyArea,
    User,
    is_school_year,
)
from .selectors import account_order_key, counties_visible_to
from .uploads import UploadField


class _AccountChoiceIterator(ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        accounts = self.queryset.select_related("organisation")
        for account in sorted(accounts, key=account_order_key):
            yield self.choice(account)


class AccountChoiceField(forms.ModelChoiceField):
    """A select of accounts in `account_order_key` order. For bounded lists (the accounts of
    a unit or of the units above a school): the choices are sorted in Python."""

    iterator = _AccountChoiceIterator


class SchoolFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"placeholder": _("School name, code or address"), "type": "search"}
        ),
    )
    county = forms.ModelChoiceField(
        label=_("County/district"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("All counties"),
    )
    school_type = forms.ChoiceField(
        label=_("School type"),
        required=False,
        choices=[("", _("All types")), *Organisation.SchoolType.choices],
    )
    boarding = forms.ChoiceField(
        label=_("Boarding"),
        required=False,
        choices=[("", _("Boarding or not")), ("yes", _("Boarding")), ("no", _("Day school"))],
    )
    locality = forms.ChoiceField(
        label=_("Urban/rural"),
        required=False,
        choices=[("", _("Urban and rural")), *Organisation.Locality.choices],
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("active", _("Active")), ("inactive", _("Inactive")), ("all", _("All"))],
    )

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-control" if name == "q" else "form-select"
        counties = counties_visible_to(user)
        # A county official sees at most one county: the filter would offer nothing.
        if len(counties[:2]) > 1:
            self.fields["county"].queryset = counties
        else:
            del self.fields["county"]


# --- The responsibility system ---------------------------------------------------------------


def date_input() -> forms.DateInput:
    """A native date picker: its value must be ISO whatever the language's date format."""
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class CrispyMixin:
    """A crispy helper rendering the <form> tag with a submit button and the CSRF token."""

    submit_label = _("Save")

    def _init_helper(self) -> None:
        self.helper = FormHelper()
        self.helper.form_method = "post"
        self.helper.add_input(Submit("submit", self.submit_label, css_class="btn-primary btn-lg"))


class CoverageFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("School name or code"), "type": "search"}),
    )
    county = forms.ModelChoiceField(
        label=_("County/district"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("All counties"),
    )
    school_type = forms.ChoiceField(
        label=_("School type"),
        required=False,
        choices=[("", _("All types")), *Organisation.SchoolType.choices],
    )
    sort = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[("gaps", _("Most gaps first")), ("name", _("By name"))],
    )

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-control" if name == "q" else "form-select"
        counties = counties_visible_to(user)
        if len(counties[:2]) > 1:
            self.fields["county"].queryset = counties
        else:
            del self.fields["county"]


class HolderForm(CrispyMixin, forms.ModelForm):
    class Meta:
        model = Holder
        fields = ["name", "job_title", "phone", "user", "is_active"]
        field_classes = {"user": AccountChoiceField}

    def __init__(self, *args: Any, unit: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.unit = unit
        self.fields["user"].queryset = User.objects.filter(organisation=unit, is_active=True)
        self.fields["phone"].widget.input_type = "tel"
        self._init_helper()


class CertificateForm(CrispyMixin, forms.ModelForm):
    class Meta:
        model = Certificate
        fields = ["kind", "number", "expires_on"]
        widgets = {"expires_on": date_input()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._init_helper()


class NewHolderFieldsMixin(forms.Form):
    """Choose an existing holder of the unit, or type a new person's name."""

    new_holder_name = forms.CharField(
        label=_("…or a new person's name"),
        required=False,
        max_length=50,
        help_text=_("Leave empty when you chose a person above."),
    )
    new_holder_phone = forms.CharField(label=_("New person's phone"), required=False, max_length=30)
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


class AssignmentEndForm(CrispyMixin, forms.Form):
    submit_label = _("End the assignment")

    end_date = forms.DateField(label=_("End date"), widget=date_input())
    note = forms.CharField(label=_("Reason"), required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._init_helper()


class LetterSignForm(CrispyMixin, forms.Form):
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


class SchoolYearForm(forms.Form):
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


class ImportUploadForm(CrispyMixin, forms.Form):
    submit_label = _("Check the file")

    file = forms.FileField(
        label=_("File"),
        help_text=_("Excel (.xlsx) or CSV, in the layout of the template."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._init_helper()
