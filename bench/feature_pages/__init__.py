"""The benchmark's rows of the feature pages (#23), one module per feature package beside
its generator step (demo/features). A module here defines

    PAGES: list[tuple[str, str, str, str, str | None]]   # as bench.pages.PAGES
    LIST_KEYS: set[str]                                   # keys held to the list targets
    def ids() -> dict[str, int]   # the records its path templates name ({roster}, …),
                                  # read from the generated database (bench.measure)

and is found by name (no list to edit): bench.pages adds the rows, bench.measure the ids.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

from django.core.exceptions import ObjectDoesNotExist


def modules() -> list[ModuleType]:
    return [
        importlib.import_module(f"{__name__}.{info.name}")
        for info in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name)
        if not info.name.startswith("_")
    ]


def pages() -> list[tuple[str, str, str, str, str | None]]:
    return [row for module in modules() for row in module.PAGES]


def list_keys() -> set[str]:
    return {key for module in modules() for key in getattr(module, "LIST_KEYS", set())}


def ids() -> dict[str, int]:
    """Every module's ids; a module whose records the database lacks (its feature step did
    not run on it, e.g. a province generated before the step existed) gives none, and its
    rows are reported as not measured (bench.measure)."""
    found: dict[str, int] = {}
    for module in modules():
        try:
            found |= module.ids()
        except (LookupError, IndexError, ObjectDoesNotExist, TypeError):
            continue
    return found
