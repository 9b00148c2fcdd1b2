"""The registry of validation error codes: each with its layer, meaning and the templates of its messages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from grounded_events._validation.issues import Issue


@dataclass(frozen=True)
class Code:
    """A stable error code: `layer` groups it, `meaning` says what broke, `example` shows one.
    `template` words one issue of it from the keywords `issue()` is given (`{field}` is the
    issue's field); `variants` word the other situations the same rule is broken in, by name.
    A `{reason}` keyword is text written elsewhere: a parser's (pyarrow, csv, YAML) or a file
    check's (_core.files, _sources.seeds); pydantic's errors are worded here, by
    _validation.model_issues, never in pydantic's words. A `{suggestion}` is the allowed name
    a wrong one most likely misspells (_validation.suggest)."""

    code: str
    layer: str
    title: str
    meaning: str
    example: str
    template: str
    variants: Mapping[str, str] = field(default_factory=dict)

    def wording(self, variant: str = "") -> str:
        """The template of one situation: `variant` names one of `variants`, "" the template."""
        return self.variants[variant] if variant else self.template


# How to fix a file that is not UTF-8, {source} the encoding it seems to be in.
_SAVE_AS_UTF8 = (
    "save the file as UTF-8 (for example `iconv -f {source} -t UTF-8 FILE > FILE.utf8`, or "
    "'CSV UTF-8' in a spreadsheet's Save As)"
)
# The YAML reader's refusals (_core.safe_yaml), in its own words.
_YAML = {"yaml": "{reason}"}
# A file refused before it is read (_core.files.UnsafeFile, _sources.seeds.SeedError).
_REFUSED = {"refused": "{reason}"}

_CODES = (
    # input: the file cannot be read as what it claims to be
    Code(
        "GE101",
        "input",
        "file-not-found",
        "The path does not exist.",
        "validate missing.yaml",
        "{path}: no such file",
        {"given": "no such file or directory"},
    ),
    Code(
        "GE102",
        "input",
        "nothing-to-validate",
        "A directory holds no file the validator reads (YAML, JSON, JSONL, CSV, Parquet, datapackage.json), or a path is neither a file nor a directory.",
        "validate empty-folder/",
        "{path}: not a file",
        {
            "given": "neither a file nor a directory",
            "empty-folder": "no YAML, JSON, JSONL, CSV or Parquet file in this folder",
        },
    ),
    Code(
        "GE103",
        "input",
        "empty-file",
        "The file has no content (zero bytes or only whitespace).",
        "an empty events.csv",
        "the file is empty",
        {"blank": "the file is empty (only whitespace)"},
    ),
    Code(
        "GE104",
        "input",
        "encoding",
        "The file is not UTF-8 (a UTF-8 byte-order mark is accepted and ignored).",
        "events.csv saved as Latin-1 or UTF-16",
        "not UTF-8: byte 0x{byte} at offset {offset} cannot be decoded; " + _SAVE_AS_UTF8,
        {
            "nul": "not UTF-8: a NUL byte at offset {offset}, as in {source} without a byte-order mark; "
            + _SAVE_AS_UTF8,
            "bom": "the file is {source} (byte-order mark); " + _SAVE_AS_UTF8,
            "cell": "text that is not UTF-8 (byte 0x{byte} at offset {offset})",
            "unnamed": "not UTF-8",
            **_YAML,
        },
    ),
    Code(
        "GE105",
        "input",
        "malformed-yaml",
        "The YAML cannot be parsed.",
        "an unclosed quote on line 7",
        "{reason}",
        _YAML,
    ),
    Code(
        "GE106",
        "input",
        "duplicate-key",
        "A YAML or JSON mapping repeats a key.",
        "two `doc_id:` keys in one mapping",
        "duplicate key {key!r}",
        _YAML,
    ),
    Code(
        "GE107",
        "input",
        "yaml-tag",
        "A YAML tag that would build an object or a type JSON does not have (!!binary, !!set, !!python/...): only plain YAML is read.",
        "!!python/object:os.system",
        "{reason}",
        _YAML,
    ),
    Code(
        "GE108",
        "input",
        "malformed-json",
        "The JSON (or one JSONL line) cannot be parsed.",
        "a trailing comma on line 3",
        "malformed JSON: {reason} (column {column})",
        {
            "deep": "malformed JSON: nested too deeply",
            "value": "malformed JSON: {reason}",
            "not-object": "each line of a JSONL table is one JSON object",
        },
    ),
    Code(
        "GE109",
        "input",
        "malformed-csv",
        "The CSV cannot be parsed: a row has the wrong number of cells, a quote is not closed, or the header reads as one column holding semicolons, tabs or pipes (a file separated by them, not by commas).",
        "row 5 has 36 cells, the header 37",
        "row {row} has {cells} cells, the header has {header}",
        {
            "header": "malformed CSV header: {reason}",
            "parse": "malformed CSV: {reason}",
            "delimiter": "the file looks {separated}-separated; the package's CSV uses commas "
            "(in a spreadsheet: Save As 'CSV UTF-8 (Comma delimited)')",
        },
    ),
    Code(
        "GE110",
        "input",
        "cell-too-large",
        "A single cell or JSON value is larger than 1 MiB.",
        "a 5 MB summary",
        "cell of {length} characters; at most {limit} are read",
        {
            "cell": "a cell is larger than {limit} characters",
            "row": "a row is longer than {limit} bytes",
            "line": "line of more than {limit} bytes",
        },
    ),
    Code(
        "GE111",
        "input",
        "bad-parquet",
        "A .parquet file is truncated or not Parquet.",
        "a CSV renamed to events.parquet",
        "not a readable Parquet file: {reason}",
        {"damaged": "Parquet file is damaged after row {row}: {reason}"},
    ),
    Code(
        "GE112",
        "input",
        "unknown-format",
        "The file's kind cannot be told from its name or content.",
        "notes.txt, or a CSV whose header matches no table",
        "cannot tell what this file is: expected .yaml/.json annotations, .jsonl records, .csv/.parquet tables or datapackage.json",
        {
            "columns": "the columns match no table of the schema; name the file after its table (events.csv, evidence.parquet, ...)",
            "jsonl": "the JSON lines are neither events.jsonl records nor rows of a table",
        },
    ),
    Code(
        "GE113",
        "input",
        "bad-datapackage",
        "datapackage.json is not a data package descriptor (no resources list, a resource without path).",
        '{"resources": 3}',
        "datapackage.json has no resources list",
        {"path": "a resource needs a path: a non-empty string"},
    ),
    Code(
        "GE114",
        "input",
        "unsafe-path",
        "A path read from the data leaves its folder (absolute, `..`, a URL, a symlink out) or cannot name a file (a NUL character); it is not read.",
        "resource path ../../etc/passwd; a seed that is a symlink to /dev/zero",
        "resource {path}: {reason}",
        _REFUSED,
    ),
    Code(
        "GE115",
        "input",
        "not-a-regular-file",
        "A resource or seed is not a regular file (a FIFO, device, socket or directory); it is refused before it is read.",
        "events.csv is a FIFO",
        "resource {path}: {reason}",
        _REFUSED,
    ),
    Code(
        "GE116",
        "input",
        "file-too-large",
        "A file is larger than its limit: 64 MiB for what is read whole (seed texts, descriptors, YAML and JSON files), 16 GiB for tables.",
        "a 1 GB seed text",
        "{size} bytes; a file read whole may hold {limit}",
        {"resource": "resource {path}: {reason}", **_REFUSED},
    ),
    Code(
        "GE120",
        "input",
        "too-large-to-read",
        "A YAML or JSON file goes past a reading limit: nested deeper than 100 levels, aliases that expand to more than 1,000,000 values, or an integer of more than 4,300 digits.",
        "a 'billion laughs' of nested aliases",
        "{where}: an integer too long to check",
        {"deep": "too deeply nested to check", **_YAML},
    ),
    Code(
        "GE121",
        "input",
        "yaml-merge-key",
        "A YAML merge key (`<<: *anchor`): only plain YAML is read, so the keys are written out.",
        "<<: *defaults in an event",
        "{reason}",
        _YAML,
    ),
    # structure: types, required fields, formats
    Code(
        "GE201",
        "structure",
        "missing-value",
        "A required field or cell is missing or empty.",
        "events.csv row 4: date_start is empty",
        "{field} is required",
    ),
    Code(
        "GE202",
        "structure",
        "unknown-field",
        "A field or column the schema does not define; when it misspells one the file lacks, the message names that one (and the missing column is not reported apart).",
        "a `severity:` key in an event",
        "column {name!r} is not in the {table} table",
        {
            "suggest": "column {name!r} is not in the {table} table; did you mean {suggestion!r}?",
            "repeated": "column {name!r} appears {times} times",
            "key": "{field}: unknown key",
            "key-suggest": "{field}: unknown key; did you mean {suggestion!r}?",
        },
    ),
    Code(
        "GE203",
        "structure",
        "missing-column",
        "A table lacks a required column: one whose every cell has a value (not nullable, not a list); one issue names them all. A nullable or list column may be left out: no error, and the cross-field rules that read it are not run.",
        "events.csv without date_end",
        "the {table} table has no {name!r} column",
        {"several": "the {table} table has no {names} columns"},
    ),
    Code(
        "GE204",
        "structure",
        "wrong-type",
        "A value is not of the field's type (integer, number, boolean, list, object).",
        "fatalities_best = 'three'",
        "{field} is not {kind}",
        {
            "mapping": "an annotation file is a mapping with doc_id, sha256, annotators, actors, events",
            "record": "each line of events.jsonl is one JSON object",
            "top": "the document is not {kind}",
        },
    ),
    Code(
        "GE205",
        "structure",
        "bad-date",
        "A date is not a real calendar date in YYYY-MM-DD form.",
        "2023-02-30",
        "{field} is not a calendar date",
    ),
    Code(
        "GE206",
        "structure",
        "pattern-mismatch",
        "A string does not match the field's format (slug ids, sha256, ISO code shapes, URL).",
        "event_id 'Rudaw_E1'",
        "{field} does not match its format",
    ),
    Code(
        "GE207",
        "structure",
        "out-of-range",
        "A number is outside the field's bounds (counts >= 0, latitude -90..90, offsets >= 0).",
        "fatalities_best = -1",
        "{field} is too {how}",
        {"digits": "{field} is out of range"},
    ),
    Code(
        "GE208",
        "structure",
        "bad-length",
        "A string or list is shorter or longer than allowed.",
        "an empty summary, an event without evidence",
        "{field} is too {how}",
    ),
    # vocabulary
    Code(
        "GE209",
        "structure",
        "other-schema-version",
        "A file declares a schema_version of another major version than the one it is validated against (2.x files against 2.x): validate it with `--schema-version` of its own version, or move it with `grounded-events migrate --to` the current one.",
        "schema_version: 1.0.0 validated against 2.0.0",
        "{field}: the file follows schema {declared}, not {validated}; validate it with --schema-version {declared}, or move it with `grounded-events migrate --to {validated}`",
    ),
    Code(
        "GE210",
        "structure",
        "published-schema",
        "A file of an older published schema version breaks that version's JSON Schema (`validate --schema-version X.Y.Z` checks such files with the schema they were written for).",
        "an event without summary in a 1.0.0 file",
        "{field}: {reason}",
    ),
    Code(
        "GE301",
        "vocabulary",
        "unknown-value",
        "A value is not in the field's controlled vocabulary.",
        "event_type 'bombing'",
        "{field} is not in the vocabulary",
        {"suggest": "{field} is not in the vocabulary; did you mean {suggestion!r}?"},
    ),
    Code(
        "GE302",
        "vocabulary",
        "unknown-country",
        "Not an ISO 3166-1 alpha-3 country code.",
        "country_iso3 'XXX'",
        "{field} is not a known code",
    ),
    Code(
        "GE303",
        "vocabulary",
        "unknown-subdivision",
        "Not an ISO 3166-2 subdivision code.",
        "admin1_code 'IQ-ZZ'",
        "{field} is not a known code",
    ),
    Code(
        "GE304",
        "vocabulary",
        "unknown-language",
        "Not an ISO 639-1 language code.",
        "language 'xx'",
        "{field} is not a known code",
    ),
    Code(
        "GE305",
        "vocabulary",
        "subtype-type-mismatch",
        "The event_subtype does not belong to the event_type.",
        "event_type statement with event_subtype drone_strike",
        "{field}: the event_subtype does not belong to the event_type",
    ),
    Code(
        "GE306",
        "vocabulary",
        "acled-type-mismatch",
        "The ACLED sub-event type does not belong to the ACLED event type.",
        "Battles / Air/drone strike",
        "{field}: the acled sub-event type does not belong to the acled event type",
    ),
    Code(
        "GE307",
        "vocabulary",
        "crosswalk-mismatch",
        "A crosswalk column differs from the crosswalk of the event_subtype.",
        "drone_strike with cameo_root '14'",
        "{field}: a crosswalk column differs from the crosswalk of the event_subtype",
    ),
    # cross-field
    Code(
        "GE401",
        "cross-field",
        "date-order",
        "date_end is before date_start.",
        "2023-12-12 .. 2023-12-10",
        "{field}: date_end is before date_start",
    ),
    Code(
        "GE402",
        "cross-field",
        "date-precision",
        "The dates do not fit the date precision (day = one day, days = 2-6 days, week = 7 days, month = one calendar month, year = one calendar year, range = more than 7 days), aggregates too.",
        "precision day with a 3-day span",
        "{field}: the dates do not fit the date precision",
    ),
    Code(
        "GE403",
        "cross-field",
        "count-order",
        "A count's bounds are out of order: low <= best <= high.",
        "fatalities low 5, best 2",
        "{field}: a count's bounds are out of order: low <= best <= high",
    ),
    Code(
        "GE404",
        "cross-field",
        "outside-country",
        "The coordinates lie outside the country of country_iso3 / admin1_code (Natural Earth bounding boxes, 0.1 degree tolerance).",
        "Baghdad's coordinates with country_iso3 FRA",
        "{field}: the coordinates lie outside the country of country_iso3 / admin1_code",
    ),
    Code(
        "GE405",
        "cross-field",
        "admin1-country-mismatch",
        "admin1_code is a subdivision of another country than country_iso3.",
        "admin1_code IQ-BG with country_iso3 SYR",
        "{field}: admin1_code is a subdivision of another country than country_iso3",
    ),
    Code(
        "GE406",
        "cross-field",
        "half-coordinates",
        "Only one of latitude and longitude is given.",
        "latitude without longitude",
        "{field}: only one of latitude and longitude is given",
    ),
    Code(
        "GE407",
        "cross-field",
        "attribution-needs-attributor",
        "An alleged attribution names no actor in attributed_by.",
        "initiator_attribution alleged, attributed_by empty",
        "{field}: an alleged attribution names no actor in attributed_by",
    ),
    Code(
        "GE408",
        "cross-field",
        "attributor-without-attribution",
        "An unattributed event names actors in attributed_by.",
        "initiator_attribution unattributed, attributed_by usa",
        "{field}: an unattributed event names actors in attributed_by",
    ),
    Code(
        "GE409",
        "cross-field",
        "span-order",
        "An evidence span's end is not after its start.",
        "start 40, end 40",
        "{field}: an evidence span's end is not after its start",
        {"huge": "{field}: end {end} is not after start {start}"},
    ),
    Code(
        "GE410",
        "cross-field",
        "country-precision-mismatch",
        "A location has a country_iso3 or admin1_code while its geo_precision is multi_country or international, or has no country_iso3 while it lies in one country.",
        "geo_precision multi_country with country_iso3 IRQ",
        "{field}: a location in several countries has no country_iso3 or admin1_code; one in a single country has its country_iso3",
    ),
    Code(
        "GE411",
        "cross-field",
        "point-without-coordinates",
        "A location coded to a point (site, near_site, place, near_place) has no coordinates.",
        "geo_precision site without latitude and longitude",
        "{field}: a location coded to a site or place has its latitude and longitude",
    ),
    Code(
        "GE412",
        "cross-field",
        "half-gazetteer",
        "A gazetteer_id without a gazetteer, or a gazetteer (other than none) without its gazetteer_id.",
        "gazetteer geonames without gazetteer_id",
        "{field}: a gazetteer_id is given exactly when a gazetteer other than none is",
    ),
    Code(
        "GE413",
        "cross-field",
        "statement-with-violence",
        "A statement carries an attribution, weapons, a count (munitions, attacks, fatalities, injuries), fatalities by side, damage or a claim.",
        "a condemnation with weapons [rocket]",
        "{field}: a statement has no attribution, weapons, munitions, attacks, fatalities, injuries, damage or claim",
    ),
    Code(
        "GE414",
        "cross-field",
        "violence-without-attribution",
        "An act of violence (remote_violence, armed_clash, violence_against_civilians) has no attribution.",
        "a rocket_attack without attribution",
        "{field}: an act of violence says who is responsible (attribution, unattributed when nobody is named)",
    ),
    Code(
        "GE415",
        "cross-field",
        "attribution-without-initiator",
        "An attribution other than unattributed names no initiator.",
        "initiator_attribution alleged, no initiator",
        "{field}: a claimed, alleged or confirmed attribution names the initiator",
    ),
    Code(
        "GE416",
        "cross-field",
        "note-missing",
        "A judgement the guidelines want explained has no note: a location's gazetteer and precision, the source of an external date.",
        "a location without note",
        "{field}: say in this note {why}",
    ),
    Code(
        "GE417",
        "cross-field",
        "attributor-role",
        "A participant has a derived role, not written by hand: attributor (from attribution.attributed_by), claimant or denier (from claim.by).",
        "participants: [{actor_id: usa-government, role: attributor}]",
        "{field}: the {role} role comes from {source}; list {actor!r} there instead",
    ),
    Code(
        "GE418",
        "cross-field",
        "fatality-split",
        "Fatalities by side (initiator side, target side, civilians, unknown) disagree with the total: with all four given they sum to fatalities best; the ones given sum to at most fatalities high (best when high is empty).",
        "initiator_side 3, target_side 2, civilians 0, unknown 0 with fatalities best 4",
        "{field}: the fatalities by side sum to fatalities best when all four are given, and never exceed fatalities high (or best)",
    ),
    Code(
        "GE419",
        "cross-field",
        "attacks-not-aggregate",
        "An event that is not an aggregate (is_aggregate false) counts attacks: only a series or campaign is made of attacks.",
        "a single rocket_attack with attacks best 3",
        "{field}: only an aggregate (is_aggregate true) counts attacks",
    ),
    Code(
        "GE420",
        "cross-field",
        "claim-by-mismatch",
        "A claim's by does not fit its status: claimed and denied name who claims or denies; no_claim_yet (or no claim_status at all) names nobody.",
        "claim status claimed with by empty",
        "{field}: a claimed or denied claim names who claims or denies; no_claim_yet, or no claim, names nobody",
    ),
    # grounding
    Code(
        "GE501",
        "grounding",
        "quote-mismatch",
        "An evidence quote is not exactly the document's text between its offsets.",
        "quote 'rockets' where the text has 'drones'",
        "quote is not the text of {doc_id} at {start}-{end}",
        {
            "elsewhere": "quote is not the text of {doc_id} at {start}-{end}; it occurs at {spans}",
            "folded": "quote is not the text of {doc_id} at {start}-{end}; it occurs at {spans} "
            "if straight and curly quotation marks are read as the same (copy the text's own)",
            "near": "quote is not the text of {doc_id} at {start}-{end} and occurs nowhere in "
            "it; the nearest passage is {near} at {near_start}-{near_end}",
            "nowhere": "quote is not the text of {doc_id} at {start}-{end} and occurs nowhere "
            "in it; no passage is close to it",
        },
    ),
    Code(
        "GE502",
        "grounding",
        "offset-outside-text",
        "An evidence span ends beyond the end of the document.",
        "end 99999 in a 4000-character text",
        "end {end} is beyond the {length} characters of {doc_id}",
        {"huge": "{field}: end {end} is beyond the end of any document"},
    ),
    Code(
        "GE503",
        "grounding",
        "document-hash-mismatch",
        "A document's sha256 does not match its text (or the annotation's pinned sha256).",
        "a seed edited after annotation",
        "sha256 of the text of {doc_id} is {sha256}",
        {
            "seed": "the seed text of {doc_id} ({path}) is missing or no longer matches its sha256 in the index",
            "pinned": "sha256 differs from the seed document's: the offsets were counted in another text",
        },
    ),
    Code(
        "GE504",
        "grounding",
        "unknown-document",
        "A doc_id is not in the seeds index or the documents table.",
        "doc_id rudaw-20990101",
        "doc_id {doc_id!r} is not in {seeds}/index.json",
    ),
    Code(
        "GE505",
        "grounding",
        "documents-unavailable",
        "The documents needed to check quotes cannot be found (no seeds index, no documents table).",
        "evidence.csv alone, without documents.csv next to it",
        "cannot check quotes: no documents table (documents.csv or documents.parquet) next to this file or in its package",
        {
            "dataset": "cannot check quotes: no documents table next to this dataset",
            "seeds": "cannot check quotes: {reason}; pass --seeds DIR",
            "records": "cannot check quotes: {reason}",
        },
    ),
    Code(
        "GE510",
        "grounding",
        "evidence-missing",
        "A coded value the text states has no evidence span of its field (event; date unless its basis is external; time_of_day; location; each participant role; weapons; attribution unless unattributed; fatalities; injuries; aggregate; statement).",
        "weapons [rocket] and no span of field weapons",
        "{field}: no evidence span of field {needed!r} for the coded {needed}",
    ),
    Code(
        "GE511",
        "grounding",
        "evidence-without-value",
        "An evidence span supports a field the event does not code (a role no participant has, a location, weapons, counts, time_of_day, aggregate or attribution left empty).",
        "a span of field weapons on an event without weapons",
        "{field}: a span of field {span_field!r}, but the event codes no {span_field}",
    ),
    Code(
        "GE512",
        "grounding",
        "time-of-day-not-quoted",
        "date.time_of_day is not the text's own words inside a time_of_day span.",
        "time_of_day 'morning' with the span 'early hours'",
        "{field}: {value!r} is not inside a time_of_day span",
    ),
    Code(
        "GE513",
        "grounding",
        "date-disagrees-with-quote",
        "A date disagrees with the words of its date span resolved against the publication date (a weekday is the most recent such day on or before publication; 'since Month D' runs to publication; 'in YYYY' is that year), or a date relative to publication ends after it.",
        "'on Friday' coded 2023-12-07, a Thursday",
        "{field}: {quote!r} resolves to {resolved} against the publication date {published}",
        {
            "after": "{field}: a date relative to publication ends after the publication date {published}",
            "unknown": "{field}: the document's publication date is unknown (seeds/index.json), so no date can be resolved relative to it",
        },
    ),
    Code(
        "GE514",
        "grounding",
        "source-words-missing",
        "An evidence span's according_to (the words naming who says so) does not occur in the document's text.",
        "according_to 'a US official' in a text that never says it",
        "{field}: {value!r} does not occur in the text of {doc_id}",
    ),
    # referential
    Code(
        "GE601",
        "referential",
        "duplicate-id",
        "A primary key (or annotation id) occurs more than once.",
        "two rows with event_id rudaw-20231212-e01",
        "{key_columns} {key!r} already used on line {first}",
        {
            "actor": "{field}: actor {actor!r} declared twice",
            "other-file": "{field}: event_id {event_id!r} already used in {other} line {other_line}",
            "link": "{field}: the same {relation} link as line {first}",
        },
    ),
    Code(
        "GE602",
        "referential",
        "unknown-reference",
        "A reference names an id that does not exist: a foreign key, an actor_id not in the dataset's actors.yaml, an event a link names.",
        "initiator 'kataib-hzb' with no such actor",
        "{field} {value!r} names no {target} of the {table} table",
        {
            "unread": "{field} {value!r} names no {target} of the {table} table (the {table} table has lines that could not be read: {unread})",
            "actor": "{field}: actor {actor!r} is not in the dataset's actors.yaml ({registry})",
            "parent": "{field}: actor {actor!r} is not declared in this file",
            "link": "{field}: no event {value!r} in the dataset's annotation files",
        },
    ),
    Code(
        "GE603",
        "referential",
        "unused-actor",
        "An actor is declared but no event of the dataset uses it (as participant, attributor or claimant) and no actor names it as parent.",
        "actor usa-embassy declared, used nowhere",
        "{field}: actor {actor!r} is declared but no event of the dataset uses it",
    ),
    Code(
        "GE605",
        "referential",
        "event-id-order",
        "Event ids are not '<doc_id>-eNN' numbered from e01 in the order of each event's first event span in the text.",
        "e02 reported before e01 in the text",
        "{field}: expected {wanted!r} here ('<doc_id>-eNN' from e01, in the order of each first event span)",
    ),
    Code(
        "GE606",
        "referential",
        "annotation-file-name",
        "An annotation file in the dataset's annotations folder (datasets/annotations/ next to the seeds folder) is not named `<doc_id>.yaml`: `add`, `build` and `report --doc` find a document's file by that name.",
        "doc_id rudaw-20231212 in datasets/annotations/rudaw.yaml",
        "{field}: the file is named {name}, its doc_id is {doc_id!r}; rename it to {doc_id}.yaml",
        {
            "json": "{field}: {name} is JSON, which `build` does not read; save it as {doc_id}.yaml",
        },
    ),
    Code(
        "GE607",
        "referential",
        "schema-line",
        "An annotation file in the dataset's annotations folder does not start with the line `# yaml-language-server: $schema=../../schema/<version>/annotation.schema.json` naming the schema version it is validated against (editors check the file as you type with it).",
        "a first line `schema_version: 1.0.0`",
        "the first line is not the schema line; make it `{header}` so that editors check the file against schema {version} as you type",
        {
            "address": "the first line names the schema {address}, not schema {version}'s annotation schema; make it `{header}`",
        },
    ),
    Code(
        "GE608",
        "referential",
        "no-actor-registry",
        "An annotation file names actors, but its dataset folder (the annotations folder's parent, or the file's own folder) has no actors.yaml to declare them.",
        "datasets/annotations/x.yaml with no datasets/actors.yaml",
        "{field}: actor {actor!r} cannot be checked: no {registry} (the dataset's actors are declared there)",
    ),
    Code(
        "GE609",
        "referential",
        "link-constraint",
        "A link breaks its relation's rule: same_incident joins two non-aggregate events, neither a statement, of different documents; part_of points at an aggregate; about starts from a statement; in_response_to cannot answer an event that begins after it ends; no link joins an event to itself.",
        "part_of pointing at a single attack",
        "{field}: {problem}",
    ),
    Code(
        "GE610",
        "referential",
        "link-cycle",
        "part_of or in_response_to links go round in a circle (A part of B part of A); or parent_actor_id does.",
        "e01 part_of e02, e02 part_of e01",
        "{field}: the {relation} links of {members} form a cycle",
    ),
    Code(
        "GE611",
        "referential",
        "incident-conflict",
        "Events linked as one incident (directly or through others by same_incident) cannot all be true: their date ranges do not overlap, or they are in different countries or first-level divisions.",
        "one incident on 2023-12-08 in one report and 2023-12-20 in another",
        "{field}: {first} and {second} are one incident but {problem}",
    ),
    # release
    Code(
        "GE701",
        "release",
        "hash-mismatch",
        "A resource's digest differs from the `hash` in datapackage.json (any hashlib algorithm, case-insensitive; a bare digest is md5).",
        "events.csv edited after the release was built",
        "{reason}",
    ),
    Code(
        "GE702",
        "release",
        "bytes-mismatch",
        "A resource's size differs from the `bytes` in datapackage.json.",
        "bytes 1200, file has 1187",
        "{reason}",
    ),
    Code(
        "GE703",
        "release",
        "resource-missing",
        "A resource listed in datapackage.json is not there.",
        "path events.parquet, no such file",
        "resource {path} is listed but not there",
    ),
    Code(
        "GE704",
        "release",
        "unverifiable-hash",
        "A resource's `hash` or `bytes` cannot be checked (an unknown algorithm, a digest of the wrong length or not hex, bytes not a whole number); it is never taken as a pass.",
        "hash 'crc32:1234', or 'sha256:abc'",
        "{reason}",
    ),
    Code(
        "GE705",
        "release",
        "checksums-mismatch",
        "A file's sha256 differs from its line in SHA256SUMS, the line is malformed, or the file it lists is not there.",
        "datapackage.json edited after SHA256SUMS was written",
        "{reason}",
        {"missing": "{name} is listed but not there"},
    ),
)

CODES: dict[str, Code] = {c.code: c for c in _CODES}


def message(code: str, variant: str = "", **params: Any) -> str:
    """The message of an issue of `code`: the template of `variant` filled with `params`."""
    return CODES[code].wording(variant).format(**params)


def issue(
    code: str,
    file: str,
    line: int | None = None,
    field: str | None = None,
    *,
    expected: str | None = None,
    actual: str | None = None,
    variant: str = "",
    **params: Any,
) -> Issue:
    """An Issue of `code` at file, line and field, its message the code's template (or the one
    of `variant`) filled with `field` and `params`:
    `issue("GE201", "events.csv", 4, "date_start", expected="a date value")`."""
    text = message(code, variant, field=field, **params)
    return Issue(file, line, field, code, text, expected, actual)


def layer_of(code: str) -> str:
    """The layer of a code."""
    return CODES[code].layer


def markdown_table() -> str:
    """The README table of codes, generated from the registry."""
    lines = ["| code | layer | name | meaning | example |", "|---|---|---|---|---|"]
    for c in _CODES:
        lines.append(f"| `{c.code}` | {c.layer} | `{c.title}` | {c.meaning} | {c.example} |")
    return "\n".join(lines) + "\n"
