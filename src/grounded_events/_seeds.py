"""Source documents: the seeds index and verbatim texts, refused when their sha256 has changed."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from grounded_events._models import Document

_INDEX = TypeAdapter(list[Document])


class SeedError(Exception):
    """A seed document or its index cannot be trusted; the message says which and why."""


@dataclass(frozen=True)
class Seed:
    """A document's metadata with its verified text."""

    document: Document
    text: str


def read_index(seeds_dir: Path) -> list[Document]:
    """The documents listed in `seeds_dir/index.json`, validated against the schema."""
    path = seeds_dir / "index.json"
    try:
        return _INDEX.validate_json(path.read_bytes())
    except FileNotFoundError:
        raise SeedError(f"{path}: no seeds index; expected a JSON list of documents") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise SeedError(f"{path}: {where}: {first['msg']}") from None


def read_text(seeds_dir: Path, document: Document) -> str:
    """The document's text, after checking its bytes against the sha256 pinned in the index."""
    path = seeds_dir / document.file
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SeedError(f"{path}: cannot read seed for {document.doc_id}: {exc.strerror}") from None
    actual = hashlib.sha256(data).hexdigest()
    if actual != document.sha256:
        raise SeedError(
            f"{path}: sha256 is {actual} but seeds/index.json pins {document.sha256} for "
            f"{document.doc_id}; seeds are verbatim copies and must not be edited. Restore the "
            "original bytes, or add the changed text as a new document."
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SeedError(f"{path}: not UTF-8 at byte {exc.start}") from None


def read_seeds(seeds_dir: Path) -> dict[str, Seed]:
    """Every indexed document with its verified text, by doc_id."""
    return {d.doc_id: Seed(d, read_text(seeds_dir, d)) for d in read_index(seeds_dir)}


def dumps_index(documents: list[Document]) -> str:
    """The index as written to disk: sorted by doc_id, two-space JSON, trailing newline."""
    items = [d.model_dump(mode="json") for d in sorted(documents, key=lambda d: d.doc_id)]
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"
