"""Views look objects up only through the scoping rule (safety.scoping).

Any view module that reaches a model manager other than through `.objects.visible_to(...)`,
or uses Django's unscoped shortcuts, fails this test, so a forgotten check cannot ship.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ("safety", "inspections", "reporting", "api")
BANNED_CALLS = {"get_object_or_404", "get_list_or_404"}
BANNED_ATTRIBUTES = {"_default_manager", "_base_manager", "raw", "cursor"}


def view_modules() -> list[Path]:
    modules = []
    for app in APPS:
        modules += list((ROOT / app).rglob("views.py"))
        modules += list((ROOT / app).rglob("views/*.py"))
    return sorted(set(modules))


def unscoped_lookups(source: str) -> list[str]:
    problems = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in BANNED_CALLS:
                problems.append(f"line {node.lineno}: {name}() bypasses the scoping rule")
        if isinstance(node, ast.Attribute):
            if node.attr in BANNED_ATTRIBUTES:
                problems.append(f"line {node.lineno}: .{node.attr} bypasses the scoping rule")
            if (
                isinstance(node.value, ast.Attribute)
                and node.value.attr == "objects"
                and node.attr != "visible_to"
            ):
                problems.append(
                    f"line {node.lineno}: .objects.{node.attr} — use .objects.visible_to(user)"
                )
    return problems


def test_there_are_view_modules_to_check():
    assert view_modules(), "no views found: the lint would check nothing"


@pytest.mark.parametrize("module", view_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_views_fetch_objects_only_through_the_scoping_rule(module):
    assert unscoped_lookups(module.read_text()) == []


@pytest.mark.parametrize(
    "source",
    [
        "School.objects.get(pk=1)",
        "Hazard.objects.filter(status='open')",
        "get_object_or_404(Hazard, pk=1)",
        "Hazard._default_manager.all()",
        "Hazard.objects.all().visible_to(user)",
    ],
)
def test_lint_catches_unscoped_lookups(source):
    assert unscoped_lookups(source)


def test_lint_allows_scoped_lookups():
    source = (
        "Organisation.objects.visible_to(user).filter(kind='school')\n"
        "get_visible_object_or_404(Organisation, user, pk=1)\n"
    )
    assert unscoped_lookups(source) == []
