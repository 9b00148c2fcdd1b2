"""Other readers agree: frictionless, DuckDB, Polars, check-jsonschema and mlcroissant."""

from __future__ import annotations

import csv
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from grounded_events._core.version import SCHEMA_VERSION
from grounded_events._schema.generate import table_schema
from grounded_events._schema.table_csv import restore, split_list
from grounded_events._schema.tables import TABLES
from helpers import ROOT, build_sample

BIN = Path(sys.executable).parent
COMMITTED = ROOT / "datasets" / "grounded-events"


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A package built from the test sample annotation (tricky CSV cells included)."""
    return build_sample(tmp_path_factory.mktemp("readers"))


def packages(sample: Path) -> list[Path]:
    """The sample package, and the committed one once it is built."""
    return [sample, COMMITTED] if (COMMITTED / "datapackage.json").is_file() else [sample]


def csv_rows(folder: Path, table: str) -> list[dict[str, Any]]:
    """A table's CSV read with the documented rules into Python values."""
    kinds = {f["name"]: f["type"] for f in table_schema(TABLES[table])["fields"]}
    with (folder / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    out = []
    for row in rows:
        values: dict[str, Any] = {}
        for name, cell in row.items():
            kind = kinds[name]
            if kind == "list":
                values[name] = split_list(restore(cell))
            elif cell == "":
                values[name] = None
            elif kind == "integer":
                values[name] = int(cell)
            elif kind == "number":
                values[name] = float(cell)
            elif kind == "boolean":
                values[name] = {"true": True, "false": False}[cell]
            elif kind == "date":
                values[name] = dt.date.fromisoformat(cell)
            else:
                values[name] = restore(cell)
        out.append(values)
    return out


def test_frictionless_validates_the_package(sample: Path) -> None:
    """`frictionless validate datapackage.json` passes: schemas, keys, hashes and bytes."""
    for folder in packages(sample):
        done = subprocess.run(
            [str(BIN / "frictionless"), "validate", "--json", "datapackage.json"],
            cwd=folder,
            capture_output=True,
            text=True,
            check=False,
        )
        report = json.loads(done.stdout)
        errors = [e["note"] for task in report["tasks"] for e in task["errors"]]
        assert report["valid"], errors
        assert done.returncode == 0
        assert {t["name"] for t in report["tasks"]} >= set(TABLES)


def test_frictionless_catches_a_changed_cell(sample: Path, tmp_path: Path) -> None:
    """The same check fails on an unknown code and on a file that no longer matches its hash."""
    import frictionless

    subprocess.run(["cp", "-r", str(sample), str(tmp_path / "p")], check=True)
    events = tmp_path / "p" / "events.csv"
    events.write_text(events.read_text().replace(",rocket_attack,", ",bombing,"))
    report = frictionless.validate(tmp_path / "p" / "datapackage.json")
    types = {e.type for task in report.tasks for e in task.errors}
    assert {"constraint-error", "hash-count"} <= types


def test_duckdb_and_polars_read_the_csv_values_from_parquet(sample: Path) -> None:
    """DuckDB and Polars read every Parquet file with exactly the rows and values of the CSV."""
    import duckdb
    import polars as pl

    for folder in packages(sample):
        for table in TABLES:
            expected = csv_rows(folder, table)
            path = str(folder / f"{table}.parquet")
            with duckdb.connect() as con:
                result = con.execute("SELECT * FROM read_parquet(?)", [path])
                names = [d[0] for d in result.description]
                duck = [dict(zip(names, row, strict=True)) for row in result.fetchall()]
            polar = pl.read_parquet(path).to_dicts()
            assert duck == expected, (folder, table)
            assert polar == expected, (folder, table)


def test_csv_really_holds_neutralised_cells(sample: Path) -> None:
    """The comparison above is not vacuous: the sample's CSV has guarded cells to undo."""
    raw = (sample / "events.csv").read_text()
    assert ",\"'=SUM(A1)" in raw
    assert any(r["summary"].startswith("=") for r in csv_rows(sample, "events"))


def _check_jsonschema(records: list[str], folder: Path) -> subprocess.CompletedProcess[str]:
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for number, line in enumerate(records, start=1):
        path = folder / f"event-{number:05d}.json"
        path.write_text(line, encoding="utf-8")
        files.append(str(path))
    return subprocess.run(
        [
            str(BIN / "check-jsonschema"),
            "--schemafile",
            str(ROOT / "schema" / SCHEMA_VERSION / "event.schema.json"),
            *files,
        ],
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_jsonschema_validates_every_jsonl_line(sample: Path, tmp_path: Path) -> None:
    """check-jsonschema accepts every line of events.jsonl (one document per line)."""
    for n, folder in enumerate(packages(sample)):
        lines = (folder / "events.jsonl").read_text(encoding="utf-8").splitlines()
        assert lines
        done = _check_jsonschema(lines, tmp_path / f"lines{n}")
        assert done.returncode == 0, done.stdout + done.stderr


def test_check_jsonschema_rejects_a_bad_line(sample: Path, tmp_path: Path) -> None:
    """The same run fails when one record has a value outside the schema."""
    lines = (sample / "events.jsonl").read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[0])
    record["event_type"] = "bombing"
    done = _check_jsonschema([*lines[1:], json.dumps(record)], tmp_path / "bad")
    assert done.returncode == 1
    assert "bombing" in done.stdout


def test_jsonl_records_match_the_tables(sample: Path) -> None:
    """events.jsonl has one record per events row, in the same order, with the same codes."""
    for folder in packages(sample):
        records = [json.loads(x) for x in (folder / "events.jsonl").read_text().splitlines()]
        rows = csv_rows(folder, "events")
        assert [r["event_id"] for r in records] == [r["event_id"] for r in rows]
        for record, row in zip(records, rows, strict=True):
            assert record["doc_id"] == row["doc_id"]
            assert record["event_subtype"] == row["event_subtype"]
            assert record["crosswalks"]["cameo_root"] == row["cameo_root"]
            assert record["summary"] == row["summary"]


@pytest.mark.slow
def test_mlcroissant_validates_and_reads_the_records(sample: Path) -> None:
    """`mlcroissant validate` passes, and its records equal the Parquet rows."""
    import mlcroissant as mlc

    for folder in packages(sample):
        done = subprocess.run(
            [str(BIN / "mlcroissant"), "validate", "--jsonld", "croissant.json"],
            cwd=folder,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        assert "error" not in done.stderr.lower()
    dataset = mlc.Dataset(str(sample / "croissant.json"))
    for table in TABLES:
        expected = csv_rows(sample, table)
        got = []
        for record in dataset.records(table):
            got.append({key.split("/", 1)[1]: _plain(value) for key, value in record.items()})
        for row in expected:
            for name, value in row.items():
                if isinstance(value, dt.date):
                    row[name] = value.isoformat()
        assert got == expected, table


def _plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "date") and not isinstance(value, str):
        return value.date().isoformat()
    return value
