"""The cells of a column: decoded as read, typed, and checked against the column's rules."""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from grounded_events._schema.tables import LIST_SEPARATOR, TABLES
from grounded_events._validation.arrays import (
    cell_text,
    false,
    known,
    mask_rows,
    no_null_lists,
    value_set,
)
from grounded_events._validation.batch import Batch
from grounded_events._validation.checker import Checker
from grounded_events._validation.rules import (
    TOO_LARGE,
    TYPE_CHECKS,
    Column,
    ValueCheck,
    lookup_values,
    range_checks,
    required_check,
    string_checks,
    table_columns,
)
from grounded_events._validation.suggest import closest

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
            return pa.array([cell_text(v) for v in raw.to_pylist()], pa.string())
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
        return pa.array([cell_text(v) for v in raw.to_pylist()], pa.string())
    except (ValueError, OverflowError):
        return pa.array(
            [None if v is None else f"<{raw.type}>" for v in raw.is_valid().to_pylist()]
        )


def fits(kind: pa.DataType, col: Column) -> bool:
    """Whether a typed column (Parquet, JSON lines) holds values of `col`'s kind: text for text
    (JSON Schema has no 1 for true, no 0.0 for an integer, no "3" for a count)."""
    text = bool(pa.types.is_string(kind) or pa.types.is_large_string(kind))
    if pa.types.is_null(kind):
        return True
    if col.kind == "string":
        return text
    if col.kind == "date":  # dates are text in JSON
        return bool(text or pa.types.is_date(kind))
    if col.kind == "integer":
        return bool(pa.types.is_integer(kind))
    if col.kind == "number":
        return bool(pa.types.is_integer(kind) or pa.types.is_floating(kind))
    if col.kind == "boolean":
        return bool(pa.types.is_boolean(kind))
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):
        item = kind.value_type
        return bool(
            pa.types.is_string(item) or pa.types.is_large_string(item) or pa.types.is_null(item)
        )
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


@cache
def _lookup_set(pattern: str) -> pa.Array:
    return pa.array(sorted(lookup_values(pattern)), pa.string())


def _passes(check: ValueCheck, values: pa.Array, lengths: dict[str, pa.Array]) -> pa.Array:
    """Where text `values` pass a string check (null where a value is null); `lengths` keeps
    the values' lengths for the next check."""
    if check.test == "enum":
        return pc.is_in(values, value_set=value_set(check.arg))
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
    shaped = known(pc.match_substring_regex(values, DATE))
    safe = pc.if_else(shaped, values, "2000-01-01")
    parsed = pc.strptime(safe, format="%Y-%m-%d", unit="s", error_is_null=True)
    # strptime rolls 2023-02-30 over to March: a real date keeps its month and day
    month = pc.utf8_slice_codeunits(safe, 5, 7).cast(pa.int64())
    day = pc.utf8_slice_codeunits(safe, 8, 10).cast(pa.int64())
    same = pc.and_(pc.equal(pc.month(parsed), month), pc.equal(pc.day(parsed), day))
    same = pc.and_(same, pc.greater_equal(pc.year(parsed), 1))  # a Python date has no year 0
    return pc.and_(shaped, same), parsed


def _is_text_dictionary(kind: pa.DataType) -> bool:
    return bool(pa.types.is_dictionary(kind)) and bool(
        pa.types.is_string(kind.value_type) or pa.types.is_large_string(kind.value_type)
    )


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


class CellChecks(Checker):
    """The column rules of a table, checked column by column over a batch."""

    def broke(self, batch: Batch, row: int, col: Column, check: ValueCheck, actual: Any) -> None:
        """Report that one cell (or list item) broke `check`; a value not in the vocabulary
        is told the one it most likely misspells."""
        if check.test == "enum" and isinstance(actual, str):
            hint = closest(actual, check.arg)
            if hint is not None:
                check = replace(check, variant="suggest", params=(("suggestion", hint),))
        super().broke(batch, row, col, check, actual)

    def needs_value(self, batch: Batch, col: Column) -> bool:
        """Whether an empty cell of `col` is an error: not when the column may be empty, nor
        when the header lacks the column (GE203 says so once, if it is required)."""
        # a list cell left empty in CSV (or Parquet) is the empty list; in JSON null is no list
        return (
            col.required
            and (col.kind != "list" or not batch.empty_is_null)
            and col.name not in self.missing
        )

    def _cell_errors(
        self, batch: Batch, col: Column, raw: pa.Array, check: ValueCheck, mask: pa.Array
    ) -> pa.Array:
        """Report `check` broken in the cells of `mask` (shown as in `raw`); returns the mask."""
        mask = known(mask)
        if not pc.any(mask).as_py():  # the usual case: one check, no per-row work
            return mask
        rows = mask_rows(mask, self.limit)
        actual = raw.take(pa.array(rows, pa.int64())).to_pylist()
        for row, value in zip(rows, actual, strict=True):
            self.broke(batch, row, col, check, value)
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
        bad = false(n)
        valid = pc.is_valid(values)
        lengths: dict[str, pa.Array] = {}  # utf8_length, computed once for min and max

        def report(check: ValueCheck, mask: pa.Array) -> None:
            nonlocal bad
            mask = pc.and_(known(mask), valid)
            if not pc.any(mask).as_py():
                return
            if indices is not None:
                mask = known(pc.take(mask, indices))
            mask = pc.and_(mask, pc.invert(bad))
            if rows is None:
                self._cell_errors(batch, col, raw, check, mask)
            else:
                for index in mask_rows(mask, self.limit):
                    self.broke(batch, rows[index].as_py(), col, check, values[index].as_py())
            bad = pc.or_(bad, mask)

        for check in string_checks(col):
            passes = _passes(check, values, lengths)
            report(check, pc.invert(passes))
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
            missing = pc.or_(pc.is_null(indices), known(pc.take(pc.is_null(values), indices)))
        bad = false(n)
        if mistyped is not None and pc.any(mistyped).as_py():
            # a value of another type gets that one error; the column's checks skip it
            check = TYPE_CHECKS[col.kind]
            self._cell_errors(batch, col, raw, check, mistyped)
            values = pc.if_else(mistyped, pa.scalar(None, values.type), values)
            missing = pc.and_(missing, pc.invert(mistyped))
            bad = known(mistyped)
        if self.needs_value(batch, col):
            check = required_check(col)
            self._cell_errors(batch, col, raw, check, missing)
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
                    self._cell_errors(batch, col, text, check, out),
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
            return no_null_lists(split), bad
        check = TYPE_CHECKS[col.kind]
        large = None
        if col.kind == "integer":
            ok = pc.match_substring_regex(values, INTEGER)
            large = known(pc.match_substring_regex(values, LARGE_INTEGER))
            if pc.any(large).as_py():
                ok = pc.or_(known(ok), large)  # an integer, only too large: GE207 below
            else:
                large = None
        elif col.kind == "number":
            ok = pc.match_substring_regex(values, NUMBER)
        elif col.kind == "boolean":
            ok = pc.is_in(values, value_set=value_set(("true", "false")))
        elif col.kind == "date":
            if distinct is None or indices is None:  # few distinct dates: each parsed once
                encoded = pc.dictionary_encode(values)
                distinct, indices = encoded.dictionary, encoded.indices
            distinct_ok, distinct_parsed = _parse_dates(distinct)
            ok = pc.take(distinct_ok, indices)
            parsed = pc.take(distinct_parsed, indices)
        else:
            raise AssertionError(col.kind)
        wrong = pc.and_(present, pc.invert(known(ok)))
        self._cell_errors(batch, col, raw, check, wrong)
        if large is not None:
            self._cell_errors(batch, col, raw, TOO_LARGE, large)
            wrong = pc.or_(wrong, large)
        bad = pc.or_(bad, wrong)
        if col.kind == "boolean":
            return pc.equal(values, "true"), bad
        if col.kind == "date":
            good = pc.and_(present, known(ok))
            dates = pc.if_else(good, parsed, pa.scalar(None, pa.timestamp("s"))).cast(pa.date32())
            return dates, bad
        clean = pc.if_else(wrong, pa.scalar(None, pa.string()), values)
        if col.kind == "integer":
            # Arrow's integer parser refuses a leading +, which the schema's integers allow
            clean = pc.replace_substring_regex(clean, r"^\+", "")
            return clean.cast(pa.int64()), bad
        return clean.cast(pa.float64()), bad
