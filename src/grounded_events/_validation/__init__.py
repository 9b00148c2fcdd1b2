"""Validate annotation files, exported tables, events.jsonl and data packages against the schema."""

from __future__ import annotations

from collections.abc import Iterable
from os import PathLike
from pathlib import Path

from grounded_events._report import Report
from grounded_events._validation.package import run
from grounded_events._validation.rules import UsageError, schema_dir

__all__ = ["UsageError", "validate"]

StrPath = str | PathLike[str]


def validate(
    path_or_paths: StrPath | Iterable[StrPath],
    *,
    schema_version: str | None = None,
    seeds: StrPath | None = None,
    max_errors: int | None = None,
) -> Report:
    """Check files, folders or a datapackage.json; the Report lists every error with its code.

    `schema_version` picks a published version (default: the latest; UsageError if unknown),
    `seeds` the folder of source documents for annotation files (default: ./seeds), and
    `max_errors` caps the errors kept (Report.truncated says so).
    """
    if isinstance(path_or_paths, str | PathLike):
        paths = [Path(path_or_paths)]
    else:
        paths = [Path(p) for p in path_or_paths]
    if max_errors is not None and max_errors < 1:
        raise UsageError("max_errors must be at least 1")
    folder = schema_dir(schema_version)
    return run(paths, folder, Path(seeds) if seeds is not None else Path("seeds"), max_errors)
