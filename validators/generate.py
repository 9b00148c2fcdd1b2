"""Regenerate the conformance cases: `.venv/bin/python validators/generate.py` (same bytes every run)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from grounded_events._core.version import SCHEMA_VERSION
from grounded_events._sources.layout import schema_line

HERE = Path(__file__).resolve().parent

# The conformance suite's own source document: short, so offsets are easy to check by eye.
TEXT = (
    "ERBIL, Kurdistan Region - Rockets hit the US embassy in Baghdad early on Friday, the US "
    "State Department said on Monday. No one was killed. The State Department condemned the "
    "attack. Unidentified attackers fired them. Two rockets caused minor damage, an Iraqi "
    "security official said. No group has claimed responsibility.\n"
)
DOC_ID = "conformance-20231212"
SHA = hashlib.sha256(TEXT.encode("utf-8")).hexdigest()
SEED_FILE = "conformance.txt"
# A second report of the same attack, datelined elsewhere (same length, so the same offsets):
# links across documents need two documents.
TEXT_2 = TEXT.replace("ERBIL", "DUHOK", 1)
DOC_ID_2 = "second-20231212"
SHA_2 = hashlib.sha256(TEXT_2.encode("utf-8")).hexdigest()
SEED_FILE_2 = "second.txt"


def span(quote: str, **extra: Any) -> dict[str, Any]:
    start = TEXT.index(quote)
    return {"start": start, "end": start + len(quote), "quote": quote, **extra}


def base_actors() -> dict[str, Any]:
    """The actors.yaml of every annotation case: the dataset's actors, declared once."""
    return {
        "schema_version": SCHEMA_VERSION,
        "actors": [
            {
                "actor_id": "usa-government",
                "name": "United States government",
                "actor_type": "government",
                "country_iso3": "USA",
            },
            {
                "actor_id": "usa-state-department",
                "name": "US Department of State",
                "variants": ["State Department"],
                "actor_type": "government_body",
                "country_iso3": "USA",
                "parent_actor_id": "usa-government",
            },
            {
                "actor_id": "usa-embassy-baghdad",
                "name": "US Embassy in Baghdad",
                "actor_type": "government_body",
                "country_iso3": "USA",
                "parent_actor_id": "usa-state-department",
            },
            {
                "actor_id": "unidentified-attackers",
                "name": "Unidentified attackers",
                "actor_type": "unidentified",
            },
        ],
    }


def link(relation: str, source: int, target: int, doc_id: str = DOC_ID) -> dict[str, Any]:
    """A link from event e0<source> to event e0<target> of `doc_id`, with a note."""
    return {
        "relation": relation,
        "source": f"{doc_id}-e0{source}",
        "target": f"{doc_id}-e0{target}",
        "note": f"e0{source} {relation} e0{target}.",
    }


def base_links() -> dict[str, Any]:
    """The links.yaml of the cases about links: the condemnation is about the attack."""
    return {
        "schema_version": SCHEMA_VERSION,
        "links": [
            {
                **link("about", 2, 1),
                "note": "The State Department condemns the rocket attack.",
                "evidence": [{"doc_id": DOC_ID, **span("condemned the attack")}],
            }
        ],
    }


def base_annotation() -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "doc_id": DOC_ID,
        "sha256": SHA,
        "annotated": "2024-01-15",
        "annotators": ["conformance"],
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
                    "time_of_day": "early",
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
                    {"actor_id": "unidentified-attackers", "role": "initiator"},
                    {"actor_id": "usa-embassy-baghdad", "role": "target"},
                ],
                "attribution": {"status": "unattributed"},
                "claim": {"status": "no_claim_yet"},
                "weapons": ["rocket"],
                "munitions": {"best": 2},
                "damage": "minor",
                "fatalities": {"best": 0},
                "evidence": [
                    {
                        "field": "event",
                        **span(
                            "Rockets hit the US embassy in Baghdad",
                            according_to="the US State Department",
                            hedge="reported",
                        ),
                    },
                    {"field": "date", **span("early on Friday")},
                    {"field": "time_of_day", **span("early")},
                    {"field": "location", **span("the US embassy in Baghdad")},
                    {"field": "weapons", **span("Rockets")},
                    {"field": "target", **span("the US embassy")},
                    {"field": "initiator", **span("Unidentified attackers")},
                    {"field": "fatalities", **span("No one was killed")},
                    {"field": "munitions", **span("Two rockets")},
                    {
                        "field": "damage",
                        **span(
                            "minor damage",
                            according_to="an Iraqi security official",
                            hedge="reported",
                        ),
                    },
                    {"field": "claim", **span("No group has claimed responsibility")},
                ],
            },
            {
                "event_id": f"{DOC_ID}-e02",
                "event_type": "statement",
                "event_subtype": "condemnation",
                "summary": "The US State Department condemned the attack.",
                "date": {
                    "start": "2023-12-11",
                    "end": "2023-12-11",
                    "precision": "day",
                    "basis": "relative_to_publication",
                },
                "participants": [{"actor_id": "usa-state-department", "role": "speaker"}],
                "evidence": [
                    {"field": "event", **span("The State Department condemned the attack")},
                    {"field": "date", **span("on Monday")},
                    {"field": "speaker", **span("The State Department")},
                    {"field": "statement", **span("condemned the attack")},
                ],
            },
        ],
    }


def second_annotation() -> dict[str, Any]:
    """The second document's annotation: the same events under its own doc_id."""
    data = base_annotation()
    text = json.dumps(data).replace(DOC_ID, DOC_ID_2).replace(SHA, SHA_2)
    return dict(json.loads(text))


def document(doc_id: str = DOC_ID) -> dict[str, Any]:
    first = doc_id == DOC_ID
    return {
        "doc_id": doc_id,
        "file": SEED_FILE if first else SEED_FILE_2,
        "sha256": SHA if first else SHA_2,
        "title": "Conformance document" if first else "Second conformance document",
        "publisher": "grounded-events",
        "url": f"https://example.org/{doc_id}",
        "published_date": "2023-12-12",
        "published_date_basis": "byline",
        "dateline": "Erbil" if first else "Duhok",
        "language": "en",
    }


def seeds_index() -> str:
    return json.dumps([document(), document(DOC_ID_2)], indent=2) + "\n"


def yaml_text(data: Any) -> str:
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    return buffer.getvalue()


def tables(annotation: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The package's tables of the annotation, the suite's actors and links, and its document."""
    from grounded_events._schema.models import ActorRegistry, AnnotationFile, Document, LinkFile
    from grounded_events._schema.tables import (
        actor_rows,
        document_row,
        link_rows,
        rows_from_annotation,
    )

    out = rows_from_annotation(AnnotationFile.model_validate(annotation))
    out["actors"] = actor_rows(ActorRegistry.model_validate(base_actors()))
    out["links"] = link_rows(LinkFile.model_validate(base_links()))
    out["documents"] = [document_row(Document.model_validate(document()), TEXT)]
    return out


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "|".join(str(v) for v in value)
    return str(value)


def csv_text(name: str, rows: list[dict[str, Any]], columns: list[str] | None = None) -> str:
    from grounded_events._schema.tables import TABLES

    columns = columns or list(TABLES[name].columns)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(row.get(c)) for c in columns])
    return buffer.getvalue()


def record_lines(annotation: dict[str, Any]) -> str:
    from grounded_events._schema.models import AnnotationFile
    from grounded_events._schema.vocab import CROSSWALK

    model = AnnotationFile.model_validate(annotation)
    lines = []
    for event in model.events:
        cw = CROSSWALK[event.event_subtype]
        record = event.model_dump(mode="json")
        record["doc_id"] = model.doc_id
        record["crosswalks"] = {
            k: getattr(cw, k)
            for k in (
                "acled_event_type",
                "acled_sub_event_type",
                "plover_event_type",
                "plover_mode",
                "cameo_root",
            )
        }
        lines.append(json.dumps(record, ensure_ascii=False, sort_keys=True))
    return "\n".join(lines) + "\n"


Files = dict[str, str | bytes]


def table_files(
    annotation: dict[str, Any] | None = None, only: tuple[str, ...] | None = None
) -> Files:
    rows = tables(annotation or base_annotation())
    return {f"{n}.csv": csv_text(n, r) for n, r in rows.items() if only is None or n in only}


def table_csv(name: str) -> str:
    """One table of the base annotation as CSV text."""
    return csv_text(name, tables(base_annotation())[name])


def _separated(delimiter: str) -> str:
    """The events table written with another separator than the comma."""
    rows = list(csv.reader(io.StringIO(table_csv("events"))))
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def _required_columns_only() -> str:
    """The events table of a statement with only the columns every row has a value in."""
    from grounded_events._schema.versions import schema_dir
    from grounded_events._validation.rules import table_columns

    required = [
        c.name for c in table_columns(schema_dir(None), "events") if c.required and c.kind != "list"
    ]
    rows = [r for r in tables(base_annotation())["events"] if r["event_type"] == "statement"]
    return csv_text("events", rows, required)


def package(files: Files, tamper: Callable[[Files], None] | None = None) -> Files:
    """A datapackage.json over `files`, hashes taken before `tamper` changes them."""
    resources = []
    for name in sorted(files):
        data = files[name]
        raw = data.encode("utf-8") if isinstance(data, str) else data
        resources.append(
            {
                "name": name.split(".")[0],
                "path": name,
                "bytes": len(raw),
                "hash": f"sha256:{hashlib.sha256(raw).hexdigest()}",
            }
        )
    out = dict(files)
    if tamper:
        tamper(out)
    out["datapackage.json"] = (
        json.dumps({"name": "conformance", "resources": resources}, indent=2) + "\n"
    )
    return out


def edit_csv(text: str, row: int, column: str, value: str) -> str:
    """Set one cell; `row` counts as a spreadsheet does (the header is row 1)."""
    rows = list(csv.reader(io.StringIO(text)))
    rows[row - 1][rows[0].index(column)] = value
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


Edit = Callable[[dict[str, Any]], Any]


def ann(
    edit: Edit | None = None,
    *,
    actors: Edit | None = None,
    links: Edit | None = None,
    registry: bool = True,
) -> Files:
    """An annotation case: annotation.yaml after `edit`, the suite's actors.yaml beside it after
    `actors` (none when not `registry`), and, when `links` is given, links.yaml after it."""
    data = base_annotation()
    if edit is not None:
        edit(data)
    files: Files = {"annotation.yaml": yaml_text(data)}
    if registry:
        files["actors.yaml"] = yaml_text(_edited(base_actors(), actors))
    if links is not None:
        files["links.yaml"] = yaml_text(_edited(base_links(), links))
    return files


def _edited(data: dict[str, Any], edit: Edit | None) -> dict[str, Any]:
    if edit is not None:
        edit(data)
    return data


def annotated(files: Files) -> Files:
    """`files` with the suite's actors.yaml beside them: the registry their actors are in."""
    return {**files, "actors.yaml": ACTORS_YAML}


def events_csv(column: str, value: str, row: int = 2) -> Files:
    return {"events.csv": edit_csv(table_csv("events"), row, column, value)}


def _set(path: tuple[Any, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def edit(data: dict[str, Any]) -> None:
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return edit


def _del(path: tuple[Any, ...]) -> Callable[[dict[str, Any]], None]:
    def edit(data: dict[str, Any]) -> None:
        target = data
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return edit


def _both(*edits: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    def edit(data: dict[str, Any]) -> None:
        for e in edits:
            e(data)

    return edit


E0 = ("events", 0)
E1 = ("events", 1)
VALID_YAML = yaml_text(base_annotation())
ACTORS_YAML = yaml_text(base_actors())
# The first line of an annotation file in the dataset's folder (GE607).
SCHEMA_LINE = schema_line(SCHEMA_VERSION) + "\n"


def project(name: str, text: str) -> Files:
    """A case that is a project of its own: its seeds/ and, next to it, the dataset's folder
    datasets/ holding actors.yaml and annotations/`name`, where the layout rules (GE606,
    GE607) apply."""
    return {
        f"seeds/{SEED_FILE}": TEXT,
        f"seeds/{SEED_FILE_2}": TEXT_2,
        "seeds/index.json": seeds_index(),
        "datasets/actors.yaml": schema_line(SCHEMA_VERSION, "actors") + "\n" + ACTORS_YAML,
        f"datasets/annotations/{name}": text,
    }


_START = base_annotation()["events"][0]["evidence"][0]["start"]


def _parquet_bytes() -> bytes:
    """events.parquet written as the data package writes it (typed, no library version)."""
    from grounded_events._schema.table_parquet import to_arrow, write_parquet

    return write_parquet(to_arrow("events", tables(base_annotation())["events"]))


def _append(key: str, item: dict[str, Any]) -> Edit:
    return lambda data: data[key].append(item)


def two_reports(edit_second: Edit | None = None) -> Files:
    """Two documents' annotations of one attack, linked as one incident, in one dataset:
    the second annotation after `edit_second`."""
    second = _edited(second_annotation(), edit_second)
    links = base_links()
    links["links"].append(
        {
            "relation": "same_incident",
            "source": f"{DOC_ID}-e01",
            "target": f"{DOC_ID_2}-e01",
            "note": "Both report the rockets on the embassy early on Friday.",
        }
    )
    return {
        "annotation.yaml": VALID_YAML,
        "second.yaml": yaml_text(second),
        "actors.yaml": ACTORS_YAML,
        "links.yaml": yaml_text(links),
    }


# A place in another governorate than the embassy's (Baghdad, IQ-BG).
_ERBIL = {
    "name": "Erbil governorate",
    "country_iso3": "IRQ",
    "admin1_code": "IQ-AR",
    "geo_precision": "admin1",
    "note": "Coded to the dateline's governorate.",
}


def _overlapping_statement(d: dict[str, Any]) -> None:
    # the statement's days include the attack's: each may answer the other as far as dates go
    d["events"][1]["date"].update(
        start="2023-12-08", end="2023-12-11", precision="days", basis="explicit"
    )


def _bad_counts(d: dict[str, Any]) -> None:
    d["events"][0]["fatalities"] = {"best": 2, "low": 5}


def _month_precision(d: dict[str, Any]) -> None:
    # basis explicit: a December date relative to a publication on the 12th would also be GE513
    d["events"][0]["date"].update(
        start="2023-12-01", end="2023-12-30", precision="month", basis="explicit"
    )


def _days_precision(d: dict[str, Any]) -> None:
    d["events"][0]["date"].update(start="2023-12-01", end="2023-12-10", precision="days")


def _huge() -> Files:
    text = table_csv("events")
    return {"events.csv": edit_csv(text, 2, "summary", "x" * ((1 << 20) + 10))}


def _tamper_cell(files: Files) -> None:
    files["events.csv"] = edit_csv(str(files["events.csv"]), 2, "event_type", "remote-violence")


def _tamper_quote(files: Files) -> None:
    files["evidence.csv"] = edit_csv(
        str(files["evidence.csv"]), 2, "quote", "Drones hit the US embassy in Baghdad"
    )


# name -> (why, codes, files, paths to pass if not the input folder)
INVALID: dict[str, tuple[str, list[str], Files, list[str] | None]] = {
    # input
    "input-missing-file": (
        "the path given does not exist",
        ["GE101"],
        annotated({"annotation.yaml": VALID_YAML}),
        ["input/missing.yaml"],
    ),
    "input-empty-folder": (
        "the folder holds no file the validator reads",
        ["GE102"],
        {"notes.txt": "nothing here\n"},
        None,
    ),
    "input-empty-csv": ("events.csv has zero bytes", ["GE103"], {"events.csv": ""}, None),
    "input-empty-yaml": (
        "the annotation file holds only whitespace",
        ["GE103"],
        annotated({"annotation.yaml": "\n\n"}),
        None,
    ),
    "input-latin1-csv": (
        "events.csv is Latin-1, not UTF-8",
        ["GE104"],
        {
            "events.csv": edit_csv(
                table_csv("events"), 2, "summary", "Rockets hit Erbil café."
            ).encode("latin-1")
        },
        None,
    ),
    "input-utf16-yaml": (
        "the annotation file is UTF-16",
        ["GE104"],
        annotated({"annotation.yaml": VALID_YAML.encode("utf-16")}),
        None,
    ),
    "input-malformed-yaml": (
        "a quote is never closed",
        ["GE105"],
        annotated(
            {
                "annotation.yaml": VALID_YAML.replace(
                    "summary: Rockets hit", "summary: 'Rockets hit", 1
                )
            }
        ),
        None,
    ),
    "input-duplicate-key": (
        "doc_id appears twice in one mapping",
        ["GE106"],
        annotated(
            {
                "annotation.yaml": VALID_YAML.replace(
                    f"doc_id: {DOC_ID}\n", f"doc_id: {DOC_ID}\ndoc_id: {DOC_ID}\n", 1
                )
            }
        ),
        None,
    ),
    "input-yaml-tag": (
        "a YAML tag asks to build a Python object",
        ["GE107"],
        annotated(
            {
                "annotation.yaml": VALID_YAML.replace(
                    "annotators:\n",
                    "evil: !!python/object/apply:os.system ['true']\nannotators:\n",
                    1,
                )
            }
        ),
        None,
    ),
    "input-yaml-binary-tag": (
        "an annotator is a !!binary value: bytes, not JSON text",
        ["GE107"],
        annotated(
            {
                "annotation.yaml": VALID_YAML.replace(
                    "- conformance\n", "- !!binary Y29uZm9ybWFuY2U=\n", 1
                )
            }
        ),
        None,
    ),
    "input-yaml-set-tag": (
        "annotators is a !!set: a YAML type JSON does not have",
        ["GE107"],
        annotated(
            {
                "annotation.yaml": VALID_YAML.replace(
                    "annotators:\n- conformance\n", "annotators: !!set {conformance}\n", 1
                )
            }
        ),
        None,
    ),
    "input-yaml-deep-nesting": (
        "a note nested 5,000 lists deep",
        ["GE120"],
        annotated({"annotation.yaml": VALID_YAML + "note: " + "[" * 5000 + "]" * 5000 + "\n"}),
        None,
    ),
    "input-yaml-alias-bomb": (
        "nine levels of aliases that would expand to 10^9 values (a 'billion laughs')",
        ["GE120"],
        annotated(
            {
                "annotation.yaml": VALID_YAML
                + "lol0: &l0 [x, x, x, x, x, x, x, x, x, x]\n"
                + "".join(
                    f"lol{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]\n" for i in range(1, 9)
                )
            }
        ),
        None,
    ),
    "input-huge-integer": (
        "an evidence start of 5,000 digits",
        ["GE120"],
        annotated(
            {
                "annotation.yaml": VALID_YAML.replace(
                    f"start: {_START}\n", "start: " + "9" * 5000 + "\n", 1
                )
            }
        ),
        None,
    ),
    "input-yaml-merge-key": (
        "an event takes its keys from an anchor with a merge key (<<)",
        ["GE121"],
        annotated(
            {
                "annotation.yaml": VALID_YAML.replace(
                    "- event_id: ", "- <<: {note: merged}\n  event_id: ", 1
                )
            }
        ),
        None,
    ),
    "input-malformed-json": (
        "a trailing comma in the JSON annotation",
        ["GE108"],
        annotated(
            {
                "annotation.json": json.dumps(base_annotation(), indent=2).replace(
                    '"annotators": [\n    "conformance"\n  ]', '"annotators": ["conformance",],'
                )
            }
        ),
        None,
    ),
    "input-malformed-jsonl": (
        "line 2 of events.jsonl is cut off",
        ["GE108"],
        {
            "events.jsonl": record_lines(base_annotation()).splitlines()[0]
            + "\n"
            + record_lines(base_annotation()).splitlines()[1][:50]
            + "\n"
        },
        None,
    ),
    "input-csv-cell-count": (
        "row 2 has one cell too many",
        ["GE109"],
        {
            "events.csv": table_csv("events")
            .replace("\n", ",extra\n", 2)
            .replace(",extra\n", "\n", 1)
        },
        None,
    ),
    "input-csv-unclosed-quote": (
        "a quoted cell is never closed",
        ["GE109"],
        {"evidence.csv": table_csv("evidence") + '"x,y\n'},
        None,
    ),
    "input-huge-cell": ("a summary cell is larger than 1 MiB", ["GE110"], _huge(), None),
    "input-not-parquet": (
        "events.parquet is a CSV file",
        ["GE111"],
        {"events.parquet": table_csv("events")},
        None,
    ),
    "input-truncated-parquet": (
        "events.parquet is cut off after 200 bytes",
        ["GE111"],
        {"events.parquet": _parquet_bytes()[:200]},
        None,
    ),
    "input-unknown-format": (
        "a .txt file is not an input the validator reads",
        ["GE112"],
        {"notes.txt": "hello\n"},
        ["input/notes.txt"],
    ),
    "input-unknown-table": (
        "the CSV header matches no table",
        ["GE112"],
        {"things.csv": "a,b\n1,2\n"},
        None,
    ),
    "input-bad-datapackage": (
        "datapackage.json has no resources list",
        ["GE113"],
        {"datapackage.json": '{"name": "x", "resources": 3}\n'},
        None,
    ),
    # structure
    "structure-missing-summary": (
        "an event has no summary",
        ["GE201"],
        ann(_del((*E0, "summary"))),
        None,
    ),
    "structure-empty-required-cell": (
        "date_start is empty in events.csv",
        ["GE201"],
        events_csv("date_start", ""),
        None,
    ),
    "structure-unknown-field": (
        "an event has a field the schema does not define",
        ["GE202"],
        ann(_set((*E0, "severity"), "high")),
        None,
    ),
    "structure-unknown-column": (
        "events.csv has a column the schema does not define",
        ["GE202"],
        {"events.csv": table_csv("events").replace("\n", ",x\n")},
        None,
    ),
    "structure-missing-column": (
        "events.csv has no date_end column",
        ["GE203"],
        {
            "events.csv": csv_text(
                "events",
                tables(base_annotation())["events"],
                [c for c in tables(base_annotation())["events"][0] if c != "date_end"],
            )
        },
        None,
    ),
    "structure-misspelt-column": (
        "events.csv spells date_end 'date_edn': one unknown column, not also a missing one",
        ["GE202"],
        {"events.csv": table_csv("events").replace(",date_end,", ",date_edn,", 1)},
        None,
    ),
    "input-csv-semicolons": (
        "events.csv is separated by semicolons: its header reads as one column",
        ["GE109"],
        {"events.csv": _separated(";")},
        None,
    ),
    "structure-wrong-type": (
        "fatalities.best is a word, not a number",
        ["GE204"],
        ann(_set((*E0, "fatalities", "best"), "three")),
        None,
    ),
    "structure-text-offset": (
        "an evidence start is the text '10', not a number",
        ["GE204"],
        ann(_set((*E0, "evidence", 0, "start"), str(_START))),
        None,
    ),
    "structure-float-count": (
        "fatalities.best is 0.0, not an integer",
        ["GE204"],
        ann(_set((*E0, "fatalities", "best"), 0.0)),
        None,
    ),
    "structure-integer-boolean": (
        "is_aggregate is 0, not true or false",
        ["GE204"],
        ann(_set((*E0, "is_aggregate"), 0)),
        None,
    ),
    "structure-integer-text": (
        "an annotator is the number 7, not text",
        ["GE204"],
        ann(_set(("annotators",), [7])),
        None,
    ),
    "grounding-huge-offset": (
        "an evidence end of 10^29: past any document (and any int64 table cell)",
        ["GE502"],
        ann(_set((*E0, "evidence", 0, "end"), 10**29)),
        None,
    ),
    "structure-wrong-type-csv": (
        "is_aggregate is 'yes', not true or false",
        ["GE204"],
        events_csv("is_aggregate", "yes"),
        None,
    ),
    "structure-bad-date": (
        "2023-02-30 is not a calendar date",
        ["GE205"],
        events_csv("date_start", "2023-02-30"),
        None,
    ),
    "structure-bad-date-yaml": (
        "the annotation date is not a date",
        ["GE205"],
        ann(_set(("annotated",), "yesterday")),
        None,
    ),
    "structure-year-zero": (
        "annotated is the unquoted YAML date 0000-01-01: year 0 does not exist",
        ["GE205"],
        annotated(
            {
                "annotation.yaml": VALID_YAML.replace(
                    "annotated: '2024-01-15'", "annotated: 0000-01-01", 1
                )
            }
        ),
        None,
    ),
    "structure-pattern": (
        "an event_id has capitals and an underscore",
        ["GE206"],
        ann(_set((*E1, "event_id"), "Conformance_E2")),
        None,
    ),
    "structure-out-of-range": (
        "latitude 200 is beyond 90",
        ["GE207"],
        ann(_set((*E0, "location", "latitude"), 200)),
        None,
    ),
    "structure-negative-count-csv": (
        "fatalities_best is negative",
        ["GE207"],
        events_csv("fatalities_best", "-1"),
        None,
    ),
    "structure-no-evidence": (
        "an event has an empty evidence list",
        ["GE208"],
        ann(_set((*E1, "evidence"), [])),
        None,
    ),
    # vocabulary
    "vocabulary-event-type": (
        "event_type 'bombing' is not in the vocabulary",
        ["GE301"],
        ann(_set((*E0, "event_type"), "bombing")),
        None,
    ),
    "vocabulary-event-type-csv": (
        "event_type 'bombing' in events.csv",
        ["GE301"],
        events_csv("event_type", "bombing"),
        None,
    ),
    "vocabulary-weapon-csv": (
        "a list item is not a weapon",
        ["GE301"],
        events_csv("weapons", "rocket|catapult"),
        None,
    ),
    "vocabulary-country": (
        "XXX is not an ISO 3166-1 country",
        ["GE302"],
        ann(_set((*E0, "location", "country_iso3"), "XXX")),
        None,
    ),
    "vocabulary-subdivision": (
        "IQ-ZZ is not an ISO 3166-2 subdivision",
        ["GE303"],
        ann(_set((*E0, "location", "admin1_code"), "IQ-ZZ")),
        None,
    ),
    "vocabulary-language": (
        "'xx' is not an ISO 639-1 language",
        ["GE304"],
        {"documents.csv": edit_csv(table_csv("documents"), 2, "language", "xx")},
        None,
    ),
    "vocabulary-subtype-type": (
        "a drone strike is not a statement",
        ["GE305"],
        ann(_set((*E1, "event_subtype"), "drone_strike")),
        None,
    ),
    "vocabulary-acled-pair": (
        "Battles has no sub-event type 'Shelling/artillery/missile attack'",
        ["GE306", "GE307"],
        events_csv("acled_event_type", "Battles"),
        None,
    ),
    "vocabulary-crosswalk-csv": (
        "cameo_root 14 is not the crosswalk of rocket_attack",
        ["GE307"],
        events_csv("cameo_root", "14"),
        None,
    ),
    "vocabulary-damage-csv": (
        "damage 'catastrophic' is not in the vocabulary",
        ["GE301"],
        events_csv("damage", "catastrophic"),
        None,
    ),
    "vocabulary-claim-status-csv": (
        "claim_status 'suspected' is not in the vocabulary",
        ["GE301"],
        events_csv("claim_status", "suspected"),
        None,
    ),
    "vocabulary-hedge-csv": (
        "an evidence span's hedge 'rumoured' is not in the vocabulary",
        ["GE301"],
        {
            **table_files(only=("documents",)),
            "evidence.csv": edit_csv(table_csv("evidence"), 2, "hedge", "rumoured"),
        },
        None,
    ),
    "vocabulary-crosswalk-jsonl": (
        "the record's plover_mode differs from the crosswalk",
        ["GE307"],
        {
            "events.jsonl": record_lines(base_annotation()).replace(
                '"plover_mode": "heavy-weapons"', '"plover_mode": "drone"', 1
            )
        },
        None,
    ),
    # cross-field
    "cross-date-order": (
        "the event ends before it starts",
        ["GE401"],
        ann(_set((*E0, "date", "end"), "2023-12-07")),
        None,
    ),
    "cross-date-order-csv": (
        "date_end is before date_start in events.csv",
        ["GE401"],
        events_csv("date_end", "2023-12-01"),
        None,
    ),
    "cross-precision-day": (
        "precision day with a two-day span",
        ["GE402"],
        ann(_set((*E0, "date", "end"), "2023-12-09")),
        None,
    ),
    "cross-precision-month": (
        "precision month that stops a day short of the month's end",
        ["GE402"],
        ann(_month_precision),
        None,
    ),
    "cross-precision-days": (
        "precision days over a 10-day span",
        ["GE402"],
        ann(_days_precision),
        None,
    ),
    "cross-count-order": ("fatalities low is above best", ["GE403"], ann(_bad_counts), None),
    "cross-munitions-order-csv": (
        "events.csv: munitions_high is below munitions_best",
        ["GE403"],
        events_csv("munitions_high", "1"),
        None,
    ),
    "cross-outside-country": (
        "coordinates in Paris for an event in Iraq",
        ["GE404"],
        ann(
            _both(
                _set((*E0, "location", "latitude"), 48.85),
                _set((*E0, "location", "longitude"), 2.35),
            )
        ),
        None,
    ),
    "cross-outside-country-csv": (
        "latitude moved to the Southern Hemisphere in events.csv",
        ["GE404"],
        events_csv("latitude", "-33.3"),
        None,
    ),
    "cross-admin1-country": (
        "a Syrian governorate with country IRQ",
        ["GE405"],
        ann(_set((*E0, "location", "admin1_code"), "SY-DI")),
        None,
    ),
    "cross-half-coordinates": (
        "latitude without longitude",
        ["GE406"],
        ann(_del((*E0, "location", "longitude"))),
        None,
    ),
    "cross-alleged-needs-attributor": (
        "an alleged attribution with no attributed_by",
        ["GE407"],
        ann(
            _both(
                _set((*E0, "attribution", "status"), "alleged"),
                lambda d: d["events"][0]["evidence"].append(
                    {"field": "attribution", **span("attackers fired")}
                ),
            )
        ),
        None,
    ),
    "cross-unattributed-with-attributor": (
        "an unattributed event names who attributes it",
        ["GE408"],
        ann(_set((*E0, "attribution", "attributed_by"), ["usa-state-department"])),
        None,
    ),
    "cross-span-order": (
        "an evidence span ends where it starts",
        ["GE409"],
        ann(_set((*E0, "evidence", 0, "end"), TEXT.index("Rockets"))),
        None,
    ),
    "cross-precision-range": (
        "precision range on a single day",
        ["GE402"],
        ann(_set((*E0, "date", "precision"), "range")),
        None,
    ),
    # the coding guidelines of ANNOTATING.md
    "cross-multi-country-with-country": (
        "a place in several countries keeps a country_iso3",
        ["GE410"],
        ann(_set((*E0, "location", "geo_precision"), "multi_country")),
        None,
    ),
    "cross-multi-country-with-country-csv": (
        "events.csv: a place in several countries keeps a country_iso3",
        ["GE410"],
        events_csv("geo_precision", "multi_country"),
        None,
    ),
    "cross-point-without-coordinates": (
        "a site without latitude and longitude",
        ["GE411"],
        ann(_both(_del((*E0, "location", "latitude")), _del((*E0, "location", "longitude")))),
        None,
    ),
    "cross-half-gazetteer": (
        "a gazetteer without a gazetteer_id",
        ["GE412"],
        ann(_set((*E0, "location", "gazetteer"), "geonames")),
        None,
    ),
    "cross-statement-with-weapons": (
        "a condemnation that codes weapons",
        ["GE413"],
        ann(_set((*E1, "weapons"), ["rocket"])),
        None,
    ),
    "cross-statement-with-weapons-csv": (
        "events.csv: a condemnation that codes weapons",
        ["GE413"],
        events_csv("weapons", "rocket", row=3),
        None,
    ),
    "cross-violence-without-attribution": (
        "a rocket attack without attribution",
        ["GE414"],
        ann(_del((*E0, "attribution"))),
        None,
    ),
    "cross-attribution-without-initiator-csv": (
        "events.csv: a claimed attack with no initiator",
        ["GE415"],
        {
            "events.csv": edit_csv(
                edit_csv(table_csv("events"), 2, "initiator_attribution", "claimed"),
                2,
                "initiator",
                "",
            )
        },
        None,
    ),
    "cross-location-without-note": (
        "a location without the note on its gazetteer and precision",
        ["GE416"],
        ann(_del((*E0, "location", "note"))),
        None,
    ),
    "cross-attributor-by-hand": (
        "a participant written with the derived role attributor",
        ["GE417"],
        ann(
            lambda d: d["events"][0]["participants"].append(
                {"actor_id": "usa-state-department", "role": "attributor"}
            )
        ),
        None,
    ),
    "cross-claimant-by-hand": (
        "a participant written with the role claimant, which comes from claim.by",
        ["GE417"],
        ann(
            lambda d: d["events"][0]["participants"].append(
                {"actor_id": "unidentified-attackers", "role": "claimant"}
            )
        ),
        None,
    ),
    "grounding-evidence-missing": (
        "weapons coded without a weapons span",
        ["GE510"],
        ann(_del((*E0, "evidence", 4))),
        None,
    ),
    "grounding-evidence-without-value": (
        "a location span on a statement without location",
        ["GE511"],
        ann(
            lambda d: d["events"][1]["evidence"].append({"field": "location", **span("in Baghdad")})
        ),
        None,
    ),
    "grounding-time-of-day-not-quoted": (
        "time_of_day 'morning' where the span says 'early'",
        ["GE512"],
        ann(_set((*E0, "date", "time_of_day"), "morning")),
        None,
    ),
    "grounding-weekday-mismatch": (
        "'early on Friday' coded on Thursday 2023-12-07",
        ["GE513"],
        ann(
            _both(
                _set((*E0, "date", "start"), "2023-12-07"),
                _set((*E0, "date", "end"), "2023-12-07"),
            )
        ),
        None,
    ),
    "referential-unused-actor": (
        "actors.yaml declares an actor no event uses",
        ["GE603"],
        ann(
            actors=_append(
                "actors",
                {
                    "actor_id": "iraq-government",
                    "name": "Iraqi government",
                    "actor_type": "government",
                },
            )
        ),
        None,
    ),
    "referential-duplicate-actor": (
        "actors.yaml declares an actor_id twice",
        ["GE601"],
        ann(
            actors=_append(
                "actors",
                {"actor_id": "usa-government", "name": "Washington", "actor_type": "government"},
            )
        ),
        None,
    ),
    "referential-unknown-parent": (
        "an actor's parent is not declared in actors.yaml",
        ["GE602"],
        ann(actors=_set(("actors", 0, "parent_actor_id"), "united-nations")),
        None,
    ),
    "referential-no-registry": (
        "the annotation file names actors and no actors.yaml is beside it",
        ["GE608"],
        ann(registry=False),
        None,
    ),
    "links-self": (
        "a link joins an event to itself",
        ["GE609"],
        ann(links=_append("links", link("same_incident", 1, 1))),
        None,
    ),
    "links-about-from-non-statement": (
        "an about link starts from the attack, not from a statement",
        ["GE609"],
        ann(links=_set(("links", 0), link("about", 1, 2))),
        None,
    ),
    "links-part-of-single": (
        "a part_of link points at an event that is not an aggregate",
        ["GE609"],
        ann(links=_append("links", link("part_of", 2, 1))),
        None,
    ),
    "links-same-incident-one-document": (
        "a same_incident link joins two events of one document, one a statement",
        ["GE609"],
        ann(_overlapping_statement, links=_append("links", link("same_incident", 1, 2))),
        None,
    ),
    "links-unknown-end": (
        "a link's target is no event of the dataset",
        ["GE602"],
        ann(links=_set(("links", 0, "target"), f"{DOC_ID}-e99")),
        None,
    ),
    "links-duplicate": (
        "links.yaml gives the same link twice",
        ["GE601"],
        ann(links=lambda d: d["links"].append(dict(d["links"][0], note="Again."))),
        None,
    ),
    "links-cycle": (
        "two events each in response to the other",
        ["GE610"],
        ann(
            _overlapping_statement,
            links=_both(
                _append("links", link("in_response_to", 2, 1)),
                _append("links", link("in_response_to", 1, 2)),
            ),
        ),
        None,
    ),
    "links-incident-conflict": (
        "two reports linked as one incident in different governorates",
        ["GE611"],
        two_reports(_set((*E0, "location"), _ERBIL)),
        None,
    ),
    "links-conflict-one-report": (
        "one of two reports of a conflicting incident validated alone: the links that involve "
        "its events are judged too",
        ["GE611"],
        two_reports(_set((*E0, "location"), _ERBIL)),
        ["input/second.yaml"],
    ),
    "links-response-before": (
        "the attack in response to the statement made three days after it",
        ["GE609"],
        ann(links=_append("links", link("in_response_to", 1, 2))),
        None,
    ),
    "grounding-link-quote": (
        "a link's evidence quote is not the text between its offsets",
        ["GE501"],
        ann(links=_set(("links", 0, "evidence", 0, "quote"), "condemned the attacks")),
        None,
    ),
    "grounding-link-document": (
        "a link's evidence names a document that is not in the seeds index",
        ["GE504"],
        ann(links=_set(("links", 0, "evidence", 0, "doc_id"), "unknown-20990101")),
        None,
    ),
    "grounding-source-words": (
        "according_to names words the text does not have",
        ["GE514"],
        ann(_set((*E0, "evidence", 9, "according_to"), "an Iraqi army spokesman")),
        None,
    ),
    "referential-event-id-order": (
        "the second event is numbered e03",
        ["GE605"],
        ann(_set((*E1, "event_id"), f"{DOC_ID}-e03")),
        None,
    ),
    "referential-annotation-file-name": (
        "an annotation file in the dataset's folder is not named after its doc_id",
        ["GE606"],
        project("conformance.yaml", SCHEMA_LINE + VALID_YAML),
        ["input/datasets/annotations"],
    ),
    "referential-schema-line": (
        "an annotation file in the dataset's folder does not start with the schema line",
        ["GE607"],
        project(f"{DOC_ID}.yaml", VALID_YAML),
        ["input/datasets/annotations"],
    ),
    # grounding
    "grounding-quote": (
        "the quote says drones where the text says rockets",
        ["GE501"],
        ann(_set((*E0, "evidence", 0, "quote"), "Drones hit the US embassy in Baghdad")),
        None,
    ),
    "grounding-quote-csv": (
        "a quote in evidence.csv no longer matches its document",
        ["GE501"],
        {
            **table_files(only=("documents", "evidence")),
            "evidence.csv": edit_csv(
                table_csv("evidence"), 2, "quote", "Drones hit the US embassy in Baghdad"
            ),
        },
        ["input/evidence.csv"],
    ),
    "grounding-offset": (
        "an evidence span ends beyond the text",
        ["GE502"],
        ann(_set((*E0, "evidence", 0, "end"), 5000)),
        None,
    ),
    "grounding-pinned-hash": (
        "the file pins another text's sha256",
        ["GE503"],
        ann(_set(("sha256",), "0" * 64)),
        None,
    ),
    "grounding-document-hash-csv": (
        "documents.csv's sha256 is not its text's",
        ["GE503"],
        {"documents.csv": edit_csv(table_csv("documents"), 2, "sha256", "0" * 64)},
        None,
    ),
    "grounding-unknown-document": (
        "the doc_id is not in the seeds index",
        ["GE504"],
        ann(_set(("doc_id",), "unknown-20990101")),
        None,
    ),
    "grounding-no-documents": (
        "evidence.csv without a documents table",
        ["GE505"],
        table_files(only=("evidence",)),
        None,
    ),
    # referential
    "referential-duplicate-event": (
        "two events share an event_id",
        ["GE601"],
        ann(_set((*E1, "event_id"), f"{DOC_ID}-e01")),
        None,
    ),
    "referential-duplicate-csv": (
        "events.csv repeats an event_id",
        ["GE601"],
        events_csv("event_id", f"{DOC_ID}-e01", row=3),
        None,
    ),
    "referential-undeclared-actor": (
        "a participant's actor is not in the dataset's actors.yaml",
        ["GE602"],
        ann(_set((*E0, "participants", 0, "actor_id"), "kataib-hezbollah")),
        None,
    ),
    "referential-foreign-key-csv": (
        "an event's initiator is not in actors.csv",
        ["GE602"],
        {
            **table_files(only=("actors", "documents")),
            **events_csv("initiator", "kataib-hezbollah"),
        },
        None,
    ),
    "referential-links-foreign-key-csv": (
        "links.csv names a target event that is not in events.csv",
        ["GE602"],
        {
            **table_files(only=("actors", "documents", "events")),
            "links.csv": edit_csv(
                edit_csv(table_csv("links"), 2, "target_event_id", f"{DOC_ID}-e99"),
                2,
                "link_id",
                f"{DOC_ID}-e02:about:{DOC_ID}-e99",
            ),
        },
        None,
    ),
    # release
    "release-hash": (
        "a CSV edited after the package was built (same size)",
        ["GE701", "GE301"],
        package(table_files(), _tamper_cell),
        None,
    ),
    "release-quote": (
        "a quote edited after the package was built",
        ["GE701", "GE702", "GE501"],
        package(table_files(), _tamper_quote),
        None,
    ),
    "release-bytes": ("a resource's bytes field is wrong", ["GE702"], {}, None),
    "release-missing": ("a listed resource is not there", ["GE703"], {}, None),
}


def _bytes_case() -> Files:
    files = package(table_files())
    descriptor = json.loads(str(files["datapackage.json"]))
    descriptor["resources"][0]["bytes"] += 1
    files["datapackage.json"] = json.dumps(descriptor, indent=2) + "\n"
    return files


def _missing_case() -> Files:
    files = package(table_files())
    del files["actors.csv"]
    descriptor = json.loads(str(files["datapackage.json"]))
    descriptor["resources"] = [
        r for r in descriptor["resources"] if r["path"] != "event_actors.csv"
    ]
    files["datapackage.json"] = json.dumps(descriptor, indent=2) + "\n"
    return files


# --- hostile tables (issue 12): values of another type, out of range, encodings, lost lines ---


def table_jsonl(name: str, edit: Callable[[list[dict[str, Any]]], None] | None = None) -> str:
    """A table as JSON lines, its rows as JSON values (dates as text), after `edit`."""
    rows = [json.loads(json.dumps(r, default=str)) for r in tables(base_annotation())[name]]
    if edit is not None:
        edit(rows)
    return "".join(json.dumps(r, sort_keys=True) + "\n" for r in rows)


def _jsonl_set(column: str, value: Any) -> Callable[[list[dict[str, Any]]], None]:
    def edit(rows: list[dict[str, Any]]) -> None:
        rows[0][column] = value

    return edit


def _parquet_column(column: str, values: Any) -> bytes:
    """events.parquet with one column replaced by an Arrow array of another type."""
    import pyarrow as pa

    from grounded_events._schema.table_parquet import to_arrow, write_parquet

    table = to_arrow("events", tables(base_annotation())["events"])
    array = pa.array(values(table.num_rows))
    return write_parquet(table.set_column(table.schema.get_field_index(column), column, array))


def _lost_line() -> Files:
    """events.jsonl (table rows) whose first line is cut short, and the tables that reference
    its event: one GE108, no GE602 for each reference to the event on the lost line."""
    files: Files = {f"{n}.jsonl": table_jsonl(n) for n in ("actors", "event_actors", "events")}
    lines = str(files["events.jsonl"]).splitlines(keepends=True)
    files["events.jsonl"] = lines[0][:-30] + "\n" + "".join(lines[1:])
    return files


INVALID.update(
    {
        "structure-quoted-count-jsonl": (
            'fatalities_best is the string "3" in a JSON-lines table: JSON has integers',
            ["GE204"],
            {"events.jsonl": table_jsonl("events", _jsonl_set("fatalities_best", "3"))},
            None,
        ),
        "structure-integer-boolean-jsonl": (
            "is_aggregate is 0 in a JSON-lines table, not false",
            ["GE204"],
            {"events.jsonl": table_jsonl("events", _jsonl_set("is_aggregate", 0))},
            None,
        ),
        "structure-integer-id-jsonl": (
            "event_id is the number 12 in a JSON-lines table, not text",
            ["GE204"],
            {"events.jsonl": table_jsonl("events", _jsonl_set("event_id", 12))},
            None,
        ),
        "structure-struct-text-parquet": (
            "summary is a struct column in events.parquet, where text is required",
            ["GE204"],
            {"events.parquet": _parquet_column("summary", lambda n: [{"a": i} for i in range(n)])},
            None,
        ),
        "structure-float-count-parquet": (
            "fatalities_best is a float column (0.0) in events.parquet, not an integer",
            ["GE204"],
            {"events.parquet": _parquet_column("fatalities_best", lambda n: [0.0] * n)},
            None,
        ),
        "structure-year-zero-csv": (
            "date_start is 0000-01-01: there is no year 0",
            ["GE205"],
            events_csv("date_start", "0000-01-01"),
            None,
        ),
        "structure-huge-integer-csv": (
            "fatalities_best has 5,000 digits (more than Python reads as an int)",
            ["GE207"],
            events_csv("fatalities_best", "9" * 5000),
            None,
        ),
        "input-utf16-jsonl": (
            "a JSON-lines table in UTF-16 without a byte-order mark",
            ["GE104"],
            {"events.jsonl": table_jsonl("events").encode("utf-16-le")},
            None,
        ),
        "input-latin1-jsonl": (
            "a Latin-1 byte in a JSON-lines table",
            ["GE104"],
            {
                "events.jsonl": table_jsonl("events")
                .replace("Rockets hit", "Rockets h\u00eft", 1)
                .encode("latin-1")
            },
            None,
        ),
        "input-whitespace-jsonl": (
            "a JSON-lines file of only whitespace",
            ["GE103"],
            {"events.jsonl": "  \n\n\t\n"},
            None,
        ),
        "input-lost-line-jsonl": (
            "a JSON-lines table line is cut short: one GE108, not a GE602 per reference to it",
            ["GE108"],
            _lost_line(),
            None,
        ),
    }
)


INVALID["release-bytes"] = (*INVALID["release-bytes"][:2], _bytes_case(), None)
INVALID["release-missing"] = (*INVALID["release-missing"][:2], _missing_case(), None)


def _resource_case(**fields: Any) -> Files:
    """The tables' package with one more resource, whose descriptor fields are `fields`."""
    files = package(table_files())
    descriptor = json.loads(str(files["datapackage.json"]))
    descriptor["resources"].append({"name": "extra", **fields})
    files["datapackage.json"] = json.dumps(descriptor, indent=2) + "\n"
    return files


def _unverifiable_case() -> Files:
    files = package(table_files())
    descriptor = json.loads(str(files["datapackage.json"]))
    descriptor["resources"][0]["hash"] = "crc32:8c736521"
    files["datapackage.json"] = json.dumps(descriptor, indent=2) + "\n"
    return files


def _checksums_case() -> Files:
    files = package(table_files())
    lines = []
    for name in sorted(files):
        data = files[name]
        raw = data.encode("utf-8") if isinstance(data, str) else data
        digest = hashlib.sha256(raw).hexdigest()
        lines.append(f"{'0' * 64 if name == 'events.csv' else digest}  {name}\n")
    files["SHA256SUMS"] = "".join(lines)
    return files


INVALID.update(
    {
        "input-unsafe-path": (
            "a resource path leads out of the package",
            ["GE114"],
            _resource_case(path="../../../seeds/conformance.txt"),
            None,
        ),
        "input-not-a-regular-file": (
            "a resource path names a folder, not a file",
            ["GE115"],
            {**_resource_case(path="folder"), "folder/note.txt": "a folder, not a table\n"},
            None,
        ),
        "release-unverifiable-hash": (
            "a resource hash in an algorithm the validator cannot check (crc32)",
            ["GE704"],
            _unverifiable_case(),
            None,
        ),
        "release-checksums": (
            "SHA256SUMS gives another sha256 for events.csv",
            ["GE705"],
            _checksums_case(),
            None,
        ),
    }
)


def _aggregate(d: dict[str, Any]) -> None:
    d["events"][0]["is_aggregate"] = True
    d["events"][0]["date"].update(start="2023-10-17", end="2023-12-12", precision="range")
    d["events"][0]["evidence"].append({"field": "aggregate", **span("Rockets")})


def _bom_crlf() -> Files:
    text = table_csv("events").replace("\n", "\r\n")
    return {"events.csv": b"\xef\xbb\xbf" + text.encode("utf-8")}


VALID: dict[str, tuple[str, Files, list[str] | None]] = {
    "annotation-yaml": (
        "a complete annotation file",
        annotated({"annotation.yaml": VALID_YAML}),
        None,
    ),
    "dataset-layout": (
        "the dataset's folder holds <doc_id>.yaml starting with the schema line",
        project(f"{DOC_ID}.yaml", SCHEMA_LINE + VALID_YAML),
        ["input/datasets/annotations"],
    ),
    "annotation-json": (
        "the same annotation as JSON",
        annotated({"annotation.json": json.dumps(base_annotation(), indent=2) + "\n"}),
        None,
    ),
    "aggregate-range": ("an aggregate over a range of dates", ann(_aggregate), None),
    "dataset-links": (
        "an annotation file with the dataset's actors.yaml and links.yaml beside it",
        ann(links=lambda d: None),
        None,
    ),
    "links-two-reports": (
        "two documents' reports of one attack linked as one incident",
        two_reports(),
        None,
    ),
    "links-one-report": (
        "one of two linked reports validated alone: the dataset's other files are read too",
        two_reports(),
        ["input/second.yaml"],
    ),
    "tables-csv": ("all six tables as CSV", table_files(), None),
    "tables-parquet": (
        "events as Parquet",
        {"events.parquet": _parquet_bytes()},
        None,
    ),
    "events-jsonl": (
        "events.jsonl records",
        {"events.jsonl": record_lines(base_annotation())},
        None,
    ),
    "tables-required-columns": (
        "events.csv without its nullable and list columns: they are read as empty",
        {"events.csv": _required_columns_only()},
        None,
    ),
    "bom-crlf-csv": ("a UTF-8 byte-order mark and CRLF line ends are accepted", _bom_crlf(), None),
    "datapackage": ("a data package whose hashes match", package(table_files()), None),
}


# --- schema 2.0.0's cross rules (helper "rules"): deaths by side, attacks, claims, statements,
# and the words naming a source (GE514) in tables and events.jsonl --------------------------


def _sides(**parts: int) -> Callable[[dict[str, Any]], None]:
    return _set((*E0, "fatalities_by_side"), parts)


def _cells(*edits: tuple[str, str]) -> str:
    """events.csv with cells of the first event (row 2) set: (column, value) pairs."""
    text = table_files()["events.csv"]
    for column, value in edits:
        text = edit_csv(text, 2, column, value)
    return text


def _source_words(data: dict[str, Any]) -> None:
    data["events"][0]["evidence"][0]["according_to"] = "a US defence official"


def _reported(data: dict[str, Any]) -> None:
    """Who says so and deaths by side, as the text gives them."""
    event = data["events"][0]
    event["fatalities_by_side"] = {
        "initiator_side": 0,
        "target_side": 0,
        "civilians": 0,
        "unknown": 0,
    }
    event["evidence"][0].update(according_to="the US State Department", hedge="reported")


def _annotated(edit: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    data = base_annotation()
    edit(data)
    return data


INVALID.update(
    {
        "cross-fatality-split": (
            "deaths by side (1 + 0 + 0 + 0) do not sum to fatalities best 0",
            ["GE418"],
            ann(_sides(initiator_side=1, target_side=0, civilians=0, unknown=0)),
            None,
        ),
        "cross-fatality-split-csv": (
            "2 civilian deaths, more than fatalities best 0 (high empty)",
            ["GE418"],
            events_csv("fatalities_civilians", "2"),
            None,
        ),
        "cross-attacks-not-aggregate": (
            "a single rocket attack counts 2 attacks: only an aggregate counts attacks",
            ["GE419"],
            ann(
                _both(
                    _set((*E0, "attacks"), {"best": 2}),
                    lambda d: d["events"][0]["evidence"].append(
                        {"field": "attacks", **span("Rockets")}
                    ),
                )
            ),
            None,
        ),
        "cross-attacks-not-aggregate-csv": (
            "attacks_best on an event that is not an aggregate",
            ["GE419"],
            events_csv("attacks_best", "2"),
            None,
        ),
        "cross-claim-without-claimant": (
            "a claim with status claimed names nobody in by",
            ["GE420"],
            ann(
                _both(
                    _set((*E0, "claim"), {"status": "claimed"}),
                    lambda d: d["events"][0]["evidence"].append(
                        {"field": "claim", **span("Unidentified attackers fired them")}
                    ),
                )
            ),
            None,
        ),
        "cross-claim-without-claimant-csv": (
            "claim_status denied with claimed_by empty",
            ["GE420"],
            events_csv("claim_status", "denied"),
            None,
        ),
        "cross-statement-with-damage": (
            "a condemnation codes damage: a statement codes nothing of what an act did",
            ["GE413"],
            ann(_set((*E1, "damage"), "minor")),
            None,
        ),
        "cross-munitions-order-csv": (
            "munitions low 14 above munitions best 2",
            ["GE403"],
            {"events.csv": _cells(("munitions_low", "14"), ("munitions_best", "2"))},
            None,
        ),
        "grounding-source-words-csv": (
            "an evidence row's according_to does not occur in its document's text",
            ["GE514"],
            {
                **table_files(),
                "evidence.csv": edit_csv(
                    table_files()["evidence.csv"], 2, "according_to", "a US defence official"
                ),
            },
            None,
        ),
        "grounding-source-words-jsonl": (
            "an events.jsonl record's according_to does not occur in its document's text",
            ["GE514"],
            {
                "events.jsonl": record_lines(_annotated(_source_words)),
                **table_files(only=("documents",)),
            },
            None,
        ),
    }
)
VALID.update(
    {
        "reported-values": (
            "who says so (according_to, hedge) and deaths by side that sum to the total",
            ann(_reported),
            None,
        ),
        "reported-values-csv": (
            "the same as tables",
            table_files(_annotated(_reported)),
            None,
        ),
    }
)


def _older_seed() -> Files:
    """The seed document and its annotation file as schema 1.0.0 wrote it (actors inside,
    refers_to): a project of its own, validated with `--schema-version 1.0.0`."""
    root = HERE.parent
    index = json.loads((root / "seeds" / "index.json").read_text(encoding="utf-8"))
    files: Files = {"seeds/index.json": json.dumps(index, indent=2) + "\n"}
    for entry in index:
        files[f"seeds/{entry['file']}"] = (root / "seeds" / entry["file"]).read_bytes()
    old = root / "tests" / "fixtures" / "migrate" / "rudaw-20231212.1.0.0.yaml"
    files["rudaw-20231212.yaml"] = old.read_text(encoding="utf-8")
    return files


def _older_broken() -> Files:
    files = _older_seed()
    text = str(files["rudaw-20231212.yaml"])
    files["rudaw-20231212.yaml"] = text.replace(
        "    weapons: [rocket]\n", "    weapons: [rocketz]\n", 1
    )
    return files


# Cases validated against an older published version (`validate --schema-version`): name ->
# (why, codes, files, the version).
OLDER: dict[str, tuple[str, list[str], Files, str]] = {
    "published-schema-older-version": (
        "a 1.0.0 file validated with --schema-version 1.0.0 breaks that version's JSON Schema",
        ["GE210"],
        _older_broken(),
        "1.0.0",
    ),
    "older-version-file": (
        "the seed's 1.0.0 annotation file, validated with --schema-version 1.0.0",
        [],
        _older_seed(),
        "1.0.0",
    ),
}
INVALID["structure-other-schema-version"] = (
    "a 1.0.0 annotation file validated against the current version",
    ["GE209"],
    {"annotation.yaml": str(_older_seed()["rudaw-20231212.yaml"])},
    None,
)


def write_case(folder: Path, meta: dict[str, Any], files: Files) -> None:
    if "seeds/index.json" in files:  # a project of its own: validated against its own seeds
        meta["seeds"] = "input/seeds"
    inputs = folder / "input"
    inputs.mkdir(parents=True)
    for name, data in files.items():
        raw = data.encode("utf-8") if isinstance(data, str) else data
        (inputs / name).parent.mkdir(parents=True, exist_ok=True)
        (inputs / name).write_bytes(raw)
    (folder / "case.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


def main() -> int:
    seeds = HERE / "seeds"
    for name in ("valid", "invalid", "seeds"):
        shutil.rmtree(HERE / name, ignore_errors=True)
    seeds.mkdir()
    (seeds / SEED_FILE).write_bytes(TEXT.encode("utf-8"))
    (seeds / SEED_FILE_2).write_bytes(TEXT_2.encode("utf-8"))
    (seeds / "index.json").write_text(seeds_index(), encoding="utf-8")
    for name, (why, codes, files, paths) in INVALID.items():
        meta: dict[str, Any] = {"why": why, "codes": sorted(codes)}
        if paths:
            meta["paths"] = paths
        write_case(HERE / "invalid" / name, meta, files)
    for name, (why, files, paths) in VALID.items():
        meta = {"why": why, "codes": []}
        if paths:
            meta["paths"] = paths
        write_case(HERE / "valid" / name, meta, files)
    for name, (why, codes, files, version) in OLDER.items():
        meta = {
            "why": why,
            "codes": sorted(codes),
            "paths": ["input/rudaw-20231212.yaml"],
            "schema_version": version,
        }
        write_case(HERE / ("invalid" if codes else "valid") / name, meta, files)
    print(f"{len(INVALID)} invalid and {len(VALID)} valid cases written to {HERE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
