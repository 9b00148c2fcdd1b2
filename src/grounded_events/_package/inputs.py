"""What a package and its report are built from: annotation files and seeds, read and checked once."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from grounded_events._core.dataset_files import (
    ACTORS_FILE,
    ANNOTATION_SUFFIXES,
    ANNOTATIONS_DIR,
    LINKS_FILE,
    dataset_dir,
)
from grounded_events._core.errors import GroundedEventsError
from grounded_events._core.safe_yaml import YamlError, loads
from grounded_events._package.incidents import IncidentConflictError, incident_tables
from grounded_events._schema.models import (
    ActorRegistry,
    AnnotationFile,
    Document,
    Event,
    EventRecord,
    LinkFile,
)
from grounded_events._schema.tables import (
    TABLES,
    actor_rows,
    document_row,
    link_rows,
    rows_from_annotation,
)
from grounded_events._schema.vocab import CROSSWALK
from grounded_events._schema.wording import first_error
from grounded_events._sources.seeds import Seed, SeedError, read_index, read_seeds, read_text
from grounded_events._validation import validate
from grounded_events._validation.issues import Report
from grounded_events._validation.output import text_line

Files = dict[str, bytes]
M = TypeVar("M", bound=BaseModel)


class BuildError(GroundedEventsError):
    """The package cannot be built from these inputs; the message names the file and the problem."""


@dataclass
class Inputs:
    """Everything the package is made of, read and checked once."""

    annotations: list[tuple[str, AnnotationFile]]
    registry: ActorRegistry
    links: LinkFile
    seeds: dict[str, Seed]
    tables: dict[str, list[dict[str, Any]]]
    records: list[EventRecord]
    created: str
    contributors: list[str] = field(default_factory=list)


# A step adds files to the package; it sees the inputs and every file the steps before it wrote.
Step = Callable[[Inputs, Files], Files]


def annotation_paths(annotations_dir: Path) -> list[Path]:
    """The annotation files of a folder, in name order."""
    return sorted(p for p in annotations_dir.iterdir() if p.suffix in ANNOTATION_SUFFIXES)


def read_annotation(path: Path) -> AnnotationFile:
    """One annotation file, parsed and validated against the models."""
    return read_model(path, AnnotationFile)


def read_model(path: Path, model: type[M]) -> M:
    """A YAML file of the dataset, parsed and validated against `model`."""
    try:
        document = loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise BuildError(f"{path}: cannot read: {exc}") from None
    except YamlError as exc:
        raise BuildError(f"{path}:{exc.line}: {exc.problem}") from None
    try:
        return model.model_validate(document.data)
    except ValidationError as exc:
        where, what = first_error(exc)
        line = document.line_of(tuple(exc.errors()[0]["loc"]))
        raise BuildError(f"{path}:{line}: {where}: {what}") from None


def read_inputs(annotations_dir: Path, seeds_dir: Path) -> Inputs:
    """Read the annotation files and seeds and flatten them into sorted table rows."""
    try:
        seeds = read_seeds(seeds_dir)
    except SeedError as exc:
        raise BuildError(str(exc)) from None
    annotations = [(p.name, read_annotation(p)) for p in annotation_paths(annotations_dir)]
    if not annotations:
        raise BuildError(f"{annotations_dir}: no annotation files (*.yaml) to build from")
    registry, links = read_dataset_files(annotations_dir)
    tables: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    tables["actors"] = actor_rows(registry)
    tables["links"] = link_rows(links)
    records: list[EventRecord] = []
    contributors: dict[str, None] = {}
    for name, annotation in annotations:
        seed = seeds.get(annotation.doc_id)
        if seed is None:
            raise BuildError(f"{name}: doc_id {annotation.doc_id!r} is not in seeds/index.json")
        if seed.document.sha256 != annotation.sha256:
            raise BuildError(
                f"{name}: sha256 {annotation.sha256} does not match the seed's "
                f"{seed.document.sha256}; the offsets were counted in another text"
            )
        contributors.update(dict.fromkeys(annotation.annotators))
        rows = rows_from_annotation(annotation)
        for table_name, table_rows in rows.items():
            tables[table_name].extend(table_rows)
        records.extend(event_record(event, annotation.doc_id) for event in annotation.events)
    used = sorted({a.doc_id for _, a in annotations})
    tables["documents"] = [document_row(seeds[d].document, seeds[d].text) for d in used]
    try:
        tables["incidents"], tables["incident_values"] = incident_tables(
            tables["events"], tables["event_actors"], tables["links"]
        )
    except IncidentConflictError as exc:
        raise BuildError(str(exc)) from None
    for name, table in TABLES.items():
        tables[name].sort(key=_key(table.primary_key))
        _check_unique(name, tables[name], table.primary_key)
    records.sort(key=lambda r: r.event_id)
    created = max(a.annotated for _, a in annotations).isoformat() + "T00:00:00Z"
    return Inputs(annotations, registry, links, seeds, tables, records, created, list(contributors))


def read_dataset_files(annotations_dir: Path) -> tuple[ActorRegistry, LinkFile]:
    """The dataset's actors.yaml and links.yaml beside the annotations folder (an absent
    links.yaml is no links; the validator has already refused absent actors that are used)."""
    folder = dataset_dir(annotations_dir / "_")
    actors, links = folder / ACTORS_FILE, folder / LINKS_FILE
    registry = read_model(actors, ActorRegistry) if actors.is_file() else ActorRegistry()
    return registry, read_model(links, LinkFile) if links.is_file() else LinkFile()


def _key(keys: tuple[str, ...]) -> Callable[[dict[str, Any]], tuple[str, ...]]:
    """A sort key: the row's primary key as text."""
    return lambda row: tuple(str(row[k]) for k in keys)


def _check_unique(name: str, rows: list[dict[str, Any]], keys: tuple[str, ...]) -> None:
    seen: set[tuple[str, ...]] = set()
    for row in rows:
        key = tuple(str(row[k]) for k in keys)
        if key in seen:
            raise BuildError(f"table {name}: duplicate primary key {', '.join(key)}")
        seen.add(key)


def event_record(event: Event, doc_id: str) -> EventRecord:
    """The events.jsonl record of an annotated event: the event, its document and crosswalks."""
    crosswalks = CROSSWALK[event.event_subtype].codes()
    data = event.model_dump()
    return EventRecord.model_validate({**data, "doc_id": doc_id, "crosswalks": crosswalks})


class InvalidInputs(BuildError):
    """The validator refused the annotation files; `report` holds its errors."""

    def __init__(self, report: Report) -> None:
        super().__init__(f"{len(report.errors)} validation error(s)")
        self.report = report


def validate_inputs(annotations_dir: Path, seeds_dir: Path) -> Report:
    """Run the project's validator over the annotation files, against the seeds they cite, and
    over the dataset's actors.yaml and links.yaml."""
    paths = annotation_paths(annotations_dir)
    folder = dataset_dir(annotations_dir / "_")
    paths += [p for p in (folder / ACTORS_FILE, folder / LINKS_FILE) if p.is_file()]
    return validate(paths, seeds=seeds_dir) if paths else Report()


class ReportInputError(GroundedEventsError):
    """The annotations or seeds cannot be rendered; `problems` name file, line and field."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class UnknownDocumentError(GroundedEventsError):
    """`--doc` names a document the seeds index lacks, or one with no annotation file of its name."""


@dataclass
class ReportDocument:
    """One seed document with its annotations (if any) flattened into table rows."""

    seed: Seed
    source: str | None = None  # the annotation file's name, for the page footer
    tables: dict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: {"actors": [], "events": [], "event_actors": [], "evidence": []}
    )

    @property
    def document(self) -> Document:
        return self.seed.document


def report_documents(
    seeds: dict[str, Seed],
    annotations: list[tuple[str, AnnotationFile]],
    registry: ActorRegistry,
    only_annotated: bool = False,
) -> list[ReportDocument]:
    """The documents to render, sorted by doc_id, each with its annotation's rows and the
    registry's actors its events name (with their parents). The annotations are valid (the
    validator passed them: doc_ids, hashes, offsets, quotes, actor ids)."""
    docs = {doc_id: ReportDocument(seed) for doc_id, seed in seeds.items()}
    actors = {row["actor_id"]: row for row in actor_rows(registry)}
    for file, annotation in annotations:
        target = docs[annotation.doc_id]
        if target.source is not None:
            message = f"{annotation.doc_id!r} is already annotated in {target.source}"
            raise ReportInputError([f"{file}: doc_id: {message}"])
        target.source = Path(file).name
        target.tables = rows_from_annotation(annotation)
        named = [r["actor_id"] for r in target.tables["event_actors"]]
        named += [a for r in target.tables["events"] for a in r["claimed_by"]]
        shown: dict[str, None] = {}
        while named:
            actor_id = named.pop(0)
            if actor_id in actors and actor_id not in shown:
                shown[actor_id] = None
                if (parent := actors[actor_id]["parent_actor_id"]) is not None:
                    named.append(parent)
        target.tables["actors"] = [actors[a] for a in sorted(shown)]
    return [docs[k] for k in sorted(docs) if docs[k].source or not only_annotated]


def load_documents(annotations_dir: Path, seeds_dir: Path) -> list[ReportDocument]:
    """Every seed document with the rows of its annotation file, if it has one. The files are
    validated first, as `build` does: a page shows only what the validator accepts."""
    try:
        seeds = read_seeds(seeds_dir)
    except SeedError as exc:
        raise ReportInputError([str(exc)]) from None
    report = validate_inputs(annotations_dir, seeds_dir)
    if not report.ok:
        raise ReportInputError([text_line(issue) for issue in report.errors])
    try:
        annotations = [(str(p), read_annotation(p)) for p in annotation_paths(annotations_dir)]
        registry, _ = read_dataset_files(annotations_dir)
    except BuildError as exc:  # changed since it was validated
        raise ReportInputError([str(exc)]) from None
    return report_documents(seeds, annotations, registry)


def _named_annotation(annotations_dir: Path, doc_id: str) -> Path:
    """The annotation file named after doc_id (ANNOTATING.md: one `<doc_id>.yaml` per document)."""
    for suffix in ANNOTATION_SUFFIXES:
        path = annotations_dir / f"{doc_id}{suffix}"
        if path.is_file():
            return path
    raise UnknownDocumentError(
        f"{doc_id}: no annotation file {annotations_dir / doc_id}.yaml; --doc renders the file "
        "named after the document"
    )


def load_document(annotations_dir: Path, seeds_dir: Path, doc_id: str) -> ReportDocument:
    """One seed document with the rows of its annotation file, validated alone against the
    seeds: checks across files (an event_id used in two files) are the full run's."""
    try:
        documents = {d.doc_id: d for d in read_index(seeds_dir)}
    except SeedError as exc:
        raise ReportInputError([str(exc)]) from None
    if doc_id not in documents:
        raise UnknownDocumentError(f"{doc_id}: no such document in {seeds_dir / 'index.json'}")
    path = _named_annotation(annotations_dir, doc_id)
    report = validate([path], seeds=seeds_dir)
    if not report.ok:
        raise ReportInputError([text_line(issue) for issue in report.errors])
    try:
        seed = Seed(documents[doc_id], read_text(seeds_dir, documents[doc_id]))
        annotation = read_annotation(path)
        registry, _ = read_dataset_files(annotations_dir)
    except (SeedError, BuildError) as exc:  # changed since it was validated
        raise ReportInputError([str(exc)]) from None
    if annotation.doc_id != doc_id:
        raise UnknownDocumentError(
            f"{path}: doc_id is {annotation.doc_id!r}, not {doc_id!r}; --doc renders the file "
            "named after the document"
        )
    (doc,) = report_documents({doc_id: seed}, [(str(path), annotation)], registry)
    return doc


def add_input_arguments(parser: argparse.ArgumentParser) -> None:
    """--annotations and --seeds: what `build` and `report` read."""
    parser.add_argument(
        "--annotations",
        type=Path,
        default=ANNOTATIONS_DIR,
        metavar="DIR",
        help=f"folder of annotation YAML files (default: {ANNOTATIONS_DIR})",
    )
    parser.add_argument(
        "--seeds",
        type=Path,
        default=Path("seeds"),
        metavar="DIR",
        help="seeds folder (default: seeds)",
    )


def missing_input_folder(args: argparse.Namespace) -> str | None:
    """The error line for an --annotations or --seeds folder that is not there, else None."""
    for name, folder in (("--annotations", args.annotations), ("--seeds", args.seeds)):
        if not folder.is_dir():
            return (
                f"{folder}: no such folder ({name}); run from the repository root or pass "
                f"{name} DIR"
            )
    return None
