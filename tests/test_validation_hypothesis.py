"""Property tests: random damage never raises, every rule-breaking change is reported by its code."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grounded_events._schema.models import AnnotationFile, FatalitySplit
from grounded_events._schema.tables import COUNT_COLUMNS
from grounded_events._schema.versions import schema_dir
from grounded_events._schema.vocab import (
    ACLED_EVENT_TYPES,
    CROSSWALK,
    ClaimStatus,
    Damage,
    DatePrecision,
    EventType,
)
from grounded_events._validation import validate
from grounded_events._validation.cells import ARROW_TYPES
from grounded_events._validation.codes import CODES
from grounded_events._validation.cross_rules import CROSS_RULES
from grounded_events._validation.rules import table_columns
from helpers import annotation_data, set_cell, write_annotation, write_seeds, write_tables

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TEXT_CHARS = st.characters(blacklist_categories=("Cs", "Cc"))


def _fresh_tables(folder: Path) -> dict[str, Path]:
    return write_tables(folder)


# --- random damage ----------------------------------------------------------------------------

damage = st.lists(
    st.tuples(
        st.sampled_from(["delete", "insert", "replace"]),
        st.floats(0, 1),
        st.binary(min_size=1, max_size=8),
    ),
    min_size=1,
    max_size=4,
)


def _damaged(data: bytes, edits: list[tuple[str, float, bytes]]) -> bytes:
    for op, where, chunk in edits:
        i = int(where * len(data))
        if op == "delete":
            data = data[:i] + data[i + len(chunk) :]
        elif op == "insert":
            data = data[:i] + chunk + data[i:]
        else:
            data = data[:i] + chunk + data[i + len(chunk) :]
    return data


@SETTINGS
@given(edits=damage, target=st.sampled_from(["events.csv", "evidence.csv", "annotation.yaml"]))
def test_random_damage_never_raises(edits: list[tuple[str, float, bytes]], target: str) -> None:
    """Whatever bytes a file is damaged with, validation returns a report of registered codes."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        seeds = write_seeds(folder / "seeds")
        if target == "annotation.yaml":
            path = write_annotation(folder / target)
        else:
            path = _fresh_tables(folder / "t")[target.split(".")[0]]
        path.write_bytes(_damaged(path.read_bytes(), edits))
        report = validate(path, seeds=seeds)
        assert all(e.code in CODES for e in report.errors)
        assert all(e.file == str(path) for e in report.errors)


# --- mutations that break one rule ------------------------------------------------------------

_NOT_ENUM = st.text(TEXT_CHARS, min_size=1, max_size=12).filter(
    lambda s: s.strip() and s not in {str(e) for e in EventType} and "\x00" not in s
)
_BAD_DAY = st.tuples(
    st.integers(2000, 2030), st.sampled_from([2, 4, 6, 9, 11]), st.integers(31, 31)
).map(lambda t: f"{t[0]:04d}-{t[1]:02d}-{t[2]:02d}")
_EARLY = st.dates(dt.date(1990, 1, 1), dt.date(2023, 12, 7)).map(dt.date.isoformat)
_SOUTH = st.floats(-89.9, -1.0).map(lambda x: f"{x:.4f}")
_NEGATIVE = st.integers(-10_000, -1).map(str)
_NOT_INT = st.text("abcxyz.,", min_size=1, max_size=6)
_OTHER_ADMIN1 = st.sampled_from(["SY-DI", "IR-07", "TR-06", "US-CA", "FR-IDF"])

MUTATIONS: list[tuple[str, Any, str]] = [
    ("event_type", _NOT_ENUM, "GE301"),
    ("date_start", _BAD_DAY, "GE205"),
    ("date_end", _EARLY, "GE401"),
    ("latitude", _SOUTH, "GE404"),
    ("fatalities_best", _NEGATIVE, "GE207"),
    ("fatalities_best", _NOT_INT, "GE204"),
    ("admin1_code", _OTHER_ADMIN1, "GE405"),
]


@st.composite
def mutation(draw: st.DrawFn) -> tuple[str, str, str]:
    column, values, code = draw(st.sampled_from(MUTATIONS))
    return column, draw(values), code


@SETTINGS
@given(change=mutation())
def test_rule_breaking_cell_is_reported(change: tuple[str, str, str]) -> None:
    """A cell changed to break a rule is reported at its row and column with that rule's code."""
    column, value, code = change
    with tempfile.TemporaryDirectory() as tmp:
        paths = _fresh_tables(Path(tmp))
        set_cell(paths["events"], 2, column, value)
        report = validate(paths["events"])
        assert (2, column, code) in {(e.line, e.field, e.code) for e in report.errors}


ANNOTATION_MUTATIONS: list[tuple[tuple[Any, ...], Any, str]] = [
    (("events", 0, "fatalities", "best"), st.integers(-1000, -1), "GE207"),
    (("events", 0, "date", "end"), st.dates(dt.date(2000, 1, 1), dt.date(2023, 12, 7)), "GE401"),
    (("events", 0, "location", "latitude"), st.floats(-80, 0), "GE404"),
    (
        ("events", 0, "event_subtype"),
        st.sampled_from(["condemnation", "arrest", "peaceful_protest"]),
        "GE305",
    ),
    (("events", 0, "attribution", "status"), st.just("alleged"), "GE407"),
    (("events", 0, "evidence", 0, "quote"), st.text(TEXT_CHARS, min_size=1, max_size=20), "GE501"),
]


@SETTINGS
@given(index=st.integers(0, len(ANNOTATION_MUTATIONS) - 1), data=st.data())
def test_rule_breaking_annotation_is_reported(index: int, data: st.DataObject) -> None:
    """An annotation value changed to break a rule is reported with that rule's code."""
    loc, values, code = ANNOTATION_MUTATIONS[index]
    value = data.draw(values)
    annotation = annotation_data()
    target = annotation
    for key in loc[:-1]:
        target = target[key]
    if code == "GE501" and value == target[loc[-1]]:
        return
    target[loc[-1]] = value.isoformat() if isinstance(value, dt.date) else value
    with tempfile.TemporaryDirectory() as tmp:
        seeds = write_seeds(Path(tmp) / "seeds")
        path = write_annotation(Path(tmp) / "a.yaml", annotation)
        report = validate(path, seeds=seeds)
        assert code in report.codes


# --- the columnar and the row-wise rules agree -------------------------------------------------

_DATES = st.one_of(st.none(), st.dates(dt.date(2019, 12, 1), dt.date(2021, 2, 1)))
_COUNT = st.one_of(st.none(), st.integers(0, 5))
_ACLED = st.sampled_from(
    [
        (None, None),
        ("Battles", "Armed clash"),
        ("Battles", "Grenade"),
        ("Riots", None),
        ("Bogus", "x"),
    ]
    + [(k, s) for k, subs in list(ACLED_EVENT_TYPES.items())[:2] for s in subs[:1]]
)


@st.composite
def event_rows(draw: st.DrawFn) -> dict[str, Any]:
    subtype = draw(st.sampled_from(list(CROSSWALK)))
    cw = CROSSWALK[subtype]
    acled = draw(st.one_of(st.just((cw.acled_event_type, cw.acled_sub_event_type)), _ACLED))
    row = {
        "event_type": str(
            draw(st.one_of(st.just(cw.event_type), st.sampled_from(list(EventType))))
        ),
        "event_subtype": str(subtype),
        "is_aggregate": draw(st.booleans()),
        "date_start": draw(_DATES),
        "date_end": draw(_DATES),
        "date_precision": str(draw(st.sampled_from(list(DatePrecision)))),
        "country_iso3": draw(st.sampled_from([None, "IRQ", "USA", "FJI", "SYR"])),
        "admin1_code": draw(st.sampled_from([None, "IQ-BG", "SY-DI", "US-CA"])),
        "geo_precision": draw(
            st.sampled_from([None, "site", "place", "admin1", "multi_country", "international"])
        ),
        "gazetteer": draw(st.sampled_from([None, "geonames", "none"])),
        "gazetteer_id": draw(st.sampled_from([None, "98182"])),
        "initiator": draw(st.sampled_from([None, "a"])),
        "weapons": draw(st.lists(st.sampled_from(["rocket", "drone"]), max_size=2)),
        "latitude": draw(st.one_of(st.none(), st.floats(-90, 90))),
        "longitude": draw(st.one_of(st.none(), st.floats(-180, 180))),
        "initiator_attribution": draw(
            st.sampled_from([None, "alleged", "unattributed", "claimed"])
        ),
        "attributed_by": draw(st.lists(st.sampled_from(["a", "b"]), max_size=2)),
        "acled_event_type": acled[0],
        "acled_sub_event_type": acled[1],
        "plover_event_type": draw(st.sampled_from([cw.plover_event_type, "ASSAULT", None])),
        "plover_mode": cw.plover_mode,
        "cameo_root": draw(st.sampled_from([cw.cameo_root, "14"])),
    }
    if draw(st.booleans()) and row["date_start"] is not None:
        # spans that hit the precision boundaries exactly
        row["date_end"] = row["date_start"] + dt.timedelta(
            days=draw(st.sampled_from([0, 1, 5, 6, 7, 8, 30, 364]))
        )
    for column in COUNT_COLUMNS:
        row[column] = draw(_COUNT)
    for side in FatalitySplit.model_fields:
        row[f"fatalities_{side}"] = draw(_COUNT)
    row["damage"] = draw(st.sampled_from([None, *map(str, Damage)]))
    row["claim_status"] = draw(st.sampled_from([None, *map(str, ClaimStatus)]))
    row["claimed_by"] = draw(st.lists(st.sampled_from(["a", "b"]), max_size=2))
    return row


@settings(max_examples=80, deadline=None)
@given(rows=st.lists(event_rows(), min_size=1, max_size=20))
def test_columnar_rules_equal_row_rules(rows: list[dict[str, Any]]) -> None:
    """Every cross-field rule gives the same verdict vectorised over columns and row by row."""
    columns = {c.name: c for c in table_columns(schema_dir(None), "events")}
    arrays = {
        name: pa.array([r.get(name) for r in rows], ARROW_TYPES[columns[name].kind])
        for name in rows[0]
    }
    for rule in CROSS_RULES:
        if rule.table != "events":
            continue
        vector = rule.vector(arrays).fill_null(False).to_pylist()
        rowwise = [not rule.row(r) for r in rows]
        assert vector == rowwise, rule.name


def _records() -> list[dict[str, Any]]:
    from grounded_events._schema.models import AnnotationFile
    from grounded_events._schema.vocab import CROSSWALK as WALK

    model = AnnotationFile.model_validate(annotation_data())
    out = []
    for event in model.events:
        record = event.model_dump(mode="json")
        cw = WALK[event.event_subtype]
        record["doc_id"] = model.doc_id
        record["crosswalks"] = {
            k: getattr(cw, k)
            for k in (
                "acled_event_type",
                "acled_sub_event_type",
                "plover_event_type",
                "plover_mode",
                "cameo_root",
            )
        }
        out.append(record)
    return out


@SETTINGS
@given(
    cameo=st.sampled_from(["01", "10", "14", "20"]),
    end=st.dates(dt.date(2000, 1, 1), dt.date(2023, 12, 7)),
    which=st.sampled_from(["cameo", "date"]),
)
def test_rule_breaking_record_is_reported(cameo: str, end: dt.date, which: str) -> None:
    """A changed events.jsonl record is reported on its line with the rule's code."""
    import json

    records = _records()
    if which == "cameo":
        records[0]["crosswalks"]["cameo_root"] = cameo  # rocket_attack's root is 19
        expected = (1, "crosswalks.cameo_root", "GE307")
    else:
        records[1]["date"]["end"] = end.isoformat()  # the statement is dated 2023-12-11
        expected = (2, "date.end", "GE401")
    with tempfile.TemporaryDirectory() as tmp:
        seeds = write_seeds(Path(tmp) / "seeds")
        path = Path(tmp) / "events.jsonl"
        path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
        report = validate(path, seeds=seeds)
        assert expected in {(e.line, e.field, e.code) for e in report.errors}


# --- the published JSON Schema and the validator agree -----------------------------------------

_SCHEMA_CODES = {c for c, code in CODES.items() if code.layer == "structure"} | {"GE301"}


def _published_validator(table: str) -> Any:
    """jsonschema's Draft 2020-12 validator of a published table schema, formats checked. Two
    readings follow the tables rather than Python's defaults: an integer is a JSON integer
    literal (3, not 3.0: Parquet's and Arrow's int64), and a pattern's `$` is the end of the
    text, as in ECMA-262 (Python's `$` also matches before a final newline)."""
    import json
    import re

    import jsonschema

    base = jsonschema.Draft202012Validator
    checker = base.TYPE_CHECKER.redefine(
        "integer", lambda _, v: isinstance(v, int) and not isinstance(v, bool)
    )

    def pattern(validator: Any, regex: str, instance: Any, schema: Any) -> Any:
        ecma = regex[:-1] + r"\Z" if regex.endswith("$") else regex
        if validator.is_type(instance, "string") and not re.search(ecma, instance):
            yield jsonschema.ValidationError(f"{instance!r} does not match {regex!r}")

    cls = jsonschema.validators.extend(base, {"pattern": pattern}, type_checker=checker)
    schema = json.loads((schema_dir(None) / "tables" / f"{table}.schema.json").read_text())
    return cls(schema, format_checker=base.FORMAT_CHECKER)


def _schema_fields(validator: Any, row: dict[str, Any]) -> set[str]:
    """The fields of `row` the JSON Schema finds wrong. The row schema requires every key; a
    table file may leave out a column whose cells may all be empty (nullable, or a list), read
    as empty (GE203): only the others count as missing."""
    fields: set[str] = set()
    columns = {c.name: c for c in table_columns(schema_dir(None), "events")}
    for error in validator.iter_errors(row):
        if error.path:
            fields.add(str(error.path[0]))
        elif error.validator == "required":
            fields |= {
                f
                for f in error.validator_value
                if f not in row and columns[f].required and columns[f].kind != "list"
            }
        elif error.validator == "additionalProperties":
            fields |= set(row) - set(validator.schema["properties"])
    return fields


_JSON_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cc"]), max_size=8)


def _json_value_for(name: str) -> st.SearchStrategy[Any]:
    """Values for one column: the column's own kinds of value, near misses and other types."""
    col = next(c for c in table_columns(schema_dir(None), "events") if c.name == name)
    good = {
        "string": st.sampled_from([*(col.enum or ()), "rocket", "IRQ", "IQ-BG", "a-b", "x"]),
        "date": st.sampled_from(["2023-12-08", "2024-02-29", "2023-02-29", "0000-01-01", "23-1-1"]),
        "integer": st.integers(-5, 10**7 + 5) | st.sampled_from([0, 10**30]),
        "number": st.floats(-200, 200) | st.integers(-200, 200),
        "boolean": st.booleans(),
        "list": st.lists(st.sampled_from(["rocket", "drone", "a-b", "", "Bad Id"]), max_size=3),
    }[col.kind]
    other = (
        st.none()
        | st.booleans()
        | st.integers(-3, 3)
        | st.sampled_from([0.0, 3.5, "3", "true", "", " ", "2023-12-08\n", "a-b\n"])
        | _JSON_TEXT
        | st.lists(st.integers(0, 2) | _JSON_TEXT, max_size=2)
        | st.just({"a": 1})
    )
    return st.one_of(good, other)


@st.composite
def _json_rows(draw: st.DrawFn) -> dict[str, Any]:
    """An events row as JSON: a valid row with some columns changed, dropped or added."""
    import json

    from grounded_events._schema.tables import rows_from_annotation

    model = AnnotationFile.model_validate(annotation_data())
    row = json.loads(json.dumps(rows_from_annotation(model)["events"][0], default=str))
    for name in draw(st.lists(st.sampled_from(list(row)), max_size=4, unique=True)):
        row[name] = draw(_json_value_for(name))
    for name in draw(st.lists(st.sampled_from(list(row)), max_size=1)):
        del row[name]
    if draw(st.booleans()) and draw(st.booleans()):
        row["severity"] = draw(st.integers(0, 3))
    return row


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(row=_json_rows(), blank=st.booleans())
def test_published_schema_and_validator_agree(row: dict[str, Any], blank: bool) -> None:
    """On a JSON-lines events row, jsonschema with the published table schema and the validator
    (both engines, both JSON readers) find the same fields wrong: the same verdict on every
    column rule JSON Schema can state (cross-field, vocabulary lookups and references are the
    validator's alone)."""
    import json

    expected = _schema_fields(_published_validator("events"), row)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "events.jsonl"
        path.write_text(("\n" if blank else "") + json.dumps(row) + "\n", encoding="utf-8")
        reports = [validate(path, engine=e) for e in ("columnar", "rows")]
    assert reports[0].errors == reports[1].errors
    got = {e.field for e in reports[0].errors if e.code in _SCHEMA_CODES}
    assert all(e.code in CODES for e in reports[0].errors)
    assert got == expected, (row, reports[0].errors)
