"""Every text field of every product form states and enforces its limit and refuses NUL and
other control characters, with a Chinese error naming the field."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation

from inspections.models import Hazard
from reporting.monthly.forms import NarrativeForm
from safety.forms import PlainTextValidator, TextRulesMixin
from safety.models import SafetyArea

from ..inspections.conftest import photo_upload

PRODUCT_PACKAGES = ("safety", "inspections", "reporting")


def product_forms() -> list[type[forms.BaseForm]]:
    """Every form class defined in a product module (migrations and commands aside)."""
    found = {}
    for package_name in PRODUCT_PACKAGES:
        package = importlib.import_module(package_name)
        for module_info in pkgutil.walk_packages(package.__path__, f"{package_name}."):
            if ".migrations" in module_info.name or ".management" in module_info.name:
                continue
            module = importlib.import_module(module_info.name)
            for _name, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                    found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return [found[name] for name in sorted(found)]


def test_the_walk_finds_the_forms():
    names = {cls.__name__ for cls in product_forms()}
    assert {"HazardReportForm", "NarrativeForm", "HolderForm", "IncidentReportForm"} <= names


@pytest.mark.parametrize("form_class", product_forms(), ids=lambda cls: cls.__qualname__)
def test_every_product_form_applies_the_text_rules(form_class):
    assert issubclass(form_class, TextRulesMixin), "put TextRulesMixin first in its bases"


@pytest.mark.django_db
@pytest.mark.parametrize("form_class", product_forms(), ids=lambda cls: cls.__qualname__)
def test_every_text_field_states_its_limit_and_refuses_control_characters(form_class, people):
    try:
        form = form_class()
    except TypeError:
        try:
            form = form_class(user=people.staff_a)
        except TypeError:
            pytest.skip("built with its object; the mixin test above covers it")
    for name, field in form.fields.items():
        if isinstance(field, forms.CharField):
            assert field.max_length, name
            assert any(isinstance(v, PlainTextValidator) for v in field.validators), name
            assert field.widget.attrs.get("maxlength") == str(field.max_length), name


def test_a_multi_line_text_keeps_line_breaks_but_not_nul(people):
    with translation.override("zh-hans"):
        from_form = NarrativeForm({"work_done": "第一行\n\t第二行"})
        assert from_form.is_valid(), from_form.errors
        refused = NarrativeForm({"work_done": "开展\x00演练", "problems_found": "a\x1bb"})
        assert not refused.is_valid()
        assert "本月主要工作" in " ".join(refused.errors["work_done"])
        assert refused.errors["problems_found"]


@pytest.mark.django_db
def test_a_control_character_posted_to_a_form_page_is_refused_by_name(city, people, client_for):
    """Through the views: the hazard report, the holder form and the monthly report."""
    area = SafetyArea.objects.filter(is_active=True).first()
    with translation.override("zh-hans"):
        response = client_for("staff_a").post(
            reverse("inspections:hazard_new"),
            {
                "area": area.pk,
                "location": "操场\x01",
                "description": "围墙\x00倾斜",
                "kind": Hazard.Kind.TANGIBLE,
                "severity": Hazard.Severity.GENERAL,
                "photos": photo_upload(),
            },
        )
    assert response.status_code == 200
    assert not Hazard.objects.exists()
    page = response.content.decode()
    assert "控制字符" in page and "围墙" in page  # named, and the text is kept
