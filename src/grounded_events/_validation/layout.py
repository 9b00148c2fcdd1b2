"""The dataset's layout rules: an annotation file of its folder is named `<doc_id>.yaml` and starts with the schema line."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

from grounded_events._core.dataset_files import ANNOTATION_SUFFIXES
from grounded_events._schema.models import SLUG
from grounded_events._sources.layout import SCHEMA_LINE, schema_address, schema_line, schema_url
from grounded_events._validation.codes import issue
from grounded_events._validation.issues import Issue

# A first line longer than this is shown cut: it is not the schema line anyway.
_SHOWN = 120


def _cut(text: str) -> str:
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "…"


def layout_issues(
    path: Path, display: str, text: str, doc_id: str | None, doc_id_line: int | None, version: str
) -> list[Issue]:
    """GE606 and GE607 for a file of the dataset's annotations folder (in_dataset): `add`,
    `build` and `report --doc` find a document's file by its name, and editors check a file
    against the schema its first line names."""
    issues = []
    if path.suffix.lower() != ".json":  # JSON has no comments: the line comes with the rename
        issues += _schema_line_issues(display, text, version)
    # a doc_id that is not an id is the schema's error: no file name to suggest from it
    if doc_id is None or not re.fullmatch(SLUG, doc_id):
        return issues
    if path.name not in [doc_id + s for s in ANNOTATION_SUFFIXES]:
        issues.append(
            issue(
                "GE606",
                display,
                doc_id_line,
                "doc_id",
                expected=f"{doc_id}.yaml",
                actual=path.name,
                variant="json" if path.suffix.lower() == ".json" else "",
                name=path.name,
                doc_id=doc_id,
            )
        )
    return issues


def _schema_line_issues(display: str, text: str, version: str) -> list[Issue]:
    """GE607 when the first line is not the schema line naming `version`'s annotation schema:
    its published address, or any address that resolves to the project's schema folder from the
    file's folder."""
    first = text.split("\n", 1)[0]
    header = schema_line(version)
    found = SCHEMA_LINE.fullmatch(first)
    if found is None:
        variant, address = "", None
    # resolved as an editor resolves a relative URI: by its text, in the file's folder
    elif found[1] != schema_url(version) and posixpath.normpath(found[1]) != posixpath.normpath(
        schema_address(version)
    ):
        variant, address = "address", _cut(found[1])
    else:
        return []
    return [
        issue(
            "GE607",
            display,
            1,
            expected="the schema line",
            actual=_cut(first),
            variant=variant,
            address=address,
            header=header,
            version=version,
        )
    ]
