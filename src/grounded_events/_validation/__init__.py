"""Validate annotation files, exported tables, events.jsonl and data packages against the schema."""

from __future__ import annotations

from collections.abc import Iterable
from os import PathLike
from pathlib import Path

from grounded_events._core.errors import UsageError
from grounded_events._schema.versions import schema_dir
from grounded_events._validation.issues import Report
from grounded_events._validation.package import run
from grounded_events._validation.progress import Progress
from grounded_events._validation.table_files import ENGINES, Options

__all__ = ["validate"]

StrPath = str | PathLike[str]


def validate(
    path_or_paths: StrPath | Iterable[StrPath],
    *,
    schema_version: str | None = None,
    seeds: StrPath | None = None,
    max_errors: int | None = None,
    engine: str = "columnar",
    scheduler: str | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
    skip_foreign: bool = False,
) -> Report:
    """Check files, folders or a datapackage.json; the Report lists every error with its code.

    `schema_version` picks a published version (default: the latest; UsageError if unknown),
    `seeds` the folder of source documents for annotation files (default: ./seeds), and
    `max_errors` caps the errors kept (Report.truncated says so): once more are found, the
    tables are read no further (at most one more batch of rows). `engine` is how tables are
    checked: "columnar" (vectorised, the default) or "rows" (one row at a time, in plain Python);
    both evaluate the same rule definitions and give the same report. "dask" validates each path
    as one partitioned Parquet table (a folder of .parquet files or a glob) on the dask cluster at
    `scheduler`, or on a LocalCluster of `workers` processes (default 2). `progress` reports rows
    and errors as tables are checked (see progress.Progress.for_terminal). `skip_foreign` skips
    files that are not grounded-events data (a YAML or JSON file without `doc_id` and `events`
    keys, a table whose name and columns match none of the schema's): they are listed in
    Report.skipped, not checked, and never make the report fail.

    >>> import tempfile
    >>> from pathlib import Path
    >>> folder = tempfile.TemporaryDirectory()
    >>> table = Path(folder.name, "actors.csv")
    >>> _ = table.write_text(
    ...     "actor_id,name,actor_type,country_iso3,parent_actor_id\\n"
    ...     "cjtf-oir,US-led coalition,army,,\\n"
    ... )
    >>> report = validate(table)
    >>> report.ok
    False
    >>> [(error.line, error.field, error.code, error.actual) for error in report.errors]
    [(2, 'actor_type', 'GE301', 'army')]

    Misuse (an unknown engine or schema version) raises UsageError:

    >>> import grounded_events
    >>> try:
    ...     validate(table, engine="fast")
    ... except grounded_events.UsageError as exc:
    ...     print(exc)
    unknown engine 'fast'; one of columnar, rows, dask
    >>> folder.cleanup()
    """
    if isinstance(path_or_paths, str | PathLike):
        paths = [Path(path_or_paths)]
    else:
        paths = [Path(p) for p in path_or_paths]
    if max_errors is not None and max_errors < 1:
        raise UsageError("max_errors must be at least 1")
    if engine not in (*ENGINES, "dask"):
        raise UsageError(f"unknown engine {engine!r}; one of {', '.join((*ENGINES, 'dask'))}")
    if engine != "dask" and (scheduler is not None or workers is not None):
        raise UsageError("--scheduler and --workers go with --engine dask")
    if engine == "dask" and skip_foreign:
        raise UsageError("--skip-foreign does not go with --engine dask, which reads one table")
    folder = schema_dir(schema_version)
    if engine == "dask":
        from grounded_events._validation.dask_engine import require_dask, validate_dataset

        require_dask()
        report = Report()
        for path in paths:
            left = None if max_errors is None else max_errors - len(report.errors)
            part = validate_dataset(
                str(path), folder, scheduler=scheduler, workers=workers, max_errors=left
            )
            report.errors += part.errors
            report.files += part.files
            if max_errors is not None and len(report.errors) > max_errors:
                break
        if max_errors is not None and len(report.errors) > max_errors:
            report.errors = report.errors[:max_errors]
            report.truncated = True
        return report
    seeds_dir = Path(seeds) if seeds is not None else Path("seeds")
    options = Options(engine=engine, progress=progress)
    return run(paths, folder, seeds_dir, max_errors, options, skip_foreign)
