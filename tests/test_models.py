"""The pydantic models accept well-formed records and name what is wrong in bad ones."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from grounded_events._models import Actor, Event, Location


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
