"""The columnar engine: every column and cross-field rule evaluated with pyarrow.compute per batch."""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa
import pyarrow.compute as pc

from grounded_events._validation.arrays import false, known, mask_rows, no_null_lists
from grounded_events._validation.batch import Batch
from grounded_events._validation.cells import ARROW_TYPES, CellChecks
from grounded_events._validation.cross_rules import CrossRule, rules_for
from grounded_events._validation.grounding import GroundingChecks
from grounded_events._validation.headers import HeaderChecks
from grounded_events._validation.keys import KeyChecks


class TableChecker(HeaderChecks, CellChecks, KeyChecks, GroundingChecks):
    """Checks the batches of one table file; collects Issues, key sets and texts on the way."""

    def unreadable(self, batch: Batch) -> None:
        """Report the lines of `batch` that could not be read; keep their text for references."""
        for problem in batch.problems:
            self.context.unread(self.table, problem.text, problem.line)
            if self.report:
                self.keep((problem.line or 0, -1, problem.issue(self.display)))

    def check(self, batch: Batch) -> dict[str, pa.Array]:
        """Check one batch; returns its typed columns (bad cells null)."""
        self.unreadable(batch)
        if self.cross_only:
            # rows flattened from validated models: already typed, structure already checked
            clean = {c: false(len(batch.lines)) for c in batch.columns}
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
                bad = pc.invert(false(n))
            if col.kind == "list":
                values = no_null_lists(values)
            typed[col.name] = values
            invalid[col.name] = bad
        for rule in rules_for(self.table):
            self.cross(batch, rule, typed, invalid)
        self.keys(batch, typed, invalid)
        self.references(batch, typed)
        if self.context.guides is not None:
            self.context.guides.add(self.table, batch.line_array(), typed, invalid)
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
        if not self.judges(rule.columns):
            return
        fails = known(rule.vector(typed))
        if not pc.any(fails).as_py():
            return
        for c in rule.columns:
            fails = pc.and_(fails, pc.invert(invalid[c]))
        rows = mask_rows(fails, self.limit)
        if not rows:
            return
        picked = {c: typed[c].take(pa.array(rows, pa.int64())).to_pylist() for c in rule.columns}
        for i, row in enumerate(rows):
            self.cross_issue(batch, row, rule, {c: picked[c][i] for c in rule.columns})


def check_batches(checker: TableChecker, batches: Iterator[Batch]) -> Iterator[dict[str, pa.Array]]:
    """Run `checker` over every batch, yielding typed columns; keys and references at the end."""
    for batch in batches:
        yield checker.check(batch)
    checker.finish_keys()
    checker.finish_references()
