"""Source documents: the seeds index and verbatim texts, refused when their sha256 has changed."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from grounded_events._core.errors import GroundedEventsError
from grounded_events._core.files import UnsafeFile, read_bytes_inside
from grounded_events._schema.models import Document
from grounded_events._schema.wording import first_error

_INDEX = TypeAdapter(list[Document])
_NUMBERED = re.compile(r"([0-9]+)_")


class SeedError(GroundedEventsError):
    """A seed document or its index cannot be trusted; the message says which and why.

    `code` is the validation code of the reason (GE101 missing, GE114-GE116 unsafe file,
    GE104 not UTF-8, GE503 changed text, GE505 unreadable index).
    """

    def __init__(self, message: str, code: str = "GE503") -> None:
        super().__init__(message)
        self.code = code


def read_seed_bytes(seeds_dir: Path, name: str) -> bytes:
    """The bytes of `name` in `seeds_dir`: a regular file inside the folder, of bounded size."""
    try:
        return read_bytes_inside(seeds_dir, name)
    except FileNotFoundError:
        raise SeedError(f"{seeds_dir / name}: no such file", "GE101") from None
    except UnsafeFile as exc:
        raise SeedError(f"{seeds_dir / exc.path}: refused: {exc.reason}", exc.code) from None


def seed_file_name(documents: list[Document], sha256: str) -> str:
    """The file name of a new seed: `<NNN>_<first 16 hex digits of its sha256>.txt`.

    NNN is one more than the highest number that starts a file name of the index (000 for the
    first), three digits or more. The number keeps the order documents were added in; the hash
    makes the name unique and says which text it holds.
    """
    numbers = [int(m[1]) for d in documents if (m := _NUMBERED.match(d.file))]
    return f"{max(numbers, default=-1) + 1:03d}_{sha256[:16]}.txt"


@dataclass(frozen=True)
class Seed:
    """A document's metadata with its verified text."""

    document: Document
    text: str


def read_index(seeds_dir: Path) -> list[Document]:
    """The documents listed in `seeds_dir/index.json`, validated against the schema."""
    path = seeds_dir / "index.json"
    try:
        return _INDEX.validate_json(read_seed_bytes(seeds_dir, "index.json"))
    except SeedError as exc:
        if exc.code != "GE101":
            raise
        raise SeedError(
            f"{path}: no seeds index; expected a JSON list of documents", "GE101"
        ) from None
    except ValidationError as exc:
        where, what = first_error(exc)
        raise SeedError(f"{path}: {where}: {what}", "GE505") from None


def read_text(seeds_dir: Path, document: Document) -> str:
    """The document's text, after checking its bytes against the sha256 pinned in the index."""
    path = seeds_dir / document.file
    try:
        data = read_seed_bytes(seeds_dir, document.file)
    except SeedError as exc:
        raise SeedError(f"{exc} (the seed of {document.doc_id})", exc.code) from None
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
        raise SeedError(f"{path}: not UTF-8 at byte {exc.start}", "GE104") from None


def read_seeds(seeds_dir: Path) -> dict[str, Seed]:
    """Every indexed document with its verified text, by doc_id."""
    return {d.doc_id: Seed(d, read_text(seeds_dir, d)) for d in read_index(seeds_dir)}
