"""Where a dataset's files are: its annotations folder, actors.yaml and links.yaml, and the folder that holds them."""

from __future__ import annotations

from pathlib import Path

# Where `add` writes and `build` and `report` read the dataset's annotation files, relative to the
# project root: the folder that holds the seeds folder.
ANNOTATIONS_DIR = Path("datasets/annotations")
# The names `build` reads there: one `<doc_id>.yaml` (or .yml) per document.
ANNOTATION_SUFFIXES = (".yaml", ".yml")
# The dataset-level files, in the dataset folder (the annotations folder's parent): the actors of
# every document, declared once, and the links between events across documents.
ACTORS_FILE = "actors.yaml"
LINKS_FILE = "links.yaml"
DATASET_FILES = (ACTORS_FILE, LINKS_FILE)


def dataset_dir(path: Path) -> Path:
    """The dataset folder of a file: the annotations folder's parent (`datasets/` for
    `datasets/annotations/x.yaml`), unless that folder itself holds actors.yaml or links.yaml;
    any other file's own folder. The validator, `build`, `migrate` and the editing commands all
    find the dataset's files there."""
    folder = path.parent
    if folder.name == ANNOTATIONS_DIR.name and not any(
        (folder / n).is_file() for n in DATASET_FILES
    ):
        return folder.parent
    return folder
