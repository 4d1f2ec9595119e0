"""Choice labels read from a table built once per field (#23).

Django's `get_FOO_display()` builds a dict of the field's choices at every call, hashing
each label: a label is a lazy translation, and hashing it translates it. A list page showing
a status, a severity and a category per row translated every label of those fields for every
row (a sixth of the incident list's CPU on the generated city). `install()` (called once by
`SafetyConfig.ready`) gives every model the same method with the table kept per field: the
labels stay lazy, so each is still translated in the request's language when shown.
Fields whose choices come from a callable are read as Django reads them.
"""

from __future__ import annotations

from functools import partialmethod
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.choices import CallableChoiceIterator
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable

_LABELS: dict[models.Field, dict[Any, Any]] = {}
_DJANGO_DISPLAY = models.Model._get_FIELD_display


def labels_of(field: models.Field) -> dict[Any, Any]:
    """{stored value: its label (lazy)} of `field`'s choices, groups flattened; built on the
    first call for each field and kept for the process (a model's choices are constants)."""
    labels = _LABELS.get(field)
    if labels is None:
        labels = {make_hashable(value): label for value, label in field.flatchoices}
        _LABELS[field] = labels
    return labels


def _get_field_display(self: models.Model, field: models.Field) -> Any:
    if isinstance(field.choices, CallableChoiceIterator):
        return _DJANGO_DISPLAY(self, field)
    value = getattr(self, field.attname)
    return force_str(labels_of(field).get(make_hashable(value), value), strings_only=True)


def install() -> None:
    """Every model's `get_FOO_display()` reads `labels_of` its field (idempotent). Django
    binds each model's method to `Model._get_FIELD_display` as the class is created, before
    any app is ready: the models' methods are bound again here, and the base method replaced
    for models created later. A method a model defines itself is left alone."""
    models.Model._get_FIELD_display = _get_field_display
    for model in apps.get_models(include_auto_created=True):
        for klass in model.__mro__:
            for name, method in list(vars(klass).items()):
                if isinstance(method, partialmethod) and method.func is _DJANGO_DISPLAY:
                    setattr(klass, name, partialmethod(_get_field_display, **method.keywords))
