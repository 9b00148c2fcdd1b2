"""Text for people: values shown clipped and escaped, and the JSON layout every written file uses."""

from __future__ import annotations

import json
from typing import Any

# Characters of a message, field, expected or actual value shown before it is cut.
SHOWN = 300


def writable(text: str) -> str:
    """`text` with any lone surrogate (an escaped "\\ud83d" in YAML, an undecodable byte in a
    file name) spelled as its escape: UTF-8 output cannot hold it."""
    if text.isascii():
        return text
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def clip(text: str) -> str:
    """`text`, or its first SHOWN characters and how long it is: one huge value never makes a
    huge error line."""
    if len(text) <= SHOWN:
        return writable(text)
    return f"{writable(text[:SHOWN])}… ({len(text):,} characters)"


def quoted(actual: str) -> str:
    """repr() of a value, clipped as clip() does with its length outside the quotes."""
    if len(actual) <= SHOWN:
        return repr(actual)
    return f"{actual[:SHOWN] + '…'!r} ({len(actual):,} characters)"


def json_text(data: Any) -> str:
    """JSON as the package, the schemas and the seeds index are written: two-space indents,
    non-ASCII as itself, a trailing newline (`json_text([1])` is `'[\n  1\n]\n'`)."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
