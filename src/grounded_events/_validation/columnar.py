"""The columnar engine: every column and cross-field rule evaluated with pyarrow.compute per batch."""

from __future__ import annotations

import hashlib
import heapq
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import islice, starmap
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from grounded_events._schema.tables import LIST_SEPARATOR, TABLES
from grounded_events._schema.vocab import ACLED_EVENT_TYPES, CROSSWALK
from grounded_events._validation.codes import CODES
from grounded_events._validation.issues import Issue, Spill
from grounded_events._validation.keys import Buckets, Keys
from grounded_events._validation.rules import (
    BBOX_TOLERANCE,
    CROSSWALK_COLUMNS,
    TOO_LARGE,
    TYPE_CHECKS,
    Column,
    CrossRule,
    ValueCheck,
    alpha2_to_alpha3,
    alpha3_to_alpha2,
    country_boxes,
    lookup_values,
    range_checks,
    references,
    required_check,
    rules_for,
    string_checks,
    table_columns,
)

ARROW_TYPES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
    "list": pa.list_(pa.string()),
}

# The shapes of text cells read as integers, numbers and dates (RE2 syntax, also read by `re`).
INTEGER = r"^[+-]?[0-9]{1,18}$"
LARGE_INTEGER = r"^[+-]?[0-9]{19,}$"
NUMBER = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$"
DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
# The days of 0001-01-01 and 9999-12-31 since 1970: the dates a YYYY-MM-DD text can name.
FIRST_DAY, LAST_DAY = -719_162, 2_932_896
# The data package's CSV rule: one ' is dropped from a cell of ' + a formula trigger (= + - @).
NEUTRALISED = r"^'('*[=+\-@\t\r])"


def _as_text(raw: pa.Array) -> pa.Array:
    """Any column as text; bytes that are not UTF-8 are shown escaped rather than refused."""
    try:
        return raw.cast(pa.string())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        if not (pa.types.is_binary(raw.type) or pa.types.is_large_binary(raw.type)):
            return pa.array([_str(v) for v in raw.to_pylist()], pa.string())
        cells = raw.cast(pa.large_binary()).to_pylist()
        return pa.array(
            [None if v is None else v.decode("utf-8", "backslashreplace") for v in cells],
            pa.string(),
        )


def _shown(raw: pa.Array) -> pa.Array:
    """Any column as text to show in errors, whatever its values (dates past year 9999 too)."""
    try:
        return raw.cast(pa.string())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    try:
        return pa.array([_str(v) for v in raw.to_pylist()], pa.string())
    except (ValueError, OverflowError):
        return pa.array(
            [None if v is None else f"<{raw.type}>" for v in raw.is_valid().to_pylist()]
        )


def fits(kind: pa.DataType, col: Column) -> bool:
    """Whether a typed column (Parquet, JSON lines) holds values of `col`'s kind: text for text
    (JSON Schema has no 1 for true, no 0.0 for an integer, no "3" for a count)."""
    text = pa.types.is_string(kind) or pa.types.is_large_string(kind)
    if pa.types.is_null(kind):
        return True
    if col.kind == "string":
        return text
    if col.kind == "date":  # dates are text in JSON
        return text or pa.types.is_date(kind)
    if col.kind == "integer":
        return pa.types.is_integer(kind)
    if col.kind == "number":
        return pa.types.is_integer(kind) or pa.types.is_floating(kind)
    if col.kind == "boolean":
        return pa.types.is_boolean(kind)
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):
        item = kind.value_type
        return pa.types.is_string(item) or pa.types.is_large_string(item) or pa.types.is_null(item)
    return False


def _mistyped_values(raw: pa.Array, col: Column) -> pa.Array | None:
    """Values of a fitting typed column that are still not of the kind: NaN and infinities (not
    JSON numbers), lists holding a null item, dates outside the years 1-9999."""
    if col.kind in ("number", "integer") and pa.types.is_floating(raw.type):
        return pc.invert(pc.is_finite(raw))
    if col.kind == "list" and raw.null_count < len(raw):
        items = pc.list_flatten(raw)
        if items.null_count:
            rows = pc.filter(pc.list_parent_indices(raw), pc.is_null(items))
            mask = np.zeros(len(raw), np.bool_)
            mask[rows.to_numpy()] = True
            return pa.array(mask)
    if col.kind == "date" and pa.types.is_date(raw.type):
        days = raw.cast(pa.date32()).cast(pa.int32())
        return pc.or_(pc.less(days, FIRST_DAY), pc.greater(days, LAST_DAY))
    return None


def decode(
    raw: pa.Array, col: Column, typed: bool = False
) -> tuple[pa.Array, pa.Array, pa.Array, pa.Array | None]:
    """A column as read -> (the cells shown in errors, values of the column's type or text, the
    values shown in range errors, the cells of another type or None): dictionaries decoded, other
    Arrow types cast where they can be. `typed`: the input has types (Parquet, JSON lines), and a
    value of another type than the column's is a type error, not text to read."""
    target = ARROW_TYPES[col.kind]
    if pa.types.is_dictionary(raw.type):
        raw = raw.dictionary_decode()
    if pa.types.is_large_string(raw.type):
        raw = raw.cast(pa.string())
    mistyped = None
    if typed:
        if not fits(raw.type, col):
            # a column of another type: each of its values is a type error, none is converted
            shown = _shown(raw)
            return shown, pa.nulls(len(raw), pa.string()), shown, pc.is_valid(raw)
        mistyped = _mistyped_values(raw, col)
        if mistyped is not None and pc.any(mistyped).as_py():
            shown = _shown(raw)
            kept = pc.if_else(mistyped, pa.scalar(None, raw.type), raw)
            _, values, _, _ = decode(kept, col)
            return shown, values, shown, mistyped
    if col.kind == "list" and (pa.types.is_list(raw.type) or pa.types.is_large_list(raw.type)):
        values = raw.cast(pa.list_(pa.string()))
    elif raw.type == target and col.kind != "list":
        values = raw
    elif pa.types.is_string(raw.type) or pa.types.is_null(raw.type):
        values = raw.cast(pa.string())
    else:
        try:
            values = raw.cast(target) if col.kind != "list" else raw.cast(pa.string())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            values = _as_text(raw)
    text = raw if raw.type == target and col.kind != "list" else values
    return raw, values, text, mistyped


def arrow_schema(folder: Path, table: str) -> pa.Schema:
    """The typed Arrow schema of a table, from its column rules."""
    return pa.schema([(c.name, ARROW_TYPES[c.kind]) for c in table_columns(folder, table)])


def dictionary_columns(folder: Path | None, table: str | None) -> tuple[str, ...]:
    """The text columns worth reading dictionary-encoded: their vocabulary, format and date
    checks then run once per distinct value. Key columns are left out: every key is distinct."""
    if folder is None or table is None:
        return ()
    keys = set(TABLES[table].primary_key)
    return tuple(
        c.name
        for c in table_columns(folder, table)
        if c.name not in keys
        and (c.kind == "date" or (c.kind == "string" and (c.enum or c.pattern)))
    )


@dataclass
class Batch:
    """A slice of a table: raw columns as read (strings, or typed from Parquet) and their lines."""

    columns: dict[str, pa.Array]
    lines: Sequence[int]  # the line (CSV row, JSONL line, Parquet row) of each row: a range or list
    # Optional: where each cell points, for inputs that are not tables (annotation files).
    locate: Callable[[int, str], tuple[int | None, str]] | None = None
    # CSV cells: text that a spreadsheet would run as a formula was written with a ' in front
    neutralised: bool = False
    # Typed columns (Parquet, JSON lines): a value of another type is an error, not text to read
    typed: bool = False
    # CSV and Parquet: an empty string is a missing value (in JSON lines "" is a string)
    empty_is_null: bool = False
    # Text cells of JSON lines whose JSON value was of another type than the column's
    mistyped: dict[str, pa.Array] = field(default_factory=dict)
    # Lines among this batch's that could not be read (ReadProblems: code, line, text)
    problems: list[Any] = field(default_factory=list)

    def line_array(self) -> pa.Array:
        """The lines as an int64 Arrow array."""
        if isinstance(self.lines, range) and self.lines.step == 1:
            ones = pa.repeat(pa.scalar(1, pa.int64()), len(self.lines))
            return pc.add(pc.cumulative_sum(ones), self.lines.start - 1)
        return pa.array(self.lines, pa.int64())


Ordered = tuple[int, int, Issue]  # (line, column order, issue): how issues are sorted
Values = tuple[int, int, tuple[Any, ...]]  # (line, column order, Issue.as_tuple()): as held

# Characters of unreadable lines kept per table to tell which missing ids they may hold.
UNREADABLE_CHARS = 1 << 24

# Issues a table holds in memory before a sorted run of them is written to a temporary file
# (an issue takes about 400 bytes), and issues per pickled chunk of a run (in a Spill).
SPILL_ISSUES = 16_384
RUN_CHUNK = 1_024
# Runs on disk of one level merged into one run of the next when there are this many: the
# final merge holds a chunk of fewer than this many per level (log base MERGE_RUNS of the runs).
MERGE_RUNS = 32


def _position(item: Ordered | Values) -> tuple[int, int]:
    return item[0], item[1]


@dataclass
class Context:
    """What one table's check shares with the others: key sets and document texts."""

    keys: dict[tuple[str, str], Keys] = field(default_factory=dict)  # (table, column) -> ids
    complete: set[str] = field(default_factory=set)  # tables whose keys are all known
    texts: dict[str, str] | None = None  # doc_id -> text; None when no documents were found
    # table -> the text of its lines that could not be read (None past UNREADABLE_CHARS): an id
    # on one of them is not reported missing by every row that references it
    unreadable: dict[str, list[str] | None] = field(default_factory=dict)
    unreadable_chars: dict[str, int] = field(default_factory=dict)
    unreadable_lines: dict[str, list[int | None]] = field(default_factory=dict)

    def unread(self, table: str, text: str | None, line: int | None) -> None:
        """Keep the text of a line of `table` that could not be read."""
        self.unreadable_lines.setdefault(table, []).append(line)
        kept = self.unreadable.setdefault(table, [])
        if kept is not None:
            kept.append(text or "")
            chars = self.unreadable_chars.get(table, 0) + len(text or "")
            self.unreadable_chars[table] = chars
            if chars > UNREADABLE_CHARS:
                self.unreadable[table] = None  # too much to search: no id of it is reported

    def maybe_unread(self, table: str, value: str) -> bool:
        """Whether `value` may be an id of `table` on a line that could not be read."""
        if table not in self.unreadable:
            return False
        kept = self.unreadable[table]
        return kept is None or any(value in text for text in kept)

    def unread_note(self, table: str) -> str:
        """What to add to a missing id of `table`: which of its lines could not be read."""
        lines = self.unreadable_lines.get(table)
        if not lines:
            return ""
        where = (
            f"line {lines[0]}" if len(lines) == 1 else f"{len(lines)} lines, from line {lines[0]}"
        )
        return f" (the {table} table has lines that could not be read: {where})"


def duplicates(keys: pa.Array, lines: pa.Array) -> tuple[list[tuple[int, str, int]], pa.Array]:
    """(line, key, line of its first use) of every repeated key, and the distinct keys; `keys`
    without nulls, `lines` ascending. One hash pass: the rest is integer work on the codes."""
    encoded = pc.dictionary_encode(keys)
    distinct = encoded.dictionary
    if len(distinct) == len(keys):
        return [], distinct
    codes = encoded.indices.to_numpy()
    order = np.argsort(codes, kind="stable")  # each key's uses together, in file order
    grouped = codes[order]
    starts = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]])
    first_use = np.empty(len(distinct), np.int64)
    first_use[grouped[starts]] = order[starts]
    later = np.sort(order[1:][grouped[1:] == grouped[:-1]])
    line_of = lines.to_numpy()
    found = [
        (int(line_of[p]), key, int(line_of[first_use[code]]))
        for p, code, key in zip(
            later, codes[later], distinct.take(pa.array(codes[later])).to_pylist(), strict=True
        )
    ]
    return found, distinct


def unknown_references(store: Buckets, known: Keys | None) -> list[tuple[int, int, str]]:
    """(line, place, value) of every reference in `store` that `known` lacks, in order."""
    store.close()
    found: list[tuple[int, int, str]] = []
    for b in range(store.count):
        bucket = store.bucket(b)
        items = bucket.column("value").combine_chunks()
        if not len(items):
            continue
        if known is None:
            bad = pa.repeat(True, len(items))
        elif isinstance(known, Buckets) and known.count == store.count:
            bad = pc.invert(pc.is_in(items, value_set=known.set_of(b)))
        else:
            bad = pc.invert(_known(known.contains(items)))
        found += zip(
            pc.filter(bucket.column("line"), bad).to_pylist(),
            pc.filter(bucket.column("place"), bad).to_pylist(),
            pc.filter(items, bad).to_pylist(),
            strict=True,
        )
    found.sort()
    return found


def _no_null_lists(values: pa.Array) -> pa.Array:
    """A list column with empty lists for nulls (pc.fill_null is slow on lists)."""
    if not values.null_count:
        return values
    # dropping the validity bitmap turns a null into an empty list when its slot is empty
    fixed = pa.ListArray.from_arrays(values.offsets, values.values).cast(values.type)
    leftover = pc.and_(pc.is_null(values), pc.greater(pc.list_value_length(fixed), 0))
    if pc.any(leftover).as_py():
        return pc.if_else(pc.is_null(values), pa.scalar([], values.type), values)
    return fixed


def _known(mask: pa.Array) -> pa.Array:
    """True where `mask` is true; null counts as false (fill_null is slow on booleans)."""
    if not mask.null_count:
        return mask
    return pc.and_kleene(mask, pc.is_valid(mask))


@cache
def _false(n: int) -> pa.Array:
    return pa.repeat(False, n)


@cache
def _value_set(values: tuple[str, ...]) -> pa.Array:
    return pa.array(values, pa.string())


@cache
def _lookup_set(pattern: str) -> pa.Array:
    return pa.array(sorted(lookup_values(pattern)), pa.string())


def _passes(check: ValueCheck, values: pa.Array, lengths: dict[str, pa.Array]) -> pa.Array:
    """Where text `values` pass a string check (null where a value is null); `lengths` keeps
    the values' lengths for the next check."""
    if check.test == "enum":
        return pc.is_in(values, value_set=_value_set(check.arg))
    if check.test in ("min_length", "max_length"):
        if "utf8" not in lengths:
            lengths["utf8"] = pc.utf8_length(values)
        compare = pc.greater_equal if check.test == "min_length" else pc.less_equal
        return compare(lengths["utf8"], check.arg)
    if check.test == "pattern":
        return pc.match_substring_regex(values, check.arg)
    if check.test == "lookup":
        return pc.is_in(values, value_set=_lookup_set(check.arg))
    raise AssertionError(check.test)


def _parse_dates(values: pa.Array) -> tuple[pa.Array, pa.Array]:
    """(whether each text is a real YYYY-MM-DD date, its timestamp) for non-null `values`."""
    shaped = _known(pc.match_substring_regex(values, DATE))
    safe = pc.if_else(shaped, values, "2000-01-01")
    parsed = pc.strptime(safe, format="%Y-%m-%d", unit="s", error_is_null=True)
    # strptime rolls 2023-02-30 over to March: a real date keeps its month and day
    month = pc.utf8_slice_codeunits(safe, 5, 7).cast(pa.int64())
    day = pc.utf8_slice_codeunits(safe, 8, 10).cast(pa.int64())
    same = pc.and_(pc.equal(pc.month(parsed), month), pc.equal(pc.day(parsed), day))
    same = pc.and_(same, pc.greater_equal(pc.year(parsed), 1))  # a Python date has no year 0
    return pc.and_(shaped, same), parsed


def _is_text_dictionary(kind: pa.DataType) -> bool:
    return pa.types.is_dictionary(kind) and (
        pa.types.is_string(kind.value_type) or pa.types.is_large_string(kind.value_type)
    )


def _mask_rows(mask: pa.Array, limit: int | None = None) -> list[int]:
    """The rows where `mask` is true: the first `limit` of them when a limit is given."""
    rows = pc.indices_nonzero(_known(mask))
    return (rows if limit is None else rows[:limit]).to_pylist()


def split_escaped(cell: str) -> list[str]:
    """Items of a list cell whose items escape | and \\ with a backslash."""
    items, current, escaped = [], [], False
    for char in cell:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == LIST_SEPARATOR:
            items.append("".join(current))
            current = []
        else:
            current.append(char)
    items.append("".join(current))
    return items


def _str(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        return LIST_SEPARATOR.join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class TableChecker:
    """Checks the batches of one table file; collects Issues, key sets and texts on the way."""

    def __init__(
        self,
        folder: Path,
        table: str,
        display: str,
        context: Context,
        report: bool = True,
        cross_only: bool = False,
    ) -> None:
        self.table = table
        self.cross_only = cross_only
        self.display = display
        self.context = context
        self.report = report
        self.columns = table_columns(folder, table)
        self.by_name = {c.name: c for c in self.columns}
        # (line, column order, Issue.as_tuple()) of the issues held in memory; the others are
        # in sorted runs on disk, so memory stays flat however many errors a table has
        self.issues: list[Values] = []
        self.issue_count = 0
        self._messages: dict[tuple[str, str], str] = {}
        self._spill = Spill()
        # (start, end) offsets in _spill of each sorted run, and how many merges made it
        self._runs: list[tuple[int, int, int]] = []
        self.order = {c.name: i for i, c in enumerate(self.columns)}
        self.primary_key = TABLES[table].primary_key
        self.key_store = Buckets()
        self.keyed = False  # whether the key columns were there (the key set is complete)
        self.own_keys: Keys | None = None
        # (column, table, target) -> the references seen, and how many
        self.ref_stores: dict[tuple[str, str, str], tuple[Buckets, int]] = {}
        self.header_checked = False
        self.header_line: int | None = 1
        self.missing: set[str] = set()
        # How many issues the run still reports (None: all). Each check of a batch then reports
        # only its first `limit` rows: any later one has `limit` issues of the same check before
        # it, so the first `limit` issues of the table are among those kept.
        self.limit: int | None = None

    # -- issues ----------------------------------------------------------------------------
    def add(
        self,
        batch: Batch,
        row: int | None,
        column: str,
        code: str,
        message: str,
        expected: str | None,
        actual: Any,
    ) -> None:
        if not self.report:
            return
        line: int | None
        if row is None:
            line, where = self.header_line, column
        elif batch.locate is not None:
            line, where = batch.locate(row, column)
        else:
            line, where = batch.lines[row], column
        # one message object per column and check: millions of issues share a few strings
        key = (message, where)
        if key not in self._messages:
            self._messages[key] = message.replace("{field}", where)
        message = self._messages[key]
        values = (self.display, line, where, code, message, expected, _str(actual))
        self._hold((line or 0, self.order.get(column, 99), values))

    def keep(self, item: Ordered) -> None:
        """Hold one issue to report; past SPILL_ISSUES held, they go to disk as a sorted run."""
        line, order, issue = item
        self._hold((line, order, issue.as_tuple()))

    def _hold(self, item: Values) -> None:
        self.issues.append(item)
        self.issue_count += 1
        if len(self.issues) >= SPILL_ISSUES:
            self._spill_issues()

    def _spill_issues(self) -> None:
        """Write the issues held, sorted, as a run of pickled chunks to the spill file; past
        MERGE_RUNS runs, merge them into one, so a merge holds a chunk of at most that many."""
        self.issues.sort(key=_position)
        self._write_run(self.issues, 0)
        self.issues = []
        # as a binary counter's carries, in base MERGE_RUNS: each issue is rewritten once per
        # level, and the levels are non-increasing along the runs, so the last MERGE_RUNS are
        # of one level when the first of them is of the level of the last
        level = 0
        while len(self._runs) >= MERGE_RUNS and self._runs[-MERGE_RUNS][2] == level:
            runs, self._runs = self._runs[-MERGE_RUNS:], self._runs[:-MERGE_RUNS]
            level += 1
            merged = heapq.merge(*(self._run(s, e) for s, e, _ in runs), key=_position)
            self._write_run(merged, level)

    def _write_run(self, items: Iterable[Values], level: int) -> None:
        start = self._spill.end()
        items = iter(items)
        while chunk := list(islice(items, RUN_CHUNK)):
            self._spill.write(chunk)
        self._runs.append((start, self._spill.end(), level))

    def _run(self, start: int, end: int) -> Iterator[Values]:
        while start < end:
            chunk, start = self._spill.read(start)
            yield from chunk

    def ordered_values(self) -> Iterator[Values]:
        """Every issue as (line, column order, Issue.as_tuple()), sorted by line then column;
        issues at the same place keep the order they were found in (runs merge in the order
        written). Streamed from the runs on disk: the checker keeps none of them afterwards."""
        held = sorted(self.issues, key=_position)
        runs, self.issues, self._runs = self._runs, [], []
        try:
            spilled = (self._run(s, e) for s, e, _ in runs)
            yield from heapq.merge(*spilled, held, key=_position)
        finally:
            self._spill.close()

    def ordered_issues(self) -> Iterator[Ordered]:
        """Every issue as (line, column order, issue), as ordered_values."""
        return ((line, order, Issue(*values)) for line, order, values in self.ordered_values())

    def sorted_values(self) -> Iterator[tuple[Any, ...]]:
        """Every issue's Issue.as_tuple(), sorted, streamed: what IssueList.extend_values
        takes, without making an Issue of each of a table's millions."""
        return (values for _, _, values in self.ordered_values())

    def sorted_issues(self) -> Iterator[Issue]:
        """Every issue, sorted, streamed."""
        return starmap(Issue, self.sorted_values())

    # -- the header ------------------------------------------------------------------------
    def check_header(self, batch: Batch, names: Iterable[str], line: int | None = 1) -> None:
        """Unknown, repeated and missing columns, reported at the header `line` (CSV: 1)."""
        names = list(names)
        self.header_checked = True
        self.header_line = line
        counts = Counter(names)  # one pass: a header of 100,000 columns is not quadratic
        # Columns of no table sort after the table's (see add): past `limit` they are not kept.
        repeated = sorted(n for n, times in counts.items() if times > 1)
        others = [n for n in repeated if n not in self.by_name][: self.limit]
        for name in [n for n in repeated if n in self.by_name] + others:
            self.add(
                batch,
                None,
                name,
                "GE202",
                f"column {name!r} appears {counts[name]} times",
                "each column once",
                name,
            )
        for name in [n for n in names if n not in self.by_name][: self.limit]:
            self.add(
                batch,
                None,
                name,
                "GE202",
                f"column {name!r} is not in the {self.table} table",
                "one of " + ", ".join(self.by_name),
                name,
            )
        for c in self.columns:
            if c.name not in counts:
                self.missing.add(c.name)
                self.add(
                    batch,
                    None,
                    c.name,
                    "GE203",
                    f"the {self.table} table has no {c.name!r} column",
                    c.name,
                    None,
                )

    # -- column rules ----------------------------------------------------------------------
    def _cell_errors(
        self,
        batch: Batch,
        col: Column,
        values: pa.Array,
        raw: pa.Array,
        code: str,
        mask: pa.Array,
        expected: str,
        what: str,
    ) -> pa.Array:
        mask = _known(mask)
        if not pc.any(mask).as_py():  # the usual case: one check, no per-row work
            return mask
        rows = _mask_rows(mask, self.limit)
        actual = raw.take(pa.array(rows, pa.int64())).to_pylist()
        for row, value in zip(rows, actual, strict=True):
            self.add(batch, row, col.name, code, "{field} " + what, expected, value)
        return mask

    def _check_strings(
        self,
        batch: Batch,
        col: Column,
        values: pa.Array,
        raw: pa.Array,
        rows: pa.Array | None = None,
        indices: pa.Array | None = None,
    ) -> pa.Array:
        """Checks on string values; returns the mask of bad cells. `values` are the cells, the
        items of list cells (`rows` maps each item to its row), or the distinct values of a
        dictionary-encoded column (`indices` maps each row to its value): then every check runs
        once per distinct value and the masks are spread to the rows."""
        n = len(values) if indices is None else len(indices)
        bad = _false(n)
        valid = pc.is_valid(values)
        lengths: dict[str, pa.Array] = {}  # utf8_length, computed once for min and max

        def report(code: str, mask: pa.Array, expected: str, what: str) -> None:
            nonlocal bad
            mask = pc.and_(_known(mask), valid)
            if not pc.any(mask).as_py():
                return
            if indices is not None:
                mask = _known(pc.take(mask, indices))
            mask = pc.and_(mask, pc.invert(bad))
            if rows is None:
                self._cell_errors(batch, col, values, raw, code, mask, expected, what)
            else:
                for index in _mask_rows(mask, self.limit):
                    row = rows[index].as_py()
                    self.add(
                        batch,
                        row,
                        col.name,
                        code,
                        "{field} " + what,
                        expected,
                        values[index].as_py(),
                    )
            bad = pc.or_(bad, mask)

        for check in string_checks(col):
            passes = _passes(check, values, lengths)
            report(check.code, pc.invert(passes), check.expected, check.what)
        return bad

    def convert(self, batch: Batch, col: Column, raw: pa.Array) -> tuple[pa.Array, pa.Array]:
        """The typed column and the mask of cells that broke a column rule."""
        n = len(raw)
        # A dictionary-encoded text column (see dictionary_columns) is checked once per
        # distinct value: `values` are then the distinct values and `indices` the rows'.
        indices = None
        mistyped = batch.mistyped.get(col.name)
        if col.kind in ("string", "date") and _is_text_dictionary(raw.type):
            indices, values, text = raw.indices, raw.dictionary.cast(pa.string()), raw
        else:
            raw, values, text, found = decode(raw, col, batch.typed)
            mistyped = found if mistyped is None else mistyped
        if pa.types.is_string(values.type) and batch.empty_is_null:
            # CSV cells: "" is an empty cell
            empty = pc.equal(values, "")
            if pc.any(empty).as_py():
                values = pc.if_else(empty, pa.scalar(None, pa.string()), values)
            if (
                batch.neutralised
                and col.kind in ("string", "list")
                and pc.any(pc.starts_with(values, "'")).as_py()
            ):
                values = pc.replace_substring_regex(values, NEUTRALISED, r"\1")
        if indices is None:
            missing = pc.is_null(values)
        else:
            missing = pc.or_(pc.is_null(indices), _known(pc.take(pc.is_null(values), indices)))
        bad = _false(n)
        if mistyped is not None and pc.any(mistyped).as_py():
            # a value of another type gets that one error; the column's checks skip it
            check = TYPE_CHECKS[col.kind]
            self._cell_errors(
                batch, col, values, raw, check.code, mistyped, check.expected, check.what
            )
            values = pc.if_else(mistyped, pa.scalar(None, values.type), values)
            missing = pc.and_(missing, pc.invert(mistyped))
            bad = _known(mistyped)
        # a list cell left empty in CSV (or Parquet) is the empty list; in JSON null is no list
        if col.required and (col.kind != "list" or not batch.empty_is_null):
            check = required_check(col)
            self._cell_errors(
                batch, col, values, raw, check.code, missing, check.expected, check.what
            )
            bad = pc.or_(bad, missing)

        if col.kind == "string":
            bad = pc.or_(bad, self._check_strings(batch, col, values, raw, indices=indices))
            if indices is not None:
                values = pc.take(values, indices)
        elif pa.types.is_string(values.type):
            values, bad = self._cast_text(batch, col, values, raw, bad, indices)
        if col.kind in ("integer", "number"):
            ranged = pc.invert(bad)
            for check in range_checks(col):
                compare = pc.less if check.test == "minimum" else pc.greater
                out = pc.and_(compare(values, check.arg), ranged)
                bad = pc.or_(
                    bad,
                    self._cell_errors(
                        batch, col, values, text, check.code, out, check.expected, check.what
                    ),
                )
        elif col.kind == "list" and col.item is not None:
            items = pc.list_flatten(values)
            parents = pc.list_parent_indices(values)
            if len(items):
                item_bad = self._check_strings(batch, col.item, items, items, rows=parents)
                rows = pc.filter(parents, item_bad)
                if len(rows):
                    in_bad_row = np.zeros(n, np.bool_)
                    in_bad_row[rows.to_numpy()] = True
                    bad = pc.or_(bad, pa.array(in_bad_row))
        if pc.any(bad).as_py():
            values = pc.if_else(bad, pa.scalar(None, values.type), values)
        return values, bad

    def _cast_text(
        self,
        batch: Batch,
        col: Column,
        values: pa.Array,
        raw: pa.Array,
        bad: pa.Array,
        indices: pa.Array | None = None,
    ) -> tuple[pa.Array, pa.Array]:
        """Text cells as the column's type; bad cells reported. With `indices`, `values` are the
        distinct values of a dictionary-encoded column."""
        distinct = None
        if indices is not None:
            distinct, values = values, pc.take(values, indices)
        present = pc.is_valid(values)
        if col.kind == "list":
            if pc.any(pc.match_substring(values, "\\")).as_py():
                split = pa.array(
                    [None if v is None else split_escaped(v) for v in values.to_pylist()],
                    pa.list_(pa.string()),
                )
            else:
                split = pc.split_pattern(values, LIST_SEPARATOR)
            return _no_null_lists(split), bad
        check = TYPE_CHECKS[col.kind]
        large = None
        if col.kind == "integer":
            ok = pc.match_substring_regex(values, INTEGER)
            large = _known(pc.match_substring_regex(values, LARGE_INTEGER))
            if pc.any(large).as_py():
                ok = pc.or_(_known(ok), large)  # an integer, only too large: GE207 below
            else:
                large = None
        elif col.kind == "number":
            ok = pc.match_substring_regex(values, NUMBER)
        elif col.kind == "boolean":
            ok = pc.is_in(values, value_set=_value_set(("true", "false")))
        elif col.kind == "date":
            if distinct is None or indices is None:  # few distinct dates: each parsed once
                encoded = pc.dictionary_encode(values)
                distinct, indices = encoded.dictionary, encoded.indices
            distinct_ok, distinct_parsed = _parse_dates(distinct)
            ok = pc.take(distinct_ok, indices)
            parsed = pc.take(distinct_parsed, indices)
        else:
            raise AssertionError(col.kind)
        wrong = pc.and_(present, pc.invert(_known(ok)))
        self._cell_errors(batch, col, values, raw, check.code, wrong, check.expected, check.what)
        if large is not None:
            self._cell_errors(
                batch, col, values, raw, TOO_LARGE.code, large, TOO_LARGE.expected, TOO_LARGE.what
            )
            wrong = pc.or_(wrong, large)
        bad = pc.or_(bad, wrong)
        if col.kind == "boolean":
            return pc.equal(values, "true"), bad
        if col.kind == "date":
            good = pc.and_(present, _known(ok))
            dates = pc.if_else(good, parsed, pa.scalar(None, pa.timestamp("s"))).cast(pa.date32())
            return dates, bad
        clean = pc.if_else(wrong, pa.scalar(None, pa.string()), values)
        if col.kind == "integer":
            # Arrow's integer parser refuses a leading +, which the schema's integers allow
            clean = pc.replace_substring_regex(clean, r"^\+", "")
            return clean.cast(pa.int64()), bad
        return clean.cast(pa.float64()), bad

    # -- a batch ---------------------------------------------------------------------------
    def unreadable(self, batch: Batch) -> None:
        """Report the lines of `batch` that could not be read; keep their text for references."""
        for problem in batch.problems:
            self.context.unread(self.table, problem.text, problem.line)
            if self.report:
                issue = Issue(
                    self.display, problem.line, problem.field, problem.code, problem.message
                )
                self.keep((problem.line or 0, -1, issue))

    def check(self, batch: Batch) -> dict[str, pa.Array]:
        """Check one batch; returns its typed columns (bad cells null)."""
        self.unreadable(batch)
        if self.cross_only:
            # rows flattened from validated models: already typed, structure already checked
            clean = {c: _false(len(batch.lines)) for c in batch.columns}
            for rule in rules_for(self.table):
                self.cross(batch, rule, batch.columns, clean)
            if self.table == "evidence":
                self.grounding(batch, batch.columns)
            return batch.columns
        if not self.header_checked:
            self.check_header(batch, batch.columns)
        n = len(batch.lines)
        typed: dict[str, pa.Array] = {}
        invalid: dict[str, pa.Array] = {}
        for col in self.columns:
            if col.name in batch.columns:
                values, bad = self.convert(batch, col, batch.columns[col.name])
            else:
                values = pa.nulls(n, ARROW_TYPES[col.kind])
                bad = pc.invert(_false(n))
            if col.kind == "list":
                values = _no_null_lists(values)
            typed[col.name] = values
            invalid[col.name] = bad
        for rule in rules_for(self.table):
            self.cross(batch, rule, typed, invalid)
        self.keys(batch, typed, invalid)
        self.references(batch, typed)
        if self.table == "documents":
            self.documents(batch, typed)
        if self.table == "evidence":
            self.grounding(batch, typed)
        return typed

    def cross(
        self,
        batch: Batch,
        rule: CrossRule,
        typed: dict[str, pa.Array],
        invalid: dict[str, pa.Array],
    ) -> None:
        if any(c in self.missing for c in rule.columns):
            return
        fails = _known(VECTOR[rule.name](typed))
        if not pc.any(fails).as_py():
            return
        for c in rule.columns:
            if c not in rule.lenient:
                fails = pc.and_(fails, pc.invert(invalid[c]))
        rows = _mask_rows(fails, self.limit)
        if not rows:
            return
        picked = {c: typed[c].take(pa.array(rows, pa.int64())).to_pylist() for c in rule.columns}
        for i, row in enumerate(rows):
            self.cross_issue(batch, row, rule, {c: picked[c][i] for c in rule.columns})

    def cross_issue(self, batch: Batch, row: int, rule: CrossRule, values: dict[str, Any]) -> None:
        """Report that `rule` fails on `row`, whose cells it reads are `values`."""
        actual = ", ".join(f"{c}={_str(v) if v is not None else ''}" for c, v in values.items())
        self.add(
            batch,
            row,
            rule.field,
            rule.code,
            "{field}: " + CODES[rule.code].meaning.split(" (")[0].rstrip(".").lower(),
            rule.expected,
            actual,
        )

    def keys(self, batch: Batch, typed: dict[str, pa.Array], invalid: dict[str, pa.Array]) -> None:
        # Keys and their lines go into hash buckets (on disk beyond SPILL_ROWS rows) and are
        # checked one bucket at a time when the table ends: memory does not grow with the rows.
        if any(c in self.missing for c in self.primary_key):
            return
        self.keyed = True
        parts = [typed[c].cast(pa.string()) for c in self.primary_key]
        joined = parts[0] if len(parts) == 1 else pc.binary_join_element_wise(*parts, "\x1f")
        present = pc.is_valid(joined)  # an empty key is already a GE201 error
        self.key_store.add(pc.filter(joined, present), pc.filter(batch.line_array(), present))

    def finish_keys(self) -> None:
        """Report duplicate keys; publish the key set for the tables that reference this one."""
        if not self.keyed:
            return
        store = self.key_store
        store.close()
        found: list[tuple[int, str, int]] = []
        for b in range(store.count):  # one bucket in memory at a time
            bucket = store.bucket(b)
            repeated, distinct = duplicates(
                bucket.column("value").combine_chunks(), bucket.column("line").combine_chunks()
            )
            del bucket
            found += repeated
            store.keep_unique(b, distinct)
            del distinct
        for line, key, first in sorted(found):
            self.duplicate_issue(line, key, first)
        self.own_keys = store
        if len(self.primary_key) == 1:
            self.context.keys[(self.table, self.primary_key[0])] = store
            self.context.complete.add(self.table)

    def duplicate_issue(self, line: int, key: str, first: int) -> None:
        """Report a primary key seen before on line `first`."""
        shown = key.replace("\x1f", ", ")
        self._issue_at(
            line,
            self.primary_key[-1],
            "GE601",
            f"{'/'.join(self.primary_key)} {shown!r} already used on line {first}",
            "a unique " + "/".join(self.primary_key),
            shown,
        )

    def reference_issue(self, line: int, column: str, table: str, target: str, value: str) -> None:
        """Report a reference to an id that `table` does not hold, unless the id may be on a
        line of `table` that could not be read (that line's error says it already)."""
        if self.context.maybe_unread(table, value):
            return
        self._issue_at(
            line,
            column,
            "GE602",
            f"{column} {value!r} is not a {target} of the {table} table"
            + self.context.unread_note(table),
            f"an existing {table}.{target}",
            value,
        )

    def _issue_at(
        self, line: int | None, column: str, code: str, message: str, expected: str, actual: Any
    ) -> None:
        if self.report:
            issue = Issue(self.display, line, column, code, message, expected, _str(actual))
            self.keep((line or 0, self.order.get(column, 99), issue))

    def references(self, batch: Batch, typed: dict[str, pa.Array]) -> None:
        for column, table, target in references(self.table):
            if column in self.missing:
                continue
            if table != self.table and table not in self.context.complete:
                continue  # the referenced table is not there: nothing to check against
            values = typed[column]
            lines = batch.line_array()
            if pa.types.is_list(values.type):
                items = pc.list_flatten(values)
                lines = pc.take(lines, pc.list_parent_indices(values))
            else:
                items = values
            present = pc.is_valid(items)
            items, lines = pc.filter(items, present), pc.filter(lines, present)
            # checked when the table ends, bucket by bucket against the referenced key set
            store, placed = self.ref_stores.get((column, table, target), (Buckets(), 0))
            places = pa.array(np.arange(placed, placed + len(items), dtype=np.int64))
            store.add(items, lines, places)
            self.ref_stores[(column, table, target)] = (store, placed + len(items))

    def finish_references(self) -> None:
        """Check every reference of this table, its own ids (refers_to) included."""
        for (column, table, target), (store, _) in self.ref_stores.items():
            known = self.own_keys if table == self.table else self.context.keys.get((table, target))
            for line, _, value in unknown_references(store, known):
                self.reference_issue(line, column, table, target, value)
        self.ref_stores.clear()

    def documents(self, batch: Batch, typed: dict[str, pa.Array]) -> None:
        if self.context.texts is None:
            self.context.texts = {}
        ids, texts, hashes = (typed[c].to_pylist() for c in ("doc_id", "text", "sha256"))
        for row, (doc_id, text, sha) in enumerate(zip(ids, texts, hashes, strict=True)):
            self.document_row(batch, row, doc_id, text, sha)

    def document_row(
        self, batch: Batch, row: int, doc_id: str | None, text: str | None, sha: str | None
    ) -> None:
        """Keep a document's text for grounding; check its sha256."""
        if self.context.texts is None:
            self.context.texts = {}
        if doc_id is not None and text is not None:
            self.context.texts[doc_id] = text
            actual = hashlib.sha256(text.encode("utf-8")).hexdigest()
            if sha is not None and actual != sha:
                self.add(
                    batch,
                    row,
                    "sha256",
                    "GE503",
                    f"sha256 of the text of {doc_id} is {actual}",
                    sha,
                    actual,
                )

    def grounding(self, batch: Batch, typed: dict[str, pa.Array]) -> None:
        texts = self.context.texts
        if texts is None:
            return
        # Slicing by code points per row: Arrow has no per-row slice bounds, and evidence is small.
        columns = [typed[c].to_pylist() for c in ("doc_id", "start", "end", "quote")]
        for row, (doc_id, start, end, quote) in enumerate(zip(*columns, strict=True)):
            self.ground_row(batch, row, doc_id, start, end, quote)

    def ground_row(
        self,
        batch: Batch,
        row: int,
        doc_id: str | None,
        start: int | None,
        end: int | None,
        quote: str | None,
    ) -> None:
        """Check one evidence span against its document's text."""
        texts = self.context.texts
        if texts is None or doc_id not in texts or start is None or end is None or quote is None:
            return
        if end > start:
            text = texts[doc_id]
            if end > len(text):
                self.add(
                    batch,
                    row,
                    "end",
                    "GE502",
                    f"end {end} is beyond the {len(text)} characters of {doc_id}",
                    f"<= {len(text)}",
                    end,
                )
            elif text[start:end] != quote:
                self.add(
                    batch,
                    row,
                    "quote",
                    "GE501",
                    f"quote is not the text of {doc_id} at {start}-{end}",
                    text[start:end],
                    quote,
                )


# --- vectorised cross-field rules ------------------------------------------------------------

Cols = dict[str, pa.Array]
_SUBTYPES = pa.array([str(s) for s in CROSSWALK])


@cache
def _crosswalk_column(attribute: str) -> pa.Array:
    return pa.array([_v(getattr(cw, attribute)) for cw in CROSSWALK.values()], pa.string())


def _crosswalk(cols: Cols, attribute: str) -> pa.Array:
    index = pc.index_in(cols["event_subtype"], value_set=_SUBTYPES)
    return pc.take(_crosswalk_column(attribute), index)


def _v(value: Any) -> str | None:
    return None if value is None else str(value)


def _same(a: pa.Array, b: pa.Array) -> pa.Array:
    both_null = pc.and_(pc.is_null(a), pc.is_null(b))
    return pc.or_(_known(pc.equal(a, b)), both_null)


def _subtype_type(cols: Cols) -> pa.Array:
    expected = _crosswalk(cols, "event_type")
    return pc.not_equal(expected, cols["event_type"])


def _acled_pair(cols: Cols) -> pa.Array:
    kind, sub = cols["acled_event_type"], cols["acled_sub_event_type"]
    pairs = pa.array([f"{k}\x1f{s}" for k, subs in ACLED_EVENT_TYPES.items() for s in subs])
    kind_ok = pc.is_in(kind, value_set=pa.array(list(ACLED_EVENT_TYPES)))
    pair_ok = pc.is_in(pc.binary_join_element_wise(kind, sub, "\x1f"), value_set=pairs)
    any_given = pc.or_(pc.is_valid(kind), pc.is_valid(sub))
    pair_bad = pc.and_(pc.is_valid(sub), pc.invert(pair_ok))
    return pc.and_(any_given, pc.or_(pc.invert(kind_ok), pair_bad))


def _crosswalk_rule(column: str) -> Callable[[Cols], pa.Array]:
    def fails(cols: Cols) -> pa.Array:
        known = pc.is_in(cols["event_subtype"], value_set=_SUBTYPES)
        return pc.and_(known, pc.invert(_same(_crosswalk(cols, column), cols[column])))

    return fails


def _as_int(dates: pa.Array) -> pa.Array:
    return dates.cast(pa.int32())


def _date_precision(cols: Cols) -> pa.Array:
    start, end, precision = cols["date_start"], cols["date_end"], cols["date_precision"]
    span = pc.subtract(_as_int(end), _as_int(start))
    day_after_end = pc.add(_as_int(end), 1).cast(pa.int32()).cast(pa.date32())
    same_month = pc.and_(
        pc.equal(pc.year(start), pc.year(end)), pc.equal(pc.month(start), pc.month(end))
    )
    fits = {
        "day": pc.equal(span, 0),
        "days": pc.and_(pc.greater_equal(span, 1), pc.less_equal(span, 5)),
        "week": pc.equal(span, 6),
        "month": pc.and_(
            pc.and_(pc.equal(pc.day(start), 1), same_month), pc.equal(pc.day(day_after_end), 1)
        ),
        "year": pc.and_(
            pc.and_(pc.equal(pc.year(start), pc.year(end)), pc.equal(pc.day_of_year(start), 1)),
            pc.and_(pc.equal(pc.month(end), 12), pc.equal(pc.day(end), 31)),
        ),
    }
    bad = _false(len(start))
    for name, ok in fits.items():
        bad = pc.or_(bad, pc.and_(pc.equal(precision, name), pc.invert(ok)))
    aggregate = _known(cols["is_aggregate"])
    ordered = pc.greater_equal(end, start)
    return pc.and_(pc.and_(pc.invert(aggregate), ordered), bad)


def _greater(a: str, b: str) -> Callable[[Cols], pa.Array]:
    return lambda cols: pc.greater(cols[a], cols[b])


def _low_high(prefix: str) -> Callable[[Cols], pa.Array]:
    return lambda cols: pc.and_(
        pc.is_null(cols[f"{prefix}_best"]),
        pc.greater(cols[f"{prefix}_low"], cols[f"{prefix}_high"]),
    )


def _country_of_point(cols: Cols) -> pa.Array:
    a2 = alpha2_to_alpha3()
    from_admin1 = pc.take(
        pa.array(list(a2.values())),
        pc.index_in(
            pc.utf8_slice_codeunits(cols["admin1_code"], 0, 2), value_set=pa.array(list(a2))
        ),
    )
    return pc.coalesce(cols["country_iso3"], from_admin1)


def _inside_country(cols: Cols) -> pa.Array:
    lat, lon = cols["latitude"], cols["longitude"]
    country = _country_of_point(cols)
    located = pc.and_(pc.and_(pc.is_valid(lat), pc.is_valid(lon)), pc.is_valid(country))
    bad = _false(len(lat))
    t = BBOX_TOLERANCE
    for code in pc.unique(pc.filter(country, located)).to_pylist():
        boxes = country_boxes(code)
        if not boxes:
            continue
        inside = _false(len(lat))
        for x0, y0, x1, y1 in boxes:
            box = pc.and_(
                pc.and_(pc.greater_equal(lon, x0 - t), pc.less_equal(lon, x1 + t)),
                pc.and_(pc.greater_equal(lat, y0 - t), pc.less_equal(lat, y1 + t)),
            )
            inside = pc.or_(inside, _known(box))
        mine = pc.and_(located, _known(pc.equal(country, code)))
        bad = pc.or_(bad, pc.and_(mine, pc.invert(inside)))
    return bad


def _admin1_country(cols: Cols) -> pa.Array:
    a3 = alpha3_to_alpha2()
    expected = pc.take(
        pa.array(list(a3.values())), pc.index_in(cols["country_iso3"], value_set=pa.array(list(a3)))
    )
    return pc.not_equal(pc.utf8_slice_codeunits(cols["admin1_code"], 0, 2), expected)


def _attributors(cols: Cols) -> pa.Array:
    return pc.fill_null(pc.list_value_length(cols["attributed_by"]), 0)


VECTOR: dict[str, Callable[[Cols], pa.Array]] = {
    "subtype_type": _subtype_type,
    "acled_pair": _acled_pair,
    **{f"crosswalk_{c}": _crosswalk_rule(c) for c in CROSSWALK_COLUMNS},
    "date_order": lambda cols: pc.less(cols["date_end"], cols["date_start"]),
    "date_precision": _date_precision,
    **{
        name: fn
        for prefix in ("fatalities", "injuries")
        for name, fn in (
            (f"{prefix}_low_best", _greater(f"{prefix}_low", f"{prefix}_best")),
            (f"{prefix}_best_high", _greater(f"{prefix}_best", f"{prefix}_high")),
            (f"{prefix}_low_high", _low_high(prefix)),
        )
    },
    "inside_country": _inside_country,
    "admin1_country": _admin1_country,
    "both_coordinates": lambda cols: pc.xor(
        pc.is_null(cols["latitude"]), pc.is_null(cols["longitude"])
    ),
    "alleged_attributor": lambda cols: pc.and_(
        pc.equal(cols["initiator_attribution"], "alleged"), pc.equal(_attributors(cols), 0)
    ),
    "unattributed_attributor": lambda cols: pc.and_(
        pc.equal(cols["initiator_attribution"], "unattributed"), pc.greater(_attributors(cols), 0)
    ),
    "span_order": lambda cols: pc.less_equal(cols["end"], cols["start"]),
}


def check_batches(checker: TableChecker, batches: Iterator[Batch]) -> Iterator[dict[str, pa.Array]]:
    """Run `checker` over every batch, yielding typed columns; keys and references at the end."""
    for batch in batches:
        yield checker.check(batch)
    checker.finish_keys()
    checker.finish_references()
