"""The build: a validated, reproducible, atomically written data package."""

from __future__ import annotations

import errno
import hashlib
import itertools
import json
import os
import signal
import socket
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grounded_events._core import atomic as _atomic
from grounded_events._core.atomic import write_bytes_atomic
from grounded_events._core.version import __version__
from grounded_events._package import build as _build
from grounded_events._package import datapackage as _datapackage
from grounded_events._package import inputs as _inputs
from grounded_events._package import steps as _package
from grounded_events._package.build import build, registry_path, registry_text, write_tree
from grounded_events._package.inputs import BuildError, read_inputs
from grounded_events._schema.generate import table_schema
from grounded_events._schema.table_csv import join_list, neutralise, restore, split_list
from grounded_events._schema.table_parquet import CREATED_BY, WRITE_OPTIONS
from grounded_events._schema.tables import TABLES
from helpers import PYTHON, ROOT, SAMPLE, SAMPLE_ACTORS, build_sample, cli, tree, write_sample


def test_build_writes_every_file(tmp_path: Path) -> None:
    """The package holds datapackage.json, CSV and Parquet per table, JSONL, Croissant, sums,
    and the HTML report of every annotated document."""
    files = tree(build_sample(tmp_path))
    expected = {"datapackage.json", "croissant.json", "events.jsonl", "SHA256SUMS"}
    expected |= {f"{t}.{ext}" for t in TABLES for ext in ("csv", "parquet")}
    expected |= {"report/index.html"}
    expected |= {n for n in files if n.startswith("report/documents/") and n.endswith(".html")}
    assert any(n.startswith("report/documents/") for n in files)
    assert set(files) == expected


def test_sha256sums_cover_every_other_file(tmp_path: Path) -> None:
    """SHA256SUMS is sha256sum output for every other file, sorted by name."""
    files = tree(build_sample(tmp_path))
    lines = files.pop("SHA256SUMS").decode().splitlines()
    assert lines == sorted(lines, key=lambda line: line.split("  ")[1])
    sums = dict(reversed(line.split("  ")) for line in lines)
    assert sums == {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
    result = subprocess.run(
        ["sha256sum", "--check", "--strict", "SHA256SUMS"],
        cwd=tmp_path / "package",
        capture_output=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout


def test_registry_lists_every_release_file(tmp_path: Path) -> None:
    """The download registry has a sorted `name sha256 bytes` line for every file, SHA256SUMS too."""
    files = tree(build_sample(tmp_path))
    text = (tmp_path / "registry.sha256").read_text()
    assert text == registry_text(files)
    names = [line.split(" ")[0] for line in text.splitlines()]
    assert names == sorted(files)
    sizes = {line.split(" ")[0]: int(line.split(" ")[2]) for line in text.splitlines()}
    assert sizes == {name: len(data) for name, data in files.items()}


@pytest.mark.slow
def test_two_builds_in_separate_processes_are_identical(tmp_path: Path) -> None:
    """Two builds in other processes, folders, cwds, time zones and hash seeds: the same bytes."""
    annotations = write_sample(tmp_path / "annotations")
    results = []
    environments = (
        {"TZ": "UTC", "PYTHONHASHSEED": "1", "LC_ALL": "C.UTF-8"},
        {"TZ": "Asia/Tokyo", "PYTHONHASHSEED": "2", "LC_ALL": "C"},
    )
    for n, cwd, env in ((1, tmp_path, environments[0]), (2, ROOT, environments[1])):
        out = tmp_path / f"run{n}" / "deep" / "package"
        done = cli(
            "build",
            "--annotations",
            str(annotations),
            "--seeds",
            str(ROOT / "seeds"),
            "--out",
            str(out),
            "--registry",
            str(tmp_path / f"run{n}.sha256"),
            cwd=cwd,
            env=env,
        )
        assert done.returncode == 0, done.stderr
        results.append(tree(out))
    assert results[0] == results[1]
    assert (tmp_path / "run1.sha256").read_bytes() == (tmp_path / "run2.sha256").read_bytes()


def test_committed_package_equals_a_fresh_build(tmp_path: Path) -> None:
    """datasets/grounded-events/ and the shipped registry are exactly what the build makes now."""
    annotations = ROOT / "datasets" / "annotations"
    assert _inputs.annotation_paths(annotations), "no annotation files"
    committed = ROOT / "datasets" / "grounded-events"
    assert committed.is_dir(), "run `make data` and commit datasets/grounded-events/"
    fresh = build(annotations, ROOT / "seeds", tmp_path / "package", tmp_path / "registry")
    assert tree(committed) == fresh, "the committed package is stale: run `make data`"
    assert registry_path().read_text() == (tmp_path / "registry").read_text()


def test_no_clock_host_or_path_in_any_file(tmp_path: Path) -> None:
    """No file mentions the build folder, the host name or a library version."""
    import pyarrow

    for name, data in tree(build_sample(tmp_path)).items():
        for needle in (str(tmp_path), str(ROOT), socket.gethostname(), pyarrow.__version__):
            assert needle.encode() not in data, (name, needle)
        assert b"parquet-cpp" not in data, name
        assert b"pandas" not in data, name


def test_created_comes_from_the_annotations(tmp_path: Path) -> None:
    """datapackage.json `created` is the latest `annotated` date, not the clock."""
    package = json.loads((build_sample(tmp_path) / "datapackage.json").read_text())
    assert package["created"] == "2024-01-15T00:00:00Z"


def test_datapackage_describes_every_file(tmp_path: Path) -> None:
    """Resources carry bytes and sha256 of their file; licences and seed rights are stated."""
    out = build_sample(tmp_path)
    package = json.loads((out / "datapackage.json").read_text())
    assert package["name"] == "grounded-events"
    assert package["version"] == __version__
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    assert "Rudaw" in package["description"]
    assert "apostrophe" in package["description"]
    assert package["sources"][0]["path"].startswith("https://www.rudaw.net/")
    paths = {r["path"]: r for r in package["resources"]}
    assert set(paths) == set(tree(out)) - {"datapackage.json", "SHA256SUMS"}
    for path, resource in paths.items():
        data = (out / path).read_bytes()
        assert resource["bytes"] == len(data)
        assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
    for name, table in TABLES.items():
        schema = paths[f"{name}.csv"]["schema"]
        assert schema["primaryKey"] == list(table.primary_key)
        assert len(schema.get("foreignKeys", [])) == len(table.foreign_keys)


def test_frictionless_refuses_a_bad_descriptor_and_nothing_is_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Table Schema frictionless refuses (a primary key naming no field) fails the build with
    a BuildError naming the problem, and no package is written."""

    def broken(table: Any) -> dict[str, Any]:
        return {**table_schema(table), "primaryKey": ["no_such_field"]}

    monkeypatch.setattr(_datapackage, "table_schema", broken)
    with pytest.raises(
        BuildError, match=r"frictionless refuses datapackage\.json: .*no_such_field"
    ):
        build_sample(tmp_path)
    assert not (tmp_path / "package").exists()
    assert not (tmp_path / "registry.sha256").exists()


def test_descriptor_check_runs_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """frictionless checks the committed descriptor with no network (the v2 profile is built in)
    and still refuses a wrong one: an unsupported field type, a `created` that is no datetime."""
    committed = json.loads((ROOT / "datasets" / "grounded-events" / "datapackage.json").read_text())

    def offline(*args: object, **kwargs: object) -> None:
        raise OSError("the descriptor check tried the network")

    monkeypatch.setattr(socket.socket, "connect", offline)
    monkeypatch.setattr(socket, "getaddrinfo", offline)
    _datapackage.check(committed)
    created = {**committed, "created": "yesterday"}
    with pytest.raises(BuildError, match='property "created" is not valid "datetime"'):
        _datapackage.check(created)
    strin = json.loads(json.dumps(committed))
    strin["resources"][0]["schema"]["fields"][0]["type"] = "strin"
    with pytest.raises(BuildError, match='field type "strin" is not supported'):
        _datapackage.check(strin)


def test_a_step_may_not_rewrite_another_steps_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A step that returns a file an earlier step wrote is a BuildError naming the step and file."""

    def again(inputs: object, files: object) -> dict[str, bytes]:
        return {"events.jsonl": b""}

    monkeypatch.setattr(_package, "STEPS", (*_package.STEPS, again))
    with pytest.raises(BuildError, match=r"again rewrites events\.jsonl"):
        build_sample(tmp_path)
    assert not (tmp_path / "package").exists()


def test_parquet_writer_options_are_pinned(tmp_path: Path) -> None:
    """Parquet files: format 2.6, zstd, statistics, one row group, no pandas or Arrow metadata."""
    out = build_sample(tmp_path)
    for name in TABLES:
        meta = pq.read_metadata(out / f"{name}.parquet")
        assert meta.created_by == CREATED_BY
        assert meta.format_version == WRITE_OPTIONS["version"]
        assert meta.metadata is None
        assert meta.num_row_groups == 1
        for i in range(meta.num_columns):
            column = meta.row_group(0).column(i)
            assert column.compression == "ZSTD"
            assert column.is_stats_set or meta.num_rows == 0


def test_csv_uses_lf_and_neutralises_formulas(tmp_path: Path) -> None:
    """CSV lines end in "\\n"; = + - @ cells get a ' and so quotes; Parquet keeps the value."""
    out = build_sample(tmp_path)
    for name in TABLES:
        assert b"\r" not in (out / f"{name}.csv").read_bytes()
    events = (out / "events.csv").read_text()
    assert ",\"'=SUM(A1) rockets" in events
    assert ",\"'+The US State" in events
    actors = (out / "actors.csv").read_text()
    assert ',"\'-Iran-aligned militias",' in actors
    assert ',"\'@US Embassy | Baghdad \\ compound",' in actors
    assert ",\"''=United States government\"," in actors
    evidence = (out / "evidence.csv").read_text()
    assert ",\"'- The continued attacks" in evidence
    names = pq.read_table(out / "actors.parquet").column("name").to_pylist()
    assert "'=United States government" in names
    assert "@US Embassy | Baghdad \\ compound" in names


@given(st.text())
def test_neutralise_round_trips(value: str) -> None:
    """restore(neutralise(v)) == v for every text, and no exported cell starts a formula."""
    cell = neutralise(value)
    assert restore(cell) == value
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


@given(st.lists(st.text()))
def test_list_cells_round_trip(items: list[str]) -> None:
    """split_list(join_list(items)) == items, whatever | or backslash the items hold."""
    if items == [""]:
        return  # one empty item and no item are the same empty cell
    assert split_list(join_list(items)) == items


@pytest.mark.slow
def test_build_refuses_invalid_annotations(tmp_path: Path) -> None:
    """A quote that is not the document slice: errors printed, exit 1, nothing written."""
    bad = SAMPLE.replace("quote: rockets", "quote: rocket!")
    annotations = write_sample(tmp_path / "annotations", bad)
    out = tmp_path / "package"
    done = cli("build", "--annotations", str(annotations), "--out", str(out))
    assert done.returncode == 1
    assert "rudaw-20231212.yaml" in done.stderr and "GE501" in done.stderr
    assert "nothing was built" in done.stderr
    assert not out.exists()


def test_build_validates_before_building(tmp_path: Path) -> None:
    """build() itself runs the validator first: an annotation it refuses (a quote that is not
    the document's text) builds no package, so no report page draws a span that lies."""
    bad = SAMPLE.replace("quote: rockets", "quote: rocket!")
    annotations = write_sample(tmp_path / "annotations", bad)
    with pytest.raises(_inputs.InvalidInputs) as refused:
        build(annotations, ROOT / "seeds", tmp_path / "package")
    assert refused.value.report.codes == {"GE501"}
    assert not (tmp_path / "package").exists()


@pytest.mark.slow
def test_missing_or_empty_input_folders_are_clear_errors(tmp_path: Path) -> None:
    """A missing folder is a usage error (exit 2); an empty one builds nothing (exit 1)."""
    done = cli("build", "--annotations", str(tmp_path / "nope"), "--out", str(tmp_path / "p"))
    assert done.returncode == 2
    assert "nope: no such folder" in done.stderr
    (tmp_path / "empty").mkdir()
    done = cli("build", "--annotations", str(tmp_path / "empty"), "--out", str(tmp_path / "p"))
    assert done.returncode == 1
    assert "no annotation files" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "p").exists()


def test_an_actor_defined_twice_is_refused(tmp_path: Path) -> None:
    """One actor_id defined twice (two ways) in the dataset's actors.yaml refuses the build:
    GE601 at the second definition, nothing written; reading the inputs alone refuses it too."""
    annotations = write_sample(tmp_path / "annotations")
    (tmp_path / "actors.yaml").write_text(
        SAMPLE_ACTORS
        + "  - actor_id: iran-aligned-militias\n"
        + "    name: Iran-aligned groups\n"
        + "    actor_type: non_state_armed_group\n",
        encoding="utf-8",
    )
    out = tmp_path / "package"
    with pytest.raises(_inputs.InvalidInputs) as refused:
        build(annotations, ROOT / "seeds", out, tmp_path / "registry.sha256")
    assert [(e.code, Path(e.file).name, e.line) for e in refused.value.report.errors] == [
        ("GE601", "actors.yaml", SAMPLE_ACTORS.count("\n") + 1)
    ]
    assert "iran-aligned-militias" in refused.value.report.errors[0].message
    assert not out.exists()
    with pytest.raises(BuildError, match="iran-aligned-militias"):
        read_inputs(annotations, ROOT / "seeds")


def test_a_failed_build_leaves_the_old_package(tmp_path: Path, monkeypatch) -> None:
    """A crash while building or writing keeps the previous package whole, no temp folder left."""
    out = build_sample(tmp_path)
    before = tree(out)

    def crash(inputs: object, files: object) -> dict[str, bytes]:
        raise RuntimeError("a step failed")

    with monkeypatch.context() as patch:
        patch.setattr(_package, "STEPS", (*_package.STEPS, crash))
        with pytest.raises(RuntimeError):
            build(tmp_path / "annotations", ROOT / "seeds", out)
    assert tree(out) == before

    written: list[Path] = []

    def full_disk(path: Path, data: bytes) -> None:
        if len(written) == 3:
            raise OSError(28, "No space left on device")
        written.append(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    monkeypatch.setattr(_build, "write_bytes_atomic", full_disk)
    with pytest.raises(OSError, match="No space"):
        write_tree({f"{n}.csv": b"x" for n in range(5)}, out)
    assert tree(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_sample_rows_are_sorted_by_primary_key(tmp_path: Path) -> None:
    """Rows are in primary-key order whatever the order of the annotation file."""
    out = build_sample(tmp_path)
    for name, table in TABLES.items():
        rows = pq.read_table(out / f"{name}.parquet").to_pylist()
        keys = [tuple(str(r[k]) for k in table.primary_key) for r in rows]
        assert keys == sorted(keys)


# The os calls that add, remove or rename a name in the file system: the steps a kill can split.
NAME_STEPS = ("mkdir", "rename", "replace", "rmdir", "unlink")
OLD = {"old.csv": b"old\n", "nested/old.txt": b"old text\n", "SHA256SUMS": b"old sums\n"}


def _no_exchange(a: Path, b: Path) -> None:
    """exchange on a system without RENAME_EXCHANGE."""
    raise OSError(errno.EINVAL, "Invalid argument", str(a))


def _killing(function: Callable[..., Any], step: int, count: itertools.count) -> Callable[..., Any]:
    """`function`, but the process is SIGKILLed on the step-th call of any function so wrapped."""

    def call(*args: Any, **kwargs: Any) -> Any:
        if next(count) == step:
            os.kill(os.getpid(), signal.SIGKILL)
        return function(*args, **kwargs)

    return call


def _killed_writing(files: dict[str, bytes], out: Path, step: int, exchange: bool) -> bool:
    """Run write_tree in a child process SIGKILLed before its step-th name change; False when it
    finished in fewer steps."""
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 1
        try:
            signal.alarm(20)  # a stuck child dies instead of hanging the suite
            count = itertools.count()
            for name in NAME_STEPS:
                setattr(os, name, _killing(getattr(os, name), step, count))
            swap = _atomic.exchange if exchange else _no_exchange
            _atomic.exchange = _killing(swap, step, count)
            write_tree(files, out)
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        return True
    assert os.WEXITSTATUS(status) == 0, "write_tree failed in the child"
    return False


def _full_disk(path: Path, data: bytes) -> None:
    """write_bytes_atomic on a full disk."""
    raise OSError(errno.ENOSPC, "No space left on device", str(path))


def _beside(out: Path) -> list[str]:
    """Whatever is in the target's folder besides the target."""
    return sorted(p.name for p in out.parent.iterdir() if p.name != out.name)


@pytest.mark.slow
@pytest.mark.parametrize("exchange", [True, False], ids=["exchange", "two-renames"])
def test_a_kill_at_any_step_leaves_a_complete_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exchange: bool
) -> None:
    """SIGKILL before any name change of a build leaves the old or the new package whole (or,
    without RENAME_EXCHANGE, the old one whole aside); the next build puts it back and clears
    every leftover, even when that build fails."""
    new = tree(build_sample(tmp_path / "sample"))
    out = tmp_path / "target" / "package"
    if not exchange:
        monkeypatch.setattr(_atomic, "exchange", _no_exchange)
    for step in itertools.count():
        write_tree(OLD, out)
        assert tree(out) == OLD and _beside(out) == []
        if not _killed_writing(new, out, step, exchange):
            break
        if out.exists():
            assert tree(out) in (OLD, new), f"step {step}"
        else:
            asides = [p for p in out.parent.glob(".package.old-*")]
            assert not exchange and len(asides) == 1, f"step {step}: no package"
            assert tree(asides[0]) == OLD, f"step {step}"
        before = tree(out) if out.exists() else OLD
        with monkeypatch.context() as patch:
            patch.setattr(_build, "write_bytes_atomic", _full_disk)
            with pytest.raises(OSError, match="No space"):
                write_tree(new, out)
        assert tree(out) == before and _beside(out) == [], f"step {step}"
    assert tree(out) == new and _beside(out) == []
    assert step > len(new), "the kill never reached the swap"


@pytest.mark.slow
def test_a_killed_build_command_keeps_the_old_package(tmp_path: Path) -> None:
    """`grounded-events build` SIGKILLed at the swap keeps the old package; the next run
    replaces it and removes the killed run's leftovers."""
    annotations = write_sample(tmp_path / "annotations")
    out = tmp_path / "target" / "package"
    _build.write_tree(OLD, out)
    argv = ["build", "--annotations", str(annotations), "--seeds", str(ROOT / "seeds")]
    argv += ["--out", str(out)]
    kill_at_swap = (
        "import os, signal, sys; from grounded_events import cli; from grounded_events._core import atomic as _atomic; "
        "_atomic.exchange = lambda a, b: os.kill(os.getpid(), signal.SIGKILL); "
        "sys.exit(cli.main(sys.argv[1:]))"
    )
    done = subprocess.run(
        [PYTHON, "-c", kill_at_swap, *argv], capture_output=True, text=True, check=False
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert tree(out) == OLD
    assert any(name.startswith(".package.new-") for name in _beside(out))
    done = cli(*argv)
    assert done.returncode == 0, done.stderr
    assert _beside(out) == []
    check = subprocess.run(["sha256sum", "--check", "--strict", "--quiet", "SHA256SUMS"], cwd=out)
    assert check.returncode == 0


@pytest.mark.slow
def test_concurrent_builds_leave_one_package_and_no_leftovers(tmp_path: Path) -> None:
    """Four builds at once into one target all succeed, one after the other: one complete
    package, its registry, nothing else beside it."""
    annotations = write_sample(tmp_path / "annotations")
    out = tmp_path / "target" / "package"
    registry = tmp_path / "target" / "registry.sha256"
    argv = ["-m", "grounded_events.cli", "build", "--annotations", str(annotations)]
    argv += ["--seeds", str(ROOT / "seeds"), "--out", str(out), "--registry", str(registry)]
    builds = [
        subprocess.Popen([PYTHON, *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(4)
    ]
    for process in builds:
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, stderr.decode()
    assert _beside(out) == ["registry.sha256"]
    assert registry.read_text() == registry_text(tree(out))
    check = subprocess.run(["sha256sum", "--check", "--strict", "--quiet", "SHA256SUMS"], cwd=out)
    assert check.returncode == 0


NAMES = st.lists(st.sampled_from(["a", "b.csv", "report", "x y", "é"]), min_size=1, max_size=3)
TREES = st.dictionaries(NAMES.map("/".join), st.binary(max_size=8), min_size=1, max_size=5).map(
    lambda files: {n: d for n, d in files.items() if not any(m.startswith(f"{n}/") for m in files)}
)  # a name cannot be both a file and a folder
LEFTOVERS = st.lists(st.sampled_from([".package.new-", ".package.old-", ".package.lock"]))


@settings(max_examples=40, deadline=None)
@given(old=st.none() | TREES, new=TREES, leftovers=LEFTOVERS)
def test_a_build_clears_any_leftovers(
    tmp_path_factory: pytest.TempPathFactory,
    old: dict[str, bytes] | None,
    new: dict[str, bytes],
    leftovers: list[str],
) -> None:
    """Whatever package and crash leftovers are beside the target, a build ends with exactly its
    own files there and nothing else."""
    out = tmp_path_factory.mktemp("target") / "package"
    if old is not None:
        write_tree(old, out)
    for n, prefix in enumerate(leftovers):
        if prefix.endswith("lock"):
            (out.parent / prefix).touch()
        else:
            write_bytes_atomic(out.parent / f"{prefix}{n}" / "partial.csv", b"half")
    write_tree(new, out)
    assert tree(out) == new
    assert _beside(out) == []
