"""The multi-source fixture dataset (tests/fixtures/multisource): it validates, builds and grows."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from grounded_events._core.safe_yaml import loads
from grounded_events._package.build import build
from grounded_events._package.inputs import InvalidInputs
from grounded_events._schema.tables import TABLES
from grounded_events._validation import validate
from helpers import ROOT, cli

FIXTURES = ROOT / "tests" / "fixtures" / "multisource"
THIRD = FIXTURES / "third"
THIRD_DOC_ID = "capital-courier-20231210"
# The embassy attack as each report codes it (A, B, and the third report C).
EMBASSY_EVENTS = [
    "capital-courier-20231210-e01",
    "euphrates-post-20231209-e01",
    "tigris-wire-20231208-e01",
]


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    """A copy of the fixture dataset (seeds and datasets folders) to edit."""
    root = tmp_path / "multisource"
    for folder in ("seeds", "datasets"):
        shutil.copytree(FIXTURES / folder, root / folder)
    return root


def _annotations(root: Path) -> list[Path]:
    return sorted((root / "datasets" / "annotations").glob("*.yaml"))


def _texts(root: Path) -> dict[str, str]:
    """Each document's text by doc_id, read as the validator reads it (UTF-8, verbatim)."""
    index = json.loads((root / "seeds" / "index.json").read_text(encoding="utf-8"))
    return {
        entry["doc_id"]: (root / "seeds" / entry["file"]).read_bytes().decode("utf-8")
        for entry in index
    }


def _spans(root: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """(doc_id, span) of every evidence item of the annotation files and of links.yaml."""
    for path in _annotations(root):
        data = loads(path.read_text(encoding="utf-8")).data
        for event in data["events"]:
            for span in event["evidence"]:
                yield data["doc_id"], span
    links = loads((root / "datasets" / "links.yaml").read_text(encoding="utf-8")).data
    for link in links["links"]:
        for span in link.get("evidence", []):
            yield span["doc_id"], span


def _add_third_report(root: Path) -> None:
    """Add the third report as a user would: copy its text, append its index entry, write its
    annotation file and append its links; no other document's file is opened for writing."""
    entry = json.loads((THIRD / "index-entry.json").read_text(encoding="utf-8"))
    shutil.copyfile(THIRD / entry["file"], root / "seeds" / entry["file"])
    index_path = root / "seeds" / "index.json"
    index = json.loads(index_path.read_text(encoding="utf-8"))
    index = sorted([*index, entry], key=lambda e: str(e["doc_id"]))
    index_path.write_text(json.dumps(index, indent=2, ensure_ascii=False) + "\n", "utf-8")
    name = f"{THIRD_DOC_ID}.yaml"
    shutil.copyfile(THIRD / name, root / "datasets" / "annotations" / name)
    added = (THIRD / "links.yaml").read_text(encoding="utf-8").split("links:\n", 1)[1]
    with (root / "datasets" / "links.yaml").open("a", encoding="utf-8") as links:
        links.write(added)


def _hashes(paths: list[Path]) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


def _append_link(root: Path, relation: str, source: str, target: str) -> None:
    with (root / "datasets" / "links.yaml").open("a", encoding="utf-8") as links:
        links.write(
            f"  - relation: {relation}\n    source: {source}\n    target: {target}\n"
            "    note: Added by a negative test.\n"
        )


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not once in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def _codes(root: Path) -> set[str]:
    report = validate(root / "datasets" / "annotations", seeds=root / "seeds")
    return report.codes


# --- the dataset as committed ----------------------------------------------------------------


def test_fixture_folder_validates_with_no_issue() -> None:
    """`validate` on the fixtures' annotations folder finds nothing wrong."""
    report = validate(FIXTURES / "datasets" / "annotations", seeds=FIXTURES / "seeds")
    assert list(report.errors) == []


def test_fixture_dataset_folder_with_registry_and_links_validates() -> None:
    """`validate` on datasets/ (actors.yaml, links.yaml and the annotations) finds nothing."""
    report = validate(FIXTURES / "datasets", seeds=FIXTURES / "seeds")
    assert list(report.errors) == []
    assert len(report.files) == 6


def test_each_fixture_file_validates_with_no_issue() -> None:
    """Each annotation file alone gives the folder's verdict: no issue."""
    for path in _annotations(FIXTURES):
        report = validate(path, seeds=FIXTURES / "seeds")
        assert list(report.errors) == [], path.name


def test_fixture_dataset_builds_and_the_package_validates(tmp_path: Path) -> None:
    """`build --out` accepts the fixtures, and the package it writes validates."""
    out = tmp_path / "package"
    result = cli(
        "build",
        "--annotations",
        str(FIXTURES / "datasets" / "annotations"),
        "--seeds",
        str(FIXTURES / "seeds"),
        "--out",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    for engine in ("columnar", "rows"):
        assert list(validate(out / "datapackage.json", engine=engine).errors) == [], engine


def test_unknown_and_estimated_publication_dates_reach_the_package(tmp_path: Path) -> None:
    """The documents table keeps an unknown publication date empty and says which is estimated."""
    build(FIXTURES / "datasets" / "annotations", FIXTURES / "seeds", tmp_path / "package")
    rows = pq.read_table(tmp_path / "package" / "documents.parquet").to_pylist()
    dates = {r["doc_id"]: (r["published_date"], r["published_date_basis"]) for r in rows}
    assert dates["zagros-observer-undated"] == (None, "unknown")
    assert dates["meridian-news-agency-20231212"] == (dt.date(2023, 12, 12), "estimated")


def test_cli_validate_of_the_folder_exits_0() -> None:
    """`grounded-events validate` on the folder, as a user runs it, exits 0."""
    result = cli(
        "validate",
        "--seeds",
        str(FIXTURES / "seeds"),
        str(FIXTURES / "datasets" / "annotations"),
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_quote_equals_its_slice() -> None:
    """Every evidence quote, of the events and of the links, is its text's slice."""
    texts = _texts(FIXTURES)
    spans = list(_spans(FIXTURES))
    assert len(spans) > 60
    for doc_id, span in spans:
        assert texts[doc_id][span["start"] : span["end"]] == span["quote"], span


def test_every_according_to_occurs_in_its_text() -> None:
    """The words `according_to` names are the document's own words."""
    texts = _texts(FIXTURES)
    named = [(doc_id, s["according_to"]) for doc_id, s in _spans(FIXTURES) if "according_to" in s]
    assert len(named) > 10
    for doc_id, words in named:
        assert words in texts[doc_id], (doc_id, words)


def test_third_report_is_neither_in_the_seeds_nor_in_the_dataset() -> None:
    """Until a test adds it, no seed, file or link of the dataset names the third report."""
    assert THIRD_DOC_ID not in _texts(FIXTURES)
    assert not (FIXTURES / "datasets" / "annotations" / f"{THIRD_DOC_ID}.yaml").exists()
    assert THIRD_DOC_ID not in (FIXTURES / "datasets" / "links.yaml").read_text("utf-8")


# --- a third report joins the dataset --------------------------------------------------------


def test_third_report_is_added_without_touching_other_files(dataset: Path) -> None:
    """A third report joins, valid, leaving other annotation files and actors.yaml unchanged."""
    registry = dataset / "datasets" / "actors.yaml"
    before = _hashes([*_annotations(dataset), registry])
    _add_third_report(dataset)
    after = _hashes([*_annotations(dataset), registry])
    assert set(after) - set(before) == {f"{THIRD_DOC_ID}.yaml"}
    assert {name: after[name] for name in before} == before
    assert (
        list(validate(dataset / "datasets" / "annotations", seeds=dataset / "seeds").errors) == []
    )
    for path in _annotations(dataset):
        assert list(validate(path, seeds=dataset / "seeds").errors) == [], path.name
    for doc_id, span in _spans(dataset):
        assert _texts(dataset)[doc_id][span["start"] : span["end"]] == span["quote"]


# --- what the validator refuses, on an edited copy -------------------------------------------


def test_same_incident_with_a_statement_is_ge609(dataset: Path) -> None:
    """same_incident links two violent events: a statement at one end is GE609."""
    _append_link(
        dataset, "same_incident", "tigris-wire-20231208-e02", "euphrates-post-20231209-e01"
    )
    assert _codes(dataset) == {"GE609"}


def test_part_of_a_single_incident_is_ge609(dataset: Path) -> None:
    """part_of points at an aggregate: a single incident as its target is GE609."""
    _append_link(dataset, "part_of", "zagros-observer-undated-e02", "euphrates-post-20231209-e01")
    assert _codes(dataset) == {"GE609"}


def test_part_of_in_a_circle_is_ge610(dataset: Path) -> None:
    """The whole campaign made part of its own Iraq part closes a cycle: GE610."""
    _append_link(
        dataset, "part_of", "meridian-news-agency-20231212-e01", "meridian-news-agency-20231212-e02"
    )
    assert _codes(dataset) == {"GE610"}


def test_same_incident_in_two_provinces_is_ge611(dataset: Path) -> None:
    """Two reports linked as one incident that place it in different provinces: GE611."""
    _replace(
        dataset / "datasets" / "annotations" / "euphrates-post-20231209.yaml",
        "admin1_code: IQ-BG",
        "admin1_code: IQ-BA",
    )
    assert _codes(dataset) == {"GE611"}


def test_according_to_missing_from_the_text_is_ge514(dataset: Path) -> None:
    """`according_to` words that the text does not hold: GE514."""
    _replace(
        dataset / "datasets" / "annotations" / "tigris-wire-20231208.yaml",
        'quote: "caused minor material damage", according_to: "the official"',
        'quote: "caused minor material damage", according_to: "the ministry"',
    )
    assert _codes(dataset) == {"GE514"}


def test_a_bad_link_gets_one_verdict_everywhere(dataset: Path, tmp_path: Path) -> None:
    """A bad link: one verdict from the folder, each file it links and build; none elsewhere."""
    _append_link(
        dataset, "same_incident", "tigris-wire-20231208-e02", "euphrates-post-20231209-e01"
    )
    annotations = dataset / "datasets" / "annotations"
    folder = validate(annotations, seeds=dataset / "seeds")
    assert folder.codes == {"GE609"}
    for doc_id in ("tigris-wire-20231208", "euphrates-post-20231209"):
        alone = validate(annotations / f"{doc_id}.yaml", seeds=dataset / "seeds")
        assert [i.to_dict() for i in alone.errors] == [i.to_dict() for i in folder.errors], doc_id
    uninvolved = validate(annotations / "zagros-observer-undated.yaml", seeds=dataset / "seeds")
    assert list(uninvolved.errors) == []
    with pytest.raises(InvalidInputs) as refused:
        build(annotations, dataset / "seeds", tmp_path / "package")
    assert [i.to_dict() for i in refused.value.report.errors] == [
        i.to_dict() for i in folder.errors
    ]
    assert not (tmp_path / "package").exists()


# --- the incidents table ---------------------------------------------------------------------


@pytest.mark.skipif("incidents" not in TABLES, reason="no incidents table in the package yet")
def test_embassy_attack_is_one_incident_after_the_third_report(dataset: Path) -> None:
    """Built with the third report, the embassy attack is one incidents row of three events."""
    _add_third_report(dataset)
    out = dataset / "package"
    build(dataset / "datasets" / "annotations", dataset / "seeds", out)
    rows = pq.read_table(out / "incidents.parquet").to_pylist()
    embassy = [r for r in rows if set(EMBASSY_EVENTS) & set(r["event_ids"])]
    assert len(embassy) == 1
    assert embassy[0]["event_ids"] == EMBASSY_EVENTS
