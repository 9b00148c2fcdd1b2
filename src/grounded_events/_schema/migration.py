"""Migration steps between schema versions: what operations edit and refuse, how steps chain."""

from __future__ import annotations

import csv
import io
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from ruamel.yaml.comments import CommentedMap

from grounded_events._core.errors import GroundedEventsError
from grounded_events._schema.table_csv import format_cell, write_rows
from grounded_events._schema.table_parquet import write_parquet

# The key of an annotation file that says which version it follows.
VERSION_KEY = "schema_version"

# One change of a step: mutates the round-trip tree in place, or raises MigrationRefused.
Operation = Callable[[CommentedMap], None]
# The same for an exported table (CSV or Parquet): gets the table's name and its frame.
TableOperation = Callable[[str, "Frame"], None]
# What a step moves out of single files into files of their dataset (a major version that keeps
# facts once per dataset): gets the dataset folder and every file of the run in it, at the step's
# source version and before its operations, and returns the dataset files to write (a Result
# with a text, or with the problems that refuse the run). It reads the trees; the step's
# operations then remove what it carried.
DatasetOperation = Callable[[Path, Sequence["Member"]], list["Result"]]


class MigrationRefused(GroundedEventsError):
    """A step cannot carry a value over without losing it; nothing is written."""

    def __init__(self, field: str, line: int | None, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.line = line
        self.message = message


@dataclass(frozen=True)
class Step:
    """A declared migration from version `source` to version `target`."""

    source: str
    target: str
    summary: str
    operations: tuple[Operation, ...] = ()
    tables: tuple[TableOperation, ...] = ()
    dataset: DatasetOperation | None = None


@dataclass(frozen=True)
class Member:
    """An annotation file of a run as a dataset operation sees it."""

    path: Path
    text: str  # as read, its comment lines included
    tree: CommentedMap  # the round-trip tree, at the version the step starts from


def find_path(registry: Sequence[Step], source: str, target: str) -> list[Step]:
    """The shortest chain of steps from source to target; LookupError when there is none."""
    if source == target:
        return []
    came_from: dict[str, Step] = {}
    queue = deque([source])
    while queue:
        version = queue.popleft()
        for step in registry:
            if step.source != version or step.target in came_from or step.target == source:
                continue
            came_from[step.target] = step
            if step.target == target:
                chain = [step]
                while chain[0].source != source:
                    chain.insert(0, came_from[chain[0].source])
                return chain
            queue.append(step.target)
    raise LookupError(f"no migration from {source} to {target} is declared")


@dataclass
class Result:
    """The outcome for one file: the steps taken and the new text, or why it was refused.

    A dataset file that a step writes (actors.yaml, links.yaml) has a `summary` of what it holds
    ("12 actors") and `notes` on what the merge chose."""

    path: Path
    source: str | None = None
    steps: list[Step] = field(default_factory=list)
    text: str | None = None
    data: bytes | None = None  # a migrated table's bytes
    problems: list[str] = field(default_factory=list)
    summary: str | None = None
    notes: list[str] = field(default_factory=list)


class Frame:
    """An exported table being migrated: its column names and values, from CSV or Parquet."""

    def __init__(self, path: Path, data: bytes) -> None:
        self.path = path
        self.parquet = path.suffix == ".parquet"
        if self.parquet:
            self.arrow = pq.read_table(io.BytesIO(data))
        else:
            reader = csv.reader(io.StringIO(data.decode("utf-8"), newline=""))
            self.rows = list(reader)
            if not self.rows:
                raise MigrationRefused("(header)", 1, "an exported table starts with a header row")
            self.header = self.rows.pop(0)
            # Line of each row, for messages (a quoted cell may span lines).
            self.lines = self._lines(data.decode("utf-8"))

    @staticmethod
    def _lines(text: str) -> list[int]:
        reader = csv.reader(io.StringIO(text, newline=""))
        next(reader, None)
        lines, start = [], reader.line_num + 1
        for _ in reader:
            lines.append(start)
            start = reader.line_num + 1
        return lines

    @property
    def columns(self) -> list[str]:
        return list(self.arrow.column_names) if self.parquet else list(self.header)

    def values(self, column: str) -> list[Any]:
        if self.parquet:
            values: list[Any] = self.arrow.column(column).to_pylist()
            return values
        index = self.header.index(column)
        return [row[index] for row in self.rows]

    def where(self, row: int) -> tuple[int | None, str]:
        """The line (CSV) and a readable position of a data row."""
        if self.parquet:
            return None, f"row {row + 1}"
        return self.lines[row], f"line {self.lines[row]}"

    def rename(self, old: str, new: str) -> None:
        if self.parquet:
            self.arrow = self.arrow.rename_columns([new if c == old else c for c in self.columns])
        else:
            self.header[self.header.index(old)] = new

    def drop(self, column: str) -> None:
        if self.parquet:
            self.arrow = self.arrow.drop_columns([column])
        else:
            index = self.header.index(column)
            del self.header[index]
            for row in self.rows:
                del row[index]

    def add(self, column: str, position: int, arrow_type: pa.DataType, value: Any = None) -> None:
        """A new column holding `value` in every row (None: null in Parquet, empty in CSV)."""
        if self.parquet:
            rows = self.arrow.num_rows
            cells = (
                pa.nulls(rows, arrow_type)
                if value is None
                else pa.array([value] * rows, arrow_type)
            )
            self.arrow = self.arrow.add_column(position, pa.field(column, arrow_type), cells)
        else:
            self.header.insert(position, column)
            cell = format_cell(value)
            for row in self.rows:
                row.insert(position, cell)

    def dump(self) -> bytes:
        """The bytes, written as the data package writes them (pinned Parquet options, "\\n")."""
        if self.parquet:
            return write_parquet(self.arrow)
        return write_rows([self.header, *self.rows])
