"""The words of validation errors: each says what to write instead, as exact text."""

from __future__ import annotations

import copy
import csv
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from grounded_events._core.dataset_files import ACTORS_FILE
from grounded_events._schema.models import ActorRegistry, AnnotationFile, EventRecord
from grounded_events._schema.tables import TABLES, actor_rows
from grounded_events._schema.versions import schema_dir
from grounded_events._validation import validate
from grounded_events._validation.issues import Issue
from grounded_events._validation.model_issues import pydantic_issues, strict
from grounded_events._validation.rules import table_columns
from grounded_events._validation.suggest import closest, one_of
from helpers import (
    DOC_ID,
    actors_data,
    annotation_data,
    set_cell,
    write_annotation,
    write_rows,
    write_seeds,
    write_tables,
    write_yaml,
)

ENGINES = ("columnar", "rows")


def _both(path: Path, **kwargs: Any) -> list[Issue]:
    """The errors of `path`, the same in both engines."""
    reports = [validate(path, engine=engine, **kwargs) for engine in ENGINES]
    assert reports[0].errors == reports[1].errors
    return list(reports[0].errors)


def _rewrite_header(path: Path, names: list[str] | None = None, **renamed: str) -> None:
    """Keep only the columns `names` (all by default) of a CSV table, some renamed."""
    rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
    keep = [rows[0].index(n) for n in (names or rows[0])]
    rows = [[row[i] for i in keep] for row in rows]
    rows[0] = [renamed.get(n, n) for n in rows[0]]
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


# --- suggestions ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "choices", "meant"),
    [
        ("fatalites_best", ["fatalities_best", "fatalities_low"], "fatalities_best"),
        ("statment", ["statement", "demonstration"], "statement"),
        ("dya", ["day", "days", "week"], "day"),
        ("Condemnation", ["condemnation", "denial"], "condemnation"),
        ("nam", ["name", "note"], "name"),
        ("severity", ["name", "note", "actor_id"], None),
        ("x" * 100_000, ["name"], None),
        ("x", [], None),
    ],
)
def test_closest_names_the_likely_misspelling(word: str, choices: list[str], meant: str) -> None:
    """A near name is suggested (another case first of all); nothing for a far or huge word."""
    assert closest(word, choices) == meant


def test_one_of_lists_a_short_vocabulary_and_counts_a_long_one() -> None:
    """Up to 8 allowed values are listed; more are counted and pointed to the codebook."""
    assert one_of(["a", "b"]) == "one of a, b"
    assert one_of([str(i) for i in range(9)]) == "one of the 9 values listed in the codebook"
    assert one_of([str(i) for i in range(9)], "keys") == "one of the 9 keys listed in the codebook"


# --- the header of a table --------------------------------------------------------------------


def test_a_misspelt_column_is_one_issue_that_names_the_column_meant(tmp_path: Path) -> None:
    """A misspelt column is one GE202 saying which column was meant; the column it misspells
    is not also reported missing."""
    paths = write_tables(tmp_path / "t")
    _rewrite_header(paths["events"], date_end="date_edn")
    [found] = _both(paths["events"])
    assert (found.line, found.field, found.code) == (1, "date_edn", "GE202")
    assert found.message == (
        "column 'date_edn' is not in the events table; did you mean 'date_end'?"
    )
    assert (found.expected, found.actual) == ("date_end", "date_edn")


def test_a_header_of_mostly_unknown_columns_gets_no_guesses(tmp_path: Path) -> None:
    """A header with more unknown columns than the table has is another file's: no column is
    taken for a misspelling, and the missing one is reported."""
    path = tmp_path / "events.csv"
    unknown = len(TABLES["events"].columns) + 1
    header = ["date_edn", *(f"x{i}" for i in range(unknown - 1))]
    path.write_text(",".join(header) + "\n", encoding="utf-8")
    found = _both(path)
    assert not any("did you mean" in e.message for e in found)
    assert sum(e.code == "GE202" for e in found) == unknown
    assert [e.field for e in found if e.code == "GE203"] == ["event_id"]


def test_an_unknown_column_lists_no_columns(tmp_path: Path) -> None:
    """A column like none of the table's says so without listing the table's 36 columns."""
    paths = write_tables(tmp_path / "t")
    _rewrite_header(paths["events"], summary="severity")
    found = _both(paths["events"])
    assert [(e.code, e.message, e.expected) for e in found] == [
        ("GE203", "the events table has no 'summary' column", "summary"),
        ("GE202", "column 'severity' is not in the events table", "a column of the events table"),
    ]


def test_missing_required_columns_are_one_issue(tmp_path: Path) -> None:
    """A 5-column events table gets one GE203 naming the required columns it lacks; the
    nullable and list columns it lacks are no error."""
    paths = write_tables(tmp_path / "t")
    _rewrite_header(paths["events"], ["event_id", "doc_id", "event_type", "date_start", "summary"])
    [found] = _both(paths["events"])
    assert (found.line, found.code) == (1, "GE203")
    assert found.message == (
        "the events table has no 'event_subtype', 'is_aggregate', 'date_end', 'date_precision' "
        "and 'date_basis' columns"
    )
    assert found.expected == "event_subtype, is_aggregate, date_end, date_precision, date_basis"


def test_a_table_of_only_its_required_columns_is_valid(tmp_path: Path) -> None:
    """Every nullable and list column may be left out: the table is read as if they were empty."""
    data = annotation_data()
    event = data["events"][1]  # a statement: no location, counts or weapons to leave behind
    # the document's only event, so numbered e01 (GE605)
    data["events"] = [{**event, "event_id": f"{data['doc_id']}-e01"}]
    paths = write_tables(tmp_path / "t", data)
    registry = ActorRegistry.model_validate(actors_data())
    used = [a for a in actor_rows(registry) if a["actor_id"] == "usa-state-department"]
    write_rows(tmp_path / "t", {"actors": used})  # no actor the table leaves unused (GE603)
    columns = table_columns(schema_dir(None), "events")
    required = [c.name for c in columns if c.required and c.kind != "list"]
    _rewrite_header(paths["events"], required)
    assert _both(tmp_path / "t") == []


def test_missing_columns_in_a_parquet_partition_are_one_issue(tmp_path: Path) -> None:
    """The dask engine's partitions report the missing required columns as the others do."""
    from grounded_events._validation.dask_engine import check_partition

    pq.write_table(pa.table({"event_id": ["a-e01"], "doc_id": ["a"]}), tmp_path / "p.parquet")
    partial = check_partition(
        str(tmp_path / "p.parquet"), "events", str(schema_dir(None)), "d", 0, {}, None
    )
    assert [i.message for _, _, i in partial.issues] == [
        "the events table has no 'event_type', 'event_subtype', 'is_aggregate', 'date_start', "
        "'date_end', 'date_precision', 'date_basis' and 'summary' columns"
    ]


@pytest.mark.parametrize(("separator", "word"), [(";", "semicolon"), ("\t", "tab"), ("|", "pipe")])
def test_a_csv_separated_otherwise_says_so_once(tmp_path: Path, separator: str, word: str) -> None:
    """A CSV whose header reads as one column holding ; tab or | is one GE109 naming the
    separator, not a cell-count error per row."""
    paths = write_tables(tmp_path / "t")
    rows = list(csv.reader(paths["events"].open(encoding="utf-8", newline="")))
    with paths["events"].open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=separator, lineterminator="\n").writerows(rows)
    [found] = _both(paths["events"])
    assert (found.line, found.code) == (1, "GE109")
    assert found.message == (
        f"the file looks {word}-separated; the package's CSV uses commas "
        "(in a spreadsheet: Save As 'CSV UTF-8 (Comma delimited)')"
    )


# --- vocabulary values in tables ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "value", "message", "expected"),
    [
        (
            "event_type",
            "statment",
            "event_type is not in the vocabulary; did you mean 'statement'?",
            "one of remote_violence, armed_clash, violence_against_civilians, demonstration, "
            "statement, strategic_development",
        ),
        (
            "event_subtype",
            "Condemnation",
            "event_subtype is not in the vocabulary; did you mean 'condemnation'?",
            "one of the 32 values listed in the codebook",
        ),
        (
            "event_subtype",
            "zzzz",
            "event_subtype is not in the vocabulary",
            "one of the 32 values listed in the codebook",
        ),
        (
            "weapons",
            "rockt",
            "weapons is not in the vocabulary; did you mean 'rocket'?",
            "one of the 11 values listed in the codebook",
        ),
    ],
)
def test_a_value_not_in_the_vocabulary_names_the_value_meant(
    tmp_path: Path, column: str, value: str, message: str, expected: str
) -> None:
    """GE301 in a table says which value of the vocabulary was meant, and lists a short
    vocabulary (a long one is counted), in both engines."""
    paths = write_tables(tmp_path / "t")
    set_cell(paths["events"], 3, column, value)
    found = [e for e in _both(tmp_path / "t") if e.code == "GE301"]
    assert [(e.line, e.field, e.message, e.expected, e.actual) for e in found] == [
        (3, column, message, expected, value)
    ]


# --- annotation files: pydantic's errors in the project's words -----------------------------------


def _annotation_errors(
    tmp_path: Path, data: dict[str, Any], actors: dict[str, Any] | None = None
) -> list[tuple[Any, ...]]:
    """The errors of an annotation file and of its dataset's actors.yaml (the test actors by
    default), validated together."""
    path = write_annotation(tmp_path / "a.yaml", data)
    registry = tmp_path / ACTORS_FILE
    if actors is not None:
        write_yaml(registry, actors)
    errors = validate([path, registry], seeds=write_seeds(tmp_path / "seeds")).errors
    return [(e.field, e.code, e.message, e.expected, e.actual) for e in errors]


def test_an_annotation_date_says_yyyy_mm_dd(tmp_path: Path) -> None:
    """A date that is not YYYY-MM-DD is GE205 in the words of the tables' date check."""
    data = annotation_data()
    data["annotated"] = "2026-1-25"
    assert _annotation_errors(tmp_path, data) == [
        (
            "annotated",
            "GE205",
            "annotated is not a calendar date",
            "a date YYYY-MM-DD",
            "2026-1-25",
        )
    ]


def test_a_misspelt_key_names_the_key_meant_once(tmp_path: Path) -> None:
    """A misspelt required key is one GE202 naming the key meant (not also 'name is
    required'); an unknown key like none lists the keys of its mapping."""
    actors = actors_data()
    actors["actors"][0]["nme"] = actors["actors"][0].pop("name")
    actors["actors"][1]["severity"] = 3
    actor_keys = "one of actor_id, name, variants, actor_type, country_iso3, parent_actor_id, note"
    assert _annotation_errors(tmp_path, annotation_data(), actors) == [
        (
            "actors[0].nme",
            "GE202",
            "actors[0].nme: unknown key; did you mean 'name'?",
            actor_keys,
            "US Embassy",
        ),
        ("actors[1].severity", "GE202", "actors[1].severity: unknown key", actor_keys, "3"),
    ]


@pytest.mark.parametrize(
    ("where", "value", "expected"),
    [
        (
            ("actors", 0, "actor_type"),
            "goverment_body",
            (
                "actors[0].actor_type",
                "GE301",
                "actors[0].actor_type is not in the vocabulary; did you mean 'government_body'?",
                "one of the 12 values listed in the codebook",
                "goverment_body",
            ),
        ),
        (
            ("events", 0, "date", "precision"),
            "dya",
            (
                "events[0].date.precision",
                "GE301",
                "events[0].date.precision is not in the vocabulary; did you mean 'day'?",
                "one of day, days, week, month, year, range",
                "dya",
            ),
        ),
        (
            ("events", 0, "summary"),
            3,
            ("events[0].summary", "GE204", "events[0].summary is not text", "text", "3"),
        ),
        (
            ("events", 0, "fatalities", "best"),
            "2",
            (
                "events[0].fatalities.best",
                "GE204",
                "events[0].fatalities.best is not an integer",
                "an integer",
                "2",
            ),
        ),
        (
            ("events", 0, "fatalities", "best"),
            -1,
            (
                "events[0].fatalities.best",
                "GE207",
                "events[0].fatalities.best is too small",
                ">= 0",
                "-1",
            ),
        ),
        (
            ("events", 0, "summary"),
            "",
            (
                "events[0].summary",
                "GE208",
                "events[0].summary is too short",
                "at least 1 characters",
                "",
            ),
        ),
        (
            ("events", 0, "evidence"),
            [],
            (
                "events[0].evidence",
                "GE208",
                "events[0].evidence is too short",
                "at least 1 items",
                "[]",
            ),
        ),
        (
            ("actors", 2, "actor_id"),
            "Bad Id",
            (
                "actors[2].actor_id",
                "GE206",
                "actors[2].actor_id does not match its format",
                "text matching ^[a-z0-9]+(?:-[a-z0-9]+)*$",
                "Bad Id",
            ),
        ),
        (
            ("actors", 0, "country_iso3"),
            "USX",
            (
                "actors[0].country_iso3",
                "GE302",
                "actors[0].country_iso3 is not a known code",
                "an ISO 3166-1 alpha-3 country code",
                "USX",
            ),
        ),
        (
            ("events", 0, "is_aggregate"),
            "no",
            (
                "events[0].is_aggregate",
                "GE204",
                "events[0].is_aggregate is not true or false",
                "true or false",
                "no",
            ),
        ),
        (
            ("events", 0, "date"),
            "2023-12-08",
            (
                "events[0].date",
                "GE204",
                "events[0].date is not a mapping of keys to values",
                "a mapping of keys to values",
                "2023-12-08",
            ),
        ),
    ],
    ids=[
        "vocabulary",
        "short-vocabulary",
        "text",
        "integer",
        "bound",
        "short-text",
        "short-list",
        "pattern",
        "country",
        "boolean",
        "mapping",
    ],
)
def test_an_annotation_error_is_in_the_projects_words(
    tmp_path: Path, where: tuple[Any, ...], value: Any, expected: tuple[Any, ...]
) -> None:
    """Each kind of structure error of an annotation file (or of the actors.yaml it names its
    actors in) has the project's wording."""
    data, actors = annotation_data(), actors_data()
    holder: Any = actors if where[0] == "actors" else data
    for step in where[:-1]:
        holder = holder[step]
    holder[where[-1]] = value
    found = [e for e in _annotation_errors(tmp_path, data, actors) if e[0] == expected[0]]
    assert found == [expected]


def test_a_document_that_is_not_a_mapping_says_so() -> None:
    """An annotation that is not a mapping at all is GE204 at no field."""
    with pytest.raises(ValidationError) as caught:
        strict(AnnotationFile, [1])
    [found] = pydantic_issues(caught.value, "a.yaml", lambda loc: None)
    assert (found.field, found.code, found.message) == (
        None,
        "GE204",
        "the document is not a mapping of keys to values",
    )


def test_an_events_record_is_worded_alike() -> None:
    """An events.jsonl record's crosswalk value (a Literal) gets the same suggestion."""
    record = _record()
    record["crosswalks"]["plover_event_type"] = "ASSUALT"
    with pytest.raises(ValidationError) as caught:
        strict(EventRecord, record)
    [found] = pydantic_issues(caught.value, "events.jsonl", lambda loc: 1)
    assert (found.field, found.code, found.message) == (
        "crosswalks.plover_event_type",
        "GE301",
        "crosswalks.plover_event_type is not in the vocabulary; did you mean 'ASSAULT'?",
    )


def _record() -> dict[str, Any]:
    """A valid events.jsonl record (an event with its doc_id and crosswalks)."""
    line = (schema_dir(None).parents[1] / "datasets/grounded-events/events.jsonl").read_text(
        encoding="utf-8"
    )
    return dict(json.loads(line.splitlines()[0]))


# --- no third-party wording -----------------------------------------------------------------------

# Phrases of pydantic's own messages: none may reach a user.
PYDANTIC_PHRASES = ("Input should", "Extra inputs", "Field required", "pydantic", "valid ")

_ODD = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.sampled_from(["", "2023-02-30", "2023-1-1", "IRQ", "XXX", "IQ-ZZ", "xx", "Bad Id"]),
    st.lists(st.integers(0, 3), max_size=2),
    st.just({"a": 1}),
)


def _places(value: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside `value`."""
    out = [at] if at else []
    if isinstance(value, dict):
        for key, item in value.items():
            out += _places(item, (*at, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out += _places(item, (*at, index))
    return out


BASE = annotation_data()
PLACES = _places(BASE)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    changes=st.lists(
        st.tuples(st.sampled_from(PLACES), st.sampled_from(["set", "drop", "add"]), _ODD),
        min_size=1,
        max_size=4,
    )
)
def test_no_message_is_in_pydantics_words(changes: list[tuple[Any, str, Any]]) -> None:
    """Whatever is changed, dropped or added in an annotation, each error's message and
    expectation is in the project's words, never pydantic's."""
    data = copy.deepcopy(BASE)
    for place, how, value in changes:
        holder: Any = data
        try:
            for step in place[:-1]:
                holder = holder[step]
            if how == "set":
                holder[place[-1]] = value
            elif how == "drop" and isinstance(holder, dict):
                holder.pop(place[-1], None)
            elif how == "add" and isinstance(holder, dict):
                holder[f"{place[-1]}x"] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed or replaced this place
    try:
        strict(AnnotationFile, data)
    except ValidationError as exc:
        issues = pydantic_issues(exc, "a.yaml", lambda loc: None)
        assert issues
        for found in issues:
            for text in (found.message, found.expected or ""):
                assert not any(p in text for p in PYDANTIC_PHRASES), (found, DOC_ID)


def test_an_unknown_reference_is_worded_for_any_id(tmp_path: Path) -> None:
    """GE602 names the id column referenced in words that fit any of them."""
    paths = write_tables(tmp_path / "t")
    set_cell(paths["events"], 2, "initiator", "nobody")
    found = [e for e in _both(tmp_path / "t") if e.code == "GE602"]
    assert [e.message for e in found] == [
        "initiator 'nobody' names no actor_id of the actors table"
    ]
