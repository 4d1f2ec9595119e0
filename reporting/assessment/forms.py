"""Forms of the year-end safe-campus assessment (issue #19). Rules that need the scheme or the
records (weights against the total, thresholds in order, reasons for adjustments) are the
services'; the views put their errors back on these forms."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safety.forms import TextRulesMixin
from safety.models import Organisation
from safety.uploads import UploadField

from . import catalogue
from .models import ON_SITE, IndicatorGroup, IndicatorScore

POINTS = {"max_digits": 6, "decimal_places": 1, "min_value": Decimal("0")}


def _year_choices() -> list[tuple[int, int]]:
    this = timezone.localdate().year
    return [(year, year) for year in range(this - 1, this + 2)]


class SchemeForm(TextRulesMixin, forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=_year_choices)
    title = forms.CharField(
        label=_("Title"), max_length=100, help_text=_("For example 2026年度平安校园创建考核.")
    )
    total_points = forms.DecimalField(label=_("Total points"), initial=100, **POINTS)
    excellent_from = forms.DecimalField(label=_("Excellent from"), initial=90, **POINTS)
    good_from = forms.DecimalField(label=_("Good from"), initial=80, **POINTS)
    pass_from = forms.DecimalField(
        label=_("Pass from"),
        initial=60,
        help_text=_("Below this a school fails. The thresholds must go strictly down."),
        **POINTS,
    )


class GroupForm(TextRulesMixin, forms.Form):
    prefix = "group"  # the indicator form on the same page has its own "name"

    name = forms.CharField(
        label=_("Group name"), max_length=60, help_text=_("For example 组织保障 or 日常管理.")
    )


def rule_choices() -> list[tuple[str, Any]]:
    return [(ON_SITE, _("Scored on site"))] + [
        (key, rule.label) for key, rule in catalogue.RULES.items()
    ]


class IndicatorForm(TextRulesMixin, forms.Form):
    group = forms.ModelChoiceField(label=_("Group"), queryset=IndicatorGroup.objects.none())
    name = forms.CharField(label=_("Indicator"), max_length=100)
    weight = forms.DecimalField(
        label=_("Weight (maximum points)"), help_text=_("Points, e.g. 10."), **POINTS
    )
    rule = forms.ChoiceField(
        label=_("How it is scored"),
        choices=rule_choices,
        help_text=_("A rule computed from the records (see the catalogue), or scored on site."),
    )
    target = forms.DecimalField(
        label=_("Target"),
        required=False,
        max_digits=8,
        decimal_places=1,
        help_text=_("Rules with a target: the value that earns the full weight (a % or a count)."),
    )
    deduction = forms.DecimalField(
        label=_("Points off per item"),
        required=False,
        help_text=_("Overdue hazards at year end: the points each one costs."),
        **POINTS,
    )
    guidance = forms.CharField(
        label=_("Scoring standard"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("On-site items: what earns the points and what evidence to upload."),
    )

    def __init__(self, *args: Any, scheme: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = IndicatorGroup.objects.filter(scheme=scheme)


def _points_field(score: IndicatorScore, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=score.indicator.name,
        required=False,
        max_value=score.indicator.weight,
        help_text=_("0 to %(max)s points.") % {"max": score.indicator.weight},
        **POINTS,
        **kwargs,
    )


class SelfAssessmentForm(TextRulesMixin, forms.Form):
    """Points, a note and evidence for each on-site item of the school's assessment."""

    def __init__(self, *args: Any, scores: list[IndicatorScore], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.on_site = [s for s in scores if s.indicator.is_on_site]
        for score in self.on_site:
            self.fields[f"points_{score.pk}"] = _points_field(score, initial=score.self_points)
            self.fields[f"note_{score.pk}"] = forms.CharField(
                label=_("Note"),
                required=False,
                max_length=2000,
                initial=score.self_note,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"evidence_{score.pk}"] = UploadField(kind="document", label=_("Evidence"))

    def rows(self) -> list[tuple[IndicatorScore, Any, Any, Any]]:
        return [
            (s, self[f"points_{s.pk}"], self[f"note_{s.pk}"], self[f"evidence_{s.pk}"])
            for s in self.on_site
        ]

    def entries(self) -> dict[int, tuple[Decimal | None, str]]:
        data = self.cleaned_data
        return {
            s.pk: (data.get(f"points_{s.pk}"), data.get(f"note_{s.pk}", "")) for s in self.on_site
        }

    def evidence(self) -> dict[int, list]:
        return {s.pk: self.cleaned_data.get(f"evidence_{s.pk}") or [] for s in self.on_site}


class CountyScoreForm(TextRulesMixin, forms.Form):
    """The county's points for every item; computed items start from the computed points and
    need a reason when changed."""

    def __init__(self, *args: Any, scores: list[IndicatorScore], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scores = scores
        for score in scores:
            if score.county_points is not None:
                initial = score.county_points
            elif score.indicator.is_on_site:
                initial = score.self_points
            else:
                initial = score.computed_points
            self.fields[f"points_{score.pk}"] = _points_field(score, initial=initial)
            self.fields[f"reason_{score.pk}"] = forms.CharField(
                label=_("Reason for the adjustment"),
                required=False,
                max_length=1000,
                initial=score.adjust_reason,
            )

    def rows(self) -> list[tuple[IndicatorScore, Any, Any]]:
        return [(s, self[f"points_{s.pk}"], self[f"reason_{s.pk}"]) for s in self.scores]

    def entries(self) -> dict[int, tuple[Decimal | None, str]]:
        data = self.cleaned_data
        return {
            s.pk: (data.get(f"points_{s.pk}"), data.get(f"reason_{s.pk}", "")) for s in self.scores
        }


class ReturnForm(TextRulesMixin, forms.Form):
    comment = forms.CharField(
        label=_("Reason for return"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Say what the county must change."),
    )


class ResultsFilterForm(TextRulesMixin, forms.Form):
    county = forms.ModelChoiceField(
        label=_("County/district"),
        required=False,
        queryset=Organisation.objects.none(),
        empty_label=_("All counties"),
    )

    def __init__(self, *args: Any, run: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = Organisation.objects.filter(
            pk__in=run.scorings.values("county_id")
        )
