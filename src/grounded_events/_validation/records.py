"""events.jsonl: one EventRecord per line, checked by the model, the table rules and its ids."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from grounded_events._core.safe_yaml import Loc, path_text
from grounded_events._schema.models import EventRecord
from grounded_events._schema.tables import event_row
from grounded_events._validation.codes import issue
from grounded_events._validation.flattened import (
    EVENT_LOCS,
    EVIDENCE_LOCS,
    huge_offset,
    run_cross,
)
from grounded_events._validation.guidelines import Placed, event_issues
from grounded_events._validation.issues import Issue, IssueList
from grounded_events._validation.kinds import ReadProblem
from grounded_events._validation.model_issues import pydantic_issues, strict
from grounded_events._validation.readers import BATCH_ROWS, jsonl_records


def _record_batches(path: Path) -> Iterator[list[tuple[int, Any] | ReadProblem]]:
    chunk: list[tuple[int, Any] | ReadProblem] = []
    for item in jsonl_records(path):
        chunk.append(item)
        if len(chunk) >= BATCH_ROWS:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def check_event_records(
    path: Path,
    display: str,
    folder: Path,
    texts: dict[str, str] | None,
    texts_problem: str | None,
) -> IssueList:
    """Every error of an events.jsonl file: one EventRecord per line."""
    issues = IssueList()
    seen: dict[str, int] = {}
    try:
        for chunk in _record_batches(path):
            valid: list[tuple[int, EventRecord]] = []
            for item in chunk:
                if isinstance(item, ReadProblem):
                    issues.append(item.issue(display))
                    continue
                number, data = item
                issues += _record(display, number, data, valid, seen)
            rows = []
            for _, record in valid:
                row = event_row(record, record.doc_id)
                row.update(record.crosswalks.model_dump())
                rows.append(row)
            evidence_rows: list[dict[str, Any]] = []
            evidence_at: list[tuple[int, Loc]] = []
            for number, record in valid:
                for j, ev in enumerate(record.evidence):
                    if (huge := huge_offset(display, number, f"evidence[{j}].end", ev)) is not None:
                        issues.append(huge)
                        continue
                    evidence_rows.append(
                        {
                            "doc_id": record.doc_id,
                            "start": ev.start,
                            "end": ev.end,
                            "quote": ev.quote,
                            "according_to": ev.according_to,
                        }
                    )
                    evidence_at.append((number, ("evidence", j)))

            def locate(
                row: int, column: str, valid: list[tuple[int, EventRecord]] = valid
            ) -> tuple[int | None, str]:
                return valid[row][0], path_text(EVENT_LOCS.get(column, (column,)))

            def locate_ev(
                row: int, column: str, at: list[tuple[int, Loc]] = evidence_at
            ) -> tuple[int | None, str]:
                number, loc = at[row]
                return number, path_text((*loc, *EVIDENCE_LOCS.get(column, (column,))))

            issues += run_cross(folder, "events", display, rows, locate, None)
            issues += run_cross(folder, "evidence", display, evidence_rows, locate_ev, texts)
            # the coding guidelines a record shows by itself (no publication date: no GE513)
            for number, record in valid:

                def at(loc: Loc, number: int = number) -> tuple[int | None, str]:
                    return number, path_text(loc)

                issues += event_issues(display, Placed((), record), at, None)
    except ReadProblem as problem:
        issues.append(problem.issue(display))
        return issues
    if texts is None and texts_problem and seen:
        issues.append(
            issue(
                "GE505",
                display,
                expected="a documents table or seeds index",
                variant="records",
                reason=texts_problem,
            )
        )
    return issues


def _record(
    display: str,
    number: int,
    data: Any,
    valid: list[tuple[int, EventRecord]],
    seen: dict[str, int],
) -> list[Issue]:
    issues: list[Issue] = []
    if not isinstance(data, dict):
        return [
            issue(
                "GE204",
                display,
                number,
                expected="an object",
                actual=type(data).__name__,
                variant="record",
            )
        ]
    try:
        record = strict(EventRecord, data)
        valid.append((number, record))
    except ValidationError as exc:
        issues += pydantic_issues(exc, display, lambda loc: number)
    except ReadProblem as problem:
        issues.append(problem.issue(display, number))
    event_id = data.get("event_id")
    if isinstance(event_id, str):
        if event_id in seen:
            issues.append(
                issue(
                    "GE601",
                    display,
                    number,
                    "event_id",
                    expected="a unique event_id",
                    actual=event_id,
                    key_columns="event_id",
                    key=event_id,
                    first=seen[event_id],
                )
            )
        else:
            seen[event_id] = number
    return issues


def is_record_file(first: Any) -> bool:
    """Whether a JSONL file's first value looks like an EventRecord rather than a table row."""
    return isinstance(first, dict) and (
        "crosswalks" in first or isinstance(first.get("date"), dict)
    )


def jsonl_holds_records(path: Path) -> bool:
    """Whether a JSONL file holds events.jsonl records (by its first value), not table rows."""
    try:
        for item in jsonl_records(path):
            if isinstance(item, tuple):
                return is_record_file(item[1])
            return False
    except ReadProblem:
        return False
    return True
