from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from safety.forms import MonthField, TextRulesMixin, offer_subdivision_filter

from .periods import UnitStatus


class NarrativeForm(TextRulesMixin, forms.Form):
    work_done = forms.CharField(
        label=_("Work done this month"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=10000,
        help_text=_("Inspections, education, drills, meetings: what the unit did for safety."),
    )
    problems_found = forms.CharField(
        label=_("Problems found"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=10000,
        help_text=_("Problems still open and what stands in the way of solving them."),
    )
    next_month_plans = forms.CharField(
        label=_("Plans for next month"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=10000,
    )


class ReviewForm(TextRulesMixin, forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("return", _("Return for changes"))]
    )
    comment = forms.CharField(
        label=_("Review comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        help_text=_("Required when returning: say what the unit should change."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Say what the unit should change."))
        return data


class ConsoleFilterForm(TextRulesMixin, forms.Form):
    county = forms.ModelChoiceField(
        label=_("County/district"),
        queryset=None,
        required=False,
        empty_label=_("Units reporting to us"),
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *UnitStatus.choices]
    )
    month = MonthField(label=_("Month"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A city picks a county, a province a city (#23).
        if offer_subdivision_filter(self, user):
            # One query for the choices, and validation against the same list (a
            # ModelChoiceField would fetch the chosen unit again: the console's ninth query).
            field = self.fields["county"]
            self._subdivisions = {unit.pk: unit for unit in field.queryset}
            self.fields["county"] = forms.TypedChoiceField(
                label=field.label,
                required=False,
                coerce=int,
                empty_value=None,
                choices=[
                    ("", field.empty_label),
                    *[(pk, str(unit)) for pk, unit in self._subdivisions.items()],
                ],
            )

    def clean_county(self) -> Any:
        """The chosen county (a province's: city) as a unit, from the choices' query."""
        chosen = self.cleaned_data.get("county")
        return self._subdivisions.get(chosen) if chosen else None
