"""Tests for migrating 1.0.0 to 2.0.0: actors into actors.yaml, refers_to into links.yaml, tables."""

from __future__ import annotations

import copy
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grounded_events._core.safe_yaml import loads
from grounded_events._schema import migrate as _migrate
from grounded_events._schema.migrate_dataset import REFERS_TO_NOTE, to_dataset_files
from grounded_events._schema.migrate_yaml import round_trip
from grounded_events._schema.migration import Member
from grounded_events._schema.table_parquet import write_parquet
from grounded_events._schema.versions import schema_root
from grounded_events.cli import main
from helpers import ROOT, set_cell

FIXTURES = Path(__file__).parent / "fixtures" / "migrate"
SEED_1_0_0 = FIXTURES / "rudaw-20231212.1.0.0.yaml"
TABLES_1_0_0 = FIXTURES / "tables-1.0.0"
# The rows of the 1.0.0 events table whose refers_to is not empty (their CSV lines).
REFERS_TO_LINES = [2, 3, 7, 9, 10, 11, 12, 13, 14]


@pytest.fixture
def schemas() -> Path:
    """The published schema versions (1.0.0 and 2.0.0) that migrate reads."""
    return schema_root()


def _dataset(tmp_path: Path, *files: tuple[str, str]) -> Path:
    """A dataset folder with annotation files (name, text) in its annotations folder."""
    folder = tmp_path / "datasets"
    (folder / "annotations").mkdir(parents=True)
    for name, text in files:
        (folder / "annotations" / name).write_text(text, encoding="utf-8")
    return folder


def _seed() -> str:
    return SEED_1_0_0.read_text(encoding="utf-8")


def _line(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _data(path: Path) -> Any:
    return loads(path.read_text(encoding="utf-8")).data


# A second 1.0.0 document that reuses two of the seed's actors and adds one.
OTHER = """\
# yaml-language-server: $schema=../../schema/1.0.0/annotation.schema.json
schema_version: 1.0.0
doc_id: other-20231213
sha256: "0000000000000000000000000000000000000000000000000000000000000000"
annotated: 2026-11-30
annotators:
  - annotator

actors:
  - actor_id: usa-embassy-baghdad
    name: US Embassy in Baghdad
    actor_type: government_body
    country_iso3: USA
    parent_actor_id: usa-state-department
    note: Another note.
  - actor_id: iraq-security-official  # "an Iraqi security official"
    name: Iraqi security official (unnamed)
    actor_type: official
    country_iso3: IRQ

events:
  - event_id: other-20231213-e01
    event_type: statement
    event_subtype: accusation
    summary: An Iraqi security official says the rockets came from the south.
    date: {start: 2023-12-08, end: 2023-12-08, precision: day, basis: explicit}
    participants:
      - {actor_id: iraq-security-official, role: speaker}
    refers_to: [rudaw-20231212-e03]
    evidence:
      - {field: event, start: 0, end: 5, quote: "rocket"}
"""


# --- the seed: the acceptance test ------------------------------------------------------------


def test_seed_migrates_into_a_2_0_0_dataset(
    schemas: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The 1.0.0 seed becomes a 2.0.0 file without actors or refers_to, an actors.yaml with its 13
    actors and a links.yaml with one about link per refers_to target; the CLI says what it wrote."""
    folder = _dataset(tmp_path, ("rudaw-20231212.yaml", _seed()))
    path = folder / "annotations" / "rudaw-20231212.yaml"
    assert main(["migrate", "--to", "2.0.0", str(path)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"{path}: migrated 1.0.0 -> 2.0.0",
        f"wrote {folder / 'actors.yaml'} (13 actors)",
        f"  3 comment line(s) of the actors list of {path} are not carried over: actors.yaml "
        "sorts the actors by actor_id",
        f"wrote {folder / 'links.yaml'} (10 links)",
    ]
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == (
        "# yaml-language-server: $schema=../../schema/2.0.0/annotation.schema.json"
    )
    old, new = _data(SEED_1_0_0), _data(path)
    expected = [
        {"relation": "about", "source": e["event_id"], "target": t, "note": REFERS_TO_NOTE}
        for e in old["events"]
        for t in e.get("refers_to", [])
    ]
    assert new["schema_version"] == "2.0.0" and "actors" not in new
    for before, after in zip(old["events"], new["events"], strict=True):
        before.pop("refers_to", None)
        assert after == before  # no field added, none changed
    actors = _data(folder / "actors.yaml")
    assert actors["schema_version"] == "2.0.0"
    assert actors["actors"] == sorted(old["actors"], key=lambda a: a["actor_id"])
    assert (folder / "actors.yaml").read_text("utf-8").splitlines()[0] == (
        "# yaml-language-server: $schema=../schema/2.0.0/actors.schema.json"
    )
    links = _data(folder / "links.yaml")["links"]
    assert links == sorted(expected, key=lambda k: (k["source"], k["relation"], k["target"]))


def _shared(mine: Any, theirs: Any) -> Any:
    """mine, keeping of each mapping only the keys theirs has too, notes aside (the recoding
    rewords them): what both versions of the seed code."""
    if isinstance(mine, dict) and isinstance(theirs, dict):
        return {k: _shared(v, theirs[k]) for k, v in mine.items() if k in theirs and k != "note"}
    if isinstance(mine, list) and isinstance(theirs, list) and len(mine) == len(theirs):
        return [_shared(a, b) for a, b in zip(mine, theirs, strict=True)]
    return mine


def _span(span: dict[str, Any]) -> tuple[Any, ...]:
    return (span["field"], span["start"], span["end"], span["quote"])


def test_migrated_seed_is_the_committed_2_0_0_seed(
    schemas: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The migrated seed, actors.yaml and links.yaml pass the 2.0.0 validator, and say what the
    committed 2.0.0 seed says on every field both have: events, every evidence span, actors
    (variants and notes aside) and the about links."""
    folder = _dataset(tmp_path, ("rudaw-20231212.yaml", _seed()))
    assert main(["migrate", "--to", "2.0.0", str(folder / "annotations")]) == 0
    capsys.readouterr()
    assert main(["validate", "--seeds", str(ROOT / "seeds"), str(folder)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "3 files valid"
    mine = _data(folder / "annotations" / "rudaw-20231212.yaml")["events"]
    committed = _data(ROOT / "datasets" / "annotations" / "rudaw-20231212.yaml")["events"]
    assert [e["event_id"] for e in mine] == [e["event_id"] for e in committed]
    for event, theirs in zip(mine, committed, strict=True):
        rest = {k: v for k, v in event.items() if k != "evidence"}
        assert _shared(rest, theirs) == _shared(theirs, rest), event["event_id"]
        assert {_span(s) for s in event["evidence"]} <= {_span(s) for s in theirs["evidence"]}
    actors = {a["actor_id"]: a for a in _data(folder / "actors.yaml")["actors"]}
    registry = {a["actor_id"]: a for a in _data(ROOT / "datasets" / "actors.yaml")["actors"]}
    assert actors.keys() == registry.keys()
    for actor_id, actor in actors.items():
        assert _shared(actor, registry[actor_id]) == _shared(registry[actor_id], actor)
        assert actor.keys() ^ registry[actor_id].keys() <= {"note", "variants"}
    about = {(k["source"], k["target"]) for k in _data(folder / "links.yaml")["links"]}
    links = _data(ROOT / "datasets" / "links.yaml")["links"]
    assert about == {(k["source"], k["target"]) for k in links if k["relation"] == "about"}


def test_migrated_seed_keeps_every_other_line(schemas: Path, tmp_path: Path) -> None:
    """Migration removes the actors block and the refers_to lines and changes two lines; every
    other line, comments and blank lines included, stays as it was."""
    folder = _dataset(tmp_path, ("rudaw-20231212.yaml", _seed()))
    path = folder / "annotations" / "rudaw-20231212.yaml"
    assert main(["migrate", "--to", "2.0.0", str(path)]) == 0
    before, after = _seed().splitlines(), path.read_text(encoding="utf-8").splitlines()
    start, end = before.index("actors:"), before.index("events:")  # one blank line stays
    kept = [
        line.replace("1.0.0", "2.0.0") if n in (0, 13) else line
        for n, line in enumerate(before)
        if not (start <= n < end) and not line.lstrip().startswith("refers_to:")
    ]
    assert after == kept


def test_second_run_says_already_2_0_0(
    schemas: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Migrating a migrated dataset again changes no byte and says every file is already 2.0.0."""
    folder = _dataset(tmp_path, ("rudaw-20231212.yaml", _seed()))
    assert main(["migrate", "--to", "2.0.0", str(folder)]) == 0
    capsys.readouterr()
    before = _snapshot(folder)
    assert main(["migrate", "--to", "2.0.0", str(folder)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"{folder / name}: already 2.0.0"
        for name in ("actors.yaml", "annotations/rudaw-20231212.yaml", "links.yaml")
    ]
    assert _snapshot(folder) == before


def test_dry_run_writes_nothing(
    schemas: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--dry-run says what it would migrate and write, and writes no file."""
    folder = _dataset(tmp_path, ("rudaw-20231212.yaml", _seed()))
    before = _snapshot(folder)
    assert main(["migrate", "--to", "2.0.0", "--dry-run", str(folder)]) == 0
    out = capsys.readouterr().out
    assert f"{folder / 'annotations' / 'rudaw-20231212.yaml'}: would migrate 1.0.0 -> 2.0.0" in out
    assert f"would write {folder / 'actors.yaml'} (13 actors)" in out
    assert f"would write {folder / 'links.yaml'} (10 links)" in out
    assert _snapshot(folder) == before


# --- several files, one registry ------------------------------------------------------------------


def test_files_share_one_registry(
    schemas: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two files that define an actor alike give one entry; a different note keeps the first
    file's and says so; the end-of-line comment of an actor goes along to actors.yaml."""
    folder = _dataset(tmp_path, ("rudaw-20231212.yaml", _seed()), ("zz-other.yaml", OTHER))
    assert main(["migrate", "--to", "2.0.0", str(folder)]) == 0
    out = capsys.readouterr().out
    seed, other = (
        folder / "annotations" / "rudaw-20231212.yaml",
        folder / "annotations" / "zz-other.yaml",
    )
    first = _line(_seed(), "- actor_id: usa-embassy-baghdad")
    second = _line(OTHER, "- actor_id: usa-embassy-baghdad")
    assert (
        f"  usa-embassy-baghdad: kept the note of {seed}:{first}; the other note, at "
        f"{other}:{second}, is not carried over"
    ) in out
    assert f"wrote {folder / 'actors.yaml'} (14 actors)" in out
    text = (folder / "actors.yaml").read_text(encoding="utf-8")
    assert '  - actor_id: iraq-security-official  # "an Iraqi security official"\n' in text
    ids = [a["actor_id"] for a in _data(folder / "actors.yaml")["actors"]]
    assert ids == sorted(ids) and len(ids) == len(set(ids)) == 14
    embassy = next(
        a for a in _data(folder / "actors.yaml")["actors"] if a["actor_id"] == "usa-embassy-baghdad"
    )
    assert "note" not in embassy  # the seed's definition, which has none
    link = {
        "relation": "about",
        "source": "other-20231213-e01",
        "target": "rudaw-20231212-e03",
        "note": REFERS_TO_NOTE,
    }
    assert link in _data(folder / "links.yaml")["links"]


def test_conflicting_actor_is_refused_naming_both_files(
    schemas: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An actor defined differently in two files refuses the run, naming both files and lines
    and the field that differs; no file is written."""
    changed = OTHER.replace("    parent_actor_id: usa-state-department\n", "")
    folder = _dataset(tmp_path, ("rudaw-20231212.yaml", _seed()), ("zz-other.yaml", changed))
    before = _snapshot(folder)
    assert main(["migrate", "--to", "2.0.0", str(folder)]) == 1
    out, err = capsys.readouterr()
    seed, other = (
        folder / "annotations" / "rudaw-20231212.yaml",
        folder / "annotations" / "zz-other.yaml",
    )
    first = _line(_seed(), "- actor_id: usa-embassy-baghdad")
    second = _line(changed, "- actor_id: usa-embassy-baghdad")
    assert out.splitlines() == [
        f"{other}:{second}: actors: usa-embassy-baghdad is defined differently at {seed}:{first} "
        '(parent_actor_id: "usa-state-department" there, null here); 2.0.0 keeps one definition '
        f"per dataset in {folder / 'actors.yaml'}: make the two equal (only the note may differ), "
        "then migrate again"
    ]
    assert err == "1 file(s) refused; no file was written\n"
    assert _snapshot(folder) == before


def test_one_more_file_merges_into_a_2_0_0_dataset(
    schemas: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 1.0.0 file migrated into a 2.0.0 dataset adds its new actors and links in sorted places;
    what the registry and links hold, comments included, stays; a link there is not repeated."""
    folder = _dataset(tmp_path, ("rudaw-20231212.yaml", _seed()))
    assert main(["migrate", "--to", "2.0.0", str(folder)]) == 0
    registry, links = folder / "actors.yaml", folder / "links.yaml"
    registry.write_text(
        registry.read_text("utf-8").replace("  - actor_id: isis\n", "  - actor_id: isis  # kept\n"),
        "utf-8",
    )
    links.write_text(links.read_text("utf-8") + "# the end\n", "utf-8")
    old_registry, old_links = registry.read_text("utf-8"), links.read_text("utf-8")
    again = OTHER.replace("[rudaw-20231212-e03]", "[rudaw-20231212-e03, rudaw-20231212-e07]")
    path = folder / "annotations" / "other-20231213.yaml"
    path.write_text(again, encoding="utf-8")
    capsys.readouterr()
    assert main(["migrate", "--to", "2.0.0", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"wrote {registry} (14 actors, 1 added)" in out
    assert f"wrote {links} (12 links, 2 added)" in out
    assert f"kept the note of {registry}:" in out
    new_registry = registry.read_text("utf-8")
    assert "  - actor_id: isis  # kept\n" in new_registry
    added = [line for line in new_registry.splitlines() if line not in old_registry.splitlines()]
    assert added == [
        '  - actor_id: iraq-security-official  # "an Iraqi security official"',
        "    name: Iraqi security official (unnamed)",
    ]
    assert links.read_text("utf-8").endswith("# the end\n")
    keys = [(k["source"], k["relation"], k["target"]) for k in _data(links)["links"]]
    assert keys == sorted(keys) and len(keys) == len(set(keys)) == 12
    # the same file once more: nothing new, nothing repeated
    path.write_text(again, encoding="utf-8")
    assert main(["migrate", "--to", "2.0.0", str(path)]) == 0
    assert len(_data(links)["links"]) == 12 and len(_data(registry)["actors"]) == 14
    assert old_links.splitlines()[0] == links.read_text("utf-8").splitlines()[0]


HAND_ORDERED_ACTORS = """\
# yaml-language-server: $schema=../schema/2.0.0/actors.schema.json
schema_version: 2.0.0

actors:
  # --- United States ---
  - actor_id: usa-state-department
    name: US Department of State
    variants: ["the State Department"]
    actor_type: government_body
    country_iso3: USA
  - actor_id: usa-embassy-baghdad
    name: US Embassy in Baghdad
    actor_type: government_body
    country_iso3: USA
    parent_actor_id: usa-state-department
  # --- Iraq ---
  - actor_id: iraq-government
    name: Government of Iraq
    actor_type: government
    country_iso3: IRQ
"""
HAND_ORDERED_LINKS = """\
# yaml-language-server: $schema=../schema/2.0.0/links.schema.json
schema_version: 2.0.0

links:
  # statements
  - {relation: about, source: rudaw-20231212-e11, target: rudaw-20231212-e03, note: a directive}
  - {relation: about, source: rudaw-20231212-e01, target: rudaw-20231212-e07, note: x}
"""


def test_a_hand_ordered_dataset_keeps_its_order_and_style(
    schemas: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Into an actors.yaml and a links.yaml ordered by hand, under headings, a 1.0.0 file's new
    actor and link go at the end, the link on one line as its neighbours are; every line that was
    there stays, and an actor the registry has (with variants) is not a conflict."""
    folder = _dataset(tmp_path, ("other-20231213.yaml", OTHER))
    (folder / "actors.yaml").write_text(HAND_ORDERED_ACTORS, encoding="utf-8")
    (folder / "links.yaml").write_text(HAND_ORDERED_LINKS, encoding="utf-8")
    assert main(["migrate", "--to", "2.0.0", str(folder / "annotations")]) == 0
    assert (folder / "actors.yaml").read_text("utf-8") == HAND_ORDERED_ACTORS + (
        '  - actor_id: iraq-security-official  # "an Iraqi security official"\n'
        "    name: Iraqi security official (unnamed)\n"
        "    actor_type: official\n"
        "    country_iso3: IRQ\n"
    )
    assert (folder / "links.yaml").read_text("utf-8") == HAND_ORDERED_LINKS + (
        "  - {relation: about, source: other-20231213-e01, target: rudaw-20231212-e03, note: "
        f"{REFERS_TO_NOTE}}}\n"
    )


def test_conflict_with_the_registry_names_its_line(
    schemas: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 1.0.0 actor that differs from the dataset's actors.yaml is refused naming both lines."""
    folder = _dataset(tmp_path, ("rudaw-20231212.yaml", _seed()))
    assert main(["migrate", "--to", "2.0.0", str(folder)]) == 0
    path = folder / "annotations" / "other-20231213.yaml"
    path.write_text(OTHER.replace("name: US Embassy in Baghdad", "name: US Embassy"), "utf-8")
    before = _snapshot(folder)
    capsys.readouterr()
    assert main(["migrate", "--to", "2.0.0", str(path)]) == 1
    registry = folder / "actors.yaml"
    line = _line(registry.read_text("utf-8"), "- actor_id: usa-embassy-baghdad")
    assert (
        f"{path}:{_line(OTHER, '- actor_id: usa-embassy-baghdad')}: actors: usa-embassy-baghdad "
        f'is defined differently at {registry}:{line} (name: "US Embassy in Baghdad" there, '
        '"US Embassy" here)'
    ) in capsys.readouterr().out
    assert _snapshot(folder) == before


def test_file_outside_an_annotations_folder_keeps_its_registry_beside_it(
    schemas: Path, tmp_path: Path
) -> None:
    """A file in a folder not named annotations has its actors.yaml and links.yaml in that
    folder; with no schema line to follow, they name the published schemas."""
    path = tmp_path / "mine" / "doc.yaml"
    path.parent.mkdir()
    path.write_text(_seed().split("\n", 1)[1], encoding="utf-8")
    assert main(["migrate", "--to", "2.0.0", str(path)]) == 0
    first = (tmp_path / "mine" / "actors.yaml").read_text("utf-8").splitlines()[0]
    assert first == (
        "# yaml-language-server: $schema=https://grounded-events.github.io/schema/2.0.0/"
        "actors.schema.json"
    )
    assert (tmp_path / "mine" / "links.yaml").is_file()


def test_each_dataset_folder_gets_its_own_files(
    schemas: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One run over two datasets writes an actors.yaml and a links.yaml in each, holding only the
    actors and links of that dataset's files."""
    one = _dataset(tmp_path / "one", ("rudaw-20231212.yaml", _seed()))
    two = _dataset(tmp_path / "two", ("other-20231213.yaml", OTHER))
    assert main(["migrate", "--to", "2.0.0", str(one), str(two)]) == 0
    out = capsys.readouterr().out
    assert f"wrote {one / 'actors.yaml'} (13 actors)" in out
    assert f"wrote {two / 'actors.yaml'} (2 actors)" in out
    assert f"wrote {two / 'links.yaml'} (1 link)" in out
    assert [a["actor_id"] for a in _data(two / "actors.yaml")["actors"]] == [
        "iraq-security-official",
        "usa-embassy-baghdad",
    ]


# --- the merge, for any actors split over any files ------------------------------------------------

_ACTOR = st.fixed_dictionaries(
    {
        "actor_id": st.sampled_from(["a", "b", "c", "d"]),
        "name": st.sampled_from(["A", "B"]),
        "actor_type": st.sampled_from(["government", "official"]),
    },
    optional={"note": st.sampled_from(["n1", "n2"]), "country_iso3": st.just("IRQ")},
)


def _members(files: list[list[dict[str, Any]]]) -> list[Member]:
    members = []
    for n, actors in enumerate(files):
        lines = ["schema_version: 1.0.0", "actors:"]
        for actor in actors:
            lines += [
                f"  - {k}: {v}" if i == 0 else f"    {k}: {v}"
                for i, (k, v) in enumerate(actor.items())
            ]
        text = "\n".join(lines) + "\nevents: []\n"
        members.append(Member(Path(f"f{n}.yaml"), text, round_trip(text)[1]))
    return members


def _without_notes(text: str | None) -> list[dict[str, Any]]:
    assert text is not None
    return [{k: v for k, v in a.items() if k != "note"} for a in loads(text).data["actors"]]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(files=st.lists(st.lists(_ACTOR, max_size=4), min_size=1, max_size=4), data=st.data())
def test_merge_is_order_independent_and_refuses_every_conflict(
    tmp_path: Path, files: list[list[dict[str, Any]]], data: st.DataObject
) -> None:
    """For actors split over files in any order: the registry is the same (notes aside, which come
    from the first file), sorted, one entry per id; it is refused exactly when two definitions of
    an id differ, and each refusal names two places."""
    members = _members(files)
    order = data.draw(st.permutations(members))
    one = to_dataset_files(tmp_path / "none", members)[0]
    two = to_dataset_files(tmp_path / "none", order)[0]
    definitions: dict[str, set[str]] = {}
    for actors in files:
        for actor in actors:
            rest = {k: v for k, v in actor.items() if k != "note"}
            definitions.setdefault(actor["actor_id"], set()).add(json.dumps(rest, sort_keys=True))
    conflicts = {i for i, found in definitions.items() if len(found) > 1}
    if conflicts:
        assert one.problems and two.problems and one.text is None
        for problem in one.problems:
            assert len(re.findall(r"\bf\d\.yaml:\d+", problem)) == 2
        named = {p.split(": actors: ")[1].split(" ")[0] for p in one.problems}
        assert named == conflicts
        return
    assert not one.problems and not two.problems
    assert _without_notes(one.text) == _without_notes(two.text)
    merged = _without_notes(one.text)
    assert [a["actor_id"] for a in merged] == sorted(definitions)
    notes = {a["actor_id"]: a.get("note") for a in loads(one.text or "").data["actors"]}
    firsts = {}
    for actors in files:
        for actor in actors:
            firsts.setdefault(actor["actor_id"], actor.get("note"))
    assert notes == firsts


# --- tables ------------------------------------------------------------------------------------


def _tables(tmp_path: Path, suffix: str) -> dict[str, Path]:
    folder = tmp_path / "mine"
    folder.mkdir()
    return {
        t: Path(shutil.copy(TABLES_1_0_0 / f"{t}{suffix}", folder))
        for t in ("events", "actors", "evidence")
    }


def test_table_with_refers_to_is_refused_with_its_lines(
    schemas: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An events table whose refers_to holds values is refused naming every line: those become
    links only by migrating the annotation files."""
    paths = _tables(tmp_path, ".csv")
    before = paths["events"].read_bytes()
    assert main(["migrate", "--from", "1.0.0", "--to", "2.0.0", str(paths["events"])]) == 1
    others = ", ".join(f"line {n}" for n in REFERS_TO_LINES[1:])
    assert capsys.readouterr().out.splitlines()[0] == (
        f'{paths["events"]}:2: refers_to: line 2 holds "rudaw-20231212-e07" (and {others}): '
        "refers_to becomes links.yaml's about links: migrate the annotation files "
        "(step 1.0.0 -> 2.0.0)"
    )
    assert paths["events"].read_bytes() == before


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_tables_gain_the_2_0_0_columns(schemas: Path, tmp_path: Path, suffix: str) -> None:
    """With refers_to empty, the tables get 2.0.0's columns: new ones empty, variants an empty
    list, hedge `stated`; every other value stays."""
    paths = _tables(tmp_path, suffix)
    if suffix == ".csv":
        for line in REFERS_TO_LINES:
            set_cell(paths["events"], line, "refers_to", "")
    else:
        events = pq.read_table(paths["events"])
        index = events.column_names.index("refers_to")
        empty = pa.array([[]] * events.num_rows, events.schema.field("refers_to").type)
        paths["events"].write_bytes(
            write_parquet(events.set_column(index, events.schema.field(index), empty))
        )
    old = {t: pq.read_table(p) if suffix == ".parquet" else _csv(p) for t, p in paths.items()}
    assert main(["migrate", "--from", "1.0.0", "--to", "2.0.0", *map(str, paths.values())]) == 0
    new = {t: pq.read_table(p) if suffix == ".parquet" else _csv(p) for t, p in paths.items()}
    for table, path in paths.items():
        wanted = list(
            json.loads((schemas / "2.0.0" / "tables" / f"{table}.schema.json").read_text())[
                "properties"
            ]
        )
        assert _columns(new[table]) == wanted, path
        for column in _columns(old[table]):
            if column != "refers_to":
                assert _values(new[table], column) == _values(old[table], column)
    empty: Any = "" if suffix == ".csv" else None
    no_list: Any = "" if suffix == ".csv" else []
    assert set(_values(new["evidence"], "hedge")) == {"stated"}
    assert set(_values(new["evidence"], "according_to")) == {empty}
    assert _values(new["actors"], "variants") == [no_list] * 13
    assert _values(new["events"], "claimed_by") == [no_list] * 14
    assert set(_values(new["events"], "munitions_best")) == {empty}


def _csv(path: Path) -> list[list[str]]:
    import csv

    return list(csv.reader(path.open(encoding="utf-8", newline="")))


def _columns(table: Any) -> list[str]:
    return list(table.column_names) if isinstance(table, pa.Table) else table[0]


def _values(table: Any, column: str) -> list[Any]:
    if isinstance(table, pa.Table):
        return list(table.column(column).to_pylist())
    index = table[0].index(column)
    return [row[index] for row in table[1:]]


def test_declared_step_is_the_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """The 1.0.0 -> 2.0.0 step is declared with its dataset operation, so `migrate` finds it."""
    (step,) = [s for s in _migrate.MIGRATIONS if (s.source, s.target) == ("1.0.0", "2.0.0")]
    assert step.dataset is to_dataset_files
    assert copy.copy(step) == step
