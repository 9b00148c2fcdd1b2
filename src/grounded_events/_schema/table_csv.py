"""CSV cells of the data package: formula neutralising, list joining and their exact inverses."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from itertools import chain
from typing import Any

from grounded_events._schema.tables import LIST_SEPARATOR

# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NEUTRALISER = "'"

# A value made of apostrophes followed by a trigger gets one more apostrophe on export, so that
# reading strips exactly one and a value that really starts with "'=" survives the round trip.
_NEEDS_PREFIX = re.compile(r"^'*[=+\-@\t\r]")
_PREFIXED = re.compile(r"^'+[=+\-@\t\r]")
_ESCAPE = re.compile(r"([|\\])")
_SPLIT = re.compile(r"\\(.)|\|", re.DOTALL)
# A cell is quoted when it holds the delimiter, the quote or anything a reader may end a record
# at: \n, \r (which csv.writer left unquoted, so "US\rState" split its row for pandas, Arrow and
# Python's csv), and the other line breaks of str.splitlines, which readers that split the text
# into lines first (Python's csv module on splitlines()) break at. DuckDB's dialect sniffer
# needs two more: given unquoted 'a' cells it takes ' for the quote and strips it (the formula
# guard's apostrophe included), and given an unquoted # it may take # for a comment sign and drop
# the row. Frictionless drops an unquoted all-space cell that follows a quoted line break ("\n", );
# a cell that starts or ends with white space is quoted so no reader trims or loses it.
_NEEDS_QUOTES = re.compile("^'|^\\s|\\s$|[\",#\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


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


def quote(cell: str) -> str:
    """A cell as it goes into the file: in double quotes (doubled inside) when it holds a comma,
    a quote, a # or a line break of any reader, starts with ' or starts or ends with white space;
    as it is otherwise."""
    return '"' + cell.replace('"', '""') + '"' if _NEEDS_QUOTES.search(cell) else cell


def write_rows(rows: Iterable[Sequence[str]]) -> bytes:
    """UTF-8 CSV bytes of rows of cell texts, "\\n" line ends, quotes only where a cell needs them."""
    return "".join(",".join(map(quote, row)) + "\n" for row in rows).encode("utf-8")


def write_csv(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> bytes:
    """The CSV bytes of a table: a header row, then each row's values as `format_cell` gives them."""
    return write_rows(chain([columns], ([format_cell(row[c]) for c in columns] for row in rows)))
