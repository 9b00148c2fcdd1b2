"""The columnar and row-wise engines give identical reports: same errors, same order."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grounded_events._core.errors import UsageError
from grounded_events._validation import validate
from grounded_events._validation.cli import configure, run
from grounded_events._validation.issues import Issue, Report
from helpers import ROOT, set_cell, write_seeds, write_tables

SUITE = ROOT / "validators"
TABLE_SUFFIXES = {".csv", ".parquet", ".jsonl"}


def _holds_tables(case: Path) -> bool:
    return any(
        p.suffix in TABLE_SUFFIXES or p.name == "datapackage.json"
        for p in (case / "input").rglob("*")
    )


CASES = sorted(p.parent for p in SUITE.glob("*/*/case.json") if _holds_tables(p.parent))


def _both(paths: list[Path] | Path, **kwargs: object) -> tuple[Report, Report]:
    columnar = validate(paths, engine="columnar", **kwargs)  # type: ignore[arg-type]
    rows = validate(paths, engine="rows", **kwargs)  # type: ignore[arg-type]
    return columnar, rows


@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.name}" for c in CASES])
def test_conformance_case(case: Path) -> None:
    """On every conformance case holding tables, both engines report the same errors in order."""
    meta = json.loads((case / "case.json").read_text(encoding="utf-8"))
    columnar, rows = _both([case / p for p in meta.get("paths", ["input"])], seeds=SUITE / "seeds")
    assert columnar.errors == rows.errors
    assert columnar.codes == set(meta["codes"])


def test_the_suite_has_table_cases() -> None:
    """The comparison above covers table cases of every layer that tables can break."""
    assert len(CASES) >= 30
    layers = {c.name.split("-")[0] for c in CASES}
    assert {"structure", "vocabulary", "cross", "referential", "grounding", "release"} <= layers


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """5,000 generated events rows with 5% injected errors of every kind (bench/generate.py)."""
    out = tmp_path_factory.mktemp("generated")
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "generate.py"),
            "--rows",
            "5000",
            "--invalid-rate",
            "0.05",
            "--seed",
            "7",
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    return out


@pytest.mark.slow
@pytest.mark.parametrize("name", ["events.parquet", "events.csv", "events.jsonl"])
def test_generated_data(generated: Path, name: str) -> None:
    """On generated rows with every kind of injected error, both engines agree, error by error."""
    columnar, rows = _both(generated / name)
    assert columnar.errors == rows.errors
    truth = list(csv.DictReader((generated / "truth.csv").open(encoding="utf-8")))
    kinds = {t["kind"] for t in truth}
    assert {"duplicate_id", "crosswalk", "date_precision", "vocabulary"} <= kinds
    assert len(columnar.errors) == len(truth)
    assert {"GE601", "GE307", "GE402", "GE301", "GE205", "GE201"} <= columnar.codes


def test_edge_cells(tmp_path: Path) -> None:
    """Awkward cells (a +5 count, empty and repeated keys, bad list items) agree, and do not raise."""
    paths = write_tables(tmp_path / "t")
    events = paths["events"]
    lines = events.read_text(encoding="utf-8").splitlines()
    events.write_text("\n".join([*lines, lines[1], lines[1], lines[1]]) + "\n", encoding="utf-8")
    set_cell(events, 2, "fatalities_best", "+5")
    set_cell(events, 2, "injuries_best", "5\n")
    set_cell(events, 2, "target", "ghost-actor")
    set_cell(events, 3, "event_id", "")
    set_cell(events, 4, "event_id", "")
    set_cell(events, 5, "target", "XX|ok-actor|Bad Id|")
    set_cell(events, 5, "weapons", "bogus|'=cmd")
    set_cell(events, 5, "is_aggregate", "maybe")
    columnar, rows = _both(events)
    assert columnar.errors == rows.errors
    assert {"GE201", "GE204", "GE206", "GE301", "GE601", "GE602"} <= columnar.codes
    assert not any(e.field == "fatalities_best" for e in columnar.errors)


def test_typed_parquet(tmp_path: Path) -> None:
    """Parquet columns of other Arrow types (int32 counts, float ids, dictionaries) agree."""
    paths = write_tables(tmp_path / "t")
    table = pacsv.read_csv(
        paths["events"],
        convert_options=pacsv.ConvertOptions(strings_can_be_null=True),
    )
    table = table.set_column(
        table.schema.get_field_index("fatalities_best"),
        "fatalities_best",
        pa.array([-3] * table.num_rows, pa.int32()),
    )
    table = table.set_column(
        table.schema.get_field_index("latitude"),
        "latitude",
        pa.array([95.5] * table.num_rows, pa.float32()),
    )
    table = table.set_column(
        table.schema.get_field_index("event_type"),
        "event_type",
        table.column("event_type").dictionary_encode(),
    )
    pq.write_table(table, tmp_path / "events.parquet")
    columnar, rows = _both(tmp_path / "events.parquet")
    assert columnar.errors == rows.errors
    assert "GE207" in columnar.codes


def test_package_with_grounding(tmp_path: Path) -> None:
    """All five tables, a broken quote and an unknown reference: the same report."""
    paths = write_tables(tmp_path / "t")
    write_seeds(tmp_path / "seeds")
    set_cell(paths["evidence"], 2, "quote", "not the text")
    set_cell(paths["event_actors"], 2, "actor_id", "nobody-at-all")
    columnar, rows = _both(tmp_path / "t")
    assert columnar.errors == rows.errors
    assert {"GE501", "GE602"} <= columnar.codes


def test_unknown_engine(tmp_path: Path) -> None:
    """An unknown engine name is a usage error."""
    with pytest.raises(UsageError):
        validate(tmp_path, engine="quantum")


@pytest.mark.slow
def test_cli_engine_option(
    generated: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--engine rows` prints exactly what the default engine prints."""
    import argparse

    outputs = []
    for engine in ("columnar", "rows"):
        parser = argparse.ArgumentParser()
        configure(parser)
        args = parser.parse_args(
            [str(generated / "events.parquet"), "--format", "json", "--engine", engine]
        )
        code = run(args)
        outputs.append((code, capsys.readouterr().out))
    assert outputs[0] == outputs[1]
    assert outputs[0][0] == 1
    assert json.loads(outputs[0][1])


def _csv_cell(value: object) -> str:
    if isinstance(value, list):
        return "|".join(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def test_dictionary_columns_in_small_batches(
    generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Text columns read dictionary-encoded are checked once per distinct value: with many
    small batches and row groups (each its own dictionary), and with empty, null and bad
    values, the report is the row-wise engine's and the one from the same rows in CSV."""
    from grounded_events._validation import readers

    table = pq.read_table(generated / "events.parquet").slice(0, 400)
    kinds = table.column("event_type").to_pylist()
    kinds[3], kinds[250], kinds[251] = "", None, "not-a-type"
    dates = table.column("date_start").to_pylist()
    dates[7], dates[399] = "2023-02-30", ""
    table = table.set_column(table.schema.get_field_index("event_type"), "event_type", [kinds])
    table = table.set_column(table.schema.get_field_index("date_start"), "date_start", [dates])
    pq.write_table(table, tmp_path / "events.parquet", row_group_size=90)
    monkeypatch.setattr(readers, "ARROW_ROWS", 64)
    handle = pq.ParquetFile(
        tmp_path / "events.parquet", read_dictionary=["event_type", "date_start"]
    )
    assert pa.types.is_dictionary(handle.schema_arrow.field("event_type").type)
    columnar, rows = _both(tmp_path / "events.parquet")
    assert columnar.errors == rows.errors
    flagged = {(e.line, e.field, e.code) for e in columnar.errors}
    assert {(4, "event_type", "GE201"), (251, "event_type", "GE201")} <= flagged
    assert {(252, "event_type", "GE301"), (8, "date_start", "GE205")} <= flagged
    assert (400, "date_start", "GE201") in flagged
    monkeypatch.setattr(readers, "ARROW_ROWS", readers.ARROW_ROWS)
    with (tmp_path / "events.csv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(table.column_names)
        for record in table.to_pylist():
            writer.writerow(_csv_cell(v) for v in record.values())
    from_csv = validate(tmp_path / "events.csv").errors
    assert [(e.line, e.field, e.code) for e in columnar.errors] == [
        (e.line - 1 if e.line else None, e.field, e.code) for e in from_csv
    ]


def test_spilled_key_sets(generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keys and references spilled to disk in buckets give the same report as in memory."""
    from grounded_events._validation import keysets

    in_memory = validate(generated / "events.parquet").errors
    monkeypatch.setattr(keysets, "SPILL_ROWS", 50)
    monkeypatch.setattr(keysets, "GATHER_ROWS", 100)
    monkeypatch.setattr(keysets.tempfile, "tempdir", str(tmp_path))
    spilled = validate(generated / "events.parquet").errors
    assert spilled == in_memory
    assert any(e.code == "GE601" for e in spilled)
    assert list(tmp_path.iterdir()) == []  # the spill folders are gone


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["columnar", "rows"])
def test_spilled_issues(generated: Path, monkeypatch: pytest.MonkeyPatch, engine: str) -> None:
    """Issues written to disk in sorted runs come back in the order of an all-in-memory run:
    by line and column, issues at one place in the order found, end-of-table ones merged in."""
    from grounded_events._validation import issues

    paths = [generated / "events.parquet", generated / "events.csv"]
    in_memory = validate(paths, engine=engine).errors
    monkeypatch.setattr(issues, "SPILL_ISSUES", 7)
    monkeypatch.setattr(issues, "RUN_CHUNK", 3)
    spilled = validate(paths, engine=engine).errors
    assert spilled == in_memory
    assert len(in_memory) > 200 and {"GE601", "GE201"} <= {e.code for e in in_memory}


@settings(max_examples=50, deadline=None)
@given(
    places=st.lists(st.tuples(st.integers(0, 30), st.integers(-1, 5)), max_size=400),
    spill=st.integers(1, 9),
    fan_in=st.integers(2, 4),
)
def test_spilled_runs_merge_in_order(
    places: list[tuple[int, int]], spill: int, fan_in: int
) -> None:
    """Issues kept in any order come back sorted by line and column, those at one place in
    the order kept, while the runs on disk are merged level by level: few are left to merge."""
    from grounded_events._validation import issues

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(issues, "SPILL_ISSUES", spill)
        patch.setattr(issues, "RUN_CHUNK", 2)
        patch.setattr(issues, "MERGE_RUNS", fan_in)
        collected = issues.OrderedIssues()
        kept = []
        for i, (line, order) in enumerate(places):
            kept.append((line, order, Issue("e.csv", line, None, "GE201", str(i))))
            collected.keep(kept[-1])
            runs, levels = len(collected.runs), max((r[2] for r in collected.runs), default=0)
            assert runs <= (fan_in - 1) * (levels + 1)
        assert list(collected.ordered_issues()) == sorted(kept, key=lambda k: (k[0], k[1]))
        assert collected.runs == [] and collected.held == []


def test_bucket_of_is_stable() -> None:
    """The bucket of an id depends only on its bytes (the same in every process), and spreads."""
    from grounded_events._validation.keysets import BUCKETS, bucket_of

    ids = pa.array([f"ev-{i:09d}" for i in range(20_000)] + ["", None, "é"])
    first, again = bucket_of(ids), bucket_of(ids.slice(0))
    assert (first == again).all()
    assert (bucket_of(ids.slice(5, 10)) == first[5:15]).all()
    counts = [int((first == b).sum()) for b in range(BUCKETS)]
    assert min(counts) > 20_000 / BUCKETS / 2


@pytest.mark.parametrize(
    "data",
    [b"\nevent_id,sum\x80mary\nev-1,x\n", b"event_id,summary\nev-1,fal\x80se\n"],
    ids=["header", "cell"],
)
def test_bytes_that_are_not_utf8(tmp_path: Path, data: bytes) -> None:
    """CSV bytes that are not UTF-8 give GE104 in both engines, never a traceback."""
    path = tmp_path / "events.csv"
    path.write_bytes(data)
    columnar, rows = _both(path)
    assert columnar.errors == rows.errors
    assert "GE104" in columnar.codes


@pytest.mark.parametrize("kind", ["value-set", "buckets", "none"])
def test_unknown_references(kind: str) -> None:
    """Unknown references are found against a small key set, a bucketed one, or none at all."""
    from grounded_events._validation.keys import duplicates, unknown_references
    from grounded_events._validation.keysets import Buckets, ValueSet

    store = Buckets()
    lines = pa.array([1, 2, 3], pa.int64())
    store.add(pa.array(["a", "b", "c"]), lines, pa.array([0, 1, 2], pa.int64()))
    keys: ValueSet | Buckets | None = None
    if kind == "value-set":
        keys = ValueSet(pa.array(["a", "c"]))
    elif kind == "buckets":
        keys = Buckets()
        keys.add(pa.array(["c", "a"]), pa.array([1, 2], pa.int64()))
        keys.close()
        for b in range(keys.count):
            bucket = keys.bucket(b)
            keys.keep_unique(
                b,
                duplicates(
                    bucket.column("value").combine_chunks(), bucket.column("line").combine_chunks()
                )[1],
            )
    expected = [(1, 0, "a"), (2, 1, "b"), (3, 2, "c")] if keys is None else [(2, 1, "b")]
    assert unknown_references(store, keys) == expected
