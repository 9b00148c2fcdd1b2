"""The incidents table: reports linked as one incident become one row, consolidated by rule."""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grounded_events._package.incidents import (
    CODED,
    IncidentConflictError,
    incident_tables,
    is_incident_event,
)
from grounded_events._schema.table_parquet import to_arrow
from grounded_events._schema.tables import TABLES, count_columns
from grounded_events._schema.vocab import IncidentField

DAY = dt.date(2023, 12, 8)


def _event(event_id: str, doc_id: str | None = None, **changes: Any) -> dict[str, Any]:
    """An events row of a rocket attack on DAY, every other column empty."""
    row: dict[str, Any] = dict.fromkeys(TABLES["events"].columns)
    row.update({c: [] for c in TABLES["events"].list_columns})
    row.update(
        event_id=event_id,
        doc_id=doc_id or event_id.rsplit("-", 1)[0],
        event_type="remote_violence",
        event_subtype="rocket_attack",
        is_aggregate=False,
        date_start=DAY,
        date_end=DAY,
        date_precision="day",
    )
    row.update(changes)
    return row


def _fatalities(
    best: int | None, low: int | None = None, high: int | None = None
) -> dict[str, Any]:
    return dict(zip(count_columns("fatalities"), (best, low, high), strict=True))


def _link(source: str, target: str, relation: str = "same_incident") -> dict[str, Any]:
    return {
        "link_id": f"{source}:{relation}:{target}",
        "relation": relation,
        "source_event_id": source,
        "target_event_id": target,
        "note": "test",
        "quotes": [],
    }


def _role(event_id: str, actor_id: str, role: str) -> dict[str, Any]:
    return {"event_id": event_id, "actor_id": actor_id, "role": role}


EMBASSY = {
    "location_name": "US Embassy, Baghdad",
    "country_iso3": "IRQ",
    "admin1_code": "IQ-BG",
    "latitude": 33.298,
    "longitude": 44.395,
    "geo_precision": "site",
}
BAGHDAD = {
    "location_name": "Baghdad",
    "country_iso3": "IRQ",
    "admin1_code": "IQ-BG",
    "latitude": 33.315,
    "longitude": 44.366,
    "geo_precision": "place",
}


def _three_reports() -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Three documents report one rocket attack; they differ on deaths and munitions."""
    events = [
        _event("a-e01", **EMBASSY, weapons=["rocket"], **_fatalities(0, 0, 0), munitions_best=14),
        _event("b-e01", **BAGHDAD, weapons=["rocket"], **_fatalities(2, 1, 3), damage="minor"),
        _event("c-e01", weapons=["rocket"], munitions_best=7, munitions_low=7, munitions_high=9),
    ]
    actors = [
        _role("a-e01", "kataib-hezbollah", "initiator"),
        _role("a-e01", "us-embassy-baghdad", "target"),
        _role("b-e01", "us-embassy-baghdad", "target"),
        _role("c-e01", "us-embassy-baghdad", "target"),
    ]
    links = [_link("b-e01", "a-e01"), _link("b-e01", "c-e01")]
    return events, actors, links


def test_three_reports_of_one_incident_are_one_row_listing_their_disagreements() -> None:
    """Three linked reports make one incident; it lists exactly the fields they differ on."""
    incidents, _ = incident_tables(*_three_reports())
    (row,) = incidents
    assert row["incident_id"] == "inc-a-e01"
    assert row["event_ids"] == ["a-e01", "b-e01", "c-e01"]
    assert row["doc_ids"] == ["a", "b", "c"]
    assert row["sources"] == 3
    assert row["disagreements"] == ["location", "fatalities", "munitions"]
    assert tuple(row) == TABLES["incidents"].columns


def test_each_disagreeing_field_has_one_value_row_per_report_that_codes_it() -> None:
    """incident_values: one row per disagreeing field and coding event, its value compact JSON."""
    _, values = incident_tables(*_three_reports())
    assert [(v["field"], v["event_id"], v["doc_id"], v["value"]) for v in values] == [
        (
            "fatalities",
            "a-e01",
            "a",
            '{"fatalities_best":0,"fatalities_high":0,"fatalities_low":0}',
        ),
        (
            "fatalities",
            "b-e01",
            "b",
            '{"fatalities_best":2,"fatalities_high":3,"fatalities_low":1}',
        ),
        (
            "location",
            "a-e01",
            "a",
            '{"admin1_code":"IQ-BG","country_iso3":"IRQ","geo_precision":"site",'
            '"latitude":33.298,"location_name":"US Embassy, Baghdad","longitude":44.395}',
        ),
        (
            "location",
            "b-e01",
            "b",
            '{"admin1_code":"IQ-BG","country_iso3":"IRQ","geo_precision":"place",'
            '"latitude":33.315,"location_name":"Baghdad","longitude":44.366}',
        ),
        (
            "munitions",
            "a-e01",
            "a",
            '{"munitions_best":14,"munitions_high":null,"munitions_low":null}',
        ),
        ("munitions", "c-e01", "c", '{"munitions_best":7,"munitions_high":9,"munitions_low":7}'),
    ]
    assert {v["incident_id"] for v in values} == {"inc-a-e01"}
    assert all(tuple(v) == TABLES["incident_values"].columns for v in values)


def _plain(value: Any) -> Any:
    """A value as Arrow gives it back: codes as text, lists of text."""
    if isinstance(value, str):
        return str(value)
    return [str(v) for v in value] if isinstance(value, list) else value


def test_the_rows_fit_their_row_models_and_parquet_columns() -> None:
    """Every row is valid for its table's row model and round-trips through its Arrow schema."""
    tables = incident_tables(*_three_reports())
    for name, rows in zip(("incidents", "incident_values"), tables, strict=True):
        for row in rows:
            TABLES[name].row.model_validate(row)
        back = to_arrow(name, rows).to_pylist()
        assert back == [{k: _plain(v) for k, v in row.items()} for row in rows]


def test_a_silent_value_is_not_a_disagreement() -> None:
    """A field one report codes and the others leave empty is consolidated, not disputed."""
    (row,), _ = incident_tables(*_three_reports())
    # only b-e01 names damage, only a-e01 an initiator: agreed by the reports that code them
    assert row["damage"] == "minor"
    assert row["initiators"] == ["kataib-hezbollah"]
    assert row["targets"] == ["us-embassy-baghdad"]
    assert row["weapons"] == ["rocket"]
    assert not {"damage", "initiator", "target", "weapons"} & set(row["disagreements"])


def test_reports_that_differ_on_a_type_leave_it_empty() -> None:
    """event_subtype, damage and claim_status are the value the reports agree on, else empty."""
    events = [
        _event("a-e01", damage="minor", claim_status="no_claim_yet"),
        _event(
            "b-e01", event_subtype="missile_attack", damage="major", claim_status="no_claim_yet"
        ),
    ]
    (row,), values = incident_tables(events, [], [_link("a-e01", "b-e01")])
    assert row["event_type"] == "remote_violence"
    assert (row["event_subtype"], row["damage"], row["claim_status"]) == (
        None,
        None,
        "no_claim_yet",
    )
    assert row["disagreements"] == ["event_subtype", "damage"]
    assert [v["value"] for v in values if v["field"] == "event_subtype"] == [
        '"rocket_attack"',
        '"missile_attack"',
    ]


def test_aggregates_and_statements_are_not_incidents() -> None:
    """Only non-aggregate events of a type other than statement become incidents."""
    events = [
        _event("a-e01"),
        _event("a-e02", is_aggregate=True, event_subtype="mixed_remote_attacks"),
        _event("a-e03", event_type="statement", event_subtype="condemnation"),
        _event("a-e04", event_type="armed_clash", event_subtype="armed_clash"),
    ]
    incidents, values = incident_tables(events, [], [])
    assert [r["incident_id"] for r in incidents] == ["inc-a-e01", "inc-a-e04"]
    assert [r["event_ids"] for r in incidents] == [["a-e01"], ["a-e04"]]
    assert values == []


def test_an_unlinked_report_is_an_incident_of_its_own_with_its_values() -> None:
    """One report: one incident whose values are the report's, with no disagreements."""
    event = _event("a-e01", **EMBASSY, **_fatalities(2, 1, 3), weapons=["rocket", "drone"])
    ((row,), values) = incident_tables([event], [], [])
    assert (row["fatalities_best"], row["fatalities_low"], row["fatalities_high"]) == (2, 1, 3)
    assert row["injuries_best"] is row["injuries_low"] is row["injuries_high"] is None
    assert row["weapons"] == ["drone", "rocket"]
    assert row["location_name"] == "US Embassy, Baghdad"
    assert (row["sources"], row["disagreements"], values) == (1, [], [])


def test_part_of_and_in_response_to_name_the_aggregate_and_the_incident_answered() -> None:
    """part_of lists aggregates; in_response_to lists incidents (or events that are none)."""
    events = [
        _event("a-e01"),
        _event("b-e01"),
        _event("b-e02", is_aggregate=True, event_subtype="mixed_remote_attacks"),
        _event("c-e01", event_type="armed_clash", event_subtype="air_strike"),
        _event("c-e02", event_type="statement", event_subtype="threat_of_force"),
    ]
    links = [
        _link("a-e01", "b-e01"),
        _link("b-e01", "b-e02", "part_of"),
        _link("c-e01", "b-e01", "in_response_to"),
        _link("c-e01", "c-e02", "in_response_to"),
        _link("c-e02", "a-e01", "about"),
    ]
    incidents, _ = incident_tables(events, [], links)
    by_id = {r["incident_id"]: r for r in incidents}
    assert by_id["inc-a-e01"]["part_of"] == ["b-e02"]
    assert by_id["inc-a-e01"]["in_response_to"] == []
    assert by_id["inc-c-e01"]["in_response_to"] == ["c-e02", "inc-a-e01"]
    assert by_id["inc-c-e01"]["part_of"] == []


def test_the_date_range_is_the_days_every_report_allows() -> None:
    """date_start is the latest start, date_end the earliest end, the precision the finest."""
    events = [
        _event(
            "a-e01",
            date_start=dt.date(2023, 12, 1),
            date_end=dt.date(2023, 12, 31),
            date_precision="month",
        ),
        _event(
            "b-e01",
            date_start=dt.date(2023, 12, 7),
            date_end=dt.date(2023, 12, 9),
            date_precision="days",
        ),
        _event("c-e01"),
    ]
    links = [_link("a-e01", "b-e01"), _link("c-e01", "a-e01")]
    (row,), values = incident_tables(events, [], links)
    assert (row["date_start"], row["date_end"], row["date_precision"]) == (DAY, DAY, "day")
    assert [v["value"] for v in values if v["field"] == "date"] == [
        '{"date_end":"2023-12-31","date_start":"2023-12-01"}',
        '{"date_end":"2023-12-09","date_start":"2023-12-07"}',
        '{"date_end":"2023-12-08","date_start":"2023-12-08"}',
    ]


def test_reports_whose_dates_cannot_all_be_true_are_refused() -> None:
    """No day in every report's range: an error naming the events and the rule, not a row."""
    events = [_event("a-e01"), _event("b-e01", date_start=DAY + dt.timedelta(days=2))]
    events[1]["date_end"] = events[1]["date_start"]
    with pytest.raises(IncidentConflictError, match=r"events a-e01, b-e01 .*\(GE611\)"):
        incident_tables(events, [], [_link("a-e01", "b-e01")])


def test_the_most_precise_place_wins_and_a_tie_goes_to_the_lowest_event_id() -> None:
    """Location columns come whole from the report with the finest geo_precision."""
    events = [_event("a-e01", **BAGHDAD), _event("b-e01", **EMBASSY), _event("c-e01")]
    links = [_link("a-e01", "b-e01"), _link("a-e01", "c-e01")]
    (row,), _ = incident_tables(events, [], links)
    assert {k: row[k] for k in EMBASSY} == EMBASSY
    tied = [
        _event("a-e01", **{**EMBASSY, "location_name": "the embassy"}),
        _event("b-e01", **EMBASSY),
    ]
    (row,), _ = incident_tables(tied[::-1], [], links[:1])
    assert row["location_name"] == "the embassy"
    (row,), _ = incident_tables([_event("a-e01")], [], [])
    assert row["location_name"] is row["geo_precision"] is row["country_iso3"] is None


@pytest.mark.parametrize(
    ("figures", "expected"),
    [
        ([(2, None, None), (5, None, None)], (2, 2, 5)),
        ([(2, None, None), (5, None, None), (9, None, None)], (5, 2, 9)),
        ([(2, 1, 3), (5, 5, 8), (None, 0, 4)], (2, 0, 8)),
        ([(3, 3, None), (None, None, 10)], (3, 3, 10)),
        ([(None, 3, 5), (None, None, None)], (None, 3, 5)),
        ([(None, None, None), (None, None, None)], (None, None, None)),
    ],
)
def test_best_is_the_lower_median_low_and_high_the_extremes(
    figures: list[tuple[int | None, ...]], expected: tuple[int | None, ...]
) -> None:
    """best: lower median of the bests; low: lowest figure given; high: highest figure given."""
    events = [
        _event(f"d{n}-e01", **dict(zip(count_columns("injuries"), f, strict=True)))
        for n, f in enumerate(figures)
    ]
    links = [_link("d0-e01", e["event_id"]) for e in events[1:]]
    (row,), _ = incident_tables(events, [], links)
    assert tuple(row[c] for c in count_columns("injuries")) == expected


def test_every_compared_field_says_what_a_report_codes() -> None:
    """The compared fields are the vocabulary, each read from a report by one rule."""
    assert list(CODED) == list(IncidentField)
    required = {IncidentField.EVENT_TYPE, IncidentField.EVENT_SUBTYPE, IncidentField.DATE}
    bare = _event("a-e01")  # every other field silent
    assert {
        f for f, coded in CODED.items() if coded(bare, defaultdict(list)) is not None
    } == required


# --- properties over generated reports and links ---------------------------------------------

_COUNT = st.none() | st.integers(0, 50)


@st.composite
def _reports(
    draw: st.DrawFn,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Events (some aggregates or statements) with ordered counts and random links among them."""
    n = draw(st.integers(1, 8))
    events = []
    for i in range(n):
        kind = draw(st.sampled_from(["incident", "incident", "aggregate", "statement"]))
        low, best, high = sorted(draw(st.lists(st.integers(0, 50), min_size=3, max_size=3)))
        given = draw(st.lists(st.booleans(), min_size=3, max_size=3))
        counts = [v if g else None for v, g in zip((best, low, high), given, strict=True)]
        start = DAY + dt.timedelta(days=draw(st.integers(-2, 0)))
        events.append(
            _event(
                f"d{draw(st.integers(0, 3))}-e{i:02d}",
                is_aggregate=kind == "aggregate",
                event_type="statement" if kind == "statement" else "remote_violence",
                date_start=start,
                date_end=DAY + dt.timedelta(days=draw(st.integers(0, 2))),
                date_precision=draw(st.sampled_from(["day", "days", "week"])),
                weapons=draw(st.lists(st.sampled_from(["rocket", "drone"]), unique=True)),
                **dict(zip(count_columns("fatalities"), counts, strict=True)),
            )
        )
    ids = [e["event_id"] for e in events]
    pairs = draw(st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(ids)), max_size=8))
    relations = st.sampled_from(["same_incident", "same_incident", "part_of", "in_response_to"])
    links = [_link(a, b, draw(relations)) for a, b in pairs if a != b]
    actors = [
        _role(i, draw(st.sampled_from(["x", "y"])), draw(st.sampled_from(["initiator", "target"])))
        for i in ids
    ]
    return events, actors, links


def _same_incident_components(
    events: list[dict[str, Any]], links: list[dict[str, Any]]
) -> list[list[str]]:
    """The components of the same_incident graph over incident events, by search."""
    nodes = {e["event_id"] for e in events if is_incident_event(e)}
    neighbours: dict[str, set[str]] = defaultdict(set)
    for link in links:
        a, b = link["source_event_id"], link["target_event_id"]
        if link["relation"] == "same_incident" and {a, b} <= nodes:
            neighbours[a].add(b)
            neighbours[b].add(a)
    components, seen = [], set()
    for node in sorted(nodes):
        if node in seen:
            continue
        stack, component = [node], set()
        while stack:
            current = stack.pop()
            if current not in component:
                component.add(current)
                stack.extend(neighbours[current])
        seen |= component
        components.append(sorted(component))
    return components


@settings(max_examples=150, deadline=None)
@given(_reports(), st.randoms(use_true_random=False))
def test_incidents_are_the_same_incident_components_whatever_the_row_order(
    tables: tuple[list[dict[str, Any]], ...], shuffler: random.Random
) -> None:
    """Each incident event is in exactly one incident, the incidents are the components, and
    shuffled input rows give the same output."""
    events, actors, links = tables
    incidents, values = incident_tables(events, actors, links)
    assert [r["event_ids"] for r in incidents] == _same_incident_components(events, links)
    shuffled = [list(rows) for rows in tables]
    for rows in shuffled:
        shuffler.shuffle(rows)
    assert incident_tables(*shuffled) == (incidents, values)
    key = [(v["incident_id"], v["field"], v["event_id"]) for v in values]
    assert key == sorted(key) and len(set(key)) == len(key)
    for value in values:
        json.loads(value["value"])


@settings(max_examples=150, deadline=None)
@given(_reports())
def test_low_best_high_stay_ordered_when_every_report_orders_them(
    tables: tuple[list[dict[str, Any]], ...],
) -> None:
    """Consolidated low <= best <= high whenever each report's given figures are ordered."""
    events, actors, links = tables
    incidents, _ = incident_tables(events, actors, links)
    for row in incidents:
        best, low, high = (row[c] for c in count_columns("fatalities"))
        given = [v for v in (low, best, high) if v is not None]
        assert given == sorted(given)
        assert (best is None or low is not None) and (low is None) == (high is None)


def test_the_seed_package_has_one_incident_per_incident_event(root: Path) -> None:
    """The seed has no same_incident links: incidents.csv holds one row per event that is
    neither an aggregate nor a statement, each from one source with nothing to disagree on."""
    package = root / "datasets" / "grounded-events"
    with (package / "events.csv").open(encoding="utf-8", newline="") as f:
        events = list(csv.DictReader(f))
    with (package / "incidents.csv").open(encoding="utf-8", newline="") as f:
        incidents = list(csv.DictReader(f))
    expected = [
        e["event_id"]
        for e in events
        if e["is_aggregate"] == "false" and e["event_type"] != "statement"
    ]
    assert expected, "the seed codes incidents"
    assert [r["event_ids"] for r in incidents] == sorted(expected)
    assert [r["incident_id"] for r in incidents] == [f"inc-{e}" for e in sorted(expected)]
    assert {(r["sources"], r["disagreements"]) for r in incidents} == {("1", "")}
    assert (package / "incident_values.csv").read_text(encoding="utf-8").count("\n") == 1
