"""The exported tables: their columns, row models and keys, and flattening annotations into rows.

Each table flattened from a model is declared once, as a tuple of `Column`s naming where each
value comes from in that model (`EVENT_COLUMNS`, `ACTOR_COLUMNS`, `DOCUMENT_COLUMNS`,
`EVIDENCE_COLUMNS`). Its row model, its flattening, the published Table Schema and the CSV and
Parquet columns all follow: a new field of an event, actor, document or evidence span is one line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import NoneType, UnionType
from typing import Annotated, Any, Optional, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, create_model

from grounded_events._schema.models import (
    Actor,
    ActorRegistry,
    AnnotationFile,
    Document,
    Event,
    EventRecord,
    Evidence,
    FatalitySplit,
    LanguageCode,
    Link,
    LinkFile,
    Outcome,
    Slug,
)
from grounded_events._schema.vocab import (
    CROSSWALK,
    CROSSWALK_COLUMNS,
    CROSSWALK_DESCRIPTIONS,
    ClaimStatus,
    Role,
)

# The role an actor of a claim has in the `event_actors` table, by the claim's status.
CLAIM_ROLES = {ClaimStatus.CLAIMED: Role.CLAIMANT, ClaimStatus.DENIED: Role.DENIER}


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid")


@dataclass(frozen=True)
class Column:
    """One column of a table and where its value comes from in the model a row is made of.

    `source` is a dotted path into that model (or into the context the flattening is given, such
    as an event's `doc_id`), by default the column's own name. The column's type is the source
    field's, nullable when the path passes an optional object (a list column is then empty).
    `derive` computes the value from the whole item and the context instead; `type` then gives
    the column's type.
    """

    name: str
    source: str = ""
    description: str | None = None
    derive: Callable[[Any, Mapping[str, Any]], Any] | None = None
    type: Any = None

    @property
    def path(self) -> tuple[str, ...]:
        return tuple((self.source or self.name).split("."))

    def field_description(self, root: type[BaseModel]) -> str | None:
        """The column's description: its own, else that of the model field it comes from."""
        if self.description is not None or self.derive is not None:
            return self.description
        model: Any = root
        *hops, last = self.path
        for hop in hops:
            if hop not in model.model_fields:
                return None  # a value of the context, not of the model
            model = _without_none(model.model_fields[hop].annotation)
        field = model.model_fields.get(last)
        return None if field is None else field.description

    def annotation(self, root: type[BaseModel]) -> Any:
        """The column's type in the row model, read from `root` (the model rows are made of)."""
        if self.type is not None:
            return self.type
        model: Any = root
        optional = False
        *hops, last = self.path
        for hop in hops:
            inner = _without_none(model.model_fields[hop].annotation)
            optional = optional or inner is not model.model_fields[hop].annotation
            model = inner
        field = model.model_fields[last]
        kind = (
            Annotated[(field.annotation, *field.metadata)] if field.metadata else field.annotation
        )
        if optional and not _is_list(kind) and _without_none(kind) is kind:
            return Optional[kind]  # noqa: UP045 (`X | None` cannot be built from a runtime value)
        return kind


def _without_none(kind: Any) -> Any:
    """`X` of `X | None`; any other type as it is."""
    if get_origin(kind) in (Union, UnionType):
        rest = [k for k in get_args(kind) if k is not NoneType]
        if len(rest) == 1:
            return rest[0]
    return kind


def _is_list(kind: Any) -> bool:
    return get_origin(kind) is list


def _initiator(event: Event, _: Mapping[str, Any]) -> str | None:
    """The first initiator among the participants, else the first speaker."""
    for role in (Role.INITIATOR, Role.SPEAKER):
        for p in event.participants:
            if p.role == role:
                return p.actor_id
    return None


def _targets(event: Event, _: Mapping[str, Any]) -> list[str]:
    """The targets and addressees among the participants, in their order."""
    return [p.actor_id for p in event.participants if p.role in (Role.TARGET, Role.ADDRESSEE)]


def count_columns(count: str) -> tuple[str, ...]:
    """The columns of a count (an `Outcome` field of `Event`): <count>_best, _low and _high."""
    return tuple(f"{count}_{bound}" for bound in Outcome.model_fields)


def _count(count: str, **descriptions: str) -> tuple[Column, ...]:
    return tuple(
        Column(name, f"{count}.{bound}", descriptions.get(bound))
        for name, bound in zip(count_columns(count), Outcome.model_fields, strict=True)
    )


# The `events` table, in column order. A new event field: one line here, and nothing else.
EVENT_COLUMNS: tuple[Column, ...] = (
    Column("event_id", description="Stable, unique, never reused."),
    Column("doc_id", description="The document the event is coded from."),
    Column("event_type"),
    Column("event_subtype"),
    Column("is_aggregate", description="True for a series or campaign the text summarises."),
    Column("date_start", "date.start", description="First day the event may have happened."),
    Column(
        "date_end",
        "date.end",
        description="Last day the event may have happened; date_start for a single day.",
    ),
    Column("date_precision", "date.precision"),
    Column("date_basis", "date.basis"),
    Column("time_of_day", "date.time_of_day", "The text's time-of-day words, verbatim."),
    Column(
        "country_iso3",
        "location.country_iso3",
        description="ISO 3166-1 alpha-3 code of the event's country; empty only when "
        "geo_precision is multi_country or international.",
    ),
    Column("admin1_code", "location.admin1_code", "ISO 3166-2, e.g. IQ-BG."),
    Column(
        "location_name",
        "location.name",
        description="Place name as coded, e.g. 'US Embassy, Baghdad'.",
    ),
    Column(
        "latitude",
        "location.latitude",
        description="Latitude of the place in decimal degrees (WGS 84).",
    ),
    Column(
        "longitude",
        "location.longitude",
        description="Longitude of the place in decimal degrees (WGS 84).",
    ),
    Column(
        "geo_precision",
        "location.geo_precision",
        description="How precisely the place is known, from site to international.",
    ),
    Column(
        "gazetteer", "location.gazetteer", description="The gazetteer that gazetteer_id belongs to."
    ),
    Column(
        "gazetteer_id",
        "location.gazetteer_id",
        description="The place's id in that gazetteer, e.g. a GeoNames feature id.",
    ),
    Column(
        "initiator",
        description="actor_id of the initiator, or of the speaker.",
        derive=_initiator,
        type=Slug | None,
    ),
    Column(
        "initiator_attribution",
        "attribution.status",
        description="How responsibility is assigned to the initiator: claimed, alleged, "
        "confirmed or unattributed.",
    ),
    Column(
        "attributed_by",
        "attribution.attributed_by",
        "actor_ids that assign responsibility.",
    ),
    Column(
        "target",
        description="actor_ids of the targets, or of the addressees.",
        derive=_targets,
        type=list[Slug],
    ),
    Column("claim_status", "claim.status", "Whether responsibility is claimed or denied."),
    Column("claimed_by", "claim.by", "actor_ids that claim or deny responsibility."),
    Column("weapons", description="The means of violence the text names."),
    *_count(
        "munitions",
        best="Munitions used (rockets, drones, shells), best estimate.",
        low="Munitions used, lowest figure the source gives.",
        high="Munitions used, highest figure the source gives.",
    ),
    *_count(
        "attacks",
        best="Attacks a series or campaign is made of, best estimate.",
        low="Attacks, lowest figure the source gives.",
        high="Attacks, highest figure the source gives.",
    ),
    Column("damage"),
    *_count(
        "fatalities",
        best="Deaths, best estimate: 0 when the source says there were none, empty when it does "
        "not say.",
        low="Deaths, lowest figure the source gives.",
        high="Deaths, highest figure the source gives.",
    ),
    *(
        Column(f"fatalities_{side}", f"fatalities_by_side.{side}")
        for side in FatalitySplit.model_fields
    ),
    *_count(
        "injuries",
        best="Injured, best estimate: 0 when the source says there were none, empty when it does "
        "not say.",
        low="Injured, lowest figure the source gives.",
        high="Injured, highest figure the source gives.",
    ),
    *(Column(c, f"crosswalks.{c}", CROSSWALK_DESCRIPTIONS[c]) for c in CROSSWALK_COLUMNS),
    Column("summary", description="What happened, in one sentence of the annotator's."),
)

# The counts of an event (its `Outcome` fields) and all their columns.
COUNTS: tuple[str, ...] = tuple(
    name for name, f in Event.model_fields.items() if _without_none(f.annotation) is Outcome
)
COUNT_COLUMNS: tuple[str, ...] = tuple(c for count in COUNTS for c in count_columns(count))


# The `actors` table: one row per actor, from `Actor` (its note stays in the annotation file).
ACTOR_COLUMNS: tuple[Column, ...] = (
    Column("actor_id", description="Normalized id, e.g. usa-state-department."),
    Column("name", description="Canonical English name."),
    Column("variants"),
    Column("actor_type"),
    Column(
        "country_iso3",
        description="ISO 3166-1 alpha-3 code of the country the actor belongs to, if any.",
    ),
    Column(
        "parent_actor_id",
        description="actor_id of the actor this one is part of (an official's government).",
    ),
)

# The `documents` table: a seed's index entry (`Document`, without its file name) and its text.
DOCUMENT_COLUMNS: tuple[Column, ...] = (
    Column(
        "doc_id", description="Stable id: publisher slug and publication date, e.g. rudaw-20231212."
    ),
    Column("title", description="The document's headline, as published."),
    Column("publisher", description="Who published the document, e.g. Rudaw."),
    Column("url", description="Where the document was published."),
    Column(
        "published_date",
        description="The publication date; empty when published_date_basis is unknown.",
    ),
    Column("published_date_basis"),
    Column("dateline", description="The place named in the dateline."),
    # the type itself (not the field read from Document) carries its published description
    Column("language", type=LanguageCode),
    Column("sha256", description="SHA-256 of the UTF-8 text."),
    Column("text", description="The full text, verbatim; evidence offsets count in it.", type=str),
)


def _evidence_id(evidence: Evidence, context: Mapping[str, Any]) -> str:
    return f"{context['event_id']}:{evidence.field}:{evidence.start}-{evidence.end}"


# The `evidence` table: one row per `Evidence` span, with the event and document it belongs to.
EVIDENCE_COLUMNS: tuple[Column, ...] = (
    Column(
        "evidence_id",
        description="'<event_id>:<field>:<start>-<end>'.",
        derive=_evidence_id,
        type=str,
    ),
    Column(
        "event_id",
        type=Slug,
        description="The event whose value the span supports (events.event_id).",
    ),
    Column(
        "doc_id",
        type=Slug,
        description="The document whose text the offsets count in (documents.doc_id).",
    ),
    Column("field"),
    Column("start", description="Code point offset into the text, inclusive."),
    Column("end", description="Code point offset, exclusive."),
    Column("quote", description="Exactly text[start:end]."),
    Column("according_to"),
    Column("hedge"),
)


def _link_id(link: Link, _: Mapping[str, Any]) -> str:
    return f"{link.source}:{link.relation}:{link.target}"


def _link_quotes(link: Link, _: Mapping[str, Any]) -> list[str]:
    return [e.quote for e in link.evidence]


# The `links` table: one row per `Link` of links.yaml.
LINK_COLUMNS: tuple[Column, ...] = (
    Column(
        "link_id",
        description="'<source_event_id>:<relation>:<target_event_id>'.",
        derive=_link_id,
        type=str,
    ),
    Column("relation"),
    Column("source_event_id", "source", "The event the link starts from (events.event_id)."),
    Column("target_event_id", "target", "The event it points at (events.event_id)."),
    Column("note"),
    Column(
        "quotes",
        description="The quotes of the link's evidence spans.",
        derive=_link_quotes,
        type=list[str],
    ),
)


def _row_model(
    name: str, doc: str, root: type[BaseModel], columns: tuple[Column, ...]
) -> type[_Row]:
    fields: dict[str, Any] = {}
    for c in columns:
        described = c.field_description(root)
        fields[c.name] = (c.annotation(root), Field(description=described) if described else ...)
    return create_model(name, __base__=_Row, __doc__=doc, __module__=__name__, **fields)


def flatten(columns: tuple[Column, ...], item: BaseModel, **context: Any) -> dict[str, Any]:
    """One row from `item` (and `context`, for values the item does not hold), by the columns."""
    row: dict[str, Any] = {}
    for column in columns:
        if column.derive is not None:
            row[column.name] = column.derive(item, context)
            continue
        head, *rest = column.path
        value = context[head] if head in context else getattr(item, head)
        for part in rest:
            value = None if value is None else getattr(value, part)
        if column.name in _LISTS:
            value = [] if value is None else list(value)
        row[column.name] = value
    return row


EventRow = _row_model(
    "EventRow", "One row of the `events` table: one event, flat.", EventRecord, EVENT_COLUMNS
)
ActorRow = _row_model("ActorRow", "One row of the `actors` table.", Actor, ACTOR_COLUMNS)
DocumentRow = _row_model(
    "DocumentRow",
    "One row of the `documents` table: a source document, its metadata and its full text.",
    Document,
    DOCUMENT_COLUMNS,
)
EvidenceRow = _row_model(
    "EvidenceRow",
    "One row of the `evidence` table: a span of a document supporting one coded field.",
    Evidence,
    EVIDENCE_COLUMNS,
)
LinkRow = _row_model(
    "LinkRow", "One row of the `links` table: how one event relates to another.", Link, LINK_COLUMNS
)
# The list-valued columns of every flattened table (None becomes []).
_LISTS = frozenset(
    n
    for model in (EventRow, ActorRow, DocumentRow, EvidenceRow, LinkRow)
    for n, f in model.model_fields.items()
    if _is_list(f.annotation)
)


class EventActorRow(_Row):
    """One row of the `event_actors` table: an actor's role in an event."""

    event_id: Slug = Field(description="The event (events.event_id).")
    actor_id: Slug = Field(description="The actor (actors.actor_id).")
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

    @property
    def list_columns(self) -> tuple[str, ...]:
        """The list-valued columns (joined with LIST_SEPARATOR in CSV)."""
        return tuple(n for n, f in self.row.model_fields.items() if _is_list(f.annotation))


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
        Table(
            "links",
            LinkRow,
            ("link_id",),
            (
                ForeignKey(("source_event_id",), "events", ("event_id",)),
                ForeignKey(("target_event_id",), "events", ("event_id",)),
            ),
            title="Links between events, across documents",
        ),
    )
}

# List-valued columns; CSV joins their items with LIST_SEPARATOR (escaped with a backslash).
LIST_SEPARATOR = "|"


def document_row(document: Document, text: str) -> dict[str, Any]:
    """The `documents` row of a seed document and its text."""
    return flatten(DOCUMENT_COLUMNS, document, text=text)


def actor_rows(registry: ActorRegistry) -> list[dict[str, Any]]:
    """The `actors` rows of the dataset's actor registry."""
    return [flatten(ACTOR_COLUMNS, actor) for actor in registry.actors]


def link_rows(links: LinkFile) -> list[dict[str, Any]]:
    """The `links` rows of the dataset's links."""
    return [flatten(LINK_COLUMNS, link) for link in links.links]


def rows_from_annotation(annotation: AnnotationFile) -> dict[str, list[dict[str, Any]]]:
    """Flatten one annotation file into rows of `events`, `evidence` and `event_actors`."""
    tables: dict[str, list[dict[str, Any]]] = {"events": [], "event_actors": [], "evidence": []}
    for event in annotation.events:
        tables["events"].append(event_row(event, annotation.doc_id))
        pairs = [(p.actor_id, p.role) for p in event.participants]
        if event.attribution:
            pairs += [(a, Role.ATTRIBUTOR) for a in event.attribution.attributed_by]
        if event.claim is not None and event.claim.status in CLAIM_ROLES:
            pairs += [(a, CLAIM_ROLES[event.claim.status]) for a in event.claim.by]
        for actor_id, role in dict.fromkeys(pairs):
            tables["event_actors"].append(
                {"event_id": event.event_id, "actor_id": actor_id, "role": role}
            )
        for ev in event.evidence:
            tables["evidence"].append(
                flatten(EVIDENCE_COLUMNS, ev, event_id=event.event_id, doc_id=annotation.doc_id)
            )
    return tables


def event_row(event: Event, doc_id: str) -> dict[str, Any]:
    """The flat `events` row of one annotated event; crosswalks come from its subtype."""
    # the parts of an EventRecord that an annotated event lacks
    return flatten(EVENT_COLUMNS, event, doc_id=doc_id, crosswalks=CROSSWALK[event.event_subtype])
