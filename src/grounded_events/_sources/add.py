"""`grounded-events add`: copy a source text into seeds/, index it, write its annotation skeleton."""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import json
import re
import sys
import unicodedata
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError
from ruamel.yaml import YAML

from grounded_events._core.atomic import exclusive_lock, write_bytes_atomic
from grounded_events._core.errors import GroundedEventsError
from grounded_events._core.files import UnsafeFile, read_regular
from grounded_events._core.safe_yaml import YamlError, loads
from grounded_events._core.text import json_text
from grounded_events._core.version import SCHEMA_VERSION
from grounded_events._schema.models import Actor, AnnotationFile, Document, IsoDate
from grounded_events._schema.vocab import PublishedDateBasis
from grounded_events._schema.wording import first_error
from grounded_events._sources.layout import ANNOTATION_SUFFIXES, ANNOTATIONS_DIR, schema_line
from grounded_events._sources.seeds import SeedError, read_index, read_seed_bytes, seed_file_name

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
class KnownActor:
    """An actor as declared in an existing annotation file, with the file that declares it."""

    actor: Actor
    definition: dict[str, Any]
    declared_in: str


@dataclass(frozen=True)
class Listed:
    """A known actor listed in a skeleton: where its name occurs, or whose parent it is."""

    known: KnownActor
    phrase: str | None
    parent_of: str | None = None


@dataclass(frozen=True)
class Added:
    """What `add` wrote."""

    document: Document
    seed: Path
    index: Path
    annotation: Path
    actors: list[Listed]
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


def known_actors(annotations: Path) -> tuple[list[KnownActor], list[str]]:
    """The actors declared in the annotation files of `annotations` (the first declaration of
    each id, files in name order), and a warning for each file or actor that could not be read."""
    actors: dict[str, KnownActor] = {}
    warnings: list[str] = []
    paths = sorted(p for p in annotations.glob("*.y*ml") if p.suffix in ANNOTATION_SUFFIXES)
    for path in paths:
        try:
            data = loads(read_regular(path).decode("utf-8")).data
        except (OSError, UnsafeFile, UnicodeDecodeError, YamlError) as exc:
            warnings.append(f"{path}: skipped, cannot be read ({exc})")
            continue
        declared = data.get("actors") if isinstance(data, dict) else None
        for number, definition in enumerate(declared if isinstance(declared, list) else []):
            try:
                actor = Actor.model_validate(definition)
            except ValidationError:
                warnings.append(f"{path}: actors[{number}] skipped, not a valid actor")
                continue
            if actor.actor_id not in actors:
                actors[actor.actor_id] = KnownActor(actor, definition, path.name)
    return list(actors.values()), warnings


def _name_pattern(name: str) -> re.Pattern[str]:
    # Whole words only, case-insensitive; any run of spaces or line breaks matches a space.
    words = r"\s+".join(re.escape(word) for word in name.split())
    return re.compile(rf"(?<!\w){words}(?!\w)", re.IGNORECASE)


def actors_in_text(text: str, known: list[KnownActor]) -> list[Listed]:
    """The known actors whose canonical name occurs in `text`, with their parents (declared too,
    so the copied `parent_actor_id` resolves), in the order they are declared."""
    by_id = {k.actor.actor_id: k for k in known}
    found: dict[str, Listed] = {}
    for k in known:
        match = _name_pattern(k.actor.name).search(text)
        if match:
            found[k.actor.actor_id] = Listed(k, match[0])
    for listed in list(found.values()):
        child = listed.known.actor
        while (parent_id := child.parent_actor_id) in by_id and parent_id not in found:
            found[parent_id] = Listed(by_id[parent_id], None, child.actor_id)
            child = by_id[parent_id].actor
    return [found[k.actor.actor_id] for k in known if k.actor.actor_id in found]


def _yaml_block(data: Any) -> str:
    """`data` as block YAML that reads back as `data`: non-ASCII written as itself where that
    holds, escaped where it would not (ruamel writes a raw U+0085 as a line break)."""
    for allow_unicode in (True, False):
        yaml = YAML(typ="rt", pure=True)
        yaml.width = 96
        yaml.allow_unicode = allow_unicode
        yaml.indent(mapping=2, sequence=4, offset=2)
        buffer = io.StringIO()
        yaml.dump(data, buffer)
        if loads(buffer.getvalue()).data == data:
            break
    return buffer.getvalue()


def _example_event(doc_id: str) -> str:
    lines = f"""\
events:
  - event_id: {doc_id}-e01
    event_type: remote_violence
    event_subtype: rocket_attack
    summary: Rockets hit the US embassy in Baghdad.
    date:
      start: 2023-12-08
      end: 2023-12-08
      precision: day
      basis: relative_to_publication
      note: '"on Friday" in a text published on Tuesday 2023-12-12.'
    participants:
      - {{actor_id: usa-embassy-baghdad, role: target}}
    attribution: {{status: unattributed}}
    weapons: [rocket]
    fatalities: {{best: 0}}
    evidence:
      - {{field: event, quote: "Rockets hit the US embassy in Baghdad"}}
      - {{field: date, quote: "on Friday"}}
      - {{field: target, quote: "the US embassy in Baghdad"}}
      - {{field: fatalities, quote: "No one was killed"}}
"""
    return "".join(f"# {line}\n" for line in lines.splitlines())


def _one_line(text: str) -> str:
    """`text` fit for a YAML comment: every line break (YAML reads U+0085, U+2028, U+2029 as
    ones too) and control character a space, runs of spaces one."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def _quoted(text: str) -> str:
    return json.dumps(_one_line(text), ensure_ascii=False)


def skeleton(
    document: Document, annotated: str, annotators: list[str], actors: list[Listed], path: str
) -> str:
    """The annotation file (to be written at `path`) a new document starts from: header, pins,
    known actors, no events."""
    published = document.published_date
    weekday = published.strftime("%A") if published is not None else "unknown"
    publisher, title = _one_line(document.publisher), _quoted(document.title)
    parts = [
        f"""{schema_line(SCHEMA_VERSION)}
#
# {publisher}, {document.published_date}: {title}.
# Coded by the rules of ANNOTATING.md. Offsets are Unicode code points into the verbatim text
# seeds/{document.file} (sha256 pinned below), end exclusive. Write each evidence
# item's field and quote; then this fills in start and end:
#   grounded-events locate --fill {path}
#
# Publication date {document.published_date} ({weekday}; basis: \
{document.published_date_basis}). Relative dates resolve against it.
""",
        # Written out, not dumped: a dumper quotes dates ('2024-01-02'), the seed's file does not.
        f"schema_version: {SCHEMA_VERSION}\n"
        f"doc_id: {document.doc_id}\n"
        f"sha256: {document.sha256}\n"
        f"annotated: {annotated}\n",
        _yaml_block({"annotators": annotators}),
        "\n# Known actors: those declared in the other annotation files whose canonical name\n"
        "# occurs in this text (whole words, any case), copied as declared, with their parents.\n"
        '# Name variants ("Washington" for the United States government) are not matched yet:\n'
        "# a registry of variants is issue 14's work. Remove the actors no event uses; declare\n"
        "# the others the text names.\n",
    ]
    if not actors:
        parts.append("actors: []\n")
    else:
        parts.append("actors:\n")
        for listed in actors:
            where = f"declared in {listed.known.declared_in}"
            if listed.phrase is not None:
                parts.append(f"  # {_quoted(listed.phrase)} ({where})\n")
            else:
                parts.append(f"  # parent of {listed.parent_of} ({where})\n")
            parts.append(_yaml_block([listed.known.definition]))
    parts.append("\nevents: []\n\n# An example (constructed, not from this text) to copy above:\n")
    parts.append(_example_event(document.doc_id))
    return "".join(parts)


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
    published_date_basis: str = PublishedDateBasis.BYLINE.value,
    title: str | None = None,
    dateline: str | None = None,
    language: str = "en",
    doc_id: str | None = None,
    seeds: Path = Path("seeds"),
    annotations: Path = ANNOTATIONS_DIR,
    annotated: str | None = None,
) -> Added:
    """Copy `text_path` into `seeds`, add its index entry and write its annotation skeleton.

    Every check runs before the first write; AddError (nothing written) when one fails.
    """
    if published_date.strip().lower() == "unknown":
        raise AddError(
            f"--published-date unknown: schema {SCHEMA_VERSION} requires a publication date. "
            "Pass the best date you can establish (an archive capture, a date another report "
            "gives) with --published-date-basis external, and say where it comes from in the "
            "annotation file's header comment."
        )
    data, text = _read_text(text_path)
    sha256 = hashlib.sha256(data).hexdigest()
    first_line = next(line.strip() for line in text.splitlines() if line.strip())
    date = _date("--published-date", published_date)
    if not seeds.is_dir():
        raise AddError(f"{seeds}: no such folder; create it or pass --seeds DIR")
    if doc_id is None:
        slug = publisher_slug(publisher)
        if not slug:
            raise AddError(
                f"--publisher {publisher!r}: no letters or digits to make a doc_id from; "
                "pass --doc-id (publisher slug and publication date, like rudaw-20231212)"
            )
        doc_id = f"{slug}-{date:%Y%m%d}"
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
            "published_date": published_date,
            "published_date_basis": published_date_basis,
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
        known, warnings = known_actors(annotations)
        listed = actors_in_text(text, known)
        annotation_text = skeleton(
            document, annotated, annotators, listed, annotation_path.as_posix()
        )
        try:
            AnnotationFile.model_validate(loads(annotation_text).data)
        except ValidationError as exc:
            raise _invalid(exc, {"annotated": annotated, "annotators": annotators}) from None
        entry = document.model_dump(mode="json", exclude_none=True)
        index = sorted([*entries, entry], key=lambda e: str(e.get("doc_id", "")))
        _write_all(
            [
                (seed_path, data),
                (annotation_path, annotation_text.encode("utf-8")),
                (seeds / "index.json", json_text(index).encode("utf-8")),
            ]
        )
    return Added(
        document, seed_path, seeds / "index.json", annotation_path, listed, title is None, warnings
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
        help="the publication date (an 'unknown' date waits for the next schema version)",
    )
    parser.add_argument(
        "--published-date-basis",
        choices=[b.value for b in PublishedDateBasis],
        default=PublishedDateBasis.BYLINE.value,
        help="where the date comes from (default: byline)",
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
    named = [a.known.actor.actor_id for a in added.actors if a.phrase is not None]
    parents = [a.known.actor.actor_id for a in added.actors if a.phrase is None]
    actors = ", ".join(named) or "none"
    if parents:
        actors += f" (and the parents {', '.join(parents)})"
    source = " (the first line; --title to change)" if added.title_from_text else ""
    print(
        f"added {document.doc_id}\n"
        f"  title: {document.title}{source}\n"
        f"  published: {document.published_date} ({document.published_date_basis})\n"
        f"  sha256: {document.sha256}\n"
        f"wrote\n"
        f"  {added.seed.as_posix()}: the text, byte for byte\n"
        f"  {added.index.as_posix()}: its entry\n"
        f"  {annotation}: the annotation skeleton\n"
        f"known actors named in the text: {actors}\n"
        "next\n"
        f"  1. code the events in {annotation} (ANNOTATING.md);\n"
        "     for each evidence item write its field and quote\n"
        f"  2. grounded-events locate --fill {annotation}\n"
        f"  3. grounded-events validate {annotation}\n"
        "  4. make data"
    )
    return 0
