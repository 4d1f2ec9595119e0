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
