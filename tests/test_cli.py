"""The command line: every command is documented, answers --help, and the CI integrations run it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from grounded_events.cli import COMMANDS, main

EXE = str(Path(sys.executable).parent / "grounded-events")


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_is_documented_in_the_readme(root: Path, command: str) -> None:
    """The README shows each command at least once as `grounded-events COMMAND`."""
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert re.search(rf"grounded-events {command}\b", readme), command


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_answers_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    """`grounded-events COMMAND --help` prints usage and exits 0."""
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    assert f"grounded-events {command}" in capsys.readouterr().out


def test_usage_errors_exit_2_without_traceback() -> None:
    """An unknown command or option is a usage message and exit 2, never a traceback."""
    for argv in (["frobnicate"], ["validate", "--no-such-option"], []):
        result = subprocess.run([EXE, *argv], capture_output=True, text=True, check=False)
        assert result.returncode == 2, argv
        assert "Traceback" not in result.stderr
        assert "usage:" in result.stderr


@pytest.mark.slow
def test_pre_commit_hook_runs_a_real_command(root: Path) -> None:
    """The published pre-commit hook's entry is the validate command."""
    (hook,) = YAML(typ="safe").load((root / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["entry"] == "grounded-events validate --skip-foreign"
    assert re.search(hook["files"], "datasets/annotations/rudaw-20231212.yaml")
    assert re.search(hook["files"], "events.parquet")
    result = subprocess.run(
        [EXE, "validate", str(root / "datasets/annotations/rudaw-20231212.yaml")],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_github_action_runs_validate_with_workflow_annotations(root: Path) -> None:
    """action.yml installs the package and runs validate with --format github."""
    action = YAML(typ="safe").load((root / "action.yml").read_text(encoding="utf-8"))
    scripts = "\n".join(step["run"] for step in action["runs"]["steps"] if "run" in step)
    assert "grounded-events validate" in scripts
    assert "--format github" in scripts
    assert set(action["inputs"]) >= {"paths", "schema-version", "seeds"}


def test_readme_error_code_table_is_the_registry(root: Path) -> None:
    """The README's error-code table is exactly the one generated from the code registry."""
    from grounded_events._validation.codes import markdown_table

    readme = (root / "README.md").read_text(encoding="utf-8")
    assert markdown_table().strip() in readme


def test_an_internal_error_is_one_line_and_exit_3(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bug in a command exits 3 (never 1, "invalid data") with a one-line message."""
    from grounded_events._sources import locate as _locate

    def broken(args: object) -> int:
        raise RuntimeError("boom")

    monkeypatch.setattr(_locate, "run", broken)
    monkeypatch.delenv("GROUNDED_EVENTS_DEBUG", raising=False)
    assert main(["locate", "rudaw-20231212", "x"]) == 3
    err = capsys.readouterr().err
    assert "internal error (RuntimeError: boom)" in err
    assert "Traceback" not in err
