"""Did-you-mean and compact lists of allowed names, for messages that say what to write instead."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from functools import lru_cache

# How close a misspelling must be to be suggested (difflib's ratio and default): 'dya' is
# 'day' (0.67), 'note' is not 'name' (0.5).
CUTOFF = 0.6
# Allowed values listed in full up to this many; a longer vocabulary is named by its size.
SHORT_LIST = 8


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice `word` most likely misspells, or None when none is close: the same letters
    in another case count as the closest of all."""
    choices = tuple(choices)
    if not choices or len(word) > 2 * max(map(len, choices)):
        return None  # far too long to be a misspelling of any (a cell may hold 1 MiB)
    return _closest(word, choices)


@lru_cache(maxsize=4096)
def _closest(word: str, choices: tuple[str, ...]) -> str | None:
    # cached: a table may repeat one wrong value in a million rows
    folded = [c for c in choices if c.casefold() == word.casefold() and c != word]
    if folded:
        return folded[0]
    found = difflib.get_close_matches(word, choices, n=1, cutoff=CUTOFF)
    return found[0] if found else None


def one_of(choices: Iterable[str], what: str = "values") -> str:
    """What an issue expects of a value that must be one of `choices`: all of them when they
    are few, their number when they are many (the codebook lists them)."""
    choices = list(choices)
    if len(choices) <= SHORT_LIST:
        return "one of " + ", ".join(choices)
    return f"one of the {len(choices)} {what} listed in the codebook"
