"""The exported tables: each flattened table follows its one mapping from a model."""

from __future__ import annotations

from pathlib import Path
from types import NoneType, UnionType
from typing import Any, Union, get_args, get_origin

import pytest
from pydantic import BaseModel

from grounded_events._package.inputs import event_record
from grounded_events._schema.models import Actor, Crosswalks, Document, Event, EventRecord, Evidence
from grounded_events._schema.tables import (
    ACTOR_COLUMNS,
    COUNT_COLUMNS,
    COUNTS,
    DOCUMENT_COLUMNS,
    EVENT_COLUMNS,
    EVIDENCE_COLUMNS,
    TABLES,
    Column,
    EventRow,
    count_columns,
    document_row,
    event_row,
    flatten,
)
from grounded_events._schema.vocab import CROSSWALK, CROSSWALK_COLUMNS, EventSubtype

# Fields of an annotated event that the events row leaves out, and where they go instead.
NOT_IN_EVENTS_ROW = {
    "participants": "event_actors (and the initiator and target columns)",
    "evidence": "the evidence table",
    "note": "annotators' notes are not exported",
    "date.note": "annotators' notes are not exported",
    "location.note": "annotators' notes are not exported",
    "attribution.note": "annotators' notes are not exported",
}


def _leaves(model: type[BaseModel], prefix: str = "") -> list[str]:
    """Dotted paths of a model's fields, into nested models (not into lists of models)."""
    out = []
    for name, field in model.model_fields.items():
        kind = field.annotation
        if get_origin(kind) in (Union, UnionType):  # X | None
            (kind,) = [a for a in get_args(kind) if a is not NoneType]
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            out += _leaves(kind, f"{prefix}{name}.")
        else:
            out.append(f"{prefix}{name}")
    return out


def _event(**changes: Any) -> Event:
    data: dict[str, Any] = {
        "event_id": "doc-e01",
        "event_type": "statement",
        "event_subtype": "condemnation",
        "summary": "The ministry condemned the attack.",
        "date": {
            "start": "2023-12-08",
            "end": "2023-12-08",
            "precision": "day",
            "basis": "explicit",
        },
        "evidence": [{"field": "event", "start": 0, "end": 7, "quote": "Rockets"}],
    }
    data.update(changes)
    return Event.model_validate(data)


def test_the_events_row_model_is_the_mapping() -> None:
    """EventRow has exactly the mapping's columns, in its order, and the table uses it."""
    assert tuple(EventRow.model_fields) == tuple(c.name for c in EVENT_COLUMNS)
    assert TABLES["events"].row is EventRow
    assert TABLES["events"].columns == tuple(c.name for c in EVENT_COLUMNS)


def test_every_event_field_is_flattened_or_placed_elsewhere() -> None:
    """Adding a field to Event without its line in EVENT_COLUMNS fails here, naming the field."""
    sources = {".".join(c.path) for c in EVENT_COLUMNS if c.derive is None}
    unplaced = [leaf for leaf in _leaves(Event) if leaf not in sources | NOT_IN_EVENTS_ROW.keys()]
    assert unplaced == [], f"add a Column for {unplaced} to tables.EVENT_COLUMNS"
    record_fields = _leaves(EventRecord)
    assert all(".".join(c.path) in record_fields for c in EVENT_COLUMNS if c.derive is None)


# The other flattened tables: their mapping, the model rows are made of, and the fields of that
# model the rows leave out (with where they go instead).
OTHER_TABLES: dict[str, tuple[tuple[Column, ...], type[BaseModel], dict[str, str]]] = {
    "actors": (ACTOR_COLUMNS, Actor, {"note": "annotators' notes are not exported"}),
    "documents": (DOCUMENT_COLUMNS, Document, {"file": "the text itself is the text column"}),
    "evidence": (EVIDENCE_COLUMNS, Evidence, {}),
}


@pytest.mark.parametrize("table", OTHER_TABLES)
def test_every_field_of_the_other_tables_models_is_a_column_or_placed_elsewhere(table: str) -> None:
    """Adding a field to Actor, Document or Evidence without its Column fails here, naming it;
    the row model is the mapping's columns, in order."""
    columns, model, elsewhere = OTHER_TABLES[table]
    sources = {".".join(c.path) for c in columns if c.derive is None}
    unplaced = [leaf for leaf in _leaves(model) if leaf not in sources | elsewhere.keys()]
    assert unplaced == [], f"add a Column for {unplaced} to the {table} columns"
    assert TABLES[table].columns == tuple(c.name for c in columns)


def test_a_document_and_its_evidence_flatten_by_their_mappings() -> None:
    """A documents row is the index entry with its text; an evidence row names its event."""
    document = Document.model_validate(
        {
            "doc_id": "doc",
            "file": "doc.txt",
            "sha256": "0" * 64,
            "title": "T",
            "publisher": "P",
            "url": "https://example.org/a",
            "published_date": "2023-12-08",
            "published_date_basis": "byline",
            "language": "en",
        }
    )
    row = document_row(document, "Rockets hit.")
    assert list(row) == [c.name for c in DOCUMENT_COLUMNS] and row["text"] == "Rockets hit."
    assert row["dateline"] is None and "file" not in row
    TABLES["documents"].row.model_validate(row)
    evidence = Evidence(field="event", start=0, end=7, quote="Rockets")
    row = flatten(EVIDENCE_COLUMNS, evidence, event_id="doc-e01", doc_id="doc")
    assert row["evidence_id"] == "doc-e01:event:0-7" and row["doc_id"] == "doc"
    TABLES["evidence"].row.model_validate(row)


def test_column_types_follow_the_annotation_model() -> None:
    """A column has its source field's type, nullable when the path passes an optional object."""
    fields = EventRow.model_fields
    assert fields["summary"].annotation is str and fields["summary"].is_required()
    # Location.name is required, but an event may have no location
    location_name = EventRow.model_json_schema()["properties"]["location_name"]
    assert location_name["anyOf"][1] == {"type": "null"}
    assert location_name["anyOf"][0] == {"maxLength": 10000, "minLength": 1, "type": "string"}
    # a list stays a list (empty, not null) when the attribution is missing
    assert EventRow.model_json_schema()["properties"]["attributed_by"]["type"] == "array"
    assert all(f.is_required() for f in fields.values())


def test_a_bare_event_flattens_to_nulls_and_empty_lists() -> None:
    """Without location, attribution, participants or counts, columns are None or []."""
    row = event_row(_event(), "doc")
    assert row["doc_id"] == "doc" and row["date_start"].isoformat() == "2023-12-08"
    for name in ("location_name", "country_iso3", "initiator", "initiator_attribution"):
        assert row[name] is None, name
    assert all(row[c] is None for c in COUNT_COLUMNS)
    assert row["attributed_by"] == row["target"] == row["weapons"] == row["claimed_by"] == []
    EventRow.model_validate(row)


def test_a_full_event_flattens_every_column() -> None:
    """Nested fields, counts, crosswalks and the participants' roles land in their columns."""
    event = _event(
        event_type="remote_violence",
        event_subtype="drone_strike",
        location={"name": "Erbil", "country_iso3": "IRQ", "geo_precision": "place"},
        participants=[
            {"actor_id": "b", "role": "target"},
            {"actor_id": "s", "role": "speaker"},
            {"actor_id": "i", "role": "initiator"},
            {"actor_id": "a", "role": "addressee"},
            {"actor_id": "j", "role": "initiator"},
        ],
        attribution={"status": "alleged", "attributed_by": ["usa"]},
        weapons=["drone"],
        injuries={"best": 0},
    )
    row = event_row(event, "doc")
    assert row["location_name"] == "Erbil" and row["geo_precision"] == "place"
    assert row["initiator"] == "i" and row["target"] == ["b", "a"]
    assert row["initiator_attribution"] == "alleged" and row["attributed_by"] == ["usa"]
    assert (row["injuries_best"], row["injuries_low"], row["fatalities_best"]) == (0, None, None)
    assert {c: row[c] for c in CROSSWALK_COLUMNS} == CROSSWALK[EventSubtype.DRONE_STRIKE].codes()
    assert row["acled_sub_event_type"] == "Air/drone strike"
    EventRow.model_validate(row)


def test_a_speaker_is_the_initiator_of_a_statement() -> None:
    """With no initiator among the participants, the first speaker is the initiator."""
    event = _event(participants=[{"actor_id": "s", "role": "speaker"}])
    assert event_row(event, "doc")["initiator"] == "s"


def test_count_and_crosswalk_columns_are_named_once() -> None:
    """Counts are the Outcome fields of Event; crosswalk columns are Crosswalks' fields."""
    assert COUNTS == ("munitions", "attacks", "fatalities", "injuries")
    assert count_columns("injuries") == ("injuries_best", "injuries_low", "injuries_high")
    assert tuple(c for count in COUNTS for c in count_columns(count)) == COUNT_COLUMNS
    assert tuple(Crosswalks.model_fields) == CROSSWALK_COLUMNS
    columns = TABLES["events"].columns
    assert set(COUNT_COLUMNS) | set(CROSSWALK_COLUMNS) <= set(columns)


def test_the_jsonl_record_carries_the_crosswalks_of_its_subtype() -> None:
    """events.jsonl's `crosswalks` are the crosswalk columns of the event's subtype."""
    event = _event()
    record = event_record(event, "doc")
    assert record.crosswalks.model_dump() == CROSSWALK[EventSubtype.CONDEMNATION].codes()


def test_list_columns_come_from_the_row_models() -> None:
    """The list-valued columns are those the row models type as lists."""
    assert TABLES["events"].list_columns == ("attributed_by", "target", "claimed_by", "weapons")
    assert TABLES["actors"].list_columns == ("variants",)
    assert TABLES["links"].list_columns == ("quotes",)
    assert TABLES["incidents"].list_columns == (
        "event_ids",
        "doc_ids",
        "initiators",
        "targets",
        "weapons",
        "part_of",
        "in_response_to",
        "disagreements",
    )
    lists = {"events", "actors", "links", "incidents"}
    assert all(not t.list_columns for n, t in TABLES.items() if n not in lists)


def test_every_published_column_is_described() -> None:
    """Each column's Table Schema field has a description: its column's, or its model field's."""
    from grounded_events._schema.generate import table_schema

    for name, table in TABLES.items():
        lacking = [f["name"] for f in table_schema(table)["fields"] if "description" not in f]
        assert lacking == [], name


def test_the_package_describes_every_field(root: Path) -> None:
    """datapackage.json and croissant.json give every field a description that is not its name."""
    import json

    package = root / "datasets" / "grounded-events"
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    croissant = json.loads((package / "croissant.json").read_text(encoding="utf-8"))
    fields = [f for r in descriptor["resources"] for f in r.get("schema", {}).get("fields", [])]
    fields += [f for r in croissant["recordSet"] for f in r["field"]]
    assert len(fields) == 2 * sum(len(t.columns) for t in TABLES.values())
    assert all(f.get("description") not in (None, "", f["name"]) for f in fields)
