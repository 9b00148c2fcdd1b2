"""The report's incidents section: reports side by side, the fields they disagree on marked."""

from __future__ import annotations

import re
from typing import Any

from grounded_events._package.incidents import incident_tables
from grounded_events._package.report_incidents import incidents_section, shown
from grounded_events._schema.models import AnnotationFile
from grounded_events._schema.tables import rows_from_annotation
from helpers import annotation_data


def _report(doc_id: str, munitions: dict[str, int] | None) -> dict[str, list[dict[str, Any]]]:
    """The rows of the test annotation's attack, as the document `doc_id` reports it."""
    data = annotation_data()
    data["doc_id"] = doc_id
    event = data["events"][0]
    event["event_id"] = f"{doc_id}-e01"
    if munitions is not None:
        event["munitions"] = munitions
    data["events"] = [event]
    return rows_from_annotation(AnnotationFile.model_validate(data))


def _rows(*reports: dict[str, list[dict[str, Any]]]) -> tuple[list[Any], list[Any]]:
    return (
        [r for report in reports for r in report["events"]],
        [r for report in reports for r in report["event_actors"]],
    )


def test_two_reports_of_one_incident_side_by_side_with_their_dispute_marked() -> None:
    """Two linked reports are one article with a column each; only the row of the field they
    code differently (munitions) is marked, a silent report is shown as a dash."""
    events, actors = _rows(
        _report("wire-20231208", {"best": 14, "low": 14, "high": 14}),
        _report("paper-20231209", {"best": 2, "low": 2, "high": 2}),
        _report("agency-20231209", None),
    )
    links = [
        {
            "relation": "same_incident",
            "source_event_id": "paper-20231209-e01",
            "target_event_id": "wire-20231208-e01",
        },
        {
            "relation": "same_incident",
            "source_event_id": "agency-20231209-e01",
            "target_event_id": "wire-20231208-e01",
        },
    ]
    incidents, _ = incident_tables(events, actors, links)
    html = incidents_section(incidents, events, actors)
    assert html.count('<article class="incident"') == 1
    assert "3 reports · 1 field in dispute" in html
    marked = re.findall(r'<tr class="disagree"><th scope="row">(\w+)', html)
    assert marked == ["munitions"]
    row = re.search(r'<tr class="disagree">.*?</tr>', html)
    # the reports in event_id order: agency (silent), paper, wire
    assert row is not None and re.findall(r"<td>(.*?)</td>", row[0]) == ["—", "2", "14"]


def test_unlinked_reports_are_incidents_of_their_own() -> None:
    """Without a same_incident link each report is an incident, and nothing is in dispute."""
    events, actors = _rows(_report("wire-20231208", None), _report("paper-20231209", None))
    incidents, _ = incident_tables(events, actors, [])
    html = incidents_section(incidents, events, actors)
    assert html.count('<article class="incident"') == 2
    assert "<p>2 incidents" in html and 'class="disagree"' not in html


def test_values_are_shown_as_a_reader_reads_them() -> None:
    """Counts as best (low–high), date ranges, places with their precision, lists joined."""
    count = {"fatalities_best": 5, "fatalities_low": 3, "fatalities_high": 7}
    assert shown(count) == "5 (3–7)"
    assert shown({"munitions_best": 14, "munitions_low": 14, "munitions_high": 14}) == "14"
    assert (
        shown({"date_start": "2023-12-08", "date_end": "2023-12-09"}) == "2023-12-08 – 2023-12-09"
    )
    assert shown({"location_name": "Erbil", "geo_precision": "place"}) == "Erbil (place)"
    assert shown(["drone", "rocket"]) == "drone, rocket"
    assert shown(None) == "—"
