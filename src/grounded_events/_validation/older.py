"""Annotation files of an older published schema version: that version's JSON Schema, and their quotes against the seeds."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

import jsonschema

from grounded_events._core.safe_yaml import YamlDocument, path_text
from grounded_events._validation.codes import issue
from grounded_events._validation.issues import Issue

_VERSION = re.compile(r"\d+\.\d+\.\d+")


def major(version: str) -> str:
    """The major number of an X.Y.Z version."""
    return version.split(".", 1)[0]


def other_version_issue(display: str, doc: YamlDocument, validated: str) -> Issue | None:
    """GE209 when the file declares a schema_version of another major than `validated`: its
    other errors would all follow from that one."""
    assert isinstance(doc.data, dict)
    declared = doc.data.get("schema_version")
    if not isinstance(declared, str) or not _VERSION.fullmatch(declared):
        return None  # no version, or not one: the model reports it
    if major(declared) == major(validated):
        return None
    return issue(
        "GE209",
        display,
        doc.line_of(("schema_version",)),
        "schema_version",
        expected=f"{major(validated)}.x.y",
        actual=declared,
        declared=declared,
        validated=validated,
    )


@functools.cache
def _validator(folder: Path, name: str) -> jsonschema.Draft202012Validator:
    """The published JSON Schema `name` of the version in `folder`: published folders are
    frozen, so it is read once, not once per file."""
    schema = json.loads((folder / f"{name}.schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def published_schema_issues(
    display: str, doc: YamlDocument, folder: Path, name: str = "annotation"
) -> list[Issue]:
    """The errors of a file against the published JSON Schema `name` of the version in
    `folder`, each at its line (formats asserted, as the models check them)."""
    out = []
    for error in sorted(
        _validator(folder, name).iter_errors(doc.data), key=lambda e: list(map(str, e.path))
    ):
        loc: tuple[Any, ...] = tuple(error.absolute_path)
        out.append(
            issue(
                "GE210",
                display,
                doc.line_of(loc),
                path_text(loc) or None,
                expected=f"schema {folder.name}",
                actual=None,
                reason=error.message,
            )
        )
    return out
