"""The dask engine: a partitioned Parquet table checked on a cluster gives the single-file report."""

from __future__ import annotations

import argparse
import dataclasses
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from grounded_events._schema.table_parquet import to_arrow
from grounded_events._schema.tables import TABLES
from grounded_events._schema.versions import schema_dir
from grounded_events._validation import validate
from grounded_events._validation.cli import configure, run
from helpers import ROOT

distributed = pytest.importorskip("dask.distributed")


def _set(table: pa.Table, column: str, row: int, value: object) -> pa.Table:
    values = table.column(column).to_pylist()
    values[row] = value
    index = table.schema.get_field_index(column)
    return table.set_column(index, column, pa.array(values, table.schema.field(column).type))


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(a folder of 3 partitions, the same rows as one file): 5,000 rows, 5% errors of every
    kind, plus a key repeated across partitions."""
    tmp = tmp_path_factory.mktemp("dask")
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "generate.py"),
            "--rows",
            "5000",
            "--invalid-rate",
            "0.05",
            "--seed",
            "3",
            "--out",
            str(tmp / "generated"),
        ],
        check=True,
        capture_output=True,
    )
    table = pq.read_table(tmp / "generated" / "events.parquet")
    ids = table.column("event_id").to_pylist()
    table = _set(table, "event_id", 4000, ids[10])  # the same id in partitions 0 and 2
    return _partitioned(table, tmp, "events")


def _partitioned(table: pa.Table, tmp: Path, name: str) -> tuple[Path, Path]:
    """(the table in 3 uneven partitions, named so that sorted order is file order; the table
    as one file)."""
    single = tmp / "single" / f"{name}.parquet"
    single.parent.mkdir()
    pq.write_table(table, single)
    folder = tmp / name
    folder.mkdir()
    for i, (start, stop) in enumerate([(0, 1234), (1234, 3300), (3300, 5000)]):
        pq.write_table(table.slice(start, stop - start), folder / f"part-{i:03d}.parquet")
    return folder, single


@pytest.fixture(scope="module")
def actors(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(a folder of 3 partitions, the same rows as one file): 5,000 actors, a key repeated
    across partitions, and parents in other partitions, known and unknown (the actors table
    references its own ids)."""
    rows = [
        {"actor_id": f"actor-{i:04d}", "name": f"Actor {i}", "actor_type": "unidentified"}
        for i in range(5000)
    ]
    rows[4000]["actor_id"] = "actor-0010"  # the same id in partitions 0 and 2
    rows[4001]["parent_actor_id"] = "actor-0005"  # a parent in partition 0: fine
    rows[4002]["parent_actor_id"] = "no-such-actor"
    rows[20]["parent_actor_id"] = "actor-4500"  # a parent further on: fine
    table = to_arrow("actors", [{c: r.get(c) for c in TABLES["actors"].columns} for r in rows])
    return _partitioned(table, tmp_path_factory.mktemp("dask-actors"), "actors")


@pytest.mark.slow
def test_dask_report_is_the_single_file_report(dataset: tuple[Path, Path]) -> None:
    """On a 2-worker LocalCluster, the merged report equals the single-process one, in order."""
    from grounded_events._validation.dask_engine import validate_dataset

    folder, single = dataset
    expected = validate(single).errors
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        report = validate_dataset(str(folder), schema_dir(None), client=client)
        globbed = validate_dataset(str(folder / "*.parquet"), schema_dir(None), client=client)
    assert report.errors == [dataclasses.replace(e, file=str(folder)) for e in expected]
    assert globbed.errors == [
        dataclasses.replace(e, file=str(folder / "*.parquet")) for e in expected
    ]
    duplicates = [e for e in report.errors if e.code == "GE601"]
    assert any(e.line == 4001 and "line 11" in e.message for e in duplicates)
    assert {"GE201", "GE205", "GE206", "GE301", "GE307", "GE402", "GE403", "GE601"} <= report.codes


def test_dask_references_across_partitions(actors: tuple[Path, Path]) -> None:
    """References to the table's own ids are judged across partitions, backwards and forwards,
    as in the single-file report: only the unknown parent is GE602."""
    from grounded_events._validation.dask_engine import validate_dataset

    folder, single = actors
    expected = validate(single).errors
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        report = validate_dataset(str(folder), schema_dir(None), client=client)
    assert report.errors == [dataclasses.replace(e, file=str(folder)) for e in expected]
    duplicates = [e.line for e in report.errors if e.code == "GE601"]
    assert duplicates == [4001]
    unknown = [(e.line, e.actual) for e in report.errors if e.code == "GE602"]
    assert unknown == [(4003, "no-such-actor")]
    assert report.codes == {"GE601", "GE602"}


def test_dask_max_errors_stops(dataset: tuple[Path, Path]) -> None:
    """With max_errors the dask engine stops once the partitions in order pass it: the report
    holds the single-file run's first errors, truncated, and keys are not compared."""
    from grounded_events._validation.dask_engine import validate_dataset

    folder, single = dataset
    expected = validate(single, max_errors=5)
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        report = validate_dataset(str(folder), schema_dir(None), client=client, max_errors=5)
    assert report.truncated and expected.truncated
    assert report.errors[:5] == [dataclasses.replace(e, file=str(folder)) for e in expected.errors]
    assert len(report.errors) == 6  # one past the limit: the caller truncates and says so


def test_dask_partition_types(tmp_path: Path) -> None:
    """A partition's column of another type (struct text, float counts) is a type error there
    too, as in the single-process engines: no value of it passes."""
    from grounded_events._validation.dask_engine import check_partition

    table = pq.read_table(
        ROOT / "validators" / "valid" / "tables-parquet" / "input" / "events.parquet"
    )
    n = table.num_rows
    table = table.set_column(
        table.schema.get_field_index("summary"), "summary", pa.array([{"a": 1}] * n)
    )
    table = table.set_column(
        table.schema.get_field_index("fatalities_best"), "fatalities_best", pa.array([0.0] * n)
    )
    pq.write_table(table, tmp_path / "part-0.parquet")
    partial = check_partition(
        str(tmp_path / "part-0.parquet"), "events", str(schema_dir(None)), "d", 0, {}, None
    )
    found = {(i.line, i.field, i.code) for _, _, i in partial.issues}
    assert {(1, "summary", "GE204"), (1, "fatalities_best", "GE204")} <= found


def test_cli_without_dask(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without dask installed, --engine dask is one line naming the install command, exit 2."""
    monkeypatch.setitem(sys.modules, "dask.distributed", None)
    parser = argparse.ArgumentParser()
    configure(parser)
    code = run(parser.parse_args([str(tmp_path), "--engine", "dask"]))
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1
    assert 'pip install "grounded-events[dask]"' in err


def test_cli_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A dataset without Parquet files, or --workers without dask, is a usage error (exit 2)."""
    parser = argparse.ArgumentParser()
    configure(parser)
    assert run(parser.parse_args([str(tmp_path), "--engine", "dask"])) == 2
    assert "no Parquet file" in capsys.readouterr().err
    assert run(parser.parse_args([str(tmp_path), "--workers", "2"])) == 2
    assert "--engine dask" in capsys.readouterr().err
