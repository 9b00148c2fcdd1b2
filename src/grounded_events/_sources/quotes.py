"""Finding a quote in a text: its exact occurrences, with quotation marks folded, or the nearest passage."""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice

# A span of a text: (start, end) code point offsets, end exclusive.
Span = tuple[int, int]

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


@dataclass(frozen=True)
class NearMatch:
    """The passage of the text most similar to a quote that does not occur in it."""

    start: int
    end: int
    text: str
    ratio: float


@dataclass(frozen=True)
class Found:
    """Where a quote is in a text: `exact` occurrences; when there are none, `folded` ones
    (straight and curly quotation marks read as the same); when there are none either, the
    `near`est passage (None: nothing close, or the quote is too long to search)."""

    exact: list[Span]
    folded: list[Span]
    near: NearMatch | None


def _occurrences(text: str, quote: str) -> Iterator[int]:
    at = text.find(quote)
    while at != -1:
        yield at
        at = text.find(quote, at + 1)  # +1, not +len: overlapping occurrences count too


def locate(text: str, quote: str) -> list[Span]:
    """Every occurrence of `quote` in `text` as (start, end) code point offsets, end exclusive."""
    if not quote:
        raise ValueError("the quote is empty")
    return [(at, at + len(quote)) for at in _occurrences(text, quote)]


def locate_folded(text: str, quote: str) -> list[Span]:
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


def find(text: str, quote: str) -> Found:
    """Where `quote` is in `text`, each fallback searched only when the one before found nothing."""
    exact = locate(text, quote)
    folded = [] if exact else locate_folded(text, quote)
    near = None if exact or folded else near_match(text, quote)
    return Found(exact, folded, near)
