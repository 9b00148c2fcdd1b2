"""The data package's files, built in memory from the annotations and seeds, step by step."""

from __future__ import annotations

import json

from grounded_events._core.text import json_text
from grounded_events._package.croissant import croissant
from grounded_events._package.datapackage import datapackage, sha256
from grounded_events._package.inputs import BuildError, Files, Inputs, Step
from grounded_events._package.report import report_step
from grounded_events._schema.table_csv import write_csv
from grounded_events._schema.table_parquet import to_arrow, write_parquet
from grounded_events._schema.tables import TABLES


def tables_step(inputs: Inputs, files: Files) -> Files:
    """Each table as `<table>.csv` and `<table>.parquet`."""
    out: Files = {}
    for name, table in TABLES.items():
        rows = inputs.tables[name]
        out[f"{name}.csv"] = write_csv(table.columns, rows)
        out[f"{name}.parquet"] = write_parquet(to_arrow(name, rows))
    return out


# json.dumps escapes \n, \r and the other C0 controls but writes these raw, and str.splitlines
# (so any reader that splits the file with it) ends a line at each; escaped, a record stays one
# line for every reader and still decodes to the same text.
_LINE_BREAKS = str.maketrans({c: f"\\u{ord(c):04x}" for c in "\x85\u2028\u2029"})


def jsonl_step(inputs: Inputs, files: Files) -> Files:
    """`events.jsonl`: one nested EventRecord per line, in event_id order."""
    lines = [
        json.dumps(r.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":")).translate(
            _LINE_BREAKS
        )
        for r in inputs.records
    ]
    return {"events.jsonl": "".join(line + "\n" for line in lines).encode("utf-8")}


def croissant_step(inputs: Inputs, files: Files) -> Files:
    """`croissant.json`: MLCommons Croissant 1.0 metadata for the same files."""
    return {"croissant.json": json_text(croissant(inputs, files)).encode("utf-8")}


def datapackage_step(inputs: Inputs, files: Files) -> Files:
    """`datapackage.json`: Frictionless Data Package v2 describing every file written so far,
    checked by frictionless."""
    return {"datapackage.json": json_text(datapackage(inputs, files)).encode("utf-8")}


def checksums_step(inputs: Inputs, files: Files) -> Files:
    """`SHA256SUMS`: sha256sum lines for every other file, sorted by name."""
    lines = [f"{sha256(data)}  {name}\n" for name, data in sorted(files.items())]
    return {"SHA256SUMS": "".join(lines).encode("utf-8")}


# The build runs these in order. A step that adds files goes before datapackage_step so that the
# data package, and SHA256SUMS after it, list its files.
STEPS: tuple[Step, ...] = (
    tables_step,
    jsonl_step,
    croissant_step,
    report_step,
    datapackage_step,
    checksums_step,
)


def build_files(inputs: Inputs) -> Files:
    """Every file of the package by relative path ("/"-separated), as bytes."""
    files: Files = {}
    for step in STEPS:
        added = step(inputs, dict(files))
        clash = sorted(set(added) & set(files))
        if clash:
            raise BuildError(f"{step.__name__} rewrites {', '.join(clash)}")
        files.update(added)
    return dict(sorted(files.items()))
