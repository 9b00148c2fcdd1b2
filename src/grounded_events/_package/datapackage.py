"""datapackage.json: the Frictionless descriptor, and the names, licences and description Croissant shares."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from frictionless import Package

from grounded_events._core.version import SCHEMA_VERSION, __version__
from grounded_events._package.inputs import BuildError, Files, Inputs
from grounded_events._schema.generate import table_schema
from grounded_events._schema.table_csv import FORMULA_TRIGGERS
from grounded_events._schema.tables import LIST_SEPARATOR, TABLES

NAME = "grounded-events"


TITLE = "grounded-events: hand-annotated political-violence events grounded in their sources"


HOMEPAGE = "https://github.com/grounded-events/grounded-events"


AUTHORS = "grounded-events contributors"


# The preferred citation, in datapackage.json (`citation`: Data Package v2 allows properties of
# its own) and croissant.json (`citeAs`); CITATION.cff says the same (tests/test_docs.py).
CITATION = f"{AUTHORS}. {TITLE} (version {__version__}). {HOMEPAGE}"


ANNOTATION_LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0 International",
}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


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


def check(descriptor: dict[str, Any]) -> None:
    """BuildError naming the problems frictionless finds in the descriptor (against the v2
    profile: field types and constraints, primary keys, unique names, dates), so that the
    reference implementation accepts what we publish. No network: the profile is built in."""
    report = Package.validate_descriptor(descriptor)
    if not report.valid:
        problems = "; ".join(error.message for error in report.errors)
        raise BuildError(f"frictionless refuses datapackage.json: {problems}")


def datapackage(inputs: Inputs, files: Files) -> dict[str, Any]:
    """The Frictionless Data Package v2 descriptor of the files, checked (see check).

    Written as a dict, not through frictionless's Package model: its to_descriptor() adds
    `scheme`, nests the CSV dialect under `csv` (not the v2 form) and reorders the keys."""
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
    descriptor = {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": NAME,
        "version": __version__,
        "title": TITLE,
        "description": description(inputs),
        "homepage": HOMEPAGE,
        "citation": CITATION,
        "created": inputs.created,
        "keywords": ["event data", "political violence", "ACLED", "PLOVER", "CAMEO", "evidence"],
        "licenses": [ANNOTATION_LICENSE],
        "sources": sources,
        "contributors": [{"title": name, "roles": ["annotator"]} for name in inputs.contributors],
        "resources": resources,
    }
    check(descriptor)
    return descriptor
