"""Installing without a clone: dependencies, locks, the wheel and sdist, and a clean venv using them."""

from __future__ import annotations

import ast
import fcntl
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tarfile
import tomllib
import venv
import zipfile
from importlib.metadata import packages_distributions
from pathlib import Path
from typing import NamedTuple

import pandas as pd
import pytest

import grounded_events
from grounded_events._core.version import __version__
from helpers import ROOT, served_release

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
RUNTIME_LOCK = ROOT / "requirements-runtime.lock"
DEV_LOCK = ROOT / "requirements.lock"
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", re.MULTILINE)
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*")
ARROW_EXIT_ABORT = "terminate called without an active exception"

# A user's own events table: two statements, the second dated in a month that does not exist.
HEADER = (ROOT / "datasets" / "grounded-events" / "events.csv").read_text().splitlines()[0]


def _row(**cells: str) -> str:
    """A row of the events table: the given cells in their header columns, the others empty."""
    columns = HEADER.split(",")
    assert set(cells) <= set(columns), set(cells) - set(columns)
    return ",".join(cells.get(column, "") for column in columns)


STATEMENT = {
    "doc_id": "my-doc", "event_type": "statement", "is_aggregate": "false",
    "date_end": "2024-05-02", "date_precision": "day", "date_basis": "explicit",
    "initiator": "my-ministry",
}  # fmt: skip
ROWS = [
    _row(**STATEMENT, event_id="my-e01", event_subtype="condemnation", date_start="2024-05-02",
         plover_event_type="ACCUSE", plover_mode="disapprove", cameo_root="11",
         summary="The ministry condemns the attack."),
    _row(**STATEMENT, event_id="my-e02", event_subtype="demand", date_start="2024-13-02",
         plover_event_type="REQUEST", plover_mode="change", cameo_root="10",
         summary="The ministry demands an inquiry."),
]  # fmt: skip


def _normal(name: str) -> str:
    """A distribution name as PEP 503 compares them."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_names(requirements: list[str]) -> set[str]:
    return {_normal(m[0]) for r in requirements if (m := _NAME.match(r))}


def _imported_distributions() -> set[str]:
    """Distributions whose modules src/grounded_events imports, at any depth of the code."""
    modules: set[str] = set()
    for path in (ROOT / "src" / "grounded_events").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    third_party = modules - set(sys.stdlib_module_names) - {"grounded_events", "__future__"}
    owners = packages_distributions()
    return {_normal(dist) for module in third_party for dist in owners[module]}


def _pins(lock: Path) -> dict[str, str]:
    return {_normal(name): version for name, version in _PIN.findall(lock.read_text())}


def test_runtime_dependencies_are_exactly_what_src_imports() -> None:
    """Every third-party distribution src/ imports is a dependency (dask: its extra), and every
    dependency is imported."""
    project = PYPROJECT["project"]
    declared = _requirement_names(project["dependencies"])
    optional = _requirement_names(project["optional-dependencies"]["dask"])
    imported = _imported_distributions()
    assert imported - declared - optional == set(), "imported but not declared"
    assert declared - imported == set(), "declared but imported nowhere"


def test_runtime_lock_pins_what_the_development_lock_pins() -> None:
    """Both locks record their command; the runtime lock pins every dependency and no dev tool,
    at the same versions as the development lock, so `make test` only adds to `make data`'s venv."""
    assert "uv pip compile pyproject.toml --generate-hashes --python-version 3.11 -o " \
        "requirements-runtime.lock" in RUNTIME_LOCK.read_text()  # fmt: skip
    assert "--extra dev" in DEV_LOCK.read_text().splitlines()[1]
    runtime, dev = _pins(RUNTIME_LOCK), _pins(DEV_LOCK)
    assert _requirement_names(PYPROJECT["project"]["dependencies"]) <= set(runtime)
    assert {"pytest", "ruff", "mypy", "dask", "build", "twine"} & set(runtime) == set()
    assert {name: dev.get(name) for name in runtime} == runtime


def _make_plan(target: str) -> str:
    """The commands `make` would run for target in a checkout where nothing is installed yet."""
    done = subprocess.run(
        ["make", "--always-make", "--dry-run", target],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_data_installs_only_the_runtime_lock() -> None:
    """`make data` installs requirements-runtime.lock and never the development lock; `make test`
    installs the runtime lock first, then the development lock."""
    data = _make_plan("data")
    assert "-r requirements-runtime.lock" in data
    assert "-r requirements.lock" not in data
    test = _make_plan("test")
    assert test.index("-r requirements-runtime.lock") < test.index("-r requirements.lock")


# --- a clean venv without the checkout (slow: builds, then installs from the pip cache) -------


class Installed(NamedTuple):
    """The built distributions and a clean venv that has the wheel installed."""

    dist: Path
    bin: Path
    home: Path  # a folder outside the repository, the user's working directory


def _run(command: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, check=False, timeout=600, env=env
    )
    return done


def _install(where: Path) -> None:
    """Build the wheel and sdist into where/dist and install the wheel in a clean where/venv."""
    dist = where / "dist"
    shutil.rmtree(dist, ignore_errors=True)  # left by an install that failed earlier in this run
    done = _run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist), str(ROOT)],
        where, PATH=os.environ["PATH"],
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    venv.create(where / "venv", with_pip=True)
    pip = [str(where / "venv" / "bin" / "python"), "-m", "pip", "install", "--quiet",
           "--disable-pip-version-check", "--no-compile"]  # fmt: skip
    # --no-index: the wheel's own requirements must already be met by the runtime lock
    for args in (
        ["--require-hashes", "-r", str(RUNTIME_LOCK)],
        ["--no-index", *dist.glob("*.whl")],
    ):
        done = _run([*pip, *map(str, args)], where, PATH=os.environ["PATH"], HOME=str(where))
        assert done.returncode == 0, done.stderr
    (where / "installed").touch()


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Installed:
    """One clean venv for the module, shared by the xdist workers of one run."""
    if worker_id == "master":
        where = tmp_path_factory.mktemp("install")
    else:  # every worker of this run sees the same parent folder
        where = tmp_path_factory.getbasetemp().parent / "install"
        where.mkdir(exist_ok=True)
    with (where / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (where / "installed").exists():
            _install(where)
    home = where / "home"
    home.mkdir(exist_ok=True)
    return Installed(where / "dist", where / "venv" / "bin", home)


def _user(installed: Installed, *command: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run a command as a user would: the venv on PATH, outside the checkout, no PYTHONPATH."""
    path = f"{installed.bin}{os.pathsep}/usr/bin{os.pathsep}/bin"
    done = _run(list(command), installed.home, PATH=path, HOME=str(installed.home), **env)
    if done.returncode == -signal.SIGABRT and ARROW_EXIT_ABORT in done.stderr:
        # pyarrow's thread pool sometimes aborts at interpreter exit (apache/arrow#34314; here
        # about 1 run in 180 on a busy machine): once more, so only a repeatable failure fails.
        done = _run(list(command), installed.home, PATH=path, HOME=str(installed.home), **env)
    return done


@pytest.mark.slow
def test_wheel_and_sdist_build_and_twine_accepts_them(installed: Installed) -> None:
    """`python -m build` makes an sdist and, from it, a wheel carrying the data package and the
    published schemas; `twine check` passes both."""
    (sdist,) = installed.dist.glob("*.tar.gz")
    (wheel,) = installed.dist.glob("*.whl")
    top = f"grounded_events-{__version__}"
    with tarfile.open(sdist) as archive:
        carried = set(archive.getnames())
    for name in ("hatch_build.py", "schema/1.0.0/event.schema.json", "datasets/grounded-events/"
                 "events.parquet", "src/grounded_events/registry/v1.0.0.sha256", "LICENSE"):  # fmt: skip
        assert f"{top}/{name}" in carried
    names = set(zipfile.ZipFile(wheel).namelist())
    for table in ("documents", "actors", "events", "event_actors", "evidence"):
        assert f"grounded_events/_data/{table}.parquet" in names
    assert "grounded_events/_schema/published/1.0.0/event.schema.json" in names
    done = _run([sys.executable, "-m", "twine", "check", "--strict", str(sdist), str(wheel)],
                installed.home, PATH=os.environ["PATH"])  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("PASSED") == 2


@pytest.mark.slow
def test_wheel_metadata_names_licence_urls_and_dependencies(installed: Installed) -> None:
    """The wheel's METADATA has the MIT licence, the project URLs, the runtime dependencies and
    the dask extra."""
    (wheel,) = installed.dist.glob("*.whl")
    metadata = zipfile.ZipFile(wheel).read(f"grounded_events-{__version__}.dist-info/METADATA")
    head = metadata.decode().split("\n\n", 1)[0].splitlines()
    assert "License-Expression: MIT" in head
    urls = {line.split(": ", 1)[1].split(",")[0] for line in head if line.startswith("Project-URL")}
    assert urls == {"Homepage", "Documentation", "Source", "Issues", "Changelog"}
    requires = [line.split(": ", 1)[1] for line in head if line.startswith("Requires-Dist")]
    required = _requirement_names([r for r in requires if "extra ==" not in r])
    assert required == _requirement_names(PYPROJECT["project"]["dependencies"])
    assert "Provides-Extra: dask" in head
    assert "dask[distributed]>=2025.1; extra == 'dask'" in requires


def test_the_pypi_page_links_only_absolute_addresses(installed: Installed) -> None:
    """The wheel's description is the README with every link and image absolute: a page on
    PyPI is not in the repository that relative links point into."""
    (wheel,) = installed.dist.glob("*.whl")
    metadata = zipfile.ZipFile(wheel).read(f"grounded_events-{__version__}.dist-info/METADATA")
    description = metadata.decode().split("\n\n", 1)[1]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "# grounded-events" in description and len(description) >= len(readme)
    assert re.findall(r"\]\((?!https://)([^)]+)\)", description) == []
    raw = "https://raw.githubusercontent.com/grounded-events/grounded-events/main/"
    assert f"]({raw}docs/screenshots/report-index.png)" in description
    blob = "https://github.com/grounded-events/grounded-events/blob/main/"
    assert f"]({blob}docs/install.md)" in description


@pytest.mark.slow
def test_installed_cli_prints_its_version(installed: Installed) -> None:
    """`grounded-events --version` works from the venv's PATH, outside the checkout."""
    done = _user(installed, "grounded-events", "--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"grounded-events {__version__}"


@pytest.mark.slow
def test_installed_validate_reports_a_users_bad_row_in_every_format(installed: Installed) -> None:
    """A user's events CSV with a bad date: exit 1 and GE205 on line 3, as text, JSON and GitHub
    annotations."""
    (installed.home / "my-events.csv").write_text("\n".join([HEADER, *ROWS]) + "\n")
    outputs = {}
    for form in ("text", "json", "github"):
        done = _user(installed, "grounded-events", "validate", "my-events.csv", "--format", form)
        assert done.returncode == 1, done.stdout + done.stderr
        outputs[form] = done.stdout
    assert outputs["text"].startswith("my-events.csv:3: GE205 date_start ")
    (found,) = json.loads(outputs["json"])
    assert (found["file"], found["line"], found["code"]) == ("my-events.csv", 3, "GE205")
    assert outputs["github"].startswith("::error file=my-events.csv,line=3,title=GE205 ")


@pytest.mark.slow
def test_installed_validate_accepts_a_users_valid_file(installed: Installed) -> None:
    """The same table with a real date validates: exit 0."""
    (installed.home / "good-events.csv").write_text("\n".join([HEADER, ROWS[0]]) + "\n")
    done = _user(installed, "grounded-events", "validate", "good-events.csv")
    assert done.returncode == 0, done.stdout + done.stderr


LOAD = """
import json, grounded_events
events = grounded_events.load("events")
print(json.dumps([len(events), {c: str(t) for c, t in events.dtypes.items()}]))
"""


@pytest.mark.slow
def test_installed_load_reads_the_package_shipped_in_the_wheel(installed: Installed) -> None:
    """load() in the clean venv reads the wheel's copy of the package: the committed rows, with the
    dtypes load() documents."""
    done = _user(installed, "python", "-c", LOAD)
    assert done.returncode == 0, done.stderr
    rows, dtypes = json.loads(done.stdout)
    committed = grounded_events.load("events")
    assert rows == len(committed)
    assert dtypes == {column: str(dtype) for column, dtype in committed.dtypes.items()}
    assert dtypes["event_type"] == "category"
    assert dtypes["date_start"] == "datetime64[s]"
    assert dtypes["fatalities_best"] == "Int64"


@pytest.mark.slow
def test_installed_download_fetches_a_release_that_load_reads(
    installed: Installed, tmp_path: Path
) -> None:
    """`grounded-events download` in the clean venv fetches the release its shipped registry
    names, verifies it, and load(path=) reads it."""
    cache = tmp_path / "cache"
    with served_release(tmp_path / "served") as base:
        done = _user(
            installed, "grounded-events", "download",
            GROUNDED_EVENTS_BASE_URL=base, GROUNDED_EVENTS_CACHE=str(cache), NO_PROXY="127.0.0.1",
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    folder = cache / f"v{__version__}"
    assert str(folder) in done.stdout
    script = (
        f"import grounded_events; print(len(grounded_events.load('events', path={str(folder)!r})))"
    )
    done = _user(installed, "python", "-c", script)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) == len(
        pd.read_parquet(ROOT / "datasets/grounded-events/events.parquet")
    )


@pytest.mark.slow
@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="not a git checkout")
def test_a_git_url_builds_a_wheel_with_the_data(installed: Installed, tmp_path: Path) -> None:
    """`pip install "grounded-events @ git+URL"` builds from the committed tree (pip clones it and
    builds in isolation), and that wheel carries the same data and schemas as `python -m build`'s."""
    # file://localhost/: the pip that Python 3.11 bundles refuses a git+file:/// URL without a host
    done = _run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir",
         str(tmp_path), f"grounded-events @ git+file://localhost{ROOT.as_posix()}"],
        tmp_path, PATH=os.environ["PATH"], HOME=str(tmp_path),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    (from_git,) = tmp_path.glob("*.whl")
    (built,) = installed.dist.glob("*.whl")

    def shipped(wheel: Path) -> dict[str, int]:
        infos = zipfile.ZipFile(wheel).infolist()
        data = ("grounded_events/_data/", "grounded_events/_schema/published/")
        return {i.filename: i.CRC for i in infos if i.filename.startswith(data)}

    assert "grounded_events/_data/events.parquet" in shipped(from_git)
    assert shipped(from_git) == shipped(built)
