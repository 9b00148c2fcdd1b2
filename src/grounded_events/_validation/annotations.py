"""Annotation files and events.jsonl records: pydantic for structure, the table rules for the rest."""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pyarrow as pa
from pydantic import BaseModel, ValidationError

from grounded_events._core.safe_yaml import YamlDocument, YamlError, loads, path_text
from grounded_events._schema.models import AnnotationFile, Event, EventRecord
from grounded_events._schema.tables import event_row
from grounded_events._sources.seeds import SeedError, read_index, read_seed_bytes
from grounded_events._validation.batch import Batch
from grounded_events._validation.cells import ARROW_TYPES
from grounded_events._validation.checker import Context
from grounded_events._validation.codes import issue
from grounded_events._validation.columnar import TableChecker
from grounded_events._validation.issues import Issue, IssueList
from grounded_events._validation.json_values import LargeInteger, find_in_json, parse_json
from grounded_events._validation.kinds import ReadProblem
from grounded_events._validation.readers import BATCH_ROWS, jsonl_records
from grounded_events._validation.rules import table_columns
from grounded_events._validation.text import read_text

Loc = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)

# The largest offset the flattened evidence table (int64) holds; the schema sets no bound.
MAX_OFFSET = 2**63 - 1
# _yaml's reading limits and its other refusals, by YamlError.kind
YAML_CODES = {
    "encoding": "GE104",
    "duplicate_key": "GE106",
    "tag": "GE107",
    "limit": "GE120",
    "merge_key": "GE121",
}

# pydantic error type -> error code
PYDANTIC_CODES: dict[str, str] = {
    "missing": "GE201",
    "extra_forbidden": "GE202",
    "string_pattern_mismatch": "GE206",
    "greater_than_equal": "GE207",
    "less_than_equal": "GE207",
    "greater_than": "GE207",
    "less_than": "GE207",
    "string_too_short": "GE208",
    "string_too_long": "GE208",
    "too_short": "GE208",
    "too_long": "GE208",
    "enum": "GE301",
    "literal_error": "GE301",
    "unknown_country": "GE302",
    "unknown_subdivision": "GE303",
    "unknown_language": "GE304",
}

# Where each events-table column lives inside one annotated event (or an events.jsonl record).
EVENT_LOCS: dict[str, Loc] = {
    "event_id": ("event_id",),
    "event_type": ("event_type",),
    "event_subtype": ("event_subtype",),
    "is_aggregate": ("is_aggregate",),
    "date_start": ("date", "start"),
    "date_end": ("date", "end"),
    "date_precision": ("date", "precision"),
    "country_iso3": ("location", "country_iso3"),
    "admin1_code": ("location", "admin1_code"),
    "latitude": ("location", "latitude"),
    "longitude": ("location", "longitude"),
    "initiator_attribution": ("attribution", "status"),
    "attributed_by": ("attribution", "attributed_by"),
    "refers_to": ("refers_to",),
    **{
        f"{kind}_{bound}": (kind, bound)
        for kind in ("fatalities", "injuries")
        for bound in ("best", "low", "high")
    },
    **{
        c: ("crosswalks", c)
        for c in (
            "acled_event_type",
            "acled_sub_event_type",
            "plover_event_type",
            "plover_mode",
            "cameo_root",
        )
    },
}
EVIDENCE_LOCS: dict[str, Loc] = {c: (c,) for c in ("field", "start", "end", "quote")}


def _list(value: Any) -> list[Any]:
    # the id checks walk the raw data, whatever its shape; its shape is pydantic's to report
    return value if isinstance(value, list) else []


def _shown(value: Any) -> str | None:
    # a long value is cut where an Issue is written (output.clip), not here
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def strict(model: type[M], data: Any) -> M:
    """`data` validated as the JSON it is, strictly: no text for numbers, no 0/1 for booleans,
    no 1.0 for integers, no number for text, as the published JSON Schema reads it."""
    try:
        text = json.dumps(data, ensure_ascii=False)
    except RecursionError:  # nested as deep as json.loads allows
        raise ReadProblem("GE120", variant="deep") from None
    except (ValueError, TypeError):  # an integer of over 4,300 digits (int or LargeInteger)
        loc = find_in_json(data, _long_integer)
        where = path_text(loc) if loc else None
        raise ReadProblem("GE120", field=where, where=where or "a value") from None
    return model.model_validate_json(text, strict=True)


def _long_integer(item: Any) -> bool:
    """Whether a value is an integer too long to write as text (~4,300 decimal digits)."""
    return isinstance(item, LargeInteger) or (isinstance(item, int) and item.bit_length() > 14_000)


def _code(error_type: str) -> str:
    if error_type in PYDANTIC_CODES:
        return PYDANTIC_CODES[error_type]
    if error_type.startswith("date") or error_type.startswith("datetime"):
        return "GE205"
    return "GE204"


def _expected(error: Any) -> str:
    ctx = error.get("ctx") or {}
    if "pattern" in ctx:
        return f"text matching {ctx['pattern']}"
    if "expected" in ctx:
        return f"one of {ctx['expected']}"
    for key, word in (("ge", ">="), ("le", "<="), ("gt", ">"), ("lt", "<")):
        if key in ctx:
            return f"{word} {ctx[key]}"
    if "min_length" in ctx:
        return f"at least {ctx['min_length']} {'items' if 'field_type' in ctx else 'characters'}"
    if "max_length" in ctx:
        return f"at most {ctx['max_length']} {'items' if 'field_type' in ctx else 'characters'}"
    if error["type"] in _LOOKUP_EXPECTED:
        return _LOOKUP_EXPECTED[error["type"]]
    if error["type"] == "missing":
        return "a value"
    if error["type"] == "extra_forbidden":
        return "no such field"
    return str(error["msg"]).replace("Input should be ", "")


_LOOKUP_EXPECTED = {
    "unknown_country": "an ISO 3166-1 alpha-3 country code",
    "unknown_subdivision": "an ISO 3166-2 subdivision code",
    "unknown_language": "an ISO 639-1 language code",
}


def pydantic_issues(
    exc: ValidationError, display: str, line_of: Any, prefix: Loc = ()
) -> list[Issue]:
    """The Issues of a pydantic ValidationError, each at its line and field path."""
    out = []
    for error in exc.errors():
        loc = (*prefix, *error["loc"])
        where = path_text(loc)
        actual = None if error["type"] == "missing" else _shown(error.get("input"))
        out.append(
            issue(
                _code(error["type"]),
                display,
                line_of(loc),
                where,
                expected=_expected(error),
                actual=actual,
                variant="model" if where else "model-top",
                reason=error["msg"],
            )
        )
    return out


@dataclass
class Shared:
    """State across the files of one run: event ids seen, references to check at the end."""

    event_ids: dict[str, tuple[str, int | None]] = field(default_factory=dict)
    refers_to: list[tuple[str, int | None, str, str]] = field(default_factory=list)
    seeds: dict[str, tuple[Any, str | None]] | None = None  # doc_id -> (Document, text or None)
    seeds_problem: str | None = None
    seeds_refused: dict[str, SeedError] = field(default_factory=dict)  # unsafe seed files

    def finish(self) -> list[Issue]:
        """refers_to must name an event of some file of this run."""
        return [
            issue(
                "GE602",
                display,
                line,
                where,
                expected="an event_id of the validated files",
                actual=value,
                variant="run",
                value=value,
            )
            for display, line, where, value in self.refers_to
            if value not in self.event_ids
        ]


def load_seeds(shared: Shared, seeds_dir: Path) -> None:
    """Read the seeds index once; each text kept only if its bytes match the pinned sha256."""
    if shared.seeds is not None or shared.seeds_problem is not None:
        return
    try:
        documents = read_index(seeds_dir)
    except SeedError as exc:
        shared.seeds_problem = str(exc)
        return
    shared.seeds = {}
    for document in documents:
        try:
            data = read_seed_bytes(seeds_dir, document.file)
        except SeedError as exc:
            shared.seeds[document.doc_id] = (document, None)
            if exc.code != "GE101":  # refused unread (GE114-GE116), not merely missing
                shared.seeds_refused[document.doc_id] = exc
            continue
        good = hashlib.sha256(data).hexdigest() == document.sha256
        text = data.decode("utf-8", errors="replace") if good else None
        shared.seeds[document.doc_id] = (document, text)


def _yaml_problem(exc: YamlError) -> ReadProblem:
    code = YAML_CODES.get(exc.kind, "GE105")
    return ReadProblem(code, exc.line, exc.field, variant="yaml", reason=exc.problem)


def load_annotation(path: Path) -> YamlDocument:
    """An annotation file (YAML, or JSON read as the YAML it also is) as JSON data with lines;
    ReadProblem (an input-layer code) when it cannot be read."""
    text = read_text(path)
    if path.suffix.lower() != ".json":
        try:
            return loads(text)
        except YamlError as exc:
            raise _yaml_problem(exc) from None
    try:
        doc: YamlDocument | None = loads(text)
    except YamlError as exc:
        if exc.kind in ("limit", "encoding"):  # JSON's reader would not refuse these
            raise _yaml_problem(exc) from None
        doc = None
    data = parse_json(text)  # a .json file is judged by the JSON reader: its errors are reported
    return doc if doc is not None else YamlDocument(data, {(): 1})


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


def check_annotation(
    path: Path, display: str, folder: Path, seeds_dir: Path, shared: Shared
) -> list[Issue]:
    """Every error of one annotation file (YAML or JSON)."""
    try:
        doc = load_annotation(path)
    except ReadProblem as problem:
        return [problem.issue(display)]
    data = doc.data
    if not isinstance(data, dict):
        return [
            issue(
                "GE204",
                display,
                1,
                expected="a mapping",
                actual=type(data).__name__,
                variant="mapping",
            )
        ]
    issues: list[Issue] = []
    try:
        strict(AnnotationFile, data)
    except ValidationError as exc:
        issues += pydantic_issues(exc, display, doc.line_of)

    def at(loc: Loc) -> tuple[int | None, str]:
        return doc.line_of(loc), path_text(loc)

    doc_id = data.get("doc_id") if isinstance(data.get("doc_id"), str) else None
    raw_actors = _list(data.get("actors"))
    raw_events = _list(data.get("events"))

    # referential: actors declared once, and every actor_id used is declared
    declared: dict[str, int] = {}
    for i, raw in enumerate(raw_actors):
        actor_id = raw.get("actor_id") if isinstance(raw, dict) else None
        if isinstance(actor_id, str):
            if actor_id in declared:
                line, where = at(("actors", i, "actor_id"))
                issues.append(
                    issue(
                        "GE601",
                        display,
                        line,
                        where,
                        expected="a unique actor_id",
                        actual=actor_id,
                        variant="actor",
                        actor=actor_id,
                    )
                )
            declared.setdefault(actor_id, i)
    uses: list[tuple[Loc, Any]] = []
    for i, raw in enumerate(raw_actors):
        if isinstance(raw, dict) and isinstance(raw.get("parent_actor_id"), str):
            uses.append((("actors", i, "parent_actor_id"), raw["parent_actor_id"]))

    events: list[tuple[int, Event]] = []
    for i, raw in enumerate(raw_events):
        if not isinstance(raw, dict):
            continue
        for j, p in enumerate(_list(raw.get("participants"))):
            if isinstance(p, dict) and isinstance(p.get("actor_id"), str):
                uses.append((("events", i, "participants", j, "actor_id"), p["actor_id"]))
        attribution = raw.get("attribution")
        if isinstance(attribution, dict):
            for j, a in enumerate(_list(attribution.get("attributed_by"))):
                if isinstance(a, str):
                    uses.append((("events", i, "attribution", "attributed_by", j), a))
        event_id = raw.get("event_id")
        if isinstance(event_id, str):
            line, where = at(("events", i, "event_id"))
            if event_id in shared.event_ids:
                other, other_line = shared.event_ids[event_id]
                issues.append(
                    issue(
                        "GE601",
                        display,
                        line,
                        where,
                        expected="a unique event_id",
                        actual=event_id,
                        variant="other-file",
                        event_id=event_id,
                        other=other,
                        other_line=other_line,
                    )
                )
            else:
                shared.event_ids[event_id] = (display, line)
        for j, ref in enumerate(_list(raw.get("refers_to"))):
            if isinstance(ref, str):
                line, where = at(("events", i, "refers_to", j))
                shared.refers_to.append((display, line, where, ref))
        # an invalid event was already reported, with its lines, by the whole-file validation
        with contextlib.suppress(ValidationError):
            events.append((i, strict(Event, raw)))
    for loc, actor_id in uses:
        if actor_id not in declared:
            line, where = at(loc)
            issues.append(
                issue(
                    "GE602",
                    display,
                    line,
                    where,
                    expected="an actor_id declared in this file",
                    actual=actor_id,
                    variant="actor",
                    actor=actor_id,
                )
            )

    # grounding: the document, its pinned hash, and each quote
    texts = grounding_texts(display, doc, doc_id, data, seeds_dir, shared, issues)

    # cross-field rules on the flattened rows, each error at the line of the event's field
    event_rows = [event_row(event, doc_id or "") for _, event in events]
    evidence_rows, evidence_locs = [], []
    for i, event in events:
        for j, ev in enumerate(event.evidence):
            line, where = at(("events", i, "evidence", j, "end"))
            if (huge := _huge_offset(display, line, where, ev)) is not None:
                issues.append(huge)
                continue
            evidence_rows.append(
                {
                    "doc_id": doc_id,
                    "start": ev.start,
                    "end": ev.end,
                    "quote": ev.quote,
                    "field": str(ev.field),
                }
            )
            evidence_locs.append(("events", i, "evidence", j))

    def locate_event(row: int, column: str) -> tuple[int | None, str]:
        return at(("events", events[row][0], *EVENT_LOCS.get(column, (column,))))

    def locate_evidence(row: int, column: str) -> tuple[int | None, str]:
        return at((*evidence_locs[row], *EVIDENCE_LOCS.get(column, (column,))))

    issues += run_cross(folder, "events", display, event_rows, locate_event, None)
    issues += run_cross(folder, "evidence", display, evidence_rows, locate_evidence, texts)
    return issues


def _huge_offset(display: str, line: int | None, where: str, ev: Any) -> Issue | None:
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


def grounding_texts(
    display: str,
    doc: YamlDocument,
    doc_id: str | None,
    data: dict[str, Any],
    seeds_dir: Path,
    shared: Shared,
    issues: list[Issue],
) -> dict[str, str] | None:
    """The text the file's offsets count in, from the seeds; errors when it cannot be trusted."""
    if doc_id is None:
        return None
    load_seeds(shared, seeds_dir)
    line = doc.line_of(("doc_id",))
    if shared.seeds is None:
        issues.append(
            issue(
                "GE505",
                display,
                line,
                "doc_id",
                expected="a seeds folder with index.json",
                actual=str(seeds_dir),
                variant="seeds",
                reason=shared.seeds_problem,
            )
        )
        return None
    if doc_id not in shared.seeds:
        issues.append(
            issue(
                "GE504",
                display,
                line,
                "doc_id",
                expected="a doc_id of the seeds index",
                actual=doc_id,
                doc_id=doc_id,
                seeds=seeds_dir,
            )
        )
        return None
    document, text = shared.seeds[doc_id]
    refused = shared.seeds_refused.get(doc_id)
    if refused is not None:
        issues.append(
            issue(
                refused.code,
                display,
                line,
                "doc_id",
                expected="a regular file",
                variant="refused",
                reason=refused,
            )
        )
        return None
    if text is None:
        issues.append(
            issue(
                "GE503",
                display,
                line,
                "doc_id",
                expected=document.sha256,
                variant="seed",
                doc_id=doc_id,
                path=seeds_dir / document.file,
            )
        )
        return None
    pinned = data.get("sha256")
    if isinstance(pinned, str) and pinned != document.sha256:
        issues.append(
            issue(
                "GE503",
                display,
                doc.line_of(("sha256",)),
                "sha256",
                expected=document.sha256,
                actual=pinned,
                variant="pinned",
            )
        )
        return None
    return {doc_id: text}


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
    refers: list[tuple[int, str, str]] = []
    # Lines that could not be read, by the columnar engine's rule: an id in their text is not
    # reported missing by the lines that refer to it (one bad line, one error, no cascade).
    context = Context()
    try:
        for chunk in _record_batches(path):
            valid: list[tuple[int, EventRecord]] = []
            for item in chunk:
                if isinstance(item, ReadProblem):
                    issues.append(item.issue(display))
                    context.unread("events", item.text, item.line)
                    continue
                number, data = item
                issues += _record(display, number, data, valid, seen, refers)
            rows = []
            for _, record in valid:
                row = event_row(record, record.doc_id)
                row.update(record.crosswalks.model_dump())
                rows.append(row)
            evidence_rows: list[dict[str, Any]] = []
            evidence_at: list[tuple[int, Loc]] = []
            for number, record in valid:
                for j, ev in enumerate(record.evidence):
                    if (
                        huge := _huge_offset(display, number, f"evidence[{j}].end", ev)
                    ) is not None:
                        issues.append(huge)
                        continue
                    evidence_rows.append(
                        {
                            "doc_id": record.doc_id,
                            "start": ev.start,
                            "end": ev.end,
                            "quote": ev.quote,
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
    for number, where, ref in refers:
        if ref not in seen and not context.maybe_unread("events", ref):
            unread = context.unread_lines("events")
            issues.append(
                issue(
                    "GE602",
                    display,
                    number,
                    where,
                    expected="an event_id of this file",
                    actual=ref,
                    variant="file" if unread is None else "file-unread",
                    value=ref,
                    unread=unread,
                )
            )
    return issues


def _record(
    display: str,
    number: int,
    data: Any,
    valid: list[tuple[int, EventRecord]],
    seen: dict[str, int],
    refers: list[tuple[int, str, str]],
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
    for j, ref in enumerate(_list(data.get("refers_to"))):
        if isinstance(ref, str):
            refers.append((number, f"refers_to[{j}]", ref))
    return issues


def is_record_file(first: Any) -> bool:
    """Whether a JSONL file's first value looks like an EventRecord rather than a table row."""
    return isinstance(first, dict) and (
        "crosswalks" in first or isinstance(first.get("date"), dict)
    )
