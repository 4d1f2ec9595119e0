"""The generated city's feature steps (#23): one module per feature package, each writing
that feature's records at a realistic volume per school, so that every page of the product
has data to be measured on (bench/feature_pages).

A module here defines

    MODEL: type[models.Model]    # its main table: the step is skipped when it holds rows
    def generate(gen: Generator) -> None

and is found by name (no list to edit). Steps run in module-name order after the city's
core steps (`generate_city`), or alone on a city generated before they existed
(`generate_city --features`), so they read what they need from the database (schools,
counties, accounts) rather than from the generator's in-memory state. They write through
`gen._write` with ids from `gen._ids` (COPY on PostgreSQL) and draw every choice from
`gen.rng` (reproducible from the seed); volumes follow `gen.plan.scale` and the time span
`gen.start`..`gen.today`.
"""

from __future__ import annotations

import importlib
import pkgutil
import time
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from demo.generator import Generator


def modules() -> list[ModuleType]:
    """Every feature step module, in name order."""
    return [
        importlib.import_module(f"{__name__}.{info.name}")
        for info in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name)
        if not info.name.startswith("_")
    ]


def run(gen: Generator, log: Callable[[str], Any]) -> list[str]:
    """Run every step whose main table is empty; returns the names of the steps run."""
    ran = []
    for module in modules():
        name = module.__name__.rsplit(".", 1)[1]
        if module.MODEL.objects.exists():
            log(f"feature {name}: already generated, skipped")
            continue
        started = time.perf_counter()
        module.generate(gen)
        log(f"feature {name}: {time.perf_counter() - started:.1f} s")
        ran.append(name)
    return ran


def schools() -> list[dict[str, Any]]:
    """Every generated school (id, parent_id, path, school_type, is_boarding), by id."""
    from safety.models import Organisation

    return list(
        Organisation.objects.filter(kind="school")
        .order_by("id")
        .values("id", "parent_id", "path", "school_type", "is_boarding", "name")
    )


def accounts() -> dict[str, int]:
    """Every generated account's id by username (s00001.staff, c01.official, city.official…)."""
    from safety.models import User

    return dict(User.objects.values_list("username", "id"))
