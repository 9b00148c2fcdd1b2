"""The pre-commit hook as shipped: what its `files:` pattern passes, and a real try-repo run."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from grounded_events._core.version import SCHEMA_VERSION
from grounded_events._validation import validate
from helpers import (
    DOC_ID,
    ROOT,
    actors_data,
    clean_env,
    docs_block,
    set_cell,
    wheelhouse,
    write_annotation,
    write_seeds,
    write_tables,
    write_yaml,
)

# The block of docs/ci.md that users copy: the test runs what the docs show.
CONFIG = docs_block("ci.md", "repos:")


def hook() -> dict[str, Any]:
    """The one hook .pre-commit-hooks.yaml publishes."""
    (only,) = YAML(typ="safe").load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert isinstance(only, dict)
    return only


@pytest.mark.parametrize(
    ("path", "passed"),
    [
        ("events.csv", True),
        ("data/events.parquet", True),
        ("data/events.2024.parquet", True),
        ("out/event_actors.csv", True),
        ("evidence.jsonl", True),
        ("events.jsonl", True),
        ("datapackage.json", True),
        ("datasets/annotations/rudaw-20231212.yaml", True),
        ("datasets/actors.yaml", True),
        ("datasets/links.yaml", True),
        ("docker-compose.yml", True),  # every YAML: the validator skips what is not ours
        ("cities.csv", False),
        ("data/myevents.csv", False),
        ("events.csv.bak", False),
        ("events/part-0.txt", False),
        ("README.md", False),
    ],
)
def test_hook_files_pattern(path: str, passed: bool) -> None:
    """The hook passes event tables by name, and YAML and JSON files; no other CSV."""
    assert bool(re.search(hook()["files"], path)) is passed


def test_hook_skips_what_is_not_ours() -> None:
    """The hook runs validate with --skip-foreign, in one process for all files."""
    assert hook()["entry"] == "grounded-events validate --skip-foreign"
    assert hook()["language"] == "python"
    assert hook()["require_serial"] is True


def test_the_dataset_files_are_checked_not_skipped(tmp_path: Path) -> None:
    """The hook's --skip-foreign checks the dataset's actors.yaml and links.yaml (a broken one
    fails the commit); a YAML file merely named links.yaml, with no links list, is skipped."""
    repo = tmp_path / "repo"
    (repo / "annotations").mkdir(parents=True)
    annotation = write_annotation(repo / "annotations" / "doc.yaml")
    actors = actors_data()
    actors["actors"][0]["actor_type"] = "army"
    write_yaml(repo / "actors.yaml", actors)
    link = {"relation": "about", "source": f"{DOC_ID}-e02", "target": f"{DOC_ID}-e01"}
    write_yaml(repo / "links.yaml", {"schema_version": SCHEMA_VERSION, "links": [link]})
    (repo / "docs").mkdir()
    (repo / "docs" / "links.yaml").write_text("nav:\n  - home\n", encoding="utf-8")
    paths = [annotation, repo / "actors.yaml", repo / "links.yaml", repo / "docs" / "links.yaml"]
    report = validate(paths, seeds=write_seeds(repo / "seeds"), skip_foreign=True)
    assert [(Path(e.file).name, e.code, e.field) for e in report.errors] == [
        ("actors.yaml", "GE301", "actors[0].actor_type"),
        ("links.yaml", "GE204", "links[0]"),  # no note and no evidence
    ]
    assert report.skipped == [str(repo / "docs" / "links.yaml")]


def test_config_block_is_valid(tmp_path: Path) -> None:
    """The docs' config passes pre-commit's own check, names the published hook, and its args
    are options of validate."""
    from grounded_events._validation.cli import configure

    config = tmp_path / ".pre-commit-config.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    check = [sys.executable, "-m", "pre_commit", "validate-config", str(config)]
    result = subprocess.run(check, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    ((used,),) = (repo["hooks"] for repo in YAML(typ="safe").load(CONFIG)["repos"])
    assert used["id"] == hook()["id"]
    parser = argparse.ArgumentParser()
    configure(parser)
    entry_args = hook()["entry"].split()[2:]
    args = parser.parse_args([*entry_args, *used["args"], "file.yaml"])
    assert (args.skip_foreign, args.seeds) == (True, Path("seeds"))


def scratch_repo(tmp_path: Path) -> Path:
    """A user's repository: a workflow, a compose file, an unrelated CSV, an annotation file
    with its actors.yaml and seeds, and one events table with a bad event_type; all staged."""
    repo = tmp_path / "repo"
    (repo / ".github" / "workflows").mkdir(parents=True)
    (repo / ".github" / "workflows" / "ci.yml").write_text(
        "name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - run: make test\n",
        encoding="utf-8",
    )
    (repo / "docker-compose.yml").write_text(
        "services:\n  db:\n    image: postgres:16\n", encoding="utf-8"
    )
    (repo / "cities.csv").write_text("name,country,population\nErbil,IRQ,1000\n", encoding="utf-8")
    write_seeds(repo / "seeds")
    (repo / "annotations").mkdir()
    write_annotation(repo / "annotations" / "doc.yaml")  # and the dataset's actors.yaml
    events = write_tables(repo / "tables")["events"]
    set_cell(events, 2, "event_type", "bombing")
    subprocess.run(["git", "init", "-q", repo], check=True)
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    return repo


@pytest.mark.slow
def test_try_repo_reports_only_the_bad_events_file(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """`pre-commit try-repo CHECKOUT grounded-events-validate --all-files` on a user's
    repository fails on the bad events table alone: the workflow and compose files are
    skipped, the unrelated CSV never passed, the annotation file and its actors.yaml valid."""
    repo = scratch_repo(tmp_path)
    env = clean_env()
    env |= {
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "PIP_NO_INDEX": "1",  # the hook's env installs from the checkout and these wheels
        "PIP_FIND_LINKS": str(wheelhouse(tmp_path_factory)),
    }
    result = subprocess.run(
        [
            *(sys.executable, "-m", "pre_commit", "try-repo", str(ROOT)),
            *("grounded-events-validate", "--all-files", "--color", "never"),
        ],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    out = result.stdout
    assert result.returncode == 1, out + result.stderr
    assert re.search(r"^grounded-events validate\.+Failed$", out, re.MULTILINE), out
    errors = re.findall(r"^(\S+?):(\d+): (GE\d{3}) ", out, re.MULTILINE)
    assert {(file, code) for file, _line, code in errors} == {("tables/events.csv", "GE301")}
    skipped = re.findall(r"^(\S+): skipped: ", out, re.MULTILINE)
    # seeds/index.json is JSON, so passed: not an annotation file, so skipped
    assert sorted(skipped) == [".github/workflows/ci.yml", "docker-compose.yml", "seeds/index.json"]
    assert "cities.csv" not in out
    assert re.search(r"^1 error in 7 files, 3 skipped$", out, re.MULTILINE), out
