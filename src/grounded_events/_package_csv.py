"""CSV cells of the data package: formula neutralising, list joining and their exact inverses."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from grounded_events._tables import LIST_SEPARATOR

# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NEUTRALISER = "'"

# A value made of apostrophes followed by a trigger gets one more apostrophe on export, so that
# reading strips exactly one and a value that really starts with "'=" survives the round trip.
_NEEDS_PREFIX = re.compile(r"^'*[=+\-@\t\r]")
_PREFIXED = re.compile(r"^'+[=+\-@\t\r]")
_ESCAPE = re.compile(r"([|\\])")
_SPLIT = re.compile(r"\\(.)|\|", re.DOTALL)


def neutralise(value: str) -> str:
    """The CSV form of a text value: prefixed with ' when a spreadsheet would run it."""
    return NEUTRALISER + value if _NEEDS_PREFIX.match(value) else value


def restore(cell: str) -> str:
    """The exact text value of a neutralised CSV cell (the inverse of `neutralise`)."""
    return cell[1:] if _PREFIXED.match(cell) else cell


def join_list(items: Sequence[str]) -> str:
    """A list as one CSV cell: items joined with |, a | or \\ inside an item escaped with \\."""
    return LIST_SEPARATOR.join(_ESCAPE.sub(r"\\\1", item) for item in items)


def split_list(cell: str) -> list[str]:
    """The items of a list cell (the inverse of `join_list`); an empty cell is an empty list."""
    if cell == "":
        return []
    items: list[str] = []
    current: list[str] = []
    position = 0
    for match in _SPLIT.finditer(cell):
        current.append(cell[position : match.start()])
        if match.group(1) is not None:
            current.append(match.group(1))
        else:
            items.append("".join(current))
            current = []
        position = match.end()
    current.append(cell[position:])
    items.append("".join(current))
    return items


def format_cell(value: Any) -> str:
    """One value as its CSV text: empty for null, true/false, ISO dates, shortest round-trip floats."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return neutralise(join_list([str(v) for v in value]))
    return neutralise(str(value))


def write_csv(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> bytes:
    """UTF-8 CSV bytes with a header row, "\\n" line ends and minimal quoting."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([format_cell(row[c]) for c in columns])
    return buffer.getvalue().encode("utf-8")
