from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safety.forms import TextRulesMixin, date_input
from safety.models import Organisation
from safety.selectors import counties_visible_to
from safety.uploads import UploadField

from . import rules, selectors
from .models import (
    Activity,
    ActivityApproval,
    ActivityKind,
    BusEscort,
    BusRoute,
    SchoolBus,
    SchoolBusDriver,
)

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
VEHICLE_ROWS = 3


def style(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        elif not isinstance(widget, forms.RadioSelect):
            widget.attrs.setdefault("class", "form-control")


class ApplicationForm(TextRulesMixin, forms.ModelForm):
    """The application: what, when, where, who, the safety plan and the transport."""

    plan_files = UploadField(
        kind="document",
        max_files=1,
        label=_("Safety plan document"),
        help_text=_("The signed safety plan as a PDF or a photo (optional)."),
    )

    class Meta:
        model = Activity
        fields = (
            "kind",
            "title",
            "starts_at",
            "ends_at",
            "place",
            "is_off_campus",
            "is_overnight",
            "is_outside_city",
            "pupils",
            "staff",
            "person_in_charge",
            "safety_officer",
            "safety_plan",
            "emergency_measures",
            "insurance",
            "consent_count",
            "transport",
            "operator_name",
            "operator_licence",
        )
        widgets = {
            "starts_at": DATETIME_INPUT,
            "ends_at": DATETIME_INPUT,
            "safety_plan": forms.Textarea(attrs={"rows": 4}),
            "emergency_measures": forms.Textarea(attrs={"rows": 3}),
            "transport": forms.RadioSelect,
        }
        help_texts = {
            "place": _("For an outing: the address or the site's name."),
            "is_outside_city": _("Crossing the city's boundary: the city bureau approves too."),
            "person_in_charge": _("From the school's people responsible (责任人)."),
            "insurance": _("The insurer and policy, e.g. 平安校园综合险 No. 123."),
            "consent_count": _("Signed consent slips collected from parents so far."),
        }

    def __init__(self, *args: Any, school: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        holders = selectors.holders_of(school)
        # #23: the two person fields list the same holders, read once (a ModelChoiceField
        # reads its queryset afresh each time it is rendered); the queryset still validates.
        choices = None
        for name in ("person_in_charge", "safety_officer"):
            self.fields[name].queryset = holders
            if choices is None:
                choices = list(iter(self.fields[name].choices))  # iter(): no COUNT first
            self.fields[name].choices = choices
        self.has_holders = any(value != "" for value, _label in choices)
        self.fields["kind"].choices = [("", "---------"), *ActivityKind.choices]
        self.fields["starts_at"].help_text = _("Beijing time.")
        style(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name, error in rules.time_errors(
            data.get("starts_at"), data.get("ends_at"), timezone.now()
        ).items():
            self.add_error(name, error)
        consent = rules.consent_error(data.get("pupils"), data.get("consent_count"))
        if consent:
            self.add_error("consent_count", consent)
        hired = data.get("transport") == Activity.Transport.HIRED
        for name in ("operator_name", "operator_licence"):
            if hired and not (data.get(name) or "").strip():
                self.add_error(name, _("Required for a hired operator."))
        return data


class VehicleForm(TextRulesMixin, forms.Form):
    """One vehicle: a bus of the school's register or a hired one, its driver (registered
    or named) and its passengers."""

    bus = forms.ModelChoiceField(
        label=_("School bus"), queryset=SchoolBus.objects.none(), required=False
    )
    plate = forms.CharField(label=_("Plate (hired vehicle)"), max_length=12, required=False)
    seats = forms.IntegerField(label=_("Seats"), min_value=1, max_value=99, required=False)
    driver = forms.ModelChoiceField(
        label=_("Registered driver"), queryset=SchoolBusDriver.objects.none(), required=False
    )
    driver_name = forms.CharField(label=_("Driver (hired)"), max_length=50, required=False)
    licence_class = forms.CharField(label=_("Licence class"), max_length=8, required=False)
    passengers = forms.IntegerField(
        label=_("Passengers"), min_value=1, max_value=99, required=False
    )

    def __init__(
        self,
        *args: Any,
        school: Any = None,
        day: datetime.date | None = None,
        choices: dict[str, list] | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.day = day or timezone.localdate()
        if school is not None:
            # Every bus in service is listed, an expired one marked, so choosing it is
            # refused with the reason rather than silently missing.
            self.fields["bus"].queryset = SchoolBus.objects.filter(school=school, is_active=True)
            self.fields["driver"].queryset = SchoolBusDriver.objects.filter(
                school=school, is_active=True
            )
            if choices is not None:  # a formset's rows read the two lists once, not per row
                for name in ("bus", "driver"):
                    if name not in choices:
                        # iter(): list() of the iterator itself would COUNT first (its len)
                        choices[name] = list(iter(self.fields[name].choices))
                    self.fields[name].choices = choices[name]
        style(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.has_changed():
            return data
        if data.get("bus") is None:
            for name in ("plate", "seats"):
                if not data.get(name):
                    self.add_error(name, _("Choose a school bus or enter the hired vehicle."))
        if data.get("driver") is None:
            for name in ("driver_name", "licence_class"):
                if not (data.get(name) or "").strip():
                    self.add_error(name, _("Choose a registered driver or enter the driver."))
        if not data.get("passengers"):
            self.add_error("passengers", _("How many people ride in this vehicle?"))
        return data

    def vehicle(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if data.get("bus") is not None:
            data["plate"], data["seats"] = data["bus"].plate, data["bus"].seats
        return data


class BaseVehicleFormSet(forms.BaseFormSet):
    def __init__(self, *args: Any, school: Any, **kwargs: Any) -> None:
        self.school = school
        self.row_choices: dict[str, list] = {}
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {"school": self.school, "choices": self.row_choices}

    def check_rules(self, starts_at: datetime.datetime | None) -> None:
        """The seats and the expired-bus rules, on each row's own field."""
        day = timezone.localdate(starts_at) if starts_at else timezone.localdate()
        for form in self.forms:
            if not form.has_changed() or form.errors:
                continue
            data = form.vehicle()
            block = rules.bus_block(data.get("bus"), day)
            if block:
                form.add_error("bus", block)
            block = rules.driver_block(data.get("driver"), day)
            if block:
                form.add_error("driver", block)
            over = rules.over_seats_error(data.get("plate"), data.get("seats"), data["passengers"])
            if over:
                form.add_error("passengers", over)

    def vehicles(self) -> list[dict[str, Any]]:
        if not self.is_bound:
            return []
        return [form.vehicle() for form in self.forms if form.has_changed()]


VehicleFormSet = forms.formset_factory(
    VehicleForm, formset=BaseVehicleFormSet, extra=VEHICLE_ROWS, max_num=10, absolute_max=10
)


def vehicle_initial(activity: Activity | None) -> list[dict[str, Any]]:
    if activity is None:
        return []
    return [
        {
            "bus": v.bus_id,
            "plate": "" if v.bus_id else v.plate,
            "seats": None if v.bus_id else v.seats,
            "driver": v.driver_id,
            "driver_name": "" if v.driver_id else v.driver_name,
            "licence_class": "" if v.driver_id else v.licence_class,
            "passengers": v.passengers,
        }
        for v in activity.vehicles.all()
    ]


class DecisionForm(TextRulesMixin, forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        help_text=_("Required when returning or rejecting: say what must change, or why."),
    )

    def __init__(self, *args: Any, decision: str = ActivityApproval.Decision.APPROVED, **kwargs):
        super().__init__(*args, **kwargs)
        self.decision = decision
        style(self)

    def clean_comment(self) -> str:
        comment = self.cleaned_data["comment"]
        if self.decision != ActivityApproval.Decision.APPROVED and not comment.strip():
            raise forms.ValidationError(_("Say why in the comment."))
        return comment


class SummaryForm(TextRulesMixin, forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=Activity.Outcome.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("Summary"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text=_("How it went, what changed and what to do better next time."),
    )
    incident = forms.ModelChoiceField(
        label=_("Incident report"),
        queryset=None,
        required=False,
        help_text=_("Link the incident report when something happened."),
    )

    def __init__(self, *args: Any, incidents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["incident"].queryset = incidents
        style(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("outcome") == Activity.Outcome.INCIDENTS and not data.get("incident"):
            self.add_error("incident", _("Link the incident report of what happened."))
        return data


def _sensible_date(value: datetime.date | None) -> None:
    if value is not None and not 2000 <= value.year <= 2100:
        raise forms.ValidationError(_("Choose a date between 2000 and 2100."))


class ListFilterForm(TextRulesMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=50)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *Activity.Status.choices],
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *ActivityKind.choices]
    )
    county = forms.ModelChoiceField(
        label=_("County/district"), queryset=None, required=False, empty_label=_("All counties")
    )
    mine = forms.BooleanField(label=_("Waiting for me"), required=False)
    # The dashboards' figures link here with the same conditions (selectors.figure_q).
    figure = forms.ChoiceField(
        required=False,
        widget=forms.HiddenInput,
        choices=[("", ""), *[(key, key) for key in selectors.FIGURE_KEYS]],
    )
    date_from = forms.DateField(
        required=False, widget=forms.HiddenInput, validators=[_sensible_date]
    )
    date_to = forms.DateField(required=False, widget=forms.HiddenInput, validators=[_sensible_date])

    # The users offered the county filter (the levels above a county).
    county_levels = ("city",)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties_visible_to(user)
        if user.unit is None or user.unit.kind not in self.county_levels:
            del self.fields["county"]
        else:
            field = self.fields["county"]
            field.choices = [("", field.empty_label), *[(c.pk, str(c)) for c in field.queryset]]
        style(self)


class CalendarForm(ListFilterForm):
    VIEWS = (
        ("week", pgettext_lazy("calendar view", "Week")),
        ("day", pgettext_lazy("calendar view", "Day")),
        ("list", pgettext_lazy("calendar view", "List")),
    )
    view = forms.ChoiceField(label=_("View"), required=False, choices=VIEWS)
    day = forms.DateField(
        label=_("Date"), required=False, widget=date_input(), validators=[_sensible_date]
    )
    # The schools directly under one bureau (a city's own schools): the summary's drill-down
    # for a row that is not a county (selectors.calendar_summary).
    parent = forms.ModelChoiceField(queryset=None, required=False, widget=forms.HiddenInput)
    county_levels = ("city", "province")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        for name in ("q", "status", "mine", "figure", "date_from", "date_to"):
            del self.fields[name]
        self.fields["parent"].queryset = Organisation.objects.visible_to(user).bureaus()
        style(self)


class BusForm(TextRulesMixin, forms.ModelForm):
    class Meta:
        model = SchoolBus
        fields = (
            "plate",
            "seats",
            "permit_number",
            "permit_expires",
            "inspection_expires",
            "insurance_expires",
            "is_active",
        )
        widgets = {
            "permit_expires": date_input(),
            "inspection_expires": date_input(),
            "insurance_expires": date_input(),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["seats"].validators.append(_seat_range)
        style(self)


def _seat_range(value: int) -> None:
    if not 1 <= value <= 99:
        raise forms.ValidationError(_("A school bus has between 1 and 99 seats."))


class DriverForm(TextRulesMixin, forms.ModelForm):
    class Meta:
        model = SchoolBusDriver
        fields = (
            "name",
            "phone",
            "licence_class",
            "licence_number",
            "licence_expires",
            "checked_on",
            "check_record",
            "is_active",
        )
        widgets = {
            "licence_expires": date_input(),
            "checked_on": date_input(),
            "check_record": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class EscortForm(TextRulesMixin, forms.ModelForm):
    class Meta:
        model = BusEscort
        fields = ("name", "phone", "is_active")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class RouteForm(TextRulesMixin, forms.ModelForm):
    class Meta:
        model = BusRoute
        fields = ("name", "bus", "driver", "escort", "stops", "pupils", "is_active")
        widgets = {"stops": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args: Any, school: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["bus"].queryset = SchoolBus.objects.filter(school=school)
        self.fields["driver"].queryset = SchoolBusDriver.objects.filter(school=school)
        self.fields["escort"].queryset = BusEscort.objects.filter(school=school)
        style(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        bus = data.get("bus")
        if bus is not None:
            over = rules.over_seats_error(bus.plate, bus.seats, data.get("pupils"))
            if over:
                self.add_error("pupils", over)
        return data


class RegisterFilterForm(TextRulesMixin, forms.Form):
    state = forms.ChoiceField(
        label=_("Documents"),
        required=False,
        choices=[("", _("All in service")), ("expired", _("Expired documents"))],
    )
    county = forms.ModelChoiceField(
        label=_("County/district"), queryset=None, required=False, empty_label=_("All counties")
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties_visible_to(user)
        if user.unit is None or user.unit.kind != "city":
            del self.fields["county"]
        style(self)
