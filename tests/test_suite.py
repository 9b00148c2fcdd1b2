"""The suite's own promise: test modules stand alone, sharing code only through conftest and helpers."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
# The one module of plain shared code (what conftest's fixtures cannot serve: strategies and
# builders called at collection time or inside hypothesis tests).
HELPERS = "helpers"


def _modules() -> dict[str, Path]:
    """Every Python module directly under tests/, by name."""
    return {path.stem: path for path in sorted(TESTS.glob("*.py"))}


def _offences(source: str) -> list[str]:
    """What a test module must not do: import a test module or conftest, or touch sys.path."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                names = [node.module or ""]
                if node.module == "sys" and any(alias.name == "path" for alias in node.names):
                    found.append(f"line {node.lineno}: imports sys.path")
            for name in names:
                top = name.split(".")[0]
                if top.startswith("test_") or top == "conftest":
                    found.append(f"line {node.lineno}: imports {name}")
        if (
            isinstance(node, ast.Attribute)
            and node.attr == "path"
            and isinstance(node.value, ast.Name)
            and node.value.id == "sys"
        ):
            found.append(f"line {node.lineno}: uses sys.path")
    return found


@pytest.mark.parametrize("name", sorted(_modules()))
def test_module_imports_no_test_module_and_leaves_sys_path_alone(name: str) -> None:
    """No module under tests/ imports a test module or conftest, or edits sys.path."""
    path = _modules()[name]
    assert _offences(path.read_text(encoding="utf-8")) == [], path.name


def test_one_helper_module_besides_conftest() -> None:
    """Shared code lives in conftest.py and one helper module; every other module is a test."""
    others = {n for n in _modules() if not n.startswith("test_")}
    assert others == {"conftest", HELPERS}


@pytest.mark.parametrize(
    "source",
    [
        "from test_validation import write_yaml",
        "import test_files",
        "import test_files.sub as x",
        "from conftest import ROOT",
        "import sys\nsys.path.insert(0, 'bench')",
        "import sys\ndef f():\n    sys.path.append('bench')",
        "from sys import path",
    ],
)
def test_the_check_catches_each_offence(source: str) -> None:
    """Each forbidden import or sys.path edit is reported, also inside a function."""
    assert _offences(source) != []


def test_the_check_allows_helpers_and_packages() -> None:
    """Importing helpers, the package and third-party modules is no offence."""
    source = "import sys\nfrom helpers import ROOT\nimport grounded_events\nprint(sys.argv)"
    assert _offences(source) == []
