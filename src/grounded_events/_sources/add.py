"""`grounded-events add`: copy a source text into seeds/, index it, write its annotation skeleton."""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import re
import sys
import unicodedata
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from grounded_events._core.atomic import exclusive_lock, write_bytes_atomic
from grounded_events._core.dataset_files import ACTORS_FILE, ANNOTATIONS_DIR, dataset_dir
from grounded_events._core.errors import GroundedEventsError
from grounded_events._core.files import UnsafeFile, read_regular
from grounded_events._core.safe_yaml import loads
from grounded_events._core.text import json_text
from grounded_events._core.version import SCHEMA_VERSION
from grounded_events._schema.models import AnnotationFile, Document, IsoDate
from grounded_events._schema.vocab import PublishedDateBasis
from grounded_events._schema.wording import first_error
from grounded_events._sources.actors import Named, actors_in_text, read_registry
from grounded_events._sources.layout import schema_line
from grounded_events._sources.seeds import SeedError, read_index, read_seed_bytes, seed_file_name
from grounded_events._sources.skeleton import skeleton

# The command-line option behind each field of the index entry and the annotation file, so an
# error names what the user typed.
_OPTIONS = {
    "doc_id": "--doc-id",
    "title": "--title",
    "publisher": "--publisher",
    "url": "--url",
    "published_date": "--published-date",
    "dateline": "--dateline",
    "language": "--language",
    "annotated": "--annotated",
    "annotators": "--annotator",
}


# The schema's own date rule: a real date written YYYY-MM-DD.
_DATE = TypeAdapter(IsoDate)


class AddError(GroundedEventsError):
    """The document cannot be added: the one-line message says why and what to do instead.

    Nothing has been written when it is raised.
    """


@dataclass(frozen=True)
class Added:
    """What `add` wrote."""

    document: Document
    seed: Path
    index: Path
    annotation: Path
    registry: Path
    registry_found: bool  # False: there is no registry yet, and `run` says how to start one
    actors: list[Named]
    title_from_text: bool
    warnings: list[str]


def _date(option: str, text: str) -> dt.date:
    """The date an option gives, by the schema's rule; an AddError naming the option if not."""
    try:
        return _DATE.validate_python(text)
    except ValidationError:
        raise AddError(f"{option} {text!r}: expected a real date written YYYY-MM-DD") from None


def publisher_slug(publisher: str) -> str:
    """The publisher's name as a doc_id prefix: ASCII letters and digits joined by `-`
    (accents dropped, any other character a separator: "L’Orient–Le Jour" is l-orient-le-jour)."""
    decomposed = unicodedata.normalize("NFKD", publisher)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", kept.lower()).strip("-")


def _publication(published_date: str, basis: str | None) -> tuple[dt.date | None, str]:
    """The publication date (None when unknown) and its basis, from the two options."""
    unknown = PublishedDateBasis.UNKNOWN.value
    if published_date.strip().lower() == unknown:
        if basis not in (None, unknown):
            raise AddError(
                f"--published-date unknown goes with --published-date-basis {unknown} (the "
                f"default then), not {basis}; if the date is estimated, pass it: "
                "--published-date YYYY-MM-DD --published-date-basis estimated"
            )
        return None, unknown
    if basis == unknown:
        raise AddError(
            f"--published-date-basis {unknown} goes with --published-date {unknown}; for a date "
            f"such as {published_date!r}, say where it comes from (byline, url, metadata, "
            "external, or estimated)"
        )
    return _date("--published-date", published_date), basis or PublishedDateBasis.BYLINE.value


def _read_text(path: Path) -> tuple[bytes, str]:
    try:
        data = read_regular(path)
    except FileNotFoundError:
        raise AddError(f"{path}: no such file") from None
    except OSError as exc:
        raise AddError(f"{path}: cannot read: {exc.strerror}") from None
    except UnsafeFile as exc:
        raise AddError(f"{path}: refused: {exc.reason}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise AddError(
            f"{path}: not UTF-8 at byte {exc.start}; save the text as UTF-8 and add it again"
        ) from None
    if text.startswith("\ufeff"):
        raise AddError(f"{path}: starts with a byte-order mark; save it as UTF-8 without one")
    if not text.strip():
        raise AddError(f"{path}: holds no text")
    return data, text


def _read_index(seeds: Path) -> tuple[list[Document], list[Any]]:
    """The index's documents, and its entries as written (kept as they are when one is added)."""
    if not (seeds / "index.json").exists():
        return [], []
    try:
        return read_index(seeds), json.loads(read_seed_bytes(seeds, "index.json"))
    except SeedError as exc:
        raise AddError(f"{exc}; fix the index before adding a document") from None


def _invalid(exc: ValidationError, values: dict[str, Any]) -> AddError:
    where, what = first_error(exc)
    field = where.split(".", 1)[0]
    option = _OPTIONS.get(field, field)
    return AddError(f"{option} {values.get(field)!r}: {what}")


def _free_doc_id(doc_id: str, taken: set[str]) -> str:
    number = 2
    while f"{doc_id}-{number}" in taken:
        number += 1
    return f"{doc_id}-{number}"


def add(
    text_path: Path,
    *,
    publisher: str,
    url: str,
    published_date: str,
    annotators: list[str],
    published_date_basis: str | None = None,
    title: str | None = None,
    dateline: str | None = None,
    language: str = "en",
    doc_id: str | None = None,
    seeds: Path = Path("seeds"),
    annotations: Path = ANNOTATIONS_DIR,
    annotated: str | None = None,
) -> Added:
    """Copy `text_path` into `seeds`, add its index entry and write its annotation skeleton.

    `published_date` "unknown" gives an undated document (basis unknown); the basis defaults to
    byline for a date. Every check runs before the first write; AddError (nothing written) when
    one fails.
    """
    date, basis = _publication(published_date, published_date_basis)
    data, text = _read_text(text_path)
    sha256 = hashlib.sha256(data).hexdigest()
    first_line = next(line.strip() for line in text.splitlines() if line.strip())
    if not seeds.is_dir():
        raise AddError(f"{seeds}: no such folder; create it or pass --seeds DIR")
    if doc_id is None:
        slug = publisher_slug(publisher)
        if not slug:
            raise AddError(
                f"--publisher {publisher!r}: no letters or digits to make a doc_id from; "
                "pass --doc-id (publisher slug and publication date, like rudaw-20231212)"
            )
        doc_id = f"{slug}-{date:%Y%m%d}" if date is not None else f"{slug}-undated"
    annotated = annotated or dt.date.today().isoformat()
    _date("--annotated", annotated)
    # Two adds at once would both take the same next number and each drop the other's entry.
    with exclusive_lock(seeds / ".add.lock"):
        documents, entries = _read_index(seeds)
        for existing in documents:
            if existing.sha256 == sha256:
                raise AddError(
                    f"{text_path}: this text is already in the seeds as {existing.doc_id} "
                    f"({seeds / existing.file}, the same sha256 {sha256})"
                )
        values: dict[str, Any] = {
            "doc_id": doc_id,
            "file": seed_file_name(documents, sha256),
            "sha256": sha256,
            "title": title if title is not None else first_line,
            "publisher": publisher,
            "url": url,
            "published_date": date,
            "published_date_basis": basis,
            "dateline": dateline,
            "language": language,
        }
        try:
            document = Document.model_validate(values)
        except ValidationError as exc:
            raise _invalid(exc, values) from None
        annotation_path = annotations / f"{document.doc_id}.yaml"
        clash = next((d for d in documents if d.doc_id == document.doc_id), None)
        if clash is not None:
            taken = {d.doc_id for d in documents} | {p.stem for p in annotations.glob("*.y*ml")}
            raise AddError(
                f"doc_id {document.doc_id} is taken by another text ({seeds / clash.file}); pass "
                f"--doc-id with another id, e.g. --doc-id {_free_doc_id(document.doc_id, taken)}"
            )
        if annotation_path.exists():
            raise AddError(
                f"{annotation_path} exists already and is never overwritten; pass --doc-id "
                "with another id, or move that file away"
            )
        seed_path = seeds / document.file
        if seed_path.exists():
            raise AddError(
                f"{seed_path} exists already but seeds/index.json does not list it; remove it "
                "or list it in the index"
            )
        registry = read_registry(dataset_dir(annotation_path) / ACTORS_FILE)
        named = actors_in_text(text, registry.actors)
        annotation_text = skeleton(
            document,
            annotated,
            annotators,
            annotation_path.as_posix(),
            registry.path,
            registry.found,
            named,
        )
        try:
            AnnotationFile.model_validate(loads(annotation_text).data)
        except ValidationError as exc:
            raise _invalid(exc, {"annotated": annotated, "annotators": annotators}) from None
        # optional metadata left out is not written; an unknown date is written as null
        entry = {
            k: v
            for k, v in document.model_dump(mode="json").items()
            if v is not None or k == "published_date"
        }
        index = sorted([*entries, entry], key=lambda e: str(e.get("doc_id", "")))
        _write_all(
            [
                (seed_path, data),
                (annotation_path, annotation_text.encode("utf-8")),
                (seeds / "index.json", json_text(index).encode("utf-8")),
            ]
        )
    return Added(
        document,
        seed_path,
        seeds / "index.json",
        annotation_path,
        registry.path,
        registry.found,
        named,
        title is None,
        registry.warnings,
    )


def _write_all(writes: list[tuple[Path, bytes]]) -> None:
    """Write each file atomically, in order; if one fails, remove the new ones written before it
    (and the folders made for them), so a failed add leaves the tree as it was. Only the last
    file may replace an existing one."""
    made = [p for w in writes for p in (w[0].parent, *w[0].parent.parents) if not p.exists()]
    created: list[Path] = []
    try:
        for path, data in writes:
            existed = path.exists()
            write_bytes_atomic(path, data)
            if not existed:
                created.append(path)
    except BaseException as exc:
        for path in created:
            path.unlink(missing_ok=True)
        for folder in dict.fromkeys(made):
            with suppress(OSError):
                folder.rmdir()
        if isinstance(exc, OSError):
            raise AddError(
                f"cannot write {exc.filename}: {exc.strerror}; nothing was added"
            ) from None
        raise


def configure(parser: argparse.ArgumentParser) -> None:
    """Arguments of `grounded-events add`."""
    parser.epilog = """\
examples:
  grounded-events add article.txt --publisher Rudaw --url https://www.rudaw.net/english/1 \\
      --published-date 2024-01-15 --annotator jdoe
  grounded-events add article.txt --publisher "Kurdistan 24" --url https://www.kurdistan24.net/en/2 \\
      --published-date 2024-01-16 --published-date-basis url --annotator jdoe --annotator asmith
  grounded-events add article.txt --publisher Rudaw --url https://www.rudaw.net/english/3 \
      --published-date unknown --doc-id rudaw-undated-3 --annotator jdoe
"""
    parser.add_argument("text", metavar="FILE", help="the document's text, UTF-8")
    parser.add_argument(
        "--publisher", required=True, metavar="NAME", help="its slug starts the doc_id"
    )
    parser.add_argument("--url", required=True, metavar="URL", help="where the text was published")
    parser.add_argument(
        "--published-date",
        required=True,
        metavar="YYYY-MM-DD",
        help="the publication date, or 'unknown' (then no date is coded relative to it)",
    )
    parser.add_argument(
        "--published-date-basis",
        choices=[b.value for b in PublishedDateBasis],
        help="where the date comes from: the byline (the default), the url, the page's "
        "metadata, an external source, estimated by you; unknown goes with an unknown date",
    )
    parser.add_argument(
        "--title", metavar="TEXT", help="the title (default: the text's first line)"
    )
    parser.add_argument("--dateline", metavar="PLACE", help="the place named in the dateline")
    parser.add_argument(
        "--language", default="en", metavar="CODE", help="ISO 639-1 code (default: en)"
    )
    parser.add_argument(
        "--annotator",
        dest="annotators",
        action="append",
        required=True,
        metavar="NAME",
        help="who codes the document (repeat for several)",
    )
    parser.add_argument(
        "--doc-id",
        metavar="DOC_ID",
        help="the document's id (default: publisher slug and date, as rudaw-20240115)",
    )
    parser.add_argument(
        "--seeds", default="seeds", metavar="DIR", help="the seeds folder (default: seeds)"
    )
    parser.add_argument(
        "--annotations",
        default=str(ANNOTATIONS_DIR),
        metavar="DIR",
        help=f"the annotation files' folder (default: {ANNOTATIONS_DIR})",
    )
    parser.add_argument(
        "--annotated", metavar="YYYY-MM-DD", help="the skeleton's `annotated` date (default: today)"
    )


def run(args: argparse.Namespace) -> int:
    """Add the document and print what was written and what to do next (0), or why not (2)."""
    try:
        added = add(
            Path(args.text),
            publisher=args.publisher,
            url=args.url,
            published_date=args.published_date,
            published_date_basis=args.published_date_basis,
            title=args.title,
            dateline=args.dateline,
            language=args.language,
            annotators=args.annotators,
            doc_id=args.doc_id,
            seeds=Path(args.seeds),
            annotations=Path(args.annotations),
            annotated=args.annotated,
        )
    except AddError as exc:
        print(f"add: {exc}", file=sys.stderr)
        return 2
    for warning in added.warnings:
        print(f"add: warning: {warning}", file=sys.stderr)
    document, annotation = added.document, added.annotation.as_posix()
    actors = ", ".join(n.actor.actor_id for n in added.actors) or "none"
    registry = added.registry.as_posix()
    folder = added.registry.parent
    dataset = "" if folder == Path("datasets") else f" --dataset {folder.as_posix()}"
    if added.registry_found:
        found = f"actors of {registry} named in the text: {actors}\n"
    else:
        found = (
            f"no actor registry: {registry} does not exist. Declaring the first actor starts it:\n"
            f"  grounded-events actor add{dataset} ACTOR_ID --name TEXT --type TYPE\n"
            "or start it with these lines:\n"
            f"  {schema_line(SCHEMA_VERSION, 'actors')}\n"
            f"  schema_version: {SCHEMA_VERSION}\n"
            "  actors: []\n"
        )
    source = " (the first line; --title to change)" if added.title_from_text else ""
    print(
        f"added {document.doc_id}\n"
        f"  title: {document.title}{source}\n"
        f"  published: {document.published_date or 'unknown'} "
        f"({document.published_date_basis})\n"
        f"  sha256: {document.sha256}\n"
        f"wrote\n"
        f"  {added.seed.as_posix()}: the text, byte for byte\n"
        f"  {added.index.as_posix()}: its entry\n"
        f"  {annotation}: the annotation skeleton\n"
        f"{found}"
        "next\n"
        f"  1. code the events in {annotation} (ANNOTATING.md);\n"
        "     for each evidence item write its field and quote\n"
        f"  2. grounded-events locate --fill {annotation}\n"
        "  3. link its events to those of other documents they report again, are part of,\n"
        f"     answer or are about: grounded-events link{dataset} SOURCE RELATION TARGET --note TEXT\n"
        f"  4. grounded-events validate {annotation}\n"
        "  5. make data"
    )
    return 0
