"""Filling evidence offsets from quotes: in place, layout kept, ambiguous and absent quotes listed."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grounded_events._core.safe_yaml import loads
from grounded_events._core.version import SCHEMA_VERSION
from grounded_events._sources.fill import (
    OCCURRENCE,
    SHOWN_CANDIDATES,
    Filled,
    FillError,
    Outcome,
    fill_file,
    fill_text,
)
from grounded_events._sources.quotes import locate
from helpers import ROOT

SEEDS = ROOT / "seeds"
COMMITTED = ROOT / "datasets" / "annotations" / "rudaw-20231212.yaml"
TEXT = (SEEDS / "000_d3a59bc8da211749.txt").read_text(encoding="utf-8")
SHA = hashlib.sha256(TEXT.encode("utf-8")).hexdigest()
# One evidence item of the committed file, as it is written there (flow style, one per line),
# with the keys after its quote (according_to, hedge) if any.
ITEM = re.compile(
    r'\{field: (\w+), start: (\d+), end: (\d+), quote: ("(?:[^"\\]|\\.)*")((?:, [^{}]*)?)\}'
)


def quote_only(source: str) -> tuple[str, int]:
    """`source` with every evidence item's start and end removed, and `occurrence: N` added
    where the quote occurs more than once; and how many items there were."""

    def strip(match: re.Match[str]) -> str:
        field, start, end, quote, rest = match.groups()
        spans = locate(TEXT, json.loads(quote))
        pick = "" if len(spans) == 1 else f", occurrence: {spans.index((int(start), int(end))) + 1}"
        return f"{{field: {field}, quote: {quote}{rest}{pick}}}"

    return ITEM.subn(strip, source)


def annotation(*items: str) -> str:
    """A small annotation file of the seed whose one event has these evidence lines."""
    lines = "".join(f"      {item}\n" for item in items)
    return (
        f"schema_version: {SCHEMA_VERSION}\n"
        "doc_id: rudaw-20231212\n"
        f"sha256: {SHA}\n"
        "events:\n"
        "  - event_id: rudaw-20231212-e01\n"
        "    evidence:\n" + lines
    )


def fill(source: str) -> Filled:
    return fill_text(source, "a.yaml", SEEDS)


def counts(filled: Filled) -> tuple[int, int, int]:
    return tuple(filled.outcomes[o] for o in Outcome)  # type: ignore[return-value]


# --- the committed file ---------------------------------------------------------------------------


def test_fill_gives_back_the_committed_file_byte_for_byte() -> None:
    """With every start and end removed (and `occurrence` where a quote repeats), the fill
    writes back exactly the committed annotation file: comments, order, quoting, layout."""
    committed = COMMITTED.read_text(encoding="utf-8")
    source, items = quote_only(committed)
    assert items == committed.count("quote:") > 100
    assert source.count(OCCURRENCE) >= 10
    filled = fill(source)
    assert filled.problems == [] and filled.layout_kept
    assert counts(filled) == (items, 0, 0)
    assert filled.text == committed


def test_a_second_fill_changes_nothing() -> None:
    """Filling a filled file keeps every offset and writes nothing: the fill is idempotent."""
    once = fill(quote_only(COMMITTED.read_text(encoding="utf-8"))[0]).text
    assert once is not None
    again = fill(once)
    assert again.text is None and again.problems == []
    assert counts(again) == (0, 0, once.count("quote:"))


def test_the_committed_file_needs_no_fill() -> None:
    """Every offset of the committed file already slices to its quote."""
    filled = fill_file(COMMITTED, SEEDS)
    assert filled.text is None and filled.problems == []


# --- one item ---------------------------------------------------------------------------------


def test_a_quote_only_item_gets_start_and_end_before_its_quote() -> None:
    """start and end go where the schema puts them: after the field, before the quote."""
    filled = fill(annotation('- {field: location, quote: "the US embassy in Baghdad"}'))
    assert filled.text == annotation(
        '- {field: location, start: 411, end: 436, quote: "the US embassy in Baghdad"}'
    )
    assert counts(filled) == (1, 0, 0)


def test_wrong_offsets_are_repaired_and_right_ones_kept() -> None:
    """Offsets that do not slice to the quote are rewritten in place; right ones stay."""
    filled = fill(
        annotation(
            '- {field: location, start: 400, end: 425, quote: "the US embassy in Baghdad"}',
            '- {field: date, start: 275, end: 284, quote: "on Monday"}',
            '- {field: weapons, start: 383, quote: "A spate of rockets"}',
        )
    )
    assert filled.text == annotation(
        '- {field: location, start: 411, end: 436, quote: "the US embassy in Baghdad"}',
        '- {field: date, start: 275, end: 284, quote: "on Monday"}',
        '- {field: weapons, start: 383, end: 401, quote: "A spate of rockets"}',
    )
    assert counts(filled) == (0, 2, 1)


def test_offsets_on_one_of_several_occurrences_are_kept() -> None:
    """A repeated quote whose offsets already pick one occurrence needs no `occurrence`."""
    source = annotation('- {field: speaker, start: 1152, end: 1162, quote: "Washington"}')
    filled = fill(source)
    assert filled.text is None and filled.problems == []


def test_occurrence_picks_the_nth_and_is_removed() -> None:
    """`occurrence: N` picks the Nth occurrence (from 1) and is gone after the fill, so the
    file stays a valid 1.0.0 file."""
    filled = fill(
        annotation(
            '- {field: speaker, quote: "Washington", occurrence: 2}',
            '- {field: speaker, start: 301, end: 311, quote: "Washington", occurrence: 3}',
        )
    )
    assert filled.text == annotation(
        '- {field: speaker, start: 1152, end: 1162, quote: "Washington"}',
        '- {field: speaker, start: 1547, end: 1557, quote: "Washington"}',
    )
    assert counts(filled) == (1, 1, 0)


def test_block_items_keep_their_comments_and_indentation() -> None:
    """In a block mapping the offsets are new lines before the quote; every comment stays,
    one written after `occurrence` too."""
    source = annotation(
        "- field: speaker  # who says it",
        "  quote: Washington",
        "  occurrence: 2  # the second paragraph's",
        "  # the next item is the date",
        "- field: date",
        '  quote: "on Monday"   # resolved against the publication date',
    )
    assert fill(source).text == annotation(
        "- field: speaker  # who says it",
        "  start: 1152",
        "  end: 1162",
        "  quote: Washington # the second paragraph's",
        "  # the next item is the date",
        "- field: date",
        "  start: 275",
        "  end: 284",
        '  quote: "on Monday"   # resolved against the publication date',
    )


def test_a_byte_order_mark_is_kept() -> None:
    """A file that starts with a UTF-8 byte-order mark keeps it."""
    source = annotation('- {field: date, quote: "on Monday"}')
    filled = fill("\ufeff" + source)
    assert filled.text == "\ufeff" + annotation(
        '- {field: date, start: 275, end: 284, quote: "on Monday"}'
    )


# --- quotes left as they were ----------------------------------------------------------------


def test_an_ambiguous_quote_is_listed_with_its_candidates() -> None:
    """A quote that occurs several times, without `occurrence`, is left as it is and listed
    with its line and every occurrence in context; the other items are still filled."""
    source = annotation(
        '- {field: date, quote: "on Monday"}',
        '- {field: speaker, quote: "Washington"}',
    )
    filled = fill(source)
    assert filled.text == annotation(
        '- {field: date, start: 275, end: 284, quote: "on Monday"}',
        '- {field: speaker, quote: "Washington"}',
    )
    (problem,) = filled.problems
    assert problem.line == 8
    assert problem.message == (
        "quote 'Washington' occurs 3 times in rudaw-20231212; add `occurrence: N` to the item "
        "to pick one:"
    )
    assert [d.split(": …")[0] for d in problem.details] == [
        "occurrence: 1  301-311",
        "occurrence: 2  1152-1162",
        "occurrence: 3  1547-1557",
    ]
    assert "that [Washington] expects Baghdad" in problem.details[0]


def test_many_occurrences_are_listed_up_to_a_limit() -> None:
    """A quote found everywhere lists SHOWN_CANDIDATES occurrences and how many more."""
    many = locate(TEXT, "the")
    assert len(many) > SHOWN_CANDIDATES
    (problem,) = fill(annotation('- {field: event, quote: "the"}')).problems
    assert len(problem.details) == SHOWN_CANDIDATES + 1
    assert problem.details[-1] == f"… and {len(many) - SHOWN_CANDIDATES} more"


def test_an_absent_quote_is_listed_with_the_nearest_passage() -> None:
    """A misspelt quote is left as it is; the nearest passage and its offsets are listed."""
    source = annotation('- {field: location, quote: "the US embasy in Bagdad"}')
    filled = fill(source)
    assert filled.text is None
    (problem,) = filled.problems
    assert problem.message.startswith(
        "quote 'the US embasy in Bagdad' does not occur in rudaw-20231212; the nearest passage"
    )
    assert problem.details[0].startswith("411-436: …")
    assert "[the US embassy in Baghdad]" in problem.details[0]


def test_straight_marks_point_at_the_curly_occurrence() -> None:
    """A quote typed with ' where the seed has ’ is not filled, and the seed's own occurrence
    is shown, so the annotator copies its marks."""
    (problem,) = fill(annotation("""- {field: medium, quote: "Rudaw's Diyar Kurda"}""")).problems
    assert "straight and curly quotation marks" in problem.message
    assert problem.details[0].startswith("887-906: ")
    assert "[Rudaw’s Diyar Kurda]" in problem.details[0]


def test_a_quote_that_is_nowhere_near_says_so() -> None:
    """Nothing close: the listing says so rather than inventing a match."""
    (problem,) = fill(annotation('- {field: event, quote: "qqqqzzzzxxxx"}')).problems
    assert problem.message.endswith("and no passage of it is close")
    assert problem.details == ()


@pytest.mark.parametrize(
    ("item", "says"),
    [
        ('{field: speaker, quote: "Washington", occurrence: 4}', "but quote 'Washington' occurs 3"),
        ('{field: speaker, quote: "Washington", occurrence: 0}', "0 is not a whole number"),
        ('{field: speaker, quote: "Washington", occurrence: two}', "'two' is not a whole"),
        ('{field: speaker, quote: "Washington", occurrence: true}', "True is not a whole"),
        ("{field: speaker, start: 1, end: 4}", "no quote"),
        ('{field: speaker, quote: ""}', "no quote"),
    ],
    ids=["past-the-last", "zero", "text", "boolean", "no-quote", "empty-quote"],
)
def test_an_item_the_fill_cannot_resolve_is_listed(item: str, says: str) -> None:
    """A bad `occurrence` or a missing quote is listed, and the item is left untouched."""
    filled = fill(annotation(f"- {item}"))
    assert filled.text is None
    (problem,) = filled.problems
    assert says in problem.message


# --- schema 2.0.0: who says so, and the evidence of links --------------------------------------

CASUALTIES = "The attacks did not result in any casualties"


def test_the_words_naming_a_source_and_the_hedge_are_kept() -> None:
    """An item of a 2.0.0 field with according_to and hedge gets its offsets before its quote,
    and keeps the keys after it as they were."""
    filled = fill(
        annotation(
            f'- {{field: damage, quote: "{CASUALTIES}", according_to: "Washington", '
            "hedge: reported}"
        )
    )
    assert filled.text is not None and filled.problems == []
    (item,) = loads(filled.text).data["events"][0]["evidence"]
    start = TEXT.index(CASUALTIES)
    assert list(item.items()) == [
        ("field", "damage"),
        ("start", start),
        ("end", start + len(CASUALTIES)),
        ("quote", CASUALTIES),
        ("according_to", "Washington"),
        ("hedge", "reported"),
    ]


def links_file(*items: str) -> str:
    """A links.yaml whose one link has these evidence lines."""
    lines = "".join(f"      {item}\n" for item in items)
    return (
        f"schema_version: {SCHEMA_VERSION}\n"
        "links:\n"
        "  - relation: part_of\n"
        "    source: rudaw-20231212-e03\n"
        "    target: rudaw-20231212-e07\n"
        "    evidence:\n" + lines
    )


def test_link_evidence_is_filled_in_the_document_each_span_names() -> None:
    """In links.yaml each span is found in the document its doc_id names; a span of an unknown
    document, or without one, is listed and the others are filled."""
    source = links_file(
        f'- {{doc_id: rudaw-20231212, quote: "{CASUALTIES}"}}',
        '- {doc_id: nope, quote: "anything"}',
        '- {quote: "anything"}',
    )
    filled = fill_text(source, "links.yaml", SEEDS)
    assert filled.text is not None
    first, unknown, bare = loads(filled.text).data["links"][0]["evidence"]
    assert TEXT[first["start"] : first["end"]] == CASUALTIES
    assert "start" not in unknown and "start" not in bare
    assert [(p.line, p.message.split(" (known")[0]) for p in filled.problems] == [
        (8, f"doc_id 'nope' is not in {SEEDS / 'index.json'}"),
        (9, "no doc_id: name the document of the quote"),
    ]
    assert counts(filled) == (1, 0, 0)


def test_the_committed_links_need_no_fill() -> None:
    """Every evidence span of the committed links.yaml already slices to its quote."""
    filled = fill_file(ROOT / "datasets" / "links.yaml", SEEDS)
    assert (filled.text, filled.problems) == (None, [])
    assert filled.outcomes[Outcome.KEPT] >= 1


# --- files that cannot be filled -----------------------------------------------------------


def _seeds_copy(tmp: Path) -> Path:
    seeds = tmp / "seeds"
    shutil.copytree(SEEDS, seeds)
    return seeds


@pytest.mark.parametrize(
    ("source", "says"),
    [
        ("events: [\n", "a.yaml:2: not readable YAML"),
        ("doc_id: a\ndoc_id: b\n", "not readable YAML: duplicate key"),
        ("- a list\n", "no doc_id"),
        (annotation().replace("doc_id: rudaw-20231212", "doc_id: nope"), "'nope' is not in"),
        (annotation().replace(SHA, "0" * 64), "the file was coded against another text"),
    ],
    ids=["malformed", "duplicate-key", "not-a-mapping", "unknown-doc", "pinned-hash"],
)
def test_a_file_that_cannot_be_filled_is_refused(source: str, says: str) -> None:
    """Unreadable YAML, no doc_id, an unknown document or another text's hash: FillError."""
    with pytest.raises(FillError, match=re.escape(says)):
        fill(source)


def test_an_edited_seed_is_refused(tmp_path: Path) -> None:
    """A seed whose bytes no longer match the index is not filled against."""
    seeds = _seeds_copy(tmp_path)
    (seeds / "000_d3a59bc8da211749.txt").write_text(TEXT + " ", encoding="utf-8")
    with pytest.raises(FillError, match="must not be edited"):
        fill_text(annotation('- {field: date, quote: "on Monday"}'), "a.yaml", seeds)


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    """fill_file reads the file safely: bytes that are not UTF-8 are a FillError."""
    path = tmp_path / "a.yaml"
    path.write_bytes(b"doc_id: caf\xe9\n")
    with pytest.raises(FillError, match="not UTF-8 at byte 11"):
        fill_file(path, SEEDS)


def test_a_layout_the_writer_cannot_reproduce_is_flagged() -> None:
    """When ruamel cannot write the file back unchanged, Filled says so (the command warns)."""
    source = annotation('- {field: date, quote: "on Monday"}').replace("doc_id: ", "doc_id:    ")
    filled = fill(source)
    assert filled.text is not None and not filled.layout_kept


# --- any span of the seed ------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_any_span_of_the_seed_is_filled_to_offsets_that_slice_to_it(data: st.DataObject) -> None:
    """For a random span of the seed, a quote-only item (with `occurrence` when its words repeat)
    is filled with offsets that slice to exactly the quote: the span itself."""
    start = data.draw(st.integers(0, len(TEXT) - 1))
    end = data.draw(st.integers(start + 1, min(len(TEXT), start + 80)))
    quote = TEXT[start:end]
    spans = locate(TEXT, quote)
    pick = f", occurrence: {spans.index((start, end)) + 1}" if len(spans) > 1 else ""
    filled = fill(annotation(f"- {{field: event, quote: {json.dumps(quote)}{pick}}}"))
    assert filled.problems == [] and filled.text is not None
    (item,) = loads(filled.text).data["events"][0]["evidence"]
    assert item == {"field": "event", "start": start, "end": end, "quote": quote}
    assert TEXT[item["start"] : item["end"]] == quote
