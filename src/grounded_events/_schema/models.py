"""The schema as pydantic models: the single source of truth for every published artifact."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

import pycountry
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)
from pydantic_core import PydanticCustomError

from grounded_events._core.version import SCHEMA_VERSION
from grounded_events._schema.vocab import (
    AcledEventType,
    AcledSubEventType,
    ActorType,
    AttributionStatus,
    CameoRoot,
    ClaimStatus,
    Damage,
    DateBasis,
    DatePrecision,
    EventSubtype,
    EventType,
    Gazetteer,
    GeoPrecision,
    Hedge,
    LinkRelation,
    PloverEventType,
    PloverMode,
    PublishedDateBasis,
    Role,
    Weapon,
)
from grounded_events._schema.vocab import Field as EvidenceField

SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
SHA256 = r"^[0-9a-f]{64}$"
ISO3 = r"^[A-Z]{3}$"
ISO3166_2 = r"^[A-Z]{2}-[A-Z0-9]{1,3}$"
LANGUAGE = r"^[a-z]{2}$"
URL = r"^https?://\S+$"


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_date(value: object) -> object:
    """Date text must be a real YYYY-MM-DD date, as JSON Schema's `format: date` says: pydantic
    alone also reads "0" or "1700000000" as a Unix time."""
    if not isinstance(value, str):
        return value
    try:
        if _ISO_DATE.fullmatch(value):
            return dt.date.fromisoformat(value)
    except ValueError:
        pass
    raise PydanticCustomError("date_parsing", "Input should be a real date written YYYY-MM-DD")


# A calendar date, from YYYY-MM-DD text or a date object.
IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]


def _country(code: str) -> str:
    if pycountry.countries.get(alpha_3=code) is None:
        raise PydanticCustomError(
            "unknown_country", "'{code}' is not an ISO 3166-1 alpha-3 country code", {"code": code}
        )
    return code


def _subdivision(code: str) -> str:
    if pycountry.subdivisions.get(code=code) is None:  # type: ignore[no-untyped-call]
        raise PydanticCustomError(
            "unknown_subdivision", "'{code}' is not an ISO 3166-2 subdivision code", {"code": code}
        )
    return code


def _language(code: str) -> str:
    if pycountry.languages.get(alpha_2=code) is None:
        raise PydanticCustomError(
            "unknown_language", "'{code}' is not an ISO 639-1 language code", {"code": code}
        )
    return code


Slug = Annotated[str, StringConstraints(pattern=SLUG, max_length=120)]
Sha256 = Annotated[str, StringConstraints(pattern=SHA256)]
CountryCode = Annotated[
    str,
    StringConstraints(pattern=ISO3),
    AfterValidator(_country),
    Field(description="ISO 3166-1 alpha-3 country code (pycountry)."),
]
Admin1Code = Annotated[
    str,
    StringConstraints(pattern=ISO3166_2),
    AfterValidator(_subdivision),
    Field(description="ISO 3166-2 subdivision code, e.g. IQ-BG (pycountry)."),
]
LanguageCode = Annotated[
    str,
    StringConstraints(pattern=LANGUAGE),
    AfterValidator(_language),
    Field(description="ISO 639-1 language code (pycountry)."),
]
Text = Annotated[str, StringConstraints(min_length=1, max_length=10_000)]
Count = Annotated[int, Field(ge=0, le=10_000_000)]
Latitude = Annotated[float, Field(ge=-90, le=90)]
Longitude = Annotated[float, Field(ge=-180, le=180)]


# The schema_version of the files this schema reads: its major version, any minor and patch.
SchemaVersion = Annotated[
    str,
    StringConstraints(pattern=rf"^{SCHEMA_VERSION.split('.')[0]}\.\d+\.\d+$"),
    Field(description="The schema version the file follows."),
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=False, validate_default=True)


class Document(_Model):
    """A source document: one verbatim text file in `seeds/`, listed in `seeds/index.json`."""

    doc_id: Slug = Field(
        description="Stable id: publisher slug and publication date, e.g. rudaw-20231212."
    )
    file: Annotated[str, StringConstraints(pattern=r"^[^/\\]+\.txt$")] = Field(
        description="File name of the verbatim text inside seeds/."
    )
    sha256: Sha256 = Field(description="SHA-256 of the file's bytes; reading a changed file fails.")
    title: Text
    publisher: Text
    url: Annotated[str, StringConstraints(pattern=URL)]
    published_date: IsoDate | None = Field(
        description="The publication date; null only when published_date_basis is unknown."
    )
    published_date_basis: PublishedDateBasis = Field(
        description="Where the publication date comes from."
    )
    dateline: Text | None = Field(default=None, description="The place named in the dateline.")
    language: LanguageCode

    @model_validator(mode="after")
    def _date_known(self) -> Document:
        unknown = self.published_date_basis == PublishedDateBasis.UNKNOWN
        if (self.published_date is None) != unknown:
            raise PydanticCustomError(
                "published_date_unknown",
                "published_date is empty exactly when published_date_basis is unknown",
            )
        return self


class Actor(_Model):
    """An actor with a normalized id, declared once for the dataset in `datasets/actors.yaml`."""

    actor_id: Slug = Field(description="Normalized id, e.g. usa-state-department.")
    name: Text = Field(description="Canonical English name.")
    variants: list[Text] = Field(
        default_factory=list,
        description="Other names the texts use for the actor, verbatim ('Washington').",
    )
    actor_type: ActorType
    country_iso3: CountryCode | None = Field(
        default=None, description="Country the actor belongs to, if any."
    )
    parent_actor_id: Slug | None = Field(
        default=None, description="The actor this one is part of (an official's government)."
    )
    note: Text | None = None


class DateInfo(_Model):
    """When an event happened, how precisely that is known, and how it was resolved."""

    start: IsoDate
    end: IsoDate
    precision: DatePrecision
    basis: DateBasis
    time_of_day: Text | None = Field(
        default=None, description="The text's time-of-day words, verbatim ('early hours')."
    )
    note: Text | None = Field(default=None, description="How a relative date was resolved.")


class Location(_Model):
    """Where an event happened, geocoded to the most precise place the text supports."""

    name: Text = Field(description="Place name as coded, e.g. 'US Embassy, Baghdad'.")
    country_iso3: CountryCode | None = Field(
        default=None, description="Required unless geo_precision is multi_country or international."
    )
    admin1_code: Admin1Code | None = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    geo_precision: GeoPrecision
    gazetteer: Gazetteer | None = None
    gazetteer_id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9]+$")] | None = None
    note: Text | None = Field(default=None, description="Why this place and this precision.")


class Participation(_Model):
    """One actor's role in one event."""

    actor_id: Slug
    role: Role


class Attribution(_Model):
    """Who the text says is responsible for the event, who says so, and how certain it is."""

    status: AttributionStatus
    attributed_by: list[Slug] = Field(
        default_factory=list, description="Actors who assign responsibility (required for alleged)."
    )
    note: Text | None = None


class Outcome(_Model):
    """A count as best estimate with bounds; 0 means the text says none, null that it is silent."""

    best: Count | None = None
    low: Count | None = None
    high: Count | None = None


class FatalitySplit(_Model):
    """Deaths by side, as UCDP splits them (deaths_a, deaths_b, deaths_civilians,
    deaths_unknown); with all four given they sum to fatalities.best."""

    initiator_side: Count | None = Field(
        default=None, description="Deaths on the initiator's side."
    )
    target_side: Count | None = Field(default=None, description="Deaths on the target's side.")
    civilians: Count | None = Field(default=None, description="Civilian deaths.")
    unknown: Count | None = Field(default=None, description="Deaths whose side is not known.")


class Claim(_Model):
    """Whether responsibility is claimed or denied, by whom, or that no claim was made yet."""

    status: ClaimStatus
    by: list[Slug] = Field(
        default_factory=list,
        description="Actors who claim or deny; required for claimed and denied, empty otherwise.",
    )


# A quote's place in a document's text: code point offsets, and the quote itself.
Start = Annotated[int, Field(ge=0, description="Code point offset, inclusive.")]
End = Annotated[int, Field(ge=1, description="Code point offset, exclusive.")]
Quote = Annotated[
    str,
    StringConstraints(min_length=1),
    Field(description="Exactly text[start:end] of the document."),
]


class Evidence(_Model):
    """A span of the document that supports one coded field of an event, with who says so."""

    field: EvidenceField
    start: Start
    end: End
    quote: Quote
    according_to: Text | None = Field(
        default=None,
        description="The text's words naming the source of the value ('an Iraqi security "
        "official'); they occur in the document.",
    )
    hedge: Hedge = Field(default=Hedge.STATED, description="How the text commits to the value.")


class Event(_Model):
    """One event as an annotator codes it: an incident, a statement, an aggregate or background."""

    event_id: Slug = Field(description="Stable, unique, never reused: '<doc_id>-e<NN>'.")
    event_type: EventType
    event_subtype: EventSubtype
    is_aggregate: bool = Field(
        default=False, description="True for a series or campaign the text summarises."
    )
    summary: Text
    date: DateInfo
    location: Location | None = Field(
        default=None, description="Null when the text gives no place."
    )
    participants: list[Participation] = Field(default_factory=list)
    attribution: Attribution | None = Field(
        default=None, description="Responsibility for the event; required for violent events."
    )
    claim: Claim | None = Field(
        default=None,
        description="A claim or denial of responsibility; null when the text is silent.",
    )
    weapons: list[Weapon] = Field(default_factory=list)
    munitions: Outcome | None = Field(
        default=None, description="Number of munitions (rockets, drones, shells) used."
    )
    attacks: Outcome | None = Field(
        default=None, description="Number of attacks a series or campaign is made of."
    )
    damage: Damage | None = Field(
        default=None, description="Material damage; null when the text does not say."
    )
    fatalities: Outcome | None = Field(default=None, description="Null when not applicable.")
    fatalities_by_side: FatalitySplit | None = Field(
        default=None, description="Deaths by side, when the text splits them."
    )
    injuries: Outcome | None = Field(default=None, description="Null when not applicable.")
    evidence: Annotated[list[Evidence], Field(min_length=1)]
    note: Text | None = None


class Crosswalks(_Model):
    """An event's codes in the anchor datasets, derived from its subtype (null where none)."""

    acled_event_type: AcledEventType | None
    acled_sub_event_type: AcledSubEventType | None
    plover_event_type: PloverEventType | None
    plover_mode: PloverMode | None
    cameo_root: CameoRoot | None


class EventRecord(Event):
    """One line of `events.jsonl`: an annotated event with its document and crosswalks."""

    doc_id: Slug
    crosswalks: Crosswalks


class AnnotationFile(_Model):
    """One document's annotations: the record format of `datasets/annotations/*.yaml`. Its
    actors are the dataset's (`actors.yaml`), its links to other events in `links.yaml`."""

    schema_version: SchemaVersion = SCHEMA_VERSION
    doc_id: Slug
    sha256: Sha256 = Field(description="Pins the exact text the offsets count in.")
    annotated: IsoDate = Field(description="Date of the last revision of these annotations.")
    annotators: Annotated[list[Text], Field(min_length=1)]
    events: list[Event] = Field(default_factory=list)


class ActorRegistry(_Model):
    """The dataset's actors, each declared once: `datasets/actors.yaml`."""

    schema_version: SchemaVersion = SCHEMA_VERSION
    actors: list[Actor] = Field(default_factory=list)


class LinkEvidence(_Model):
    """A span of a document that supports a link."""

    doc_id: Slug
    start: Start
    end: End
    quote: Quote


class Link(_Model):
    """How one event relates to another, possibly of another document; a note or evidence says
    why."""

    relation: LinkRelation
    source: Slug = Field(description="The event_id the link starts from.")
    target: Slug = Field(description="The event_id it points at.")
    note: Text | None = Field(
        default=None, description="Why the events are linked, in the annotator's words."
    )
    evidence: list[LinkEvidence] = Field(default_factory=list)

    @model_validator(mode="after")
    def _grounded(self) -> Link:
        if self.note is None and not self.evidence:
            raise PydanticCustomError(
                "link_without_reason", "A link needs a note or evidence that says why"
            )
        return self


class LinkFile(_Model):
    """The dataset's links between events, across documents: `datasets/links.yaml`."""

    schema_version: SchemaVersion = SCHEMA_VERSION
    links: list[Link] = Field(default_factory=list)
