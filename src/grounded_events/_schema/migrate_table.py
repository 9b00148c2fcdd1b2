"""Migrating exported tables (CSV or Parquet): column operations, checked against both versions."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa

from grounded_events._schema.migration import (
    Frame,
    MigrationRefused,
    Result,
    Step,
    TableOperation,
    find_path,
)
from grounded_events._schema.versions import schema_root


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def rename_column(table: str, old: str, new: str) -> TableOperation:
    """Rename column `old` of `table` to `new`, keeping its place and every value."""

    def operation(name: str, frame: Frame) -> None:
        if name != table or old not in frame.columns:
            return
        if new in frame.columns:
            raise MigrationRefused(new, 1, f"cannot rename {old} to {new}: {new} exists already")
        frame.rename(old, new)

    operation.__doc__ = f"rename column {table}.{old} to {new}"
    return operation


def drop_column(table: str, column: str, reason: str | None = None) -> TableOperation:
    """Remove `column` from `table`; refuse when a row holds a value in it, naming every such row
    and saying `reason` (by default that the target version cannot hold the value)."""

    def operation(name: str, frame: Frame) -> None:
        if name != table or column not in frame.columns:
            return
        full = [(row, value) for row, value in enumerate(frame.values(column)) if not _empty(value)]
        if full:
            line, where = frame.where(full[0][0])
            others = [frame.where(row)[1] for row, _ in full[1:]]
            also = f" (and {', '.join(others)})" if others else ""
            why = (
                f": {reason}"
                if reason
                else (", which the target version cannot hold; migrating would drop it")
            )
            value = json.dumps(full[0][1], default=str)
            raise MigrationRefused(column, line, f"{where} holds {value}{also}{why}")
        frame.drop(column)

    operation.__doc__ = f"drop empty column {table}.{column}"
    return operation


def add_column(
    table: str,
    column: str,
    after: str | None = None,
    arrow_type: pa.DataType | None = None,
    value: Any = None,
) -> TableOperation:
    """Add `column` to `table` after column `after` (first when None), holding `value` in every
    row (None: empty)."""

    def operation(name: str, frame: Frame) -> None:
        if name != table:
            return
        if column in frame.columns:
            raise MigrationRefused(column, 1, f"cannot add {column}: it exists already")
        position = frame.columns.index(after) + 1 if after in frame.columns else 0
        frame.add(column, position, arrow_type or pa.string(), value)

    operation.__doc__ = f"add empty column {table}.{column}"
    return operation


def _columns(root: Path, version: str, table: str) -> list[str] | None:
    path = root / version / "tables" / f"{table}.schema.json"
    if not path.is_file():
        return None
    return list(json.loads(path.read_text(encoding="utf-8")).get("properties", {}))


def migrate_table(
    path: Path,
    target: str,
    *,
    registry: Sequence[Step],
    source: str | None = None,
    root: Path | None = None,
) -> Result:
    """Migrate one exported table (CSV or Parquet) from version source to target."""
    root = root or schema_root()
    result = Result(path, source=source)
    table = path.stem
    if source is None:
        result.problems.append(f"{path}: tables carry no schema_version; pass --from VERSION")
        return result
    if source == target:
        return result
    if (path.parent / "datapackage.json").exists():
        result.problems.append(
            f"{path}: part of a data package, whose datapackage.json and SHA256SUMS pin these "
            "bytes; migrate the annotations and rebuild it (grounded-events build), or download "
            "the release of the version you need"
        )
        return result
    expected = _columns(root, source, table)
    if expected is None:
        result.problems.append(f"{path}: {table} is not a table of schema {source}")
        return result
    try:
        result.steps = find_path(registry, source, target)
    except LookupError as exc:
        result.problems.append(f"{path}: {exc}")
        return result
    if not result.steps:
        return result
    try:
        frame = Frame(path, path.read_bytes())
    except (pa.ArrowException, csv.Error, UnicodeDecodeError) as exc:
        result.problems.append(f"{path}: not a readable table ({str(exc).splitlines()[0]})")
        return result
    except MigrationRefused as exc:
        result.problems.append(f"{path}:{exc.line or 1}: {exc.message}")
        return result
    if frame.columns != expected:
        result.problems.append(
            f"{path}:1: columns are not those of the {source} {table} table "
            f"(expected {', '.join(expected)}; found {', '.join(frame.columns)})"
        )
        return result
    for step in result.steps:
        try:
            for operation in step.tables:
                operation(table, frame)
        except MigrationRefused as exc:
            result.problems.append(
                f"{path}:{exc.line or 1}: {exc.field}: {exc.message} "
                f"(step {step.source} -> {step.target})"
            )
            return result
    wanted = _columns(root, target, table)
    if frame.columns != wanted:
        chain = " -> ".join([source, *(s.target for s in result.steps)])
        result.problems.append(
            f"{path}: after migrating {chain} the columns are {', '.join(frame.columns)}, not "
            f"those of {target} ({', '.join(wanted or [])}): a bug in the steps"
        )
        return result
    result.data = frame.dump()
    return result
