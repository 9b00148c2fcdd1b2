"""The hand annotations: valid, grounded in their pinned documents, and coded by ANNOTATING.md."""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import re
from pathlib import Path

import pycountry
import pytest

from grounded_events._models import AnnotationFile, Event
from grounded_events._seeds import Seed, read_seeds
from grounded_events._tables import TABLES, rows_from_annotation
from grounded_events._vocab import AttributionStatus, DateBasis, DatePrecision, EventType, Role
from grounded_events._yaml import loads

ROOT = Path(__file__).resolve().parents[1]
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
