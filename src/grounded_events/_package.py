"""The data package's files, built in memory from the annotations and seeds, step by step."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from grounded_events import __version__
from grounded_events._models import SCHEMA_VERSION, AnnotationFile, EventRecord
from grounded_events._package_csv import FORMULA_TRIGGERS, write_csv
from grounded_events._package_parquet import to_arrow, write_parquet
from grounded_events._report_site import report_step
from grounded_events._schemagen import table_schema
from grounded_events._seeds import Seed, SeedError, read_seeds
from grounded_events._tables import LIST_SEPARATOR, TABLES, document_row, rows_from_annotation
from grounded_events._vocab import CROSSWALK
from grounded_events._yaml import YamlError, loads

NAME = "grounded-events"
VERSION = __version__
TITLE = "grounded-events: hand-annotated political-violence events grounded in their sources"
HOMEPAGE = "https://github.com/grounded-events/grounded-events"
ANNOTATION_LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0 International",
}
ANNOTATION_SUFFIXES = (".yaml", ".yml")

Files = dict[str, bytes]


class BuildError(Exception):
    """The package cannot be built from these inputs; the message names the file and the problem."""


@dataclass
class Inputs:
    """Everything the package is made of, read and checked once."""

    annotations: list[tuple[str, AnnotationFile]]
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
    try:
        document = loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise BuildError(f"{path}: cannot read: {exc}") from None
    except YamlError as exc:
        raise BuildError(f"{path}:{exc.line}: {exc.problem}") from None
    try:
        return AnnotationFile.model_validate(document.data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        line = document.line_of(tuple(first["loc"]))
        raise BuildError(f"{path}:{line}: {where}: {first['msg']}") from None


def read_inputs(annotations_dir: Path, seeds_dir: Path) -> Inputs:
    """Read the annotation files and seeds and flatten them into sorted table rows."""
    try:
        seeds = read_seeds(seeds_dir)
    except SeedError as exc:
        raise BuildError(str(exc)) from None
    annotations = [(p.name, read_annotation(p)) for p in annotation_paths(annotations_dir)]
    if not annotations:
        raise BuildError(f"{annotations_dir}: no annotation files (*.yaml) to build from")
    tables: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    actors: dict[str, tuple[str, dict[str, Any]]] = {}
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
        for actor in rows.pop("actors"):
            seen = actors.get(actor["actor_id"])
            if seen is None:
                actors[actor["actor_id"]] = (name, actor)
            elif seen[1] != actor:
                raise BuildError(
                    f"{name}: actor {actor['actor_id']!r} is defined as {_plain(actor)} but "
                    f"{seen[0]} defines it as {_plain(seen[1])}; one actor_id, one definition"
                )
        for table, table_rows in rows.items():
            tables[table].extend(table_rows)
        records.extend(event_record(event, annotation.doc_id) for event in annotation.events)
    tables["actors"] = [actor for _, actor in actors.values()]
    used = sorted({a.doc_id for _, a in annotations})
    tables["documents"] = [document_row(seeds[d].document, seeds[d].text) for d in used]
    for name, table in TABLES.items():
        tables[name].sort(key=lambda row, keys=table.primary_key: tuple(str(row[k]) for k in keys))
        _check_unique(name, tables[name], table.primary_key)
    records.sort(key=lambda r: r.event_id)
    created = max(a.annotated for _, a in annotations).isoformat() + "T00:00:00Z"
    return Inputs(annotations, seeds, tables, records, created, list(contributors))


def _plain(row: dict[str, Any]) -> str:
    return json.dumps({k: v if v is None else str(v) for k, v in row.items()}, ensure_ascii=False)


def _check_unique(name: str, rows: list[dict[str, Any]], keys: tuple[str, ...]) -> None:
    seen: set[tuple[str, ...]] = set()
    for row in rows:
        key = tuple(str(row[k]) for k in keys)
        if key in seen:
            raise BuildError(f"table {name}: duplicate primary key {', '.join(key)}")
        seen.add(key)


def event_record(event: Any, doc_id: str) -> EventRecord:
    """The events.jsonl record of an annotated event: the event, its document and crosswalks."""
    cw = CROSSWALK[event.event_subtype]
    crosswalks = {
        "acled_event_type": cw.acled_event_type,
        "acled_sub_event_type": cw.acled_sub_event_type,
        "plover_event_type": cw.plover_event_type,
        "plover_mode": cw.plover_mode,
        "cameo_root": cw.cameo_root,
    }
    data = event.model_dump()
    return EventRecord.model_validate({**data, "doc_id": doc_id, "crosswalks": crosswalks})


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def dumps_json(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# ---- steps ---------------------------------------------------------------------------------


def tables_step(inputs: Inputs, files: Files) -> Files:
    """Each table as `<table>.csv` and `<table>.parquet`."""
    out: Files = {}
    for name, table in TABLES.items():
        rows = inputs.tables[name]
        out[f"{name}.csv"] = write_csv(table.columns, rows)
        out[f"{name}.parquet"] = write_parquet(to_arrow(name, rows))
    return out


# json.dumps escapes \n, \r and the other C0 controls but writes these raw, and str.splitlines
# (so any reader that splits the file with it) ends a line at each; escaped, a record stays one
# line for every reader and still decodes to the same text.
_LINE_BREAKS = str.maketrans({c: f"\\u{ord(c):04x}" for c in "\x85\u2028\u2029"})


def jsonl_step(inputs: Inputs, files: Files) -> Files:
    """`events.jsonl`: one nested EventRecord per line, in event_id order."""
    lines = [
        json.dumps(r.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":")).translate(
            _LINE_BREAKS
        )
        for r in inputs.records
    ]
    return {"events.jsonl": "".join(line + "\n" for line in lines).encode("utf-8")}


def croissant_step(inputs: Inputs, files: Files) -> Files:
    """`croissant.json`: MLCommons Croissant 1.0 metadata for the same files."""
    from grounded_events._croissant import croissant

    return {"croissant.json": dumps_json(croissant(inputs, files))}


def datapackage_step(inputs: Inputs, files: Files) -> Files:
    """`datapackage.json`: Frictionless Data Package v2 describing every file written so far."""
    return {"datapackage.json": dumps_json(datapackage(inputs, files))}


def checksums_step(inputs: Inputs, files: Files) -> Files:
    """`SHA256SUMS`: sha256sum lines for every other file, sorted by name."""
    lines = [f"{sha256(data)}  {name}\n" for name, data in sorted(files.items())]
    return {"SHA256SUMS": "".join(lines).encode("utf-8")}


# The build runs these in order. A step that adds files goes before datapackage_step so that the
# data package, and SHA256SUMS after it, list its files.
STEPS: tuple[Step, ...] = (
    tables_step,
    jsonl_step,
    croissant_step,
    report_step,
    datapackage_step,
    checksums_step,
)


def build_files(inputs: Inputs, steps: tuple[Step, ...] | None = None) -> Files:
    """Every file of the package by relative path ("/"-separated), as bytes."""
    files: Files = {}
    for step in STEPS if steps is None else steps:
        added = step(inputs, dict(files))
        clash = sorted(set(added) & set(files))
        if clash:
            raise BuildError(f"{step.__name__} rewrites {', '.join(clash)}")
        files.update(added)
    return dict(sorted(files.items()))


# ---- datapackage.json ----------------------------------------------------------------------

MEDIA_TYPES = {
    ".csv": ("csv", "text/csv"),
    ".parquet": ("parquet", "application/vnd.apache.parquet"),
    ".jsonl": ("jsonl", "application/jsonl"),
    ".json": ("json", "application/ld+json"),
    ".html": ("html", "text/html"),
    ".css": ("css", "text/css"),
    ".js": ("js", "text/javascript"),
}

CSV_RULES = (
    "CSV files are UTF-8 with a header row and \\n line ends. Empty cells are nulls. "
    f"List columns join their items with '{LIST_SEPARATOR}'; a '{LIST_SEPARATOR}' or '\\' "
    "inside an item is escaped with a backslash. A text cell that would start with "
    + ", ".join(repr(t) for t in FORMULA_TRIGGERS)
    + " (after any apostrophes) gets one more leading apostrophe (') so that spreadsheets do "
    "not run it as a formula; strip one leading apostrophe from such a cell to get the exact "
    "value. The Parquet files and events.jsonl keep every value exactly."
)


def _publishers(inputs: Inputs) -> list[str]:
    used = {a.doc_id for _, a in inputs.annotations}
    return sorted({s.document.publisher for d, s in inputs.seeds.items() if d in used})


def description(inputs: Inputs) -> str:
    """The package description: what it is, the licences and the CSV rules."""
    publishers = ", ".join(_publishers(inputs))
    return (
        "Hand-annotated political-violence events in which every coded value is grounded in a "
        "quoted span of its source document, with crosswalks to ACLED, PLOVER and CAMEO. "
        f"Schema {SCHEMA_VERSION}. The annotations are licensed CC-BY-4.0. The source texts in "
        f"the `text` column of `documents` remain the property of their publishers "
        f"({publishers}), who keep all rights; they are included only so that every evidence "
        "offset can be verified. " + CSV_RULES
    )


def _file_resource(name: str, path: str, data: bytes) -> dict[str, Any]:
    fmt, media = MEDIA_TYPES.get(Path(path).suffix, ("", "application/octet-stream"))
    resource: dict[str, Any] = {"name": name, "type": "file", "path": path}
    if fmt:
        resource["format"] = fmt
    resource.update(mediatype=media, bytes=len(data), hash=f"sha256:{sha256(data)}")
    return resource


def _resource_name(path: str) -> str:
    stem, _, suffix = path.rpartition(".")
    slug = "".join(c if c.isalnum() else "-" for c in stem.lower()).strip("-")
    return f"{slug}-{suffix}"


def datapackage(inputs: Inputs, files: Files) -> dict[str, Any]:
    """The Frictionless Data Package v2 descriptor of the files."""
    resources: list[dict[str, Any]] = []
    for name, table in TABLES.items():
        data = files[f"{name}.csv"]
        resources.append(
            {
                "name": name,
                "type": "table",
                "path": f"{name}.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "title": table.title,
                "description": f"{table.title}. The same rows with exact values are in "
                f"{name}.parquet; the package description gives the CSV rules."
                + (" The text column keeps its publisher's rights." if name == "documents" else ""),
                "bytes": len(data),
                "hash": f"sha256:{sha256(data)}",
                "dialect": {
                    "header": True,
                    "delimiter": ",",
                    "lineTerminator": "\n",
                    "quoteChar": '"',
                    "doubleQuote": True,
                },
                "schema": table_schema(TABLES[name]),
            }
        )
    table_files = {f"{name}.csv" for name in TABLES}
    for path in sorted(files):
        if path not in table_files and path not in ("datapackage.json", "SHA256SUMS"):
            resources.append(_file_resource(_resource_name(path), path, files[path]))
    sources = [
        {"title": s.document.title, "path": s.document.url}
        for s in sorted(inputs.seeds.values(), key=lambda s: s.document.doc_id)
        if s.document.doc_id in {a.doc_id for _, a in inputs.annotations}
    ]
    return {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": NAME,
        "version": VERSION,
        "title": TITLE,
        "description": description(inputs),
        "homepage": HOMEPAGE,
        "created": inputs.created,
        "keywords": ["event data", "political violence", "ACLED", "PLOVER", "CAMEO", "evidence"],
        "licenses": [ANNOTATION_LICENSE],
        "sources": sources,
        "contributors": [{"title": name, "roles": ["annotator"]} for name in inputs.contributors],
        "resources": resources,
    }
