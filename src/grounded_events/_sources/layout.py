"""The project's file layout: the dataset's annotations folder next to the seeds, and the line its files start with."""

from __future__ import annotations

import re
from pathlib import Path

from grounded_events._schema.generate import BASE_URI

# Where `add` writes and `build` and `report` read the dataset's annotation files, relative to the
# project root: the folder that holds the seeds folder.
ANNOTATIONS_DIR = Path("datasets/annotations")
# The names `build` reads there: one `<doc_id>.yaml` (or .yml) per document.
ANNOTATION_SUFFIXES = (".yaml", ".yml")
# The editor hint an annotation file starts with; group 1 is the schema's address.
SCHEMA_LINE = re.compile(r"#\s*yaml-language-server:\s*\$schema=(\S+)\s*")


def annotations_dir(seeds_dir: Path) -> Path:
    """The dataset's annotations folder of the project whose seeds folder is `seeds_dir`."""
    return seeds_dir.resolve().parent / ANNOTATIONS_DIR


def in_dataset(path: Path, seeds_dir: Path) -> bool:
    """Whether `path` is a file of the dataset's annotations folder (not a user's file elsewhere,
    a conformance case or a test fixture): the layout rules apply to it."""
    return path.parent.resolve() == annotations_dir(seeds_dir)


def schema_address(version: str) -> str:
    """The annotation schema of `version`, relative to the dataset's annotations folder: in the
    project root's schema/<version>/."""
    up = "../" * len(ANNOTATIONS_DIR.parts)
    return f"{up}schema/{version}/annotation.schema.json"


def schema_url(version: str) -> str:
    """The annotation schema of `version` at its published address (its `$id`): what the first
    line names in a project without the schema folder, e.g. a user's repository."""
    return f"{BASE_URI}/{version}/annotation.schema.json"


def schema_line(version: str) -> str:
    """The first line of an annotation file of `version`: editors check the file as you type."""
    return f"# yaml-language-server: $schema={schema_address(version)}"
