"""The pydantic models accept well-formed records and name what is wrong in bad ones."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from grounded_events._schema.models import Actor, Event, Location


def _event(**changes: Any) -> dict[str, Any]:
    event: dict[str, Any] = {
        "event_id": "doc-e01",
        "event_type": "remote_violence",
        "event_subtype": "rocket_attack",
        "summary": "Rockets hit a compound.",
        "date": {
            "start": "2023-12-08",
            "end": "2023-12-08",
            "precision": "day",
            "basis": "explicit",
        },
        "evidence": [{"field": "event", "start": 0, "end": 7, "quote": "Rockets"}],
    }
    event.update(changes)
    return event


def _error_types(exc: ValidationError) -> set[str]:
    return {e["type"] for e in exc.errors()}


def test_a_minimal_event_is_valid() -> None:
    """An event with type, subtype, summary, date and one evidence span validates."""
    event = Event.model_validate(_event())
    assert event.is_aggregate is False
    assert event.participants == []


def test_unknown_vocabulary_values_are_refused() -> None:
    """A subtype outside the vocabulary is an enum error at that field."""
    with pytest.raises(ValidationError) as info:
        Event.model_validate(_event(event_subtype="rocket"))
    assert info.value.errors()[0]["loc"] == ("event_subtype",)
    assert "enum" in _error_types(info.value)


def test_country_and_subdivision_codes_come_from_pycountry() -> None:
    """ISO codes are checked against pycountry, with their own error types."""
    Location(name="Erbil", country_iso3="IRQ", admin1_code="IQ-AR", geo_precision="place")
    with pytest.raises(ValidationError) as info:
        Location(name="X", country_iso3="XXX", admin1_code="IQ-ZZ", geo_precision="place")
    assert _error_types(info.value) == {"unknown_country", "unknown_subdivision"}


def test_unknown_fields_are_refused() -> None:
    """A misspelt key is an error, not silently dropped data."""
    with pytest.raises(ValidationError) as info:
        Actor.model_validate({"actor_id": "a", "name": "A", "actor_type": "state", "nme": "x"})
    assert _error_types(info.value) == {"extra_forbidden"}


def test_an_event_needs_evidence() -> None:
    """An event without any evidence span is invalid."""
    with pytest.raises(ValidationError) as info:
        Event.model_validate(_event(evidence=[]))
    assert info.value.errors()[0]["loc"] == ("evidence",)


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=12) | st.integers(-(10**12), 10**12).map(str))
def test_date_text_is_a_real_iso_date_or_refused(text: str) -> None:
    """Date text is accepted only as a real YYYY-MM-DD date: pydantic alone reads "0" as
    1970-01-01; the JSON Schema's `format: date` does not."""
    try:
        expected = (
            dt.date.fromisoformat(text)
            if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text)
            else None
        )
    except ValueError:
        expected = None
    for validate in (
        Event.model_validate,
        lambda e: Event.model_validate_json(json.dumps(e), strict=True),
    ):
        event = _event(
            date={"start": text, "end": "2023-12-08", "precision": "day", "basis": "explicit"}
        )
        if expected is None:
            with pytest.raises(ValidationError) as info:
                validate(event)
            assert ("date", "start") in [e["loc"][:2] for e in info.value.errors()]
        else:
            try:
                assert validate(event).date.start == expected
            except ValidationError as exc:  # other rules (end before start) may still object
                assert ("date", "start") not in [e["loc"][:2] for e in exc.errors()]
