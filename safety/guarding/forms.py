"""Forms of daily guarding: they validate what was typed (Chinese errors, input kept);
services save it."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safety.forms import (
    AccountChoiceField,
    CrispyMixin,
    PlainTextValidator,
    TextRulesMixin,
    date_input,
)
from safety.models import Organisation, User
from safety.uploads import UploadField
from safety.validators import validate_phone

from .models import (
    Absence,
    BoardingPupil,
    Checkpoint,
    CheckpointRecord,
    DutyLog,
    DutyRoster,
    GateDuty,
    GateEntry,
    HolidayPeriod,
    Room,
)

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
# Something that looks like a whole identity number (more than four letters or digits).
LONG_ID = re.compile(r"[0-9A-Za-z]{5,}")


def big_controls(form: forms.BaseForm) -> None:
    """Bootstrap's large controls on the forms laid out by hand (a gate, a corridor: thumbs
    on a phone)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, (forms.CheckboxInput, forms.RadioSelect)):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select form-select-lg")
        elif not isinstance(widget, forms.HiddenInput):
            widget.attrs.setdefault("class", "form-control form-control-lg")


class BigControlsMixin:
    """After TextRulesMixin in the bases of a form its template lays out by hand."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        big_controls(self)


def _datetime_field(label: str, **kwargs: Any) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label, widget=DATETIME_INPUT, input_formats=["%Y-%m-%dT%H:%M"], **kwargs
    )


class PeriodForm(TextRulesMixin, CrispyMixin, forms.ModelForm):
    class Meta:
        model = HolidayPeriod
        fields = ["holiday", "start_date", "end_date", "deadline"]
        widgets = {"start_date": date_input(), "end_date": date_input(), "deadline": date_input()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # #20 working days: an empty deadline is computed from the bureau's roster lead.
        self.fields["deadline"].required = False
        self.fields["deadline"].help_text = _(
            "Leave empty to use the bureau's setting (by default 3 working days before the "
            "first day, on the official holiday calendar)."
        )
        self._init_helper()


class RosterCreateForm(TextRulesMixin, BigControlsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=DutyRoster.Kind.choices)
    start_date = forms.DateField(
        label=_("First day of the week"), required=False, widget=date_input()
    )
    period = forms.ModelChoiceField(
        label=_("Holiday"), queryset=HolidayPeriod.objects.none(), required=False
    )

    def __init__(self, *args: Any, periods: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = periods


class ShiftForm(TextRulesMixin, BigControlsMixin, forms.Form):
    date = forms.DateField(label=_("Date"), widget=date_input())
    leader = AccountChoiceField(label=_("Leader on duty"), queryset=User.objects.none())
    leader_phone = forms.CharField(
        label=_("Leader's phone"),
        max_length=30,
        validators=[validate_phone],
        widget=forms.TextInput(attrs={"type": "tel"}),
    )
    staff_name = forms.CharField(label=_("Duty staff"), max_length=100)
    staff_phone = forms.CharField(
        label=_("Duty staff's phone"),
        max_length=30,
        validators=[validate_phone],
        widget=forms.TextInput(attrs={"type": "tel"}),
    )

    def __init__(self, *args: Any, unit: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        leader_roles = (
            [User.Role.SCHOOL_LEADER]
            if unit.is_school
            else [User.Role.BUREAU_OFFICIAL, User.Role.ADMINISTRATOR]
        )
        self.fields["leader"].queryset = User.objects.filter(
            unit=unit, role__in=leader_roles, is_active=True
        )


class ReviewForm(TextRulesMixin, BigControlsMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("acknowledge", pgettext_lazy("duty roster", "Acknowledge")),
            ("return", _("Return for changes")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class DutyLogForm(TextRulesMixin, CrispyMixin, forms.ModelForm):
    submit_label = _("Save the duty log")

    date = forms.DateField(label=_("Date"), widget=date_input())

    class Meta:
        model = DutyLog
        fields = ["date", "is_normal", "events", "visitors", "handover"]
        widgets = {
            "events": forms.Textarea(attrs={"rows": 3}),
            "visitors": forms.Textarea(attrs={"rows": 2}),
            "handover": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
        self._init_helper()


CHECKPOINT_KINDS = {label: value for value, label in Checkpoint.Kind.choices}


class RouteForm(TextRulesMixin, CrispyMixin, forms.Form):
    submit_label = _("Save the route")

    name = forms.CharField(label=_("Route name"), max_length=50, initial=_("Night patrol"))
    round_times = forms.CharField(
        label=_("Round times"),
        max_length=200,
        initial="22:00 00:30 03:00",
        help_text=_("Separate times with spaces, such as 22:00 00:30 03:00."),
    )
    checkpoints = forms.CharField(
        label=_("Checkpoints in order"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One checkpoint a line, such as 男生宿舍一楼 or 锅炉房."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._init_helper()

    def clean_round_times(self) -> list[str]:
        return [
            part for part in re.split(r"[\s,，、;；]+", self.cleaned_data["round_times"]) if part
        ]

    def clean_checkpoints(self) -> list[tuple[str, str]]:
        lines = [line.strip() for line in self.cleaned_data["checkpoints"].splitlines()]
        names = [line[:50] for line in lines if line]
        if len(set(names)) != len(names):
            raise forms.ValidationError(_("Each checkpoint may appear once."))
        return [(name, _guess_kind(name)) for name in names]


def _guess_kind(name: str) -> str:
    for word, kind in (
        ("宿舍", "dormitory"),
        ("食堂", "canteen"),
        ("锅炉", "boiler"),
        ("门", "gate"),
    ):
        if word in name:
            return kind
    return Checkpoint.Kind.OTHER


class CheckpointRecordForm(TextRulesMixin, forms.Form):
    checkpoint = forms.ModelChoiceField(
        queryset=Checkpoint.objects.none(), widget=forms.HiddenInput
    )
    result = forms.ChoiceField(
        label=_("Result"),
        choices=CheckpointRecord.Result.choices,
        widget=forms.RadioSelect,
        initial=CheckpointRecord.Result.NORMAL,
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)
    photo = UploadField(label=_("Photo"), kind="image", max_files=1, required=False)

    def __init__(self, *args: Any, route: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["checkpoint"].queryset = Checkpoint.objects.filter(route=route, is_active=True)


class GateEntryForm(TextRulesMixin, BigControlsMixin, forms.ModelForm):
    time_in = _datetime_field(_("Time in"))
    time_out = _datetime_field(_("Time out"), required=False)

    class Meta:
        model = GateEntry
        fields = [
            "kind",
            "name",
            "id_type",
            "id_last4",
            "phone",
            "purpose",
            "person_visited",
            "time_in",
            "time_out",
        ]
        widgets = {"phone": forms.TextInput(attrs={"type": "tel"})}
        labels = {"name": _("Full name")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_in"].initial = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
        # Take a longer value so that a whole number can be refused with a clear message
        # (and never stored): the model keeps four characters.
        # The browser stops at four characters; a longer value posted anyway is refused by
        # clean_id_last4 with its own message (the length validator would say less).
        field = self.fields["id_last4"]
        field.widget.attrs.update(autocomplete="off")
        field.validators = [
            validator for validator in field.validators if isinstance(validator, PlainTextValidator)
        ]

    def clean_id_last4(self) -> str:
        value = (self.cleaned_data.get("id_last4") or "").strip().upper()
        if LONG_ID.search(value) or len(value) > 4:
            # Never echo the full number back into the form.
            self.data = self.data.copy()
            self.data[self.add_prefix("id_last4")] = ""
            raise forms.ValidationError(
                _(
                    "Do not enter the whole document number: only its last four characters are "
                    "kept."
                ),
                code="full_id",
            )
        if value and not re.fullmatch(r"[0-9A-Z]{4}", value):
            raise forms.ValidationError(
                _("Enter only the last four characters of the document number.")
            )
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind, id_type = data.get("kind"), data.get("id_type")
        if (
            kind == GateEntry.Kind.VISITOR
            and id_type != GateEntry.IdType.NONE
            and not data.get("id_last4")
            and "id_last4" not in self.errors
        ):
            self.add_error("id_last4", _("Enter the last four characters of the document."))
        time_in, time_out = data.get("time_in"), data.get("time_out")
        if time_in and time_out and time_out < time_in:
            self.add_error("time_out", _("The time out cannot be before the time in."))
        if kind == GateEntry.Kind.VISITOR and not data.get("person_visited"):
            self.add_error("person_visited", _("Whom does the visitor come to see?"))
        return data


class GateSearchForm(TextRulesMixin, forms.Form):
    day = forms.DateField(label=_("Day"), required=False, widget=date_input())
    q = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"type": "search"}),
    )


class GateDutyForm(TextRulesMixin, CrispyMixin, forms.ModelForm):
    submit_label = _("Save gate duty")

    class Meta:
        model = GateDuty
        fields = ["date", "period", "start_time", "end_time", "staff_names", "with_police", "note"]
        widgets = {"date": date_input(), "start_time": TIME_INPUT, "end_time": TIME_INPUT}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
        self._init_helper()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("The end time must be after the start time."))
        return data

    def validate_unique(self) -> None:
        """One row per day and period: the service replaces it."""


class DormitoryForm(TextRulesMixin, BigControlsMixin, forms.Form):
    name = forms.CharField(label=_("Dormitory name"), max_length=50)


class RoomForm(TextRulesMixin, forms.Form):
    number = forms.CharField(label=_("Room"), max_length=20)
    beds = forms.IntegerField(label=_("Beds"), min_value=1, max_value=24, initial=8)


class PupilForm(TextRulesMixin, CrispyMixin, forms.ModelForm):
    submit_label = _("Save the pupil")

    class Meta:
        model = BoardingPupil
        fields = ["name", "class_name", "parent_phone", "room", "bed"]
        widgets = {"parent_phone": forms.TextInput(attrs={"type": "tel"})}

    def __init__(self, *args: Any, unit: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.unit = unit
        self.fields["room"].queryset = Room.objects.filter(dormitory__unit=unit).select_related(
            "dormitory"
        )
        self._init_helper()

    def validate_constraints(self, exclude: Any = None) -> None:
        """The free-bed rule is the service's (with its own message)."""


class PupilImportForm(TextRulesMixin, forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx") or upload.size > 2 * 1024 * 1024:
            raise forms.ValidationError(_("Upload an .xlsx file of at most 2 MB."))
        return upload


class LeaveRequestForm(TextRulesMixin, BigControlsMixin, forms.Form):
    pupil = forms.ModelChoiceField(label=_("Pupil"), queryset=BoardingPupil.objects.none())
    reason = forms.CharField(label=_("Reason"), max_length=200)
    leaves_at = _datetime_field(_("Leaves at"))
    returns_by = _datetime_field(_("Back by"))

    def __init__(self, *args: Any, unit: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["pupil"]
        field.queryset = BoardingPupil.objects.filter(unit=unit, is_active=True)
        # The choices are read once (the page records how many names it showed); the
        # queryset still validates the posted pupil.
        pupils = list(field.queryset)
        self.pupil_count = len(pupils)
        field.choices = [("", field.empty_label)] + [
            (pupil.pk, f"{pupil.class_name} {pupil.name}") for pupil in pupils
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        out, back = data.get("leaves_at"), data.get("returns_by")
        if out and back and back <= out:
            self.add_error("returns_by", _("The return time must be after the departure time."))
        return data


class LeaveDecisionForm(TextRulesMixin, forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, max_length=300)


class RollCallForm(TextRulesMixin, forms.Form):
    """One select per pupil of the room: present, or absent and why."""

    PRESENT = "present"

    def __init__(self, *args: Any, pupils: list[BoardingPupil], away: set[int], **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices = [(self.PRESENT, _("Present")), *Absence.Reason.choices]
        for pupil in pupils:
            field = forms.ChoiceField(label=f"{pupil.bed}号床 {pupil.name}", choices=choices)
            field.initial = Absence.Reason.LEAVE if pupil.pk in away else self.PRESENT
            self.fields[f"pupil_{pupil.pk}"] = field

    def absences(self) -> dict[int, str]:
        return {
            int(name.removeprefix("pupil_")): value
            for name, value in self.cleaned_data.items()
            if value != self.PRESENT
        }


class FollowUpForm(TextRulesMixin, forms.Form):
    parent_contacted = forms.BooleanField(label=_("Parent contacted"), required=False)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", "——"), *Absence.Outcome.choices])
    note = forms.CharField(label=_("Note"), required=False, max_length=300)
