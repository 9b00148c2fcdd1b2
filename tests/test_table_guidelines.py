"""The coding guidelines across tables: the same verdicts on a data package's tables as on its annotation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grounded_events import validate
from grounded_events._core.dataset_files import ACTORS_FILE
from grounded_events._core.safe_yaml import loads
from grounded_events._schema.models import ActorRegistry, AnnotationFile
from grounded_events._schema.tables import actor_rows, count_columns, rows_from_annotation
from grounded_events._schema.vocab import (
    AttributionStatus,
    ClaimStatus,
    Damage,
    DateBasis,
    EventType,
)
from grounded_events._validation import keysets
from grounded_events._validation.guidelines import DECIDED_BY
from grounded_events._validation.table_guidelines import (
    needs_and_forbids,
    row_needs_and_forbids,
)
from helpers import (
    BROKEN,
    ROOT,
    annotation_data,
    seed_data,
    seed_event,
    write_rows,
    write_seed_tables,
)

ENGINES = ("columnar", "rows")
# The guideline codes that read an event together with its spans, documents or other events.
ACROSS = {"GE510", "GE511", "GE512", "GE513", "GE603", "GE605"}
TABLE_CASES = [case for case in BROKEN if case[2] & ACROSS]


def _report(path: Path, engine: str) -> list[tuple[str, str, int | None, str]]:
    report = validate(path, engine=engine)
    return [(Path(e.file).name, e.code, e.line, e.field) for e in report.errors]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("case", TABLE_CASES, ids=[c[0] for c in TABLE_CASES])
def test_a_broken_guideline_is_its_code_in_tables(
    case: tuple[str, Callable[[dict[str, Any]], None], set[str]], engine: str, tmp_path: Path
) -> None:
    """Each guideline that needs an event with its spans gives the same code on the package's
    tables (events, event_actors, evidence, documents, actors) as on the annotation file."""
    _, edit, codes = case
    data = seed_data()
    edit(data)
    write_seed_tables(tmp_path, data)
    found = {code for _, code, _, _ in _report(tmp_path, engine)}
    assert found == codes, found


def test_the_seed_tables_follow_every_guideline(tmp_path: Path) -> None:
    """The seed's tables, written from its annotation, give no guideline error in either engine."""
    write_seed_tables(tmp_path, seed_data())
    for engine in ENGINES:
        assert _report(tmp_path, engine) == []


def _broken_seed(folder: Path) -> None:
    data = seed_data()
    seed_event(data, 3)["evidence"] = [
        e for e in seed_event(data, 3)["evidence"] if e["field"] != "weapons"
    ]  # GE510 on events
    seed_event(data, 1)["evidence"].append(
        dict(seed_event(data, 3)["evidence"][4], field="location")
    )  # GE511 on evidence
    write_seed_tables(folder, data)
    registry = loads((ROOT / "datasets" / ACTORS_FILE).read_text(encoding="utf-8")).data
    registry["actors"].append(
        {"actor_id": "unused-actor", "name": "Nobody", "actor_type": "unidentified"}
    )
    write_rows(folder, {"actors": actor_rows(ActorRegistry.model_validate(registry))})


@pytest.mark.parametrize("engine", ENGINES)
def test_each_table_reports_its_own_rows(tmp_path: Path, engine: str) -> None:
    """An issue goes to the table whose row breaks the rule, and only when that table is
    validated; the other tables are read for the join, not reported."""
    _broken_seed(tmp_path)
    everything = _report(tmp_path, engine)
    assert {(name, code) for name, code, _, _ in everything} == {
        ("events.csv", "GE510"),
        ("evidence.csv", "GE511"),
        ("actors.csv", "GE603"),
    }
    (weapons,) = [item for item in everything if item[1] == "GE510"]
    assert weapons[3] == "weapons"  # the column that codes the value without a span
    assert _report(tmp_path / "events.csv", engine) == [i for i in everything if i[1] == "GE510"]
    assert _report(tmp_path / "evidence.csv", engine) == [i for i in everything if i[1] == "GE511"]
    assert _report(tmp_path / "actors.csv", engine) == [i for i in everything if i[1] == "GE603"]


@pytest.mark.parametrize("engine", ENGINES)
def test_rules_whose_tables_are_absent_are_not_judged(tmp_path: Path, engine: str) -> None:
    """Without an evidence table no span can be missing; without event_actors no actor is unused."""
    _broken_seed(tmp_path)
    (tmp_path / "evidence.csv").unlink()
    (tmp_path / "event_actors.csv").unlink()
    assert _report(tmp_path, engine) == []


def _link(relation: str, source: str, target: str) -> dict[str, Any]:
    return {
        "link_id": f"{source}:{relation}:{target}",
        "relation": relation,
        "source_event_id": source,
        "target_event_id": target,
        "note": "a note",
        "quotes": [],
    }


@pytest.mark.parametrize("engine", ENGINES)
def test_links_between_documents_in_tables(tmp_path: Path, engine: str) -> None:
    """An about link from a statement to an event of another document of the tables is valid
    (links cross documents); a link naming an event the events table lacks is GE602 at its
    row of the links table."""
    seed = rows_from_annotation(AnnotationFile.model_validate(seed_data()))
    other = rows_from_annotation(AnnotationFile.model_validate(annotation_data()))
    tables = {name: seed[name] + other[name] for name in seed}
    statement, attack = seed["events"][0]["event_id"], other["events"][0]["event_id"]
    assert seed["events"][0]["event_type"] == "statement"
    tables["links"] = [_link("about", statement, attack)]
    write_rows(tmp_path, tables)
    assert validate(tmp_path / "links.csv", engine=engine).errors == []
    tables["links"].append(_link("about", statement, "nowhere-e01"))
    write_rows(tmp_path, tables)
    report = validate(tmp_path / "links.csv", engine=engine)
    assert [(e.code, e.line, e.field) for e in report.errors] == [("GE602", 3, "target_event_id")]
    assert "'nowhere-e01' names no event_id of the events table" in report.errors[0].message


def test_the_join_spilled_to_disk_gives_the_same_issues(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stores spilled to disk bucket by bucket (as millions of rows are) join to the same issues."""
    _broken_seed(tmp_path)
    held = _report(tmp_path, "columnar")
    monkeypatch.setattr(keysets, "SPILL_ROWS", 1)
    monkeypatch.setattr(keysets, "GATHER_ROWS", 1)
    assert _report(tmp_path, "columnar") == held


# --- the two readings of "which fields an events row codes" ----------------------------------

_TEXT = st.one_of(st.none(), st.sampled_from(["x", "morning"]))
_COUNT = st.one_of(st.none(), st.integers(0, 3))
_COUNTS = ("fatalities", "injuries", "munitions", "attacks")
_ROWS = st.fixed_dictionaries(
    {
        "event_id": st.just("e"),
        "event_type": st.one_of(st.none(), st.sampled_from([str(t) for t in EventType])),
        "date_basis": st.one_of(st.none(), st.sampled_from([str(b) for b in DateBasis])),
        "time_of_day": _TEXT,
        "location_name": _TEXT,
        "geo_precision": _TEXT,
        "weapons": st.lists(st.just("rocket"), max_size=2),
        "initiator_attribution": st.one_of(
            st.none(), st.sampled_from([str(a) for a in AttributionStatus])
        ),
        "is_aggregate": st.one_of(st.none(), st.booleans()),
        **{c: _COUNT for count in _COUNTS for c in count_columns(count)},
        "damage": st.one_of(st.none(), st.sampled_from([str(d) for d in Damage])),
        "claim_status": st.one_of(st.none(), st.sampled_from([str(c) for c in ClaimStatus])),
    }
)
_COLUMNS = sorted({c for columns in DECIDED_BY.values() for c in columns})
_TYPES = {
    "is_aggregate": pa.bool_(),
    "weapons": pa.list_(pa.string()),
    **{c: pa.int64() for count in _COUNTS for c in count_columns(count)},
}


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_ROWS, st.sets(st.sampled_from(_COLUMNS))), min_size=1, max_size=8))
def test_the_columnar_reading_agrees_with_the_row_reading(
    rows: list[tuple[dict[str, Any], set[str]]],
) -> None:
    """The columnar engine's needs/forbids of events rows equal the row reading's, unreadable
    cells included (a field decided by an unreadable cell is not judged)."""
    columns = list(rows[0][0])
    typed = {c: pa.array([r[c] for r, _ in rows], _TYPES.get(c, pa.string())) for c in columns}
    invalid = {c: pa.array([c in bad for _, bad in rows]) for c in columns}
    needs, forbids = needs_and_forbids(typed, invalid)
    expected = [row_needs_and_forbids(r, bad) for r, bad in rows]
    assert needs.to_pylist() == [e[0] for e in expected]
    assert forbids.to_pylist() == [e[1] for e in expected]


def test_dates_are_judged_against_the_documents_table(tmp_path: Path) -> None:
    """GE513 on tables reads the publication date from the documents table: moving the
    publication date moves what 'on Friday' means."""
    data = seed_data()
    paths = write_seed_tables(tmp_path, data)
    assert _report(tmp_path, "columnar") == []
    text = paths["documents"].read_text(encoding="utf-8")
    published = dt.date(2023, 12, 12)
    moved = text.replace(str(published), str(published + dt.timedelta(days=7)), 1)
    paths["documents"].write_text(moved, encoding="utf-8")
    found = {code for _, code, _, _ in _report(tmp_path, "columnar")}
    assert "GE513" in found
