from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safety.forms import TextRulesMixin
from safety.models import SafetyArea
from safety.responsibility.models import Post
from safety.uploads import UploadField

from .models import LEC_C_VALUES, LEC_E_VALUES, LEC_L_VALUES, LS_SCALE, Level, Method


class PointForm(TextRulesMixin, forms.Form):
    """A risk point's grading. L×S takes likelihood and severity 1–5; LEC takes the
    published L, E and C values. The service computes the level and re-checks the scale."""

    name = forms.CharField(
        label=_("Place or activity"),
        max_length=100,
        help_text=_("e.g. chemistry laboratory, stairways at dismissal, canteen kitchen"),
    )
    area = forms.ModelChoiceField(
        label=_("Safety area"), queryset=SafetyArea.objects.filter(is_active=True)
    )
    danger = forms.CharField(label=_("What can go wrong"), widget=forms.Textarea(attrs={"rows": 2}))
    method = forms.ChoiceField(label=_("Method"), choices=Method.choices)
    likelihood = forms.DecimalField(
        label=_("Likelihood (L)"),
        max_digits=5,
        decimal_places=1,
        help_text=_("L×S: 1 (hardly ever) to 5 (often). LEC: 0.1, 0.2, 0.5, 1, 3, 6 or 10."),
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
    )
    exposure = forms.DecimalField(
        label=_("Exposure (E, LEC only)"),
        required=False,
        max_digits=5,
        decimal_places=1,
        help_text=_("0.5, 1, 2, 3, 6 or 10."),
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
    )
    severity = forms.DecimalField(
        label=_("Consequence (S or C)"),
        max_digits=5,
        decimal_places=1,
        help_text=_("L×S: 1 (slight) to 5 (deaths). LEC: 1, 3, 7, 15, 40 or 100."),
        widget=forms.NumberInput(attrs={"step": "1", "inputmode": "decimal"}),
    )
    control_measures = forms.CharField(
        label=_("Control measures"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for a red (major) point."),
    )
    post = forms.ModelChoiceField(
        label=_("Controlling post"),
        queryset=Post.objects.filter(unit_kind=Post.UnitKind.SCHOOL),
        help_text=_("The responsibility post that controls this point."),
    )

    def __init__(self, *args: Any, default_method: str = Method.LS, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound and "method" not in self.initial:
            self.initial["method"] = default_method

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        method = data.get("method")
        checks = {
            Method.LS: {
                "likelihood": [Decimal(v) for v in LS_SCALE],
                "severity": [Decimal(v) for v in LS_SCALE],
            },
            Method.LEC: {
                "likelihood": LEC_L_VALUES,
                "exposure": LEC_E_VALUES,
                "severity": LEC_C_VALUES,
            },
        }.get(method, {})
        for name, allowed in checks.items():
            value = data.get(name)
            if name not in self.errors and (value is None or value not in allowed):
                shown = "、".join(format(v.normalize(), "f") for v in allowed)
                self.add_error(name, _("Choose one of: %(values)s.") % {"values": shown})
        return data


class CheckForm(TextRulesMixin, forms.Form):
    controlled = forms.TypedChoiceField(
        label=_("Is it under control?"),
        choices=[("yes", _("Controlled")), ("no", _("Not controlled"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when not controlled: what did you find?"),
    )
    photos = UploadField(label=_("Photo"), max_files=3)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("controlled") is False and not (data.get("note") or "").strip():
            self.add_error("note", _("Say what is not under control."))
        return data


class PlaceForm(TextRulesMixin, forms.Form):
    """Where a point goes on the plan, as fractions of the image (the plan script fills
    these from a drag or a tap)."""

    point = forms.IntegerField(widget=forms.HiddenInput)
    x = forms.FloatField(widget=forms.HiddenInput)
    y = forms.FloatField(widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name in ("x", "y"):
            value = data.get(name)
            if value is not None and not 0 <= value <= 1:
                raise forms.ValidationError(_("The point must lie on the plan image."))
        return data


class PlanUploadForm(TextRulesMixin, forms.Form):
    image = UploadField(label=_("Campus plan image"), required=True, max_files=1)


class PointFilterForm(TextRulesMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=50)
    level = forms.ChoiceField(
        label=pgettext_lazy("risk", "Level"),
        required=False,
        choices=[("", _("All levels")), *Level.choices],
    )
    area = forms.ModelChoiceField(
        label=_("Safety area"),
        required=False,
        queryset=SafetyArea.objects.filter(is_active=True),
        empty_label=_("All areas"),
    )
    school = forms.CharField(label=_("School name or code"), required=False, max_length=50)


class AcknowledgeForm(TextRulesMixin, forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
