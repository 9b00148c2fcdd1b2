"""The project's file layout: the dataset's folder (annotations, actors, links) next to the seeds, and the line its files start with."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from grounded_events._core.dataset_files import (
    ACTORS_FILE,
    ANNOTATION_SUFFIXES,
    ANNOTATIONS_DIR,
    LINKS_FILE,
)
from grounded_events._schema.generate import BASE_URI

# The JSON Schema each file of the dataset is checked against, by file name.
SCHEMA_NAMES = {ACTORS_FILE: "actors", LINKS_FILE: "links"}
# The editor hint an annotation file starts with; group 1 is the schema's address.
SCHEMA_LINE = re.compile(r"#\s*yaml-language-server:\s*\$schema=(\S+)\s*")


def annotations_dir(seeds_dir: Path) -> Path:
    """The dataset's annotations folder of the project whose seeds folder is `seeds_dir`."""
    return seeds_dir.resolve().parent / ANNOTATIONS_DIR


def in_dataset(path: Path, seeds_dir: Path) -> bool:
    """Whether `path` is a file of the dataset's annotations folder (not a user's file elsewhere,
    a conformance case or a test fixture): the layout rules apply to it."""
    return path.parent.resolve() == annotations_dir(seeds_dir)


def dataset_annotations(folder: Path) -> list[Path]:
    """The annotation files of the dataset in `folder`, in name order: those of its annotations
    folder, or, without one, the YAML (and JSON) files beside actors.yaml and links.yaml. The
    validator reads a JSON annotation file too, so its events use the registry's actors."""
    inner = folder / ANNOTATIONS_DIR.name
    where = inner if inner.is_dir() else folder
    return sorted(
        p
        for p in where.iterdir()
        if p.suffix in (*ANNOTATION_SUFFIXES, ".json")
        and p.name not in SCHEMA_NAMES
        and p.is_file()
    )


def schema_name(path: Path) -> str:
    """The published JSON Schema a dataset file follows: actors, links, or annotation."""
    return SCHEMA_NAMES.get(path.name, "annotation")


def schema_address(version: str, name: str = "annotation") -> str:
    """The JSON Schema `name` of `version`, relative to the dataset's annotations folder: in the
    project root's schema/<version>/ (the dataset folder's files are one level higher)."""
    depth = len(ANNOTATIONS_DIR.parts) - (name != "annotation")
    return f"{'../' * depth}schema/{version}/{name}.schema.json"


def schema_url(version: str, name: str = "annotation") -> str:
    """The JSON Schema `name` of `version` at its published address (its `$id`): what the first
    line names in a project without the schema folder, e.g. a user's repository."""
    return f"{BASE_URI}/{version}/{name}.schema.json"


def schema_line(version: str, name: str = "annotation") -> str:
    """The first line of a dataset file of `version`: editors check the file as you type."""
    return f"# yaml-language-server: $schema={schema_address(version, name)}"


def add_dataset_argument(parser: argparse.ArgumentParser) -> None:
    """--dataset: the folder of actors.yaml, links.yaml and annotations/ a command edits."""
    parser.add_argument(
        "--dataset",
        default="datasets",
        metavar="DIR",
        help="the dataset folder: actors.yaml, links.yaml, annotations/ (default: datasets)",
    )
