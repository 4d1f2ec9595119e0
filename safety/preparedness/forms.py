"""Forms of emergency preparedness: they validate input; services save it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safety.forms import CrispyMixin, TextRulesMixin, date_input
from safety.models import Organisation, SafetyArea
from safety.selectors import counties_visible_to
from safety.uploads import UploadField

from . import selectors
from .models import Plan, Scenario, Team


class CoverageFilterForm(TextRulesMixin, forms.Form):
    """The coverage view's filters: search, county (the counties the user sees, read once:
    the view holds a query budget), school type and what to show."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("School name or code"), "type": "search"}),
    )
    county = forms.TypedChoiceField(label=_("County/district"), required=False, coerce=int)
    school_type = forms.ChoiceField(
        label=_("School type"),
        required=False,
        choices=[("", _("All types")), *Organisation.SchoolType.choices],
    )
    show = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("", _("All schools")),
            ("drills", _("Drills missing this period")),
            ("plans", _("Plans missing or due for review")),
        ],
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.counties = {county.pk: county for county in counties_visible_to(user)}
        if len(self.counties) > 1:
            self.fields["county"].choices = [
                ("", _("All counties")),
                *((pk, county.name) for pk, county in self.counties.items()),
            ]
        else:
            del self.fields["county"]
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-control" if name == "q" else "form-select"

    def clean_county(self) -> Organisation | None:
        value = self.cleaned_data.get("county")
        return self.counties.get(value) if value not in (None, "") else None


class PlanForm(TextRulesMixin, CrispyMixin, forms.Form):
    submit_label = _("Upload")

    scenario = forms.ModelChoiceField(label=_("Scenario"), queryset=Scenario.objects.none())
    title = forms.CharField(
        label=_("Title"), max_length=120, help_text=_("For example 某某小学消防安全应急预案.")
    )
    document = UploadField(
        kind="plan",
        max_files=1,
        required=True,
        label=_("Plan document"),
        help_text=_("A PDF or a Word document (.docx, no macros), up to 10 MB."),
    )
    next_review_on = forms.DateField(
        label=_("Next review"),
        required=False,
        widget=date_input(),
        help_text=_("Empty: one year from today."),
    )

    def __init__(self, *args: Any, unit: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scenario"].queryset = Scenario.objects.filter(
            pk__in=[s.pk for s in Scenario.objects.filter(is_active=True) if s.applies_to(unit)]
        )
        self._init_helper()

    def clean_next_review_on(self) -> Any:
        value = self.cleaned_data.get("next_review_on")
        if value is not None and value <= timezone.localdate():
            raise forms.ValidationError(_("The next review must be a date after today."))
        return value


class ReviewForm(TextRulesMixin, forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TeamMemberForm(TextRulesMixin, CrispyMixin, forms.Form):
    submit_label = _("Add to the team")

    holder = forms.ModelChoiceField(
        label=_("Person"),
        queryset=Organisation.objects.none(),
        help_text=_("The school's responsibility holders with a current post."),
    )
    is_leader = forms.BooleanField(label=_("Team leader"), required=False)
    duty = forms.CharField(label=_("Duty in the team"), max_length=100, required=False)

    def __init__(self, *args: Any, team: Team, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["holder"].queryset = selectors.team_holder_choices(team.unit)
        self.fields["holder"].label_from_instance = lambda holder: (
            f"{holder.name}（{holder.job_title or '—'}，{holder.phone or _('no phone')}）"
        )
        self._init_helper()


class DrillPlanForm(TextRulesMixin, CrispyMixin, forms.Form):
    submit_label = _("Plan the drill")

    scenario = forms.ModelChoiceField(label=_("Scenario"), queryset=Scenario.objects.none())
    plan = forms.ModelChoiceField(
        label=_("Plan exercised"), queryset=Plan.objects.none(), required=False
    )
    planned_on = forms.DateField(label=_("Date"), widget=date_input())
    announced = forms.BooleanField(
        label=_("Announced in advance"),
        required=False,
        initial=True,
        help_text=_("Untick for an unannounced drill."),
    )

    def __init__(self, *args: Any, unit: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scenario"].queryset = Scenario.objects.filter(is_active=True)
        self.fields["plan"].queryset = selectors.drill_plans(unit)
        self.fields["plan"].label_from_instance = lambda plan: (
            f"{plan.scenario.name} · {plan.title} v{plan.version}"
        )
        self._init_helper()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        plan, scenario = data.get("plan"), data.get("scenario")
        if plan is not None and scenario is not None and plan.scenario_id != scenario.pk:
            self.add_error("plan", _("Choose a plan of this school for this scenario."))
        return data


class DrillRecordForm(TextRulesMixin, CrispyMixin, forms.Form):
    submit_label = _("Save the drill record")

    held_on = forms.DateField(label=_("Date held"), widget=date_input())
    pupils = forms.IntegerField(label=_("Pupils taking part"), min_value=0)
    staff = forms.IntegerField(label=_("Staff taking part"), min_value=0)
    evacuation_seconds = forms.IntegerField(
        label=_("Evacuation time (seconds)"),
        required=False,
        help_text=_("From the signal until everyone is assembled."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    evaluation = forms.CharField(
        label=_("Evaluation"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    photos = UploadField(kind="image", label=_("Photos"))
    plan_needs_review = forms.BooleanField(
        label=_("The drill showed a flaw in the plan: flag the plan for review"), required=False
    )

    def __init__(self, *args: Any, target_seconds: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evacuation_seconds"].help_text = _(
            "From the signal until everyone is assembled. "
            "Target for this school: %(seconds)s seconds."
        ) % {"seconds": target_seconds}
        self._init_helper()


class DrillProblemForm(TextRulesMixin, forms.Form):
    description = forms.CharField(
        label=_("Problem seen"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    area = forms.ModelChoiceField(label=_("Safety area"), queryset=SafetyArea.objects.none())
    location = forms.CharField(label=_("Location"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = SafetyArea.objects.filter(is_active=True)
