"""A batch of rows as read: raw columns, their lines, and how the reader found them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc


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
