"""The hand annotations: valid, grounded in their pinned documents, and coded by ANNOTATING.md."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from grounded_events._core.safe_yaml import loads
from grounded_events._core.version import SCHEMA_VERSION
from grounded_events._package.build import build
from grounded_events._package.inputs import InvalidInputs, event_record
from grounded_events._schema.models import AnnotationFile, Event
from grounded_events._schema.tables import TABLES, rows_from_annotation
from grounded_events._sources.seeds import Seed, read_seeds
from grounded_events._validation import validate
from grounded_events._validation.codes import CODES
from grounded_events._validation.guidelines import resolve_date
from grounded_events.cli import main
from helpers import (
    BROKEN,
    ROOT,
    actors_data,
    annotation_data,
    seed_data,
    seed_event,
    write_seed_annotation,
    write_seeds,
    write_yaml,
)

ANNOTATIONS = sorted((ROOT / "datasets" / "annotations").glob("*.yaml"))


@pytest.fixture(scope="module")
def seeds() -> dict[str, Seed]:
    """Every seed document with its sha256-checked text."""
    return read_seeds(ROOT / "seeds")


def _load(path: Path) -> AnnotationFile:
    return AnnotationFile.model_validate(loads(path.read_text(encoding="utf-8")).data)


def test_there_are_annotations() -> None:
    """The seed article is annotated, so every other test here has something to check."""
    assert ROOT / "datasets" / "annotations" / "rudaw-20231212.yaml" in ANNOTATIONS


@pytest.fixture(params=ANNOTATIONS, ids=lambda p: p.stem)
def path(request: pytest.FixtureRequest) -> Path:
    """One annotation file."""
    return request.param


def test_validates_against_annotation_file(path: Path) -> None:
    """Each file is a valid AnnotationFile (its name and first line are the validator's rules
    GE606 and GE607: tests/test_layout.py)."""
    _load(path)


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


def test_committed_annotations_follow_every_guideline() -> None:
    """`validate` (which `build` runs) finds no error in the committed annotations: every rule of
    ANNOTATING.md that a validator code enforces holds for them."""
    report = validate(ROOT / "datasets" / "annotations", seeds=ROOT / "seeds")
    assert [str(e) for e in report.errors] == []


@pytest.mark.parametrize("case", BROKEN, ids=[c[0] for c in BROKEN])
def test_a_broken_guideline_is_its_code(
    case: tuple[str, Callable[[dict[str, Any]], None], set[str]], tmp_path: Path
) -> None:
    """Each rule the committed files follow is a validator rule: breaking it in the seed's
    annotation gives exactly its code (and no error that only follows from it)."""
    _, edit, codes = case
    data = seed_data()
    edit(data)
    path = write_seed_annotation(tmp_path / "rudaw-20231212.yaml", data)
    report = validate(path, seeds=ROOT / "seeds")
    assert {e.code for e in report.errors} == codes, [str(e) for e in report.errors]


def test_one_verdict_on_a_link_whichever_file_is_validated(tmp_path: Path) -> None:
    """A link across documents gets the same issue whether links.yaml, one annotation file or
    the whole dataset folder is validated, and `build` refuses it for the same reason."""
    seeds = write_seeds(tmp_path / "seeds")
    index = json.loads((seeds / "index.json").read_text(encoding="utf-8"))
    for entry in json.loads((ROOT / "seeds" / "index.json").read_text(encoding="utf-8")):
        index.append(entry)
        (seeds / entry["file"]).write_bytes((ROOT / "seeds" / entry["file"]).read_bytes())
    (seeds / "index.json").write_text(json.dumps(index), encoding="utf-8")
    annotations = tmp_path / "datasets" / "annotations"
    annotations.mkdir(parents=True)
    other = annotation_data()
    registry = loads((ROOT / "datasets" / "actors.yaml").read_text(encoding="utf-8")).data
    known = {a["actor_id"] for a in registry["actors"]}
    registry["actors"] += [a for a in actors_data()["actors"] if a["actor_id"] not in known]
    write_yaml(tmp_path / "datasets" / "actors.yaml", registry)
    write_yaml(annotations / "test-20231212.yaml", other)
    write_yaml(annotations / "rudaw-20231212.yaml", seed_data())
    # the test document's rocket attack is not a part of the seed's Friday drone strike
    links = {
        "schema_version": "2.0.0",
        "links": [
            {
                "relation": "part_of",
                "source": other["events"][0]["event_id"],
                "target": "rudaw-20231212-e04",
                "note": "not an aggregate",
            }
        ],
    }
    write_yaml(tmp_path / "datasets" / "links.yaml", links)
    wanted = [("GE609", "links[0].target")]
    for paths in (
        [tmp_path / "datasets" / "links.yaml"],
        [annotations / "test-20231212.yaml"],
        [annotations / "rudaw-20231212.yaml"],
        [tmp_path / "datasets"],
    ):
        report = validate(paths, seeds=seeds)
        assert [(e.code, e.field) for e in report.errors if e.code != "GE607"] == wanted, paths
    with pytest.raises(InvalidInputs) as refused:
        build(annotations, seeds, tmp_path / "out", tmp_path / "registry.sha256")
    errors = refused.value.report.errors
    assert [(e.code, e.field) for e in errors if e.code != "GE607"] == wanted


def test_structure_and_grounding_errors_in_one_run(tmp_path: Path) -> None:
    """An event with a structure error still has its quotes checked: both are reported at once."""
    data = seed_data()
    event = seed_event(data, 3)
    event["weapons"] = ["bombs"]  # not a weapon of the vocabulary: the event is not well-formed
    event["evidence"][0]["quote"] = "A spate of drones"  # and its first quote is wrong
    path = write_seed_annotation(tmp_path / "rudaw-20231212.yaml", data)
    report = validate(path, seeds=ROOT / "seeds")
    assert {(e.code, e.field) for e in report.errors} == {
        ("GE301", "events[2].weapons[0]"),
        ("GE501", "events[2].evidence[0].quote"),
    }


def test_dates_resolve_as_the_guidelines_say() -> None:
    """Weekdays, 'since Month D' and 'in YYYY' resolve against the publication date as
    ANNOTATING.md section 5 says (the resolution GE513 checks)."""
    published = dt.date(2023, 12, 12)  # a Tuesday
    assert resolve_date("on Monday", published) == (dt.date(2023, 12, 11),) * 2
    assert resolve_date("early on Tuesday", published) == (published, published)
    assert resolve_date("since October 17", published) == (dt.date(2023, 10, 17), published)
    jan = dt.date(2024, 1, 5)
    assert resolve_date("since December 20", jan) == (dt.date(2023, 12, 20), jan)
    assert resolve_date("in 2019", published) == (dt.date(2019, 1, 1), dt.date(2019, 12, 31))
    assert resolve_date("Later in the day", published) is None
    # a weekday that anchors a relative phrase is not the event's day: not checked as one
    assert resolve_date("two days after Friday's strike", published) is None
    assert resolve_date("the day before Monday's talks", published) is None


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
    schema = json.loads((ROOT / "schema" / SCHEMA_VERSION / name).read_text(encoding="utf-8"))
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
