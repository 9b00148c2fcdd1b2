"""The public API: what `grounded_events` exports, one exception base, examples that run."""

from __future__ import annotations

import ast
import builtins
import doctest
import importlib
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import grounded_events
from grounded_events import GroundedEventsError

SRC = Path(grounded_events.__file__).resolve().parent

# Exceptions a user of load(), load_package(), download() and validate() can meet.
PUBLIC_ERRORS = (
    "GroundedEventsError",
    "UsageError",
    "IntegrityError",
    "UnsafeFile",
    "DownloadError",
    "BuildError",
    "PackageError",
    "PackageNotFound",
)

# Private exceptions that only steer control flow inside their module: each is raised and
# caught there, and no other module names it (checked below), so it never reaches a caller.
INSIDE_ONE_MODULE = {
    "_Refused": "_loaders/download.py",  # one failed attempt; download() raises DownloadError
    "_DuplicateKey": "_validation/json_values.py",  # a json hook's signal; becomes a ReadProblem
}

# The public functions and classes, each with a `>>>` example in its docstring.
DOCUMENTED = ("load", "load_package", "download", "validate", "Report", "Issue")

# Modules whose docstring examples run as doctests (the definitions of DOCUMENTED).
EXAMPLE_MODULES = (
    "grounded_events._loaders.load",
    "grounded_events._loaders.download",
    "grounded_events._validation",
    "grounded_events._validation.issues",
)


def _base_names(node: ast.ClassDef) -> list[str]:
    """The names of a class's bases as written, without module prefix (`x.YError` -> YError)."""
    names = []
    for base in node.bases:
        if isinstance(base, ast.Attribute):
            names.append(base.attr)
        elif isinstance(base, ast.Name):
            names.append(base.id)
    return names


def _classes() -> list[tuple[str, str, list[str]]]:
    """Every class defined in src/ (nested ones too) as (file, name, base names)."""
    found = []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                found.append((path.relative_to(SRC).as_posix(), node.name, _base_names(node)))
    return found


def _closure(classes: list[tuple[str, str, list[str]]], seeds: set[str]) -> set[str]:
    """The seeds and the name of every class in src/ deriving from one, however indirectly."""
    result = set(seeds)
    while True:
        more = {name for _, name, bases in classes if result.intersection(bases)}
        if more <= result:
            return result
        result |= more


def test_every_exception_class_derives_from_the_base() -> None:
    """Every exception class in src/ derives from GroundedEventsError, but the listed private ones."""
    classes = _classes()
    builtin_errors = {
        name
        for name, value in vars(builtins).items()
        if isinstance(value, type) and issubclass(value, BaseException)
    }
    # A base from another library is an exception by its name (yaml.YAMLError, ...).
    ours = {name for _, name, _ in classes}
    foreign = {
        base
        for _, _, bases in classes
        for base in bases
        if base not in ours and base.endswith(("Error", "Exception", "Warning"))
    }
    exceptions = _closure(classes, builtin_errors | foreign) - builtin_errors - foreign
    grounded = _closure(classes, {"GroundedEventsError"})
    assert {"GroundedEventsError", "UsageError", "DownloadError"} <= exceptions  # the scan works
    escaped = sorted(exceptions - grounded - set(INSIDE_ONE_MODULE))
    assert not escaped, (
        f"{escaped} do not derive from grounded_events._core.errors.GroundedEventsError; add it "
        "as the first base (keep a builtin second base, e.g. ValueError, if callers rely on it)"
    )


def test_private_control_flow_exceptions_stay_in_their_module() -> None:
    """Each private exception exempt from the base is named in its own module and nowhere else."""
    homes = {name: file for file, name, _ in _classes()}
    for name, home in INSIDE_ONE_MODULE.items():
        assert homes[name] == home
        users = [
            path.relative_to(SRC).as_posix()
            for path in SRC.rglob("*.py")
            if name in path.read_text(encoding="utf-8")
        ]
        assert users == [home], f"{name} is named outside {home}: derive it from the base"


def test_every_public_name_resolves() -> None:
    """Each name in grounded_events.__all__ resolves, dir() lists them, and nothing lazy is unlisted."""
    for name in grounded_events.__all__:
        assert getattr(grounded_events, name) is not None, name
    assert dir(grounded_events) == sorted(grounded_events.__all__)
    assert set(grounded_events._LAZY) <= set(grounded_events.__all__)
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = grounded_events.nothing  # type: ignore[attr-defined]


def test_public_exceptions_are_exported_and_share_the_base() -> None:
    """Every exception a public function raises is exported and is a GroundedEventsError."""
    assert set(PUBLIC_ERRORS) <= set(grounded_events.__all__)
    exported = [
        value
        for value in (getattr(grounded_events, name) for name in grounded_events.__all__)
        if isinstance(value, type) and issubclass(value, BaseException)
    ]
    assert {error.__name__ for error in exported} == set(PUBLIC_ERRORS)
    for error in exported:
        assert issubclass(error, GroundedEventsError), error
    # callers catching ValueError keep catching these
    assert issubclass(grounded_events.IntegrityError, ValueError)
    assert issubclass(grounded_events.UsageError, ValueError)


def test_validate_misuse_raises_the_public_usage_error(tmp_path: Path) -> None:
    """validate() used wrongly raises grounded_events.UsageError, a GroundedEventsError."""
    with pytest.raises(grounded_events.UsageError, match="max_errors"):
        grounded_events.validate(tmp_path, max_errors=0)
    with pytest.raises(GroundedEventsError, match="unknown schema version"):
        grounded_events.validate(tmp_path, schema_version="0.0.0")


def test_import_stays_light() -> None:
    """`import grounded_events` loads neither pandas nor pydantic; names load on first use."""
    script = (
        "import sys, grounded_events;"
        "print(sorted(m for m in ('pandas', 'pyarrow', 'pydantic', 'requests') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize("name", DOCUMENTED)
def test_public_functions_and_classes_carry_an_example(name: str) -> None:
    """Each public function and class has a `>>>` example in its docstring."""
    assert ">>>" in (getattr(grounded_events, name).__doc__ or "")


@pytest.mark.parametrize("module_name", EXAMPLE_MODULES)
def test_docstring_examples_run(module_name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The docstring examples of the public API give exactly the output they show, offline."""
    # A download example that went wrong would try the network: send it to a closed port.
    monkeypatch.setenv("GROUNDED_EVENTS_BASE_URL", "http://127.0.0.1:9")
    module: ModuleType = importlib.import_module(module_name)
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    failures: list[str] = []
    for test in finder.find(module, module_name):
        runner.run(test, out=failures.append)
    results = runner.summarize(verbose=False)
    assert results.attempted > 0, f"{module_name} has no examples"
    assert results.failed == 0, "".join(failures)
