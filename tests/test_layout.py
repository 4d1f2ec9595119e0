"""The tests follow the product's layout: `tests/<app>/<feature>/` for each feature package
(a package of an app with its own `urls.py`), and a test module directly under `tests/<app>/`
only for the app's core, never one that tests a single feature."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"
APPS = ("safety", "inspections", "reporting", "api")  # #22: api
# Folders of tests that cut across the apps.
ACROSS = {"matrix", "perf", "e2e", "demo"}


def features() -> set[str]:
    """Dotted names of the feature packages, e.g. "reporting.incidents"."""
    return {f"{app}.{urls.parent.name}" for app in APPS for urls in (ROOT / app).glob("*/urls.py")}


def product_imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {name for name in names if name.split(".")[0] in APPS}


def test_every_feature_has_its_test_folder():
    missing = [
        f"tests/{name.replace('.', '/')}/"
        for name in sorted(features())
        if not (TESTS / name.replace(".", "/") / "__init__.py").exists()
    ]
    assert not missing, missing


def test_every_test_folder_is_an_app_a_feature_or_a_cross_cutting_one():
    known = set(APPS) | ACROSS
    stray = [
        str(folder.relative_to(ROOT))
        for folder in TESTS.iterdir()
        if folder.is_dir() and (folder / "__init__.py").exists() and folder.name not in known
    ]
    stray += [
        str(folder.relative_to(ROOT))
        for app in APPS
        for folder in (TESTS / app).iterdir()
        if (folder / "__init__.py").exists() and f"{app}.{folder.name}" not in features()
    ]
    assert not stray, stray


def test_a_module_that_tests_one_feature_sits_in_its_folder():
    """A test module under `tests/<app>/` (not in a feature folder) whose product imports all
    come from one feature package (the core's models aside) belongs to that feature."""
    misplaced = []
    for app in APPS:
        for path in sorted((TESTS / app).glob("test_*.py")):
            imported = product_imports(path)
            owners = {
                feature
                for feature in features()
                for name in imported
                if name == feature or name.startswith(feature + ".")
            }
            others = {
                name
                for name in imported
                if not any(name == f or name.startswith(f + ".") for f in owners)
                and name != f"{app}.models"
            }
            if len(owners) == 1 and not others:
                (feature,) = owners
                misplaced.append(f"{path.relative_to(ROOT)} → tests/{feature.replace('.', '/')}/")
    assert not misplaced, misplaced
