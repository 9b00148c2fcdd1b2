"""Arbitrary annotation text comes back exactly from the CSV, Parquet and JSONL exports."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import duckdb
import frictionless
import pandas as pd
import polars as pl
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grounded_events import load
from grounded_events._core.dataset_files import ACTORS_FILE, dataset_dir
from grounded_events._package.build import build
from grounded_events._schema.table_csv import format_cell, restore
from grounded_events._schema.tables import TABLES
from grounded_events._validation import validate
from helpers import ROOT, SAMPLE, SAMPLE_ACTORS, TEXTS, build_sample, cli, write_sample

KEYS = {"actors": "actor_id", "events": "event_id"}
E01, E02, MILITIAS = "rudaw-20231212-e01", "rudaw-20231212-e02", "iran-aligned-militias"
# Where each drawn value goes: the line of SAMPLE it replaces, and the table cell it ends up in.
PLACES = {
    "name": ('name: "-Iran-aligned militias"', ("actors", MILITIAS, "name")),
    "summary1": (
        'summary: "=SUM(A1) rockets hit the US embassy in Baghdad."',
        ("events", E01, "summary"),
    ),
    "summary2": (
        'summary: "+The US State Department calls the attacks unacceptable."',
        ("events", E02, "summary"),
    ),
    "location": ("name: US Embassy, Baghdad", ("events", E01, "location_name")),
}  # time_of_day is not drawn: it must be the words of its span in the seed (GE512)


def yaml_string(value: str) -> str:
    """A YAML double-quoted scalar of exactly `value`: everything but plain ASCII escaped."""
    return (
        '"'
        + "".join(c if " " <= c <= "~" and c not in '"\\' else f"\\U{ord(c):08x}" for c in value)
        + '"'
    )


def _placed(text: str, values: dict[str, str]) -> str:
    """text with each drawn value whose line it holds in its place."""
    for key, value in values.items():
        line = PLACES[key][0]
        field = line.split(":", 1)[0]
        assert text.count(line) <= 1
        text = text.replace(line, f"{field}: {yaml_string(value)}")
    return text


def write_dataset(folder: Path, values: dict[str, str]) -> Path:
    """The sample annotation file (SAMPLE) and actors.yaml (SAMPLE_ACTORS) with each drawn value
    in its place, written as write_sample does; return the annotations folder."""
    for key in values:
        line = PLACES[key][0]
        assert SAMPLE.count(line) + SAMPLE_ACTORS.count(line) == 1, key
    annotations = write_sample(folder, _placed(SAMPLE, values))
    actors = dataset_dir(annotations / "rudaw-20231212.yaml") / ACTORS_FILE
    actors.write_text(_placed(SAMPLE_ACTORS, values), encoding="utf-8")
    return annotations


def parquet_rows(folder: Path, table: str) -> list[dict[str, Any]]:
    return pq.read_table(folder / f"{table}.parquet").to_pylist()


def csv_cells(folder: Path, table: str) -> list[list[str | None]]:
    """The cells the CSV must hold: the Parquet values in their CSV text form."""
    return [[format_cell(v) or None for v in row.values()] for row in parquet_rows(folder, table)]


def csv_readers(path: Path) -> dict[str, list[list[str | None]]]:
    """A CSV file's cells as text, read by plain pandas (C engine), polars and DuckDB."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    with duckdb.connect() as con:
        duck = con.execute("SELECT * FROM read_csv_auto(?, all_varchar = true)", [str(path)])
        duck_rows = [list(row) for row in duck.fetchall()]
    return {
        "pandas": [[None if pd.isna(v) else v for v in row] for row in frame.values.tolist()],
        "polars": [list(row) for row in pl.read_csv(path, infer_schema=False).rows()],
        "duckdb": duck_rows,
    }


def check_package(folder: Path, values: dict[str, str]) -> None:
    """Every export of the package at `folder` holds exactly `values`, for every reader."""
    for table in TABLES:
        expected = csv_cells(folder, table)
        for reader, cells in csv_readers(folder / f"{table}.csv").items():
            assert cells == expected, (reader, table)
        parquet = parquet_rows(folder, table)
        with duckdb.connect() as con:
            result = con.execute(
                "SELECT * FROM read_parquet(?)", [str(folder / f"{table}.parquet")]
            )
            names = [d[0] for d in result.description]
            assert [dict(zip(names, r, strict=True)) for r in result.fetchall()] == parquet
        assert pl.read_parquet(folder / f"{table}.parquet").to_dicts() == parquet
    for table, key in KEYS.items():
        loaded = load(table, folder).set_index(key)
        csv = pd.read_csv(folder / f"{table}.csv", dtype=str, keep_default_na=False).set_index(key)
        for name, value in values.items():
            if PLACES[name][1][0] == table:
                _, row_id, column = PLACES[name][1]
                assert loaded.loc[row_id, column] == value, name
                assert restore(csv.loc[row_id, column]) == value, name
    check_jsonl(folder / "events.jsonl", values)


def check_jsonl(path: Path, values: dict[str, str]) -> None:
    """events.jsonl: one record per line for json.loads, str.splitlines, DuckDB, polars, pandas."""
    text = path.read_text(encoding="utf-8")
    records = {r["event_id"]: r for r in map(json.loads, text.split("\n")[:-1])}
    assert len(text.splitlines()) == len(records) == 2
    summaries = {E01: records[E01]["summary"], E02: records[E02]["summary"]}
    assert summaries[E01] == values.get("summary1", summaries[E01])
    assert summaries[E02] == values.get("summary2", summaries[E02])
    assert records[E01]["location"]["name"] == values.get("location", "US Embassy, Baghdad")
    assert records[E01]["date"]["time_of_day"] == values.get("time_of_day", "early hours")
    with duckdb.connect() as con:
        query = "SELECT event_id, summary FROM read_json(?, format = 'newline_delimited')"
        assert dict(con.execute(query, [str(path)]).fetchall()) == summaries
    polar = pl.read_ndjson(path)
    assert dict(zip(polar["event_id"], polar["summary"], strict=True)) == summaries
    frame = pd.read_json(path, lines=True, dtype=False)
    assert dict(zip(frame["event_id"], frame["summary"], strict=True)) == summaries


@pytest.mark.slow
@settings(max_examples=15, deadline=None)
@given(st.dictionaries(st.sampled_from(sorted(PLACES)), TEXTS, min_size=1))
def test_arbitrary_text_round_trips_through_every_export(values: dict[str, str]) -> None:
    """Built from any text, the package validates itself and every reader gets the text back."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        annotations = write_dataset(folder / "annotations", values)
        build(annotations, ROOT / "seeds", folder / "package")
        report = validate(folder / "package")
        assert report.ok, [str(e) for e in report.errors]
        check_package(folder / "package", values)


@pytest.mark.slow
def test_the_issue_example_builds_and_validates(tmp_path: Path) -> None:
    """An actor named "US\\rDepartment of State": build, then validate on itself, exit 0."""
    values = {"name": "US\rDepartment of State", "summary1": "=1+1 \u2028 \x85 \r\n\x00 \"'"}
    annotations = write_dataset(tmp_path / "annotations", values)
    out = tmp_path / "package"
    done = cli("build", "--annotations", str(annotations), "--out", str(out))
    assert done.returncode == 0, done.stderr
    done = cli("validate", str(out))
    assert done.returncode == 0, done.stdout + done.stderr
    assert len(pd.read_csv(out / "actors.csv")) == 3
    report = frictionless.validate(out / "datapackage.json")
    assert report.valid, [e.note for task in report.tasks for e in task.errors]
    check_package(out, values)


def test_validator_reads_raw_unicode_line_separators_inside_a_jsonl_line(tmp_path: Path) -> None:
    """A raw U+2028, U+2029 or U+0085 in a JSONL string does not split the record for validate."""
    lines = (build_sample(tmp_path) / "events.jsonl").read_text(encoding="utf-8").split("\n")
    raw = lines[0].replace('"summary":"', '"summary":"a\u2028b\x85c\u2029', 1)
    bad = lines[1].replace('"event_type":"statement"', '"event_type":"bombing"')
    assert raw != lines[0] and bad != lines[1]
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join([raw, bad, *lines[2:]]), encoding="utf-8")
    errors = validate(path).errors
    assert errors and {(e.line, e.code) for e in errors if e.field == "event_type"} == {
        (2, "GE301")
    }
    assert all(e.line == 2 for e in errors)
