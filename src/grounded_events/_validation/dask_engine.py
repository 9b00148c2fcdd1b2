"""The dask engine: a partitioned Parquet table checked partition by partition on a dask cluster."""

from __future__ import annotations

import contextlib
import glob
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from grounded_events._core.errors import UsageError
from grounded_events._schema.tables import TABLES
from grounded_events._validation.batch import Batch
from grounded_events._validation.checker import Context
from grounded_events._validation.codes import issue
from grounded_events._validation.columnar import TableChecker
from grounded_events._validation.issues import Issue, Ordered, Report
from grounded_events._validation.keys import duplicates
from grounded_events._validation.keysets import BUCKETS, Buckets, Keys, ValueSet
from grounded_events._validation.kinds import ReadProblem, table_from_columns, table_name
from grounded_events._validation.readers import parquet_batches
from grounded_events._validation.rules import references
from grounded_events._validation.table_files import sibling_context

INSTALL = 'pip install "grounded-events[dask]"'


def require_dask() -> None:
    """Raise UsageError with the install command when dask.distributed is not installed."""
    try:
        import dask.distributed  # noqa: F401
    except ImportError:
        raise UsageError(
            f"--engine dask needs dask.distributed, which is not installed: {INSTALL}"
        ) from None


def partitions(path: str) -> list[Path]:
    """The Parquet files of a dataset: a folder (searched recursively) or a glob, sorted by path."""
    if any(c in path for c in "*?["):
        found = [Path(p) for p in glob.glob(path, recursive=True)]
    elif Path(path).is_dir():
        found = list(Path(path).rglob("*.parquet"))
    elif Path(path).is_file():
        found = [Path(path)]
    else:
        raise UsageError(f"{path}: no such file, folder or glob")
    files = sorted(p for p in found if p.is_file() and not p.name.startswith((".", "_")))
    if not files:
        raise UsageError(f"{path}: no Parquet file in this dataset")
    return files


def _dataset_table(path: str, files: list[Path]) -> str:
    """The table a dataset holds: its folder's name (events/, events.parquet/), else the columns."""
    base = Path(path.split("*")[0].rstrip("/") or ".")
    for candidate in (base, files[0].parent, files[0]):
        name = table_name(candidate)
        if name is not None:
            return name
    try:
        names = pq.ParquetFile(files[0]).schema_arrow.names
    except (pa.ArrowException, OSError):
        names = []
    name = table_from_columns(names)
    if name is None:
        raise UsageError(
            f"{path}: cannot tell which table this dataset holds; name its folder after the "
            "table (events/, evidence/, ...)"
        )
    return name


def _all_keys(keys: Keys) -> pa.Array:
    if isinstance(keys, Buckets):
        return pa.concat_arrays([keys.set_of(b) for b in range(keys.count)])
    assert isinstance(keys, ValueSet)
    return keys.values


Refs = list[tuple[str, pa.Array, pa.Array, pa.Array]]  # (column, items, lines, positions)


@dataclass
class Partial:
    """What a partition leaves for the merge: its row issues, keys and self-references by bucket."""

    issues: list[Ordered]
    keys: list[tuple[pa.Array, ...]] = field(default_factory=list)  # per bucket: ids, lines
    # per bucket: references to this table's own ids, with their place in the partition
    refs: list[Refs] = field(default_factory=list)


def check_partition(
    path: str,
    table: str,
    folder: str,
    display: str,
    offset: int,
    foreign: dict[tuple[str, str], Keys],
    texts: dict[str, str] | None,
    max_errors: int | None = None,
) -> Partial:
    """Run the columnar engine on one partition; rows are numbered from `offset` + 1. Past
    `max_errors` errors the partition is read no further (and its keys are not kept)."""
    context = Context(keys=dict(foreign), complete={t for t, _ in foreign}, texts=texts)
    checker = TableChecker(Path(folder), table, display, context)
    checker.limit = None if max_errors is None else max_errors + 1
    try:
        names, batches = parquet_batches(Path(path))
        checker.check_header(Batch({}, []), names, None)
        for batch in batches:
            lines = batch.lines
            assert isinstance(lines, range)
            batch.lines = range(lines.start + offset, lines.stop + offset)
            checker.check(batch)
            if max_errors is not None and checker.issue_count > max_errors:
                return Partial(list(checker.ordered_issues()))
    except ReadProblem as problem:
        return Partial([*checker.ordered_issues(), (0, -1, problem.issue(path))])
    partial = Partial([])
    if checker.keyed:
        store = checker.key_store
        store.close()
        partial.keys = [
            (t.column("value").combine_chunks(), t.column("line").combine_chunks())
            for t in (store.bucket(b) for b in range(store.count))
        ]
    own = {k: v for k, v in checker.ref_stores.items() if k[1] == table}
    checker.ref_stores = {k: v for k, v in checker.ref_stores.items() if k[1] != table}
    checker.finish_references()  # references to other tables: their keys came with the task
    partial.issues = list(checker.ordered_issues())
    partial.refs = [[] for _ in range(BUCKETS)]
    for (column, _, _), (refs, _) in own.items():
        # the place of each item in the partition orders the items of one cell after bucketing
        refs.close()
        for b in range(refs.count):
            t = refs.bucket(b)
            partial.refs[b].append(
                (column, *(t.column(c).combine_chunks() for c in ("value", "line", "place")))
            )
    return partial


def _bucket_keys(partial: Partial, bucket: int) -> tuple[pa.Array, ...] | None:
    return partial.keys[bucket] if partial.keys else None


def _bucket_refs(partial: Partial, bucket: int) -> Refs:
    return partial.refs[bucket] if partial.refs else []


Unknown = tuple[int, int, int, str, str]  # (line, place, reference order, column, value)


def check_bucket(
    table: str,
    folder: str,
    display: str,
    keys: Sequence[tuple[pa.Array, ...] | None],
    refs: Sequence[Refs],
) -> tuple[list[tuple[int, str, int]], list[Unknown]]:
    """Duplicates among one bucket's keys of every partition, then references to them."""
    keyed = [k for k in keys if k is not None]
    found: list[tuple[int, str, int]] = []
    known = pa.array([], pa.string())
    if keyed:
        # partitions in file order: the first line of a repeated key is its first occurrence
        all_keys = pa.chunked_array([k[0] for k in keyed], pa.string()).combine_chunks()
        all_lines = pa.chunked_array([k[1] for k in keyed], pa.int64()).combine_chunks()
        found, known = duplicates(all_keys, all_lines)
    order = {column: i for i, (column, _, _) in enumerate(references(table))}
    unknown: list[Unknown] = []
    for part in refs:
        for column, items, lines, places in part:
            bad = pc.invert(pc.is_in(items, value_set=known))
            unknown += [
                (line, place, order[column], column, value)
                for value, line, place in zip(
                    items.filter(bad).to_pylist(),
                    lines.filter(bad).to_pylist(),
                    places.filter(bad).to_pylist(),
                    strict=True,
                )
            ]
    return found, unknown


def validate_dataset(
    path: str,
    folder: Path,
    *,
    scheduler: str | None = None,
    workers: int | None = None,
    client: Any = None,
    max_errors: int | None = None,
) -> Report:
    """Validate a partitioned Parquet table on a dask cluster; the report is the single-file one.

    Rows are numbered across the partitions in sorted file order (the first row of the second
    file follows the last row of the first). Duplicate keys and references to the table's own ids
    are checked after every partition: each partition hashes its keys and references into
    BUCKETS buckets, and one task per bucket compares them, so no process holds every key.
    Past `max_errors` errors (counted over the partitions in order) the partitions left are
    cancelled and keys are not compared: the report holds the first errors, truncated.
    """
    require_dask()
    from dask.distributed import Client, LocalCluster

    files = partitions(path)
    table = _dataset_table(path, files)
    display = path
    base = Path(path.split("*")[0]).parent if "*" in path else Path(path).parent
    context = sibling_context(base, table, folder)
    report = Report(files=[display])
    if table == "evidence" and context.texts is None:
        report.errors.append(
            issue("GE505", display, expected="a documents table", variant="dataset")
        )
    offsets, start = [], 0
    for f in files:
        offsets.append(start)
        # a partition that cannot be opened is reported by its own task (GE111)
        with contextlib.suppress(pa.ArrowException, OSError):
            start += pq.ParquetFile(f).metadata.num_rows
    own_cluster = None
    if client is None:
        if scheduler is not None:
            client = Client(scheduler)  # type: ignore[no-untyped-call]
        else:
            own_cluster = LocalCluster(  # type: ignore[no-untyped-call]
                n_workers=workers or 2, threads_per_worker=1, processes=True, dashboard_address=None
            )
            client = Client(own_cluster)  # type: ignore[no-untyped-call]
    try:
        # sibling tables' key sets travel to the workers as plain arrays
        foreign = {k: ValueSet(_all_keys(v)) for k, v in context.keys.items() if k[0] != table}
        [foreign_future] = client.scatter([foreign], broadcast=True, hash=False)
        [texts_future] = client.scatter([context.texts], broadcast=True, hash=False)
        parts = [
            client.submit(
                check_partition,
                str(f),
                table,
                str(folder),
                display,
                offset,
                foreign_future,
                texts_future,
                max_errors,
                pure=False,
            )
            for f, offset in zip(files, offsets, strict=True)
        ]
        # the row issues of every partition, sorted in runs on disk by a checker of the table,
        # which then adds the repeated keys and references and gives them all back in order
        reporter = TableChecker(folder, table, display, Context())
        seen_header: set[Issue] = set()
        for i, part in enumerate(parts):
            for item in part.result().issues:
                if item[2].line is None and item[0] == 0:
                    if item[2] in seen_header:
                        continue  # every partition has the header: say it once
                    seen_header.add(item[2])
                reporter.keep(item)
            if max_errors is not None and reporter.issue_count > max_errors:
                client.cancel(parts[i + 1 :])
                report.errors.extend_values(islice(reporter.sorted_values(), max_errors + 1))
                report.truncated = True
                return report
        buckets = [
            client.submit(
                check_bucket,
                table,
                str(folder),
                display,
                [client.submit(_bucket_keys, p, b) for p in parts],
                [client.submit(_bucket_refs, p, b) for p in parts],
                pure=False,
            )
            for b in range(BUCKETS)
        ]
        repeated: list[tuple[int, str, int]] = []
        unknown: list[Unknown] = []
        for bucket_repeated, bucket_unknown in client.gather(buckets):
            repeated += bucket_repeated
            unknown += bucket_unknown
    finally:
        if own_cluster is not None:
            client.close()
            own_cluster.close()
    # the single-file order: row issues, then repeated keys by line, then references by
    # column, line and place in the cell; the checker's merge by line and column is stable
    for line, key, first in sorted(repeated):
        reporter.duplicate_issue(line, key, first)
    target = TABLES[table].primary_key[0]
    for line, _, _, column, value in sorted(unknown, key=lambda u: (u[2], u[0], u[1])):
        reporter.reference_issue(line, column, table, target, value)
    report.errors.extend_values(reporter.sorted_values())
    return report
