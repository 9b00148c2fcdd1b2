"""`grounded-events locate`: the code point offsets of a quote in a document, or of every quote of
annotation files and links.yaml, filled in place (--fill)."""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

from grounded_events._core.atomic import write_text_atomic
from grounded_events._core.errors import GroundedEventsError
from grounded_events._core.files import UnsafeFile, read_regular
from grounded_events._core.text import quoted, writable
from grounded_events._schema.vocab import Field
from grounded_events._sources.fill import Filled, FillError, Outcome, fill_file
from grounded_events._sources.quotes import MAX_NEAR, find
from grounded_events._sources.seeds import SeedError, read_index, read_text


class LocateError(GroundedEventsError):
    """The document cannot be read; the message is one line naming it and saying why."""


def read_document(doc: str, seeds_dir: Path) -> tuple[str, str]:
    """(name, text) of DOC: a path to a UTF-8 text file, else a doc_id of the seeds index."""
    path = Path(doc)
    if path.is_file():
        try:
            return str(path), read_regular(path).decode("utf-8")
        except OSError as exc:
            raise LocateError(f"{path}: cannot read: {exc.strerror}") from None
        except UnsafeFile as exc:
            raise LocateError(f"{path}: refused: {exc.reason}") from None
        except UnicodeDecodeError as exc:
            raise LocateError(f"{path}: not UTF-8 at byte {exc.start}") from None
    if path.exists():
        raise LocateError(f"{path}: not a regular file; expected a text file or a doc_id")
    if path.suffix or len(path.parts) > 1:  # meant as a path: a doc_id has no dot and no slash
        raise LocateError(f"{path}: no such file")
    try:
        documents = read_index(seeds_dir)
    except SeedError as exc:
        raise LocateError(
            f"{doc}: no such file, and not a known doc_id ({exc}; see --seeds)"
        ) from None
    for document in documents:
        if document.doc_id == doc:
            try:
                return doc, read_text(seeds_dir, document)
            except SeedError as exc:
                raise LocateError(str(exc)) from None
    known = ", ".join(sorted(d.doc_id for d in documents)) or "none"
    raise LocateError(
        f"{doc}: no such file, and no doc_id {doc!r} in {seeds_dir / 'index.json'} (known: {known})"
    )


def _show(quote: str) -> str:
    # One match per line even when the quote spans lines: escape as YAML double quotes would.
    return quote.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def _yaml_string(quote: str) -> str:
    escaped = quote.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\t", "\\t").replace("\n", "\\n") + '"'


def configure(parser: argparse.ArgumentParser) -> None:
    """Arguments of `grounded-events locate`."""
    parser.epilog = """\
examples:
  grounded-events locate rudaw-20231212 "a series of drones"
  grounded-events locate --field location rudaw-20231212 "Erbil International Airport"
  grounded-events locate --fill datasets/annotations/rudaw-20231212.yaml --dry-run
"""
    parser.add_argument(
        "doc", metavar="DOC", nargs="?", help="a doc_id of the seeds index, or a text file"
    )
    parser.add_argument(
        "quote",
        metavar="QUOTE",
        nargs="?",
        help="the exact words (after --, if they start with a dash)",
    )
    parser.add_argument(
        "--seeds",
        metavar="DIR",
        default="seeds",
        help="the folder with index.json and the texts (default: seeds)",
    )
    parser.add_argument(
        "--field",
        choices=[f.value for f in Field],
        metavar="FIELD",
        help="print each occurrence as an evidence item with this field, to paste into an "
        f"annotation file; one of {', '.join(f.value for f in Field)}",
    )
    parser.add_argument(
        "--fill",
        nargs="+",
        metavar="FILE",
        help="instead of DOC QUOTE: write start and end of every evidence item of these "
        "annotation files (or links.yaml) from its quote, in place (an item may say "
        "`occurrence: N` to pick "
        "the Nth of several occurrences); exit 1 lists the quotes that are ambiguous or absent",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="with --fill: print what would change (a diff) and write nothing",
    )


def run(args: argparse.Namespace) -> int:
    """Print `start<TAB>end<TAB>quote` per occurrence (0), near-match help (1), or an error (2);
    with --fill, fill files (0), list the quotes left unfilled (1), or refuse a file (2)."""
    if args.fill:
        if args.doc is not None or args.field:
            print("locate: --fill FILE... takes no DOC, QUOTE or --field", file=sys.stderr)
            return 2
        return _fill(args.fill, Path(args.seeds), args.dry_run)
    if args.dry_run:
        print("locate: --dry-run goes with --fill", file=sys.stderr)
        return 2
    if args.doc is None or args.quote is None:
        print("locate: give DOC and QUOTE, or --fill FILE...", file=sys.stderr)
        return 2
    if not args.quote:
        print("locate: the quote is empty", file=sys.stderr)
        return 2
    try:
        name, text = read_document(args.doc, Path(args.seeds))
    except LocateError as exc:
        print(f"locate: {exc}", file=sys.stderr)
        return 2
    found = find(text, args.quote)
    for start, end in found.exact:
        if args.field:
            print(
                f"- {{field: {args.field}, start: {start}, end: {end}, "
                f"quote: {_yaml_string(text[start:end])}}}"
            )
        else:
            print(f"{start}\t{end}\t{_show(text[start:end])}")
    if found.exact:
        return 0
    message = [f"locate: {quoted(args.quote)} does not occur in {name}."]
    if found.folded:
        message.append(
            "It occurs if straight and curly quotation marks are read as the same; the text has:"
        )
        message += [f"  {s}\t{e}\t{_show(text[s:e])}" for s, e in found.folded]
        message.append("Copy the marks as the text has them (’ “ ” are one code point each).")
    elif len(args.quote) > MAX_NEAR:
        message.append(f"Quotes over {MAX_NEAR} characters are not searched for near matches.")
    elif found.near is None:
        message.append("No passage of the text is close to it.")
    else:
        near = found.near
        message.append(f"Nearest match ({near.ratio:.0%} similar):")
        message.append(f"  {near.start}\t{near.end}\t{_show(near.text)}")
    print("\n".join(message), file=sys.stderr)
    return 1


def _summary(filled: Filled, dry_run: bool) -> str:
    counts = [f"{filled.outcomes[o]} {o.value}" for o in Outcome]
    if filled.problems:
        counts.append(f"{len(filled.problems)} left as they were (below)")
    done = "would change" if dry_run else "changed"
    return f"{done if filled.text is not None else 'unchanged'}: {', '.join(counts)}"


def _fill(files: list[str], seeds_dir: Path, dry_run: bool) -> int:
    """Fill each file in turn; a file that cannot be filled is not written and does not stop
    the others."""
    status = 0
    for name in files:
        path = Path(name)
        try:
            filled = fill_file(path, seeds_dir)
        except FillError as exc:
            print(f"locate: {writable(str(exc))}", file=sys.stderr)
            status = 2
            continue
        if filled.text is not None:
            if dry_run:
                sys.stdout.writelines(
                    difflib.unified_diff(
                        filled.source.splitlines(keepends=True),
                        filled.text.splitlines(keepends=True),
                        name,
                        name,
                    )
                )
            else:
                try:
                    write_text_atomic(path, filled.text)
                except OSError as exc:
                    print(f"locate: {name}: cannot write: {exc.strerror}", file=sys.stderr)
                    status = 2
                    continue
            if not filled.layout_kept:
                print(
                    f"locate: {name}: the YAML writer cannot reproduce this file's layout "
                    "exactly, so lines it did not fill may have changed too; check the diff",
                    file=sys.stderr,
                )
        print(f"{name}: {_summary(filled, dry_run)}")
        for problem in filled.problems:
            print(f"{name}:{problem.line or 1}: {writable(problem.message)}", file=sys.stderr)
            for detail in problem.details:
                print(f"    {writable(detail)}", file=sys.stderr)
        if filled.problems:
            status = max(status, 1)
    return status
