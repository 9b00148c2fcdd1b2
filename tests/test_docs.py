"""The README and the documentation site: the site builds without a warning, and every command and
Python block in README.md and docs/*.md works as written."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import os
import re
import shlex
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
import pytest
from packaging.requirements import Requirement
from ruamel.yaml import YAML

import grounded_events
from grounded_events._package.datapackage import AUTHORS, CITATION, HOMEPAGE, TITLE
from grounded_events._schema.tables import TABLES
from grounded_events.cli import COMMANDS, _parser, main
from helpers import ROOT, served_release

PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md")])
SHELL = ("sh", "bash", "console")
PYTHON = ("python",)
# Commands whose documented output is checked by a test that sets up the files they need (they
# write to the repository, so they are not run here): the words after `grounded-events` -> test.
RUN_ELSEWHERE = {
    ("add",): "tests/test_add.py::test_documented_example_runs_as_shown",
    (
        "locate",
        "--fill",
    ): "tests/test_locate.py::test_documented_fill_example_is_what_the_fill_does",
}
# Programs that docs may name besides grounded-events, make, pip and the project's scripts.
OTHER_PROGRAMS = {
    "mkdir", "cp", "split", "xdg-open", "python", "pipx", "check-jsonschema", "echo",
}  # fmt: skip
# Shell redirections: what follows one is a file, not an argument of the command.
REDIRECTIONS = {">", ">>", "2>", "<"}


def blocks(languages: tuple[str, ...]) -> list[tuple[str, str]]:
    """(page:line, body) of every fenced block in one of `languages`, in README.md and docs/."""
    found = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for match in re.finditer(r"^```(\w+)\n(.*?)^```", text, re.M | re.S):
            if match[1] in languages:
                line = text.count("\n", 0, match.start()) + 1
                found.append((f"{page.relative_to(ROOT)}:{line}", match[2]))
    return found


def commands() -> list[tuple[str, list[str], str]]:
    """(page:line, argv, the output shown under it) of every shell command in the docs, and of
    every `run:` step of the workflows they show."""
    found = []
    for where, body in blocks(("yaml",)):
        for run in re.findall(r"^\s*- run: (.*)$", body, re.M):
            found.append((where, shlex.split(run), ""))
    for where, body in blocks(SHELL):
        console = re.search(r"^\$ ", body, re.M) is not None
        lines = body.splitlines()
        i = 0
        while i < len(lines):
            line = lines[i]
            i += 1
            if console and not line.startswith("$ "):
                continue
            command = line[2:] if console else line
            while command.rstrip().endswith("\\"):  # a command continued on the next line
                command = command.rstrip()[:-1] + " " + lines[i].strip()
                i += 1
            shown = []
            while console and i < len(lines) and not lines[i].startswith("$ "):
                shown.append(lines[i])
                i += 1
            argv = shlex.split(command, comments=True)
            for part in " ".join(shlex.quote(a) for a in argv).split(" '&&' "):
                if part.strip():
                    out = "\n".join(shown) + "\n" if shown else ""
                    found.append((where, shlex.split(part), out))
    return found


def _program(argv: list[str]) -> list[str]:
    """argv without leading VAR=value assignments, a trailing `&` and redirections."""
    while argv and re.match(r"^[A-Z_]+=", argv[0]):
        argv = argv[1:]
    argv = argv[:-1] if argv and argv[-1] == "&" else argv
    cut = next((i for i, a in enumerate(argv) if a in REDIRECTIONS), len(argv))
    return argv[:cut]


def _grounded_events_args(argv: list[str]) -> list[str] | None:
    """The arguments after the `grounded-events` program, or None for another program."""
    if argv and argv[0] in ("grounded-events", ".venv/bin/grounded-events"):
        return argv[1:]
    return None


def _runs_here(args: list[str]) -> bool:
    """False for the commands RUN_ELSEWHERE leaves to another test."""
    return not any(tuple(args[: len(key)]) == key for key in RUN_ELSEWHERE)


def _parse(args: list[str]) -> int:
    """Exit code of the command line's parser on `args` (0 when it accepts them)."""
    selected = next((a for a in args if not a.startswith("-")), None)
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            _parser(selected if selected in COMMANDS else None).parse_args(args)
        except SystemExit as exit_info:
            return int(exit_info.code or 0)
    return 0


def test_readme_is_short() -> None:
    """The README stays under 12 KB: the rest of the documentation is in docs/."""
    assert (ROOT / "README.md").stat().st_size < 12_000


def test_readme_names_the_clone_free_install_line_and_the_test_command() -> None:
    """The README gives the pip line from the Git URL, and `make test` (which .ci/run runs)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    url = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["urls"][
        "Homepage"
    ]
    assert f'pip install "grounded-events @ git+{url}"' in readme
    assert "make test" in readme and "make test" in (ROOT / ".ci" / "run").read_text()


def test_readme_links_point_at_files_of_the_repository() -> None:
    """Every relative link and image of the README names a file of the repository."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = re.findall(r"\]\((?!https?://)([^)#]+)", readme)
    assert targets
    assert [t for t in targets if not (ROOT / t).is_file()] == []


def test_readme_dataset_figures_are_the_data() -> None:
    """The counts the README gives for the dataset are those of the shipped package."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    tables = grounded_events.load_package()
    said = re.search(
        r"(\d+) documents?\b.*?(\d+) events, (\d+) incidents, (\d+) actors, (\d+) links and "
        r"(\d+) evidence spans",
        readme,
        re.S,
    )
    assert said is not None
    names = ("documents", "events", "incidents", "actors", "links", "evidence")
    expected = [len(tables[t]) for t in names]
    assert [int(n) for n in said.groups()] == expected


def _cell(value: object) -> str:
    """A value as the docs' tables write it: lists with ", ", dates as YYYY-MM-DD, nulls empty."""
    if isinstance(value, list):
        return ", ".join(value)
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, bool | np.bool_):
        return str(bool(value)).lower()
    return str(value)


def test_sample_rows_in_the_docs_are_the_data() -> None:
    """Every table of rows the docs show (headed `event_id` or `evidence_id`) is the data."""
    tables = grounded_events.load_package()
    shown = 0
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        pattern = r"^\| `(event_id|evidence_id)` \|.*\n\|[-|]+\|\n((?:\|.*\|\n)+)"
        for match in re.finditer(pattern, text, re.M):
            header = [h.strip().strip("`") for h in match[0].splitlines()[0].strip("|").split("|")]
            data = tables["events" if header[0] == "event_id" else "evidence"].set_index(header[0])
            for row in match[2].splitlines():
                cells = [c.strip() for c in row.strip("|").split("|")]
                values = data.loc[cells[0]]
                assert cells[1:] == [_cell(values[h]) for h in header[1:]], (page.name, row)
                shown += 1
    assert shown >= 6


def test_citation_is_the_same_everywhere() -> None:
    """CITATION.cff, datapackage.json, croissant.json and the README give the one citation."""
    cff = YAML(typ="safe").load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    preferred = cff["preferred-citation"]
    assert cff["cff-version"] == "1.2.0"
    for entry in (cff, preferred):
        assert entry["title"] == TITLE
        assert entry["authors"] == [{"name": AUTHORS}]
        assert entry["version"] == grounded_events.__version__
        assert entry["url"] == HOMEPAGE
    assert cff["license"] == "MIT" and cff["repository-code"] == HOMEPAGE
    package = ROOT / "datasets" / "grounded-events"
    assert json.loads((package / "datapackage.json").read_text())["citation"] == CITATION
    assert json.loads((package / "croissant.json").read_text())["citeAs"] == CITATION
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quoted = " ".join(line[2:] for line in readme.splitlines() if line.startswith("> "))
    assert CITATION in quoted


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_has_an_example_in_the_docs(command: str) -> None:
    """Each command is shown at least once as `grounded-events COMMAND` in a docs page's block."""
    shown = {args[0] for _, argv, _ in commands() if (args := _grounded_events_args(argv))}
    assert command in shown


@pytest.mark.parametrize(("where", "argv", "shown"), commands(), ids=lambda v: str(v)[:60])
def test_every_documented_command_is_accepted(where: str, argv: list[str], shown: str) -> None:
    """Every shell command in the docs names a real command, target, file or install line."""
    argv = _program(argv)
    args = _grounded_events_args(argv)
    if args is not None:
        assert _parse(args) == 0, f"{where}: {shlex.join(argv)}"
    elif argv[0] == "make":
        targets = re.findall(r"^([\w-]+):", (ROOT / "Makefile").read_text(), re.M)
        assert set(argv[1:]) <= set(targets), where
    elif argv[:2] == ["pip", "install"]:
        project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
        args = argv[2:]
        if "-r" in args:  # a lock of the repository
            assert (ROOT / args[args.index("-r") + 1]).is_file(), where
            return
        args = [a for a in args if not a.startswith("-")]
        wheels = [a for a in args if a.endswith(".whl")]
        for wheel in wheels:  # the wheel `python -m build` writes
            name = project["name"].replace("-", "_")
            assert wheel == f"dist/{name}-{grounded_events.__version__}-py3-none-any.whl", where
        for requirement in map(Requirement, [a for a in args if a not in wheels]):
            assert requirement.name == project["name"], where
            assert re.fullmatch(
                rf"git\+{project['urls']['Homepage']}(@v[\d.]+)?", requirement.url or ""
            ), where
            assert requirement.extras <= set(project["optional-dependencies"]), where
    elif argv[0].startswith(".venv/bin/"):  # the project's python or pytest on a project file
        assert (ROOT / argv[1]).is_file(), where
    else:
        assert argv[0] in OTHER_PROGRAMS, f"{where}: {argv[0]} is not a known program"
        if argv[0] == "check-jsonschema":
            assert (ROOT / argv[argv.index("--schemafile") + 1]).is_file(), where


@pytest.mark.parametrize(
    ("where", "argv", "shown"),
    [
        (w, a, s)
        for w, a, s in commands()
        if s and (args := _grounded_events_args(a)) is not None and _runs_here(args)
    ],
    ids=lambda v: str(v)[:60],
)
def test_documented_output_is_what_the_command_prints(
    where: str,
    argv: list[str],
    shown: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A command shown with its output prints exactly that output, run from the repository root."""
    args = _grounded_events_args(argv)
    assert args is not None
    monkeypatch.chdir(ROOT)
    main(args)
    assert capsys.readouterr().out == shown, where


def test_commands_run_elsewhere_are_run_there() -> None:
    """Every command the docs show with output but leave to another test names a test that exists."""
    for test in RUN_ELSEWHERE.values():
        path, name = test.split("::")
        assert f"def {name}(" in (ROOT / path).read_text(encoding="utf-8"), test


@pytest.fixture(scope="module")
def mirror(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The committed package served over HTTP as release v1.0.0 (the docs' download examples)."""
    with served_release(tmp_path_factory.mktemp("mirror")) as base:
        yield base


@pytest.mark.parametrize(("where", "body"), blocks(PYTHON), ids=lambda v: str(v)[:40])
def test_every_python_block_runs(
    where: str,
    body: str,
    mirror: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Every Python block runs as written from the repository root (downloads from a mirror)."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("GROUNDED_EVENTS_BASE_URL", mirror)
    monkeypatch.setenv("GROUNDED_EVENTS_CACHE", str(tmp_path / "cache"))
    exec(compile(body, where, "exec"), {"__name__": "__docs__"})


def _hooks() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_hooks", ROOT / "docs" / "hooks.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_pages_hold_their_markers() -> None:
    """The error, codebook, CLI and API pages are filled at build time from their sources."""
    pages = {
        "errors": "error-codes",
        "codebook": "codebook",
        "cli": "cli-help",
        "api": "api-reference",
    }
    hooks = _hooks()
    for page, marker in pages.items():
        text = (ROOT / "docs" / f"{page}.md").read_text(encoding="utf-8")
        assert f"<!-- {marker}: " in text, page
        assert marker in hooks.MARKERS


def test_error_code_page_is_the_registry() -> None:
    """The error-code page is exactly the table generated from the code registry."""
    from grounded_events._validation.codes import markdown_table

    text = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    page = _hooks().on_page_markdown(text, None, None, None)
    assert markdown_table().strip() in page
    assert "<!--" not in page


def test_codebook_page_describes_every_column() -> None:
    """The codebook page gives every column a description, the published ones and the later."""
    page = _hooks().codebook()
    rows = re.findall(r"^\| `\w+` \| \w+.*\|$", page[: page.index("## Vocabularies")], re.M)
    assert len(rows) == sum(len(t.columns) for t in TABLES.values())
    assert not [row for row in rows if row.endswith(" |  |")]


def test_docstring_examples_are_fenced_as_code() -> None:
    """`>>>` examples and their output become one pycon block, the prose around them stays."""
    text = "Load it.\n\n>>> load()\n[1, 2]\n\nMore prose."
    assert _hooks().fence_doctests(text) == (
        "Load it.\n\n```pycon\n>>> load()\n[1, 2]\n```\n\nMore prose."
    )


@pytest.mark.slow
def test_site_builds_strict(tmp_path: Path) -> None:
    """`mkdocs build --strict` (broken links fail) writes every page, generated ones filled."""
    site = tmp_path / "site"
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert done.returncode == 0, done.stderr
    assert "WARNING" not in done.stderr
    errors = (site / "errors" / "index.html").read_text(encoding="utf-8")
    assert "GE501" in errors
    cli = (site / "cli" / "index.html").read_text(encoding="utf-8")
    assert all(f"grounded-events {c}" in cli for c in COMMANDS)
    api = (site / "api" / "index.html").read_text(encoding="utf-8")
    assert all(f"grounded_events.{name}" in api for name in grounded_events.__all__)
    guide = (site / "guidelines" / "index.html").read_text(encoding="utf-8")
    assert "GE501" in guide or "annotat" in guide
