"""ANNOTATING.md's worked examples: seed quotes are the seed's words, YAML snippets valid codings."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from functools import cache
from typing import Any

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from grounded_events._core.safe_yaml import loads
from grounded_events._core.version import SCHEMA_VERSION
from grounded_events._schema import vocab
from grounded_events._schema.models import (
    Actor,
    ActorRegistry,
    AnnotationFile,
    Attribution,
    Claim,
    DateInfo,
    Document,
    Event,
    Evidence,
    FatalitySplit,
    Link,
    LinkEvidence,
    LinkFile,
    Location,
    Outcome,
)
from grounded_events._schema.tables import ACTOR_COLUMNS, TABLES
from grounded_events._sources.seeds import read_seeds
from grounded_events.cli import COMMANDS
from helpers import ROOT, SEED_DOC_ID

GUIDE = (ROOT / "ANNOTATING.md").read_text(encoding="utf-8")
# The subsections that make the guidelines generalise beyond the seed's phrases (issue 15,
# item 4); each holds at least one worked example.
TOPICS = (
    "Which official announcements are events",
    "Several salvos or waves at one target",
    "Vague and relative dates",
    "Dates from outside the text",
    "Time of day and time zones",
    "The dateline is not where events happened",
    "An actor already declared in another document",
    "The publisher's own voice",
    "None reported, not reported, not known",
)
SEED_MARK = "**Seed**"
CONSTRUCTED_MARK = "**(constructed)**"
# A quoted passage: the seed has no straight double quote, so one delimits a quote exactly.
QUOTE = re.compile(r'"([^"]+)"')
EVENT_NUMBER = re.compile(r"`(e\d\d)`")
# A coded value or field name written in backticks, such as `relative_to_publication`.
CODE_WORD = re.compile(r"`([a-z][a-z0-9_]*)`")


def _prose(text: str) -> list[str]:
    """The lines outside fenced code blocks."""
    lines, fenced = [], False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced:
            lines.append(line)
    return lines


def _blockquotes(text: str) -> list[str]:
    """Each blockquote outside code blocks, its lines joined by a space (the wrap points)."""
    quotes: list[list[str]] = []
    previous_quoted = False
    for line in _prose(text):
        quoted = line.startswith(">")
        if quoted:
            body = line[1:].strip()
            if previous_quoted:
                quotes[-1].append(body)
            else:
                quotes.append([body])
        previous_quoted = quoted
    return [" ".join(parts) for parts in quotes]


def _yaml_snippets(text: str) -> list[str]:
    """The bodies of the ```yaml blocks."""
    return re.findall(r"^```yaml\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL)


def _subsection(title: str) -> str:
    """The text of the '### title' subsection, up to the next heading."""
    match = re.search(
        rf"^### {re.escape(title)}\n(.*?)(?=^#{{2,3}} |\Z)", GUIDE, flags=re.MULTILINE | re.DOTALL
    )
    assert match, f"ANNOTATING.md has no subsection '### {title}'"
    return match[1]


@cache
def _seed_text() -> str:
    return read_seeds(ROOT / "seeds")[SEED_DOC_ID].text


@cache
def _seed_annotation() -> AnnotationFile:
    path = ROOT / "datasets" / "annotations" / f"{SEED_DOC_ID}.yaml"
    return AnnotationFile.model_validate(loads(path.read_text(encoding="utf-8")).data)


@cache
def _registry() -> ActorRegistry:
    path = ROOT / "datasets" / "actors.yaml"
    return ActorRegistry.model_validate(loads(path.read_text(encoding="utf-8")).data)


def _examples(mark: str) -> list[str]:
    return [q for q in _blockquotes(GUIDE) if q.startswith(mark)]


def _vocabulary_values() -> set[str]:
    return {
        member.value
        for name in dir(vocab)
        if isinstance(kind := getattr(vocab, name), type)
        and issubclass(kind, vocab.Vocabulary)
        and kind is not vocab.Vocabulary
        for member in kind
    }


def _field_names() -> set[str]:
    models: tuple[type[BaseModel], ...] = (
        AnnotationFile,
        Event,
        DateInfo,
        Location,
        Attribution,
        Outcome,
        FatalitySplit,
        Claim,
        Evidence,
        Actor,
        ActorRegistry,
        Link,
        LinkEvidence,
        LinkFile,
        Document,
    )
    return {name for model in models for name in model.model_fields}


def test_every_blockquote_is_a_marked_example() -> None:
    """Each blockquote of ANNOTATING.md is an example marked as from the seed or constructed."""
    quotes = _blockquotes(GUIDE)
    assert quotes
    assert [q for q in quotes if not q.startswith((SEED_MARK, CONSTRUCTED_MARK))] == []


@pytest.mark.parametrize("example", _examples(SEED_MARK), ids=lambda q: q[:40])
def test_seed_examples_quote_the_seed_verbatim(example: str) -> None:
    """Every quote in a seed example occurs, character for character, in the seed text."""
    quotes = QUOTE.findall(example)
    assert quotes, "a seed example quotes the seed"
    assert [q for q in quotes if q not in _seed_text()] == []


@pytest.mark.parametrize("example", _examples(SEED_MARK), ids=lambda q: q[:40])
def test_seed_examples_cite_events_of_the_seed(example: str) -> None:
    """The event ids a seed example cites are events of the seed's annotation file."""
    cited = EVENT_NUMBER.findall(example)
    assert cited, "a seed example says which event it is"
    ids = {e.event_id for e in _seed_annotation().events}
    assert [n for n in cited if f"{SEED_DOC_ID}-{n}" not in ids] == []


@pytest.mark.parametrize("example", _examples(CONSTRUCTED_MARK), ids=lambda q: q[:40])
def test_constructed_examples_are_not_from_the_seed(example: str) -> None:
    """A constructed example's sentence is not the seed's, so the marks cannot be swapped."""
    quotes = QUOTE.findall(example)
    assert quotes, "a constructed example quotes its sentence"
    assert quotes[0] not in _seed_text()


def _fits_precision(date: DateInfo) -> bool:
    """The codebook's DatePrecision definitions, on the days start..end cover."""
    start, end = date.start, date.end
    days = (end - start).days + 1
    last = calendar.monthrange(start.year, start.month)[1]
    return {
        vocab.DatePrecision.DAY: days == 1,
        vocab.DatePrecision.DAYS: 2 <= days <= 6,
        vocab.DatePrecision.WEEK: days == 7,
        vocab.DatePrecision.MONTH: start.day == 1 and end == start.replace(day=last),
        vocab.DatePrecision.YEAR: (start, end)
        == (dt.date(start.year, 1, 1), dt.date(start.year, 12, 31)),
        vocab.DatePrecision.RANGE: days > 7,
    }[date.precision]


def _check_snippet(data: dict[str, Any]) -> None:
    """Each key is a field of an event (or `actors` of the registry, `links` of links.yaml), its
    value valid for that field, and the coding keeps the rules the models alone do not."""
    fields = Event.model_fields | {
        "actors": ActorRegistry.model_fields["actors"],
        "links": LinkFile.model_fields["links"],
    }
    assert set(data) <= set(fields), f"not an event field: {sorted(set(data) - set(fields))}"
    links = data.get("links", [])
    spans = [*data.get("evidence", []), *(e for x in links for e in x.get("evidence", []))]
    for span in spans:  # a quote-only span: its offsets are locate --fill's to write
        if "start" not in span and "end" not in span:
            span.update(start=0, end=len(span["quote"]))
    value = {
        key: TypeAdapter(fields[key].rebuild_annotation()).validate_python(item)
        for key, item in data.items()
    }
    if (date := value.get("date")) is not None:
        assert date.start <= date.end and _fits_precision(date), data["date"]
        if date.basis == vocab.DateBasis.EXTERNAL:
            assert date.note, "an external date names its source in the note"
    if "event_type" in value and "event_subtype" in value:
        assert vocab.CROSSWALK[value["event_subtype"]].event_type == value["event_type"]
    for outcome in (value.get(k) for k in ("fatalities", "injuries", "munitions", "attacks")):
        if outcome is not None:
            bounds = [b for b in (outcome.low, outcome.best, outcome.high) if b is not None]
            assert bounds == sorted(bounds), "low <= best <= high"
    if (attribution := value.get("attribution")) is not None:
        alleged = attribution.status == vocab.AttributionStatus.ALLEGED
        assert not alleged or attribution.attributed_by, "alleged names who alleges it"
    known = {a.actor_id: a for a in _registry().actors}
    for actor in value.get("actors", []):
        if actor.actor_id in known:  # the registry declares each actor_id once
            row, seed_row = (
                {c.name: getattr(a, c.name) for c in ACTOR_COLUMNS}
                for a in (actor, known[actor.actor_id])
            )
            assert row == seed_row, actor.actor_id


@pytest.mark.parametrize("snippet", _yaml_snippets(GUIDE), ids=lambda s: s.split("\n")[0][:40])
def test_yaml_snippets_are_valid_codings(snippet: str) -> None:
    """Every YAML snippet parses as the validator reads YAML and codes only values that exist."""
    data = loads(snippet).data
    if isinstance(data, list):  # items of the registry's `actors` or of links.yaml's `links`
        data = {"actors" if all("actor_id" in item for item in data) else "links": data}
    assert isinstance(data, dict) and data
    try:
        _check_snippet(data)
    except ValidationError as exc:
        pytest.fail(f"not a valid {SCHEMA_VERSION} coding:\n{snippet}\n{exc}")


@pytest.mark.parametrize("title", TOPICS)
def test_each_topic_has_a_worked_example(title: str) -> None:
    """The rules that generalise the seed's phrases each come with a marked worked example."""
    body = _subsection(title)
    assert [q for q in _blockquotes(body) if q.startswith((SEED_MARK, CONSTRUCTED_MARK))]


@pytest.mark.parametrize("title", TOPICS)
def test_topics_name_only_values_and_fields_that_exist(title: str) -> None:
    """A coded value or field a topic names in backticks is a vocabulary value, a field, a table,
    a command, an event of the seed or an actor of the registry: a misspelled value cannot slip
    in."""
    seed = _seed_annotation()
    known = _vocabulary_values() | _field_names() | set(TABLES) | set(COMMANDS)
    known |= {e.event_id.removeprefix(f"{SEED_DOC_ID}-") for e in seed.events}
    known |= {a.actor_id for a in _registry().actors}
    words = CODE_WORD.findall("\n".join(_prose(_subsection(title))))
    assert [w for w in words if w not in known] == []


def test_the_checks_find_the_examples() -> None:
    """The parsing above sees the examples: seed and constructed ones, and YAML snippets."""
    assert len(_examples(SEED_MARK)) >= 5
    assert len(_examples(CONSTRUCTED_MARK)) >= 9
    assert len(_yaml_snippets(GUIDE)) >= 8
