"""The layout rules of docs/architecture.md, checked on every run so the next feature cannot
break them: dependencies point one way (reporting → inspections → safety), a feature package
uses a sibling only through its models, services and selectors, there is no import cycle among
product modules and no function-local import dodging one, and no product function is longer
than a screen.

Tools that are not product (demo and benchmark generation, migrations, management commands)
are exempt from the size rule; the import rules hold for every product module.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APPS = ("safety", "inspections", "reporting", "api")
# An app may import only the apps listed for it (besides itself). #22: the API sits on top
# of every app; none imports it.
ALLOWED_APPS = {
    "safety": set(),
    "inspections": {"safety"},
    "reporting": {"safety", "inspections"},
    "api": {"safety", "inspections", "reporting"},
}
# What a feature package offers the rest of the product.
PUBLIC_MODULES = {"models", "services", "selectors"}
MAX_FUNCTION_LINES = 60


def product_modules() -> dict[str, Path]:
    modules = {}
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "migrations" in relative.parts:
                continue
            parts = list(relative.with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


MODULES = product_modules()


def feature_packages() -> set[str]:
    """`app.feature` for every sub-package of an app that is a feature (has models, views
    or services of its own)."""
    found = set()
    for name, path in MODULES.items():
        parts = name.split(".")
        if len(parts) == 3 and parts[2] in {"models", "views", "services", "selectors"}:
            found.add(".".join(parts[:2]))
        if (
            len(parts) == 2
            and path.name == "__init__.py"
            and any(
                (path.parent / f"{m}.py").exists() or (path.parent / m).is_dir()
                for m in ("models", "views", "services")
            )
        ):
            found.add(name)
    return found


FEATURES = feature_packages()


class Import:
    def __init__(self, target: str, lineno: int, *, local: bool, type_only: bool) -> None:
        self.target = target
        self.lineno = lineno
        self.local = local
        self.type_only = type_only


def _resolve(module: str, is_package: bool, level: int, name: str | None) -> str:
    if level == 0:
        return name or ""
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    if level > 1:
        base = base[: -(level - 1)]
    return ".".join(base + ([name] if name else []))


def imports_of(module: str) -> list[Import]:
    path = MODULES[module]
    is_package = path.name == "__init__.py"
    tree = ast.parse(path.read_text(), filename=str(path))
    found: list[Import] = []

    def visit(node: ast.AST, *, local: bool, type_only: bool) -> None:
        for child in ast.iter_child_nodes(node):
            child_local = local or isinstance(
                child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
            )
            child_type_only = type_only or (
                isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test)
            )
            if isinstance(child, ast.Import):
                for alias in child.names:
                    found.append(Import(alias.name, child.lineno, local=local, type_only=type_only))
            elif isinstance(child, ast.ImportFrom):
                base = _resolve(module, is_package, child.level, child.module)
                for alias in child.names:
                    # `from . import services` names a module; `from .models import X` a member.
                    candidate = f"{base}.{alias.name}" if base else alias.name
                    target = candidate if candidate in MODULES else base
                    found.append(Import(target, child.lineno, local=local, type_only=type_only))
            visit(child, local=child_local, type_only=child_type_only)

    visit(tree, local=False, type_only=False)
    return [i for i in found if i.target.split(".")[0] in APPS]


def _feature_of(module: str) -> str | None:
    parts = module.split(".")
    for length in (2,):
        candidate = ".".join(parts[:length])
        if candidate in FEATURES:
            return candidate
    return None


def is_registration(importer: str, target: str) -> bool:
    """`<app>.models` (and `<app>.admin`) import their features' modules so that Django
    registers them: Django finds models and admin classes only through those modules."""
    importer_parts = importer.split(".")
    target_parts = target.split(".")
    return (
        len(importer_parts) == 2
        and importer_parts[1] in {"models", "admin"}
        and len(target_parts) == 3
        and target_parts[0] == importer_parts[0]
        and target_parts[2] == importer_parts[1]
    )


def test_the_rules_see_the_product():
    assert len(MODULES) > 40
    assert {"safety", "inspections", "reporting"} <= {m.split(".")[0] for m in MODULES}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_apps_import_only_downwards(module):
    app = module.split(".")[0]
    wrong = [
        f"line {i.lineno}: {i.target}"
        for i in imports_of(module)
        if i.target.split(".")[0] not in ALLOWED_APPS[app] | {app}
    ]
    assert wrong == [], f"{module} imports against the arrows (reporting → inspections → safety)"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_features_use_each_other_only_through_models_services_and_selectors(module):
    own = _feature_of(module)
    wrong = []
    for i in imports_of(module):
        feature = _feature_of(i.target)
        if feature is None or feature == own or is_registration(module, i.target):
            continue
        rest = i.target[len(feature) + 1 :].split(".")[0]
        # Demo seeding is a tool: the core's demo composes its features' demo rows.
        if rest == "demo" and module.split(".")[-1] == "demo":
            continue
        # #22: the API validates reports with the screens' own forms (same rules).
        if rest == "forms" and module.split(".")[0] == "api":
            continue
        if rest not in PUBLIC_MODULES:
            wrong.append(f"line {i.lineno}: {i.target}")
    assert wrong == [], f"{module} reaches into another feature's internals"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_function_local_imports_of_product_modules(module):
    local = [f"line {i.lineno}: {i.target}" for i in imports_of(module) if i.local]
    if module.endswith(".apps"):
        pytest.skip("AppConfig.ready() is where Django wants signal wiring imported")
    assert local == [], f"{module} imports product modules inside functions"


def _strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    counter = [0]

    def connect(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return components


def import_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for module in MODULES:
        graph[module]
        for i in imports_of(module):
            if i.type_only or i.target == module or i.target not in MODULES:
                continue
            if is_registration(module, i.target):
                continue
            # A package's __init__ is imported on the way to any of its modules.
            graph[module].add(i.target)
    return graph


def test_no_import_cycle_among_product_modules():
    import sys

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    assert _strongly_connected(import_graph()) == []


def _is_tool(module: str) -> bool:
    parts = module.split(".")
    return parts[-1] == "demo" or "management" in parts


def long_functions() -> list[str]:
    found = []
    for module, path in MODULES.items():
        if _is_tool(module):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    found.append(f"{module}.{node.name}: {length} lines")
    return found


def test_no_product_function_is_longer_than_a_screen():
    assert long_functions() == []


def test_the_cycle_finder_finds_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _strongly_connected(graph) == [["a", "b", "c"]]
