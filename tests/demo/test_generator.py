"""generate_city: a consistent, reproducible city (issue #9)."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from demo.generator import Plan, generate
from inspections.models import Hazard
from reporting.models import MonthlyReport
from safety.models import Organisation, User
from safety.services import name_sort_key


def snapshot() -> list[tuple]:
    return list(
        Hazard.objects.order_by("id").values_list(
            "school__code", "area__key", "description", "severity", "status", "created_at"
        )
    )


@pytest.mark.django_db
def test_generated_city_has_consistent_paths_sort_keys_and_scoped_accounts():
    counts = generate(Plan(schools=6, years=1, scale=0.2, seed=3))
    city = Organisation.objects.get(kind="city")
    for unit in Organisation.objects.exclude(pk=city.pk).select_related("parent"):
        assert unit.path == f"{unit.parent.path}{unit.pk:08d}/"
        assert unit.name_sort_key == name_sort_key(unit.name)
    assert counts["inspections.Hazard"] == Hazard.objects.count() > 0
    official = User.objects.get(username="c01.official")
    visible = Hazard.objects.visible_to(official)
    assert visible.exists()
    assert all(h.school.is_within(official.unit) for h in visible.select_related("school"))
    assert MonthlyReport.objects.filter(latest_version__isnull=False).exists()


@pytest.mark.django_db
def test_same_seed_same_city():
    taken = []
    for _ in range(2):
        with transaction.atomic():
            generate(Plan(schools=3, years=1, scale=0.2, seed=5))
            taken.append(snapshot())
            transaction.set_rollback(True)
    assert taken[0] and [row[:5] for row in taken[0]] == [row[:5] for row in taken[1]]


@pytest.mark.django_db
def test_command_refuses_a_database_that_holds_units(city):
    with pytest.raises(CommandError):
        call_command("generate_city", "--schools=2", "--no-vacuum")


# Text fields that hold codes or English by design: an event's statuses and an audit event's
# action (shown through their labels), a notification's link, the English names beside the
# Chinese ones.
STORED_NOT_SHOWN = {"from_status", "to_status", "action", "url", "name_en"}
# Counting tables keyed by codes (filled by PostgreSQL triggers), never shown as text.
CODE_TABLES = {"inspections.HazardTally", "inspections.HazardOpen"}


@pytest.mark.django_db
def test_generated_text_shows_no_stored_codes():
    """What the generator writes as text people read (summaries, descriptions, names) is
    Chinese, never a choice's stored code (an incident summary read
    "…发生一起illegal_vehicle事件")."""
    import re

    from django.apps import apps
    from django.db import models

    from tests.test_translations import PRODUCT_APPS, _raw_codes

    generate(Plan(schools=6, years=1, scale=0.3, seed=3))
    codes = {code for code in _raw_codes() if re.fullmatch(r"[a-z]+(_[a-z]+)+|[a-z]{5,}", code)}
    word = re.compile(r"(?<![A-Za-z_./-])(" + "|".join(sorted(codes)) + r")(?![A-Za-z_])")
    found = {}
    for model in apps.get_models():
        if model._meta.app_label not in PRODUCT_APPS or model._meta.label in CODE_TABLES:
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, (models.CharField, models.TextField)) or field.choices:
                continue
            if isinstance(field, (models.EmailField, models.URLField, models.SlugField)):
                continue
            if field.name in STORED_NOT_SHOWN:
                continue
            for text in model.objects.values_list(field.name, flat=True).distinct()[:500]:
                if text and word.search(text):
                    found.setdefault(f"{model._meta.label}.{field.name}", text)

    assert not found, "\n".join(f"{key}: {text!r}" for key, text in found.items())
