"""Hostile input end to end: every command answers 0, 1 or 2 with a coded error, in bounded time and memory."""

from __future__ import annotations

import contextlib
import io
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grounded_events.cli import main
from helpers import ROOT

# Most cases run the command line in a fresh process (a second or more each): minutes in all.
pytestmark = pytest.mark.slow

PACKAGE = ROOT / "datasets" / "grounded-events"
ANNOTATION = ROOT / "datasets" / "annotations" / "rudaw-20231212.yaml"
SEEDS = ROOT / "seeds"
# The promise: nothing crashes, hangs or runs out of memory on a 4 GB-limited run.
MEMORY_LIMIT = 4 << 30
TIMEOUT = 60


@dataclass
class Outcome:
    code: int
    stdout: str
    stderr: str


def run_cli(*args: str, cwd: Path = ROOT) -> Outcome:
    """Run `grounded-events ARGS` in a child limited to 4 GB of address space and TIMEOUT s."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))

    env = {k: v for k, v in os.environ.items() if k != "GROUNDED_EVENTS_DEBUG"}
    result = subprocess.run(
        [sys.executable, "-m", "grounded_events.cli", *args],
        cwd=cwd,
        env=env,
        preexec_fn=limit,
        capture_output=True,
        text=True,
        errors="replace",
        timeout=TIMEOUT,
        stdin=subprocess.DEVNULL,
    )
    return Outcome(result.returncode, result.stdout, result.stderr)


def assert_refused(outcome: Outcome, *, names: str) -> None:
    """A clean refusal: exit 1 or 2, no traceback, and a message that names `names`."""
    text = outcome.stdout + outcome.stderr
    assert outcome.code in (1, 2), f"exit {outcome.code}: {text[-2000:]}"
    assert "Traceback" not in text and "internal error" not in text, text[-2000:]
    assert names in text, f"{names!r} not named in: {text[-2000:]}"


def assert_coded(outcome: Outcome, file: Path, *, field: str | None = None) -> list[dict]:
    """A refusal by `validate --format json`: coded errors that name the file (and the field)."""
    assert outcome.code in (1, 2), f"exit {outcome.code}: {outcome.stdout[-1000:]}{outcome.stderr}"
    assert "Traceback" not in outcome.stderr and "internal error" not in outcome.stderr
    errors = json.loads(outcome.stdout)
    assert errors, "no error reported"
    for error in errors:
        assert error["code"].startswith("GE"), error
        assert file.name in error["file"], error
    if field is not None:
        fields = [str(e.get("field") or "") + " " + e.get("message", "") for e in errors]
        assert any(field in f for f in fields), errors
    return errors


def validate(*paths: Path, extra: tuple[str, ...] = ()) -> Outcome:
    return run_cli("validate", "--format", "json", *extra, *map(str, paths))


# --- tables: one hostile change to a copy of the published package's tables ---------------------


def _tables(tmp_path: Path) -> Path:
    folder = tmp_path / "tables"
    folder.mkdir()
    for path in PACKAGE.iterdir():
        if path.suffix in (".csv", ".parquet", ".jsonl"):
            shutil.copyfile(path, folder / path.name)
    return folder


def _replace_parquet_column(path: Path, name: str, array: pa.Array) -> None:
    table = pq.read_table(path)
    index = table.schema.get_field_index(name)
    pq.write_table(table.set_column(index, name, array), path)


def _edit_jsonl(path: Path, edit: Callable[[dict], None]) -> None:
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line]
    edit(records[2])
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    path.write_text(text, encoding="utf-8")


def _edit_csv_cell(path: Path, column: str, value: str) -> None:
    import csv

    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[3][rows[0].index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


PARQUET_TYPE_CASES: dict[str, tuple[str, Callable[[int], pa.Array]]] = {
    "integer ids": ("event_id", lambda n: pa.array(range(n), pa.int64())),
    "timestamps for dates": (
        "date_start",
        lambda n: pa.array([1_700_000_000_000] * n, pa.timestamp("ms")),
    ),
    "integer booleans": ("is_aggregate", lambda n: pa.array([0] * n, pa.int64())),
    "float counts": ("fatalities_best", lambda n: pa.array([0.0] * n, pa.float64())),
    "struct for text": (
        "summary",
        lambda n: pa.array([{"a": "x"}] * n, pa.struct([("a", pa.string())])),
    ),
    "binary for text": ("summary", lambda n: pa.array([b"x"] * n, pa.binary())),
    "nested list": (
        "weapons",
        lambda n: pa.array([[["rocket"]]] * n, pa.list_(pa.list_(pa.string()))),
    ),
}


@pytest.mark.parametrize("case", sorted(PARQUET_TYPE_CASES))
def test_parquet_wrong_types_are_type_errors(tmp_path: Path, case: str) -> None:
    """A Parquet column of the wrong physical type is a coded type error, never valid."""
    column, make = PARQUET_TYPE_CASES[case]
    path = _tables(tmp_path) / "events.parquet"
    _replace_parquet_column(path, column, make(pq.read_metadata(path).num_rows))
    assert_coded(validate(path), path, field=column)


def test_parquet_text_that_is_not_utf8_is_an_encoding_error(tmp_path: Path) -> None:
    """Parquet hands text bytes on unchecked: bytes that are not UTF-8 are GE104 at their row
    and column, never an internal error."""
    path = _tables(tmp_path) / "events.parquet"
    n = pq.read_metadata(path).num_rows
    summaries = pa.array([b"ok"] * 2 + [b"caf\xe9"] * (n - 2), pa.binary()).view(pa.string())
    _replace_parquet_column(path, "summary", summaries)
    errors = assert_coded(validate(path), path, field="summary")
    assert [(e["code"], e["line"]) for e in errors] == [("GE104", 3)], errors


JSONL_CASES: dict[str, Callable[[dict], None]] = {
    "quoted count": lambda r: r["fatalities"].update(best="0"),
    "float count": lambda r: r["fatalities"].update(best=0.0),
    "integer boolean": lambda r: r.update(is_aggregate=0),
    "integer id": lambda r: r.update(event_id=3),
    "year 0": lambda r: r["date"].update(start="0000-01-01"),
    "year 10000": lambda r: r["date"].update(end="10000-01-01"),
    "30 February": lambda r: r["date"].update(start="2024-02-30"),
    "timestamp for date": lambda r: r["date"].update(start="2023-12-08T00:00:00Z"),
    "nested list": lambda r: r.update(weapons=[["rocket"]]),
    "huge offset": lambda r: r["evidence"][0].update(start=10**29),
    "5000-digit count": lambda r: r["fatalities"].update(best=int("9" * 5000)),
}


@pytest.mark.parametrize("case", sorted(JSONL_CASES))
def test_jsonl_hostile_values_are_coded_errors(tmp_path: Path, case: str) -> None:
    """A hostile value in events.jsonl is a coded error naming file and line, never exit 0 or 3."""
    path = _tables(tmp_path) / "events.jsonl"
    if case == "5000-digit count":  # json.dumps refuses such an int too: write its digits
        _edit_jsonl(path, lambda r: r["fatalities"].update(best="@@BIG@@"))
        text = path.read_text(encoding="utf-8").replace('"@@BIG@@"', "9" * 5000)
        path.write_text(text, encoding="utf-8")
    else:
        _edit_jsonl(path, JSONL_CASES[case])
    errors = assert_coded(validate(path), path)
    assert any(e.get("line") == 3 for e in errors), errors


CSV_CASES: dict[str, tuple[str, str]] = {
    "year 0": ("date_start", "0000-01-01"),
    "year 10000": ("date_end", "10000-01-01"),
    "float count": ("fatalities_best", "0.0"),
    "integer boolean": ("is_aggregate", "1"),
    "5000-digit count": ("fatalities_best", "9" * 5000),
    "timestamp for date": ("date_start", "2023-12-08T00:00:00"),
}


@pytest.mark.parametrize("case", sorted(CSV_CASES))
def test_csv_hostile_values_are_coded_errors(tmp_path: Path, case: str) -> None:
    """A hostile cell in events.csv is a coded error naming file, line and field."""
    column, value = CSV_CASES[case]
    path = _tables(tmp_path) / "events.csv"
    _edit_csv_cell(path, column, value)
    errors = assert_coded(validate(path), path, field=column)
    assert any(e.get("line") == 4 for e in errors), errors


def test_whitespace_jsonl_is_not_valid(tmp_path: Path) -> None:
    """A JSON-lines file of whitespace holds no record: refused, not reported valid."""
    path = tmp_path / "events.jsonl"
    path.write_text(" \n\t\n  \n", encoding="utf-8")
    assert_coded(validate(path), path)


def test_utf16_without_bom_is_an_encoding_error(tmp_path: Path) -> None:
    """UTF-16 without a byte-order mark gives the encoding error GE104, not a cascade."""
    path = _tables(tmp_path) / "events.jsonl"
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16-le"))
    errors = assert_coded(validate(path), path)
    assert {e["code"] for e in errors} == {"GE104"}, errors


def test_latin1_byte_in_jsonl_is_an_encoding_error(tmp_path: Path) -> None:
    """A Latin-1 byte in JSON lines is GE104 on its line, and nothing else."""
    path = _tables(tmp_path) / "events.jsonl"
    data = path.read_bytes()
    path.write_bytes(data.replace(b"Friday", "Fr\xe9day".encode("latin-1"), 1))
    errors = assert_coded(validate(path), path)
    assert {e["code"] for e in errors} == {"GE104"}, errors


def test_one_unreadable_jsonl_line_gives_no_cascade(tmp_path: Path) -> None:
    """A JSON line that cannot be read is one error: events referring to it are not reported."""
    path = _tables(tmp_path) / "events.jsonl"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[2] = lines[2][: len(lines[2]) // 2]  # e03, which other events refer to
    path.write_text("\n".join(lines), encoding="utf-8")
    errors = assert_coded(validate(path), path)
    assert [(e["code"], e["line"]) for e in errors] == [("GE108", 3)], errors


def test_one_unreadable_csv_row_gives_no_cascade(tmp_path: Path) -> None:
    """A CSV row that cannot be read is reported; rows of other tables that refer to its
    events are not each reported missing."""
    folder = _tables(tmp_path)
    path = folder / "events.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[3] = lines[3].replace(",", ',"', 1)  # an unclosed quote in e03's row
    path.write_text("\n".join(lines), encoding="utf-8")
    outcome = validate(*sorted(folder.glob("*.csv")))
    assert outcome.code in (1, 2), outcome
    errors = json.loads(outcome.stdout)
    assert not [e for e in errors if e["code"] == "GE602"], errors
    assert any(e["file"].endswith("events.csv") for e in errors), errors


def test_many_columns_are_checked_in_linear_time(tmp_path: Path) -> None:
    """100,000 header columns are refused within the time limit (no quadratic duplicate check)."""
    path = tmp_path / "events.csv"
    header = ",".join(f"c{i}" for i in range(100_000))
    path.write_text(header + "\n" + "," * 99_999 + "\n", encoding="utf-8")
    assert_coded(validate(path), path)


def test_max_errors_stops_the_work(tmp_path: Path) -> None:
    """--max-errors 100 on 100,000 rows with errors everywhere prints 100 errors and stops."""
    path = tmp_path / "events.csv"
    source = (PACKAGE / "events.csv").read_text(encoding="utf-8").split("\n")
    header, row = source[0], source[3]
    bad = row.replace("remote_violence", "nonsense").replace("2023-12-08", "2023-13-45")
    path.write_text(header + "\n" + (bad + "\n") * 100_000, encoding="utf-8")
    outcome = validate(path, extra=("--max-errors", "100"))
    assert outcome.code == 1
    assert len(json.loads(outcome.stdout)) == 100


def test_huge_value_is_truncated_in_messages(tmp_path: Path) -> None:
    """A 3 MB cell is not echoed whole: the message stays short and states the length."""
    path = _tables(tmp_path) / "events.jsonl"
    _edit_jsonl(path, lambda r: r.update(event_type="x" * 3_000_000))
    outcome = validate(path)
    assert outcome.code == 1
    assert len(outcome.stdout) < 20_000
    assert "3,000,000" in outcome.stdout or "3000000" in outcome.stdout


# --- hashes: every notation is compared; an unknown one is an error -------------------------------


def _tampered_package(tmp_path: Path, notation: Callable[[str], str]) -> Path:
    folder = tmp_path / "package"
    shutil.copytree(PACKAGE, folder)
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    for resource_ in descriptor["resources"]:
        if resource_["path"] == "events.csv":
            resource_["hash"] = notation(resource_["hash"].split(":")[-1])
    (folder / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    events = folder / "events.csv"
    events.write_bytes(events.read_bytes().replace(b"salvo", b"SALVO"))
    return folder


HASH_NOTATIONS: dict[str, Callable[[str], str]] = {
    "SHA256:": lambda h: f"SHA256:{h}",
    "Sha256:": lambda h: f"Sha256:{h}",
    "md5:": lambda h: "md5:" + "0" * 32,
    "sha512:": lambda h: "sha512:" + "0" * 128,
    "bare": lambda h: h,
    "unknown algorithm": lambda h: f"whirlpool:{h}",
}


@pytest.mark.parametrize("notation", sorted(HASH_NOTATIONS))
def test_every_hash_notation_is_checked(tmp_path: Path, notation: str) -> None:
    """A tampered resource is reported whatever the case or algorithm of its hash."""
    folder = _tampered_package(tmp_path, HASH_NOTATIONS[notation])
    outcome = validate(folder / "datapackage.json")
    assert_refused(outcome, names="events.csv")


def test_load_refuses_a_tampered_parquet(tmp_path: Path) -> None:
    """load(path=…) verifies hashes: a tampered Parquet does not load silently."""
    folder = tmp_path / "package"
    shutil.copytree(PACKAGE, folder)
    events = folder / "events.parquet"
    table = pq.read_table(events)
    index = table.schema.get_field_index("summary")
    summaries = [s.upper() for s in table.column("summary").to_pylist()]
    pq.write_table(table.set_column(index, "summary", pa.array(summaries)), events)
    code = f"import grounded_events as g; g.load(path={str(folder)!r})"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=TIMEOUT
    )
    assert result.returncode != 0
    assert "events.parquet" in result.stderr


# --- hostile files and paths ------------------------------------------------------------------


def _package_with_resource(tmp_path: Path, make: Callable[[Path], None]) -> Path:
    folder = tmp_path / "package"
    shutil.copytree(PACKAGE, folder)
    events = folder / "events.csv"
    events.unlink()
    make(events)
    return folder


HOSTILE_FILES: dict[str, Callable[[Path], None]] = {
    "symlink to /dev/zero": lambda p: p.symlink_to("/dev/zero"),
    "fifo": lambda p: os.mkfifo(p),
    "symlink out of the tree": lambda p: p.symlink_to(PACKAGE / "events.csv"),
}


@pytest.mark.parametrize("kind", sorted(HOSTILE_FILES))
def test_hostile_package_resources_are_refused(tmp_path: Path, kind: str) -> None:
    """A resource that is a device, a FIFO or a link out of the package is refused unread."""
    folder = _package_with_resource(tmp_path, HOSTILE_FILES[kind])
    assert_refused(validate(folder / "datapackage.json"), names="events.csv")


@pytest.mark.parametrize("kind", sorted(HOSTILE_FILES))
def test_hostile_seed_files_are_refused(tmp_path: Path, kind: str) -> None:
    """A seed document that is a device, a FIFO or a link out of the seeds folder is refused."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copyfile(SEEDS / "index.json", seeds / "index.json")
    (tmp_path / "outside.txt").write_bytes(next(SEEDS.glob("*.txt")).read_bytes())
    target = seeds / json.loads((SEEDS / "index.json").read_text())[0]["file"]
    if kind == "symlink out of the tree":
        target.symlink_to(tmp_path / "outside.txt")
    else:
        HOSTILE_FILES[kind](target)
    outcome = validate(ANNOTATION, extra=("--seeds", str(seeds)))
    assert_refused(outcome, names=target.name)


@pytest.mark.parametrize("kind", sorted(HOSTILE_FILES))
def test_hostile_files_in_a_validated_folder_are_refused(tmp_path: Path, kind: str) -> None:
    """Validating a folder names a device, FIFO or link out of it instead of reading it or
    passing over it unsaid."""
    folder = _tables(tmp_path)
    target = folder / "events.csv"
    target.unlink()
    HOSTILE_FILES[kind](target)
    outcome = validate(folder)
    assert_refused(outcome, names="events.csv")
    assert any(e["code"] in ("GE114", "GE115") for e in json.loads(outcome.stdout))


@pytest.mark.parametrize("command", ["validate", "locate"])
def test_nul_in_seed_file_name_is_refused(tmp_path: Path, command: str) -> None:
    """A NUL in a seed's file name is a clean error naming it, from validate and locate."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    index = json.loads((SEEDS / "index.json").read_text(encoding="utf-8"))
    index[0]["file"] = "000\x00.txt"
    (seeds / "index.json").write_text(json.dumps(index), encoding="utf-8")
    if command == "validate":
        outcome = validate(ANNOTATION, extra=("--seeds", str(seeds)))
    else:
        outcome = run_cli("locate", "--seeds", str(seeds), "rudaw-20231212", "Baghdad")
    assert_refused(outcome, names="holds a NUL")


# --- annotation YAML ------------------------------------------------------------------------------


def _annotation(tmp_path: Path, old: str, new: str) -> Path:
    text = ANNOTATION.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / ANNOTATION.name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


YAML_CASES: dict[str, tuple[str, str]] = {
    "binary tag": ("doc_id: rudaw-20231212", "doc_id: !!binary cnVkYXctMjAyMzEyMTI="),
    "set tag": ("doc_id: rudaw-20231212", "doc_id: !!set {a, b}"),
    "quoted offset": ("start: 383, end: 465", 'start: "383", end: 465'),
    "boolean offset": ("start: 383, end: 465", "start: false, end: 465"),
    "huge offset": ("start: 383, end: 465", f"start: {10**29}, end: 465"),
    "5000-digit offset": ("start: 383, end: 465", f"start: {'9' * 5000}, end: 465"),
    "year 0": ("start: 2023-12-11", "start: 0000-12-11"),
    "float count": ("fatalities: {best: 0, low: 0, high: 0}", "fatalities: {best: 0.0}"),
    "nested list": ("annotators:\n  - annotator", "annotators:\n  - [[annotator]]"),
    "merge key": (
        "annotators:\n  - annotator",
        "annotators:\n  - annotator\nx: &a {k: 1}\ny: {<<: *a}",
    ),
}


@pytest.mark.parametrize("case", sorted(YAML_CASES))
def test_hostile_annotation_yaml_is_a_coded_error(tmp_path: Path, case: str) -> None:
    """Tags, lax types, huge numbers and merge keys in an annotation are coded errors."""
    path = _annotation(tmp_path, *YAML_CASES[case])
    assert_coded(validate(path), path)


def test_deeply_nested_yaml_is_refused(tmp_path: Path) -> None:
    """5,000 levels of nesting are a clean error from validate and migrate, not a RecursionError."""
    path = tmp_path / "deep.yaml"
    path.write_text("a: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    assert_coded(validate(path), path)
    assert_refused(run_cli("migrate", "--to", "1.0.0", "--dry-run", str(path)), names="deep.yaml")


def test_billion_laughs_is_bounded(tmp_path: Path) -> None:
    """Aliases that expand exponentially are refused within the time and memory limits."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    path = tmp_path / "laughs.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    outcome = validate(path)
    assert outcome.code in (1, 2), outcome
    assert "internal error" not in outcome.stderr


# --- other commands -------------------------------------------------------------------------------


def test_schema_diff_with_a_ref_cycle_is_refused(tmp_path: Path) -> None:
    """A $ref cycle in a schema folder is a clean error from `schema diff`, not a RecursionError."""
    new = tmp_path / "schema"
    shutil.copytree(ROOT / "schema" / "1.0.0", new)
    path = new / "annotation.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["$defs"]["Loop"] = {"$ref": "#/$defs/Loop"}
    schema["properties"]["loop"] = {"$ref": "#/$defs/Loop"}
    path.write_text(json.dumps(schema), encoding="utf-8")
    outcome = run_cli("schema", "diff", str(ROOT / "schema" / "1.0.0"), str(new))
    # the cycle is followed once (a field was added without a version bump: exit 1) or refused
    assert_refused(outcome, names="loop" if outcome.code == 1 else "$ref")


def test_download_into_an_unwritable_cache_is_a_clean_error(tmp_path: Path) -> None:
    """A cache that cannot be written is exit 2 with the folder named, not an internal error."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    outcome = run_cli(
        "download", "--dest", str(blocker / "cache"), "--base-url", "http://127.0.0.1:9"
    )
    assert_refused(outcome, names="not-a-folder")


# --- fuzz: byte-level mutations of every valid conformance input ----------------------------------

VALID_INPUTS = sorted(
    p
    for p in (ROOT / "validators" / "valid").glob("*/input/*")
    if p.suffix in (".csv", ".jsonl", ".yaml", ".json") and p.name != "datapackage.json"
)
HOSTILE_BYTES = [
    b"\r",
    b"\n",
    b"\r\n",
    b"\x00",
    b'"',
    b"'",
    b",",
    b"|",
    b"\\",
    "\u2028".encode(),
    "\x85".encode(),
    b"\xff",
    b"\xe9",
    b"\xef\xbb\xbf",
    b"=",
    b"[",
    b"{",
    b"&a ",
    b"*a",
    b"!!binary ",
    b"<<: ",
    b"9" * 40,
    b"-",
    b"0000-",
    b"\t",
]


@st.composite
def mutations(draw: st.DrawFn) -> tuple[Path, bytes]:
    source = draw(st.sampled_from(VALID_INPUTS))
    data = bytearray(source.read_bytes())
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["insert", "delete", "replace", "truncate"]))
        chunk = draw(st.sampled_from(HOSTILE_BYTES))
        if kind == "insert":
            data[at:at] = chunk
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 64))]
        elif kind == "replace":
            data[at : at + len(chunk)] = chunk
        else:
            del data[at:]
    return source, bytes(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutation=mutations())
def test_mutated_inputs_never_crash(mutation: tuple[Path, bytes]) -> None:
    """Any mutation of a valid file ends in exit 0, 1 or 2, each error coded and naming the file."""
    source, data = mutation
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / source.name
        path.write_bytes(data)
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(
                [
                    "validate",
                    "--format",
                    "json",
                    "--seeds",
                    str(ROOT / "validators" / "seeds"),
                    str(path),
                ]
            )
    assert code in (0, 1, 2), err.getvalue()
    errors = json.loads(out.getvalue())
    assert (code == 0) == (errors == []), errors
    for error in errors:
        assert error["code"].startswith("GE") and source.name in error["file"], error


PACKAGE_CASE = ROOT / "validators" / "valid" / "datapackage" / "input"


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_packages_never_crash(data: st.DataObject) -> None:
    """Any mutation of one file of a valid data package (its descriptor included), or of a
    Parquet table, ends in exit 0, 1 or 2 with coded errors."""
    with tempfile.TemporaryDirectory() as folder:
        package = Path(folder) / "package"
        shutil.copytree(PACKAGE_CASE, package)
        shutil.copyfile(PACKAGE / "events.parquet", Path(folder) / "events.parquet")
        files = [*sorted(package.iterdir()), Path(folder) / "events.parquet"]
        target = data.draw(st.sampled_from(files))
        raw = bytearray(target.read_bytes())
        for _ in range(data.draw(st.integers(1, 3))):
            at = data.draw(st.integers(0, len(raw)))
            chunk = data.draw(st.sampled_from(HOSTILE_BYTES) | st.binary(min_size=1, max_size=8))
            raw[at : at + data.draw(st.integers(0, len(chunk)))] = chunk
        target.write_bytes(bytes(raw))
        checked = target if target.suffix == ".parquet" else package / "datapackage.json"
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["validate", "--format", "json", str(checked)])
    assert code in (0, 1, 2), err.getvalue()
    errors = json.loads(out.getvalue())
    assert (code == 0) == (errors == []), errors
    for error in errors:
        assert error["code"].startswith("GE"), error


def test_damaged_parquet_bytes_never_crash(tmp_path: Path) -> None:
    """Every single damaged byte pair in the first pages of a Parquet table (dictionary indices
    out of range, text that is not UTF-8, broken offsets) is a coded error or valid data."""
    source = (PACKAGE / "events.parquet").read_bytes()
    path = tmp_path / "events.parquet"
    crashes = []
    for at in range(4, min(len(source), 2048), 13):
        for chunk in (b"\r\n", b"\xff\xff", b"\x00\x00"):
            path.write_bytes(source[:at] + chunk + source[at + len(chunk) :])
            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main(["validate", "--format", "json", str(path)])
            if code not in (0, 1, 2):
                crashes.append((at, chunk, err.getvalue()[-300:]))
    assert not crashes, crashes[:3]


def test_a_header_python_and_pyarrow_split_differently_is_a_coded_error(tmp_path: Path) -> None:
    """A header opened by an unclosed quote, with a byte that is not UTF-8 after it: pyarrow
    and Python's csv disagree on its columns; the problem is named, not an internal error."""
    path = tmp_path / "actors.csv"
    source = (PACKAGE / "actors.csv").read_bytes()
    head, _, rest = source.partition(b"\n")
    path.write_bytes(b'"' + head + b"\n\x80" + rest)
    errors = assert_coded(validate(path), path)
    assert [(e["code"], e["line"]) for e in errors] == [("GE104", 2)], errors
