from __future__ import annotations

import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from .converters import FIRST_MONTH, LAST_MONTH, parse_month
from .models import Organisation, User
from .selectors import counties_visible_to


class MonthField(forms.CharField):
    """A month written "YYYY-MM" (the browser's month input), cleaned to the date of its first
    day; a month outside the months SafeCampus keeps (safety/converters.py) is a form error."""

    widget = forms.TextInput(attrs={"type": "month"})

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.widget.attrs.update(min=f"{FIRST_MONTH:%Y-%m}", max=f"{LAST_MONTH:%Y-%m}")

    def to_python(self, value: object) -> datetime.date | None:
        text = super().to_python(value)
        if not text:
            return None
        month = parse_month(text)
        if month is None:
            raise forms.ValidationError(
                _("Choose a month between %(first)s and %(last)s, such as 2026-11."),
                params={"first": f"{FIRST_MONTH:%Y-%m}", "last": f"{LAST_MONTH:%Y-%m}"},
            )
        return month


class SchoolFilterBase(forms.Form):
    """The filter bar of a list of schools: a search field `q` (declared by each form, with
    its own placeholder), the county and the school type. The county choices are limited to
    the counties the user sees, and dropped when there is at most one (nothing to offer)."""

    field_order = ["q", "county", "school_type"]  # then each form's own fields

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

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-control" if name == "q" else "form-select"
        counties = counties_visible_to(user)
        if len(counties[:2]) > 1:
            self.fields["county"].queryset = counties
        else:
            del self.fields["county"]


class SchoolFilterForm(SchoolFilterBase):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"placeholder": _("School name, code or address"), "type": "search"}
        ),
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
