"""Schema 1.0.0 -> 2.0.0 for a dataset: each file's actors into actors.yaml, refers_to into links.yaml."""

from __future__ import annotations

import bisect
import json
import os
import posixpath
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.tokens import CommentToken

from grounded_events._core.dataset_files import ACTORS_FILE, LINKS_FILE
from grounded_events._core.safe_yaml import YamlError, loads
from grounded_events._schema.generate import BASE_URI
from grounded_events._schema.migrate_yaml import SCHEMA_LINE, dumps, plain, round_trip
from grounded_events._schema.migration import VERSION_KEY, Member, Result

TARGET = "2.0.0"
# The note of a link made from a 1.0.0 `refers_to` (a link needs a note or evidence).
REFERS_TO_NOTE = "migrated from refers_to of schema 1.0.0"
# Fields a 1.0.0 actor cannot state: it agrees with a registry entry whatever the entry says there.
_NOT_IN_1_0_0 = frozenset({"variants"})
# The one field two definitions of an actor may differ in: the first is kept, and the output says so.
_NOTE = "note"


def _at(path: Path, node: CommentedMap) -> str:
    return f"{path}:{node.lc.line + 1}"


def _schema_line(folder: Path, members: Sequence[Member], name: str) -> str:
    """The schema line of the dataset file `name` (actors, links): beside the schema the
    annotation files' own first lines name, else at the schema's published address."""
    base = f"{BASE_URI}/"
    for member in members:
        found = SCHEMA_LINE.fullmatch(member.text.split("\n", 1)[0])
        if found is None:
            continue
        base = found[1]
        if "://" not in base:  # relative to the annotation file: make it relative to the folder
            hops = os.path.relpath(member.path.parent, folder).replace(os.sep, "/")
            base = posixpath.normpath(posixpath.join(hops, base)) + "/"
        break
    return f"# yaml-language-server: $schema={base}{TARGET}/{name}.schema.json"


def _open(
    path: Path, key: str, folder: Path, members: Sequence[Member]
) -> tuple[YAML, CommentedMap] | str:
    """The round-trip tree of the dataset file at path (a new one when there is none), or why it
    cannot be merged into."""
    if not path.exists():
        text = f"{_schema_line(folder, members, path.stem)}\n{VERSION_KEY}: {TARGET}\n"
        yaml, tree = round_trip(text)
        tree[key] = CommentedSeq()
        return yaml, tree
    try:
        text = path.read_text(encoding="utf-8")
        data = loads(text).data
        yaml, tree = round_trip(text)
    except (OSError, UnicodeDecodeError, YamlError, YAMLError, ValueError) as exc:
        return f"{path}:1: cannot be read to merge into ({str(exc).splitlines()[0]})"
    if not isinstance(data, dict) or str(data.get(VERSION_KEY)) != TARGET:
        return f"{path}:1: {VERSION_KEY}: {TARGET} expected in the file this migration merges into"
    if tree.get(key) is None:
        tree[key] = CommentedSeq()
    entries = tree[key]
    if not isinstance(entries, CommentedSeq) or not all(
        isinstance(e, CommentedMap) for e in entries
    ):
        return f"{path}:1: {key}: a list of mappings expected"
    return yaml, tree


def _insert(entries: CommentedSeq, entry: CommentedMap, key: Callable[[Any], Any]) -> None:
    """Put entry where it goes in a list sorted by key; at the end of a list in another order (an
    order someone chose, e.g. by country under headings, is kept)."""
    if entries and entries[-1].fa.flow_style():  # written as the others are: on one line
        entry.fa.set_flow_style()
    keys = [key(e) for e in entries]
    if keys != sorted(keys):
        entries.append(entry)
    else:
        entries.insert(bisect.bisect_right(keys, key(entry)), entry)


def _summary(count: int, noun: str, added: int) -> str:
    """What a dataset file holds: "12 actors", or "14 actors, 2 added" when it held some before."""
    held = f"{count} {noun}{'' if count == 1 else 's'}"
    return held if added == count else f"{held}, {added} added"


# --- actors ----------------------------------------------------------------------------------------


def _comparable(actor: CommentedMap) -> dict[str, Any]:
    """What must agree between two definitions of an actor: every field 1.0.0 has, but the note
    (absent and null are the same)."""
    return {
        str(k): plain(v)
        for k, v in actor.items()
        if k != _NOTE and k not in _NOT_IN_1_0_0 and v is not None
    }


def _comment_lines(token: Any) -> int:
    return sum("#" in line for line in token.value.splitlines()) if token else 0


def _carry(actor: CommentedMap) -> tuple[CommentedMap, int]:
    """A copy of actor for actors.yaml, with the comments at the end of its keys' lines; and the
    number of other comment lines inside it, which are not carried (a section heading of a
    list that actors.yaml sorts would land between other actors)."""
    entry = CommentedMap()
    lost = 0
    for key, value in actor.items():
        entry[key] = value
        comment = actor.ca.items.get(key)
        token = comment[2] if comment and len(comment) > 2 else None
        if not isinstance(token, CommentToken):
            continue
        first, _, rest = token.value.partition("\n")
        if token.start_mark.line == actor.lc.key(key)[0] and first.strip().startswith("#"):
            entry.yaml_add_eol_comment(first.strip(), key, column=token.column)
            lost += sum("#" in line for line in rest.splitlines())
        else:
            lost += _comment_lines(token)
    return entry, lost


def _list_comments(member: Member) -> int:
    """Comment lines of a file's actors list outside its actors (headings before the first)."""
    actors = member.tree.get("actors")
    tokens = list(member.tree.ca.items.get("actors", [None] * 4)[3] or [])
    if isinstance(actors, CommentedSeq):
        tokens += (actors.ca.comment or [None, None])[1] or []
    return sum(_comment_lines(t) for t in {id(t): t for t in tokens}.values())


def _differences(first: CommentedMap, other: CommentedMap) -> str:
    a, b = _comparable(first), _comparable(other)
    return "; ".join(
        f"{k}: {json.dumps(a.get(k))} there, {json.dumps(b.get(k))} here"
        for k in sorted(a.keys() | b.keys())
        if a.get(k) != b.get(k)
    )


def _actors(folder: Path, members: Sequence[Member]) -> Result:
    """actors.yaml with every actor of the members, once; refused when two definitions differ."""
    path = folder / ACTORS_FILE
    result = Result(path, source=TARGET)
    opened = _open(path, "actors", folder, members)
    if isinstance(opened, str):
        result.problems.append(opened)
        return result
    yaml, tree = opened
    entries: CommentedSeq = tree["actors"]
    defined: dict[str, tuple[CommentedMap, str]] = {}
    for entry in entries:
        defined.setdefault(str(entry.get("actor_id")), (entry, _at(path, entry)))
    added = 0
    for member in members:
        lost = _list_comments(member)
        for actor in member.tree.get("actors") or []:
            actor_id, here = str(actor["actor_id"]), _at(member.path, actor)
            if actor_id not in defined:
                entry, dropped = _carry(actor)
                lost += dropped
                defined[actor_id] = (entry, here)
                _insert(entries, entry, lambda e: str(e["actor_id"]))
                added += 1
                continue
            first, there = defined[actor_id]
            lost += _carry(actor)[1]
            differences = _differences(first, actor)
            if differences:
                result.problems.append(
                    f"{here}: actors: {actor_id} is defined differently at {there} "
                    f"({differences}); {TARGET} keeps one definition per dataset in {path}: make "
                    "the two equal (only the note may differ), then migrate again"
                )
            elif plain(first.get(_NOTE)) != plain(actor.get(_NOTE)):
                result.notes.append(
                    f"{actor_id}: kept the note of {there}; the other note, at {here}, is not "
                    "carried over"
                )
        if lost:
            result.notes.append(
                f"{lost} comment line(s) of the actors list of {member.path} are not carried "
                "over: actors.yaml sorts the actors by actor_id"
            )
    if not result.problems:
        result.text = dumps(yaml, tree, explicit_start=False)
    result.summary = _summary(len(entries), "actor", added)
    return result


# --- links -----------------------------------------------------------------------------------------


def _link_key(link: Any) -> tuple[str, str, str]:
    return (str(link.get("source")), str(link.get("relation")), str(link.get("target")))


def _links(folder: Path, members: Sequence[Member]) -> Result:
    """links.yaml with an `about` link for every target of every event's refers_to; a link
    already there is not repeated."""
    path = folder / LINKS_FILE
    result = Result(path, source=TARGET)
    opened = _open(path, "links", folder, members)
    if isinstance(opened, str):
        result.problems.append(opened)
        return result
    yaml, tree = opened
    entries: CommentedSeq = tree["links"]
    present = {_link_key(e) for e in entries}
    added = 0
    for member in members:
        for event in member.tree.get("events") or []:
            for target in event.get("refers_to") or []:
                link = CommentedMap()
                link["relation"] = "about"
                link["source"] = str(event["event_id"])
                link["target"] = str(target)
                link["note"] = REFERS_TO_NOTE
                if _link_key(link) in present:
                    continue
                present.add(_link_key(link))
                _insert(entries, link, _link_key)
                added += 1
    result.text = dumps(yaml, tree, explicit_start=False)
    result.summary = _summary(len(entries), "link", added)
    return result


def to_dataset_files(folder: Path, members: Sequence[Member]) -> list[Result]:
    """The dataset operation of 1.0.0 -> 2.0.0: actors.yaml and links.yaml of the dataset folder,
    made or merged into from the members' actors and refers_to."""
    return [_actors(folder, members), _links(folder, members)]
