from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Organisation, User
from .selectors import counties_visible_to


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
