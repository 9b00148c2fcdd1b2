"""The GitHub Action as shipped: its structure, and its steps run as the runner runs them."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from grounded_events import __version__
from grounded_events._sources.layout import schema_url
from helpers import (
    DOC_ID,
    ROOT,
    clean_env,
    docs_block,
    made_once,
    set_cell,
    wheelhouse,
    write_annotation,
    write_seeds,
    write_tables,
)

ACTION = ROOT / "action.yml"
# The block of docs/ci.md that users copy: the test runs what the docs show.
WORKFLOW = docs_block("ci.md", "uses: grounded-events/grounded-events@")
# What the runner puts in place of the expressions an `env:` value may hold.
EXPRESSION = re.compile(r"^\$\{\{ (inputs\.([a-z-]+)|github\.action_path) \}\}$")


def load_action() -> dict[str, Any]:
    """action.yml as data."""
    action: dict[str, Any] = YAML(typ="safe").load(ACTION.read_text(encoding="utf-8"))
    return action


def run_steps(action: dict[str, Any]) -> list[dict[str, Any]]:
    """The action's `run:` steps, in order."""
    return [step for step in action["runs"]["steps"] if "run" in step]


# --- running the steps --------------------------------------------------------------------------


def run_step(
    step: dict[str, Any], inputs: dict[str, str], env: dict[str, str], cwd: Path
) -> subprocess.CompletedProcess[str]:
    """One `run:` step as the runner runs a bash step: its `env:` expressions filled in from
    `inputs` (defaults from action.yml) and the action's path, `bash --noprofile --norc -eo
    pipefail` on the script, in the workspace."""
    defaults = {
        name: str(spec.get("default", "")) for name, spec in load_action()["inputs"].items()
    }
    values = {**defaults, **inputs}
    step_env = dict(env)
    for name, expression in step.get("env", {}).items():
        match = EXPRESSION.match(expression)
        assert match, f"{name}: {expression!r} is not one input or the action's path"
        step_env[name] = values[match[2]] if match[2] else str(ROOT)
    script = cwd.parent / "step.sh"
    script.write_text(step["run"], encoding="utf-8")
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        cwd=cwd,
        env=step_env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def runner(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of a job after the action's install step: a fresh venv's Python first
    on PATH (in place of actions/setup-python), the checkout installed by the step itself;
    made once per test run."""
    env = {
        "GITHUB_ACTION_PATH": str(ROOT),
        "GITHUB_ACTIONS": "true",
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(wheelhouse(tmp_path_factory)),
    }

    def make(folder: Path) -> None:
        subprocess.run([sys.executable, "-m", "venv", folder / "venv"], check=True)
        (folder / "workspace").mkdir()
        install = run_steps(load_action())[0]
        done = run_step(install, {}, clean_env(folder / "venv" / "bin") | env, folder / "workspace")
        assert done.returncode == 0, done.stdout + done.stderr

    folder = made_once(tmp_path_factory, "runner", make)
    return clean_env(folder / "venv" / "bin") | env


def scratch_repo(tmp_path: Path) -> Path:
    """A user's repository: valid tables in good/, an events table with a bad event_type in
    `bad data/` (a folder name with a space)."""
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", repo], check=True)
    write_tables(repo / "good")
    bad = write_tables(repo / "bad data")["events"]
    set_cell(bad, 2, "event_type", "bombing")
    return repo


def validate_step(
    repo: Path, env: dict[str, str], **inputs: str
) -> subprocess.CompletedProcess[str]:
    """The action's steps after the install, with `inputs` (schema_version for schema-version)."""
    inputs = {name.replace("_", "-"): value for name, value in inputs.items()}
    result = None
    for step in run_steps(load_action())[1:]:
        result = run_step(step, inputs, {**env, "GITHUB_WORKSPACE": str(repo)}, repo)
        if result.returncode:
            break
    assert result is not None
    return result


# --- structure ----------------------------------------------------------------------------------


def test_action_sets_up_python_and_installs_from_its_checkout() -> None:
    """The action sets up Python (3.11 unless asked) and pip-installs its own checkout, never
    a version from the package index."""
    action = load_action()
    setup, install, _validate = action["runs"]["steps"]
    assert setup["uses"] == "actions/setup-python@v5"
    assert setup["with"] == {"python-version": "${{ inputs.python-version }}"}
    assert action["inputs"]["python-version"]["default"] == "3.11"
    assert install["env"] == {"GE_ACTION_PATH": "${{ github.action_path }}"}
    assert "python -m pip install" in install["run"]
    assert install["run"].rstrip().endswith('"$GE_ACTION_PATH"')
    assert "version" not in action["inputs"]
    assert "grounded-events==" not in ACTION.read_text(encoding="utf-8")


def test_action_scripts_take_inputs_from_env_only() -> None:
    """No `${{ }}` inside a `run:` script (it would be pasted into the script before bash reads
    it); each `env:` value is exactly one input, or the action's path."""
    action = load_action()
    steps = run_steps(action)
    assert len(steps) == 2
    for step in steps:
        assert step["shell"] == "bash"
        assert "${{" not in step["run"]
        for expression in step.get("env", {}).values():
            match = EXPRESSION.match(expression)
            assert match, expression
            assert match[2] is None or match[2] in action["inputs"]
    assert "--format github" in steps[-1]["run"]


# --- the steps, run ----------------------------------------------------------------------------


@pytest.mark.slow
def test_action_installs_the_checkout(runner: dict[str, str]) -> None:
    """The install step puts the checkout's validator, with its data, into the job's Python."""
    script = (
        "import grounded_events, pathlib; "
        "print(pathlib.Path(grounded_events.__file__).parent); "
        "print(grounded_events.__version__)"
    )
    where, version = subprocess.run(
        ["python", "-c", script], env=runner, capture_output=True, text=True, check=True
    ).stdout.split()
    import grounded_events

    assert version == grounded_events.__version__
    assert not Path(where).is_relative_to(ROOT)  # a copy, not this checkout's src/
    assert (Path(where) / "_data" / "datapackage.json").is_file()


@pytest.mark.slow
def test_action_reports_only_the_bad_file(runner: dict[str, str], tmp_path: Path) -> None:
    """One path a line, one with a space: exit 1 and workflow annotations on the bad file's
    line only."""
    repo = scratch_repo(tmp_path)
    result = validate_step(repo, runner, paths="good/events.csv\nbad data/events.csv\n")
    assert result.returncode == 1, result.stderr
    (line,) = result.stdout.splitlines()
    assert line.startswith("::error file=bad data/events.csv,line=2,title=GE301 unknown-value::")
    assert "'bombing'" in result.stdout


@pytest.mark.slow
def test_action_reads_space_separated_paths(runner: dict[str, str], tmp_path: Path) -> None:
    """For compatibility, a line of space-separated existing paths is those paths; a line that
    is itself a path stays whole."""
    repo = scratch_repo(tmp_path)
    result = validate_step(repo, runner, paths="good/events.csv good/actors.csv")
    assert (result.returncode, result.stdout) == (0, "")
    result = validate_step(repo, runner, paths="  bad data/events.csv  ")
    assert result.returncode == 1
    assert result.stdout.startswith("::error file=bad data/events.csv,line=2,")


@pytest.mark.slow
def test_action_passes_seeds_and_schema_version(runner: dict[str, str], tmp_path: Path) -> None:
    """`seeds` (a folder with a space) grounds annotation files; `schema-version` picks a
    published version, and an unknown one is a usage error (exit 2)."""
    repo = scratch_repo(tmp_path)
    write_seeds(repo / "source texts")
    (repo / "annotations").mkdir()
    write_annotation(repo / "annotations" / "doc.yaml")  # and repo/actors.yaml
    ok = validate_step(
        repo, runner, paths="annotations", seeds="source texts", schema_version=__version__
    )
    assert (ok.returncode, ok.stdout, ok.stderr) == (0, "", "")
    unknown = validate_step(repo, runner, paths="good", schema_version="9.9.9")
    assert unknown.returncode == 2
    assert "grounded-events validate: error:" in unknown.stderr
    assert "9.9.9" in unknown.stderr


@pytest.mark.slow
def test_action_inputs_are_not_code(runner: dict[str, str], tmp_path: Path) -> None:
    """An input holding shell syntax, a glob or an option is a file name that does not exist,
    never run, expanded or read as an option."""
    repo = scratch_repo(tmp_path)
    paths = '$(touch injected)\n"; touch injected; "\n*\n--help'
    result = validate_step(repo, runner, paths=paths)
    assert not (repo / "injected").exists()
    assert result.returncode == 2
    files = re.findall(r"^::error file=([^,]*),", result.stdout, re.MULTILINE)
    assert files == ["$(touch injected)", '"; touch injected; "', "*", "--help"]


@pytest.mark.slow
def test_action_without_paths_says_so(runner: dict[str, str], tmp_path: Path) -> None:
    """A `paths` input of blank lines is an error annotation and exit 2."""
    repo = scratch_repo(tmp_path)
    result = validate_step(repo, runner, paths="\n  \n")
    assert result.returncode == 2
    assert result.stdout == (
        "::error title=grounded-events validate::the paths input names no file or folder\n"
    )


def usage_inputs() -> dict[str, str]:
    """The `with:` of the action's step in the docs' WORKFLOW."""
    workflow = YAML(typ="safe").load(WORKFLOW)
    (step,) = (
        step
        for step in workflow["jobs"]["validate"]["steps"]
        if step["uses"].startswith("grounded-events/grounded-events@")
    )
    inputs: dict[str, str] = step["with"]
    return inputs


def test_usage_block_names_real_inputs() -> None:
    """The docs' workflow sets only inputs the action has, and every required one."""
    inputs = load_action()["inputs"]
    given = usage_inputs()
    assert set(given) <= set(inputs)
    assert {name for name, spec in inputs.items() if spec.get("required")} <= set(given)


@pytest.mark.slow
def test_usage_block_runs(runner: dict[str, str], tmp_path: Path) -> None:
    """The docs' workflow, on a repository laid out as it says, validates and passes."""
    repo = scratch_repo(tmp_path)
    write_seeds(repo / "seeds")
    (repo / "datasets" / "annotations").mkdir(parents=True)
    # laid out as the dataset: named after its doc_id, the published schema on its first line
    # (and the dataset's actors.yaml in datasets/)
    path = write_annotation(repo / "datasets" / "annotations" / f"{DOC_ID}.yaml")
    line = f"# yaml-language-server: $schema={schema_url(__version__)}\n"
    path.write_text(line + path.read_text(encoding="utf-8"), encoding="utf-8")
    (repo / "exports").mkdir()
    shutil.copy(repo / "good" / "events.csv", repo / "exports" / "events.csv")
    inputs = {name.replace("-", "_"): value for name, value in usage_inputs().items()}
    result = validate_step(repo, runner, **inputs)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
