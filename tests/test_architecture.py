"""The layout's promise: stages import only themselves and the stages below, and nothing circles."""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "grounded_events"

# The stages a datum passes, lowest first. A module may import its own stage and those before it.
# The top (the package's __init__ and cli) may import every stage.
STAGES = ("_core", "_schema", "_sources", "_validation", "_package", "_loaders")
TOP = len(STAGES)


def _modules() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its __init__)."""
    found = {}
    for path in sorted((SRC / PACKAGE).rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> list[tuple[str, int]]:
    """The package's modules that `name` imports, anywhere in it (functions and TYPE_CHECKING
    blocks included), with the line of each import."""
    targets = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the importing module's package
                base = name.split(".")
                if path.name != "__init__.py":
                    base = base[:-1]
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            for alias in node.names:
                child = f"{module}.{alias.name}"
                targets.append((child if child in MODULES else module, node.lineno))
    return [(t, line) for t, line in targets if t == PACKAGE or t.startswith(PACKAGE + ".")]


def _stage(module: str) -> int:
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in STAGES:
        return STAGES.index(parts[1])
    return TOP


def test_every_module_belongs_to_a_stage_or_the_top() -> None:
    """Every private module sits inside a stage package; only the public entry points are on top."""
    on_top = {m for m in MODULES if _stage(m) == TOP}
    assert on_top == {PACKAGE, f"{PACKAGE}.cli"}


def test_no_stage_imports_a_higher_one() -> None:
    """A lower stage never imports a higher one, at module level or inside a function."""
    upward = [
        f"{MODULES[m].relative_to(SRC)}:{line}: {m} ({STAGES[_stage(m)] if _stage(m) < TOP else 'top'}) "
        f"imports {t}"
        for m, path in MODULES.items()
        for t, line in _imports(m, path)
        if _stage(t) > _stage(m)
    ]
    assert upward == []


def test_imports_form_no_cycle() -> None:
    """No module reaches itself through imports, even through one inside a function."""
    graph = {m: {t for t, _ in _imports(m, p) if t != m} for m, p in MODULES.items()}
    try:
        list(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as exc:
        pytest.fail(f"import cycle: {' -> '.join(exc.args[1])}")


def test_the_checker_sees_function_level_and_upward_imports(tmp_path: Path) -> None:
    """The checks can fail: an import inside a function, and one stage reaching up, are seen."""
    path = tmp_path / "mod.py"
    path.write_text(
        "def f():\n    from grounded_events._package.build import build\n", encoding="utf-8"
    )
    ((target, line),) = _imports(f"{PACKAGE}._core.mod", path)
    assert (target, line) == (f"{PACKAGE}._package.build", 2)
    assert _stage(target) > _stage(f"{PACKAGE}._core.mod")
