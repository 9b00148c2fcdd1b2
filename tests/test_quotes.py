"""Finding a quote in a text: code point offsets, every occurrence, folded marks, the nearest passage."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grounded_events._sources import quotes as _quotes
from grounded_events._sources.quotes import MAX_NEAR, find, locate, locate_folded, near_match


def test_offsets_are_code_points_not_bytes() -> None:
    """A curly apostrophe before the quote counts as one character, not three UTF-8 bytes."""
    text = "Rudaw’s Diyar Kurda"
    assert locate(text, "Diyar") == [(8, 13)]
    assert text.encode("utf-8").index(b"Diyar") == 10


def test_every_occurrence_is_found_including_overlaps() -> None:
    """All occurrences are returned in order, overlapping ones too."""
    assert locate("aaaa", "aa") == [(0, 2), (1, 3), (2, 4)]
    assert locate("a Baghdad b Baghdad", "Baghdad") == [(2, 9), (12, 19)]
    assert locate("abc", "x") == []


def test_empty_quote_is_refused() -> None:
    """An empty quote would match everywhere, so it is an error."""
    with pytest.raises(ValueError, match="empty"):
        locate("abc", "")


def test_straight_quotes_match_curly_only_when_folded() -> None:
    """A straight apostrophe does not match a curly one exactly, but does once folded."""
    text = "PM Sudani’s government"
    assert locate(text, "Sudani's") == []
    assert locate_folded(text, "Sudani's") == [(3, 11)]
    assert locate_folded("“unacceptable”", '"unacceptable"') == [(0, 14)]


def test_near_match_finds_the_closest_passage() -> None:
    """A misspelt quote leads to the passage it was meant to be."""
    text = "A spate of rockets targeted the US embassy in Baghdad in the early hours of Friday."
    near = near_match(text, "the US embasy in Bagdad")
    assert near is not None
    assert near.text == "the US embassy in Baghdad"
    assert text[near.start : near.end] == near.text
    assert near_match(text, "zqxjwvkz") is None


@settings(max_examples=30, deadline=None)
@given(
    unit=st.text(alphabet="ab ", min_size=1, max_size=3),
    repeat=st.integers(1_000, 50_000),
    quote=st.text(alphabet="abc ", min_size=1, max_size=MAX_NEAR + 50),
)
def test_near_match_work_is_bounded(unit: str, repeat: int, quote: str) -> None:
    """On repetitive text each of the quote's grams is looked up at most _MAX_HITS + 1 times and
    at most _CANDIDATES passages are aligned; quotes over MAX_NEAR are not searched at all."""
    found = []
    real = _quotes._occurrences

    def counted(text: str, gram: str) -> Iterator[int]:
        for at in real(text, gram):
            found.append(at)
            yield at

    aligned = []
    real_matcher = _quotes.difflib.SequenceMatcher

    def matcher(*args: Any, **kwargs: Any) -> Any:
        aligned.append(1)
        return real_matcher(*args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_quotes, "_occurrences", counted)
        patch.setattr(_quotes.difflib, "SequenceMatcher", matcher)
        near_match(unit * repeat, quote)
    grams = len(quote) - min(4, len(quote)) + 1 if len(quote) <= MAX_NEAR else 0
    assert len(found) <= grams * (_quotes._MAX_HITS + 1)
    assert len(aligned) <= 2 * _quotes._CANDIDATES


def test_find_falls_back_in_order() -> None:
    """find() gives exact occurrences first; only without them folded ones; only without
    either the nearest passage."""
    text = "PM Sudani’s government said the US embassy in Baghdad was hit."
    assert find(text, "Sudani’s") == _quotes.Found([(3, 11)], [], None)
    assert find(text, "Sudani's") == _quotes.Found([], [(3, 11)], None)
    missed = find(text, "the US embasy in Bagdad")
    assert (missed.exact, missed.folded) == ([], [])
    assert missed.near is not None and missed.near.text == "the US embassy in Baghdad"
    assert find(text, "zqxjwvkz") == _quotes.Found([], [], None)
