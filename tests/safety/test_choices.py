"""get_FOO_display() with the label table kept per field (safety.choices, #23): every choice
field of every product model shows the label Django would show, in the request's language,
and a value outside the choices as itself."""

import pytest
from django.apps import apps
from django.db import models
from django.utils import translation

from safety import choices
from tests.test_translations import PRODUCT_APPS


def _choice_fields():
    for model in apps.get_models():
        if model._meta.app_label in PRODUCT_APPS:
            for field in model._meta.concrete_fields:
                if field.choices:
                    yield model, field


def test_every_choice_field_shows_djangos_label_in_each_language():
    walked = 0
    for model, field in _choice_fields():
        for value, _label in field.flatchoices:
            instance = model(**{field.attname: value})
            display = getattr(instance, f"get_{field.name}_display")
            for language in ("zh-hans", "en"):
                with translation.override(language):
                    assert display() == choices._DJANGO_DISPLAY(instance, field), (
                        model._meta.label,
                        field.name,
                        value,
                        language,
                    )
            walked += 1
    assert walked > 100  # the walk reached the product's fields


def test_a_label_follows_the_language_of_each_call():
    model, field = next(
        (model, field) for model, field in _choice_fields()
        if any(str(label) for _value, label in field.flatchoices)
    )  # fmt: skip
    value = next(value for value, _label in field.flatchoices if value not in ("", None))
    instance = model(**{field.attname: value})
    display = getattr(instance, f"get_{field.name}_display")
    with translation.override("en"):
        english = display()
    with translation.override("zh-hans"):
        chinese = display()
    assert english != chinese  # the kept table holds lazy labels, not the first language's


def test_a_value_outside_the_choices_shows_as_itself():
    for model, field in _choice_fields():
        if isinstance(field, models.CharField):
            instance = model(**{field.attname: "not-a-choice"})
            assert getattr(instance, f"get_{field.name}_display")() == "not-a-choice"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_callable_choices_are_read_as_django_reads_them(language):
    calls = []

    def dynamic():
        calls.append(1)
        return [("a", "Alpha")]

    field = models.CharField(max_length=1, choices=dynamic)
    field.set_attributes_from_name("letter")
    instance = models.Model.__new__(models.Model)
    instance.letter = "a"
    with translation.override(language):
        assert choices._get_field_display(instance, field) == "Alpha"
    assert calls  # evaluated per call: a callable's choices may change


def test_showing_a_label_translates_only_that_label():
    """A list page shows one label per row: Django's own method translated every label of
    the field for each row (hashing the lazy labels to build its table)."""
    from django.utils.functional import lazy

    translated = []

    def label(text):
        translated.append(text)
        return text

    lazy_label = lazy(label, str)
    field = models.CharField(
        max_length=1, choices=[(code, lazy_label(f"label {code}")) for code in "abcdef"]
    )
    field.set_attributes_from_name("letter")
    instance = models.Model.__new__(models.Model)
    instance.letter = "a"
    for _row in range(50):
        assert instance._get_FIELD_display(field) == "label a"
    assert set(translated) == {"label a"}
    assert len(translated) == 50


def test_every_models_method_reads_the_kept_table():
    """Django binds get_FOO_display as each model class is created, before apps are ready."""
    from functools import partialmethod

    for model, field in _choice_fields():
        method = getattr(model, f"get_{field.name}_display")
        bound = next(
            vars(klass)[f"get_{field.name}_display"] for klass in model.__mro__
            if f"get_{field.name}_display" in vars(klass)
        )  # fmt: skip
        if isinstance(bound, partialmethod):
            assert bound.func is choices._get_field_display, (model, field.name, method)
