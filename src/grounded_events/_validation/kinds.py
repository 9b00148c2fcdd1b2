"""What an input is and whether it can be read at all: ReadProblem, kinds of file, the table a file holds."""

from __future__ import annotations

import codecs
import json
import re
from pathlib import Path
from typing import Any

from grounded_events._core.errors import GroundedEventsError
from grounded_events._schema.tables import TABLES
from grounded_events._validation.codes import issue, message
from grounded_events._validation.issues import Issue

# Bytes per CSV or JSON block (~3k event rows; blocks are gathered into batches of ARROW_ROWS):
# Arrow's text readers hold some 40 times the block size, so larger blocks cost memory, not time.
TEXT_BLOCK = 1 << 20

TABLE_EXTENSIONS = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}
YAML_EXTENSIONS = {".yaml", ".yml"}
JSON_EXTENSIONS = {".json"}
JSONL_EXTENSIONS = {".jsonl", ".ndjson"}
KNOWN_EXTENSIONS = set(TABLE_EXTENSIONS) | YAML_EXTENSIONS | JSON_EXTENSIONS | JSONL_EXTENSIONS


class ReadProblem(GroundedEventsError):
    """The input cannot be read: an input-layer code, the line and field if known, and why (the
    code's template, or its `variant`, filled with `params`)."""

    def __init__(
        self,
        code: str,
        line: int | None = None,
        field: str | None = None,
        *,
        variant: str = "",
        **params: Any,
    ) -> None:
        self.message = message(code, variant, field=field, **params)
        super().__init__(self.message)
        self.code = code
        self.line = line
        self.field = field
        self.variant = variant
        self.params = params
        self.text: str | None = None  # the line that could not be read, when it is one

    def issue(self, file: str, line: int | None = None) -> Issue:
        """This problem as an Issue of `file`, at its own line unless `line` is given."""
        return issue(
            self.code,
            file,
            self.line if line is None else line,
            self.field,
            variant=self.variant,
            **self.params,
        )


_BLANK = b" \t\r\n"


def check_file(path: Path) -> None:
    """Refuse what is not a readable file with content (more than whitespace)."""
    if not path.exists():
        raise ReadProblem("GE101", path=path)
    if not path.is_file():
        raise ReadProblem("GE102", path=path)
    if path.stat().st_size == 0:
        raise ReadProblem("GE103")
    with path.open("rb") as handle:
        block = handle.read(4096).removeprefix(codecs.BOM_UTF8)  # almost always enough
        while block and not block.strip(_BLANK):
            block = handle.read(TEXT_BLOCK)
    if not block:
        raise ReadProblem("GE103", variant="blank")


def table_from_columns(names: list[str]) -> str | None:
    """The table whose columns best match a header; None when none shares its primary key."""
    best, score = None, 0
    for name, table in TABLES.items():
        common = len(set(names) & set(table.columns))
        if set(table.primary_key) <= set(names) and common > score:
            best, score = name, common
    return best


def table_name(path: Path) -> str | None:
    """The table a file holds, from its base name (events.csv, events.parquet)."""
    stem = path.name.split(".")[0]
    return stem if stem in TABLES else None


def sniff(path: Path) -> str:
    """What kind of input a file is: yaml, json, datapackage, jsonl, csv, parquet, or unknown."""
    suffix = path.suffix.lower()
    if path.name == "datapackage.json":
        return "datapackage"
    if suffix in YAML_EXTENSIONS:
        return "yaml"
    if suffix in JSONL_EXTENSIONS:
        return "jsonl"
    if suffix in TABLE_EXTENSIONS:
        return TABLE_EXTENSIONS[suffix]
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return "unknown"
    if head.startswith(b"PAR1"):
        return "parquet"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if suffix in JSON_EXTENSIONS or stripped.startswith((b"{", b"[")):
        if b'"resources"' in head and suffix in JSON_EXTENSIONS:
            return "datapackage"
        first_line = stripped.split(b"\n", 1)[0].strip()
        if suffix not in JSON_EXTENSIONS and first_line.endswith(b"}") and b"\n{" in stripped:
            return "jsonl"
        return "json"
    return "unknown"


# An annotation file by its content: top-level `doc_id` and `events` keys. In YAML, lines that
# begin with them (a block mapping's keys, quoted or not); in JSON, members of the top-level
# object, or, when the file does not parse, `"doc_id":` and `"events":` anywhere: a file too
# broken to parse is still recognised, and reported.
ANNOTATION_KEYS = ("doc_id", "events")
_YAML_KEY = {key: re.compile(rf"""^["']?{key}["']?[ \t]*:""") for key in ANNOTATION_KEYS}
_JSON_KEY = {key: re.compile(rf'"{key}"\s*:') for key in ANNOTATION_KEYS}


def holds_annotation(path: Path) -> bool:
    """Whether a YAML or JSON file is an annotation file by its content (see ANNOTATION_KEYS)."""
    if path.suffix.lower() in YAML_EXTENSIONS:
        missing = set(ANNOTATION_KEYS)
        with path.open(encoding="utf-8", errors="replace") as handle:
            for line in handle:
                missing -= {key for key in missing if _YAML_KEY[key].match(line)}
                if not missing:
                    return True
        return False
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    try:
        data = json.loads(text)
    except ValueError:
        return all(pattern.search(text) for pattern in _JSON_KEY.values())
    return isinstance(data, dict) and all(key in data for key in ANNOTATION_KEYS)
