"""`grounded-events add`: a new text copied verbatim, indexed, and given a skeleton; never half done."""

from __future__ import annotations

import hashlib
import json
import re
import shlex
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grounded_events import load
from grounded_events._core.dataset_files import DATASET_FILES
from grounded_events._core.safe_yaml import loads
from grounded_events._core.text import json_text
from grounded_events._core.version import SCHEMA_VERSION
from grounded_events._schema.models import SLUG, ActorRegistry, AnnotationFile, Event
from grounded_events._sources import add as _add
from grounded_events._sources.add import publisher_slug
from grounded_events._sources.seeds import read_index, read_seeds, seed_file_name
from grounded_events._validation import validate
from grounded_events._validation.codes import layer_of
from grounded_events.cli import main
from helpers import ROOT, SEED_DOC_ID

FIXTURE = ROOT / "tests" / "fixtures" / "add" / "report.txt"
HEADER = f"# yaml-language-server: $schema=../../schema/{SCHEMA_VERSION}/annotation.schema.json"
DOC_ID = "example-news-20240202"

ARGS = [
    "--publisher",
    "Example News",
    "--url",
    "https://example.org/2024/02/02/drones",
    "--published-date",
    "2024-02-02",
    "--dateline",
    "Baghdad",
    "--annotator",
    "tester",
    "--annotated",
    "2024-02-03",
]


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A checkout's seeds/ and dataset (annotations, actors.yaml, links.yaml) copied into a
    temporary folder (the cwd)."""
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    shutil.copytree(ROOT / "datasets" / "annotations", tmp_path / "datasets" / "annotations")
    for name in DATASET_FILES:
        shutil.copy(ROOT / "datasets" / name, tmp_path / "datasets" / name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _add_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["add", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _skeleton(repo: Path) -> dict[str, Any]:
    text = (repo / "datasets" / "annotations" / f"{DOC_ID}.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = loads(text).data
    return data


def test_copies_the_text_byte_for_byte_under_its_documented_name(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The text lands in seeds/ as `<NNN>_<16 hex of its sha256>.txt`, its bytes unchanged."""
    code, _, err = _add_cli(capsys, str(FIXTURE), *ARGS)
    assert code == 0, err
    data = FIXTURE.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    copy = repo / "seeds" / f"001_{sha[:16]}.txt"
    assert copy.read_bytes() == data
    assert "’".encode() in data  # multi-byte characters were copied as they are


def test_index_entry_is_added_sorted_and_verified(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """index.json gains the new entry, stays sorted, keeps the old ones, and every hash checks."""
    before = json.loads((repo / "seeds" / "index.json").read_text(encoding="utf-8"))
    assert _add_cli(capsys, str(FIXTURE), *ARGS)[0] == 0
    raw = (repo / "seeds" / "index.json").read_text(encoding="utf-8")
    entries = json.loads(raw)
    assert raw == json_text(entries)
    assert [e["doc_id"] for e in entries] == sorted([SEED_DOC_ID, DOC_ID])
    assert [e for e in entries if e["doc_id"] == SEED_DOC_ID] == before
    seeds = read_seeds(repo / "seeds")  # checks every sha256 against the bytes
    document = seeds[DOC_ID].document
    assert document.sha256 == hashlib.sha256(FIXTURE.read_bytes()).hexdigest()
    assert (document.publisher, str(document.published_date)) == ("Example News", "2024-02-02")
    assert document.published_date_basis == "byline"
    assert document.title == "Drone strikes near Baghdad airport, embassy says no staff hurt"
    assert document.dateline == "Baghdad"
    assert seeds[DOC_ID].text == FIXTURE.read_text(encoding="utf-8")


def test_the_committed_index_is_written_as_add_writes_it(root: Path) -> None:
    """The committed index is in the layout add writes, so an add changes only the new entry."""
    raw = (root / "seeds" / "index.json").read_text(encoding="utf-8")
    entries = json.loads(raw)
    assert raw == json_text(sorted(entries, key=lambda e: e["doc_id"]))


def test_documented_example_runs_as_shown(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The docs' `add` example, run on the fixture it names, prints exactly what it shows."""
    readme = (ROOT / "docs" / "annotating.md").read_text(encoding="utf-8")
    block = re.search(r"```console\n\$ (\.venv/bin/grounded-events add .*?)```", readme, re.S)
    assert block is not None
    command, _, shown = block[1].partition("\n    ")
    rest, _, shown = shown.partition("\n")
    argv = shlex.split(f"{command.rstrip(chr(92))} {rest}")
    assert argv[:2] == [".venv/bin/grounded-events", "add"]
    shutil.copy(FIXTURE, repo / argv[2])
    code, out, err = _add_cli(capsys, *argv[2:])
    assert code == 0, err
    assert out == shown


def test_seed_file_name_follows_the_written_rule() -> None:
    """The next number after the highest in the index, three digits or more, and 16 hex of sha256."""
    sha = hashlib.sha256(b"text").hexdigest()
    assert seed_file_name([], sha) == f"000_{sha[:16]}.txt"
    seed = read_index(ROOT / "seeds")
    assert seed_file_name(seed, sha) == f"001_{sha[:16]}.txt"
    later = seed[0].model_copy(update={"file": "999_x.txt"})
    assert seed_file_name([*seed, later], sha) == f"1000_{sha[:16]}.txt"


def test_the_rule_is_written_in_annotating() -> None:
    """ANNOTATING.md states the file name rule the command follows."""
    guide = (ROOT / "ANNOTATING.md").read_text(encoding="utf-8")
    assert "<NNN>_<first 16 hex digits of its sha256>.txt" in guide
    assert "grounded-events add" in guide


def test_skeleton_pins_the_document(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The skeleton starts with the schema line and pins doc_id, sha256, date and annotators."""
    assert _add_cli(capsys, str(FIXTURE), *ARGS)[0] == 0
    path = repo / "datasets" / "annotations" / f"{DOC_ID}.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == HEADER
    assert f"#   grounded-events locate --fill datasets/annotations/{DOC_ID}.yaml" in lines
    assert "# Publication date 2024-02-02 (Friday; basis: byline)." in " ".join(lines)
    data = _skeleton(repo)
    assert data["doc_id"] == DOC_ID
    assert data["sha256"] == hashlib.sha256(FIXTURE.read_bytes()).hexdigest()
    assert (data["annotated"], data["annotators"], data["events"]) == ("2024-02-03", ["tester"], [])
    AnnotationFile.model_validate(data)


def test_skeleton_comments_hold_any_title_on_one_line(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A title or publisher with line breaks YAML knows (U+2028, U+0085) or controls stays a comment."""
    title = "Drones\u2028over Baghdad\x85: a \x9b report\nof \u2029 Thursday"
    args = [*ARGS, "--title", title, "--publisher", "Example\u2028News"]
    assert _add_cli(capsys, str(FIXTURE), *args)[0] == 0
    text = (repo / "datasets" / "annotations" / f"{DOC_ID}.yaml").read_text(encoding="utf-8")
    assert '# Example News, 2024-02-02: "Drones over Baghdad : a report of Thursday".' in text
    AnnotationFile.model_validate(loads(text).data)
    assert read_seeds(repo / "seeds")[DOC_ID].document.title == title


def test_skeleton_lists_the_registry_actors_the_text_names(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The skeleton has no actors of its own: it lists, as comments with their ids, the
    registry's actors whose name or a variant the text uses, and the words that named them."""
    assert _add_cli(capsys, str(FIXTURE), *ARGS)[0] == 0
    text = (repo / "datasets" / "annotations" / f"{DOC_ID}.yaml").read_text(encoding="utf-8")
    assert "actors" not in _skeleton(repo)
    listed = [line for line in text.splitlines() if re.match(r"#   [a-z0-9-]+ +[A-Z]", line)]
    # "Baghdad" is a variant of the government's; the text also names it in full
    assert listed == [
        '#   usa-embassy-baghdad  US Embassy in Baghdad: "the US Embassy in Baghdad"',
        '#   iraq-government      Government of Iraq: "Baghdad", "Government of Iraq"',
    ]
    assert "declared once for the dataset in datasets/actors.yaml" in text
    assert "grounded-events link SOURCE RELATION TARGET" in text


def test_skeleton_validates_without_structure_or_grounding_errors(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`validate` finds nothing wrong with the skeleton's structure, vocabulary, grounding or
    place in the dataset (its name and schema line, GE606 and GE607)."""
    assert _add_cli(capsys, str(FIXTURE), *ARGS)[0] == 0
    report = validate(repo / "datasets" / "annotations" / f"{DOC_ID}.yaml", seeds=repo / "seeds")
    layers = {layer_of(e.code) for e in report.errors}
    assert not layers & {"input", "structure", "vocabulary", "grounding"}, list(report.errors)
    assert not report.codes & {"GE606", "GE607"}, list(report.errors)


def test_coding_one_event_into_the_skeleton_gives_a_valid_file(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """End to end, as a contributor works: add the text, code one event writing only quotes,
    `locate --fill` the offsets: the file validates, its report page is written, and it builds
    into a package that loads."""
    assert _add_cli(capsys, str(FIXTURE), *ARGS)[0] == 0
    path = repo / "datasets" / "annotations" / f"{DOC_ID}.yaml"
    data = _skeleton(repo)
    text = read_seeds(repo / "seeds")[DOC_ID].text

    def span(field: str, quote: str) -> dict[str, Any]:
        return {"field": field, "quote": quote}  # no hand-counted offset

    data["events"] = [
        {
            "event_id": f"{DOC_ID}-e01",
            "event_type": "remote_violence",
            "event_subtype": "rocket_attack",
            "summary": "A rocket landed inside the US Embassy compound in Baghdad.",
            "date": {
                "start": "2024-01-31",
                "end": "2024-01-31",
                "precision": "day",
                "basis": "relative_to_publication",
                "note": "A day before the drones of Thursday 2024-02-01 (published Friday).",
            },
            "location": {
                "name": "US Embassy, Baghdad",
                "country_iso3": "IRQ",
                "admin1_code": "IQ-BG",
                "latitude": 33.2985,
                "longitude": 44.3955,
                "geo_precision": "site",
                "note": "The embassy's compound in the International Zone; no GeoNames id.",
            },
            "participants": [{"actor_id": "usa-embassy-baghdad", "role": "target"}],
            "attribution": {"status": "unattributed"},
            "weapons": ["rocket"],
            "evidence": [
                span("event", "a rocket landed inside the compound of the US Embassy in Baghdad"),
                span("date", "a day after"),
                span("location", "the compound of the US Embassy in Baghdad"),
                span("target", "the US Embassy in Baghdad"),
                span("weapons", "a rocket"),
            ],
        }
    ]
    path.write_text(HEADER + "\n" + json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert main(["locate", "--fill", str(path), "--seeds", "seeds"]) == 0, capsys.readouterr()
    for item in loads(path.read_text("utf-8")).data["events"][0]["evidence"]:
        assert text[item["start"] : item["end"]] == item["quote"]
    report = validate(path, seeds=repo / "seeds")
    assert report.ok, list(report.errors)
    # the page to look at while coding, rebuilt for this one document
    assert main(["report", "--doc", DOC_ID, "--out", "report"]) == 0, capsys.readouterr().err
    assert (repo / "report" / "documents" / f"{DOC_ID}.html").is_file()
    out = repo / "package"  # not the default --out, which would also write the checkout's registry
    argv = ["build", "--annotations", "datasets/annotations", "--seeds", "seeds", "--out", str(out)]
    assert main(argv) == 0, capsys.readouterr().err
    documents = load("documents", path=out)
    assert sorted(documents["doc_id"]) == sorted([SEED_DOC_ID, DOC_ID])
    assert f"{DOC_ID}-e01" in set(load("events", path=out)["event_id"])


def test_the_commented_example_is_an_event_but_for_offsets(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The example event in the skeleton's comments is a valid event once start/end are filled."""
    assert _add_cli(capsys, str(FIXTURE), *ARGS)[0] == 0
    lines = (repo / "datasets" / "annotations" / f"{DOC_ID}.yaml").read_text("utf-8").splitlines()
    start = lines.index("# events:")
    (example,) = loads("\n".join(line[2:] for line in lines[start:])).data["events"]
    for item in example["evidence"]:
        item.update(start=0, end=len(item["quote"]))
    assert Event.model_validate(example).event_id == f"{DOC_ID}-e01"


def test_prints_what_it_wrote_and_the_next_steps(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The output names the three files and the commands to run next, locate --fill first."""
    code, out, _ = _add_cli(capsys, str(FIXTURE), *ARGS)
    assert code == 0
    sha = hashlib.sha256(FIXTURE.read_bytes()).hexdigest()
    assert f"seeds/001_{sha[:16]}.txt" in out
    assert "seeds/index.json" in out
    assert f"grounded-events locate --fill datasets/annotations/{DOC_ID}.yaml" in out
    assert f"grounded-events validate datasets/annotations/{DOC_ID}.yaml" in out
    assert "grounded-events link SOURCE RELATION TARGET --note TEXT" in out
    assert (
        "actors of datasets/actors.yaml named in the text: usa-embassy-baghdad, iraq-government"
        in out
    )
    assert "first line" in out  # the title was taken from the text


def test_duplicate_text_is_refused_naming_the_document_that_holds_it(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Adding the seed's text again exits 2 and names rudaw-20231212 and its file."""
    before = _tree(repo)
    seed = repo / "seeds" / "000_d3a59bc8da211749.txt"
    copy = repo / "copy.txt"
    shutil.copy(seed, copy)
    code, out, err = _add_cli(capsys, str(copy), *ARGS)
    assert code == 2
    assert SEED_DOC_ID in err and "000_d3a59bc8da211749.txt" in err
    assert out == ""
    assert _tree(repo) == {**before, "copy.txt": seed.read_bytes()}


def test_doc_id_clash_is_refused_until_doc_id_is_given(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A doc_id of another text is refused with a --doc-id to pass; with it the add succeeds."""
    args = [*ARGS[4:], "--publisher", "Rudaw", "--url", "https://example.org/r"]
    args[args.index("2024-02-02")] = "2023-12-12"
    before = _tree(repo)
    code, _, err = _add_cli(capsys, str(FIXTURE), *args)
    assert code == 2
    assert "rudaw-20231212 is taken" in err and "--doc-id rudaw-20231212-2" in err
    assert _tree(repo) == before
    code, _, err = _add_cli(capsys, str(FIXTURE), *args, "--doc-id", "rudaw-20231212-2")
    assert code == 0, err
    assert "rudaw-20231212-2" in read_seeds(repo / "seeds")


def test_existing_annotation_file_is_never_overwritten(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An annotation file already at <doc_id>.yaml stops the add; nothing is written."""
    path = repo / "datasets" / "annotations" / f"{DOC_ID}.yaml"
    path.write_text("# mine\n", encoding="utf-8")
    before = _tree(repo)
    code, _, err = _add_cli(capsys, str(FIXTURE), *ARGS)
    assert code == 2
    assert f"{DOC_ID}.yaml exists already" in err
    assert _tree(repo) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("Caf\xe9 bombing in Mosul\n".encode("latin-1"), "not UTF-8 at byte 3"),
        (b"\xef\xbb\xbfA report\n", "byte-order mark"),
        (b" \n\t\n", "holds no text"),
    ],
)
def test_unusable_text_is_refused_naming_the_file(
    repo: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str
) -> None:
    """A text that is not UTF-8, starts with a BOM or is blank is refused (exit 2), file named."""
    source = repo / "report.txt"
    source.write_bytes(content)
    before = _tree(repo)
    code, _, err = _add_cli(capsys, str(source), *ARGS)
    assert code == 2
    assert str(source) in err and message in err
    assert "Traceback" not in err
    assert _tree(repo) == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("--published-date-basis", "unknown"), "goes with --published-date unknown"),
        (("--published-date", "2024-02-30"), "YYYY-MM-DD"),
        (("--url", "example.org/x"), "--url 'example.org/x'"),
        (("--language", "xx"), "--language 'xx'"),
        (("--doc-id", "Not A Slug"), "--doc-id 'Not A Slug'"),
        (("--annotated", "yesterday"), "--annotated 'yesterday'"),
        (("--annotator", ""), "--annotator"),
        (("--publisher", "***"), "pass --doc-id"),
        (("--seeds", "no-such-folder"), "no-such-folder: no such folder"),
    ],
)
def test_bad_metadata_is_refused_with_its_option_and_nothing_written(
    repo: Path, capsys: pytest.CaptureFixture[str], change: tuple[str, str], message: str
) -> None:
    """Each bad option is named in a one-line error, exit 2, and the tree is unchanged."""
    args = [*ARGS]
    if change[0] in args:
        args[args.index(change[0]) + 1] = change[1]
    else:
        args += change
    before = _tree(repo)
    code, out, err = _add_cli(capsys, str(FIXTURE), *args)
    assert code == 2, err
    assert message in err, err
    assert out == ""
    assert _tree(repo) == before


@pytest.mark.parametrize("failing", [0, 1, 2])
def test_a_failed_write_leaves_the_tree_as_it_was(
    repo: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    failing: int,
) -> None:
    """Whichever of the three writes fails (seed, annotation, index), no file is added or changed."""
    shutil.rmtree(repo / "datasets")  # the annotation's folders are made, then removed again
    before = _tree(repo)
    calls: list[Path] = []
    real = _add.write_bytes_atomic

    def flaky(path: Path, data: bytes) -> None:
        calls.append(path)
        if len(calls) - 1 == failing:
            raise OSError(28, "No space left on device", str(path))
        real(path, data)

    monkeypatch.setattr(_add, "write_bytes_atomic", flaky)
    code, _, err = _add_cli(capsys, str(FIXTURE), *ARGS)
    assert code == 2
    assert "No space left on device" in err and "nothing was added" in err
    assert _tree(repo) == before
    assert not (repo / "datasets").exists()
    assert sorted(p.name for p in (repo / "seeds").iterdir()) == sorted(
        ["index.json", "000_d3a59bc8da211749.txt"]
    )


def test_a_new_seeds_folder_starts_its_index(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """In an empty seeds folder the first document is 000 and the index is created."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    annotations = tmp_path / "annotations"
    code, _, err = _add_cli(
        capsys, str(FIXTURE), *ARGS, "--seeds", str(seeds), "--annotations", str(annotations)
    )
    assert code == 0, err
    (document,) = read_index(seeds)
    assert document.file.startswith("000_")
    assert "actors" not in _skeleton_at(annotations / f"{DOC_ID}.yaml")


def test_without_a_registry_it_says_how_to_start_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With no actors.yaml in the dataset folder, add prints the lines that start one (they make
    a valid registry), and the skeleton says where it goes; nothing is written there."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    annotations = tmp_path / "data" / "annotations"
    code, out, err = _add_cli(
        capsys, str(FIXTURE), *ARGS, "--seeds", str(seeds), "--annotations", str(annotations)
    )
    assert code == 0, err
    registry = tmp_path / "data" / "actors.yaml"
    assert not registry.exists()
    assert (
        f"no actor registry: {registry.as_posix()} does not exist. Declaring the first actor "
        f"starts it:\n  grounded-events actor add --dataset {registry.parent.as_posix()} "
        "ACTOR_ID --name TEXT --type TYPE\n"
    ) in out
    lines = out.split("these lines:\n", 1)[1].split("\nnext\n", 1)[0].splitlines()
    assert lines == [
        f"  # yaml-language-server: $schema=../schema/{SCHEMA_VERSION}/actors.schema.json",
        f"  schema_version: {SCHEMA_VERSION}",
        "  actors: []",
    ]
    registry.write_text("".join(line[2:] + "\n" for line in lines), encoding="utf-8")
    assert ActorRegistry.model_validate(loads(registry.read_text("utf-8")).data).actors == []
    text = (annotations / f"{DOC_ID}.yaml").read_text(encoding="utf-8")
    assert f"in {registry.as_posix()},\n# which does not exist yet" in text
    assert f"grounded-events link --dataset {registry.parent.as_posix()} SOURCE" in out


def test_an_unknown_publication_date_is_written_as_null(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--published-date unknown` indexes the text with published_date null and basis unknown,
    names it `<publisher>-undated`, and its skeleton says no date is relative to publication."""
    args = [*ARGS]
    args[args.index("2024-02-02")] = "unknown"
    code, out, err = _add_cli(capsys, str(FIXTURE), *args)
    assert code == 0, err
    doc_id = "example-news-undated"
    assert "  published: unknown (unknown)\n" in out
    entries = json.loads((repo / "seeds" / "index.json").read_text(encoding="utf-8"))
    (entry,) = [e for e in entries if e["doc_id"] == doc_id]
    assert (entry["published_date"], entry["published_date_basis"]) == (None, "unknown")
    assert read_seeds(repo / "seeds")[doc_id].document.published_date is None
    path = repo / "datasets" / "annotations" / f"{doc_id}.yaml"
    text = path.read_text(encoding="utf-8")
    assert "# Example News, undated: " in text
    assert "# Publication date unknown (basis: unknown): no date may be coded relative to" in text
    report = validate(path, seeds=repo / "seeds")
    assert report.ok, list(report.errors)


@pytest.mark.parametrize("basis", ["byline", "estimated"])
def test_unknown_date_takes_no_other_basis(
    repo: Path, capsys: pytest.CaptureFixture[str], basis: str
) -> None:
    """An unknown date with a basis other than unknown is refused and says what to pass; an
    estimated date is passed as a date with basis estimated."""
    args = [*ARGS, "--published-date-basis", basis]
    args[args.index("2024-02-02")] = "unknown"
    before = _tree(repo)
    code, _, err = _add_cli(capsys, str(FIXTURE), *args)
    assert code == 2
    assert err == (
        f"add: --published-date unknown goes with --published-date-basis unknown (the default "
        f"then), not {basis}; if the date is estimated, pass it: --published-date YYYY-MM-DD "
        "--published-date-basis estimated\n"
    )
    assert _tree(repo) == before
    code, _, err = _add_cli(capsys, str(FIXTURE), *ARGS, "--published-date-basis", "estimated")
    assert code == 0, err
    assert read_seeds(repo / "seeds")[DOC_ID].document.published_date_basis == "estimated"


def _skeleton_at(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = loads(path.read_text(encoding="utf-8")).data
    return data


def test_publisher_slug_spells_names_in_ascii_words() -> None:
    """Spaces, punctuation and accents become hyphen-joined lower-case ASCII words."""
    assert publisher_slug("Rudaw") == "rudaw"
    assert publisher_slug("Al Jazeera English") == "al-jazeera-english"
    assert publisher_slug("L’Orient–Le Jour") == "l-orient-le-jour"
    assert publisher_slug("Télé Liban") == "tele-liban"


@given(st.text(max_size=40))
def test_publisher_slug_is_a_slug_or_empty(publisher: str) -> None:
    """Any publisher name gives a doc_id prefix matching the slug pattern, or nothing."""
    slug = publisher_slug(publisher)
    assert slug == "" or re.fullmatch(SLUG, slug)


def test_optional_metadata_left_out_is_not_written(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --dateline the entry has no dateline key; --title and --language are kept."""
    args = [*ARGS[:4], *ARGS[4:6], *ARGS[8:], "--title", "Drones", "--language", "ar"]
    assert "--dateline" not in args
    assert _add_cli(capsys, str(FIXTURE), *args)[0] == 0
    entries = json.loads((repo / "seeds" / "index.json").read_text(encoding="utf-8"))
    (entry,) = [e for e in entries if e["doc_id"] == DOC_ID]
    assert "dateline" not in entry
    assert (entry["title"], entry["language"]) == ("Drones", "ar")


@pytest.fixture(scope="module", autouse=True)
def _real_checkout_untouched() -> Iterator[None]:
    """Every test here works on copies: the checkout's seeds and dataset stay as they were."""
    folders = (ROOT / "seeds", ROOT / "datasets" / "annotations")
    files = [ROOT / "datasets" / name for name in DATASET_FILES]
    before = [_tree(folder) for folder in folders], [f.read_bytes() for f in files]
    yield
    assert ([_tree(folder) for folder in folders], [f.read_bytes() for f in files]) == before
