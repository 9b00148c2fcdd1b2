"""The registry of validation error codes: one stable code per rule, with its layer and meaning."""

from __future__ import annotations

from dataclasses import dataclass

from grounded_events._validation.issues import Issue


@dataclass(frozen=True)
class Code:
    """A stable error code: `layer` groups it, `meaning` says what broke, `example` shows one, and
    `template` words one issue of it from the keywords `issue()` is given."""

    code: str
    layer: str
    title: str
    meaning: str
    example: str
    template: str = "{message}"


_CODES = (
    # input: the file cannot be read as what it claims to be
    Code("GE101", "input", "file-not-found", "The path does not exist.", "validate missing.yaml"),
    Code(
        "GE102",
        "input",
        "nothing-to-validate",
        "A directory holds no file the validator reads (YAML, JSON, JSONL, CSV, Parquet, datapackage.json), or a path is neither a file nor a directory.",
        "validate empty-folder/",
    ),
    Code(
        "GE103",
        "input",
        "empty-file",
        "The file has no content (zero bytes or only whitespace).",
        "an empty events.csv",
    ),
    Code(
        "GE104",
        "input",
        "encoding",
        "The file is not UTF-8 (a UTF-8 byte-order mark is accepted and ignored).",
        "events.csv saved as Latin-1 or UTF-16",
    ),
    Code(
        "GE105",
        "input",
        "malformed-yaml",
        "The YAML cannot be parsed.",
        "an unclosed quote on line 7",
    ),
    Code(
        "GE106",
        "input",
        "duplicate-key",
        "A YAML or JSON mapping repeats a key.",
        "two `doc_id:` keys in one mapping",
    ),
    Code(
        "GE107",
        "input",
        "yaml-tag",
        "A YAML tag that would build an object or a type JSON does not have (!!binary, !!set, !!python/...): only plain YAML is read.",
        "!!python/object:os.system",
    ),
    Code(
        "GE108",
        "input",
        "malformed-json",
        "The JSON (or one JSONL line) cannot be parsed.",
        "a trailing comma on line 3",
    ),
    Code(
        "GE109",
        "input",
        "malformed-csv",
        "The CSV cannot be parsed: a row has the wrong number of cells, or a quote is not closed.",
        "row 5 has 36 cells, the header 37",
    ),
    Code(
        "GE110",
        "input",
        "cell-too-large",
        "A single cell or JSON value is larger than 1 MiB.",
        "a 5 MB summary",
    ),
    Code(
        "GE111",
        "input",
        "bad-parquet",
        "A .parquet file is truncated or not Parquet.",
        "a CSV renamed to events.parquet",
    ),
    Code(
        "GE112",
        "input",
        "unknown-format",
        "The file's kind cannot be told from its name or content.",
        "notes.txt, or a CSV whose header matches no table",
    ),
    Code(
        "GE113",
        "input",
        "bad-datapackage",
        "datapackage.json is not a data package descriptor (no resources list, a resource without path).",
        '{"resources": 3}',
    ),
    Code(
        "GE114",
        "input",
        "unsafe-path",
        "A path read from the data leaves its folder (absolute, `..`, a URL, a symlink out) or cannot name a file (a NUL character); it is not read.",
        "resource path ../../etc/passwd; a seed that is a symlink to /dev/zero",
    ),
    Code(
        "GE115",
        "input",
        "not-a-regular-file",
        "A resource or seed is not a regular file (a FIFO, device, socket or directory); it is refused before it is read.",
        "events.csv is a FIFO",
    ),
    Code(
        "GE116",
        "input",
        "file-too-large",
        "A file is larger than its limit: 64 MiB for what is read whole (seed texts, descriptors, YAML and JSON files), 16 GiB for tables.",
        "a 1 GB seed text",
    ),
    Code(
        "GE120",
        "input",
        "too-large-to-read",
        "A YAML or JSON file goes past a reading limit: nested deeper than 100 levels, aliases that expand to more than 1,000,000 values, or an integer of more than 4,300 digits.",
        "a 'billion laughs' of nested aliases",
    ),
    Code(
        "GE121",
        "input",
        "yaml-merge-key",
        "A YAML merge key (`<<: *anchor`): only plain YAML is read, so the keys are written out.",
        "<<: *defaults in an event",
    ),
    # structure: types, required fields, formats
    Code(
        "GE201",
        "structure",
        "missing-value",
        "A required field or cell is missing or empty.",
        "events.csv row 4: date_start is empty",
    ),
    Code(
        "GE202",
        "structure",
        "unknown-field",
        "A field or column the schema does not define.",
        "a `severity:` key in an event",
    ),
    Code(
        "GE203",
        "structure",
        "missing-column",
        "A table lacks a column of its schema.",
        "events.csv without date_end",
    ),
    Code(
        "GE204",
        "structure",
        "wrong-type",
        "A value is not of the field's type (integer, number, boolean, list, object).",
        "fatalities_best = 'three'",
    ),
    Code(
        "GE205",
        "structure",
        "bad-date",
        "A date is not a real calendar date in YYYY-MM-DD form.",
        "2023-02-30",
    ),
    Code(
        "GE206",
        "structure",
        "pattern-mismatch",
        "A string does not match the field's format (slug ids, sha256, ISO code shapes, URL).",
        "event_id 'Rudaw_E1'",
    ),
    Code(
        "GE207",
        "structure",
        "out-of-range",
        "A number is outside the field's bounds (counts >= 0, latitude -90..90, offsets >= 0).",
        "fatalities_best = -1",
    ),
    Code(
        "GE208",
        "structure",
        "bad-length",
        "A string or list is shorter or longer than allowed.",
        "an empty summary, an event without evidence",
    ),
    # vocabulary
    Code(
        "GE301",
        "vocabulary",
        "unknown-value",
        "A value is not in the field's controlled vocabulary.",
        "event_type 'bombing'",
    ),
    Code(
        "GE302",
        "vocabulary",
        "unknown-country",
        "Not an ISO 3166-1 alpha-3 country code.",
        "country_iso3 'XXX'",
    ),
    Code(
        "GE303",
        "vocabulary",
        "unknown-subdivision",
        "Not an ISO 3166-2 subdivision code.",
        "admin1_code 'IQ-ZZ'",
    ),
    Code(
        "GE304",
        "vocabulary",
        "unknown-language",
        "Not an ISO 639-1 language code.",
        "language 'xx'",
    ),
    Code(
        "GE305",
        "vocabulary",
        "subtype-type-mismatch",
        "The event_subtype does not belong to the event_type.",
        "event_type statement with event_subtype drone_strike",
    ),
    Code(
        "GE306",
        "vocabulary",
        "acled-type-mismatch",
        "The ACLED sub-event type does not belong to the ACLED event type.",
        "Battles / Air/drone strike",
    ),
    Code(
        "GE307",
        "vocabulary",
        "crosswalk-mismatch",
        "A crosswalk column differs from the crosswalk of the event_subtype.",
        "drone_strike with cameo_root '14'",
    ),
    # cross-field
    Code(
        "GE401",
        "cross-field",
        "date-order",
        "date_end is before date_start.",
        "2023-12-12 .. 2023-12-10",
    ),
    Code(
        "GE402",
        "cross-field",
        "date-precision",
        "The dates do not fit the date precision (non-aggregates: day = one day, days = 2-6 days, week = 7 days, month = one calendar month, year = one calendar year).",
        "precision day with a 3-day span",
    ),
    Code(
        "GE403",
        "cross-field",
        "count-order",
        "A count's bounds are out of order: low <= best <= high.",
        "fatalities low 5, best 2",
    ),
    Code(
        "GE404",
        "cross-field",
        "outside-country",
        "The coordinates lie outside the country of country_iso3 / admin1_code (Natural Earth bounding boxes, 0.1 degree tolerance).",
        "Baghdad's coordinates with country_iso3 FRA",
    ),
    Code(
        "GE405",
        "cross-field",
        "admin1-country-mismatch",
        "admin1_code is a subdivision of another country than country_iso3.",
        "admin1_code IQ-BG with country_iso3 SYR",
    ),
    Code(
        "GE406",
        "cross-field",
        "half-coordinates",
        "Only one of latitude and longitude is given.",
        "latitude without longitude",
    ),
    Code(
        "GE407",
        "cross-field",
        "attribution-needs-attributor",
        "An alleged attribution names no actor in attributed_by.",
        "initiator_attribution alleged, attributed_by empty",
    ),
    Code(
        "GE408",
        "cross-field",
        "attributor-without-attribution",
        "An unattributed event names actors in attributed_by.",
        "initiator_attribution unattributed, attributed_by usa",
    ),
    Code(
        "GE409",
        "cross-field",
        "span-order",
        "An evidence span's end is not after its start.",
        "start 40, end 40",
    ),
    # grounding
    Code(
        "GE501",
        "grounding",
        "quote-mismatch",
        "An evidence quote is not exactly the document's text between its offsets.",
        "quote 'rockets' where the text has 'drones'",
    ),
    Code(
        "GE502",
        "grounding",
        "offset-outside-text",
        "An evidence span ends beyond the end of the document.",
        "end 99999 in a 4000-character text",
    ),
    Code(
        "GE503",
        "grounding",
        "document-hash-mismatch",
        "A document's sha256 does not match its text (or the annotation's pinned sha256).",
        "a seed edited after annotation",
    ),
    Code(
        "GE504",
        "grounding",
        "unknown-document",
        "A doc_id is not in the seeds index or the documents table.",
        "doc_id rudaw-20990101",
    ),
    Code(
        "GE505",
        "grounding",
        "documents-unavailable",
        "The documents needed to check quotes cannot be found (no seeds index, no documents table).",
        "evidence.csv alone, without documents.csv next to it",
    ),
    # referential
    Code(
        "GE601",
        "referential",
        "duplicate-id",
        "A primary key (or annotation id) occurs more than once.",
        "two rows with event_id rudaw-20231212-e01",
    ),
    Code(
        "GE602",
        "referential",
        "unknown-reference",
        "A reference names an id that does not exist: a foreign key, an actor_id not declared in the file, a refers_to event.",
        "initiator 'kataib-hzb' with no such actor",
    ),
    # release
    Code(
        "GE701",
        "release",
        "hash-mismatch",
        "A resource's digest differs from the `hash` in datapackage.json (any hashlib algorithm, case-insensitive; a bare digest is md5).",
        "events.csv edited after the release was built",
    ),
    Code(
        "GE702",
        "release",
        "bytes-mismatch",
        "A resource's size differs from the `bytes` in datapackage.json.",
        "bytes 1200, file has 1187",
    ),
    Code(
        "GE703",
        "release",
        "resource-missing",
        "A resource listed in datapackage.json is not there.",
        "path events.parquet, no such file",
    ),
    Code(
        "GE704",
        "release",
        "unverifiable-hash",
        "A resource's `hash` or `bytes` cannot be checked (an unknown algorithm, a digest of the wrong length or not hex, bytes not a whole number); it is never taken as a pass.",
        "hash 'crc32:1234', or 'sha256:abc'",
    ),
    Code(
        "GE705",
        "release",
        "checksums-mismatch",
        "A file's sha256 differs from its line in SHA256SUMS, the line is malformed, or the file it lists is not there.",
        "datapackage.json edited after SHA256SUMS was written",
    ),
)

CODES: dict[str, Code] = {c.code: c for c in _CODES}


def issue(
    code: str,
    file: str,
    line: int | None = None,
    field: str | None = None,
    *,
    expected: str | None = None,
    actual: str | None = None,
    **params: object,
) -> Issue:
    """An Issue of `code` at file, line and field, its message the code's template filled with
    params: `issue("GE201", "events.csv", 1, "event_id", column="event_id")`."""
    return Issue(file, line, field, code, CODES[code].template.format(**params), expected, actual)


def layer_of(code: str) -> str:
    """The layer of a code."""
    return CODES[code].layer


def markdown_table() -> str:
    """The README table of codes, generated from the registry."""
    lines = ["| code | layer | name | meaning | example |", "|---|---|---|---|---|"]
    for c in _CODES:
        lines.append(f"| `{c.code}` | {c.layer} | `{c.title}` | {c.meaning} | {c.example} |")
    return "\n".join(lines) + "\n"
