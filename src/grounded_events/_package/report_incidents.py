"""The report's incidents: each incident's reports side by side, the fields they disagree on marked."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from html import escape
from typing import Any

from grounded_events._package.incidents import CODED
from grounded_events._schema.vocab import IncidentField

Row = dict[str, Any]


def _e(text: Any) -> str:
    return escape(str(text), quote=True)


def shown(value: Any) -> str:
    """A coded value as a reader reads it: counts as best (low–high), lists joined, "—" for a
    report that says nothing."""
    if value is None:
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        keys = list(value)
        if keys and keys[0].endswith("_best"):  # a count: best, low, high
            best, low, high = (value[k] for k in keys)
            text = "?" if best is None else str(best)
            if (low, high) != (best, best) and (low is not None or high is not None):
                text += f" ({'' if low is None else low}–{'' if high is None else high})"
            return text
        if "date_start" in value:
            start, end = value["date_start"], value["date_end"]
            return str(start) if start == end else f"{start} – {end}"
        if "location_name" in value:
            name = value["location_name"] or "?"
            return f"{name} ({value['geo_precision'] or '?'})"
    return str(value)


def _incident(
    incident: Row, events: Mapping[str, Row], roles: Mapping[str, Mapping[str, list[str]]]
) -> str:
    reports = [events[event_id] for event_id in incident["event_ids"]]
    disagree = {str(f) for f in incident["disagreements"]}
    head = "".join(
        f'<th scope="col"><a href="documents/{_e(r["doc_id"])}.html#event={_e(r["event_id"])}">'
        f'{_e(r["doc_id"])}</a><br><span class="muted">{_e(r["event_id"])}</span></th>'
        for r in reports
    )
    rows = []
    for field in IncidentField:
        values = [shown(CODED[field](r, roles[r["event_id"]])) for r in reports]
        differ = str(field) in disagree
        mark = ' <span class="flag">reports differ</span>' if differ else ""
        cells = "".join(f"<td>{_e(v)}</td>" for v in values)
        klass = ' class="disagree"' if differ else ""
        rows.append(f'<tr{klass}><th scope="row">{_e(field)}{mark}</th>{cells}</tr>')
    dates = shown({"date_start": incident["date_start"], "date_end": incident["date_end"]})
    place = incident["location_name"] or "place not given"
    n = len(reports)
    summary = (
        f"{_e(dates)} · {_e(place)} · {n} report{'s' if n != 1 else ''}"
        f" · {len(disagree)} field{'s' if len(disagree) != 1 else ''} in dispute"
    )
    return (
        f'<article class="incident" id="{_e(incident["incident_id"])}">'
        f'<h3>{_e(incident["incident_id"])}</h3><p class="muted">{summary}</p>'
        '<div class="table-wrap"><table class="incident-table"><thead><tr>'
        f'<th scope="col">field</th>{head}</tr></thead><tbody>{"".join(rows)}</tbody>'
        "</table></div></article>"
    )


def incidents_section(incidents: list[Row], events: list[Row], event_actors: list[Row]) -> str:
    """The index's incidents section: one article per incident (the rows of the `incidents`
    table), its reports as columns and each compared field as a row, the rows where reports
    disagree marked."""
    by_id = {e["event_id"]: e for e in events}
    roles: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for row in event_actors:
        roles[row["event_id"]][str(row["role"])].append(row["actor_id"])
    # the incidents that several reports tell first: their disagreements are what to look at
    ordered = sorted(incidents, key=lambda i: (-len(i["event_ids"]), i["incident_id"]))
    articles = "".join(_incident(i, by_id, roles) for i in ordered)
    n = len(incidents)
    intro = (
        f"<p>{n} incident{'s' if n != 1 else ''} (the rows of the <code>incidents</code> table: "
        "count incidents there, not events). Each incident shows its reports side by side; "
        "rows where reports that code a field disagree are marked.</p>"
    )
    return f'<section id="incidents-section"><h2>Incidents</h2>{intro}{articles}</section>'
