"""Messages stored now and shown later in the reader's language.

A notification is read days after it was written, by people who may use another language
than the one active when it was written. So a notice stores its message id (the English
msgid of the catalogue) and its parameters, and is rendered with the reader's active language
each time it is shown (the list, the e-mail, the SMS): `Message(...).as_json()` is stored,
`render_message(stored)` renders it.

Parameters are plain values (names, numbers), translatable labels (a choice's label or any
lazy string: stored by msgid, translated at read time) or dates (`MessageDate`: formatted
with the reader's date formats).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.formats import date_format
from django.utils.functional import Promise


@dataclass(frozen=True)
class MessageDate:
    """A date parameter, formatted at read time with a Django format name such as
    "YEAR_MONTH_FORMAT" or "MONTH_DAY_FORMAT"."""

    day: datetime.date
    format: str = "DATE_FORMAT"


def _msgids(text: Any) -> tuple[str, str, str]:
    """(singular, plural, count parameter) of a lazy gettext or ngettext string.

    The msgids are read with translations off (public gettext behaviour: the msgid comes
    back), and an `ngettext_lazy(singular, plural, "count")` by its pickling recipe."""
    if isinstance(text, Promise):
        reducer = text.__reduce__()
        if reducer and reducer[0] is translation._lazy_number_unpickle:
            _func, _resultclass, number, kwargs = reducer[1]
            return kwargs["singular"], kwargs["plural"], str(number)
        with translation.override(None):
            return str(text), "", ""
    return str(text), "", ""


def _param_json(value: Any) -> Any:
    if isinstance(value, Promise):
        return {"msgid": _msgids(value)[0]}
    if isinstance(value, MessageDate):
        return {"date": value.day.isoformat(), "format": value.format}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


class Message:
    """A translatable message and its parameters, e.g.
    `Message(gettext_lazy("Incident at %(school)s"), school=school.name)` or, with a
    plural, `Message(ngettext_lazy("%(count)s unit …", "%(count)s units …", "count"),
    count=3)`. The text must be a lazy string so that its msgid can be stored."""

    def __init__(self, text: Any, **params: Any) -> None:
        self.msgid, self.plural, self.count = _msgids(text)
        self.params = {name: _param_json(value) for name, value in params.items()}

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"msgid": self.msgid, "params": self.params}
        if self.plural:
            data.update(plural=self.plural, count=self.count)
        return data

    def __str__(self) -> str:
        return render_message(self.as_json())


def _param_text(value: Any) -> Any:
    if isinstance(value, dict) and "msgid" in value:
        return translation.gettext(value["msgid"])
    if isinstance(value, dict) and "date" in value:
        try:
            day = datetime.date.fromisoformat(value["date"])
        except (TypeError, ValueError):
            return value["date"]
        return date_format(day, value.get("format") or "DATE_FORMAT")
    return value


def render_message(data: dict[str, Any]) -> str:
    """A stored message (`Message.as_json()`) in the active language; "" when empty.

    A parameter missing from the stored row leaves the untranslated text rather than
    failing: a page must not break over an old row."""
    msgid = (data or {}).get("msgid")
    if not msgid:
        return ""
    raw = data.get("params") or {}
    params = {name: _param_text(value) for name, value in raw.items()}
    if data.get("plural"):
        number = raw.get(data.get("count") or "count")
        number = number if isinstance(number, int) else 0
        text = translation.ngettext(msgid, data["plural"], number)
    else:
        text = translation.gettext(msgid)
    try:
        return text % params if params else text
    except (KeyError, TypeError, ValueError):
        return text


def choice_label(instance: Any, field_name: str) -> Any:
    """The (lazy) label of a choice field's current value, to be stored by its msgid in a
    `Message`; the raw value when it is not one of the choices."""
    field = instance._meta.get_field(field_name)
    value = getattr(instance, field.attname)
    return dict(field.flatchoices).get(value, value)


def message_params(data: dict[str, Any]) -> dict[str, str]:
    """The parameters of a stored message (`Message.as_json()`) as texts in the active
    language (a lazy choice label translated, a date formatted): the named parameters of an
    SMS template (safety.channels)."""
    raw = (data or {}).get("params") or {}
    return {name: str(_param_text(value)) for name, value in raw.items()}
