"""The dataset's files that span documents, actors.yaml and links.yaml, judged with every annotation file of the dataset."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from grounded_events._core.dataset_files import ACTORS_FILE
from grounded_events._core.safe_yaml import Loc, YamlDocument, YamlError, loads, path_text
from grounded_events._schema.models import ActorRegistry, LinkFile
from grounded_events._schema.vocab import EventType, LinkRelation
from grounded_events._sources.layout import dataset_annotations
from grounded_events._validation.codes import issue
from grounded_events._validation.issues import Issue
from grounded_events._validation.kinds import ReadProblem
from grounded_events._validation.model_issues import pydantic_issues, strict
from grounded_events._validation.text import read_text

# The relations whose links must not go round in a circle.
ACYCLIC = (LinkRelation.PART_OF, LinkRelation.IN_RESPONSE_TO)


def raw_list(value: Any) -> list[Any]:
    """`value` when it is a list, else []: the id checks walk raw data of any shape (its shape is
    the model's to report)."""
    return value if isinstance(value, list) else []


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def actor_uses(raw_event: dict[str, Any]) -> list[tuple[Loc, str]]:
    """Every actor_id an event names, with its place inside the event: participants, the actors
    who attribute it, and those who claim or deny it."""
    uses: list[tuple[Loc, str]] = []
    for j, p in enumerate(raw_list(raw_event.get("participants"))):
        if isinstance(p, dict) and isinstance(p.get("actor_id"), str):
            uses.append((("participants", j, "actor_id"), p["actor_id"]))
    for key, names in (("attribution", "attributed_by"), ("claim", "by")):
        part = raw_event.get(key)
        if isinstance(part, dict):
            for j, a in enumerate(raw_list(part.get(names))):
                if isinstance(a, str):
                    uses.append(((key, names, j), a))
    return uses


@dataclass(frozen=True)
class EventFacts:
    """What the rules across documents need of one event, read leniently from its file."""

    file: str
    doc_id: str | None
    event_type: str | None
    is_aggregate: bool
    start: dt.date | None
    end: dt.date | None
    country: str | None
    admin1: str | None

    @classmethod
    def read(cls, file: str, doc_id: str | None, raw: dict[str, Any]) -> EventFacts:
        date = raw["date"] if isinstance(raw.get("date"), dict) else {}
        place = raw["location"] if isinstance(raw.get("location"), dict) else {}
        return cls(
            file,
            doc_id,
            _text(raw.get("event_type")),
            raw.get("is_aggregate") is True,
            _date(date.get("start")),
            _date(date.get("end")),
            _text(place.get("country_iso3")),
            _text(place.get("admin1_code")),
        )


@dataclass
class Dataset:
    """One dataset folder as the rules across documents see it: its declared actors, and every
    event and actor use of its annotation files."""

    folder: Path
    actors: dict[str, int | None] | None = None  # actor_id -> line; None: no readable registry
    registry_exists: bool = False
    events: dict[str, EventFacts] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)  # actor_ids the events name
    unreadable: list[str] = field(default_factory=list)  # annotation files that cannot be read

    @property
    def registry(self) -> Path:
        return self.folder / ACTORS_FILE

    @classmethod
    def read(cls, folder: Path) -> Dataset:
        dataset = cls(folder, registry_exists=(folder / ACTORS_FILE).is_file())
        if dataset.registry_exists:
            doc = _load(folder / ACTORS_FILE)
            if doc is not None and isinstance(doc.data, dict):
                dataset.actors = {}
                for i, raw in enumerate(raw_list(doc.data.get("actors"))):
                    if isinstance(raw, dict) and isinstance(raw.get("actor_id"), str):
                        line = doc.line_of(("actors", i, "actor_id"))
                        dataset.actors.setdefault(raw["actor_id"], line)
        for path in dataset_annotations(folder) if folder.is_dir() else []:
            doc = _load(path)
            if doc is None or not isinstance(doc.data, dict):
                dataset.unreadable.append(str(path))
                continue
            doc_id = _text(doc.data.get("doc_id"))
            for raw in raw_list(doc.data.get("events")):
                if not isinstance(raw, dict) or not isinstance(raw.get("event_id"), str):
                    continue
                dataset.events.setdefault(raw["event_id"], EventFacts.read(str(path), doc_id, raw))
                dataset.used.update(a for _, a in actor_uses(raw))
        return dataset


def _load(path: Path) -> YamlDocument | None:
    """A YAML file of the dataset, or None when it cannot be read (its own check says why)."""
    try:
        return loads(read_text(path))
    except (ReadProblem, YamlError, OSError):
        return None


def _structure(
    model: type[ActorRegistry] | type[LinkFile], doc: YamlDocument, display: str
) -> list[Issue]:
    if not isinstance(doc.data, dict):
        return [issue("GE204", display, 1, expected="a mapping", variant="mapping")]
    try:
        strict(model, doc.data)
    except ValidationError as exc:
        return pydantic_issues(exc, display, doc.line_of)
    return []


def registry_issues(doc: YamlDocument, display: str, dataset: Dataset) -> list[Issue]:
    """actors.yaml: its structure, each actor_id once, parents declared and acyclic, and every
    actor used by some event of the dataset or named as a parent."""
    issues = _structure(ActorRegistry, doc, display)
    if not isinstance(doc.data, dict):
        return issues

    def at(*loc: str | int) -> tuple[int | None, str]:
        return doc.line_of(loc), path_text(loc)

    raw = [a if isinstance(a, dict) else {} for a in raw_list(doc.data.get("actors"))]
    first: dict[str, int] = {}
    parents: dict[str, str] = {}
    for i, actor in enumerate(raw):
        actor_id = _text(actor.get("actor_id"))
        if actor_id is None:
            continue
        if actor_id in first:
            line, where = at("actors", i, "actor_id")
            issues.append(
                issue(
                    "GE601",
                    display,
                    line,
                    where,
                    expected="a unique actor_id",
                    actual=actor_id,
                    variant="actor",
                    actor=actor_id,
                )
            )
            continue
        first[actor_id] = i
        if (parent := _text(actor.get("parent_actor_id"))) is not None:
            parents[actor_id] = parent
    for actor_id, parent in parents.items():
        if parent not in first:
            line, where = at("actors", first[actor_id], "parent_actor_id")
            issues.append(
                issue(
                    "GE602",
                    display,
                    line,
                    where,
                    expected="an actor_id declared in this file",
                    actual=parent,
                    variant="parent",
                    actor=parent,
                )
            )
    for cycle in _cycles(parents.items()):
        line, where = at("actors", min(first[a] for a in cycle), "parent_actor_id")
        members = ", ".join(sorted(cycle))
        issues.append(
            issue(
                "GE610",
                display,
                line,
                where,
                expected="parents without a cycle",
                actual=members,
                relation="parent_actor_id",
                members=members,
            )
        )
    # an unread file may use any actor, and while some use names an undeclared actor (GE602),
    # that is most likely a declared one mistyped
    if not dataset.unreadable and dataset.used <= set(first):
        named = set(parents.values()) | dataset.used
        for actor_id, i in first.items():
            if actor_id not in named:
                line, where = at("actors", i, "actor_id")
                issues.append(
                    issue(
                        "GE603",
                        display,
                        line,
                        where,
                        expected="an actor some event uses",
                        actual=actor_id,
                        actor=actor_id,
                    )
                )
    return issues


def _cycles(edges: Iterable[tuple[str, str]]) -> list[set[str]]:
    """The strongly connected components of more than one node (Tarjan, iterative)."""
    graph: dict[str, list[str]] = {}
    for a, b in edges:
        graph.setdefault(a, []).append(b)
        graph.setdefault(b, [])
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(graph[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            advanced = False
            for nxt in successors:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(graph[nxt])))
                    advanced = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(component)
    return found


@dataclass(frozen=True)
class PlacedLink:
    """A well-formed link of links.yaml with its index there."""

    index: int
    relation: str
    source: str
    target: str


# A link's issue, and the events it involves (validating one annotation file reports the link
# issues that involve its events).
LinkIssue = tuple[Issue, frozenset[str]]


def link_issues(
    doc: YamlDocument,
    display: str,
    dataset: Dataset,
    check_spans: Callable[[list[tuple[int, int, dict[str, Any]]]], list[Issue]],
) -> list[LinkIssue]:
    """links.yaml: its structure, each link once, both ends events of the dataset, each relation's
    rule (GE609), no cycle (GE610), and incidents whose reports can all be true (GE611).
    `check_spans` grounds the links' evidence spans ((link, span, raw span) -> issues)."""
    out: list[LinkIssue] = [(i, frozenset()) for i in _structure(LinkFile, doc, display)]
    if not isinstance(doc.data, dict):
        return out

    def at(*loc: str | int) -> tuple[int | None, str]:
        return doc.line_of(loc), path_text(loc)

    relations = {str(r) for r in LinkRelation}
    links: list[PlacedLink] = []
    seen: dict[tuple[str, str, str], int] = {}
    spans: list[tuple[int, int, dict[str, Any]]] = []
    for i, raw in enumerate(raw_list(doc.data.get("links"))):
        if not isinstance(raw, dict):
            continue
        relation, source, target = (_text(raw.get(k)) for k in ("relation", "source", "target"))
        for j, span in enumerate(raw_list(raw.get("evidence"))):
            if isinstance(span, dict):
                spans.append((i, j, span))
        if relation not in relations or source is None or target is None:
            continue  # the model's to report
        link = PlacedLink(i, relation, source, target)
        ends = frozenset((source, target))
        # same_incident is symmetric: a link and its reverse are one link
        first_end, second_end = (
            sorted((source, target)) if relation == LinkRelation.SAME_INCIDENT else (source, target)
        )
        key = (relation, first_end, second_end)
        if key in seen:
            line, where = at("links", i)
            first = doc.line_of(("links", seen[key]))
            found = issue(
                "GE601",
                display,
                line,
                where,
                expected="a link given once",
                actual=f"{source} {relation} {target}",
                variant="link",
                relation=relation,
                first=first,
            )
            out.append((found, ends))
            continue
        seen[key] = i
        ends_named = (("source", source), ("target", target))
        missing = [(k, v) for k, v in ends_named if v not in dataset.events]
        for key_name, value in missing:
            if dataset.unreadable:
                continue  # an unread file may hold it
            line, where = at("links", i, key_name)
            found = issue(
                "GE602",
                display,
                line,
                where,
                expected="an event_id of the dataset",
                actual=value,
                variant="link",
                value=value,
            )
            out.append((found, ends))
        if not missing:
            links.append(link)
            if (problem := _constraint(link, dataset)) is not None:
                line, where = at("links", i, problem[0])
                found = issue(
                    "GE609",
                    display,
                    line,
                    where,
                    expected="a link its relation allows",
                    actual=f"{source} {relation} {target}",
                    problem=problem[1],
                )
                out.append((found, ends))
    out += _cycle_issues(links, display, at)
    out += _incident_issues(links, dataset, display, at)
    out += [(found, frozenset()) for found in check_spans(spans)]
    return out


_VIOLENT = frozenset(
    {EventType.REMOTE_VIOLENCE, EventType.ARMED_CLASH, EventType.VIOLENCE_AGAINST_CIVILIANS}
)


def _constraint(link: PlacedLink, dataset: Dataset) -> tuple[str, str] | None:
    """The rule of its relation that a link breaks: (the key to point at, what is wrong)."""
    source, target = dataset.events[link.source], dataset.events[link.target]
    if link.source == link.target:
        return "target", "a link joins the event to itself"
    if link.relation == LinkRelation.SAME_INCIDENT:
        for key, event_id, facts in (
            ("source", link.source, source),
            ("target", link.target, target),
        ):
            if facts.is_aggregate:
                return key, f"{event_id} is an aggregate; same_incident joins single incidents"
            if facts.event_type == EventType.STATEMENT:
                return key, f"{event_id} is a statement; same_incident joins incidents"
        if source.doc_id == target.doc_id:
            return "target", (
                f"both events are of {source.doc_id}; one document codes an incident once"
            )
    elif link.relation == LinkRelation.PART_OF and not target.is_aggregate:
        return "target", f"{link.target} is not an aggregate (is_aggregate: true)"
    elif link.relation == LinkRelation.ABOUT and source.event_type != EventType.STATEMENT:
        return "source", f"{link.source} is not a statement; about links start from one"
    elif (
        link.relation == LinkRelation.IN_RESPONSE_TO
        and source.end is not None
        and target.start is not None
        and source.end < target.start
    ):
        return "target", (
            f"{link.source} ends on {source.end}, before {link.target} begins on {target.start}"
        )
    return None


def _cycle_issues(
    links: list[PlacedLink], display: str, at: Callable[..., tuple[int | None, str]]
) -> list[LinkIssue]:
    out: list[LinkIssue] = []
    for relation in ACYCLIC:
        mine = [x for x in links if x.relation == relation and x.source != x.target]
        for cycle in _cycles((x.source, x.target) for x in mine):
            first = min(x.index for x in mine if x.source in cycle and x.target in cycle)
            line, where = at("links", first)
            members = ", ".join(sorted(cycle))
            found = issue(
                "GE610",
                display,
                line,
                where,
                expected=f"{relation} links without a cycle",
                actual=members,
                relation=relation,
                members=members,
            )
            out.append((found, frozenset(cycle)))
    return out


def _incident_issues(
    links: list[PlacedLink],
    dataset: Dataset,
    display: str,
    at: Callable[..., tuple[int | None, str]],
) -> list[LinkIssue]:
    """GE611: in each same_incident component, every two events' dates and places must be able
    to be true together; each conflicting pair is reported at the component's first link."""
    same = [x for x in links if x.relation == LinkRelation.SAME_INCIDENT and x.source != x.target]
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for x in same:
        parent[find(x.source)] = find(x.target)
    components: dict[str, list[str]] = {}
    for event_id in sorted(parent):
        components.setdefault(find(event_id), []).append(event_id)
    out: list[LinkIssue] = []
    for members in components.values():
        first = min(x.index for x in same if find(x.source) == find(members[0]))
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                problem = _conflict(dataset.events[a], dataset.events[b])
                if problem is None:
                    continue
                line, where = at("links", first)
                found = issue(
                    "GE611",
                    display,
                    line,
                    where,
                    expected="reports that can all be true",
                    actual=f"{a}, {b}",
                    first=a,
                    second=b,
                    problem=problem,
                )
                out.append((found, frozenset((a, b))))
    return out


def _conflict(a: EventFacts, b: EventFacts) -> str | None:
    if None not in (a.start, a.end, b.start, b.end):
        assert a.start and a.end and b.start and b.end
        if a.end < b.start or b.end < a.start:
            return f"their dates do not overlap ({a.start}..{a.end} and {b.start}..{b.end})"
    if a.country and b.country and a.country != b.country:
        return f"they are in different countries ({a.country} and {b.country})"
    if a.admin1 and b.admin1 and a.admin1 != b.admin1:
        return f"they are in different first-level divisions ({a.admin1} and {b.admin1})"
    return None
