"""The row-wise engine: each row a Python dict, checked one by one with the same rule definitions."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pyarrow as pa

from grounded_events._validation.batch import Batch
from grounded_events._validation.cells import (
    ARROW_TYPES,
    DATE,
    INTEGER,
    LARGE_INTEGER,
    NEUTRALISED,
    NUMBER,
    decode,
    split_escaped,
)
from grounded_events._validation.checker import Context
from grounded_events._validation.columnar import TableChecker
from grounded_events._validation.cross_rules import Row, rules_for
from grounded_events._validation.keysets import ValueSet
from grounded_events._validation.rules import (
    TOO_LARGE,
    TYPE_CHECKS,
    Column,
    ValueCheck,
    lookup_values,
    range_checks,
    references,
    required_check,
    string_checks,
)


@cache
def _regex(pattern: str) -> re.Pattern[str]:
    """`pattern` with RE2's meaning (what pyarrow runs): `$` is the end of the text only."""
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1] + r"\Z"
    return re.compile(pattern)


def _passes(check: ValueCheck, value: str) -> bool:
    """Whether one text value passes a string check (the row-wise reading of the same data)."""
    if check.test == "enum":
        return value in check.arg
    if check.test == "min_length":
        return bool(len(value) >= check.arg)
    if check.test == "max_length":
        return bool(len(value) <= check.arg)
    if check.test == "pattern":
        return _regex(check.arg).search(value) is not None
    if check.test == "lookup":
        return value in lookup_values(check.arg)
    raise AssertionError(check.test)


def _date(text: str) -> dt.date | None:
    if _regex(DATE).search(text) is None:
        return None
    try:
        return dt.date(int(text[:4]), int(text[5:7]), int(text[8:10]))
    except ValueError:
        return None


def _split(text: str) -> list[str]:
    return split_escaped(text) if "\\" in text else text.split("|")


# Reading a text cell as each kind: the value, or None when the text is not of that kind.
_READ: dict[str, Callable[[str], Any]] = {
    "integer": lambda t: int(t) if _regex(INTEGER).search(t) else None,
    "number": lambda t: float(t) if _regex(NUMBER).search(t) else None,
    "boolean": lambda t: {"true": True, "false": False}.get(t),
    "date": _date,
}


class RowChecker(TableChecker):
    """Checks a table one row at a time: a Python dict per row, rule by rule, in plain Python.

    It reads through the same readers (encodings, CSV dialect, line numbers) and reports through
    the same methods as the columnar engine; what differs is only how the rules are evaluated.
    """

    def __init__(
        self, folder: Path, table: str, display: str, context: Context, report: bool = True
    ) -> None:
        super().__init__(folder, table, display, context, report=report)
        self.seen: dict[str, int] = {}  # key -> the line it was first seen on
        self.repeats: list[tuple[int, str]] = []
        self.row_references: dict[tuple[str, str, str], list[tuple[Any, int]]] = {}
        self.key_set: set[str] | None = None
        # (line, typed cells, unreadable columns) of this batch's rows, for the rules across tables
        self.guide_rows: list[tuple[int, Row, set[str]]] = []
        # the rules across tables this run keeps rows for (None: none read this table)
        self.guides = context.guides if context.guides and context.guides.keeps(table) else None
        self.keyed = False  # whether a batch had the key columns (as the columnar engine's)

    def check(self, batch: Batch) -> dict[str, pa.Array]:
        """Check every row of a batch; returns no columns (nothing is kept per batch)."""
        self.unreadable(batch)
        if not self.header_checked:
            self.check_header(batch, batch.columns)
        if not any(c in self.missing for c in self.primary_key):
            self.keyed = True
        cells: dict[str, tuple[list[Any], list[Any], bool, list[Any]]] = {}
        n = len(batch.lines)
        for col in self.columns:
            if col.name in batch.columns:
                raw, values, _, mistyped = decode(batch.columns[col.name], col, batch.typed)
                mistyped = batch.mistyped.get(col.name, mistyped)
                cells[col.name] = (
                    raw.to_pylist(),
                    values.to_pylist(),
                    pa.types.is_string(values.type),
                    [False] * n if mistyped is None else mistyped.to_pylist(),
                )
        names = list(cells)
        raws = zip(*(cells[n][0] for n in names), strict=True)
        values = zip(*(cells[n][1] for n in names), strict=True)
        wrong = zip(*(cells[n][3] for n in names), strict=True)
        textual = {n: cells[n][2] for n in names}
        for index, (raw_row, value_row, wrong_row) in enumerate(
            zip(raws, values, wrong, strict=True)
        ):
            self.check_row(
                batch,
                index,
                dict(zip(names, raw_row, strict=True)),
                dict(zip(names, value_row, strict=True)),
                textual,
                {name for name, w in zip(names, wrong_row, strict=True) if w},
            )
            if self.limit is not None and self.issue_count >= self.limit:
                break  # the later rows' issues come after these: they would not be reported
        if self.guides is not None:
            types = {c.name: ARROW_TYPES[c.kind] for c in self.columns}
            self.guides.add_rows(self.table, self.guide_rows, types)
        self.guide_rows = []
        return {}

    # -- one row ---------------------------------------------------------------------------
    def check_row(
        self,
        batch: Batch,
        index: int,
        raw: Row,
        read: Row,
        textual: dict[str, bool],
        mistyped: frozenset[str] | set[str] = frozenset(),
    ) -> None:
        """Every rule on one row: cells, cross-field rules, keys, references, grounding."""
        typed: Row = {}
        invalid: set[str] = set()
        for col in self.columns:
            if col.name in mistyped:
                self.broke(batch, index, col, TYPE_CHECKS[col.kind], raw[col.name])
                value, bad = None, True
            elif col.name in read:
                value, bad = self.cell(
                    batch, index, col, raw[col.name], read[col.name], textual[col.name]
                )
            else:
                value, bad = None, True
            if col.kind == "list" and value is None:
                value = []
            typed[col.name] = value
            if bad:
                invalid.add(col.name)
        for rule in rules_for(self.table):
            if not self.judges(rule.columns):
                continue
            if any(c in invalid for c in rule.columns):
                continue
            if not rule.row(typed):
                self.cross_issue(batch, index, rule, {c: typed[c] for c in rule.columns})
        line = batch.lines[index]
        if self.guides is not None:
            self.guide_rows.append((line, typed, invalid))
        self.row_keys(typed, line)
        self.row_refs(typed, line)
        if self.table == "documents":
            self.document_row(batch, index, typed["doc_id"], typed["text"], typed["sha256"])
        if self.table == "evidence":
            self.ground_row(
                batch, index, typed["doc_id"], typed["start"], typed["end"], typed["quote"]
            )

    def cell(
        self, batch: Batch, index: int, col: Column, raw: Any, value: Any, textual: bool
    ) -> tuple[Any, bool]:
        """One cell's typed value (None when it broke a rule) and whether it broke one."""
        text = value
        if textual and value is not None:
            if value == "" and batch.empty_is_null:
                value = None
            elif batch.neutralised and col.kind in ("string", "list") and value[:1] == "'":
                value = re.sub(NEUTRALISED, r"\1", value)
        bad = False

        def error(check: ValueCheck, actual: Any) -> None:
            self.broke(batch, index, col, check, actual)

        if value is None and self.needs_value(batch, col):
            error(required_check(col), raw)
            bad = True
        if textual and col.kind != "string" and value is not None:
            if col.kind == "list":
                value = _split(value)
            else:
                read = _READ[col.kind](value)
                if read is None and col.kind == "integer" and _regex(LARGE_INTEGER).search(value):
                    error(TOO_LARGE, raw)
                    return None, True
                if read is None:
                    error(TYPE_CHECKS[col.kind], raw)
                    return None, True
                value = read
        if value is None:
            return None, bad
        if col.kind == "string":
            if self.strings(batch, index, col, [value], [raw]):
                return None, True
        elif col.kind in ("integer", "number") and not bad:
            for check in range_checks(col):
                out = value < check.arg if check.test == "minimum" else value > check.arg
                if out:
                    error(check, text)
                    return None, True
        elif (
            col.kind == "list"
            and col.item is not None
            and self.strings(batch, index, col.item, value, value)
        ):
            return None, True
        return value, bad

    def strings(
        self, batch: Batch, index: int, col: Column, values: list[Any], shown: list[Any]
    ) -> bool:
        """Check text values (one cell, or a list's items) check by check; True if one failed."""
        failed: set[int] = set()
        for check in string_checks(col):
            for i, value in enumerate(values):
                if value is None or i in failed or _passes(check, value):
                    continue
                failed.add(i)
                self.broke(batch, index, col, check, shown[i])
        return bool(failed)

    # -- keys and references ---------------------------------------------------------------
    def row_keys(self, typed: Row, line: int) -> None:
        if any(c in self.missing for c in self.primary_key):
            return
        parts = [typed[c] for c in self.primary_key]
        if any(p is None for p in parts):
            return
        key = "\x1f".join(str(p) for p in parts)
        if key in self.seen:
            self.repeats.append((line, key))
        else:
            self.seen[key] = line

    def row_refs(self, typed: Row, line: int) -> None:
        for column, table, target in references(self.table):
            if not self.judges((column,)):
                continue
            if table != self.table and table not in self.context.complete:
                continue
            found = self.row_references.setdefault((column, table, target), [])
            value = typed[column]
            for item in value if isinstance(value, list) else [value]:
                if item is not None:
                    found.append((item, line))

    def finish_keys(self) -> None:
        """Report repeated keys; publish the key set for the tables that reference this one."""
        if not self.keyed:
            return
        for line, key in self.repeats:
            self.duplicate_issue(line, key, self.seen[key])
        self.key_set = set(self.seen)
        self.own_keys = ValueSet(pa.array(sorted(self.key_set), pa.string()))
        if len(self.primary_key) == 1:
            self.context.keys[(self.table, self.primary_key[0])] = self.own_keys
            self.context.complete.add(self.table)
        self.seen, self.repeats = {}, []

    def finish_references(self) -> None:
        """Check every reference against the key set it names."""
        for (column, table, target), found in self.row_references.items():
            if table == self.table:
                own = self.key_set or set()
                known = [value in own for value, _ in found]
            else:
                keys = self.context.keys.get((table, target))
                values = pa.array([value for value, _ in found], pa.string())
                known = [False] * len(found) if keys is None else keys.contains(values).to_pylist()
            for (value, line), present in zip(found, known, strict=True):
                if not present:
                    self.reference_issue(line, column, table, target, value)
        self.row_references.clear()
