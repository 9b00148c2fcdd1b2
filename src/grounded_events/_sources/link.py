"""Appending one link between events to a dataset's links.yaml, keeping every line it had."""

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
from grounded_events._core.version import SCHEMA_VERSION
from grounded_events._schema.migrate_yaml import dumps, round_trip
from grounded_events._schema.models import Link
from grounded_events._schema.vocab import LinkRelation
from grounded_events._sources.layout import LINKS_FILE, schema_line


class LinkError(GroundedEventsError):
    """The link is not added: the one-line message says why and what to do; nothing is
    written."""


@dataclass(frozen=True)
class Appended:
    """links.yaml with the link: its new text (None when the link was there already), the
    link's index in `links`, and whether the lines it had are kept byte for byte."""

    text: str | None
    index: int
    layout_kept: bool = True


def new_links_file() -> str:
    """The text of a dataset's links.yaml before its first link."""
    return (
        f"{schema_line(SCHEMA_VERSION, 'links')}\n"
        "#\n"
        "# Links between events, across documents: kept here, at dataset level, so that linking\n"
        '# a new report never edits another document\'s file (ANNOTATING.md, "Links").\n'
        f"schema_version: {SCHEMA_VERSION}\n"
        "\n"
        "links: []\n"
    )


def _ends(relation: Any, source: Any, target: Any) -> tuple[Any, ...]:
    # same_incident is symmetric: a link and its reverse are one link
    if (
        relation == LinkRelation.SAME_INCIDENT
        and isinstance(source, str)
        and isinstance(target, str)
    ):
        return (relation, *sorted((source, target)))
    return (relation, source, target)


def with_link(text: str | None, link: Link, name: str = LINKS_FILE) -> Appended:
    """`text` (a links.yaml, or None for a new one) with `link` appended to its links, unless a
    link of the same relation between the same events is there already. Raises LinkError when
    the text cannot be read as a links file (`name` says which in the message)."""
    text = new_links_file() if text is None else text
    try:
        # the project's safe reader first: duplicate keys, tags, merge keys, deep nesting and
        # alias bombs are refused before the round-trip reader sees the text
        data = loads(text).data
    except YamlError as exc:
        raise LinkError(f"{name}:{exc.line or 1}: not readable YAML: {exc.problem}") from None
    links = data.get("links") if isinstance(data, dict) else None
    if not isinstance(data, dict) or not isinstance(links, list | None):
        raise LinkError(f"{name}: not a links file (a mapping with a list `links`)")
    wanted = _ends(link.relation, link.source, link.target)
    for index, raw in enumerate(links or []):
        if (
            isinstance(raw, dict)
            and _ends(*map(raw.get, ("relation", "source", "target"))) == wanted
        ):
            return Appended(None, index)
    expected = {**data, "links": [*(links or []), _written(link)]}
    index = len(expected["links"]) - 1
    # Written after the last line when `links` is a block list that ends the file (the usual
    # case: every line kept); else through the round-trip writer. A text is kept only if it
    # reads back as the link appended and nothing else changed.
    for new in _writings(text, link, index, name):
        if new is not None and _reads_as(new, expected):
            # `links: []` (or none) becomes a block list: only a file with links keeps every line
            kept = not links or new.startswith(text if text.endswith("\n") else text + "\n")
            return Appended(new, index, kept)
    raise LinkError(
        f"{name}: the YAML writer cannot append to this file's layout; add the link by hand "
        "at the end of `links`"
    )


def _writings(text: str, link: Link, index: int, name: str) -> Iterator[str | None]:
    """The ways to append, best first, each made only when the one before would not do."""
    yield _after_last_line(text, link, index)
    yield _round_trip(text, link, name, flow=False)
    # ruamel writes a block item after a flow item with a comment as broken YAML
    yield _round_trip(text, link, name, flow=True)


def _reads_as(text: str, expected: dict[str, Any]) -> bool:
    try:
        return bool(loads(text).data == expected)
    except YamlError:
        return False


def _block(link: Link, column: int) -> str:
    """The link as one item of a block list whose dashes are at `column`."""
    yaml = YAML(typ="rt", pure=True)
    yaml.width = 4096  # never wrap a note: a long line is the annotator's to break
    yaml.indent(mapping=2, sequence=4, offset=2)
    buffer = io.StringIO()
    yaml.dump([_mapping(link)], buffer)
    return "".join(" " * column + line[2:] for line in buffer.getvalue().splitlines(True))


def _after_last_line(text: str, link: Link, index: int) -> str | None:
    """`text` with the link after its last line, indented as the first link, when there is one."""
    if index == 0:
        return None
    doc = loads(text)
    line = doc.line_of(("links", 0))
    if line is None:
        return None
    first = text.splitlines()[line - 1]
    if not first.lstrip().startswith("-"):
        return None
    column = len(first) - len(first.lstrip())
    return text + ("" if text.endswith("\n") else "\n") + _block(link, column)


def _round_trip(text: str, link: Link, name: str, flow: bool) -> str | None:
    """`text` with the link appended by the round-trip writer, as a block or on one line."""
    try:
        yaml, tree = round_trip(text)
    except (YAMLError, ValueError) as exc:  # ValueError: a text like 0000-01-01 read as a date
        raise LinkError(f"{name}: not readable YAML: {str(exc).splitlines()[0]}") from None
    if not isinstance(tree.get("links"), CommentedSeq):
        tree["links"] = CommentedSeq()
    item = _mapping(link)
    if flow:
        item.fa.set_flow_style()
    tree["links"].append(item)
    try:
        return dumps(yaml, tree, text.lstrip().startswith("---"))
    except YAMLError:
        return None


def _written(link: Link) -> dict[str, Any]:
    """The keys of the link that are written, in the schema's order: none empty."""
    return {k: v for k, v in link.model_dump(mode="json").items() if v not in (None, [])}


def _mapping(link: Link) -> CommentedMap:
    """The link as it is written, each evidence span on one line."""
    item = CommentedMap()
    for key, value in _written(link).items():
        if key != "evidence":
            item[key] = value
        else:
            spans = CommentedSeq()
            for span in value:
                flow = CommentedMap(span)
                flow.fa.set_flow_style()
                spans.append(flow)
            item[key] = spans
    return item
