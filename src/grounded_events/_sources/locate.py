"""`grounded-events locate`: the code point offsets of a quote in a document."""

from __future__ import annotations

import argparse
import difflib
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from grounded_events._core.errors import GroundedEventsError
from grounded_events._core.files import UnsafeFile, read_regular
from grounded_events._core.text import quoted
from grounded_events._schema.vocab import Field
from grounded_events._sources.seeds import SeedError, read_index, read_text

# Straight and curly quotation marks read as one another; each maps one code point to one code
# point, so offsets found in the folded text are offsets in the original.
_FOLD = str.maketrans({"‘": "'", "’": "'", "‛": "'", "“": '"', "”": '"', "‟": '"'})

# Near-match search: the quote's character n-grams vote for where a similar passage starts.
_GRAM = 4
_CANDIDATES = 20
_MIN_RATIO = 0.5
# difflib's alignment is quadratic in the quote's length: longer quotes get no near-match search.
MAX_NEAR = 500
# A gram found more often than this says little about where the quote is (and costs a scan).
_MAX_HITS = 50


class LocateError(GroundedEventsError):
    """The document cannot be read; the message is one line naming it and saying why."""


@dataclass(frozen=True)
class NearMatch:
    """The passage of the text most similar to a quote that does not occur in it."""

    start: int
    end: int
    text: str
    ratio: float


def _occurrences(text: str, quote: str) -> Iterator[int]:
    at = text.find(quote)
    while at != -1:
        yield at
        at = text.find(quote, at + 1)  # +1, not +len: overlapping occurrences count too


def locate(text: str, quote: str) -> list[tuple[int, int]]:
    """Every occurrence of `quote` in `text` as (start, end) code point offsets, end exclusive."""
    if not quote:
        raise ValueError("the quote is empty")
    return [(at, at + len(quote)) for at in _occurrences(text, quote)]


def locate_folded(text: str, quote: str) -> list[tuple[int, int]]:
    """Occurrences once straight and curly quotation marks are treated as equal."""
    return locate(text.translate(_FOLD), quote.translate(_FOLD))


def near_match(text: str, quote: str) -> NearMatch | None:
    """The passage of `text` most like `quote` (difflib ratio), or None if nothing is close."""
    if not quote or not text or len(quote) > MAX_NEAR:
        return None
    n = min(_GRAM, len(quote))
    votes: Counter[int] = Counter()
    for offset in range(len(quote) - n + 1):
        hits = list(islice(_occurrences(text, quote[offset : offset + n]), _MAX_HITS + 1))
        if len(hits) <= _MAX_HITS:
            votes.update(start - offset for start in hits)
    best: NearMatch | None = None
    slack = max(2, len(quote) // 4)
    for anchor, _ in votes.most_common(_CANDIDATES):
        lo = max(0, anchor - slack)
        window = text[lo : min(len(text), anchor + len(quote) + slack)]
        blocks = [
            b
            for b in difflib.SequenceMatcher(
                None, window, quote, autojunk=False
            ).get_matching_blocks()
            if b.size
        ]
        if not blocks:
            continue
        # Trim the window to the stretch that aligns with the quote, then score that stretch.
        start, end = lo + blocks[0].a, lo + blocks[-1].a + blocks[-1].size
        score = difflib.SequenceMatcher(None, text[start:end], quote, autojunk=False).ratio()
        if best is None or score > best.ratio:
            best = NearMatch(start, end, text[start:end], score)
    if best is None or best.ratio < _MIN_RATIO:
        return None
    return best


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
    parser.add_argument("doc", metavar="DOC", help="a doc_id of the seeds index, or a text file")
    parser.add_argument(
        "quote", metavar="QUOTE", help="the exact words (after --, if they start with a dash)"
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
        help="print each occurrence as an evidence item with this field (event, date, "
        "location, speaker, ...) to paste into an annotation file",
    )


def run(args: argparse.Namespace) -> int:
    """Print `start<TAB>end<TAB>quote` per occurrence (0), near-match help (1), or an error (2)."""
    if not args.quote:
        print("locate: the quote is empty", file=sys.stderr)
        return 2
    try:
        name, text = read_document(args.doc, Path(args.seeds))
    except LocateError as exc:
        print(f"locate: {exc}", file=sys.stderr)
        return 2
    spans = locate(text, args.quote)
    for start, end in spans:
        if args.field:
            print(
                f"- {{field: {args.field}, start: {start}, end: {end}, "
                f"quote: {_yaml_string(text[start:end])}}}"
            )
        else:
            print(f"{start}\t{end}\t{_show(text[start:end])}")
    if spans:
        return 0
    message = [f"locate: {quoted(args.quote)} does not occur in {name}."]
    folded = locate_folded(text, args.quote)
    if folded:
        message.append(
            "It occurs if straight and curly quotation marks are read as the same; the text has:"
        )
        message += [f"  {s}\t{e}\t{_show(text[s:e])}" for s, e in folded]
        message.append("Copy the marks as the text has them (’ “ ” are one code point each).")
    else:
        near = near_match(text, args.quote)
        if len(args.quote) > MAX_NEAR:
            message.append(f"Quotes over {MAX_NEAR} characters are not searched for near matches.")
        elif near is None:
            message.append("No passage of the text is close to it.")
        else:
            message.append(f"Nearest match ({near.ratio:.0%} similar):")
            message.append(f"  {near.start}\t{near.end}\t{_show(near.text)}")
    print("\n".join(message), file=sys.stderr)
    return 1
