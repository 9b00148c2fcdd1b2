"""What several test modules share: annotations, tables, YAML, packages, a guard, offline installs."""

from __future__ import annotations

import contextlib
import csv
import fcntl
import functools
import hashlib
import http.server
import io
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import tomllib
from collections.abc import Callable, Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import strategies as st
from packaging.requirements import Requirement

from grounded_events._core.dataset_files import ACTORS_FILE, LINKS_FILE, dataset_dir
from grounded_events._core.safe_yaml import loads
from grounded_events._core.version import SCHEMA_VERSION
from grounded_events._package.build import build
from grounded_events._schema.models import ActorRegistry, AnnotationFile, Document
from grounded_events._schema.tables import TABLES, actor_rows, document_row, rows_from_annotation
from grounded_events._sources.seeds import read_seeds

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
# The real seed that the package sample (SAMPLE) and the report sample annotate.
SEED_DOC_ID = "rudaw-20231212"


# --- a small annotation of a made-up document, as data, tables, YAML and seeds ----------------

TEXT = (
    "BAGHDAD - Rockets hit the US embassy in Baghdad early on Friday. No one was killed. "
    "On Monday the State Department condemned the attack. Unidentified attackers fired them.\n"
)
DOC_ID = "test-20231212"
SHA = hashlib.sha256(TEXT.encode()).hexdigest()


def _span(quote: str) -> dict[str, Any]:
    start = TEXT.index(quote)
    return {"start": start, "end": start + len(quote), "quote": quote}


def annotation_data() -> dict[str, Any]:
    """A small valid annotation file as plain data."""
    return {
        "doc_id": DOC_ID,
        "sha256": SHA,
        "annotated": "2024-01-02",
        "annotators": ["test"],
        "events": [
            {
                "event_id": f"{DOC_ID}-e01",
                "event_type": "remote_violence",
                "event_subtype": "rocket_attack",
                "summary": "Rockets hit the US embassy in Baghdad.",
                "date": {
                    "start": "2023-12-08",
                    "end": "2023-12-08",
                    "precision": "day",
                    "basis": "relative_to_publication",
                },
                "location": {
                    "name": "US Embassy, Baghdad",
                    "country_iso3": "IRQ",
                    "admin1_code": "IQ-BG",
                    "latitude": 33.2985,
                    "longitude": 44.3957,
                    "geo_precision": "site",
                    "note": "The embassy's coordinates; no gazetteer id verified.",
                },
                "participants": [
                    {"actor_id": "attackers", "role": "initiator"},
                    {"actor_id": "usa-embassy", "role": "target"},
                ],
                "attribution": {"status": "unattributed"},
                "weapons": ["rocket"],
                "fatalities": {"best": 0},
                "evidence": [
                    {"field": "event", **_span("Rockets hit the US embassy in Baghdad")},
                    {"field": "date", **_span("early on Friday")},
                    {"field": "location", **_span("the US embassy in Baghdad")},
                    {"field": "weapons", **_span("Rockets")},
                    {"field": "target", **_span("the US embassy")},
                    {"field": "initiator", **_span("Unidentified attackers")},
                    {"field": "fatalities", **_span("No one was killed")},
                ],
            },
            {
                "event_id": f"{DOC_ID}-e02",
                "event_type": "statement",
                "event_subtype": "condemnation",
                "summary": "The State Department condemned the attack.",
                "date": {
                    "start": "2023-12-11",
                    "end": "2023-12-11",
                    "precision": "day",
                    "basis": "relative_to_publication",
                },
                "participants": [{"actor_id": "usa-state-department", "role": "speaker"}],
                "evidence": [
                    {"field": "event", **_span("On Monday the State Department condemned")},
                    {"field": "date", **_span("On Monday")},
                    {"field": "speaker", **_span("the State Department")},
                    {"field": "statement", **_span("the State Department condemned the attack")},
                ],
            },
        ],
    }


def actors_data() -> dict[str, Any]:
    """The actors.yaml of the test annotation's dataset, as plain data."""
    return {
        "schema_version": SCHEMA_VERSION,
        "actors": [
            {
                "actor_id": "usa-embassy",
                "name": "US Embassy",
                "actor_type": "government_body",
                "country_iso3": "USA",
            },
            {
                "actor_id": "usa-state-department",
                "name": "US State Department",
                "actor_type": "government_body",
                "country_iso3": "USA",
            },
            {
                "actor_id": "attackers",
                "name": "Unidentified attackers",
                "actor_type": "unidentified",
            },
        ],
    }


def write_annotation(path: Path, data: dict[str, Any] | None = None) -> Path:
    """An annotation file in YAML (the test annotation by default), and the test actors.yaml
    in its dataset folder."""
    write_yaml(dataset_dir(path) / ACTORS_FILE, actors_data())
    return write_yaml(path, annotation_data() if data is None else data)


def document() -> Document:
    """The index entry of the test document."""
    return Document.model_validate(
        {
            "doc_id": DOC_ID,
            "file": "test.txt",
            "sha256": SHA,
            "title": "Test document",
            "publisher": "Test",
            "url": "https://example.org/test",
            "published_date": "2023-12-12",
            "published_date_basis": "byline",
            "language": "en",
        }
    )


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "|".join(str(v) for v in value)
    return str(value)


def write_tables(folder: Path, data: dict[str, Any] | None = None) -> dict[str, Path]:
    """The five tables of an annotation (and the test actors) as CSV files in `folder`."""
    rows = rows_from_annotation(AnnotationFile.model_validate(data or annotation_data()))
    rows["actors"] = actor_rows(ActorRegistry.model_validate(actors_data()))
    rows["documents"] = [document_row(document(), TEXT)]
    return write_rows(folder, rows)


def write_seed_tables(folder: Path, data: dict[str, Any]) -> dict[str, Path]:
    """The five tables of an annotation of the seed document as CSV files in `folder`."""
    rows = rows_from_annotation(AnnotationFile.model_validate(data))
    seed = read_seeds(ROOT / "seeds")[data["doc_id"]]
    rows["documents"] = [document_row(seed.document, seed.text)]
    return write_rows(folder, rows)


def write_rows(folder: Path, rows: dict[str, list[dict[str, Any]]]) -> dict[str, Path]:
    """Rows of the package's tables as CSV files in `folder`, one per table."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, table_rows in rows.items():
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(TABLES[name].columns)
        for row in table_rows:
            writer.writerow([_cell(row[c]) for c in TABLES[name].columns])
        paths[name] = folder / f"{name}.csv"
        paths[name].write_text(buffer.getvalue(), encoding="utf-8")
    return paths


def write_seeds(folder: Path) -> Path:
    """A seeds folder holding the test document."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "test.txt").write_text(TEXT, encoding="utf-8")
    (folder / "index.json").write_text(
        json.dumps([document().model_dump(mode="json")]), encoding="utf-8"
    )
    return folder


def write_yaml(path: Path, data: dict[str, Any]) -> Path:
    """An annotation file in YAML."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    # escaped, not raw: ruamel writes a raw U+0085 as a line break that reads back as a space
    yaml.allow_unicode = False
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def set_cell(path: Path, row: int, column: str, value: str) -> None:
    """Change one cell; rows count as a spreadsheet shows them (the header is row 1)."""
    rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
    rows[row - 1][rows[0].index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


# --- a small annotation of the real seed, built into a data package -----------------------------

# A small annotation of the real seed with values that exercise the CSV rules: cells starting
# with = + - @ and ', a | and a \ inside a text cell, lists, nulls and two events out of order.
SAMPLE = """\
schema_version: 2.0.0
doc_id: rudaw-20231212
sha256: 8061bb6b81f8361d197205bd9ebde940c748972e96c4f8b334b20a6d12ac07e6
annotated: 2024-01-15
annotators: [Test Annotator, "=Second, Annotator"]
events:
  - event_id: rudaw-20231212-e02
    event_type: statement
    event_subtype: condemnation
    summary: "+The US State Department calls the attacks unacceptable."
    date: {start: 2023-12-11, end: 2023-12-11, precision: day, basis: relative_to_publication}
    participants:
      - {actor_id: usa-government, role: speaker}
      - {actor_id: iran-aligned-militias, role: subject}
    evidence:
      - {field: statement, start: 203, end: 238, quote: "are “unacceptable” and need to stop"}
      - {field: event, start: 203, end: 238, quote: "are “unacceptable” and need to stop"}
      - {field: date, start: 275, end: 284, quote: on Monday}
      - {field: speaker, start: 301, end: 311, quote: Washington}
      - {field: subject, start: 121, end: 140, quote: Iran-aligned groups}
  - event_id: rudaw-20231212-e01
    event_type: remote_violence
    event_subtype: rocket_attack
    summary: "=SUM(A1) rockets hit the US embassy in Baghdad."
    date: {start: 2023-12-08, end: 2023-12-08, precision: day, basis: relative_to_publication, time_of_day: early hours}
    location:
      name: US Embassy, Baghdad
      country_iso3: IRQ
      admin1_code: IQ-BG
      latitude: 33.2983
      longitude: 44.3956
      geo_precision: site
      gazetteer: none
      note: The embassy's coordinates; it has no verified gazetteer id.
    participants:
      - {actor_id: iran-aligned-militias, role: initiator}
      - {actor_id: usa-embassy-baghdad, role: target}
    attribution: {status: alleged, attributed_by: [usa-government]}
    weapons: [rocket]
    fatalities: {best: 0}
    injuries: {best: 0, low: 0, high: 0}
    evidence:
      - {field: weapons, start: 394, end: 401, quote: rockets}
      - {field: location, start: 415, end: 436, quote: US embassy in Baghdad}
      - {field: fatalities, start: 687, end: 731, quote: The attacks did not result in any casualties}
      - {field: initiator, start: 94, end: 117, quote: "- The continued attacks"}
      - {field: event, start: 8, end: 27, quote: Iran-backed attacks}
      - {field: date, start: 437, end: 465, quote: in the early hours of Friday}
      - {field: time_of_day, start: 444, end: 455, quote: early hours}
      - {field: target, start: 411, end: 436, quote: the US embassy in Baghdad}
      - {field: attribution, start: 96, end: 140, quote: The continued attacks by Iran-aligned groups}
      - {field: injuries, start: 687, end: 731, quote: The attacks did not result in any casualties}
"""


# The sample's dataset files: its actors, and the statement's link to the attack.
SAMPLE_ACTORS = """\
schema_version: 2.0.0
actors:
  - actor_id: iran-aligned-militias
    name: "-Iran-aligned militias"
    actor_type: non_state_armed_group
  - actor_id: usa-embassy-baghdad
    name: "@US Embassy | Baghdad \\\\ compound"
    actor_type: government_body
    country_iso3: USA
    parent_actor_id: usa-government
  - actor_id: usa-government
    name: "'=United States government"
    actor_type: government
    country_iso3: USA
"""
SAMPLE_LINKS = """\
schema_version: 2.0.0
links:
  - {relation: about, source: rudaw-20231212-e02, target: rudaw-20231212-e01, note: "=the attack"}
"""


def write_sample(folder: Path, text: str = SAMPLE, name: str = "rudaw-20231212.yaml") -> Path:
    """Write an annotation file into folder (created), and the sample's actors.yaml and
    links.yaml into its dataset folder; return the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    dataset = dataset_dir(folder / name)
    (dataset / ACTORS_FILE).write_text(SAMPLE_ACTORS, encoding="utf-8")
    (dataset / LINKS_FILE).write_text(SAMPLE_LINKS, encoding="utf-8")
    return folder


def build_sample(tmp: Path) -> Path:
    """Build the sample annotation into tmp/package (registry tmp/registry.sha256)."""
    annotations = write_sample(tmp / "annotations")
    out = tmp / "package"
    build(annotations, ROOT / "seeds", out, tmp / "registry.sha256")
    return out


def cli(
    *args: str, cwd: Path = ROOT, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `grounded-events` in a fresh process (with extra environment variables)."""
    return subprocess.run(
        [PYTHON, "-m", "grounded_events.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
    )


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under folder by relative path."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


# --- the report sample: nested, crossing and shared spans over the real seed ------------------

HOSTILE = "Tagged “since October 17” </script><script>window.pwned = 1</script> <b>bold</b> & co"


def _evidence(text: str, field: str, quote: str, after: int = 0) -> dict[str, Any]:
    start = text.index(quote, after)
    return {"field": field, "start": start, "end": start + len(quote), "quote": quote}


def sample_annotation(text: str, sha256: str) -> dict[str, Any]:
    """A small annotation over the real seed text: nested, crossing and shared spans."""
    return {
        "schema_version": SCHEMA_VERSION,
        "doc_id": SEED_DOC_ID,
        "sha256": sha256,
        "annotated": "2026-11-25",
        "annotators": ["viewer tests"],
        "events": [
            {
                "event_id": f"{SEED_DOC_ID}-e01",
                "event_type": "remote_violence",
                "event_subtype": "rocket_attack",
                "summary": "Rockets target the US embassy in Baghdad early on Friday.",
                "date": {
                    "start": "2023-12-08",
                    "end": "2023-12-08",
                    "precision": "day",
                    "basis": "relative_to_publication",
                    "time_of_day": "early hours",
                },
                "location": {
                    "name": "US Embassy, Baghdad",
                    "country_iso3": "IRQ",
                    "latitude": 33.2985,
                    "longitude": 44.3955,
                    "geo_precision": "site",
                    "note": "The embassy's coordinates; no verified gazetteer id.",
                },
                "participants": [
                    {"actor_id": "iran-aligned-militias", "role": "initiator"},
                    {"actor_id": "usa-embassy-baghdad", "role": "target"},
                ],
                "attribution": {"status": "alleged", "attributed_by": ["usa-state-department"]},
                "weapons": ["rocket"],
                "fatalities": {"best": 0, "low": 0, "high": 0},
                "evidence": [
                    _evidence(
                        text,
                        "event",
                        "A spate of rockets targeted the US embassy in Baghdad in "
                        "the early hours of Friday",
                    ),
                    _evidence(text, "location", "the US embassy in Baghdad"),  # nested in event
                    _evidence(text, "target", "targeted the US embassy"),  # crosses the next one
                    _evidence(text, "weapons", "A spate of rockets targeted"),
                    _evidence(text, "time_of_day", "early hours"),
                    _evidence(text, "fatalities", "The attacks did not result in any casualties"),
                    _evidence(text, "date", "in the early hours of Friday"),
                    _evidence(text, "initiator", "Iran-aligned groups"),
                    _evidence(text, "attribution", "The continued attacks by Iran-aligned groups"),
                ],
            },
            {
                "event_id": f"{SEED_DOC_ID}-e02",
                "event_type": "remote_violence",
                "event_subtype": "drone_strike",
                "summary": "A drone hits a residential building in Erbil.",
                "date": {
                    "start": "2023-12-08",
                    "end": "2023-12-08",
                    "precision": "day",
                    "basis": "relative_to_publication",
                },
                "location": {
                    "name": "Erbil",
                    "country_iso3": "IRQ",
                    "latitude": 36.19,
                    "longitude": 44.01,
                    "geo_precision": "place",
                    "note": "The city's centre, rounded; no gazetteer id.",
                },
                "attribution": {"status": "unattributed"},
                "weapons": ["drone"],
                "fatalities": {"best": 0, "low": 0, "high": 0},
                "evidence": [
                    _evidence(
                        text, "event", "one hitting a residential building under-construction"
                    ),
                    _evidence(text, "location", "the city of Erbil"),
                    _evidence(text, "fatalities", "The attacks did not result in any casualties"),
                    _evidence(text, "date", "Later in the day"),
                    _evidence(text, "weapons", "a series of drones"),
                ],
            },
            {
                "event_id": f"{SEED_DOC_ID}-e03",
                "event_type": "remote_violence",
                "event_subtype": "mixed_remote_attacks",
                "is_aggregate": True,
                "summary": HOSTILE,
                "date": {
                    "start": "2023-10-17",
                    "end": "2023-12-12",
                    "precision": "range",
                    "basis": "relative_to_publication",
                },
                "location": {
                    "name": "Iraq and Syria",
                    "geo_precision": "multi_country",
                    "note": "Two countries: no country code, no point.",
                },
                "participants": [{"actor_id": "iran-aligned-militias", "role": "initiator"}],
                "attribution": {"status": "alleged", "attributed_by": ["usa-state-department"]},
                "weapons": ["rocket", "drone", "missile"],
                "evidence": [
                    _evidence(
                        text,
                        "event",
                        "US personnel in Iraq and Syria have come under a series "
                        "of rocket, drone, and missile attacks since October 17",
                    ),
                    _evidence(text, "date", "since October 17"),
                    _evidence(text, "aggregate", "a series of rocket, drone, and missile attacks"),
                    _evidence(text, "location", "Iraq and Syria"),
                    _evidence(text, "weapons", "rocket, drone, and missile"),
                    _evidence(text, "initiator", "Iran-backed militia groups"),
                    _evidence(text, "attribution", "The continued attacks by Iran-aligned groups"),
                ],
            },
            {
                "event_id": f"{SEED_DOC_ID}-e04",
                "event_type": "statement",
                "event_subtype": "condemnation",
                "summary": "The State Department calls the attacks unacceptable.",
                "date": {
                    "start": "2023-12-11",
                    "end": "2023-12-11",
                    "precision": "day",
                    "basis": "relative_to_publication",
                },
                "participants": [{"actor_id": "usa-state-department", "role": "speaker"}],
                "evidence": [
                    _evidence(text, "statement", "“unacceptable” and need to stop"),
                    _evidence(text, "speaker", "the US State Department"),
                    _evidence(text, "date", "on Monday"),
                    # a later report of the condemnation, so that the ids follow the text
                    _evidence(text, "event", "Washington has repeatedly condemned the strikes"),
                ],
            },
            {
                "event_id": f"{SEED_DOC_ID}-e05",
                "event_type": "strategic_development",
                "event_subtype": "other_development",
                "summary": "ISIS is declared territorially defeated.",
                "date": {
                    "start": "2019-01-01",
                    "end": "2019-12-31",
                    "precision": "year",
                    "basis": "explicit",
                },
                "location": {
                    "name": "Iraq and Syria",
                    "geo_precision": "multi_country",
                    "note": "Two countries: no country code, no point.",
                },
                "evidence": [
                    _evidence(text, "event", "was declared territorially defeated in 2019"),
                    _evidence(text, "date", "2019"),
                    _evidence(text, "location", "Iraq and Syria", after=2000),
                ],
            },
        ],
    }


def sample_actors() -> dict[str, Any]:
    """The actors.yaml of the report sample, as plain data."""
    return {
        "schema_version": SCHEMA_VERSION,
        "actors": [
            {
                "actor_id": "iran-aligned-militias",
                "name": "Iran-aligned militias",
                "actor_type": "non_state_armed_group",
                "country_iso3": "IRQ",
            },
            {
                "actor_id": "usa-embassy-baghdad",
                "name": "US Embassy in Baghdad",
                "actor_type": "government_body",
                "country_iso3": "USA",
            },
            {
                "actor_id": "usa-state-department",
                "name": "US Department of State",
                "actor_type": "government_body",
                "country_iso3": "USA",
            },
        ],
    }


def make_inputs(base: Path, root: Path, annotation: dict[str, Any] | None = None) -> Path:
    """Copy the seeds and write one annotation file (JSON is YAML) under base/annotations, and
    the sample's actors.yaml in base; return base."""
    write_yaml(base / ACTORS_FILE, sample_actors())
    shutil.copytree(root / "seeds", base / "seeds")
    seed = read_seeds(base / "seeds")[SEED_DOC_ID]
    data = annotation or sample_annotation(seed.text, seed.document.sha256)
    (base / "annotations").mkdir()
    (base / "annotations" / f"{SEED_DOC_ID}.yaml").write_text(
        json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return base


# --- text for CSV cells --------------------------------------------------------------------------

# Every character Python's str.splitlines ends a line at (so a reader that splits first breaks
# there), found from Python itself rather than listed by hand.
LINE_BREAKS = [chr(c) for c in range(sys.maxunicode + 1) if len(f"a{chr(c)}b".splitlines()) > 1]
# What readers treat specially besides: NUL, both quotes, the delimiter and the delimiters a
# sniffer may pick instead, the formula triggers, the list separator and its escape, comment
# signs, spaces and a byte-order mark.
SPECIAL = "".join(LINE_BREAKS) + "\x00\"',;|\\=+-@\t #\ufeff"
# Text made of those characters and runs of arbitrary Unicode (drawn per character from both,
# the special ones would be rare).
TEXTS = (
    st.lists(
        st.sampled_from(SPECIAL) | st.text(st.characters(codec="utf-8"), max_size=4), max_size=8
    )
    .map("".join)
    .filter(bool)
)


# --- a guard against calls that hang -------------------------------------------------------


def within(seconds: float, call: Callable[[], Any]) -> Any:
    """call() in a daemon thread; fail (instead of hanging the suite) if it blocks."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = call()
        except BaseException as exc:  # handed to the test thread
            box["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"blocked for more than {seconds} s"
    if "error" in box:
        raise box["error"]
    return box.get("value")


# --- the seed's annotation, broken one guideline at a time -----------------------------------

SEED_ANNOTATION = ROOT / "datasets" / "annotations" / "rudaw-20231212.yaml"


def seed_data() -> dict[str, Any]:
    """The committed annotation of the seed document, as plain data."""
    data: dict[str, Any] = loads(SEED_ANNOTATION.read_text(encoding="utf-8")).data
    return data


def seed_event(data: dict[str, Any], n: int) -> dict[str, Any]:
    """Event eNN of the seed's annotation data."""
    event: dict[str, Any] = data["events"][n - 1]
    assert event["event_id"] == f"rudaw-20231212-e{n:02d}"
    return event


def _drop_spans(n: int, field: str) -> Callable[[dict[str, Any]], None]:
    def edit(data: dict[str, Any]) -> None:
        event = seed_event(data, n)
        event["evidence"] = [e for e in event["evidence"] if e["field"] != field]

    return edit


def _set(n: int, *path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def edit(data: dict[str, Any]) -> None:
        target = seed_event(data, n)
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return edit


def _del(n: int, *path: str) -> Callable[[dict[str, Any]], None]:
    def edit(data: dict[str, Any]) -> None:
        target = seed_event(data, n)
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return edit


def _both(*edits: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    def edit(data: dict[str, Any]) -> None:
        for e in edits:
            e(data)

    return edit


def _swap_ids(data: dict[str, Any]) -> None:
    first, second = seed_event(data, 1), seed_event(data, 2)
    first["event_id"], second["event_id"] = second["event_id"], first["event_id"]


def _stray_location_span(data: dict[str, Any]) -> None:
    e01 = seed_event(data, 1)
    e01["evidence"].append(dict(seed_event(data, 3)["evidence"][4], field="location"))


# (the ANNOTATING.md rule, the edit of the seed's annotation that breaks it, the codes it gives)
BROKEN: list[tuple[str, Callable[[dict[str, Any]], None], set[str]]] = [
    ("every event has an event span", _drop_spans(1, "event"), {"GE510"}),
    ("coded means have evidence", _drop_spans(3, "weapons"), {"GE510"}),
    ("a date has its span", _drop_spans(14, "date"), {"GE510"}),
    ("every role has its span", _drop_spans(2, "addressee"), {"GE510"}),
    ("no span for a value not coded", _stray_location_span, {"GE511"}),
    ("time_of_day is verbatim", _set(3, "date", "time_of_day", value="morning"), {"GE512"}),
    ("a Friday falls on a Friday", _both(_set(3, "date", "start", value="2023-12-07"), _set(3, "date", "end", value="2023-12-07")), {"GE513"}),
    ("'since October 17' starts on October 17", _set(7, "date", "start", value="2023-10-18"), {"GE513"}),
    ("'in 2019' is the year 2019", _both(_set(14, "date", "start", value="2018-01-01"), _set(14, "date", "end", value="2018-12-31")), {"GE513"}),
    ("relative dates end by publication", _set(11, "date", "end", value="2023-12-13"), {"GE402", "GE513"}),
    ("day precision is one day", _set(1, "date", "precision", value="range"), {"GE402"}),
    ("an aggregate's range is longer than a week", _set(7, "date", "precision", value="day"), {"GE402"}),
    ("actors are declared", _set(3, "participants", value=[{"actor_id": "nobody", "role": "target"}, {"actor_id": "iran-aligned-militias", "role": "initiator"}]), {"GE602"}),
    ("event ids follow the text", _swap_ids, {"GE605"}),
    ("event ids are unique", _set(2, "event_id", value="rudaw-20231212-e01"), {"GE601"}),
    ("several countries have no country", _set(7, "location", "country_iso3", value="IRQ"), {"GE410"}),
    ("one country is coded", _del(3, "location", "country_iso3"), {"GE410"}),
    ("admin1 lies in the country", _set(3, "location", "admin1_code", value="SY-DI"), {"GE405"}),
    ("sites have coordinates", _both(_del(3, "location", "latitude"), _del(3, "location", "longitude")), {"GE411"}),
    ("a gazetteer has its id", _del(4, "location", "gazetteer_id"), {"GE412"}),
    ("a location says which gazetteer", _del(3, "location", "note"), {"GE416"}),
    ("an external date says its source", _both(_set(14, "date", "basis", value="external"), _del(14, "date", "note")), {"GE416"}),
    ("statements carry no weapons", _set(1, "weapons", value=["rocket"]), {"GE413"}),
    ("statements carry no outcomes", _set(1, "fatalities", value={"best": 0}), {"GE413"}),
    ("violence carries an attribution", _both(_del(3, "attribution"), _drop_spans(3, "attribution")), {"GE414"}),
    ("alleged names who alleges it", _set(3, "attribution", "attributed_by", value=[]), {"GE407"}),
    ("an attribution names the initiator", _both(_set(3, "participants", value=[{"actor_id": "usa-embassy-baghdad", "role": "target"}]), _drop_spans(3, "initiator")), {"GE415"}),
    ("attributor is not written by hand", _set(3, "participants", value=[{"actor_id": "iran-aligned-militias", "role": "initiator"}, {"actor_id": "usa-embassy-baghdad", "role": "target"}, {"actor_id": "usa-state-department", "role": "attributor"}]), {"GE417"}),
]  # fmt: skip


# --- installing the checkout into a fresh venv, without an index (the Action and pre-commit) ---


def _pins(roots: list[str]) -> list[str]:
    """name==version of `roots` and everything they need (extras followed), at the versions
    this environment has: the lock's."""
    pins: dict[str, str] = {}
    todo = [(Requirement(text).name, frozenset(Requirement(text).extras)) for text in roots]
    seen: set[tuple[str, frozenset[str]]] = set()
    while todo:
        name, extras = todo.pop()
        if (name.lower(), extras) in seen:
            continue
        seen.add((name.lower(), extras))
        dist = metadata.distribution(name)
        pins[dist.metadata["Name"].lower()] = dist.version
        for text in dist.requires or []:
            req = Requirement(text)
            if req.marker and not any(req.marker.evaluate({"extra": e}) for e in extras or {""}):
                continue
            todo.append((req.name, frozenset(req.extras)))
    return sorted(f"{name}=={version}" for name, version in pins.items())


def made_once(
    tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], None]
) -> Path:
    """The folder `name`, filled by `make` once per test run and shared by the xdist workers:
    the first makes it while the others wait on a lock."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the run's folder, shared by its workers
    folder = base / name
    with (base / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / ".made").exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            make(folder)
            (folder / ".made").touch()
    return folder


def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of wheels of the checkout's run-time dependencies and build backend, at this
    environment's versions, so that `pip install CHECKOUT` runs with no index (PIP_NO_INDEX)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    pins = _pins(project["project"]["dependencies"] + project["build-system"]["requires"])

    def make(folder: Path) -> None:
        pip = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", folder]
        subprocess.run([*pip, *pins], check=True, capture_output=True)

    digest = hashlib.sha256("\n".join(pins).encode()).hexdigest()[:12]
    return made_once(tmp_path_factory, f"wheelhouse-{digest}", make)


def clean_env(*bin_dirs: Path) -> dict[str, str]:
    """This process's environment without its virtualenv: `bin_dirs` first on PATH."""
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    here = str(Path(sys.executable).parent)
    path = [p for p in env.get("PATH", "").split(os.pathsep) if p and p != here]
    env["PATH"] = os.pathsep.join([*map(str, bin_dirs), *path])
    return env


def docs_block(page: str, holding: str) -> str:
    """The one fenced block of docs/`page` whose text holds `holding`."""
    text = (ROOT / "docs" / page).read_text(encoding="utf-8")
    (block,) = [b for b in re.findall(r"^```\w*\n(.*?)^```", text, re.S | re.M) if holding in b]
    return block


@contextlib.contextmanager
def served_release(folder: Path) -> Iterator[str]:
    """The committed package copied into `folder` and served on 127.0.0.1 as release
    {base}/v{version}/{file} (the layout `download` reads); yields base."""
    from grounded_events import __version__

    shutil.copytree(ROOT / "datasets" / "grounded-events", folder / f"v{__version__}")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def write_seed_annotation(path: Path, data: dict[str, Any]) -> Path:
    """An annotation of the seed document in YAML, and the dataset's actors.yaml in its dataset
    folder (not its links.yaml: the tests judge the one file)."""
    shutil.copyfile(ROOT / "datasets" / ACTORS_FILE, dataset_dir(path) / ACTORS_FILE)
    return write_yaml(path, data)
