"""`grounded-events link`: a link appended to links.yaml, other files untouched, judged by the link rules."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from grounded_events._core.safe_yaml import loads
from grounded_events._core.version import SCHEMA_VERSION
from grounded_events._schema.models import Link, LinkFile
from grounded_events._sources.appending import CannotAppend
from grounded_events._sources.link import new_links_file, with_link
from grounded_events._validation import validate
from grounded_events.cli import main
from helpers import DOC_ID, TEXT, annotation_data, document, write_annotation

FIRST, SECOND, THIRD = "test-20231212", "second-20231213", "third-20231214"
NOTE = "Both report the rockets on the US embassy in Baghdad."


def _annotation(doc_id: str, text: str) -> dict[str, Any]:
    """The helpers' test annotation, recoded as document `doc_id` with text `text`."""
    data = annotation_data()
    data["doc_id"] = doc_id
    data["sha256"] = hashlib.sha256(text.encode()).hexdigest()
    for event in data["events"]:
        event["event_id"] = event["event_id"].replace(DOC_ID, doc_id)
    return data


def _dataset(tmp: Path, docs: tuple[str, ...] = (FIRST, SECOND)) -> Path:
    """Seeds and a dataset folder (annotations/, actors.yaml; no links.yaml) in which every
    document reports the helpers' attack; its texts start with the helpers' TEXT."""
    (tmp / "seeds").mkdir()
    (tmp / "data" / "annotations").mkdir(parents=True)
    index = []
    for n, doc_id in enumerate(docs):
        text = TEXT + f"Report {n}.\n" * n
        name = f"{n:03d}_{doc_id}.txt"
        (tmp / "seeds" / name).write_text(text, encoding="utf-8")
        entry = document().model_dump(mode="json")
        index.append({**entry, "doc_id": doc_id, "file": name, **_pin(text)})
        write_annotation(tmp / "data" / "annotations" / f"{doc_id}.yaml", _annotation(doc_id, text))
    (tmp / "seeds" / "index.json").write_text(json.dumps(index), encoding="utf-8")
    return tmp / "data"


def _pin(text: str) -> dict[str, str]:
    return {"sha256": hashlib.sha256(text.encode()).hexdigest()}


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*.y*ml"))
    }


def _link(
    capsys: pytest.CaptureFixture[str], dataset: Path, *argv: str, note: str = NOTE
) -> tuple[int, str, str]:
    code = main(["link", *argv, "--note", note, "--dataset", str(dataset)])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    return _dataset(tmp_path)


def test_a_third_report_is_linked_without_touching_the_other_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 14's promise: a third report of an incident already linked is linked to it; only
    links.yaml changes, and the dataset validates, links included."""
    dataset = _dataset(tmp_path, (FIRST, SECOND, THIRD))
    first = _link(capsys, dataset, f"{SECOND}-e01", "same_incident", f"{FIRST}-e01")
    assert first == (
        0,
        f"{dataset.as_posix()}/links.yaml:8: added {SECOND}-e01 same_incident {FIRST}-e01\n",
        "",
    )
    before = _files(dataset)
    code, out, err = _link(capsys, dataset, f"{THIRD}-e01", "same_incident", f"{FIRST}-e01")
    assert (code, err) == (0, ""), err
    assert out == (
        f"{dataset.as_posix()}/links.yaml:12: added {THIRD}-e01 same_incident {FIRST}-e01\n"
    )
    after = _files(dataset)
    assert {k for k in after if after[k] != before.get(k)} == {"links.yaml"}
    links = LinkFile.model_validate(loads((dataset / "links.yaml").read_text("utf-8")).data)
    assert [(x.source, x.target, x.note) for x in links.links] == [
        (f"{SECOND}-e01", f"{FIRST}-e01", NOTE),
        (f"{THIRD}-e01", f"{FIRST}-e01", NOTE),
    ]
    report = validate(dataset, seeds=tmp_path / "seeds")
    assert report.ok, list(report.errors)
    assert len(report.files) == 5  # three annotation files, actors.yaml and links.yaml


def test_a_new_links_file_starts_with_its_schema_line(
    dataset: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without links.yaml, link writes one that starts with the links schema line."""
    assert _link(capsys, dataset, f"{SECOND}-e02", "about", f"{FIRST}-e01")[0] == 0
    text = (dataset / "links.yaml").read_text(encoding="utf-8")
    assert text.startswith(
        f"# yaml-language-server: $schema=../schema/{SCHEMA_VERSION}/links.schema.json\n"
    )
    assert text.endswith(
        f"schema_version: {SCHEMA_VERSION}\n\nlinks:\n  - relation: about\n"
        f"    source: {SECOND}-e02\n    target: {FIRST}-e01\n    note: {NOTE}\n"
    )


def test_appending_keeps_every_line_and_comment(
    dataset: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An existing links.yaml keeps its comments and layout, byte for byte, above the new link."""
    old = (
        f"# my comment\nschema_version: {SCHEMA_VERSION}\nlinks:\n"
        f"  # the statement\n  - {{relation: about, source: {FIRST}-e02, target: {FIRST}-e01, "
        "note: \"it 'condemned the attack'\"}  # same document\n"
    )
    (dataset / "links.yaml").write_text(old, encoding="utf-8")
    assert _link(capsys, dataset, f"{SECOND}-e01", "same_incident", f"{FIRST}-e01")[0] == 0
    new = (dataset / "links.yaml").read_text(encoding="utf-8")
    assert new.startswith(old)
    assert len(LinkFile.model_validate(loads(new).data).links) == 2


def test_links_before_another_key_are_appended_in_place(
    dataset: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """When `links` does not end the file, the link still goes at the end of `links`, and the
    comments stay."""
    old = (
        f"links:\n  # the statement\n  - {{relation: about, source: {FIRST}-e02, "
        f"target: {FIRST}-e01, note: it}}  # same document\nschema_version: {SCHEMA_VERSION}\n"
    )
    (dataset / "links.yaml").write_text(old, encoding="utf-8")
    assert _link(capsys, dataset, f"{SECOND}-e01", "same_incident", f"{FIRST}-e01")[0] == 0
    new = (dataset / "links.yaml").read_text(encoding="utf-8")
    data = loads(new).data
    assert [x["source"] for x in data["links"]] == [f"{FIRST}-e02", f"{SECOND}-e01"]
    assert "# the statement" in new and "# same document" in new
    assert new.endswith(f"schema_version: {SCHEMA_VERSION}\n")


@pytest.mark.parametrize(
    ("source", "target"),
    [(f"{SECOND}-e01", f"{FIRST}-e01"), (f"{FIRST}-e01", f"{SECOND}-e01")],
)
def test_a_link_already_there_is_not_added_twice(
    dataset: Path, capsys: pytest.CaptureFixture[str], source: str, target: str
) -> None:
    """The same link again, or a same_incident link reversed, says where it is and writes nothing."""
    assert _link(capsys, dataset, f"{SECOND}-e01", "same_incident", f"{FIRST}-e01")[0] == 0
    before = _files(dataset)
    code, out, err = _link(capsys, dataset, source, "same_incident", target, note="again")
    assert (code, err) == (0, "")
    assert out == (
        f"{dataset.as_posix()}/links.yaml:8: already links {source} same_incident {target}; "
        "nothing written\n"
    )
    assert _files(dataset) == before


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            [f"{SECOND}-e01", "same", f"{FIRST}-e01"],
            "link: relation 'same' is not one of same_incident, part_of, in_response_to, about\n",
        ),
        (
            [f"{SECOND}-e09", "same_incident", f"{FIRST}-e01"],
            f"link: no event '{SECOND}-e09' in the annotation files of {{dataset}}; did you mean "
            f"{SECOND}-e02?\n",
        ),
        (
            [f"{SECOND}-e01", "about", "nothing-like-it"],
            "link: no event 'nothing-like-it' in the annotation files of {dataset}\n",
        ),
        (
            [f"{SECOND}-e02", "about", f"{FIRST}-e01", "--note", ""],
            "link: --note: should have at least 1 characters or items\n",
        ),
    ],
)
def test_an_unknown_event_or_relation_is_refused(
    dataset: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    """An unknown relation, an event no annotation file codes, or an empty note exits 2 with a
    one-line message, and nothing is written."""
    before = _files(dataset)
    code = main(["link", "--note", NOTE, *argv, "--dataset", str(dataset)])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err == message.format(dataset=dataset)
    assert _files(dataset) == before


def test_an_unreadable_file_is_named_when_an_event_is_not_found(
    dataset: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """When an annotation file cannot be read, the refusal says it may hold the event."""
    broken = dataset / "annotations" / "broken.yaml"
    broken.write_text("events: [unclosed\n", encoding="utf-8")
    code, _, err = _link(capsys, dataset, "broken-e01", "about", f"{FIRST}-e01")
    assert code == 2
    assert err.endswith(f"({broken} cannot be read: validate it)\n")


def test_a_link_breaking_its_relation_rule_is_added_and_reported(
    dataset: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """part_of pointing at a single attack is written, reported as GE609 at its line, exit 1."""
    code, out, err = _link(capsys, dataset, f"{SECOND}-e01", "part_of", f"{FIRST}-e01")
    assert code == 1
    links = f"{dataset.as_posix()}/links.yaml"
    assert out == f"{links}:8: added {SECOND}-e01 part_of {FIRST}-e01\n"
    assert err == (
        f"{links}:10: GE609 links[0].target: {FIRST}-e01 is not an aggregate (is_aggregate: "
        f"true) (expected a link its relation allows; got '{SECOND}-e01 part_of {FIRST}-e01')\n"
        "link: the link is added, but breaks the rules above; fix the events it joins, or "
        f"remove it from {links}\n"
    )
    assert "part_of" in (dataset / "links.yaml").read_text(encoding="utf-8")


def test_a_cycle_is_reported_by_the_link_that_closes_it(
    dataset: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The in_response_to link that closes a circle brings GE610; the first one brought none."""
    assert _link(capsys, dataset, f"{SECOND}-e01", "in_response_to", f"{FIRST}-e01")[0] == 0
    code, _, err = _link(capsys, dataset, f"{FIRST}-e01", "in_response_to", f"{SECOND}-e01")
    assert code == 1
    assert (
        f"GE610 links[0]: the in_response_to links of {SECOND}-e01, {FIRST}-e01 form a cycle" in err
    )


def test_linked_reports_that_cannot_both_be_true_are_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Joining as one incident two reports in different first-level divisions brings GE611."""
    dataset = _dataset(tmp_path)
    path = dataset / "annotations" / f"{SECOND}.yaml"
    data = loads(path.read_text(encoding="utf-8")).data
    data["events"][0]["location"].update(admin1_code="IQ-AR", latitude=36.19, longitude=44.01)
    write_annotation(path, data)
    code, _, err = _link(capsys, dataset, f"{SECOND}-e01", "same_incident", f"{FIRST}-e01")
    assert code == 1
    assert (
        f"GE611 links[0]: {SECOND}-e01 and {FIRST}-e01 are one incident but they are in "
        "different first-level divisions (IQ-AR and IQ-BG)"
    ) in err


def test_issues_already_in_the_file_are_not_reported_again(
    dataset: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Only the issues the new link brings are reported: an old broken link is validate's."""
    assert _link(capsys, dataset, f"{SECOND}-e01", "part_of", f"{FIRST}-e01")[0] == 1
    code, _, err = _link(capsys, dataset, f"{SECOND}-e02", "about", f"{FIRST}-e01")
    assert (code, err) == (0, "")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("links: [unclosed\n", "links.yaml:2: not readable YAML"),
        ("- a list\n", "links.yaml: not a links file (a mapping with a list `links`)"),
        ("links: {a: 1}\n", "links.yaml: not a links file (a mapping with a list `links`)"),
    ],
)
def test_a_links_file_that_is_not_one_is_refused(
    dataset: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    """A links.yaml that cannot be read as one is named, exit 2, and left as it was."""
    (dataset / "links.yaml").write_text(text, encoding="utf-8")
    code, _, err = _link(capsys, dataset, f"{SECOND}-e01", "same_incident", f"{FIRST}-e01")
    assert code == 2
    assert message in err
    assert (dataset / "links.yaml").read_text(encoding="utf-8") == text


def test_no_dataset_folder_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A --dataset that is not a folder exits 2 and says what to pass."""
    code, _, err = _link(capsys, tmp_path / "none", "a-e01", "about", "b-e01")
    assert code == 2
    assert (
        err
        == f"link: {tmp_path / 'none'}: no such folder; pass --dataset DIR (the folder of links.yaml)\n"
    )


def test_with_link_writes_evidence_spans_one_per_line() -> None:
    """A link with evidence is written with each span on one line, and reads back as the link."""
    link = Link.model_validate(
        {
            "relation": "part_of",
            "source": "a-e01",
            "target": "a-e02",
            "evidence": [{"doc_id": "a", "start": 0, "end": 9, "quote": "say \"it's"}],
        }
    )
    appended = with_link(None, link)
    assert appended.text is not None and appended.index == 0
    assert appended.text.startswith(new_links_file().removesuffix("links: []\n"))
    assert "      - {doc_id: a, start: 0, end: 9, quote: " in appended.text
    assert LinkFile.model_validate(loads(appended.text).data).links == [link]


def test_with_link_refuses_yaml_the_safe_reader_refuses() -> None:
    """Duplicate keys are refused before the round-trip reader sees the text."""
    link = Link.model_validate({"relation": "about", "source": "a", "target": "b", "note": "n"})
    with pytest.raises(CannotAppend, match=r"links\.yaml:2: not readable YAML"):
        with_link("links: []\nlinks: []\n", link)
