"""Filling evidence offsets in an annotation file or links.yaml from its quotes, in place, keeping its layout."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from grounded_events._core.errors import GroundedEventsError
from grounded_events._core.files import UnsafeFile, read_regular
from grounded_events._core.safe_yaml import Loc, YamlError, loads
from grounded_events._core.text import quoted
from grounded_events._schema.migrate_yaml import dumps, round_trip
from grounded_events._sources.quotes import MAX_NEAR, Span, find, locate
from grounded_events._sources.seeds import SeedError, read_index, read_text

# The key an annotator may add to an evidence item to pick the Nth occurrence (from 1) of its
# quote. Schema 1.0.0 has no such key, so the fill removes it once it has used it.
OCCURRENCE = "occurrence"
# Candidate occurrences listed for an ambiguous quote, and the text shown on each side of one.
SHOWN_CANDIDATES = 10
_CONTEXT = 30
_BOM = "\ufeff"


class FillError(GroundedEventsError):
    """An annotation file cannot be filled: it, its YAML or its seed cannot be read or trusted.
    The message is one line naming the file and saying why; nothing is written."""


class Outcome(Enum):
    """What the fill did to one evidence item whose quote it found."""

    FILLED = "filled"  # it had no offsets
    REPAIRED = "repaired"  # its offsets did not slice to its quote
    KEPT = "kept"  # its offsets already sliced to its quote


@dataclass(frozen=True)
class Problem:
    """An evidence item the fill left as it was: the line of its quote, what is wrong (one
    line), and the candidate or nearest passages (one per line)."""

    line: int | None
    message: str
    details: tuple[str, ...] = ()


@dataclass
class Filled:
    """The fill of one file: its text as read, its new text (None when nothing changes), what
    it did per item, the items it could not fill, and whether lines it did not fill keep their
    exact layout."""

    source: str
    text: str | None = None
    outcomes: dict[Outcome, int] = field(default_factory=lambda: dict.fromkeys(Outcome, 0))
    problems: list[Problem] = field(default_factory=list)
    layout_kept: bool = True


def _show(text: str) -> str:
    # One passage per line even when it spans lines: escape as YAML double quotes would.
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def passage(text: str, span: Span) -> str:
    """`start-end: …words [quote] words…`: an occurrence in its context, on one line."""
    start, end = span
    before = text[max(0, start - _CONTEXT) : start]
    after = text[end : end + _CONTEXT]
    lead = "…" if start > _CONTEXT else ""
    tail = "…" if end + _CONTEXT < len(text) else ""
    return f"{start}-{end}: {lead}{_show(before)}[{_show(text[start:end])}]{_show(after)}{tail}"


def _candidates(text: str, spans: list[Span], numbered: bool) -> tuple[str, ...]:
    shown = [
        (f"occurrence: {n}  " if numbered else "") + passage(text, span)
        for n, span in enumerate(spans[:SHOWN_CANDIDATES], 1)
    ]
    if len(spans) > SHOWN_CANDIDATES:
        shown.append(f"… and {len(spans) - SHOWN_CANDIDATES} more")
    return tuple(shown)


def _absent(text: str, quote: str, doc_id: str, line: int | None) -> Problem:
    """The problem of a quote that does not occur: where it occurs with other quotation marks,
    else the nearest passage."""
    found = find(text, quote)
    head = f"quote {quoted(quote)} does not occur in {doc_id}"
    if found.folded:
        return Problem(
            line,
            f"{head}; it does if straight and curly quotation marks are read as the same. Copy "
            "the marks as the text has them:",
            _candidates(text, found.folded, numbered=False),
        )
    if found.near is not None:
        near = found.near
        return Problem(
            line,
            f"{head}; the nearest passage ({near.ratio:.0%} similar) is:",
            (passage(text, (near.start, near.end)),),
        )
    if len(quote) > MAX_NEAR:
        return Problem(line, f"{head} (quotes over {MAX_NEAR} characters are not searched further)")
    return Problem(line, f"{head}, and no passage of it is close")


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _target(item: CommentedMap, text: str, doc_id: str, line: int | None) -> Span | Problem:
    """The span an evidence item's offsets should be, or why it cannot be told."""
    quote = item.get("quote")
    if not isinstance(quote, str) or not quote:
        return Problem(line, "no quote: write the words of the text as `quote`, then fill")
    spans = locate(text, quote)
    if OCCURRENCE in item:
        given = item[OCCURRENCE]
        if not _is_count(given) or given < 1:
            return Problem(
                line,
                f"{OCCURRENCE}: {given!r} is not a whole number from 1 (which occurrence of the "
                "quote: 1 the first)",
            )
        n = int(given)
        if n <= len(spans):
            return spans[n - 1]
        if spans:
            return Problem(
                line,
                f"{OCCURRENCE}: {n}, but quote {quoted(quote)} occurs {len(spans)} "
                f"time{'s' if len(spans) > 1 else ''} in {doc_id}:",
                _candidates(text, spans, numbered=True),
            )
        return _absent(text, quote, doc_id, line)
    current = (item.get("start"), item.get("end"))
    if _is_count(current[0]) and _is_count(current[1]) and current in spans:
        return (int(current[0]), int(current[1]))
    if len(spans) == 1:
        return spans[0]
    if spans:
        return Problem(
            line,
            f"quote {quoted(quote)} occurs {len(spans)} times in {doc_id}; add "
            f"`{OCCURRENCE}: N` to the item to pick one:",
            _candidates(text, spans, numbered=True),
        )
    return _absent(text, quote, doc_id, line)


def _drop(item: CommentedMap, key: str) -> None:
    """Remove `key`; the comment written after it (on its line and the lines below) moves to a
    neighbouring key, so no comment is lost."""
    keys = list(item)
    comment = item.ca.items.pop(key, None)
    del item[key]
    if comment is None or len(keys) == 1:
        return
    at = keys.index(key)
    heir = keys[at - 1] if at > 0 else keys[1]
    entry = item.ca.items.get(heir)
    if entry is None:
        item.ca.items[heir] = comment
    elif entry[2] is None:
        entry[2] = comment[2]
    elif comment[2] is not None:  # both have one: the moved comment goes on its own line
        entry[2].value += " " * item.lc.col + comment[2].value.lstrip(" ")


def _set(item: CommentedMap, span: Span) -> Outcome:
    """Write `span` as the item's start and end, in place, where the schema puts them: start
    before end, both before the quote."""
    had = "start" in item or "end" in item
    same = True
    for key, value in zip(("start", "end"), span, strict=True):
        old = item.get(key)
        if _is_count(old) and old == value:
            continue
        same = False
        if key in item:
            item[key] = value
        elif key == "start":
            item.insert(list(item).index("end" if "end" in item else "quote"), key, value)
        else:
            item.insert(list(item).index("start") + 1, key, value)
    if same:
        return Outcome.KEPT
    return Outcome.REPAIRED if had else Outcome.FILLED


def _seed(doc_id: str, pinned: Any, seeds_dir: Path, name: str) -> str:
    """The verified text of `doc_id`; refused when the file pins another text's sha256."""
    try:
        documents = {d.doc_id: d for d in read_index(seeds_dir)}
        if doc_id not in documents:
            known = ", ".join(sorted(documents)) or "none"
            raise FillError(
                f"{name}: doc_id {doc_id!r} is not in {seeds_dir / 'index.json'} (known: {known})"
            )
        document = documents[doc_id]
        text = read_text(seeds_dir, document)
    except SeedError as exc:
        raise FillError(f"{name}: {exc}") from None
    if pinned is not None and str(pinned) != document.sha256:
        raise FillError(
            f"{name}: sha256 {pinned} is not the sha256 of {doc_id}'s seed ({document.sha256}): "
            "the file was coded against another text. Check the quotes against the seed, then "
            "pin its sha256."
        )
    return text


def _spans(tree: Any, key: str) -> Iterator[tuple[Loc, CommentedMap]]:
    """Every evidence item of `tree[key]` (events or links) with its place in the file."""
    records = tree.get(key)
    for i, record in enumerate(records if isinstance(records, CommentedSeq) else []):
        evidence = record.get("evidence") if isinstance(record, CommentedMap) else None
        for j, item in enumerate(evidence if isinstance(evidence, CommentedSeq) else []):
            if isinstance(item, CommentedMap):
                yield (key, i, "evidence", j), item


def fill_text(source: str, name: str, seeds_dir: Path) -> Filled:
    """Fill the evidence offsets of one annotation file's text, or of a links.yaml's (each of
    its spans in the document its doc_id names); `name` says which file in messages. Raises
    FillError when the file or its seed cannot be read or trusted."""
    read = source
    bom = _BOM if source.startswith(_BOM) else ""
    source = source.removeprefix(_BOM)
    try:
        # the project's safe reader first: duplicate keys, tags, merge keys, deep nesting and
        # alias bombs are refused before the round-trip reader sees the text
        doc = loads(source)
    except YamlError as exc:
        raise FillError(f"{name}:{exc.line or 1}: not readable YAML: {exc.problem}") from None
    data = doc.data
    links = isinstance(data, dict) and "links" in data and "doc_id" not in data
    doc_id = data.get("doc_id") if isinstance(data, dict) else None
    if not links and not isinstance(doc_id, str):
        raise FillError(f"{name}: no doc_id: the file does not say which document it codes")
    texts: dict[str, str | Problem] = {}
    if isinstance(doc_id, str):
        texts[doc_id] = _seed(doc_id, data.get("sha256"), seeds_dir, name)
    try:
        yaml, tree = round_trip(source)
    except (YAMLError, ValueError) as exc:  # ValueError: a text like 0000-01-01 read as a date
        raise FillError(f"{name}: not readable YAML: {str(exc).splitlines()[0]}") from None
    explicit = source.lstrip().startswith("---")
    filled = Filled(read, layout_kept=dumps(yaml, tree, explicit) == source)
    changed = False
    for loc, item in _spans(tree, "links" if links else "events"):
        line = doc.line_of((*loc, "quote"))
        item_doc = item.get("doc_id") if links else doc_id
        if not isinstance(item_doc, str):
            filled.problems.append(Problem(line, "no doc_id: name the document of the quote"))
            continue
        if item_doc not in texts:
            texts[item_doc] = _linked_seed(item_doc, seeds_dir, name)
        text = texts[item_doc]
        target = text if isinstance(text, Problem) else _target(item, text, item_doc, line)
        if isinstance(target, Problem):
            filled.problems.append(replace(target, line=line))
            continue
        outcome = _set(item, target)
        if OCCURRENCE in item:
            _drop(item, OCCURRENCE)
            changed = True
        filled.outcomes[outcome] += 1
        changed = changed or outcome is not Outcome.KEPT
    if changed:
        filled.text = bom + dumps(yaml, tree, explicit)
    return filled


def _linked_seed(doc_id: str, seeds_dir: Path, name: str) -> str | Problem:
    """The verified text of a document a link's evidence quotes, or why it cannot be used (a
    problem of that item: the other spans are filled)."""
    try:
        return _seed(doc_id, None, seeds_dir, name)
    except FillError as exc:
        return Problem(None, str(exc).removeprefix(f"{name}: "))


def fill_file(path: Path, seeds_dir: Path) -> Filled:
    """Fill the evidence offsets of the annotation file at `path` (nothing is written here)."""
    try:
        source = read_regular(path).decode("utf-8")
    except OSError as exc:
        raise FillError(f"{path}: cannot read: {exc.strerror}") from None
    except UnsafeFile as exc:
        raise FillError(f"{path}: refused: {exc.reason}") from None
    except UnicodeDecodeError as exc:
        raise FillError(f"{path}: not UTF-8 at byte {exc.start}") from None
    return fill_text(source, str(path), seeds_dir)
