from __future__ import annotations

import datetime
import re
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.forms.models import ModelChoiceIterator
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .converters import FIRST_MONTH, LAST_MONTH, parse_month
from .models import Organisation, User
from .selectors import account_order_key, cities_visible_to, counties_visible_to

# NUL and the other C0 controls and DEL; a multi-line text keeps its line breaks and tabs.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
SINGLE_LINE_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
# A text field with no limit of its own (a model TextField, a free comment).
TEXT_MAX_LENGTH = 2000


def control_character_error(label: str) -> str:
    """The message for text holding a control character, naming the field."""
    return gettext("“%(field)s” contains a control character (such as NUL): remove it.") % {
        "field": label
    }


@deconstructible
class PlainTextValidator:
    """Refuses NUL and other control characters (PostgreSQL cannot store NUL in text; the
    others are invisible and break exports); tabs and line breaks only in multi-line text."""

    def __init__(self, label: str, *, multiline: bool) -> None:
        self.label, self.multiline = label, multiline

    def __call__(self, value: object) -> None:
        pattern = CONTROL_CHARACTERS if self.multiline else SINGLE_LINE_CONTROL_CHARACTERS
        if pattern.search(str(value)):
            raise ValidationError(control_character_error(str(self.label)), code="control")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PlainTextValidator) and (self.label, self.multiline) == (
            other.label,
            other.multiline,
        )


def apply_text_rules(form: forms.BaseForm) -> None:
    """Every text field of `form` states its limit (the `maxlength` attribute and a hint),
    enforces it (TEXT_MAX_LENGTH when it had none) and refuses control characters."""
    for field in form.fields.values():
        if not isinstance(field, forms.CharField):
            continue
        if field.max_length is None:
            field.max_length = TEXT_MAX_LENGTH
            field.validators.append(MaxLengthValidator(TEXT_MAX_LENGTH))
        field.widget.attrs.update(field.widget_attrs(field.widget))
        if not field.widget.is_hidden and not isinstance(field.widget, forms.PasswordInput):
            hint = gettext("At most %(count)s characters.") % {"count": field.max_length}
            field.help_text = f"{field.help_text} {hint}" if field.help_text else hint
        multiline = isinstance(field.widget, forms.Textarea)
        field.validators.append(PlainTextValidator(field.label or "", multiline=multiline))


class TextRulesMixin:
    """Put first in the bases of every product form (tests/safety/test_form_text.py walks
    them): `apply_text_rules` on its fields, dynamic ones included."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        apply_text_rules(self)


class MonthField(forms.Field):
    """A month written "YYYY-MM" (the browser's month input), cleaned to the date of its first
    day; a month outside the months SafeCampus keeps (safety/converters.py) is a form error.
    Not a CharField: its value is a date, so the text rules (length, control characters) do
    not apply; anything that is not a month is refused."""

    widget = forms.TextInput(attrs={"type": "month"})

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.widget.attrs.update(min=f"{FIRST_MONTH:%Y-%m}", max=f"{LAST_MONTH:%Y-%m}")

    def to_python(self, value: object) -> datetime.date | None:
        text = str(value).strip() if value not in self.empty_values else ""
        if not text:
            return None
        month = parse_month(text[:20])
        if month is None:
            raise forms.ValidationError(
                _("Choose a month between %(first)s and %(last)s, such as 2026-11."),
                params={"first": f"{FIRST_MONTH:%Y-%m}", "last": f"{LAST_MONTH:%Y-%m}"},
            )
        return month


def offer_subdivision_filter(form: forms.Form, user: Any, name: str = "county") -> bool:
    """Keep the filter `name` one level below the user's bureau, or remove it.

    A city official picks one of its counties; a province official (#23) picks one of its
    cities with the same field (label "City"): every list filters it by the unit's path, so
    a city narrows to everything below it. Other users lose the field. Returns whether the
    field was kept; one query when the form's choices are drawn.
    """
    unit = getattr(user, "unit", None)
    kind = unit.kind if unit is not None else ""
    field = form.fields[name]
    if kind == Organisation.Kind.CITY:
        field.queryset = counties_visible_to(user)
    elif kind == Organisation.Kind.PROVINCE:
        field.queryset = cities_visible_to(user)
        field.label, field.empty_label = _("City"), _("All cities")
    else:
        del form.fields[name]
        return False
    return True


class SchoolFilterBase(TextRulesMixin, forms.Form):
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


class ShownChoiceIterator(ModelChoiceIterator):
    """The choices of a `ShownChoicesMixin` field: from its `shown` list when set, else
    from its queryset."""

    def __iter__(self):
        if self.field.shown is None:
            yield from super().__iter__()
            return
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.field.shown:
            yield self.choice(obj)

    def __len__(self) -> int:
        if self.field.shown is None:
            return super().__len__()
        return len(self.field.shown) + (self.field.empty_label is not None)

    def __bool__(self) -> bool:
        if self.field.shown is None:
            return super().__bool__()
        return self.field.empty_label is not None or bool(self.field.shown)


class ShownChoicesMixin:
    """A model choice field that may show a list already read (#23: a page reads its forms'
    choice lists together, `safety.onerow.read_together`): `shown`, when set, holds the
    queryset's records, in order, with what their labels need; a submitted value is still
    validated against the queryset."""

    iterator = ShownChoiceIterator
    shown: list[Any] | None = None


class ShownModelChoiceField(ShownChoicesMixin, forms.ModelChoiceField):
    """A ModelChoiceField that may show a list already read (`ShownChoicesMixin`)."""


class _AccountChoiceIterator(ShownChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        accounts = self.field.shown
        if accounts is None:
            accounts = self.queryset.select_related("unit")
        for account in sorted(accounts, key=account_order_key):
            yield self.choice(account)


class AccountChoiceField(ShownChoicesMixin, forms.ModelChoiceField):
    """A select of accounts in `account_order_key` order. For bounded lists (the accounts of
    a unit or of the units above a school): the choices are sorted in Python. `shown`
    (`ShownChoicesMixin`): the queryset's accounts already read, with their units."""

    iterator = _AccountChoiceIterator
