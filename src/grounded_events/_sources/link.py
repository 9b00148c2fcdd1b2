"""Appending one link between events to a dataset's links.yaml, once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from grounded_events._core.dataset_files import LINKS_FILE
from grounded_events._core.errors import GroundedEventsError
from grounded_events._core.version import SCHEMA_VERSION
from grounded_events._schema.models import Link
from grounded_events._schema.vocab import LinkRelation
from grounded_events._sources.appending import append, read_list
from grounded_events._sources.layout import schema_line


class LinkError(GroundedEventsError):
    """The link is not added: the one-line message says why and what to do; nothing is
    written."""


@dataclass(frozen=True)
class Linked:
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


def written(link: Link) -> dict[str, Any]:
    """The keys of the link that are written, in the schema's order: none empty."""
    return {k: v for k, v in link.model_dump(mode="json").items() if v not in (None, [])}


def with_link(text: str | None, link: Link, name: str = LINKS_FILE) -> Linked:
    """`text` (a links.yaml, or None for a new one) with `link` appended to its links, unless a
    link of the same relation between the same events is there already. Raises CannotAppend
    when the text cannot take it (`name` says which file in the message)."""
    text = new_links_file() if text is None else text
    _, links = read_list(text, "links", name)
    wanted = _ends(link.relation, link.source, link.target)
    for index, raw in enumerate(links):
        if (
            isinstance(raw, dict)
            and _ends(*map(raw.get, ("relation", "source", "target"))) == wanted
        ):
            return Linked(None, index)
    appended = append(text, "links", written(link), name)
    return Linked(appended.text, appended.index, appended.layout_kept)
