"""The exported tables: one row model per table, their keys, and flattening annotations into rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from grounded_events._schema.models import (
    Admin1Code,
    AnnotationFile,
    CountryCode,
    Document,
    LanguageCode,
    Latitude,
    Longitude,
    Sha256,
    Slug,
    Text,
)
from grounded_events._schema.models import Count as CountValue
from grounded_events._schema.vocab import (
    CROSSWALK,
    AcledEventType,
    AcledSubEventType,
    ActorType,
    AttributionStatus,
    CameoRoot,
    DateBasis,
    DatePrecision,
    EventSubtype,
    EventType,
    Gazetteer,
    GeoPrecision,
    PloverEventType,
    PloverMode,
    PublishedDateBasis,
    Role,
    Weapon,
)
from grounded_events._schema.vocab import Field as EvidenceField


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EventRow(_Row):
    """One row of the `events` table: one event, flat."""

    event_id: Slug = Field(description="Stable, unique, never reused.")
    doc_id: Slug = Field(description="The document the event is coded from.")
    event_type: EventType
    event_subtype: EventSubtype
    is_aggregate: bool = Field(description="True for a series or campaign the text summarises.")
    date_start: dt.date
    date_end: dt.date
    date_precision: DatePrecision
    date_basis: DateBasis
    time_of_day: Text | None = Field(description="The text's time-of-day words, verbatim.")
    country_iso3: CountryCode | None
    admin1_code: Admin1Code | None = Field(description="ISO 3166-2, e.g. IQ-BG.")
    location_name: Text | None
    latitude: Latitude | None
    longitude: Longitude | None
    geo_precision: GeoPrecision | None
    gazetteer: Gazetteer | None
    gazetteer_id: str | None
    initiator: Slug | None = Field(description="actor_id of the initiator, or of the speaker.")
    initiator_attribution: AttributionStatus | None
    attributed_by: list[Slug] = Field(description="actor_ids that assign responsibility.")
    target: list[Slug] = Field(description="actor_ids of the targets, or of the addressees.")
    weapons: list[Weapon]
    fatalities_best: CountValue | None
    fatalities_low: CountValue | None
    fatalities_high: CountValue | None
    injuries_best: CountValue | None = Field(
        description="0 when the source says there were none, empty when it does not say."
    )
    injuries_low: CountValue | None
    injuries_high: CountValue | None
    acled_event_type: AcledEventType | None = Field(description="ACLED event_type, exact name.")
    acled_sub_event_type: AcledSubEventType | None = Field(
        description="ACLED sub_event_type, exact name."
    )
    plover_event_type: PloverEventType | None = Field(description="PLOVER event type.")
    plover_mode: PloverMode | None = Field(description="PLOVER mode of the event type.")
    cameo_root: CameoRoot | None = Field(description="CAMEO root code, two digits.")
    refers_to: list[Slug] = Field(description="event_ids this event is about.")
    summary: Text


class EvidenceRow(_Row):
    """One row of the `evidence` table: a span of a document supporting one coded field."""

    evidence_id: str = Field(description="'<event_id>:<field>:<start>-<end>'.")
    event_id: Slug
    doc_id: Slug
    field: EvidenceField
    start: int = Field(ge=0, description="Code point offset into the text, inclusive.")
    end: int = Field(ge=1, description="Code point offset, exclusive.")
    quote: str = Field(min_length=1, description="Exactly text[start:end].")


class DocumentRow(_Row):
    """One row of the `documents` table: a source document, its metadata and its full text."""

    doc_id: Slug
    title: Text
    publisher: Text
    url: str
    published_date: dt.date
    published_date_basis: PublishedDateBasis
    dateline: Text | None
    language: LanguageCode
    sha256: Sha256 = Field(description="SHA-256 of the UTF-8 text.")
    text: str = Field(description="The full text, verbatim; evidence offsets count in it.")


class ActorRow(_Row):
    """One row of the `actors` table."""

    actor_id: Slug
    name: Text
    actor_type: ActorType
    country_iso3: CountryCode | None
    parent_actor_id: Slug | None


class EventActorRow(_Row):
    """One row of the `event_actors` table: an actor's role in an event."""

    event_id: Slug
    actor_id: Slug
    role: Role


@dataclass(frozen=True)
class ForeignKey:
    """`fields` of a table reference `reference_fields` of `reference_table`."""

    fields: tuple[str, ...]
    reference_table: str
    reference_fields: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """An exported table: its row model and its keys."""

    name: str
    row: type[_Row]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()
    title: str = ""

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(self.row.model_fields)


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "documents",
            DocumentRow,
            ("doc_id",),
            title="Source documents with their verbatim text",
        ),
        Table(
            "actors",
            ActorRow,
            ("actor_id",),
            (ForeignKey(("parent_actor_id",), "actors", ("actor_id",)),),
            title="Actors with normalized ids",
        ),
        Table(
            "events",
            EventRow,
            ("event_id",),
            (
                ForeignKey(("doc_id",), "documents", ("doc_id",)),
                ForeignKey(("initiator",), "actors", ("actor_id",)),
            ),
            title="Events, one row each",
        ),
        Table(
            "event_actors",
            EventActorRow,
            ("event_id", "actor_id", "role"),
            (
                ForeignKey(("event_id",), "events", ("event_id",)),
                ForeignKey(("actor_id",), "actors", ("actor_id",)),
            ),
            title="Each actor's role in each event",
        ),
        Table(
            "evidence",
            EvidenceRow,
            ("evidence_id",),
            (
                ForeignKey(("event_id",), "events", ("event_id",)),
                ForeignKey(("doc_id",), "documents", ("doc_id",)),
            ),
            title="Evidence spans supporting coded values",
        ),
    )
}

# List-valued columns; CSV joins their items with LIST_SEPARATOR (escaped with a backslash).
LIST_SEPARATOR = "|"


def document_row(document: Document, text: str) -> dict[str, Any]:
    """The `documents` row of a seed document and its text."""
    fields = document.model_dump(exclude={"file"})
    return DocumentRow(**fields, text=text).model_dump()


def rows_from_annotation(annotation: AnnotationFile) -> dict[str, list[dict[str, Any]]]:
    """Flatten one annotation file into rows of `events`, `evidence`, `actors`, `event_actors`."""
    tables: dict[str, list[dict[str, Any]]] = {
        "actors": [],
        "events": [],
        "event_actors": [],
        "evidence": [],
    }
    for actor in annotation.actors:
        tables["actors"].append(actor.model_dump(exclude={"note"}))
    for event in annotation.events:
        tables["events"].append(event_row(event, annotation.doc_id))
        pairs = [(p.actor_id, p.role) for p in event.participants]
        if event.attribution:
            pairs += [(a, Role.ATTRIBUTOR) for a in event.attribution.attributed_by]
        for actor_id, role in dict.fromkeys(pairs):
            tables["event_actors"].append(
                {"event_id": event.event_id, "actor_id": actor_id, "role": role}
            )
        for ev in event.evidence:
            tables["evidence"].append(
                {
                    "evidence_id": f"{event.event_id}:{ev.field}:{ev.start}-{ev.end}",
                    "event_id": event.event_id,
                    "doc_id": annotation.doc_id,
                    "field": ev.field,
                    "start": ev.start,
                    "end": ev.end,
                    "quote": ev.quote,
                }
            )
    return tables


def event_row(event: Any, doc_id: str) -> dict[str, Any]:
    """The flat `events` row of one annotated event; crosswalks come from its subtype."""
    loc = event.location
    att = event.attribution
    cw = CROSSWALK[event.event_subtype]
    firsts = {Role.INITIATOR: None, Role.SPEAKER: None}
    targets: list[str] = []
    for p in event.participants:
        if p.role in firsts and firsts[p.role] is None:
            firsts[p.role] = p.actor_id
        elif p.role in (Role.TARGET, Role.ADDRESSEE):
            targets.append(p.actor_id)
    fat, inj = event.fatalities, event.injuries
    return {
        "event_id": event.event_id,
        "doc_id": doc_id,
        "event_type": event.event_type,
        "event_subtype": event.event_subtype,
        "is_aggregate": event.is_aggregate,
        "date_start": event.date.start,
        "date_end": event.date.end,
        "date_precision": event.date.precision,
        "date_basis": event.date.basis,
        "time_of_day": event.date.time_of_day,
        "country_iso3": loc.country_iso3 if loc else None,
        "admin1_code": loc.admin1_code if loc else None,
        "location_name": loc.name if loc else None,
        "latitude": loc.latitude if loc else None,
        "longitude": loc.longitude if loc else None,
        "geo_precision": loc.geo_precision if loc else None,
        "gazetteer": loc.gazetteer if loc else None,
        "gazetteer_id": loc.gazetteer_id if loc else None,
        "initiator": firsts[Role.INITIATOR] or firsts[Role.SPEAKER],
        "initiator_attribution": att.status if att else None,
        "attributed_by": list(att.attributed_by) if att else [],
        "target": targets,
        "weapons": list(event.weapons),
        "fatalities_best": fat.best if fat else None,
        "fatalities_low": fat.low if fat else None,
        "fatalities_high": fat.high if fat else None,
        "injuries_best": inj.best if inj else None,
        "injuries_low": inj.low if inj else None,
        "injuries_high": inj.high if inj else None,
        "acled_event_type": cw.acled_event_type,
        "acled_sub_event_type": cw.acled_sub_event_type,
        "plover_event_type": cw.plover_event_type,
        "plover_mode": cw.plover_mode,
        "cameo_root": cw.cameo_root,
        "refers_to": list(event.refers_to),
        "summary": event.summary,
    }
