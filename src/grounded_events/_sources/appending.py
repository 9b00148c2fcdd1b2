"""Appending one item to a top-level list of a dataset file (links.yaml, actors.yaml), keeping every line the file had."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from grounded_events._core.errors import GroundedEventsError
from grounded_events._core.safe_yaml import YamlError, loads
from grounded_events._schema.migrate_yaml import dumps, round_trip


class CannotAppend(GroundedEventsError):
    """The file cannot take the item: the one-line message names it and says why."""


@dataclass(frozen=True)
class Appended:
    """The file with the item: its new text, the item's index in the list, and whether the
    lines the file had are kept byte for byte."""

    text: str
    index: int
    layout_kept: bool


def read_list(text: str, key: str, name: str) -> tuple[dict[str, Any], list[Any]]:
    """The file's data and its list `key` (empty when absent or null), read by the project's
    safe reader: duplicate keys, tags, merge keys, deep nesting and alias bombs are refused
    before the round-trip reader sees the text."""
    try:
        data = loads(text).data
    except YamlError as exc:
        raise CannotAppend(f"{name}:{exc.line or 1}: not readable YAML: {exc.problem}") from None
    items = data.get(key) if isinstance(data, dict) else None
    if not isinstance(data, dict) or not isinstance(items, list | None):
        raise CannotAppend(f"{name}: not a {key} file (a mapping with a list `{key}`)")
    return data, items or []


def append(text: str, key: str, item: dict[str, Any], name: str) -> Appended:
    """`text` with `item` appended to its list `key`: after the last line when that list ends
    the file (every line kept), else through the round-trip writer. A text is kept only if it
    reads back as the item appended and nothing else changed; CannotAppend otherwise."""
    data, items = read_list(text, key, name)
    expected = {**data, key: [*items, item]}
    index = len(items)
    for new in _writings(text, key, item, index, name):
        if new is not None and _reads_as(new, expected):
            # `key: []` (or none) becomes a block list: only a file with items keeps every line
            kept = not items or new.startswith(text if text.endswith("\n") else text + "\n")
            return Appended(new, index, kept)
    raise CannotAppend(
        f"{name}: the YAML writer cannot append to this file's layout; add the item by hand at "
        f"the end of `{key}`"
    )


def _writings(
    text: str, key: str, item: dict[str, Any], index: int, name: str
) -> Iterator[str | None]:
    """The ways to append, best first, each made only when the one before would not do."""
    yield _after_last_line(text, key, item, index)
    yield _round_trip(text, key, item, name, flow=False)
    # ruamel writes a block item after a flow item with a comment as broken YAML
    yield _round_trip(text, key, item, name, flow=True)


def _reads_as(text: str, expected: dict[str, Any]) -> bool:
    try:
        return bool(loads(text).data == expected)
    except YamlError:
        return False


def _node(item: dict[str, Any]) -> CommentedMap:
    """The item as it is written: a list of mappings with one mapping per line (evidence
    spans), a list of words on one line (variants)."""
    node = CommentedMap()
    for key, value in item.items():
        if isinstance(value, list):
            seq = CommentedSeq(CommentedMap(v) if isinstance(v, dict) else v for v in value)
            for element in seq:
                if isinstance(element, CommentedMap):
                    element.fa.set_flow_style()
            if not any(isinstance(v, dict) for v in value):
                seq.fa.set_flow_style()
            value = seq
        node[key] = value
    return node


def block(item: dict[str, Any], column: int) -> str:
    """`item` as one entry of a block list whose dashes are at `column`."""
    yaml = YAML(typ="rt", pure=True)
    yaml.width = 4096  # never wrap a note: a long line is the annotator's to break
    yaml.indent(mapping=2, sequence=4, offset=2)
    buffer = io.StringIO()
    yaml.dump([_node(item)], buffer)
    return "".join(" " * column + line[2:] for line in buffer.getvalue().splitlines(True))


def _after_last_line(text: str, key: str, item: dict[str, Any], index: int) -> str | None:
    """`text` with the item after its last line, indented as the first item, when there is one."""
    if index == 0:
        return None
    line = loads(text).line_of((key, 0))
    if line is None:
        return None
    first = text.splitlines()[line - 1]
    if not first.lstrip().startswith("-"):
        return None
    column = len(first) - len(first.lstrip())
    return text + ("" if text.endswith("\n") else "\n") + block(item, column)


def _round_trip(text: str, key: str, item: dict[str, Any], name: str, flow: bool) -> str | None:
    """`text` with the item appended by the round-trip writer, as a block or on one line."""
    try:
        yaml, tree = round_trip(text)
    except (YAMLError, ValueError) as exc:  # ValueError: a text like 0000-01-01 read as a date
        raise CannotAppend(f"{name}: not readable YAML: {str(exc).splitlines()[0]}") from None
    if not isinstance(tree.get(key), CommentedSeq):
        tree[key] = CommentedSeq()
    node = _node(item)
    if flow:
        node.fa.set_flow_style()
    tree[key].append(node)
    try:
        return dumps(yaml, tree, text.lstrip().startswith("---"))
    except YAMLError:
        return None
