from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from inspections.models import Hazard
from safety.forms import (
    ShownChoicesMixin,
    ShownModelChoiceField,
    TextRulesMixin,
    date_input,
    offer_subdivision_filter,
)
from safety.models import Holder, Organisation, User
from safety.selectors import counties_visible_to
from safety.uploads import UploadField
from safety.validators import validate_phone

from .models import (
    AccountabilityAction,
    Category,
    ClosureItem,
    Incident,
    IncidentReport,
    Severity,
)

Kind = IncidentReport.Kind

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        elif isinstance(widget, forms.RadioSelect | forms.CheckboxInput):
            continue
        else:
            widget.attrs.setdefault("class", "form-control")


class IncidentReportForm(TextRulesMixin, forms.Form):
    """The report: the initial report asks only what is known in the first minutes; a
    follow-up adds to it; the written report completes it (every field required)."""

    category = forms.ChoiceField(
        label=_("Category"), choices=[("", "---------")] + Category.choices
    )
    severity = forms.ChoiceField(
        label=_("Severity level"),
        choices=[("", "---------")] + Severity.choices,
        help_text=_("“Larger” and above are sent to the city bureau at once as well."),
    )
    occurred_at = forms.DateTimeField(
        label=_("Occurred at"), widget=DATETIME_INPUT, help_text=_("Beijing time.")
    )
    place = forms.CharField(label=_("Place"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=200,
        help_text=_("One line, for example: 两名学生课间在楼梯摔倒受伤."),
    )
    deaths = forms.IntegerField(label=_("Deaths"), min_value=0, initial=0)
    injured = forms.IntegerField(label=_("Injured"), min_value=0, initial=0)
    missing = forms.IntegerField(label=_("Missing"), min_value=0, initial=0)
    pupils_involved = forms.IntegerField(
        label=_("Pupils involved"), min_value=0, initial=0, required=False
    )
    staff_involved = forms.IntegerField(
        label=_("Staff involved"), min_value=0, initial=0, required=False
    )
    what_happened = forms.CharField(
        label=_("What happened"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What is known now; say what is not yet known."),
    )
    measures_taken = forms.CharField(
        label=_("Immediate measures taken"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    reporter_name = forms.CharField(label=_("Reporter"), max_length=50)
    reporter_phone = forms.CharField(
        label=_("Reporter's phone"), max_length=30, validators=[validate_phone]
    )
    attachments = UploadField(label=_("Photos and documents"), kind="document")

    def __init__(self, *args: Any, kind: str = Kind.INITIAL, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind == Kind.WRITTEN:
            for name in ("measures_taken", "pupils_involved", "staff_involved"):
                self.fields[name].required = True
            self.fields["what_happened"].help_text = _(
                "The full account: course of events, causes as far as known, consequences."
            )
        _style(self)
        self.fields["reporter_phone"].widget.attrs.update({"type": "tel", "inputmode": "tel"})
        for name in ("deaths", "injured", "missing", "pupils_involved", "staff_involved"):
            self.fields[name].widget.attrs["inputmode"] = "numeric"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name in ("pupils_involved", "staff_involved"):
            if data.get(name) is None and name not in self.errors:
                data[name] = 0
        return data


class BureauRecordForm(IncidentReportForm):
    """A bureau records an incident it learned of another way and links it to the school."""

    school = forms.CharField(
        label=_("School"),
        max_length=100,
        help_text=_("The school's identification code or its full name."),
    )
    source_note = forms.CharField(
        label=_("How the bureau learned of it"),
        max_length=200,
        help_text=_("For example: informed by the county hospital."),
    )
    field_order = ["school", "source_note"]

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)
        self.order_fields(self.field_order)

    def clean_school(self) -> Organisation:
        value = self.cleaned_data["school"].strip()
        schools = Organisation.objects.visible_to(self.user).schools().filter(is_active=True)
        matches = list(schools.filter(Q(code=value) | Q(name=value))[:2])
        if len(matches) != 1:
            raise forms.ValidationError(
                _("No school of your jurisdiction has this code or name."),
            )
        return matches[0]


class ConcealForm(TextRulesMixin, forms.Form):
    reason = forms.CharField(
        label=_("Which facts were withheld"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class HazardChoiceField(ShownChoicesMixin, forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Hazard) -> str:
        return (
            f"{obj.area.name} · {obj.description[:40]} · {obj.get_status_display()}"
            f" · {obj.created_at:%Y-%m-%d}"
        )


class ClosureItemForm(TextRulesMixin, forms.Form):
    kind = forms.ChoiceField(choices=ClosureItem.Kind.choices, widget=forms.HiddenInput)
    text = forms.CharField(label=_("Details"), widget=forms.Textarea(attrs={"rows": 3}))
    people = forms.CharField(label=_("People"), max_length=200, required=False)
    held_on = forms.DateField(label=_("Date"), required=False, widget=date_input())
    attachments = UploadField(label=_("Evidence"), kind="document")

    LABELS = {
        ClosureItem.Kind.CAUSE: (_("The cause found"), None, False),
        ClosureItem.Kind.ACCOUNTABILITY: (
            _("The action taken"),
            _("Who was dealt with"),
            False,
        ),
        ClosureItem.Kind.RECTIFICATION: (_("The rectification in place"), None, False),
        ClosureItem.Kind.EDUCATION: (
            _("What was taught"),
            _("Who was educated, and by whom"),
            True,
        ),
    }

    def __init__(
        self, *args: Any, kind: str, hazards: QuerySet[Hazard] | None = None, **kwargs: Any
    ) -> None:
        kwargs.setdefault("prefix", kind)
        super().__init__(*args, initial={"kind": kind}, **kwargs)
        text_label, people_label, needs_date = self.LABELS[ClosureItem.Kind(kind)]
        self.fields["text"].label = text_label
        if people_label is None:
            del self.fields["people"]
        else:
            self.fields["people"].label = people_label
            self.fields["people"].required = True
        if needs_date:
            self.fields["held_on"].required = True
        else:
            del self.fields["held_on"]
        if kind != ClosureItem.Kind.RECTIFICATION:
            del self.fields["attachments"]
        elif hazards is not None:
            self.fields["hazards"] = HazardChoiceField(
                label=_("Linked hazards"),
                queryset=hazards,
                required=False,
                widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
                help_text=_(
                    "Hazards of the ledger that this rectification dealt with (the school's 50"
                    " most recent, open ones first)."
                ),
            )
        _style(self)


class CloseForm(TextRulesMixin, forms.Form):
    is_liability = forms.TypedChoiceField(
        label=_("Is this a liability incident (责任事故)?"),
        choices=[
            ("yes", _("Yes: the school is under the one-vote veto for the year")),
            ("no", _("No")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Conclusion"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class CommentForm(TextRulesMixin, forms.Form):
    comment = forms.CharField(label=_("Comment"), max_length=1000, required=False)


class IncidentFilterForm(TextRulesMixin, forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"placeholder": _("Summary, place or school"), "type": "search"}
        ),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *Incident.Status.choices],
    )
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("All categories")), *Category.choices]
    )
    severity = forms.ChoiceField(
        label=_("Severity level"),
        required=False,
        choices=[("", _("All levels")), *Severity.choices],
    )
    flag = forms.ChoiceField(
        label=_("Reporting"),
        required=False,
        choices=[
            ("", _("All")),
            ("on_time", _("On time")),
            ("late", _("Late (迟报)")),
            ("missed", _("Missed (漏报)")),
            ("concealed", _("Concealed (瞒报)")),
        ],
    )
    explanation = forms.ChoiceField(
        label=_("Explanation of a late report"),
        required=False,
        choices=[
            ("", _("All")),
            ("to_write", _("Waiting for the school")),
            ("to_decide", _("Waiting for the county")),
        ],
    )
    county = forms.ModelChoiceField(
        label=_("County/district"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("All counties"),
    )
    school = forms.ModelChoiceField(
        label=_("School"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.HiddenInput,
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=date_input())
    date_to = forms.DateField(label=_("To"), required=False, widget=date_input())
    # Set by the dashboard's "schools under veto" link: the incidents that put a school
    # under the one-vote veto in this year.
    veto = forms.IntegerField(
        label=_("One-vote veto year"),
        required=False,
        min_value=2000,
        max_value=2100,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A hidden filter set by links ("this school's incidents"), checked against scope.
        self.fields["school"].queryset = Organisation.objects.visible_to(user).schools()
        unit = user.unit
        if unit is not None and unit.kind == Organisation.Kind.PROVINCE:
            offer_subdivision_filter(self, user)  # #23: a province picks a city
        else:
            counties = counties_visible_to(user)
            if len(counties[:2]) > 1:
                self.fields["county"].queryset = counties
            else:
                del self.fields["county"]
        _style(self)


# --- accountability (责任追究, issue #19) -----------------------------------------------------


class HolderChoiceField(ShownChoicesMixin, forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        title = f" · {obj.job_title}" if obj.job_title else ""
        return f"{obj.name}（{obj.unit.name}{title}）"


class PersonDealtWithForm(TextRulesMixin, forms.Form):
    """A responsibility holder dealt with after the incident, with the action taken."""

    holder = HolderChoiceField(
        label=_("Person"),
        queryset=Holder.objects.none(),
        help_text=_("Responsibility holders of the school and of its bureau."),
    )
    action = ShownModelChoiceField(
        label=_("Action taken"), queryset=AccountabilityAction.objects.none()
    )
    dealt_on = forms.DateField(label=_("Decided on"), widget=date_input())
    note = forms.CharField(
        label=_("Note"),
        max_length=200,
        required=False,
        help_text=_("For example the number of the decision document."),
    )

    def __init__(
        self,
        *args: Any,
        holders: QuerySet[Holder],
        actions: QuerySet[AccountabilityAction],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("prefix", "dealt")
        super().__init__(*args, **kwargs)
        self.fields["holder"].queryset = holders
        self.fields["action"].queryset = actions
        _style(self)


class HonoursBarFilterForm(TextRulesMixin, forms.Form):
    """The year (and, for the city, the county) of the honours-bar list."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    county = forms.ModelChoiceField(
        label=_("County/district"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("All counties"),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_subdivision_filter(self, user)
        _style(self)


class LateExplanationForm(TextRulesMixin, forms.Form):
    """The school's written explanation of a late report (情况说明)."""

    text = forms.CharField(
        label=_("Why was the report late?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )
    document = UploadField(
        kind="document",
        max_files=1,
        label=_("Signed explanation (scan or photo)"),
        help_text=_("A PDF or a photo of the signed and stamped paper, up to 10 MB."),
    )

    def __init__(self, *args: Any, has_file: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "explanation")
        super().__init__(*args, **kwargs)
        self.fields["document"].required = not has_file
        if has_file:
            self.fields["document"].help_text = _(
                "Leave empty to keep the document already submitted."
            )
        _style(self)


class ExplanationDecisionForm(TextRulesMixin, forms.Form):
    """The county's decision on a submitted explanation."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept")), ("return", _("Return for revision"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
        help_text=_("Required when returning: what the school should revise."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "decision")
        super().__init__(*args, **kwargs)
        _style(self)
