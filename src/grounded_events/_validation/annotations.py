"""Annotation files (YAML or JSON): model, ids, the seed document, and the table rules on their rows."""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from grounded_events._core.dataset_files import LINKS_FILE, dataset_dir
from grounded_events._core.safe_yaml import Loc, YamlDocument, YamlError, loads, path_text
from grounded_events._core.version import SCHEMA_VERSION
from grounded_events._schema.models import AnnotationFile, Event, Evidence, LinkEvidence
from grounded_events._schema.tables import event_row
from grounded_events._schema.vocab import DateBasis
from grounded_events._sources.layout import in_dataset
from grounded_events._sources.seeds import SeedError, read_index, read_seed_bytes
from grounded_events._validation.codes import issue
from grounded_events._validation.dataset import (
    Dataset,
    LinkIssue,
    actor_uses,
    link_issues,
    raw_list,
    registry_issues,
)
from grounded_events._validation.flattened import (
    EVENT_LOCS,
    EVIDENCE_LOCS,
    huge_offset,
    run_cross,
)
from grounded_events._validation.guidelines import (
    Placed,
    event_issues,
    id_order_issues,
)
from grounded_events._validation.issues import Issue
from grounded_events._validation.json_values import parse_json
from grounded_events._validation.kinds import ReadProblem
from grounded_events._validation.layout import layout_issues
from grounded_events._validation.model_issues import pydantic_issues, strict
from grounded_events._validation.older import (
    major,
    other_version_issue,
    published_schema_issues,
)
from grounded_events._validation.text import read_text

RELATIVE = DateBasis.RELATIVE_TO_PUBLICATION
# _yaml's reading limits and its other refusals, by YamlError.kind
YAML_CODES = {
    "encoding": "GE104",
    "duplicate_key": "GE106",
    "tag": "GE107",
    "limit": "GE120",
    "merge_key": "GE121",
}


@dataclass
class Shared:
    """State across the files of one run: event ids seen, the datasets read, the seeds."""

    event_ids: dict[str, tuple[str, int | None]] = field(default_factory=dict)
    seeds: dict[str, tuple[Any, str | None]] | None = None  # doc_id -> (Document, text or None)
    seeds_problem: str | None = None
    seeds_refused: dict[str, SeedError] = field(default_factory=dict)  # unsafe seed files
    datasets: dict[Path, Dataset] = field(default_factory=dict)
    # per dataset folder: the events of the annotation files validated, and whether its
    # links.yaml was validated itself
    annotated: dict[Path, tuple[Path, set[str]]] = field(default_factory=dict)
    links_checked: set[Path] = field(default_factory=set)

    def dataset(self, folder: Path) -> Dataset:
        """The dataset in `folder`, read once per run."""
        key = folder.resolve()
        if key not in self.datasets:
            self.datasets[key] = Dataset.read(folder)
        return self.datasets[key]

    def finish(self, folder: Path, seeds_dir: Path) -> list[Issue]:
        """The issues of each dataset's links.yaml that involve the events of the annotation
        files validated, when links.yaml itself was not: one verdict on a link, whichever file
        is validated."""
        out: list[Issue] = []
        for key, (dataset, events) in self.annotated.items():
            links = dataset / LINKS_FILE
            if key in self.links_checked or not links.is_file():
                continue
            found = placed_link_issues(links, str(links), folder, seeds_dir, self)
            out += [i for i, ends in found if ends & events]
        return out


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


def load_annotation(path: Path) -> tuple[str, YamlDocument]:
    """An annotation file (YAML, or JSON read as the YAML it also is): its text, and its JSON
    data with lines; ReadProblem (an input-layer code) when it cannot be read."""
    text = read_text(path)
    if path.suffix.lower() != ".json":
        try:
            return text, loads(text)
        except YamlError as exc:
            raise _yaml_problem(exc) from None
    try:
        doc: YamlDocument | None = loads(text)
    except YamlError as exc:
        if exc.kind in ("limit", "encoding"):  # JSON's reader would not refuse these
            raise _yaml_problem(exc) from None
        doc = None
    data = parse_json(text)  # a .json file is judged by the JSON reader: its errors are reported
    return text, doc if doc is not None else YamlDocument(data, {(): 1})


def check_annotation(
    path: Path, display: str, folder: Path, seeds_dir: Path, shared: Shared
) -> list[Issue]:
    """Every error of one annotation file (YAML or JSON)."""
    try:
        text, doc = load_annotation(path)
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
    if (wrong := other_version_issue(display, doc, folder.name)) is not None:
        return [wrong]
    if major(folder.name) != major(SCHEMA_VERSION):
        return _older_version_issues(path, display, doc, folder, seeds_dir, shared)
    issues: list[Issue] = []
    try:
        strict(AnnotationFile, data)
    except ValidationError as exc:
        issues += pydantic_issues(exc, display, doc.line_of)

    def at(loc: Loc) -> tuple[int | None, str]:
        return doc.line_of(loc), path_text(loc)

    doc_id = data.get("doc_id") if isinstance(data.get("doc_id"), str) else None
    raw_events = raw_list(data.get("events"))
    if in_dataset(path, seeds_dir):
        line = doc.line_of(("doc_id",))
        issues += layout_issues(path, display, text, doc_id, line, folder.name)

    # referential: every event id unique in the run, every actor_id one of the dataset's
    folder_of_dataset = dataset_dir(path)
    dataset = shared.dataset(folder_of_dataset)
    _, annotated = shared.annotated.setdefault(
        folder_of_dataset.resolve(), (folder_of_dataset, set())
    )
    uses: list[tuple[Loc, str]] = []
    events: list[tuple[int, Event]] = []
    for i, raw in enumerate(raw_events):
        if not isinstance(raw, dict):
            continue
        uses += [(("events", i, *loc), actor_id) for loc, actor_id in actor_uses(raw)]
        event_id = raw.get("event_id")
        if isinstance(event_id, str):
            annotated.add(event_id)
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
        # an invalid event was already reported, with its lines, by the whole-file validation
        with contextlib.suppress(ValidationError):
            events.append((i, strict(Event, raw)))
    issues += _actor_issues(display, uses, at, dataset)

    # grounding: the document, its pinned hash, and each quote
    texts = grounding_texts(display, doc, doc_id, data, seeds_dir, shared, issues)

    # the coding guidelines (ANNOTATING.md), on the events that are well-formed
    placed = [Placed(("events", i), event) for i, event in events]
    known = shared.seeds.get(doc_id) if shared.seeds is not None and doc_id else None
    published = known[0].published_date if known is not None else None
    for p in placed:
        issues += event_issues(display, p, at, published)
        if known is not None and published is None and p.event.date.basis == RELATIVE:
            line, where = at((*p.loc, "date", "basis"))
            issues.append(
                issue(
                    "GE513",
                    display,
                    line,
                    where,
                    expected="a basis other than relative_to_publication",
                    actual=str(RELATIVE),
                    variant="unknown",
                )
            )
    # ids are judged against a doc_id of the seeds: an unknown one (GE504) may be the mistake
    if doc_id is not None and (shared.seeds is None or doc_id in shared.seeds):
        complete = len(events) == len(raw_events)
        issues += id_order_issues(display, doc_id, placed, at, complete)

    # cross-field rules on the flattened rows, each error at the line of the event's field
    event_rows = [event_row(event, doc_id or "") for _, event in events]
    evidence_rows, evidence_locs = [], []
    for i, j, ev in _spans(raw_events, dict(events)):
        line, where = at(("events", i, "evidence", j, "end"))
        if (huge := huge_offset(display, line, where, ev)) is not None:
            issues.append(huge)
            continue
        evidence_rows.append(
            {
                "doc_id": doc_id,
                "start": ev.start,
                "end": ev.end,
                "quote": ev.quote,
                "field": str(ev.field),
                "according_to": ev.according_to,
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


def check_registry(path: Path, display: str, shared: Shared) -> list[Issue]:
    """Every error of a dataset's actors.yaml, judged with the dataset's annotation files."""
    try:
        _, doc = load_annotation(path)
    except ReadProblem as problem:
        return [problem.issue(display)]
    return registry_issues(doc, display, shared.dataset(dataset_dir(path)))


def check_links(
    path: Path, display: str, folder: Path, seeds_dir: Path, shared: Shared
) -> list[Issue]:
    """Every error of a dataset's links.yaml, judged with the dataset's annotation files."""
    shared.links_checked.add(dataset_dir(path).resolve())
    return [found for found, _ in placed_link_issues(path, display, folder, seeds_dir, shared)]


def placed_link_issues(
    path: Path, display: str, folder: Path, seeds_dir: Path, shared: Shared
) -> list[LinkIssue]:
    """The errors of links.yaml, each with the events it involves; its evidence spans are
    grounded in the seeds' texts like an annotation file's."""
    try:
        _, doc = load_annotation(path)
    except ReadProblem as problem:
        return [(problem.issue(display), frozenset())]

    def grounded(spans: list[tuple[int, int, dict[str, Any]]]) -> list[Issue]:
        rows, locs, out = [], [], []
        for i, j, raw in spans:
            with contextlib.suppress(ValidationError):  # the model reported it
                span = strict(LinkEvidence, raw)
                rows.append({**span.model_dump(), "field": "event"})
                locs.append(("links", i, "evidence", j))
        if not rows:
            return []
        load_seeds(shared, seeds_dir)
        texts = {k: t for k, (_, t) in (shared.seeds or {}).items() if t is not None}
        kept, kept_locs = [], []
        for row, loc in zip(rows, locs, strict=True):
            if row["doc_id"] in texts:
                kept.append(row)
                kept_locs.append(loc)
                continue
            line = doc.line_of((*loc, "doc_id"))
            out.append(
                issue(
                    "GE504",
                    display,
                    line,
                    path_text((*loc, "doc_id")),
                    expected="a doc_id of the seeds index",
                    actual=row["doc_id"],
                    doc_id=row["doc_id"],
                    seeds=seeds_dir,
                )
            )
        return out + _ground_rows(doc, display, folder, kept, kept_locs, texts)

    return link_issues(doc, display, shared.dataset(dataset_dir(path)), grounded)


def _actor_issues(
    display: str,
    uses: list[tuple[Loc, str]],
    at: Callable[[Loc], tuple[int | None, str]],
    dataset: Dataset,
) -> list[Issue]:
    """GE602 for each actor_id the dataset's actors.yaml does not declare; GE608 (once) when
    there is no actors.yaml to declare them."""
    if dataset.actors is None:
        if dataset.registry_exists or not uses:
            return []  # an unreadable registry is reported when it is checked
        line, where = at(uses[0][0])
        return [
            issue(
                "GE608",
                display,
                line,
                where,
                expected=f"an actor registry {dataset.registry}",
                actual=uses[0][1],
                actor=uses[0][1],
                registry=dataset.registry,
            )
        ]
    out = []
    for loc, actor_id in uses:
        if actor_id not in dataset.actors:
            line, where = at(loc)
            out.append(
                issue(
                    "GE602",
                    display,
                    line,
                    where,
                    expected="an actor_id of the dataset's actors.yaml",
                    actual=actor_id,
                    variant="actor",
                    actor=actor_id,
                    registry=dataset.registry,
                )
            )
    return out


def _older_version_issues(
    path: Path, display: str, doc: YamlDocument, folder: Path, seeds_dir: Path, shared: Shared
) -> list[Issue]:
    """A file of an older major version (`validate --schema-version`): the JSON Schema it was
    written for, and its quotes against the seeds. The rules of the current version (the actor
    registry, links, the coding guidelines as they are now) are not applied to it."""
    issues = published_schema_issues(display, doc, folder)
    assert isinstance(doc.data, dict)
    doc_id = doc.data.get("doc_id") if isinstance(doc.data.get("doc_id"), str) else None
    texts = grounding_texts(display, doc, doc_id, doc.data, seeds_dir, shared, issues)
    rows, locs = [], []
    for i, raw in enumerate(raw_list(doc.data.get("events"))):
        for j, item in enumerate(raw_list(raw.get("evidence")) if isinstance(raw, dict) else []):
            with contextlib.suppress(ValidationError):  # its shape is the schema's to report
                span = strict(Evidence, item)
                where = {"start": span.start, "end": span.end, "quote": span.quote}
                rows.append({"doc_id": doc_id, "field": str(span.field), **where})
                locs.append(("events", i, "evidence", j))
    if texts is not None:
        issues += _ground_rows(doc, display, folder, rows, locs, texts)
    return issues


def _ground_rows(
    doc: YamlDocument,
    display: str,
    folder: Path,
    rows: list[dict[str, Any]],
    locs: Sequence[Loc],
    texts: dict[str, str],
) -> list[Issue]:
    """The evidence table's rules (a quote is its text's slice, ...) on span rows read from a
    YAML file, each issue at the line of its span's key (`locs`: each row's span)."""

    def locate(row: int, column: str) -> tuple[int | None, str]:
        loc = (*locs[row], column)
        return doc.line_of(loc), path_text(loc)

    return run_cross(folder, "evidence", display, rows, locate, texts)


def _spans(raw_events: list[Any], events: dict[int, Event]) -> list[tuple[int, int, Evidence]]:
    """(event index, span index, span) of every well-formed span, also of an event that is not
    well-formed elsewhere: its quotes are checked in the same run as its structure errors."""
    out = []
    for i, raw in enumerate(raw_events):
        if i in events:
            out += [(i, j, ev) for j, ev in enumerate(events[i].evidence)]
        elif isinstance(raw, dict):
            for j, item in enumerate(raw_list(raw.get("evidence"))):
                # a malformed span was already reported by the whole-file validation
                with contextlib.suppress(ValidationError):
                    out.append((i, j, strict(Evidence, item)))
    return out


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
