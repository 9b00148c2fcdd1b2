"""The incidents of a package: the reports linked as one real-world incident, consolidated by rule."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from grounded_events._core.errors import GroundedEventsError
from grounded_events._schema.tables import count_columns
from grounded_events._schema.vocab import (
    DatePrecision,
    EventType,
    GeoPrecision,
    IncidentField,
    Role,
)

Row = dict[str, Any]

# The counts an incident consolidates (low, high and the lower median of the bests).
COUNTS = ("fatalities", "injuries", "munitions")
LOCATION_COLUMNS = (
    "location_name",
    "country_iso3",
    "admin1_code",
    "latitude",
    "longitude",
    "geo_precision",
)
_DATE_RANK = {precision: rank for rank, precision in enumerate(DatePrecision)}
_GEO_RANK = {precision: rank for rank, precision in enumerate(GeoPrecision)}


class IncidentConflictError(GroundedEventsError):
    """Events linked as one incident whose dates cannot all be true (the validator's GE611)."""


def is_incident_event(event: Mapping[str, Any]) -> bool:
    """An event that can be (part of) an incident: not an aggregate, not a statement."""
    return not event["is_aggregate"] and event["event_type"] != EventType.STATEMENT


def incident_tables(
    events: list[Row], event_actors: list[Row], links: list[Row]
) -> tuple[list[Row], list[Row]]:
    """The rows of `incidents` and of `incident_values`, each sorted by its primary key.

    An incident is a connected component of `same_incident` links over the incident events; an
    unlinked incident event is an incident of its own. The result does not depend on the order
    of the rows given.
    """
    incident_events = {e["event_id"]: e for e in events if is_incident_event(e)}
    components = _components(sorted(incident_events), links)
    incident_of = {
        event_id: _incident_id(component) for component in components for event_id in component
    }
    actors: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for row in event_actors:
        actors[row["event_id"]][str(row["role"])].append(row["actor_id"])
    targets: dict[tuple[str, str], set[str]] = defaultdict(set)
    for link in links:
        relation = str(link["relation"])
        if relation in ("part_of", "in_response_to"):
            targets[link["source_event_id"], relation].add(link["target_event_id"])
    incidents: list[Row] = []
    values: list[Row] = []
    for component in components:
        reports = [incident_events[event_id] for event_id in component]
        roles = {event_id: actors[event_id] for event_id in component}
        row = _consolidate(reports, roles)
        row["part_of"] = sorted({t for e in component for t in targets[e, "part_of"]})
        responds_to = {t for e in component for t in targets[e, "in_response_to"]}
        row["in_response_to"] = sorted({incident_of.get(t, t) for t in responds_to})
        disagreements = _disagreements(reports, roles)
        row["disagreements"] = list(disagreements)
        incidents.append(row)
        values += [
            {"incident_id": row["incident_id"], "field": field, **value}
            for field, field_values in disagreements.items()
            for value in field_values
        ]
    values.sort(key=lambda v: (v["incident_id"], str(v["field"]), v["event_id"]))
    return incidents, values


def _incident_id(component: list[str]) -> str:
    return "inc-" + component[0]


def _components(event_ids: list[str], links: Iterable[Row]) -> list[list[str]]:
    """The same_incident components (union-find), each sorted, in order of their lowest id."""
    parent = {event_id: event_id for event_id in event_ids}

    def root(event_id: str) -> str:
        while parent[event_id] != event_id:
            parent[event_id] = parent[parent[event_id]]
            event_id = parent[event_id]
        return event_id

    for link in links:
        ends = (link["source_event_id"], link["target_event_id"])
        # links to other events break GE609, which the build's validation reports
        if str(link["relation"]) == "same_incident" and all(end in parent for end in ends):
            a, b = sorted(root(end) for end in ends)
            parent[b] = a  # the root of a component is its lowest event_id
    groups: dict[str, list[str]] = defaultdict(list)
    for event_id in event_ids:  # sorted, so each group is
        groups[root(event_id)].append(event_id)
    return [groups[r] for r in sorted(groups)]


def _consolidate(reports: list[Row], roles: Mapping[str, Mapping[str, list[str]]]) -> Row:
    """The consolidated values of one incident, from its reports (events rows)."""
    event_ids = [r["event_id"] for r in reports]
    doc_ids = sorted({r["doc_id"] for r in reports})
    start = max(r["date_start"] for r in reports)
    end = min(r["date_end"] for r in reports)
    if start > end:
        raise IncidentConflictError(
            f"events {', '.join(event_ids)} are linked as one incident but no day lies in all "
            "their date ranges; fix the dates or the same_incident links (GE611)"
        )
    located = [r for r in reports if r["geo_precision"] is not None]
    place = min(located, key=lambda r: (_GEO_RANK[r["geo_precision"]], r["event_id"]), default={})
    row: Row = {
        "incident_id": _incident_id(event_ids),
        "event_ids": event_ids,
        "doc_ids": doc_ids,
        "sources": len(doc_ids),
        "event_type": _agreed(r["event_type"] for r in reports),
        "event_subtype": _agreed(r["event_subtype"] for r in reports),
        "date_start": start,
        "date_end": end,
        "date_precision": min((r["date_precision"] for r in reports), key=_DATE_RANK.__getitem__),
        **{column: place.get(column) for column in LOCATION_COLUMNS},
        "initiators": sorted({a for r in reports for a in roles[r["event_id"]][Role.INITIATOR]}),
        "targets": sorted({a for r in reports for a in roles[r["event_id"]][Role.TARGET]}),
        "weapons": sorted({w for r in reports for w in r["weapons"]}),
    }
    for count in COUNTS:
        row.update(zip(count_columns(count), _count(reports, count), strict=True))
    row["damage"] = _agreed(r["damage"] for r in reports)
    row["claim_status"] = _agreed(r["claim_status"] for r in reports)
    return row


def _agreed(values: Iterable[Any]) -> Any:
    """The value every report that codes it gives; None when they differ or all are silent."""
    coded = {v for v in values if v is not None}
    return coded.pop() if len(coded) == 1 else None


def _count(reports: list[Row], count: str) -> tuple[int | None, int | None, int | None]:
    """best, low and high of a count over the reports: low is the lowest figure any report gives
    (its low, else its best, else its high), high the highest; best the lower median of the
    reports' bests, so low <= best <= high."""
    best, low, high = count_columns(count)
    figures = [r[c] for r in reports for c in (best, low, high) if r[c] is not None]
    bests = sorted(r[best] for r in reports if r[best] is not None)
    if not figures:
        return None, None, None
    median = bests[(len(bests) - 1) // 2] if bests else None
    return median, min(figures), max(figures)


def _disagreements(
    reports: list[Row], roles: Mapping[str, Mapping[str, list[str]]]
) -> dict[IncidentField, list[Row]]:
    """For each compared field on which two reports that code it differ, in vocabulary order,
    what each report that codes it says (incident_values rows without the incident_id)."""
    found: dict[IncidentField, list[Row]] = {}
    for field in IncidentField:
        coded = []
        for report in reports:
            value = CODED[field](report, roles[report["event_id"]])
            if value is not None:
                text = json.dumps(
                    value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_iso
                )
                coded.append(
                    {"event_id": report["event_id"], "doc_id": report["doc_id"], "value": text}
                )
        if len({c["value"] for c in coded}) > 1:
            found[field] = coded
    return found


def _iso(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON: a new incident field needs a form")


def _column(name: str) -> Callable[[Row, Mapping[str, list[str]]], Any]:
    return lambda report, _: report[name]


def _columns(*names: str) -> Callable[[Row, Mapping[str, list[str]]], Any]:
    """A field made of several columns: silent when they all are."""

    def coded(report: Row, _: Mapping[str, list[str]]) -> Any:
        values = {name: report[name] for name in names}
        return values if any(v is not None for v in values.values()) else None

    return coded


def _listed(values: list[Any]) -> list[Any] | None:
    return sorted(values) or None


# What a report codes for each compared field; None when it is silent (never a disagreement).
CODED: dict[IncidentField, Callable[[Row, Mapping[str, list[str]]], Any]] = {
    IncidentField.EVENT_TYPE: _column("event_type"),
    IncidentField.EVENT_SUBTYPE: _column("event_subtype"),
    IncidentField.DATE: _columns("date_start", "date_end"),
    IncidentField.LOCATION: _columns(*LOCATION_COLUMNS),
    IncidentField.INITIATOR: lambda _, roles: _listed(roles[Role.INITIATOR]),
    IncidentField.TARGET: lambda _, roles: _listed(roles[Role.TARGET]),
    IncidentField.WEAPONS: lambda report, _: _listed(report["weapons"]),
    IncidentField.FATALITIES: _columns(*count_columns("fatalities")),
    IncidentField.INJURIES: _columns(*count_columns("injuries")),
    IncidentField.MUNITIONS: _columns(*count_columns("munitions")),
    IncidentField.DAMAGE: _column("damage"),
    IncidentField.CLAIM_STATUS: _column("claim_status"),
    IncidentField.INITIATOR_ATTRIBUTION: _column("initiator_attribution"),
}
