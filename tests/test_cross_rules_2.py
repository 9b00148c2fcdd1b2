"""The cross-field rules of schema 2.0.0 (GE413 extended, GE418-GE420, GE514 on every input): one
definition each, the same report from both engines, on tables, events.jsonl and annotation files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grounded_events._schema.versions import schema_dir
from grounded_events._validation import validate
from grounded_events._validation.arrays import known
from grounded_events._validation.codes import CODES
from grounded_events._validation.cross_rules import REPORT_RULES, rules_for
from grounded_events._validation.flattened import _typed_batch
from grounded_events._validation.issues import Report
from helpers import (
    DOC_ID,
    annotation_data,
    set_cell,
    write_annotation,
    write_seeds,
    write_tables,
)

SIDES = (
    "fatalities_initiator_side",
    "fatalities_target_side",
    "fatalities_civilians",
    "fatalities_unknown",
)
SPLIT_MESSAGE = (
    "fatalities_initiator_side: the fatalities by side sum to fatalities best when all four are "
    "given, and never exceed fatalities high (or best)"
)
CLAIM_MESSAGE = (
    "claimed_by: a claimed or denied claim names who claims or denies; no_claim_yet, or no "
    "claim, names nobody"
)


def _both(path: Path, **kwargs: Any) -> Report:
    """The columnar engine's report, after checking that the row-wise engine's is the same."""
    columnar = validate(path, engine="columnar", **kwargs)
    rows = validate(path, engine="rows", **kwargs)
    assert columnar.errors == rows.errors
    return columnar


def _events(tmp_path: Path, **cells: str) -> Report:
    """The report on the test events table with the first event's `cells` set (both engines)."""
    events = write_tables(tmp_path / "t")["events"]
    for column, value in cells.items():
        set_cell(events, 2, column, value)
    return _both(events)


def _split(*parts: str) -> dict[str, str]:
    return dict(zip(SIDES, parts, strict=True))


# --- GE418: fatalities by side against the total ------------------------------------------------


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (
            {**_split("1", "2", "0", "0"), "fatalities_best": "4"},
            "fatalities by side that sum to fatalities_best when all four are given",
        ),
        (
            {**_split("1", "2", "0", "0"), "fatalities_best": ""},
            "fatalities by side that sum to fatalities_best when all four are given",
        ),
        (
            {**_split("3", "", "2", ""), "fatalities_best": "4", "fatalities_high": "4"},
            "fatalities by side that sum to at most fatalities_high (fatalities_best when "
            "fatalities_high is empty)",
        ),
        (
            {**_split("", "5", "", ""), "fatalities_best": "4"},
            "fatalities by side that sum to at most fatalities_high (fatalities_best when "
            "fatalities_high is empty)",
        ),
    ],
)
def test_split_disagreeing_with_the_total(
    tmp_path: Path, cells: dict[str, str], expected: str
) -> None:
    """Four parts that do not sum to best, or given parts above high (best when high is empty),
    are GE418 at the side column, worded as the catalogue says."""
    report = _events(tmp_path, **cells)
    assert [(e.code, e.line, e.field, e.message, e.expected) for e in report.errors] == [
        ("GE418", 2, "fatalities_initiator_side", SPLIT_MESSAGE, expected)
    ]


@pytest.mark.parametrize(
    "cells",
    [
        {**_split("1", "2", "0", "1"), "fatalities_best": "4"},
        {**_split("3", "", "", ""), "fatalities_best": "1", "fatalities_high": "5"},
        {**_split("", "", "7", ""), "fatalities_best": "", "fatalities_high": ""},
    ],
)
def test_split_that_fits_the_total(tmp_path: Path, cells: dict[str, str]) -> None:
    """Four parts summing to best, or some parts within high, or parts with no total: no error."""
    assert _events(tmp_path, **cells).errors == []


# --- GE419: attacks only on an aggregate --------------------------------------------------------


@pytest.mark.parametrize("column", ["attacks_best", "attacks_low", "attacks_high"])
def test_attacks_on_a_single_event(tmp_path: Path, column: str) -> None:
    """A single event that counts attacks (any bound) is GE419 at attacks_best."""
    report = _events(tmp_path, **{column: "3"})
    found = [(e.line, e.field, e.message) for e in report.errors if e.code == "GE419"]
    assert found == [
        (2, "attacks_best", "attacks_best: only an aggregate (is_aggregate true) counts attacks")
    ]


def test_attacks_on_an_aggregate(tmp_path: Path) -> None:
    """An aggregate counts its attacks without GE419."""
    report = _events(tmp_path, is_aggregate="true", attacks_best="78")
    assert report.codes and "GE419" not in report.codes  # the aggregate's own guidelines remain


# --- GE420: a claim's by fits its status --------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "by", "ok"),
    [
        ("claimed", "attackers", True),
        ("denied", "attackers", True),
        ("no_claim_yet", "", True),
        ("", "", True),
        ("claimed", "", False),
        ("denied", "", False),
        ("no_claim_yet", "attackers", False),
        ("", "attackers", False),
    ],
)
def test_claim_by_fits_its_status(tmp_path: Path, status: str, by: str, ok: bool) -> None:
    """claimed and denied name who claims or denies; no_claim_yet and no claim name nobody."""
    report = _events(tmp_path, claim_status=status, claimed_by=by)
    found = [(e.line, e.field, e.message) for e in report.errors if e.code == "GE420"]
    assert found == ([] if ok else [(2, "claimed_by", CLAIM_MESSAGE)])


# --- GE403 already orders every count, munitions and attacks included ---------------------------


@pytest.mark.parametrize(
    ("cells", "field"),
    [
        ({"munitions_low": "14", "munitions_best": "2"}, "munitions_low"),
        ({"munitions_best": "14", "munitions_high": "2"}, "munitions_high"),
        ({"munitions_low": "14", "munitions_high": "2"}, "munitions_high"),
        ({"attacks_low": "41", "attacks_best": "37", "is_aggregate": "true"}, "attacks_low"),
        ({"attacks_best": "78", "attacks_high": "41", "is_aggregate": "true"}, "attacks_high"),
    ],
)
def test_munitions_and_attacks_in_order(tmp_path: Path, cells: dict[str, str], field: str) -> None:
    """low <= best <= high holds for munitions and attacks too (GE403 at the bound out of order)."""
    report = _events(tmp_path, **cells)
    found = [(e.line, e.field) for e in report.errors if e.code == "GE403"]
    assert found == [(2, field)]


# --- GE413: a statement codes nothing of what an act did ----------------------------------------


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("munitions_best", "14"),
        ("damage", "minor"),
        ("damage", "none_reported"),
        ("claim_status", "no_claim_yet"),
        ("fatalities_civilians", "1"),
    ],
)
def test_statement_codes_no_outcome(tmp_path: Path, column: str, value: str) -> None:
    """A statement with munitions, damage, a claim or deaths by side is GE413 alone
    (no GE510 for the span such a value would need: the value itself is the mistake)."""
    events = write_tables(tmp_path / "t")["events"]
    set_cell(events, 3, column, value)
    report = _both(events)
    assert [(e.code, e.line, e.field, e.message) for e in report.errors] == [
        (
            "GE413",
            3,
            "event_type",
            "event_type: a statement has no attribution, weapons, munitions, attacks, "
            "fatalities, injuries, damage or claim",
        )
    ]


def test_statement_claimants_without_a_claim(tmp_path: Path) -> None:
    """claimed_by on a statement is GE413, and GE420 too: no claim names nobody."""
    events = write_tables(tmp_path / "t")["events"]
    set_cell(events, 3, "claimed_by", "attackers")
    assert [e.code for e in _both(events).errors] == ["GE413", "GE420"]


# --- GE514: according_to occurs in the document's text, on every input ---------------------------

MISSING = "a US official"
WORDS_MESSAGE = f"{MISSING!r} does not occur in the text of {DOC_ID}"


@pytest.mark.parametrize(("words", "ok"), [(MISSING, False), ("the State Department", True)])
def test_source_words_in_tables(tmp_path: Path, words: str, ok: bool) -> None:
    """An evidence row's according_to is looked for in its document's text (documents table)."""
    paths = write_tables(tmp_path / "t")
    set_cell(paths["evidence"], 3, "according_to", words)
    report = _both(tmp_path / "t")
    expected = [] if ok else [("GE514", 3, "according_to", f"according_to: {WORDS_MESSAGE}")]
    assert [(e.code, e.line, e.field, e.message) for e in report.errors] == expected


def test_source_words_beside_a_broken_quote(tmp_path: Path) -> None:
    """A row whose quote is wrong still has its according_to checked: both errors, one row."""
    paths = write_tables(tmp_path / "t")
    set_cell(paths["evidence"], 2, "quote", "not the text")
    set_cell(paths["evidence"], 2, "according_to", MISSING)
    report = _both(tmp_path / "t")
    assert [(e.code, e.line) for e in report.errors] == [("GE501", 2), ("GE514", 2)]


def _records(tmp_path: Path, according_to: str) -> Path:
    from grounded_events._package.inputs import event_record
    from grounded_events._schema.models import Event

    write_tables(tmp_path)  # documents.csv beside events.jsonl: the texts
    lines = []
    for data in annotation_data()["events"]:
        record = event_record(Event.model_validate(data), DOC_ID).model_dump(mode="json")
        record["evidence"][0]["according_to"] = according_to
        lines.append(json.dumps(record))
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_source_words_in_records(tmp_path: Path) -> None:
    """An events.jsonl record's according_to is looked for in its document's text."""
    report = validate(_records(tmp_path, MISSING))
    assert [(e.code, e.line, e.field, e.message) for e in report.errors] == [
        ("GE514", n, "evidence[0].according_to", f"evidence[0].according_to: {WORDS_MESSAGE}")
        for n in (1, 2)
    ]
    assert validate(_records(tmp_path, "the State Department")).errors == []


def test_source_words_in_annotation_files(tmp_path: Path) -> None:
    """An annotation file's according_to is judged by the same rule, at its own line."""
    data = annotation_data()
    data["events"][0]["evidence"][0]["according_to"] = MISSING
    (tmp_path / "d" / "annotations").mkdir(parents=True)
    path = write_annotation(tmp_path / "d" / "annotations" / "a.yaml", data)
    report = validate(path, seeds=write_seeds(tmp_path / "seeds"))
    lines = path.read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if text.endswith(f"according_to: {MISSING}"))
    field = "events[0].evidence[0].according_to"
    assert [(e.code, e.line, e.field, e.message) for e in report.errors] == [
        ("GE514", line, field, f"{field}: {WORDS_MESSAGE}")
    ]


# --- annotation files: the same rules, errors at the YAML line of the field --------------------


def _annotation_codes(tmp_path: Path, **fields: Any) -> list[tuple[str, str]]:
    data = annotation_data()
    data["events"][0].update(fields)
    (tmp_path / "d" / "annotations").mkdir(parents=True)
    path = write_annotation(tmp_path / "d" / "annotations" / "a.yaml", data)
    report = validate(path, seeds=write_seeds(tmp_path / "seeds"))
    return [(e.code, e.field) for e in report.errors if e.code in ("GE418", "GE419", "GE420")]


def test_annotation_rules_point_at_their_fields(tmp_path: Path) -> None:
    """In an annotation file GE418, GE419 and GE420 point at the event's own fields."""
    found = _annotation_codes(
        tmp_path,
        fatalities_by_side={"initiator_side": 2, "target_side": 0, "civilians": 0, "unknown": 0},
        attacks={"best": 2},
        claim={"status": "claimed"},
    )
    assert sorted(found) == [
        ("GE418", "events[0].fatalities_by_side.initiator_side"),
        ("GE419", "events[0].attacks.best"),
        ("GE420", "events[0].claim.by"),
    ]


# --- one definition, two readings: the row form and the vectorised form agree ------------------

_COUNT = st.none() | st.integers(0, 5) | st.integers(0, 10_000_000)  # models.Count
_CHECKED = {"GE403", "GE413", "GE418", "GE419", "GE420"}


@st.composite
def _rows(draw: st.DrawFn) -> dict[str, Any]:
    statement = draw(st.booleans())
    row: dict[str, Any] = {
        "event_type": "statement" if statement else "remote_violence",
        "event_subtype": "condemnation" if statement else "rocket_attack",
        "is_aggregate": draw(st.none() | st.booleans()),
        "claim_status": draw(st.sampled_from([None, "claimed", "no_claim_yet", "denied"])),
        "claimed_by": draw(st.lists(st.sampled_from(["a", "b"]), max_size=2)),
        "damage": draw(st.sampled_from([None, "none_reported", "minor"])),
    }
    for column in (*SIDES, "fatalities_best", "fatalities_low", "fatalities_high"):
        row[column] = draw(_COUNT)
    for column in ("attacks_best", "attacks_low", "attacks_high", "munitions_best"):
        row[column] = draw(_COUNT)
    return row


@settings(max_examples=300, deadline=None)
@given(st.lists(_rows(), min_size=1, max_size=8))
def test_row_and_vector_forms_agree(rows: list[dict[str, Any]]) -> None:
    """On any rows, each rule's row form fails exactly where its vectorised form does."""
    cols = _typed_batch("events", schema_dir(None), rows)
    typed = [{c: cols[c][i].as_py() for c in cols} for i in range(len(rows))]
    for rule in rules_for("events"):
        if rule.code in _CHECKED:
            vector = known(rule.vector(cols)).to_pylist()
            assert vector == [not rule.row(r) for r in typed], rule.name


def test_every_new_rule_has_its_code() -> None:
    """Each rule of what reports give is a cross-field code of the catalogue, read by one table."""
    assert {r.code for r in REPORT_RULES} == {"GE418", "GE419", "GE420"}
    assert {CODES[r.code].layer for r in REPORT_RULES} == {"cross-field"}
    assert all(r in rules_for("events") for r in REPORT_RULES)


def test_statement_rule_on_a_1_0_0_table(tmp_path: Path) -> None:
    """A 1.0.0 events table (no column of what an act did) still has its statements judged."""
    import csv

    path = write_tables(tmp_path / "t")["events"]
    old = json.loads((schema_dir("1.0.0") / "tables" / "events.schema.json").read_text("utf-8"))
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    rows[1]["weapons"] = "rocket"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, list(old["properties"]), extrasaction="ignore")
        writer.writeheader()
        writer.writerows({**row, "refers_to": ""} for row in rows)
    report = _both(path, schema_version="1.0.0")
    assert [(e.code, e.line, e.expected) for e in report.errors] == [
        ("GE413", 3, "no attribution, weapons, fatalities or injuries on a statement")
    ]
