"""Controlled vocabularies of the schema: every value with its definition and crosswalks."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Literal, Self, TypeAlias

from pydantic import GetJsonSchemaHandler
from pydantic_core import CoreSchema


class Vocabulary(StrEnum):
    """A controlled vocabulary: each member is a code with a one-line definition (the codebook)."""

    definition: str

    def __new__(cls, value: str, definition: str) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.definition = definition
        return member

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> dict[str, Any]:
        # Editors (yaml-language-server, VS Code) show these next to each value as annotators type.
        schema = handler(core_schema)
        target = handler.resolve_ref_schema(schema)
        target["enumDescriptions"] = [member.definition for member in cls]
        return schema


class EventType(Vocabulary):
    """What kind of event a record codes; refined by `event_subtype`."""

    REMOTE_VIOLENCE = (
        "remote_violence",
        "An attack by a weapon fired or detonated from a distance (rockets, missiles, drones, "
        "shelling, explosives) with no armed engagement on the ground.",
    )
    ARMED_CLASH = (
        "armed_clash",
        "Organised armed groups or forces fighting each other at the same place and time.",
    )
    VIOLENCE_AGAINST_CIVILIANS = (
        "violence_against_civilians",
        "An organised armed actor deliberately harming unarmed people.",
    )
    DEMONSTRATION = (
        "demonstration",
        "A public gathering against or in support of a political cause: protest or riot.",
    )
    STATEMENT = (
        "statement",
        "A verbal act by a named speaker: a condemnation, accusation, demand, warning, directive, "
        "commitment or declaration.",
    )
    STRATEGIC_DEVELOPMENT = (
        "strategic_development",
        "A non-violent development that changes the conflict: agreements, arrests, "
        "deployments, changes of territory or of a group.",
    )


@dataclass(frozen=True)
class Crosswalk:
    """How one event subtype maps onto the anchor datasets' codes (None where they have none).

    Every field after `event_type` is a crosswalk column: of the `events` table and of an
    events.jsonl record's `crosswalks`, described by its metadata.
    """

    event_type: EventType
    acled_event_type: str | None = field(metadata={"description": "ACLED event_type, exact name."})
    acled_sub_event_type: str | None = field(
        metadata={"description": "ACLED sub_event_type, exact name."}
    )
    plover_event_type: str | None = field(metadata={"description": "PLOVER event type."})
    plover_mode: str | None = field(metadata={"description": "PLOVER mode of the event type."})
    cameo_root: str | None = field(metadata={"description": "CAMEO root code, two digits."})

    def codes(self) -> dict[str, str | None]:
        """The crosswalk columns of an event of this subtype, in column order."""
        return {name: getattr(self, name) for name in CROSSWALK_COLUMNS}


# The crosswalk columns' names, in order: written once, as the fields of `Crosswalk`.
CROSSWALK_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(Crosswalk))[1:]
CROSSWALK_DESCRIPTIONS: dict[str, str] = {
    f.name: f.metadata["description"] for f in fields(Crosswalk) if f.metadata
}


class EventSubtype(Vocabulary):
    """The specific kind of event; each subtype belongs to one `event_type` and has crosswalks."""

    ROCKET_ATTACK = (
        "rocket_attack",
        "Unguided rockets fired at a target, including a salvo fired on one occasion.",
    )
    MISSILE_ATTACK = ("missile_attack", "Guided or ballistic missiles fired at a target.")
    SHELLING = ("shelling", "Artillery or mortar fire at a target.")
    DRONE_STRIKE = (
        "drone_strike",
        "Uncrewed aerial vehicles that strike a target, by explosion on impact or by munitions.",
    )
    AIR_STRIKE = ("air_strike", "Crewed aircraft that bomb or fire on a target.")
    EXPLOSIVE_DEVICE = (
        "explosive_device",
        "A remotely or victim-detonated explosive: IED, landmine, car bomb (not a suicide attack).",
    )
    SUICIDE_BOMBING = ("suicide_bombing", "An attacker detonates explosives carried on themselves.")
    GRENADE_ATTACK = ("grenade_attack", "A grenade thrown or launched at a target.")
    MIXED_REMOTE_ATTACKS = (
        "mixed_remote_attacks",
        "An aggregate of remote attacks by more than one means (for example rockets and drones) "
        "that the text summarises together.",
    )
    ARMED_CLASH = ("armed_clash", "Armed groups exchange fire; no change of territory is reported.")
    TERRITORY_REGAINED = (
        "territory_regained",
        "Government forces retake territory from a non-state armed group.",
    )
    TERRITORY_TAKEN = (
        "territory_taken",
        "A non-state armed group takes territory from government forces or another group.",
    )
    ATTACK_ON_CIVILIANS = (
        "attack_on_civilians",
        "Civilians are shot, beaten, or otherwise attacked by an organised armed actor.",
    )
    ABDUCTION = ("abduction", "People are abducted, kidnapped or forcibly disappeared.")
    SEXUAL_VIOLENCE = ("sexual_violence", "Sexual violence by an organised armed actor.")
    PEACEFUL_PROTEST = ("peaceful_protest", "A demonstration with no violence and no intervention.")
    PROTEST_WITH_INTERVENTION = (
        "protest_with_intervention",
        "A peaceful demonstration that authorities disperse or repress without lethal force.",
    )
    EXCESSIVE_FORCE_AGAINST_PROTESTERS = (
        "excessive_force_against_protesters",
        "Authorities use lethal or grievous force against peaceful demonstrators.",
    )
    VIOLENT_DEMONSTRATION = (
        "violent_demonstration",
        "Demonstrators engage in violence or vandalism.",
    )
    MOB_VIOLENCE = ("mob_violence", "A spontaneous mob attacks people or property.")
    CONDEMNATION = (
        "condemnation",
        "The speaker disapproves of an act or actor (calls it unacceptable, condemns it).",
    )
    ACCUSATION = (
        "accusation",
        "The speaker asserts that an actor did, or does, something harmful.",
    )
    DEMAND = (
        "demand",
        "The speaker asks or expects another actor to act or stop acting.",
    )
    WARNING = (
        "warning",
        "The speaker warns an actor against an action, with or without a stated consequence.",
    )
    THREAT_OF_FORCE = (
        "threat_of_force",
        "The speaker threatens, or reserves the right, to use military force.",
    )
    DIRECTIVE = (
        "directive",
        "An authority orders its own agencies to act, such as to pursue or investigate "
        "perpetrators.",
    )
    COMMITMENT = (
        "commitment",
        "The speaker commits, or reaffirms a commitment, to do something or to protect someone.",
    )
    DECLARATION = (
        "declaration",
        "A public statement that declares a state of affairs (a victory, a defeat, an end) "
        "without asking anything of anyone.",
    )
    ARREST = ("arrest", "Authorities detain or arrest people.")
    AGREEMENT = ("agreement", "Parties reach an agreement, truce or ceasefire.")
    DEPLOYMENT = ("deployment", "Forces, weapons or police are moved or deployed.")
    OTHER_DEVELOPMENT = (
        "other_development",
        "A strategic development that no other subtype describes.",
    )


_R, _A, _V, _D, _S, _G = (
    EventType.REMOTE_VIOLENCE,
    EventType.ARMED_CLASH,
    EventType.VIOLENCE_AGAINST_CIVILIANS,
    EventType.DEMONSTRATION,
    EventType.STATEMENT,
    EventType.STRATEGIC_DEVELOPMENT,
)
_ER = "Explosions/Remote violence"
_ST = EventSubtype

# (event type, ACLED event type, ACLED sub-event type, PLOVER event type, PLOVER mode, CAMEO root)
CROSSWALK: dict[EventSubtype, Crosswalk] = {
    subtype: Crosswalk(*row)
    for subtype, row in {
        _ST.ROCKET_ATTACK: (_R, _ER, "Shelling/artillery/missile attack", "ASSAULT", "heavy-weapons", "19"),
        _ST.MISSILE_ATTACK: (_R, _ER, "Shelling/artillery/missile attack", "ASSAULT", "heavy-weapons", "19"),
        _ST.SHELLING: (_R, _ER, "Shelling/artillery/missile attack", "ASSAULT", "heavy-weapons", "19"),
        _ST.DRONE_STRIKE: (_R, _ER, "Air/drone strike", "ASSAULT", "drone", "19"),
        _ST.AIR_STRIKE: (_R, _ER, "Air/drone strike", "ASSAULT", "aerial", "19"),
        _ST.EXPLOSIVE_DEVICE: (_R, _ER, "Remote explosive/landmine/IED", "ASSAULT", "explosives", "18"),
        _ST.SUICIDE_BOMBING: (_R, _ER, "Suicide bomb", "ASSAULT", "suicide-attack", "18"),
        _ST.GRENADE_ATTACK: (_R, _ER, "Grenade", "ASSAULT", "explosives", "18"),
        _ST.MIXED_REMOTE_ATTACKS: (_R, _ER, None, "ASSAULT", None, "19"),
        _ST.ARMED_CLASH: (_A, "Battles", "Armed clash", "ASSAULT", "firearms", "19"),
        _ST.TERRITORY_REGAINED: (_A, "Battles", "Government regains territory", "ASSAULT", "firearms", "19"),
        _ST.TERRITORY_TAKEN: (_A, "Battles", "Non-state actor overtakes territory", "ASSAULT", "firearms", "19"),
        _ST.ATTACK_ON_CIVILIANS: (_V, "Violence against civilians", "Attack", "ASSAULT", "targeted", "18"),
        _ST.ABDUCTION: (_V, "Violence against civilians", "Abduction/forced disappearance", "ASSAULT", "abduct", "18"),
        _ST.SEXUAL_VIOLENCE: (_V, "Violence against civilians", "Sexual violence", "ASSAULT", "sexual", "18"),
        _ST.PEACEFUL_PROTEST: (_D, "Protests", "Peaceful protest", "PROTEST", "demo", "14"),
        _ST.PROTEST_WITH_INTERVENTION: (_D, "Protests", "Protest with intervention", "PROTEST", "demo", "14"),
        _ST.EXCESSIVE_FORCE_AGAINST_PROTESTERS: (_D, "Protests", "Excessive force against protesters", "ASSAULT", "crowd-control", "18"),
        _ST.VIOLENT_DEMONSTRATION: (_D, "Riots", "Violent demonstration", "PROTEST", "riot", "14"),
        _ST.MOB_VIOLENCE: (_D, "Riots", "Mob violence", "PROTEST", "riot", "14"),
        _ST.CONDEMNATION: (_S, None, None, "ACCUSE", "disapprove", "11"),
        _ST.ACCUSATION: (_S, None, None, "ACCUSE", "allege", "11"),
        _ST.DEMAND: (_S, None, None, "REQUEST", "change", "10"),
        _ST.WARNING: (_S, None, None, "THREATEN", None, "13"),
        _ST.THREAT_OF_FORCE: (_S, None, None, "THREATEN", "violence", "13"),
        _ST.DIRECTIVE: (_S, None, None, "ACCUSE", "investigate", "09"),
        _ST.COMMITMENT: (_S, None, None, "AGREE", None, "03"),
        _ST.DECLARATION: (_S, None, None, None, None, "01"),
        _ST.ARREST: (_G, "Strategic developments", "Arrests", "COERCE", "arrest", "17"),
        _ST.AGREEMENT: (_G, "Strategic developments", "Agreement", "AGREE", None, "03"),
        _ST.DEPLOYMENT: (_G, "Strategic developments", "Other", "MOBILIZE", "troops", "15"),
        _ST.OTHER_DEVELOPMENT: (_G, "Strategic developments", "Other", None, None, None),
    }.items()
}  # fmt: skip


# The anchor datasets' own code lists, spelled exactly as they publish them (shared/REFERENCE.md).
ACLED_EVENT_TYPES: dict[str, tuple[str, ...]] = {
    "Battles": (
        "Armed clash",
        "Government regains territory",
        "Non-state actor overtakes territory",
    ),
    "Protests": (
        "Peaceful protest",
        "Protest with intervention",
        "Excessive force against protesters",
    ),
    "Riots": ("Violent demonstration", "Mob violence"),
    "Explosions/Remote violence": (
        "Chemical weapon",
        "Air/drone strike",
        "Suicide bomb",
        "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED",
        "Grenade",
    ),
    "Violence against civilians": ("Sexual violence", "Attack", "Abduction/forced disappearance"),
    "Strategic developments": (
        "Agreement",
        "Arrests",
        "Change to group/activity",
        "Disrupted weapons use",
        "Headquarters or base established",
        "Looting/property destruction",
        "Non-violent transfer of territory",
        "Other",
    ),
}

PLOVER_MODES: dict[str, tuple[str, ...]] = {
    "AGREE": (),
    "CONSULT": ("visit", "third-party", "multilateral", "phone"),
    "SUPPORT": (),
    "CONCEDE": (),
    "COOPERATE": (),
    "AID": (),
    "RETREAT": ("withdraw", "release", "disarm", "ceasefire", "access", "resign"),
    "REQUEST": ("assist", "change", "yield", "meet"),
    "ACCUSE": ("disapprove", "investigate", "allege"),
    "REJECT": ("assist", "change", "yield", "meet"),
    "THREATEN": ("restrict", "arrest", "relations", "expel", "territory", "violence"),
    "SANCTION": ("convict", "expel", "withdraw", "discontinue"),
    "PROTEST": ("demo", "riot", "strike", "hunger", "boycott", "obstruct", "vandalize"),
    "MOBILIZE": ("troops", "weapons", "police", "militia"),
    "COERCE": (
        "seize", "restrict", "censor", "curfew", "martial-law",
        "arrest", "deport", "withhold", "misinformation", "cyber",
    ),
    "ASSAULT": (
        "abduct", "beat", "torture", "sexual", "targeted", "destroy", "primitive", "firearms",
        "explosives", "suicide-attack", "aerial", "drone", "heavy-weapons", "crowd-control",
        "unconventional",
    ),
}  # fmt: skip

CAMEO_ROOTS: dict[str, str] = {
    "01": "make public statement",
    "02": "appeal",
    "03": "express intent to cooperate",
    "04": "consult",
    "05": "engage in diplomatic cooperation",
    "06": "material cooperation",
    "07": "provide aid",
    "08": "yield",
    "09": "investigate",
    "10": "demand",
    "11": "disapprove",
    "12": "reject",
    "13": "threaten",
    "14": "protest",
    "15": "exhibit force posture",
    "16": "reduce relations",
    "17": "coerce",
    "18": "assault",
    "19": "fight",
    "20": "unconventional mass violence",
}


# The crosswalk columns hold the anchor datasets' own codes; their full code lists are their enums.
# A Literal built from a tuple is beyond static checkers: mypy checks these as plain text.
if TYPE_CHECKING:
    AcledEventType: TypeAlias = str
    AcledSubEventType: TypeAlias = str
    PloverEventType: TypeAlias = str
    PloverMode: TypeAlias = str
    CameoRoot: TypeAlias = str
else:
    AcledEventType = Literal[tuple(ACLED_EVENT_TYPES)]
    AcledSubEventType = Literal[
        tuple(dict.fromkeys(s for v in ACLED_EVENT_TYPES.values() for s in v))
    ]
    PloverEventType = Literal[tuple(PLOVER_MODES)]
    PloverMode = Literal[tuple(dict.fromkeys(m for v in PLOVER_MODES.values() for m in v))]
    CameoRoot = Literal[tuple(CAMEO_ROOTS)]


class DatePrecision(Vocabulary):
    """How precisely `date_start`..`date_end` is known (ACLED time_precision, UCDP date_prec)."""

    DAY = ("day", "The day is known: date_start equals date_end for a single incident.")
    DAYS = ("days", "The event falls within a stated span of 2 to 6 days.")
    WEEK = ("week", "Only the week is known: the span is 7 days.")
    MONTH = ("month", "Only the month is known: the span is that calendar month.")
    YEAR = ("year", "Only the year is known: the span is that calendar year.")
    RANGE = (
        "range",
        "The event, or the occurrences of an aggregate, fall within a stated or inferred range "
        "longer than a week that is not one calendar month or year.",
    )


# Label -> (ACLED time_precision, UCDP date_prec); None where that dataset has no equivalent.
DATE_PRECISION_CODES: dict[DatePrecision, tuple[int | None, int | None]] = {
    DatePrecision.DAY: (1, 1),
    DatePrecision.DAYS: (2, 2),
    DatePrecision.WEEK: (2, 3),
    DatePrecision.MONTH: (3, 4),
    DatePrecision.YEAR: (None, 5),
    DatePrecision.RANGE: (None, None),
}


class DateBasis(Vocabulary):
    """How the dates were obtained from the text."""

    EXPLICIT = ("explicit", "The text states the calendar date (or month, or year) itself.")
    RELATIVE_TO_PUBLICATION = (
        "relative_to_publication",
        "Resolved from a relative expression ('on Monday', 'since October 17') against the "
        "document's publication date.",
    )
    INFERRED = (
        "inferred",
        "Not stated for this event; inferred by the annotator from the surrounding text.",
    )
    EXTERNAL = ("external", "Taken from a source other than the document, named in a note.")


class PublishedDateBasis(Vocabulary):
    """Where a document's publication date comes from."""

    BYLINE = ("byline", "The date printed with the article.")
    URL = ("url", "A date encoded in the article's URL.")
    METADATA = ("metadata", "The publisher's page metadata (for example article:published_time).")
    EXTERNAL = ("external", "Another source, such as an archive capture date.")
    ESTIMATED = (
        "estimated",
        "Estimated by the annotator (from the events the text reports, or a crawl date); say "
        "how in the annotation file's header comment.",
    )
    UNKNOWN = (
        "unknown",
        "Not known: published_date is empty, and no date may be resolved relative to it.",
    )


class GeoPrecision(Vocabulary):
    """How precisely the location is known (ACLED geo_precision, UCDP where_prec)."""

    SITE = ("site", "A named facility or building (an embassy, an airport), with its coordinates.")
    NEAR_SITE = ("near_site", "Near a named facility, coded to that facility's coordinates.")
    PLACE = ("place", "A named town or city, coded to its centre.")
    NEAR_PLACE = ("near_place", "Near a named town (within about 25 km), coded to that town.")
    ADMIN2 = ("admin2", "A district (second-order administrative division).")
    ADMIN1 = ("admin1", "A province or governorate (first-order administrative division).")
    REGION = ("region", "A region larger than a province but inside one country.")
    COUNTRY = ("country", "Only the country is known.")
    MULTI_COUNTRY = ("multi_country", "Several countries (an aggregate across borders).")
    INTERNATIONAL = ("international", "International waters or airspace.")


# Label -> (ACLED geo_precision, UCDP where_prec)
GEO_PRECISION_CODES: dict[GeoPrecision, tuple[int | None, int | None]] = {
    GeoPrecision.SITE: (1, 1),
    GeoPrecision.NEAR_SITE: (2, 2),
    GeoPrecision.PLACE: (1, 1),
    GeoPrecision.NEAR_PLACE: (2, 2),
    GeoPrecision.ADMIN2: (2, 3),
    GeoPrecision.ADMIN1: (3, 4),
    GeoPrecision.REGION: (3, 5),
    GeoPrecision.COUNTRY: (None, 6),
    GeoPrecision.MULTI_COUNTRY: (None, None),
    GeoPrecision.INTERNATIONAL: (None, 7),
}


class Gazetteer(Vocabulary):
    """The gazetteer a `gazetteer_id` belongs to."""

    GEONAMES = ("geonames", "GeoNames (geonames.org); the id is the GeoNames feature id.")
    WIKIDATA = ("wikidata", "Wikidata; the id is the Q-number of the place.")
    NONE = ("none", "No gazetteer entry exists; coordinates are the annotator's, from a note.")


class AttributionStatus(Vocabulary):
    """Who the text says is responsible for an event, and how certain that is."""

    CLAIMED = ("claimed", "The initiator itself claims responsibility.")
    ALLEGED = (
        "alleged",
        "Another party (a government, an official, or the publisher in its own voice) assigns "
        "responsibility; `attributed_by` names it.",
    )
    CONFIRMED = (
        "confirmed",
        "The text reports responsibility as confirmed by an investigation or by both sides.",
    )
    UNATTRIBUTED = ("unattributed", "The text names no one as responsible.")


class ActorType(Vocabulary):
    """What kind of actor an actor record is."""

    STATE = ("state", "A country acting as a whole ('the US', 'Iraq').")
    GOVERNMENT = ("government", "A national government ('Washington', 'Baghdad').")
    GOVERNMENT_BODY = (
        "government_body",
        "A ministry, department, embassy or other organ of a government.",
    )
    OFFICIAL = ("official", "A person acting in a government office, named or not.")
    STATE_FORCES = ("state_forces", "A state's military, police, or personnel deployed abroad.")
    NON_STATE_ARMED_GROUP = (
        "non_state_armed_group",
        "An organised armed group outside state command: militias, insurgents, jihadist groups.",
    )
    INTERNATIONAL_COALITION = (
        "international_coalition",
        "Forces of several states under a joint command.",
    )
    INTERNATIONAL_ORGANIZATION = (
        "international_organization",
        "An organisation of states (UN, NATO) or an international NGO.",
    )
    CIVILIANS = ("civilians", "Unarmed people or civilian property, as a group.")
    MEDIA = ("media", "A news organisation.")
    JOURNALIST = ("journalist", "A person reporting for a news organisation.")
    UNIDENTIFIED = ("unidentified", "An actor the text does not identify.")


class Role(Vocabulary):
    """What an actor does in an event (the `event_actors` table)."""

    INITIATOR = ("initiator", "Carries out the action (for violence, the perpetrator).")
    TARGET = ("target", "The action is directed at, or hits, this actor or its property.")
    SPEAKER = ("speaker", "Makes the statement.")
    ADDRESSEE = ("addressee", "The statement is directed at this actor (asked, warned, ordered).")
    SUBJECT = ("subject", "The statement is about this actor without being addressed to it.")
    MEDIUM = ("medium", "The statement was made to or through this outlet or person.")
    ATTRIBUTOR = ("attributor", "Assigns responsibility for the event to its initiator.")
    CLAIMANT = ("claimant", "Claims responsibility for the event (from claim.by).")
    DENIER = ("denier", "Denies responsibility for the event (from claim.by).")


# The roles derived from other fields of an event, never written in its participants.
DERIVED_ROLES = {
    Role.ATTRIBUTOR: "attribution.attributed_by",
    Role.CLAIMANT: "claim.by",
    Role.DENIER: "claim.by",
}


class Weapon(Vocabulary):
    """The means of an act of violence."""

    ROCKET = ("rocket", "Unguided rockets.")
    MISSILE = ("missile", "Guided or ballistic missiles.")
    DRONE = ("drone", "Uncrewed aerial vehicles, armed or one-way attack.")
    ARTILLERY = ("artillery", "Artillery or mortars.")
    AIRCRAFT = ("aircraft", "Crewed aircraft.")
    EXPLOSIVE = ("explosive", "Improvised or placed explosives, landmines.")
    GRENADE = ("grenade", "Hand or launched grenades.")
    FIREARMS = ("firearms", "Small arms and light weapons.")
    BLADE = ("blade", "Knives or other bladed weapons.")
    CHEMICAL = ("chemical", "Chemical agents.")
    OTHER = ("other", "A means no other value describes (say which in the summary).")


class Field(Vocabulary):
    """The coded value an evidence span supports (`evidence.field`)."""

    EVENT = ("event", "The event as a whole: the words that report it happened.")
    EVENT_SUBTYPE = ("event_subtype", "The kind of event (when other words than the event span).")
    DATE = ("date", "The date or relative date expression.")
    TIME_OF_DAY = ("time_of_day", "The time-of-day words.")
    LOCATION = ("location", "The place.")
    INITIATOR = ("initiator", "The initiator of the action.")
    TARGET = ("target", "The target of the action.")
    SPEAKER = ("speaker", "The speaker of a statement.")
    ADDRESSEE = ("addressee", "The addressee of a statement.")
    SUBJECT = ("subject", "The actor a statement is about.")
    MEDIUM = ("medium", "The outlet or person a statement was made to.")
    ATTRIBUTION = ("attribution", "The words that assign responsibility.")
    WEAPONS = ("weapons", "The means.")
    FATALITIES = ("fatalities", "Deaths, or the statement that there were none.")
    INJURIES = ("injuries", "Injuries, or the statement that there were none.")
    STATEMENT = ("statement", "The words of a statement (quoted or reported).")
    AGGREGATE = ("aggregate", "The words that make a record a series or campaign.")
    MUNITIONS = ("munitions", "The number of munitions (rockets, drones, shells) used.")
    ATTACKS = ("attacks", "The number of attacks a series or campaign is made of.")
    DAMAGE = ("damage", "The material damage, or the statement that there was none.")
    CLAIM = ("claim", "A claim or denial of responsibility, or the words that none was made.")


class Hedge(Vocabulary):
    """How the text commits to a value an evidence span supports."""

    STATED = ("stated", "Said as fact, by the text or by the source it names.")
    REPORTED = (
        "reported",
        "Relayed as someone's report or account ('according to', 'said', 'reportedly').",
    )
    INDICATED = (
        "indicated",
        "Inferred or suggested, not asserted ('indications are', 'appears to', 'likely').",
    )
    UNCONFIRMED = (
        "unconfirmed",
        "Said to be unverified ('unconfirmed reports', 'could not be independently verified').",
    )


class ClaimStatus(Vocabulary):
    """Whether anyone has claimed responsibility for an event, as the text tells it."""

    CLAIMED = ("claimed", "A named actor claims responsibility (claim.by names it).")
    NO_CLAIM_YET = ("no_claim_yet", "The text says no one has claimed responsibility (yet).")
    DENIED = ("denied", "A named actor denies responsibility (claim.by names it).")


class Damage(Vocabulary):
    """Material damage an event did, as the text reports it (empty: the text does not say)."""

    NONE_REPORTED = (
        "none_reported",
        "The text says there was no damage ('no damage was reported'); distinct from an empty "
        "value, which means the text does not say.",
    )
    MINOR = ("minor", "Damage the text calls minor, light or limited.")
    DAMAGED = ("damaged", "Something was hit or damaged; the text does not say how badly.")
    MAJOR = ("major", "Damage the text calls heavy, extensive or serious.")
    DESTROYED = ("destroyed", "A building, vehicle or site destroyed.")


class LinkRelation(Vocabulary):
    """How one event relates to another (`links.yaml`, the `links` table)."""

    SAME_INCIDENT = (
        "same_incident",
        "Both events are one real-world incident told by different documents (symmetric).",
    )
    PART_OF = (
        "part_of",
        "The source event is part of the target, a series or campaign (an aggregate).",
    )
    IN_RESPONSE_TO = (
        "in_response_to",
        "The source event answers the target: a retaliation, or a reaction to it.",
    )
    ABOUT = ("about", "The source event, a statement, is about the target event.")


class IncidentField(Vocabulary):
    """A field compared across the reports of one incident; an empty value never disagrees."""

    # Each definition says what is compared; the `disagreements` description lists them.
    EVENT_TYPE = ("event_type", "the event type.")
    EVENT_SUBTYPE = ("event_subtype", "the event subtype.")
    DATE = ("date", "date_start and date_end.")
    LOCATION = ("location", "the place columns, location_name to geo_precision.")
    INITIATOR = ("initiator", "the actors with role initiator in event_actors, as a set.")
    TARGET = ("target", "the actors with role target in event_actors, as a set.")
    WEAPONS = ("weapons", "the weapons, as a set.")
    FATALITIES = ("fatalities", "fatalities_best, _low and _high.")
    INJURIES = ("injuries", "injuries_best, _low and _high.")
    MUNITIONS = ("munitions", "munitions_best, _low and _high.")
    DAMAGE = ("damage", "the damage code.")
    CLAIM_STATUS = ("claim_status", "the claim status.")
    INITIATOR_ATTRIBUTION = ("initiator_attribution", "how responsibility is assigned.")


VOCABULARIES: tuple[type[Vocabulary], ...] = (
    EventType,
    EventSubtype,
    DatePrecision,
    DateBasis,
    PublishedDateBasis,
    GeoPrecision,
    Gazetteer,
    AttributionStatus,
    ActorType,
    Role,
    Weapon,
    Field,
    Hedge,
    ClaimStatus,
    Damage,
    LinkRelation,
    IncidentField,
)
