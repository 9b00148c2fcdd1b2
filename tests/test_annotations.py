"""The hand annotations: valid, grounded in their pinned documents, and coded by ANNOTATING.md."""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import io
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pycountry
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from grounded_events._core.safe_yaml import loads
from grounded_events._package.inputs import event_record
from grounded_events._schema.models import AnnotationFile, Event
from grounded_events._schema.tables import TABLES, rows_from_annotation
from grounded_events._schema.vocab import (
    AttributionStatus,
    DateBasis,
    DatePrecision,
    EventType,
    Role,
)
from grounded_events._sources.seeds import Seed, read_seeds
from grounded_events._validation import validate
from grounded_events._validation.codes import CODES
from grounded_events.cli import main
from helpers import ROOT, annotation_data, write_seeds, write_yaml

ANNOTATIONS = sorted((ROOT / "datasets" / "annotations").glob("*.yaml"))
HEADER = "# yaml-language-server: $schema=../../schema/1.0.0/annotation.schema.json"

# Each participant role needs an evidence span of the field of the same name.
ROLE_FIELDS = {
    Role.INITIATOR: "initiator",
    Role.TARGET: "target",
    Role.SPEAKER: "speaker",
    Role.ADDRESSEE: "addressee",
    Role.SUBJECT: "subject",
    Role.MEDIUM: "medium",
}
WEEKDAYS = {name: number for number, name in enumerate(calendar.day_name)}
MONTHS = {name: number for number, name in enumerate(calendar.month_name) if name}


@pytest.fixture(scope="module")
def seeds() -> dict[str, Seed]:
    """Every seed document with its sha256-checked text."""
    return read_seeds(ROOT / "seeds")


def _load(path: Path) -> AnnotationFile:
    return AnnotationFile.model_validate(loads(path.read_text(encoding="utf-8")).data)


def _fields(event: Event) -> set[str]:
    return {str(e.field) for e in event.evidence}


def _role_actors(event: Event, role: Role) -> list[str]:
    return [p.actor_id for p in event.participants if p.role == role]


def _primary_event_span(event: Event) -> int:
    return next(e.start for e in event.evidence if e.field == "event")


def test_there_are_annotations() -> None:
    """The seed article is annotated, so every other test here has something to check."""
    assert ROOT / "datasets" / "annotations" / "rudaw-20231212.yaml" in ANNOTATIONS


@pytest.fixture(params=ANNOTATIONS, ids=lambda p: p.stem)
def path(request: pytest.FixtureRequest) -> Path:
    """One annotation file."""
    return request.param


def test_starts_with_schema_header(path: Path) -> None:
    """Each file starts with the yaml-language-server line that makes editors validate it."""
    assert path.read_text(encoding="utf-8").splitlines()[0] == HEADER


def test_validates_against_annotation_file(path: Path) -> None:
    """Each file is a valid AnnotationFile named after its doc_id."""
    annotation = _load(path)
    assert annotation.doc_id == path.stem


def test_sha256_pinned_in_index_and_yaml(path: Path, seeds: dict[str, Seed]) -> None:
    """The text the offsets count in is the one pinned by the index and by the annotation file."""
    annotation = _load(path)
    seed = seeds[annotation.doc_id]
    data = (ROOT / "seeds" / seed.document.file).read_bytes()
    actual = hashlib.sha256(data).hexdigest()
    assert actual == seed.document.sha256 == annotation.sha256


def test_every_quote_equals_its_slice(path: Path, seeds: dict[str, Seed]) -> None:
    """Every evidence quote is exactly text[start:end], offsets in code points."""
    annotation = _load(path)
    text = seeds[annotation.doc_id].text
    wrong = [
        (event.event_id, ev.field, ev.start, ev.end, ev.quote, text[ev.start : ev.end])
        for event in annotation.events
        for ev in event.evidence
        if text[ev.start : ev.end] != ev.quote
    ]
    assert wrong == []


def test_every_event_has_an_event_span(path: Path) -> None:
    """Each event has at least one span for the event as a whole."""
    annotation = _load(path)
    assert [e.event_id for e in annotation.events if "event" not in _fields(e)] == []


def test_coded_values_have_evidence(path: Path) -> None:
    """Date, place, every participant role, means, attribution and outcomes each have a span."""
    missing = []
    for event in _load(path).events:
        fields = _fields(event)
        needed = set()
        if event.date.basis != DateBasis.EXTERNAL:  # external dates are sourced in a note
            needed.add("date")
        if event.date.time_of_day:
            needed.add("time_of_day")
        if event.location is not None:
            needed.add("location")
        needed |= {ROLE_FIELDS[p.role] for p in event.participants if p.role in ROLE_FIELDS}
        if event.weapons:
            needed.add("weapons")
        if event.attribution and event.attribution.status != AttributionStatus.UNATTRIBUTED:
            needed.add("attribution")
        if event.fatalities is not None:
            needed.add("fatalities")
        if event.injuries is not None:
            needed.add("injuries")
        if event.is_aggregate:
            needed.add("aggregate")
        if event.event_type == EventType.STATEMENT:
            needed.add("statement")
        missing += [(event.event_id, field) for field in sorted(needed - fields)]
    assert missing == []


def test_no_evidence_for_values_not_coded(path: Path) -> None:
    """A span for a role, place, outcome or means implies that value is coded on the event."""
    stray = []
    for event in _load(path).events:
        fields = _fields(event)
        for role, field in ROLE_FIELDS.items():
            if field in fields and not _role_actors(event, role):
                stray.append((event.event_id, field))
        coded = {
            "location": event.location is not None,
            "weapons": bool(event.weapons),
            "fatalities": event.fatalities is not None,
            "injuries": event.injuries is not None,
            "time_of_day": event.date.time_of_day is not None,
            "aggregate": event.is_aggregate,
            "attribution": event.attribution is not None,
        }
        stray += [
            (event.event_id, f) for f, is_coded in coded.items() if f in fields and not is_coded
        ]
    assert stray == []


def test_time_of_day_is_verbatim(path: Path, seeds: dict[str, Seed]) -> None:
    """The time-of-day words are the text's own, inside a time_of_day span."""
    annotation = _load(path)
    for event in annotation.events:
        if event.date.time_of_day:
            spans = [e.quote for e in event.evidence if e.field == "time_of_day"]
            assert any(event.date.time_of_day in quote for quote in spans), event.event_id


def test_actor_references_are_declared(path: Path) -> None:
    """Every actor_id used by participants, attributed_by and parent_actor_id is declared once."""
    annotation = _load(path)
    declared = [a.actor_id for a in annotation.actors]
    assert len(declared) == len(set(declared))
    used = {a.parent_actor_id for a in annotation.actors if a.parent_actor_id}
    for event in annotation.events:
        used |= {p.actor_id for p in event.participants}
        if event.attribution:
            used |= set(event.attribution.attributed_by)
    assert used - set(declared) == set()


def test_every_declared_actor_is_used(path: Path) -> None:
    """No actor is declared without appearing in an event (directly or as a parent)."""
    annotation = _load(path)
    used = {a.parent_actor_id for a in annotation.actors if a.parent_actor_id}
    for event in annotation.events:
        used |= {p.actor_id for p in event.participants}
        if event.attribution:
            used |= set(event.attribution.attributed_by)
    assert {a.actor_id for a in annotation.actors} - used == set()


def test_refers_to_names_other_events_of_the_file(path: Path) -> None:
    """Every refers_to names an event of the same file, never the event itself."""
    annotation = _load(path)
    ids = {e.event_id for e in annotation.events}
    bad = [
        (e.event_id, r)
        for e in annotation.events
        for r in e.refers_to
        if r not in ids or r == e.event_id
    ]
    assert bad == []


def test_event_ids_unique_prefixed_and_in_text_order(path: Path) -> None:
    """Ids are '<doc_id>-eNN', unique, consecutive from e01, in the order of each first event span."""
    annotation = _load(path)
    ids = [e.event_id for e in annotation.events]
    assert len(ids) == len(set(ids))
    assert ids == [f"{annotation.doc_id}-e{n:02d}" for n in range(1, len(ids) + 1)]
    starts = [_primary_event_span(e) for e in annotation.events]
    assert starts == sorted(starts)


def test_dates_agree_with_their_precision(path: Path) -> None:
    """day is one day, year a calendar year, month a calendar month, range longer than a week."""
    for event in _load(path).events:
        d = event.date
        assert d.start <= d.end, event.event_id
        if d.precision == DatePrecision.DAY:
            assert d.start == d.end, event.event_id
        elif d.precision == DatePrecision.YEAR:
            assert (d.start, d.end) == (dt.date(d.start.year, 1, 1), dt.date(d.start.year, 12, 31))
        elif d.precision == DatePrecision.MONTH:
            last = calendar.monthrange(d.start.year, d.start.month)[1]
            assert d.start.day == 1 and d.end == d.start.replace(day=last), event.event_id
        elif d.precision == DatePrecision.RANGE:
            assert (d.end - d.start).days > 7, event.event_id


def _expected_dates(quote: str, published: dt.date) -> tuple[dt.date, dt.date] | None:
    """The dates a date expression resolves to under ANNOTATING.md, or None if not recognised."""
    if m := re.search(r"\bsince (" + "|".join(MONTHS) + r") (\d{1,2})\b", quote):
        start = dt.date(published.year, MONTHS[m[1]], int(m[2]))
        if start > published:  # "since December 20" read in January means last year
            start = start.replace(year=published.year - 1)
        return start, published
    if m := re.search(r"\bin (\d{4})\b", quote):
        year = int(m[1])
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if m := re.search(r"\b(" + "|".join(WEEKDAYS) + r")\b", quote):
        # A bare weekday in news is the most recent such day on or before publication.
        back = (published.weekday() - WEEKDAYS[m[1]]) % 7
        day = published - dt.timedelta(days=back)
        return day, day
    return None


def test_relative_dates_resolve_against_publication(path: Path, seeds: dict[str, Seed]) -> None:
    """Weekdays, 'since Month D' and 'in YYYY' in date spans resolve as ANNOTATING.md says."""
    annotation = _load(path)
    published = seeds[annotation.doc_id].document.published_date
    checked = 0
    for event in annotation.events:
        for ev in event.evidence:
            if ev.field != "date" or (expected := _expected_dates(ev.quote, published)) is None:
                continue
            checked += 1
            assert (event.date.start, event.date.end) == expected, (event.event_id, ev.quote)
        if event.date.basis == DateBasis.RELATIVE_TO_PUBLICATION:
            assert event.date.end <= published, event.event_id
    assert checked > 0


def test_locations_are_consistent(path: Path) -> None:
    """admin1_code lies in country_iso3; multi-country places have no country; sites have points."""
    for event in _load(path).events:
        loc = event.location
        if loc is None:
            continue
        if loc.geo_precision in ("multi_country", "international"):
            assert loc.country_iso3 is None and loc.admin1_code is None, event.event_id
            continue
        assert loc.country_iso3 is not None, event.event_id
        if loc.admin1_code:
            alpha2 = pycountry.subdivisions.get(code=loc.admin1_code).country_code
            assert pycountry.countries.get(alpha_2=alpha2).alpha_3 == loc.country_iso3
        if loc.geo_precision in ("site", "near_site", "place", "near_place"):
            assert loc.latitude is not None and loc.longitude is not None, event.event_id
        assert (loc.gazetteer is None) == (loc.gazetteer_id is None), event.event_id
        assert loc.note, f"{event.event_id}: say which gazetteer and why this precision"


def test_violent_events_carry_attribution_and_means(path: Path) -> None:
    """Every act of violence has an attribution; alleged ones name who alleges it."""
    for event in _load(path).events:
        if event.event_type == EventType.STATEMENT:
            assert event.attribution is None and not event.weapons, event.event_id
            continue
        att = event.attribution
        assert att is not None, event.event_id
        if att.status == AttributionStatus.ALLEGED:
            assert att.attributed_by, event.event_id
        if att.status != AttributionStatus.UNATTRIBUTED:
            assert _role_actors(event, Role.INITIATOR), event.event_id


def test_rows_validate_against_the_table_models(path: Path) -> None:
    """rows_from_annotation produces rows that every table's row model accepts."""
    tables = rows_from_annotation(_load(path))
    for name, rows in tables.items():
        assert rows, name
        for row in rows:
            TABLES[name].row.model_validate(row)
    keys = [r["evidence_id"] for r in tables["evidence"]]
    assert len(keys) == len(set(keys))


def test_seed_resolves_the_dates_the_issue_names(seeds: dict[str, Seed]) -> None:
    """The seed's relative dates: Monday 2023-12-11, Friday 2023-12-08 early hours, since Oct 17."""
    annotation = _load(ROOT / "datasets" / "annotations" / "rudaw-20231212.yaml")
    by_quote: dict[str, set[tuple[dt.date, dt.date, str | None]]] = {}
    for event in annotation.events:
        for ev in event.evidence:
            if ev.field == "date":
                by_quote.setdefault(ev.quote, set()).add(
                    (event.date.start, event.date.end, event.date.time_of_day)
                )
    assert by_quote["on Monday"] == {(dt.date(2023, 12, 11), dt.date(2023, 12, 11), None)}
    assert (dt.date(2023, 12, 8), dt.date(2023, 12, 8), "early hours") in by_quote[
        "in the early hours of Friday"
    ]
    assert by_quote["since October 17"] == {(dt.date(2023, 10, 17), dt.date(2023, 12, 12), None)}
    assert by_quote["in 2019"] == {(dt.date(2019, 1, 1), dt.date(2019, 12, 31), None)}


# --- hostile and mistyped annotation files (issue 12) --------------------------------------------


def _ecma_pattern(
    validator: Any, pattern: str, instance: Any, schema: dict[str, Any]
) -> Iterator[jsonschema.ValidationError]:
    # JSON Schema patterns are ECMA-262, where a final `$` is the end of the text; Python's re
    # (which jsonschema uses) also lets it match before a final newline, accepting 'usa\n'.
    if isinstance(instance, str) and not re.search(re.sub(r"\$$", r"\\Z", pattern), instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


# JSON Schema's "integer" also admits 1.0 (a number with no fraction); the issue wants 0.0 counts
# and !!float offsets refused, so the comparison counts only integer literals as integers.
_INTEGER_LITERALS = jsonschema.Draft202012Validator.TYPE_CHECKER.redefine(
    "integer", lambda _, value: isinstance(value, int) and not isinstance(value, bool)
)
PUBLISHED_VALIDATOR = jsonschema.validators.extend(
    jsonschema.Draft202012Validator,
    validators={"pattern": _ecma_pattern},
    type_checker=_INTEGER_LITERALS,
)
# What the JSON Schema can say: reading, structure and the closed vocabularies (enums). Country,
# subdivision and language lookups, cross-field rules and grounding are beyond it.
SCHEMA_CODES = {c for c, v in CODES.items() if v.layer in ("input", "structure")} | {"GE301"}


def _paths(data: Any, loc: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [loc] if loc else []
    if isinstance(data, dict):
        for key, value in data.items():
            out += _paths(value, (*loc, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            out += _paths(value, (*loc, index))
    return out


WRONG_VALUES = st.one_of(
    st.integers(-3, 300),
    st.integers(2**62, 2**64),
    st.just(10**29),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0.0, 1.0, 2.5]),
    st.booleans(),
    st.none(),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=12),
    st.sampled_from(
        [
            "240",
            "0",
            "true",
            "2023-12-08",
            "2023-02-30",
            "0000-01-01",
            "2023-12-08T10:00:00",
            "20231208",
            "2023-12-8",
            "IRQ",
            "XXX",
            "usa-embassy",
            "usa-embassy\n",
            "day",
            "rocket",
            "IQ-BG",
            "",
            " ",
            "initiator",
            "site",
            "unattributed",
            "remote_violence",
        ]
    ),
    st.lists(st.integers(0, 3) | st.text(max_size=3), max_size=2),
    st.builds(lambda: [[1]]),
    st.builds(dict),
)


def _mutate(data: st.DataObject, document: Any, keep: tuple[Any, ...] = ()) -> None:
    """Replace a value (with a wrong one) or drop a key, once or twice, anywhere but `keep`."""
    for _ in range(data.draw(st.integers(1, 2), label="edits")):
        loc = data.draw(st.sampled_from(_paths(document)), label="where")
        if loc in keep:
            continue
        parent = document
        for key in loc[:-1]:
            parent = parent[key]
        if data.draw(st.booleans(), label="drop") and isinstance(parent, dict):
            del parent[loc[-1]]
        else:
            parent[loc[-1]] = data.draw(WRONG_VALUES, label="value")


def _published(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((ROOT / "schema" / "1.0.0" / name).read_text(encoding="utf-8"))
    return PUBLISHED_VALIDATOR(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def _agree(schema: jsonschema.Draft202012Validator, data: Any, report: Any) -> None:
    schema_errors = [f"{list(e.path)}: {e.message}" for e in schema.iter_errors(data)]
    ours = [f"{e.field}: {e.code} {e.message}" for e in report.errors if e.code in SCHEMA_CODES]
    assert bool(schema_errors) == bool(ours), (schema_errors, ours)


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_validator_and_published_schema_agree(data: st.DataObject, tmp_path_factory: Any) -> None:
    """For annotation files with a value replaced or a key dropped, the published JSON Schema
    (Draft 2020-12 on the YAML read as JSON) and validate give the same structural verdict."""
    folder = tmp_path_factory.mktemp("agree")
    seeds = write_seeds(folder / "seeds")
    document = annotation_data()
    _mutate(data, document)
    path = write_yaml(folder / "annotation.yaml", document)
    read = loads(path.read_text(encoding="utf-8")).data
    assert read == document, "the YAML reads back as the JSON it was written from"
    _agree(_published("annotation.schema.json"), read, validate(path, seeds=seeds))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_records_and_published_event_schema_agree(
    data: st.DataObject, tmp_path_factory: Any
) -> None:
    """The same for events.jsonl records against the published event.schema.json."""
    folder = tmp_path_factory.mktemp("records")
    event = Event.model_validate(annotation_data()["events"][0])
    record = event_record(event, "test-20231212").model_dump(mode="json")
    _mutate(data, record, keep=(("crosswalks",),))  # without crosswalks it reads as a table row
    path = folder / "events.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    _agree(_published("event.schema.json"), record, validate(path))


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[dict[str, Any]]]:
    code = main(["validate", "--format", "json", *argv])
    out, err = capsys.readouterr()
    assert "internal error" not in err
    return code, json.loads(out) if out.strip() else []


def _valid_yaml() -> str:
    buffer = io.StringIO()
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.dump(annotation_data(), buffer)
    return buffer.getvalue()


# (name, edit of the valid YAML text, exit code, code, field)
HOSTILE: list[tuple[str, Callable[[str], str], int, str, str | None]] = [
    ("binary", lambda t: t.replace("- test\n", "- !!binary dGVzdA==\n"), 2, "GE107", "annotators[0]"),
    ("set", lambda t: t.replace("annotators:\n- test\n", "annotators: !!set {test}\n"), 2, "GE107", "annotators"),
    ("merge key", lambda t: t.replace("- attribution:", "- <<: {note: x}\n  attribution:", 1), 2, "GE121", "events[0]"),
    ("deep nesting", lambda t: t + "note: " + "[" * 5000 + "]" * 5000 + "\n", 2, "GE120", None),
    ("alias bomb", lambda t: t + "".join(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}" if i else "x"] * 10) + "]\n" for i in range(9)), 2, "GE120", None),
    ("5,000 digits", lambda t: t.replace("start: 10\n", "start: " + "9" * 5000 + "\n", 1), 2, "GE120", "events[0].evidence[0].start"),
    ("end 10^29", lambda t: t.replace("end: 47\n", f"end: {10**29}\n", 1), 1, "GE502", "events[0].evidence[0].end"),
    ("start 10^29", lambda t: t.replace("start: 10\n", f"start: {10**29}\n", 1), 1, "GE409", "events[0].evidence[0].end"),
    ("year 0", lambda t: t.replace("annotated: '2024-01-02'", "annotated: 0000-01-01"), 1, "GE205", "annotated"),
    ("February 30", lambda t: t.replace("annotated: '2024-01-02'", "annotated: 2024-02-30"), 1, "GE205", "annotated"),
    ("timestamp", lambda t: t.replace("annotated: '2024-01-02'", "annotated: 2024-01-02 10:00:00"), 1, "GE205", "annotated"),
    ("text offset", lambda t: t.replace("start: 10\n", "start: '10'\n", 1), 1, "GE204", "events[0].evidence[0].start"),
    ("boolean offset", lambda t: t.replace("start: 10\n", "start: false\n", 1), 1, "GE204", "events[0].evidence[0].start"),
    ("float offset", lambda t: t.replace("start: 10\n", "start: !!float 10\n", 1), 1, "GE204", "events[0].evidence[0].start"),
    ("0.0 count", lambda t: t.replace("best: 0\n", "best: 0.0\n", 1), 1, "GE204", "events[0].fatalities.best"),
    ("0/1 boolean", lambda t: t.replace("  summary: Rockets", "  is_aggregate: 1\n  summary: Rockets", 1), 1, "GE204", "events[0].is_aggregate"),
    ("integer text", lambda t: t.replace("- test\n", "- 12\n"), 1, "GE204", "annotators[0]"),
    ("NUL in doc_id", lambda t: t.replace("doc_id: test-20231212", 'doc_id: "test\\0-20231212"'), 1, "GE206", "doc_id"),
    ("half a surrogate pair", lambda t: t.replace("- test\n", '- "te\\ud83dst"\n'), 2, "GE104", "annotators[0]"),
    ("raw NUL", lambda t: t.replace("- test\n", "- te\x00st\n"), 2, "GE105", None),
    ("nested list", lambda t: t.replace("start: 10\n", "start: [[10]]\n", 1), 1, "GE204", "events[0].evidence[0].start"),
    ("list of participants", lambda t: t.replace("  participants:\n  - actor_id: attackers", "  participants: 3\n  other:\n  - actor_id: attackers", 1), 1, "GE204", "events[0].participants"),
]  # fmt: skip


@pytest.mark.parametrize("case", HOSTILE, ids=[c[0] for c in HOSTILE])
def test_hostile_annotation_is_a_coded_error(
    case: tuple[str, Callable[[str], str], int, str, str | None],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Each hostile or mistyped file exits 1 or 2 with its code, file, line and field, never 3."""
    _, edit, exit_code, code, field = case
    text = edit(_valid_yaml())
    assert text != _valid_yaml(), "the edit applies"
    path = tmp_path / "annotation.yaml"
    path.write_text(text, encoding="utf-8")
    status, errors = _cli(capsys, "--seeds", str(write_seeds(tmp_path / "seeds")), str(path))
    assert status == exit_code
    mine = [e for e in errors if e["code"] == code]
    assert mine, errors
    assert all(e["file"] == str(path) and e["line"] for e in mine)
    if field is not None:
        assert field in [e["field"] for e in mine]


def test_json_annotation_limits(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A JSON annotation nested 5,000 deep or with a 5,000-digit number is GE120, exit 2."""
    seeds = str(write_seeds(tmp_path / "seeds"))
    for name, text in (
        ("deep.json", '{"doc_id": ' + "[" * 5000 + "]" * 5000 + "}"),
        ("digits.json", '{"doc_id": ' + "9" * 5000 + "}"),
    ):
        (tmp_path / name).write_text(text, encoding="utf-8")
        status, errors = _cli(capsys, "--seeds", seeds, str(tmp_path / name))
        assert (status, [e["code"] for e in errors]) == (2, ["GE120"])


def test_record_offset_past_int64(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An events.jsonl span ending at 10^29 is GE502 on its line and field, exit 1."""
    event = Event.model_validate(annotation_data()["events"][0])
    record = event_record(event, "test-20231212").model_dump(mode="json")
    record["evidence"][0]["end"] = 10**29
    path = tmp_path / "events.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    status, errors = _cli(capsys, str(path))
    assert status == 1
    assert [(e["line"], e["field"], e["code"]) for e in errors] == [(1, "evidence[0].end", "GE502")]
