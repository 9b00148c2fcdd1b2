"""Generate schema/<version>/ (JSON Schemas, Table Schemas, codebook) from the pydantic models."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from grounded_events._core.atomic import write_text_atomic
from grounded_events._core.errors import GroundedEventsError
from grounded_events._core.text import json_text
from grounded_events._core.version import SCHEMA_VERSION
from grounded_events._schema.models import (
    ActorRegistry,
    AnnotationFile,
    Document,
    EventRecord,
    LinkFile,
)
from grounded_events._schema.tables import LIST_SEPARATOR, TABLES, Table
from grounded_events._schema.versions import MANIFEST, drift, read_manifest
from grounded_events._schema.vocab import (
    CROSSWALK,
    DATE_PRECISION_CODES,
    GEO_PRECISION_CODES,
    VOCABULARIES,
    Vocabulary,
)

BASE_URI = "https://grounded-events.github.io/schema"
DRAFT = "https://json-schema.org/draft/2020-12/schema"

# Record formats with their own JSON Schema: file name -> model.
RECORDS: dict[str, type[BaseModel]] = {
    "annotation.schema.json": AnnotationFile,
    "actors.schema.json": ActorRegistry,
    "links.schema.json": LinkFile,
    "event.schema.json": EventRecord,
    "document.schema.json": Document,
}


def json_schema(model: type[BaseModel], name: str, version: str = SCHEMA_VERSION) -> dict[str, Any]:
    """The model's JSON Schema (draft 2020-12) with a versioned `$id`."""
    schema = model.model_json_schema(mode="validation")
    return {"$schema": DRAFT, "$id": f"{BASE_URI}/{version}/{name}", **schema}


def _field_type(prop: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """Table Schema type and constraints for a JSON Schema property, and whether it is nullable."""
    options = prop.get("anyOf", [prop])
    nullable = any(o.get("type") == "null" for o in options)
    (inner,) = [o for o in options if o.get("type") != "null"] or [{"type": "string"}]
    field: dict[str, Any] = {}
    constraints: dict[str, Any] = {}
    kind = inner.get("type")
    if "$ref" in inner:
        kind = "enum"
    if kind == "array":
        field.update(type="list", delimiter=LIST_SEPARATOR, itemType="string")
    elif kind == "integer":
        field["type"] = "integer"
    elif kind == "number":
        field["type"] = "number"
    elif kind == "boolean":
        field.update(type="boolean", trueValues=["true"], falseValues=["false"])
    elif kind == "string" and inner.get("format") == "date":
        field["type"] = "date"
    else:
        field["type"] = "string"
    for src, dst in (
        ("pattern", "pattern"),
        ("minimum", "minimum"),
        ("maximum", "maximum"),
        ("minLength", "minLength"),
        ("maxLength", "maxLength"),
    ):
        if src in inner:
            constraints[dst] = inner[src]
    if "enum" in inner:
        constraints["enum"] = inner["enum"]
    # An empty list is written as an empty CSV cell, which Table Schema reads as missing: a list
    # column is never `required`, although every row has a (possibly empty) list.
    if not nullable and kind != "array":
        constraints["required"] = True
    if constraints:
        field["constraints"] = constraints
    return field, nullable


def table_schema(table: Table) -> dict[str, Any]:
    """The Frictionless Table Schema of one exported table."""
    schema = table.row.model_json_schema(mode="validation")
    defs = schema.get("$defs", {})
    fields = []
    for name, prop in schema["properties"].items():
        if "$ref" in prop:
            prop = defs[prop["$ref"].split("/")[-1]] | {"$ref": prop["$ref"]}
        if "anyOf" in prop:
            prop = dict(prop)
            prop["anyOf"] = [
                defs[o["$ref"].split("/")[-1]] | {"$ref": o["$ref"]} if "$ref" in o else o
                for o in prop["anyOf"]
            ]
        field, _ = _field_type(prop)
        entry: dict[str, Any] = {"name": name, **field}
        if "description" in prop:
            entry["description"] = prop["description"]
        fields.append(entry)
    result: dict[str, Any] = {
        "$schema": "https://datapackage.org/profiles/2.0/tableschema.json",
        "fields": fields,
        "missingValues": [""],
        "primaryKey": list(table.primary_key),
    }
    if table.foreign_keys:
        result["foreignKeys"] = [
            {
                "fields": list(fk.fields),
                "reference": {
                    "resource": fk.reference_table,
                    "fields": list(fk.reference_fields),
                },
            }
            for fk in table.foreign_keys
        ]
    return result


def _vocabulary_section(vocab: type[Vocabulary]) -> list[str]:
    lines = [f"### `{vocab.__name__}`", "", (vocab.__doc__ or "").strip(), ""]
    if vocab.__name__ == "EventSubtype":
        lines += [
            "| code | event_type | definition | ACLED event_type / sub_event_type "
            "| PLOVER event / mode | CAMEO root |",
            "|---|---|---|---|---|---|",
        ]
        for member in vocab:
            cw = CROSSWALK[member]  # type: ignore[index]
            acled = " / ".join(x for x in (cw.acled_event_type, cw.acled_sub_event_type) if x)
            plover = " / ".join(x for x in (cw.plover_event_type, cw.plover_mode) if x)
            lines.append(
                f"| `{member.value}` | `{cw.event_type.value}` | {member.definition} "
                f"| {acled or '—'} | {plover or '—'} | {cw.cameo_root or '—'} |"
            )
    elif vocab.__name__ in ("DatePrecision", "GeoPrecision"):
        codes: dict[Any, tuple[int | None, int | None]] = (
            DATE_PRECISION_CODES if vocab.__name__ == "DatePrecision" else GEO_PRECISION_CODES
        )
        acled, ucdp = (
            ("time_precision", "date_prec")
            if vocab.__name__ == "DatePrecision"
            else ("geo_precision", "where_prec")
        )
        lines += [
            f"| code | definition | ACLED `{acled}` | UCDP `{ucdp}` |",
            "|---|---|---|---|",
        ]
        for member in vocab:
            a, u = codes[member]
            lines.append(f"| `{member.value}` | {member.definition} | {a or '—'} | {u or '—'} |")
    else:
        lines += ["| code | definition |", "|---|---|"]
        lines += [f"| `{m.value}` | {m.definition} |" for m in vocab]
    return [*lines, ""]


def _table_section(table: Table) -> list[str]:
    schema = table_schema(table)
    lines = [
        f"### `{table.name}`",
        "",
        f"{table.title}. Primary key: {', '.join(f'`{k}`' for k in table.primary_key)}.",
        "",
        "| column | type | required | description |",
        "|---|---|---|---|",
    ]
    for field in schema["fields"]:
        required = "yes" if field.get("constraints", {}).get("required") else ""
        kind = field["type"]
        if "enum" in field.get("constraints", {}):
            kind += " (coded)"
        lines.append(
            f"| `{field['name']}` | {kind} | {required} | {field.get('description', '')} |"
        )
    for fk in table.foreign_keys:
        lines.append("")
        lines.append(
            f"Foreign key: `{', '.join(fk.fields)}` → "
            f"`{fk.reference_table}.{', '.join(fk.reference_fields)}`."
        )
    return [*lines, ""]


def codebook(version: str = SCHEMA_VERSION) -> str:
    """The Markdown codebook: every table column and every vocabulary value with its definition."""
    lines = [
        f"# grounded-events codebook, schema {version}",
        "",
        "Generated from the pydantic models by `make schema`; do not edit by hand.",
        "",
        "Offsets (`start`, `end`) count Unicode code points of the document text, 0-based, "
        "end exclusive (brat standoff convention). Counts: `0` means the text says there were "
        "none; empty means the text does not say.",
        f"List columns are joined with `{LIST_SEPARATOR}` in CSV (a literal `{LIST_SEPARATOR}` "
        f"in an item is written `\\{LIST_SEPARATOR}`, a backslash `\\\\`); Parquet stores lists.",
        "",
        "## Tables",
        "",
    ]
    for table in TABLES.values():
        lines += _table_section(table)
    lines += ["## Vocabularies", ""]
    for vocab in VOCABULARIES:
        lines += _vocabulary_section(vocab)
    return "\n".join(lines).rstrip("\n") + "\n"


def artifacts(version: str = SCHEMA_VERSION) -> dict[str, str]:
    """Every file of schema/<version>/, by relative path, as the models generate it now."""
    files = {name: json_text(json_schema(model, name, version)) for name, model in RECORDS.items()}
    for table in TABLES.values():
        name = f"tables/{table.name}.schema.json"
        files[name] = json_text(json_schema(table.row, name, version))
        files[f"tables/{table.name}.tableschema.json"] = json_text(table_schema(table))
    files["codebook.md"] = codebook(version)
    return dict(sorted(files.items()))


class PublishedError(GroundedEventsError):
    """The version is published (listed in root/SHA256SUMS) and the models now differ from it."""


def write(root: Path, version: str = SCHEMA_VERSION) -> list[Path]:
    """Write the artifacts under root/<version>/ and return the paths written.

    A published version is frozen: when the models no longer generate its exact files, nothing is
    written and PublishedError says to bump SCHEMA_VERSION.
    """
    files = artifacts(version)
    published = read_manifest(root).get(version)
    if published is not None:
        changed = drift(files, published)
        if changed:
            raise PublishedError(
                f"{root / version} is published ({root / MANIFEST}) and the models now generate "
                f"different {', '.join(changed)}; bump SCHEMA_VERSION in _core/version.py "
                f"(`grounded-events schema diff {version} current` says how much)"
            )
    written = []
    for name, text in files.items():
        path = root / version / name
        write_text_atomic(path, text)
        written.append(path)
    return written


def main() -> int:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("schema")
    try:
        written = write(root)
    except PublishedError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
