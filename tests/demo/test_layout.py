"""Demo and benchmark generation are tools, not product (issue #12): the product apps never
import them, and the commands keep their names."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]
PRODUCT_APPS = ("safety", "inspections", "reporting", "config")
TOOLS = {"demo", "bench"}


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_product_apps_never_import_the_tools():
    offenders = []
    for app in PRODUCT_APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            tools = {name for name in imported_modules(path) if name.split(".")[0] in TOOLS}
            if tools:
                offenders.append(f"{path.relative_to(ROOT)}: {sorted(tools)}")
    assert offenders == []


@pytest.mark.parametrize(
    ("command", "app"),
    [
        ("seed_demo", "demo"),
        ("generate_city", "demo"),
        ("bench_rollup", "bench"),
        ("monthly_reminders", "reporting"),
    ],
)
def test_commands_keep_their_names(command, app):
    assert get_commands()[command] == app
