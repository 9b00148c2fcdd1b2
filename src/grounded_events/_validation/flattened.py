"""The cross-field and grounding rules on rows flattened from models, errors at their field's line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa

from grounded_events._core.safe_yaml import Loc
from grounded_events._schema.tables import EVENT_COLUMNS, EVIDENCE_COLUMNS
from grounded_events._validation.batch import Batch
from grounded_events._validation.cells import ARROW_TYPES
from grounded_events._validation.checker import Context
from grounded_events._validation.codes import issue
from grounded_events._validation.columnar import TableChecker
from grounded_events._validation.issues import Issue
from grounded_events._validation.rules import table_columns

# The largest offset the flattened evidence table (int64) holds; the schema sets no bound.
MAX_OFFSET = 2**63 - 1
# Where each events-table column lives inside one annotated event (or an events.jsonl record).
# The flattening spec says it: a column's source path (a derived column points at its event).
EVENT_LOCS: dict[str, Loc] = {c.name: c.path for c in EVENT_COLUMNS if c.derive is None}
EVIDENCE_LOCS: dict[str, Loc] = {c.name: c.path for c in EVIDENCE_COLUMNS if c.derive is None}


def _typed_batch(table: str, folder: Path, rows: list[dict[str, Any]]) -> dict[str, pa.Array]:
    columns = {}
    for col in table_columns(folder, table):
        values = [r.get(col.name) for r in rows]
        if col.kind == "list":
            values = [[str(v) for v in (x or [])] for x in values]
        elif col.kind == "string":
            values = [None if v is None else str(v) for v in values]
        columns[col.name] = pa.array(values, ARROW_TYPES[col.kind])
    return columns


def run_cross(
    folder: Path,
    table: str,
    display: str,
    rows: list[dict[str, Any]],
    locate: Any,
    texts: dict[str, str] | None,
) -> list[Issue]:
    """Run the table's cross-field (and, for evidence, grounding) rules on typed rows."""
    if not rows:
        return []
    checker = TableChecker(folder, table, display, Context(texts=texts), cross_only=True)
    checker.check(Batch(_typed_batch(table, folder, rows), [0] * len(rows), locate))
    return list(checker.sorted_issues())


def huge_offset(display: str, line: int | None, where: str, ev: Any) -> Issue | None:
    """The span-order or outside-the-text error (at `where`, the span's end) of a span with an
    offset past what the evidence table holds (int64): such an end is beyond every document."""
    if max(ev.start, ev.end) <= MAX_OFFSET:
        return None
    code, expected = (
        ("GE409", "end > start") if ev.end <= ev.start else ("GE502", "an offset inside the text")
    )
    return issue(
        code,
        display,
        line,
        where,
        expected=expected,
        actual=str(ev.end),
        variant="huge",
        start=ev.start,
        end=ev.end,
    )
