"""What every engine's check of one table shares: its columns, the run's context, how an issue is placed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grounded_events._schema.tables import TABLES
from grounded_events._validation.arrays import cell_text
from grounded_events._validation.batch import Batch
from grounded_events._validation.codes import issue, message
from grounded_events._validation.cross_rules import CrossRule
from grounded_events._validation.issues import Issue, Ordered, OrderedIssues
from grounded_events._validation.keysets import Buckets, Keys
from grounded_events._validation.rules import Column, ValueCheck, table_columns
from grounded_events._validation.table_guidelines import Found, TableGuides

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
    # what the rules across tables keep of each table read (None: they are not run)
    guides: TableGuides | None = None

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

    def unread_lines(self, table: str) -> str | None:
        """Which lines of `table` could not be read, as a missing id's message says it; None
        when every line was read."""
        lines = self.unreadable_lines.get(table)
        if not lines:
            return None
        return (
            f"line {lines[0]}" if len(lines) == 1 else f"{len(lines)} lines, from line {lines[0]}"
        )


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
        self._messages: dict[tuple[str, str, tuple[tuple[str, Any], ...], str], str] = {}
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

    def judges(self, columns: tuple[str, ...]) -> bool:
        """Whether a rule on `columns` is judged: each is a column of the schema version being
        validated (an older one may lack it) and the file has it."""
        return all(c in self.order and c not in self.missing for c in columns)

    def add(
        self,
        batch: Batch,
        row: int | None,
        column: str,
        code: str,
        expected: str | None,
        actual: Any,
        variant: str = "",
        params: tuple[tuple[str, Any], ...] = (),
    ) -> None:
        """Report an issue of `code` at `row` of `batch` (None: the header) in `column`, worded
        by the code's template (or `variant`) with the field and `params`."""
        if not self.report:
            return
        line: int | None
        if row is None:
            line, where = self.header_line, column
        elif batch.locate is not None:
            line, where = batch.locate(row, column)
        else:
            line, where = batch.lines[row], column
        # one message object per field and check: millions of issues share a few strings
        key = (code, variant, params, where)
        text = self._messages.get(key)
        if text is None:
            text = self._messages[key] = message(code, variant, field=where, **dict(params))
        values = (self.display, line, where, code, text, expected, cell_text(actual))
        self.issues.hold((line or 0, self.order.get(column, 99), values))

    def broke(self, batch: Batch, row: int, col: Column, check: ValueCheck, actual: Any) -> None:
        """Report that one cell (or list item) of `row` broke `check`."""
        self.add(
            batch, row, col.name, check.code, check.expected, actual, check.variant, check.params
        )

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
        self.add(batch, row, rule.field, rule.code, rule.expected, actual)

    def add_at(
        self,
        line: int | None,
        column: str,
        code: str,
        expected: str,
        actual: Any,
        variant: str = "",
        **params: Any,
    ) -> None:
        """Report an issue at a line (not a batch's row) in `column`, as `add`."""
        if self.report:
            found = issue(
                code,
                self.display,
                line,
                column,
                expected=expected,
                actual=cell_text(actual),
                variant=variant,
                **params,
            )
            self.keep((line or 0, self.order.get(column, 99), found))

    def found(self, item: Found) -> None:
        """Report an issue that the rules across tables found on a row of this table."""
        self.add_at(
            item.line,
            item.column,
            item.code,
            item.expected,
            item.actual,
            item.variant,
            **item.params,
        )
