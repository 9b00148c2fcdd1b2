"""What every engine's check of one table shares: its columns, the context of the run, and
how an issue is placed (line, field) and collected in order."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grounded_events._schema.tables import TABLES
from grounded_events._validation.arrays import cell_text
from grounded_events._validation.batch import Batch
from grounded_events._validation.codes import CODES
from grounded_events._validation.cross_rules import CrossRule
from grounded_events._validation.issues import Issue, Ordered, OrderedIssues
from grounded_events._validation.keysets import Buckets, Keys
from grounded_events._validation.rules import table_columns

# Characters of unreadable lines kept per table to tell which missing ids they may hold.
UNREADABLE_CHARS = 1 << 24


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


class Checker:
    """The state of one table's check that its job mixins (headers, cells, keys, grounding)
    share, and how they report an issue."""

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
        self.issues = OrderedIssues()
        self._messages: dict[tuple[str, str], str] = {}
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
        """Report an issue at `row` of `batch` (None: the header) in `column`."""
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
        values = (self.display, line, where, code, message, expected, cell_text(actual))
        self.issues.hold((line or 0, self.order.get(column, 99), values))

    def keep(self, item: Ordered) -> None:
        """Hold one issue to report; past SPILL_ISSUES held, they go to disk as a sorted run."""
        self.issues.keep(item)

    @property
    def issue_count(self) -> int:
        """How many issues this check has found so far."""
        return self.issues.count

    def ordered_issues(self) -> Iterator[Ordered]:
        """Every issue as (line, column order, issue), sorted by line then column."""
        return self.issues.ordered_issues()

    def sorted_values(self) -> Iterator[tuple[Any, ...]]:
        """Every issue's Issue.as_tuple(), sorted, streamed (see OrderedIssues)."""
        return self.issues.sorted_values()

    def sorted_issues(self) -> Iterator[Issue]:
        """Every issue, sorted, streamed."""
        return self.issues.sorted_issues()

    def cross_issue(self, batch: Batch, row: int, rule: CrossRule, values: dict[str, Any]) -> None:
        """Report that `rule` fails on `row`, whose cells it reads are `values`."""
        actual = ", ".join(
            f"{c}={cell_text(v) if v is not None else ''}" for c, v in values.items()
        )
        self.add(
            batch,
            row,
            rule.field,
            rule.code,
            "{field}: " + CODES[rule.code].meaning.split(" (")[0].rstrip(".").lower(),
            rule.expected,
            actual,
        )

    def _issue_at(
        self, line: int | None, column: str, code: str, message: str, expected: str, actual: Any
    ) -> None:
        """Report an issue at a line (not a batch's row) in `column`."""
        if self.report:
            issue = Issue(self.display, line, column, code, message, expected, cell_text(actual))
            self.keep((line or 0, self.order.get(column, 99), issue))
