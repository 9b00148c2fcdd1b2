"""Safe YAML reading into JSON types, with the line of every key, bounded in depth and size."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    DocumentStartEvent,
    NodeEvent,
    ScalarEvent,
    SequenceStartEvent,
)
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.reader import ReaderError

from grounded_events._core.errors import GroundedEventsError

Loc = tuple[str | int, ...]


class YamlError(GroundedEventsError):
    """Unreadable YAML: `line` (1-based), `problem` and `field` (a path, when known) say where
    and what."""

    def __init__(
        self, problem: str, line: int | None, kind: str = "malformed", field: str | None = None
    ) -> None:
        super().__init__(problem)
        self.problem = problem
        self.line = line
        self.kind = kind  # "malformed", "duplicate_key", "tag", "limit", "merge_key", "encoding"
        self.field = field


@dataclass
class YamlDocument:
    """Plain JSON data (dicts, lists, str, int, float, bool, None) with the 1-based line of
    every path in it."""

    data: Any
    lines: dict[Loc, int] = field(default_factory=dict)

    def line_of(self, loc: Loc) -> int | None:
        """The line of `loc`, or of its nearest ancestor that has one."""
        loc = tuple(loc)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get((), None)


# Far beyond any annotation file (7 levels), far below what a recursive walk of the data can take.
MAX_DEPTH = 100
# Values after alias expansion: the data is walked as a tree later, so a "billion laughs" stops here.
MAX_NODES = 1_000_000
# Python's own limit on converting digits to int (sys.get_int_max_str_digits).
MAX_DIGITS = 4300
_TOO_LONG = 10**MAX_DIGITS
_SURROGATE = re.compile("[\ud800-\udfff]")

_TAG = "tag:yaml.org,2002:"
# JSON's types: a scalar with any other tag (!!binary, !!set, !!python/..., !custom) is refused.
_SCALAR_TAGS = {f"{_TAG}{name}" for name in ("str", "int", "float", "bool", "null", "timestamp")}
_COLLECTION_TAGS = {f"{_TAG}seq", f"{_TAG}map"}


def _tag_error(tag: str, line: int, where: str | None) -> YamlError:
    shown = "!!" + tag.removeprefix(_TAG) if tag.startswith(_TAG) else tag
    return YamlError(
        f"YAML tag {shown} builds a value JSON does not have; write plain YAML", line, "tag", where
    )


def path_text(loc: Loc) -> str:
    """A loc as a field path: events[0].date.end."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


@dataclass
class _Open:
    """A mapping or sequence being read: its value, where it is, and its size so far."""

    value: dict[str, Any] | list[Any]
    loc: Loc
    anchor: str | None
    size: int = 1
    line: int = 1
    key: str | None = None  # a mapping's key waiting for its value
    key_line: int = 1


def _line(event: Any) -> int:
    return int(event.start_mark.line) + 1


def _text(value: str, line: int, where: str | None) -> str:
    """A scalar's text with escaped UTF-16 surrogate pairs ("\\ud83d\\ude00") joined into their
    character, as JSON reads them; half a pair is no character at all."""
    if _SURROGATE.search(value) is None:
        return value
    try:
        return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
    except UnicodeDecodeError:
        raise YamlError(
            "an escaped half of a UTF-16 surrogate pair (\\ud800-\\udfff) is not a character",
            line,
            "encoding",
            where,
        ) from None


def _scalar(event: ScalarEvent, loc: Loc, yaml: YAML) -> Any:
    """The JSON value of a scalar: YAML 1.2 core types; a date stays its text (JSON has none)."""
    tag = event.tag
    value = _text(event.value, _line(event), path_text(loc) or None)
    if tag in (None, "!"):
        if event.style is not None or tag == "!":  # quoted, or the non-specific tag: text
            return value
        resolved = yaml.resolver.resolve(ScalarNode, value, (True, False))
        tag = str(getattr(resolved, "value", resolved))
    if tag not in _SCALAR_TAGS:
        raise _tag_error(tag, _line(event), path_text(loc) or None)
    if tag in (f"{_TAG}str", f"{_TAG}timestamp"):
        return value
    too_long = YamlError(
        f"an integer of more than {MAX_DIGITS:,} digits ({len(value):,} characters)",
        _line(event),
        "limit",
        path_text(loc) or None,
    )
    if tag == f"{_TAG}int" and sum(c.isdigit() for c in value) > MAX_DIGITS:
        raise too_long  # before int() refuses it with a ValueError of its own
    try:
        result = yaml.constructor.construct_object(ScalarNode(tag, value), deep=True)
    except (ValueError, KeyError, TypeError, OverflowError, YAMLError):
        raise YamlError(
            f"{value[:40]!r} is not a valid {tag.removeprefix(_TAG)}",
            _line(event),
            "malformed",
            path_text(loc) or None,
        ) from None
    if isinstance(result, float) and not math.isfinite(result):
        return value  # .nan and .inf are not JSON numbers: kept as the text they are
    if isinstance(result, int) and abs(result) >= _TOO_LONG:
        raise too_long  # 0x or 0b digits: a number no JSON writer or reader would take
    return result


def loads(text: str) -> YamlDocument:
    """Parse YAML text into JSON types: no object construction, no duplicate or merge keys, at most
    MAX_DEPTH levels and MAX_NODES values (aliases expanded); only YamlError is raised."""
    lines: dict[Loc, int] = {(): 1}
    try:
        # a reader per call: the parser and constructor keep state (and an aborted parse's)
        yaml = YAML(typ="safe", pure=True)
        data = _build(yaml, text, lines)
    except MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        message = exc.problem or exc.context or str(exc)
        raise YamlError(_first_line(message), line) from None
    except ReaderError as exc:  # a control character: no mark, only its position
        line = text.count("\n", 0, exc.position) + 1
        raise YamlError(_first_line(str(exc)), line) from None
    except YAMLError as exc:
        raise YamlError(_first_line(str(exc)), None) from None
    return YamlDocument(data, lines)


def _build(yaml: YAML, text: str, lines: dict[Loc, int]) -> Any:
    """The one document of an event stream, built without recursion: a stack of open
    collections, each anchor kept with its size once expanded."""
    anchors: dict[str, tuple[Any, int]] = {}
    stack: list[_Open] = []
    total = 0
    documents = 0
    result: Any = None

    def child_loc(line: int) -> Loc:
        if not stack:
            return ()
        parent = stack[-1]
        if isinstance(parent.value, list):
            loc: Loc = (*parent.loc, len(parent.value))
            lines[loc] = line
        else:
            loc = (*parent.loc, str(parent.key))
            lines[loc] = parent.key_line
        return loc

    def place(value: Any, size: int, anchor: str | None, line: int, new: int = 1) -> None:
        """Put a finished value in its parent; `new` values more are in the document (a
        collection's own items were counted as they came, an alias brings all of its own)."""
        nonlocal total, result
        total += new
        if total > MAX_NODES:
            where = path_text(stack[-1].loc) if stack else ""
            raise YamlError(
                f"more than {MAX_NODES:,} values once aliases are expanded",
                line,
                "limit",
                where or None,
            )
        if anchor is not None:
            anchors[anchor] = (value, size)
        if not stack:
            result = value
            return
        parent = stack[-1]
        parent.size += size
        if isinstance(parent.value, list):
            parent.value.append(value)
        else:
            parent.value[str(parent.key)] = value
            parent.key = None

    for event in yaml.parse(text):
        if isinstance(event, DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise YamlError("more than one YAML document (---)", _line(event))
        elif isinstance(event, CollectionEndEvent):
            closed = stack.pop()
            place(closed.value, closed.size, closed.anchor, closed.line)
        elif not isinstance(event, NodeEvent):
            continue
        elif stack and isinstance(stack[-1].value, dict) and stack[-1].key is None:
            stack[-1].key, stack[-1].key_line = _key(event, stack[-1], anchors)
        elif isinstance(event, ScalarEvent):
            place(_scalar(event, child_loc(_line(event)), yaml), 1, event.anchor, _line(event))
        elif isinstance(event, AliasEvent):
            if event.anchor not in anchors:
                raise YamlError(f"alias *{event.anchor} names no anchor before it", _line(event))
            child_loc(_line(event))
            value, size = anchors[event.anchor]
            place(value, size, None, _line(event), new=size)
        elif isinstance(event, CollectionStartEvent):  # a mapping or a sequence
            loc = child_loc(_line(event))
            if event.tag is not None and event.tag not in (*_COLLECTION_TAGS, "!"):
                raise _tag_error(event.tag, _line(event), path_text(loc) or None)
            if len(stack) >= MAX_DEPTH:
                raise YamlError(
                    f"nested deeper than {MAX_DEPTH} levels",
                    _line(event),
                    "limit",
                    path_text(loc) or None,
                )
            empty: dict[str, Any] | list[Any] = [] if isinstance(event, SequenceStartEvent) else {}
            stack.append(_Open(empty, loc, event.anchor, line=_line(event)))
    return result


def _key(event: Any, parent: _Open, anchors: dict[str, tuple[Any, int]]) -> tuple[str, int]:
    """A mapping key as its text (JSON keys are text); a list or mapping as a key is refused."""
    line = _line(event)
    where = path_text(parent.loc) or None
    if isinstance(event, AliasEvent):
        value = anchors.get(str(event.anchor), (None, 0))[0]
        if isinstance(value, dict | list) or value is None:
            raise YamlError("a mapping key must be a plain value", line, field=where)
        key = value if isinstance(value, str) else str(value)
    elif isinstance(event, ScalarEvent):
        if event.tag is None and event.style is None and event.value == "<<":
            raise YamlError(
                "YAML merge keys (<<) are not read: write the keys out", line, "merge_key", where
            )
        if event.tag is not None and event.tag not in ("!", *_SCALAR_TAGS):
            raise _tag_error(event.tag, line, where)
        key = _text(event.value, line, where)
        if event.anchor is not None:
            anchors[event.anchor] = (key, 1)
    else:
        raise YamlError(
            "a mapping key must be a plain value, not a list or mapping", line, field=where
        )
    if key in parent.value:
        raise YamlError(f"duplicate key {key!r}", line, "duplicate_key", where)
    return key, line


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else "invalid YAML"
