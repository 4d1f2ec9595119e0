"""The figures of a monthly report, computed from the data, never typed.

A school report's figures are a list of *sections*. Each section is a function
`(unit, month) -> {"rows": [[row label, number, number, ...], ...]}` that computes its numbers
in the database, plus the keys and labels of its number columns. `compile_school_figures`
runs every section in SCHOOL_SECTIONS and the result is frozen as JSON into the submitted
version, so later changes to the data never change what was submitted.

A county roll-up adds up its schools' frozen sections row by row (`rollup_sections`), so a
new school section appears in every county report with no further code.

Adding a section is one line in SCHOOL_SECTIONS plus its function. Sections whose data lives
in features merged later (they are NOT in the registry until their models exist; no number is
ever invented):

- "inspections": inspections in the month by kind (self-inspection, supervisory, spot check);
  rows per kind, columns planned / done.
- "hazards": hazards found / rectified / open / overdue in the month, rows per safety area and
  severity (general / major).
- "incidents": incidents in the month by category, columns reported / late / missed.
- "responsibility": coverage gaps (责任空缺) and letters issued but not signed.
- later: drills and safety-education activities.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from safety.models import Organisation

SectionRows = dict[str, list[list[Any]]]


@dataclass(frozen=True)
class Section:
    key: str
    title: Promise
    columns: tuple[tuple[str, Promise], ...]
    compute: Callable[[Organisation, datetime.date], SectionRows]


def headcounts(unit: Organisation, month: datetime.date) -> SectionRows:
    """Students and staff of the school, as recorded on its profile."""
    row = (
        Organisation.objects.filter(pk=unit.pk)
        .values_list("student_count", "staff_count", "is_boarding")
        .get()
    )
    return {"rows": [["", row[0], row[1], int(row[2])]]}


SCHOOL_SECTIONS: list[Section] = [
    Section(
        "headcounts",
        _("Students and staff"),
        (("students", _("Students")), ("staff", _("Staff")), ("boarding", _("Boarding schools"))),
        headcounts,
    ),
]


def section_by_key(key: str) -> Section | None:
    return next((section for section in SCHOOL_SECTIONS if section.key == key), None)


def compile_school_figures(unit: Organisation, month: datetime.date) -> dict[str, Any]:
    """Every registered section for the school and month, ready to freeze as JSON."""
    return {
        "kind": "school",
        "month": month.isoformat(),
        "compiled_at": timezone.now().isoformat(),
        "sections": {
            section.key: {
                "columns": [key for key, _label in section.columns],
                **section.compute(unit, month),
            }
            for section in SCHOOL_SECTIONS
        },
    }


def rollup_sections(figures_list: list[dict[str, Any]]) -> dict[str, Any]:
    """Add up frozen school sections row by row (rows matched by their label)."""
    totals: dict[str, Any] = {}
    for figures in figures_list:
        for key, section in (figures.get("sections") or {}).items():
            target = totals.setdefault(key, {"columns": section["columns"], "rows": {}})
            for label, *values in section["rows"]:
                row = target["rows"].setdefault(label, [0] * len(values))
                for index, value in enumerate(values):
                    if isinstance(value, int | float) and index < len(row):
                        row[index] += value
    return {
        key: {"columns": value["columns"], "rows": _items(value)} for key, value in totals.items()
    }


def _items(section: dict[str, Any]) -> list[list[Any]]:
    return [[label, *values] for label, values in section["rows"].items()]


def section_tables(figures: dict[str, Any]) -> list[dict[str, Any]]:
    """Frozen sections with their labels, for templates; unknown keys show as they are."""
    tables = []
    for key, section in (figures.get("sections") or {}).items():
        registered = section_by_key(key)
        labels = dict(registered.columns) if registered else {}
        tables.append(
            {
                "key": key,
                "title": registered.title if registered else key,
                "columns": [labels.get(column, column) for column in section["columns"]],
                "rows": section["rows"],
            }
        )
    return tables
