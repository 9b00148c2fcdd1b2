"""Tests for `grounded-events migrate`: declared steps, faithful YAML, refusal instead of data loss."""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import json
import tempfile
from pathlib import Path
from typing import Any

import jsonschema
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grounded_events._core.safe_yaml import loads
from grounded_events._schema import migrate as _migrate
from grounded_events._schema import migrate_table, migrate_yaml
from grounded_events._schema.diff import diff, schemas_from_folder
from grounded_events._schema.migrate import MIGRATIONS, migrate_paths
from grounded_events._schema.migrate_table import add_column, drop_column, rename_column
from grounded_events._schema.migrate_yaml import (
    drop_field,
    migrate_texts,
    rename_field,
    rename_value,
)
from grounded_events._schema.migration import MigrationRefused, Step, find_path
from grounded_events._schema.table_csv import restore, write_csv
from grounded_events._schema.table_parquet import write_parquet
from grounded_events._schema.versions import versions_in
from grounded_events.cli import main
from helpers import TEXTS

FIXTURE = Path(__file__).parent / "fixtures" / "schema_versions" / "migration"
ORIGINAL = FIXTURE / "annotation-1.0.0.yaml"
TABLES_1_0_0 = Path(__file__).parent / "fixtures" / "migrate" / "tables-1.0.0"

# Fixture versions: 1.1.0 adds an optional events[].confidence; 2.0.0 renames annotators to coders
# and events[].date.time_of_day to time_text. Steps go both ways; going down drops confidence only
# when it is empty.
STEPS = (
    Step(
        "1.0.0",
        "1.1.0",
        "events may carry a confidence",
        tables=(add_column("events", "confidence", after="summary"),),
    ),
    Step(
        "1.1.0",
        "1.0.0",
        "confidence goes",
        (drop_field("events[]", "confidence"),),
        (drop_column("events", "confidence"),),
    ),
    Step(
        "1.1.0",
        "2.0.0",
        "annotators -> coders, time_of_day -> time_text",
        (
            rename_field("", "annotators", "coders"),
            rename_field("events[].date", "time_of_day", "time_text"),
        ),
        (rename_column("events", "time_of_day", "time_text"),),
    ),
    Step(
        "2.0.0",
        "1.1.0",
        "coders -> annotators, time_text -> time_of_day",
        (
            rename_field("", "coders", "annotators"),
            rename_field("events[].date", "time_text", "time_of_day"),
        ),
        (rename_column("events", "time_text", "time_of_day"),),
    ),
)


def _renamed(props: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    return {
        (new if k == old else k): ({**v, "x-renamed-from": old} if k == old else v)
        for k, v in props.items()
    }


def _versions(root: Path, published: Path) -> Path:
    """Write fixture versions 1.0.0 (the published one), 1.1.0 and 2.0.0 under root."""
    base = json.loads((published / "annotation.schema.json").read_text(encoding="utf-8"))
    events = json.loads((published / "tables" / "events.schema.json").read_text("utf-8"))

    def save(version: str, schema: dict[str, Any], name: str = "annotation.schema.json") -> None:
        schema = copy.deepcopy(schema)
        schema["$id"] = schema["$id"].replace("/1.0.0/", f"/{version}/")
        path = root / version / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(schema, indent=2) + "\n", encoding="utf-8")

    save("1.0.0", base)
    save("1.0.0", events, "tables/events.schema.json")
    # A column added in a minor version is optional in the row schema: a required one (even if
    # nullable) would make every older table invalid, which only a major version may do.
    events["properties"]["confidence"] = {"anyOf": [{"type": "string"}, {"type": "null"}]}
    save("1.1.0", events, "tables/events.schema.json")
    events["properties"] = _renamed(events["properties"], "time_of_day", "time_text")
    events["required"] = ["time_text" if r == "time_of_day" else r for r in events["required"]]
    save("2.0.0", events, "tables/events.schema.json")
    minor = copy.deepcopy(base)
    minor["properties"]["schema_version"]["default"] = "1.1.0"
    minor["$defs"]["Event"]["properties"]["confidence"] = {
        "anyOf": [{"enum": ["low", "medium", "high"], "type": "string"}, {"type": "null"}],
        "default": None,
        "title": "Confidence",
    }
    save("1.1.0", minor)
    major = copy.deepcopy(minor)
    major["properties"]["schema_version"].update(pattern=r"^2\.\d+\.\d+$", default="2.0.0")
    major["properties"] = _renamed(major["properties"], "annotators", "coders")
    major["required"] = ["coders" if r == "annotators" else r for r in major["required"]]
    date = major["$defs"]["DateInfo"]
    date["properties"] = _renamed(date["properties"], "time_of_day", "time_text")
    save("2.0.0", major)
    return root


@pytest.fixture
def versions(tmp_path: Path, root: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A schema root with the fixture versions, used by the CLI through the environment."""
    folder = _versions(tmp_path / "schemas", root / "schema" / "1.0.0")
    monkeypatch.setenv("GROUNDED_EVENTS_SCHEMA_ROOT", str(folder))
    monkeypatch.setattr(_migrate, "MIGRATIONS", STEPS)
    return folder


def _copy(tmp_path: Path, text: str | None = None, name: str = "doc.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text if text is not None else ORIGINAL.read_text(encoding="utf-8"), "utf-8")
    return path


def _plain(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node.isoformat() if isinstance(node, dt.date) else node


def _valid_under(versions: Path, version: str, text: str) -> list[str]:
    schema = json.loads((versions / version / "annotation.schema.json").read_text())
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    return [e.message for e in validator.iter_errors(_plain(loads(text).data))]


def _changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def test_fixture_is_valid_under_published_1_0_0(root: Path) -> None:
    """The migration fixture is a valid 1.0.0 annotation file (so its migrations mean something)."""
    assert _valid_under(root / "schema", "1.0.0", ORIGINAL.read_text(encoding="utf-8")) == []


def test_fixture_versions_diff_as_declared(versions: Path) -> None:
    """The fixture versions are what their numbers say: 1.1.0 a minor change, 2.0.0 two renames."""
    v100, v110, v200 = (schemas_from_folder(versions / v) for v in ("1.0.0", "1.1.0", "2.0.0"))
    minor = diff(v100, v110)
    assert [(c.file, c.path, c.kind) for c in minor.changes] == [
        ("annotation.schema.json", "events[].confidence", "field_added_optional"),
        ("tables/events.schema.json", "confidence", "field_added_optional"),
    ]
    assert minor.required_bump == "minor" and minor.ok
    major = diff(v110, v200)
    renames = {(c.file, c.path) for c in major.changes if c.kind == "field_renamed"}
    assert renames == {
        ("annotation.schema.json", "coders"),
        ("annotation.schema.json", "events[].date.time_text"),
        ("tables/events.schema.json", "time_text"),
    }
    assert major.required_bump == "major" and major.ok


def test_upgrade_keeps_comments_order_and_values(
    versions: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """1.0.0 -> 2.0.0 changes only the version and the renamed keys; the result validates."""
    path = _copy(tmp_path)
    before = path.read_text(encoding="utf-8")
    assert main(["migrate", "--to", "2.0.0", str(path)]) == 0
    assert "migrated 1.0.0 -> 1.1.0 -> 2.0.0" in capsys.readouterr().out
    after = path.read_text(encoding="utf-8")
    assert _changed_lines(before, after) == [
        '-schema_version: "1.0.0"',
        '+schema_version: "2.0.0"',
        "-annotators:  # who coded this file",
        "+coders:  # who coded this file",
        "-      time_of_day: early hours  # verbatim from the text",
        "+      time_text: early hours  # verbatim from the text",
    ]
    assert _valid_under(versions, "2.0.0", after) == []
    old, new = loads(before).data, loads(after).data
    new["annotators"] = new.pop("coders")
    new["events"][0]["date"]["time_of_day"] = new["events"][0]["date"].pop("time_text")
    new["schema_version"] = "1.0.0"
    assert _plain(new) == _plain(old)


def test_round_trip_is_byte_identical(versions: Path, tmp_path: Path) -> None:
    """1.0.0 -> 2.0.0 -> 1.0.0 gives back the original file byte for byte."""
    path = _copy(tmp_path)
    original = path.read_bytes()
    for version in ("2.0.0", "1.1.0", "1.0.0"):
        assert main(["migrate", "--to", version, str(path)]) == 0
    assert path.read_bytes() == original


def test_other_indentation_styles_survive(versions: Path, tmp_path: Path) -> None:
    """A file with block sequences at the parent's column keeps its style through a round trip."""
    flat = "schema_version: '1.0.0'\ndoc_id: rudaw-20231212\nannotators:\n- a\n- b\n"
    flat += "sha256: " + "a" * 64 + "\nannotated: 2023-12-20\nevents: []  # none yet\n"
    path = _copy(tmp_path, flat)
    assert main(["migrate", "--to", "2.0.0", str(path)]) == 0
    after = path.read_text(encoding="utf-8")
    assert after == flat.replace("'1.0.0'", "'2.0.0'").replace("annotators:", "coders:")
    assert main(["migrate", "--to", "1.0.0", str(path)]) == 0
    assert path.read_text(encoding="utf-8") == flat


def test_downgrade_refuses_to_drop_a_value(
    versions: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Going to a version that cannot hold a value refuses, names file, line and field, writes nothing."""
    text = ORIGINAL.read_text(encoding="utf-8").replace('"1.0.0"', '"1.1.0"')
    text = text.replace("    summary:", "    confidence: high  # sure\n    summary:")
    path = _copy(tmp_path, text)
    assert main(["migrate", "--to", "1.0.0", str(path)]) == 1
    out = capsys.readouterr().out
    line = text.splitlines().index("    confidence: high  # sure") + 1
    assert f'{path}:{line}: events[0].confidence: events[0].confidence is "high"' in out
    assert "migrating would drop it" in out and "(step 1.1.0 -> 1.0.0)" in out
    assert path.read_text(encoding="utf-8") == text


def test_downgrade_drops_empty_value(versions: Path, tmp_path: Path) -> None:
    """An empty (null) value that the older version cannot hold is dropped: nothing is lost."""
    text = ORIGINAL.read_text(encoding="utf-8").replace('"1.0.0"', '"1.1.0"')
    text = text.replace("    summary:", "    confidence:\n    summary:")
    path = _copy(tmp_path, text)
    assert main(["migrate", "--to", "1.0.0", str(path)]) == 0
    assert path.read_text(encoding="utf-8") == ORIGINAL.read_text(encoding="utf-8")


def test_refuses_all_files_when_one_is_refused(
    versions: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One refused file means no file is written, so a folder never ends up half migrated."""
    good = _copy(tmp_path, name="a.yaml")
    bad_text = ORIGINAL.read_text(encoding="utf-8").replace("doc_id: rudaw", "doc_id: Rudaw")
    bad = _copy(tmp_path, bad_text, name="b.yaml")
    before = good.read_bytes()
    assert main(["migrate", "--to", "2.0.0", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert f"{bad}:3: doc_id: 'Rudaw-20231212' does not match" in out
    assert "(not valid under 1.0.0; fix it first)" in out
    assert good.read_bytes() == before and bad.read_text(encoding="utf-8") == bad_text


def test_rename_onto_existing_key_refuses() -> None:
    """A rename whose new name is already taken refuses rather than overwrite a value."""
    step = Step("1.0.0", "1.1.0", "x", (rename_field("", "a", "b"),))
    text = "schema_version: 1.0.0\na: 1\nb: 2\n"
    with pytest.raises(MigrationRefused, match="b is already set"):
        tree = migrate_yaml.round_trip(text)[1]
        for operation in step.operations:
            operation(tree)


def test_missing_version_needs_from(versions: Path, tmp_path: Path) -> None:
    """A file without schema_version is refused unless --from says its version; then it is stamped."""
    text = ORIGINAL.read_text(encoding="utf-8").replace('schema_version: "1.0.0"\n', "")
    path = _copy(tmp_path, text)
    assert main(["migrate", "--to", "1.1.0", str(path)]) == 1
    assert path.read_text(encoding="utf-8") == text
    assert main(["migrate", "--to", "1.1.0", "--from", "1.0.0", str(path)]) == 0
    after = path.read_text(encoding="utf-8")
    assert loads(after).data["schema_version"] == "1.1.0"
    assert _valid_under(versions, "1.1.0", after) == []


def test_dry_run_writes_nothing(
    versions: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--dry-run reports the chain of steps and leaves the file alone."""
    path = _copy(tmp_path)
    before = path.read_bytes()
    assert main(["migrate", "--to", "2.0.0", "--dry-run", str(path)]) == 0
    assert "would migrate 1.0.0 -> 1.1.0 -> 2.0.0" in capsys.readouterr().out
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--to", "9.0.0"], "unknown schema version 9.0.0: published versions are 1.0.0, 2.0.0"),
        (["--to", "1.0.0", "missing.yaml"], "missing.yaml: no such file or folder"),
    ],
)
def test_usage_errors_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: list[str], message: str
) -> None:
    """An unknown version or a missing path exits 2 with one line on stderr, no traceback."""
    args = ["migrate", *argv] if len(argv) == 3 else ["migrate", *argv, str(_copy(tmp_path))]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_malformed_yaml_is_refused_with_line(tmp_path: Path) -> None:
    """A file that is not YAML is refused with its line, not a traceback."""
    (result,) = migrate_texts([(Path("x.yaml"), "a: [1,\nb: 2\n")], "1.0.0", registry=MIGRATIONS)
    assert result.problems and result.problems[0].startswith("x.yaml:")
    assert result.text is None


def test_no_declared_path_is_refused(versions: Path, tmp_path: Path) -> None:
    """Without a declared chain of steps, migrate says so instead of guessing."""
    path = _copy(tmp_path)
    results = migrate_paths([path], "2.0.0", registry=STEPS[:1], root=versions)
    assert results[0].problems == [f"{path}: no migration from 1.0.0 to 2.0.0 is declared"]


def test_find_path_takes_the_shortest_chain() -> None:
    """Steps chain through intermediate versions; an unreachable target is a LookupError."""
    assert [s.target for s in find_path(STEPS, "1.0.0", "2.0.0")] == ["1.1.0", "2.0.0"]
    assert [s.target for s in find_path(STEPS, "2.0.0", "1.0.0")] == ["1.1.0", "1.0.0"]
    assert find_path(STEPS, "1.1.0", "1.1.0") == []
    with pytest.raises(LookupError):
        find_path(STEPS, "1.0.0", "3.0.0")


def test_rename_value_keeps_quotes() -> None:
    """A recoded vocabulary value keeps the quoting the annotator used."""
    yaml, tree = migrate_yaml.round_trip("events:\n- weapons: ['rocket', drone]\n  kind: \"a\"\n")
    rename_value("events[]", "weapons", {"rocket": "rockets"})(tree)
    rename_value("events[]", "kind", {"a": "b"})(tree)
    out = migrate_yaml.dumps(yaml, tree, explicit_start=False)
    assert out == "events:\n- weapons: ['rockets', drone]\n  kind: \"b\"\n"


def test_declared_steps_join_published_versions(root: Path) -> None:
    """Every real migration step goes between two published versions."""
    published = set(versions_in(root / "schema"))
    for step in MIGRATIONS:
        assert {step.source, step.target} <= published, step


@pytest.mark.parametrize(
    "path",
    sorted((Path(__file__).parents[1] / "datasets" / "annotations").glob("*.yaml")),
    ids=lambda p: p.name,
)
def test_real_annotation_files_survive_a_rename(path: Path) -> None:
    """The dataset's own files round-trip byte for byte, and a rename touches only its lines."""
    text = path.read_text(encoding="utf-8")
    yaml, tree = migrate_yaml.round_trip(text)
    assert migrate_yaml.dumps(yaml, tree, explicit_start=False) == text
    rename_field("events[]", "summary", "summary_text")(tree)
    changed = _changed_lines(text, migrate_yaml.dumps(yaml, tree, explicit_start=False))
    removed = [line for line in changed if line.startswith("-")]
    added = [line for line in changed if line.startswith("+")]
    assert len(removed) == len(added) == len(tree["events"])
    assert [a.replace("summary_text:", "summary:", 1)[1:] for a in added] == [
        r[1:] for r in removed
    ]


def _events_tables(folder: Path, summary: str | None = None) -> tuple[Path, Path]:
    """events.csv and events.parquet of schema 1.0.0 holding one event (the seed's rocket attack,
    from tests/fixtures/migrate), written as the package writes them (its summary `summary` when
    given)."""
    table = pq.read_table(TABLES_1_0_0 / "events.parquet")
    table = table.filter(pc.equal(table["event_id"], "rudaw-20231212-e03"))
    if summary is not None:
        index = table.column_names.index("summary")
        table = table.set_column(index, table.schema.field(index), pa.array([summary]))
    folder.mkdir(parents=True, exist_ok=True)
    csv_path, parquet_path = folder / "events.csv", folder / "events.parquet"
    csv_path.write_bytes(write_csv(table.column_names, table.to_pylist()))
    parquet_path.write_bytes(write_parquet(table))
    return csv_path, parquet_path


def test_tables_round_trip_byte_identical(versions: Path, tmp_path: Path) -> None:
    """CSV and Parquet tables go 1.0.0 -> 2.0.0 -> 1.0.0 and come back byte for byte."""
    paths = _events_tables(tmp_path / "mine")
    originals = [p.read_bytes() for p in paths]
    assert main(["migrate", "--from", "1.0.0", "--to", "2.0.0", *map(str, paths)]) == 0
    header = paths[0].read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header == migrate_table._columns(versions, "2.0.0", "events")
    assert "time_text" in header and header[-1] == "confidence"
    arrow = pq.read_table(paths[1])
    assert arrow.column_names == header
    assert arrow.column("time_text").to_pylist() == ["early hours"]
    assert arrow.column("confidence").null_count == arrow.num_rows
    assert main(["migrate", "--from", "2.0.0", "--to", "1.0.0", *map(str, paths)]) == 0
    assert [p.read_bytes() for p in paths] == originals


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(summary=TEXTS)
def test_tables_with_any_text_round_trip(versions: Path, tmp_path: Path, summary: str) -> None:
    """A summary holding any text (CR, U+2028, quotes, formula signs) survives a CSV migration."""
    with tempfile.TemporaryDirectory(dir=tmp_path) as folder:
        csv_path = _events_tables(Path(folder), summary=summary)[0]
        original = csv_path.read_bytes()
        assert main(["migrate", "--from", "1.0.0", "--to", "2.0.0", str(csv_path)]) == 0
        frame = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
        assert [restore(cell) for cell in frame["summary"]] == [summary]
        assert main(["migrate", "--from", "2.0.0", "--to", "1.0.0", str(csv_path)]) == 0
        assert csv_path.read_bytes() == original


def test_table_downgrade_refuses_to_drop_a_value(
    versions: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A table column with a value the older version cannot hold refuses, naming the line."""
    csv_path, _ = _events_tables(tmp_path / "mine")
    assert main(["migrate", "--from", "1.0.0", "--to", "1.1.0", str(csv_path)]) == 0
    text = csv_path.read_text(encoding="utf-8")
    edited = text.rstrip("\n") + "high\n"
    csv_path.write_text(edited, encoding="utf-8")
    assert main(["migrate", "--from", "1.1.0", "--to", "1.0.0", str(csv_path)]) == 1
    out = capsys.readouterr().out
    assert f'{csv_path}:2: confidence: line 2 holds "high"' in out
    assert csv_path.read_text(encoding="utf-8") == edited


def test_table_needs_from_and_matching_columns(versions: Path, tmp_path: Path) -> None:
    """A table without --from, or whose columns are not the source version's, is refused."""
    csv_path, _ = _events_tables(tmp_path / "mine")
    (no_from,) = migrate_paths([csv_path], "2.0.0", registry=STEPS, root=versions)
    assert no_from.problems == [f"{csv_path}: tables carry no schema_version; pass --from VERSION"]
    (wrong,) = migrate_paths([csv_path], "2.0.0", source="1.1.0", registry=STEPS, root=versions)
    assert "columns are not those of the 1.1.0 events table" in wrong.problems[0]


def test_tables_inside_a_data_package_are_refused(versions: Path, tmp_path: Path) -> None:
    """Tables pinned by a datapackage.json are not rewritten: the package would stop verifying."""
    csv_path, _ = _events_tables(tmp_path / "package")
    (tmp_path / "package" / "datapackage.json").write_text("{}", encoding="utf-8")
    before = csv_path.read_bytes()
    (result,) = migrate_paths([csv_path], "2.0.0", source="1.0.0", registry=STEPS, root=versions)
    assert "part of a data package" in result.problems[0]
    assert csv_path.read_bytes() == before


# --- hostile YAML (issue 12) ---------------------------------------------------------------------

HOSTILE = {
    "merge key": ("  - actor_id: usa-embassy-baghdad\n", "  - <<: {note: x}\n    actor_id: usa-embassy-baghdad\n"),
    "binary tag": ("  - fixture-annotator\n", "  - !!binary Zml4dHVyZQ==\n"),
    "set tag": ("annotators:  # who coded this file\n  - fixture-annotator\n", "annotators: !!set {a}\n"),
    "python tag": ("doc_id: rudaw-20231212\n", "doc_id: !!python/object/apply:os.system ['true']\n"),
    "deep nesting": ("doc_id: rudaw-20231212\n", "doc_id: " + "[" * 5000 + "]" * 5000 + "\n"),
    "alias bomb": ("doc_id: rudaw-20231212\n", "doc_id: rudaw-20231212\n" + "".join(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}" if i else "x"] * 10) + "]\n" for i in range(9))),
    "5,000 digits": ("annotated: 2023-12-20\n", "annotated: " + "9" * 5000 + "\n"),
    "year 0": ("annotated: 2023-12-20\n", "annotated: 0000-01-01\n"),
    "February 30": ("      start: 2023-12-08\n", "      start: 2023-02-30\n"),
    "year 0 in a note": ("    actor_type: unidentified\n", "    actor_type: unidentified\n    note: 0000-01-01\n"),
}  # fmt: skip


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_yaml_is_refused_with_file_and_line(
    name: str, versions: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Tags, merge keys, nesting, alias bombs, huge numbers and impossible dates: migrate exits 1
    naming the file (and line when there is one), writes nothing, never exits 3."""
    old, new = HOSTILE[name]
    text = ORIGINAL.read_text(encoding="utf-8")
    assert old in text
    path = _copy(tmp_path, text.replace(old, new, 1))
    assert main(["migrate", "--to", "2.0.0", str(path)]) == 1
    out, err = capsys.readouterr()
    assert "internal error" not in err
    assert out.startswith(f"{path}:") and len(out) < 2_000
    assert path.read_text(encoding="utf-8") == text.replace(old, new, 1)


@pytest.fixture(scope="module")
def schema_versions(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture versions 1.0.0, 1.1.0 and 2.0.0, once for the module."""
    root = Path(__file__).resolve().parents[1]
    return _versions(tmp_path_factory.mktemp("schemas"), root / "schema" / "1.0.0")


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    edits=st.lists(st.sampled_from(sorted(HOSTILE)), min_size=1, max_size=3),
    target=st.sampled_from(["1.0.0", "2.0.0"]),
)
def test_any_mix_of_hostile_yaml_is_a_problem_not_a_crash(
    schema_versions: Path, edits: list[str], target: str
) -> None:
    """migrate_texts on any mix of hostile edits returns problems (or a text), never raises."""
    text = ORIGINAL.read_text(encoding="utf-8")
    for name in edits:
        old, new = HOSTILE[name]
        text = text.replace(old, new, 1)
    (result,) = migrate_texts(
        [(Path("x.yaml"), text)], target, registry=STEPS, root=schema_versions
    )
    assert result.problems or result.text is not None or not result.steps
    assert all(p.startswith("x.yaml:") for p in result.problems)


def test_a_failed_write_puts_back_the_files_written(
    versions: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """When one file of a run cannot be written, the ones written before it get their old bytes
    back: a run changes all its files or none, and says so."""
    first, second = _copy(tmp_path, name="a.yaml"), _copy(tmp_path, name="b.yaml")
    before = first.read_bytes()
    real = _migrate.write_bytes_atomic
    calls: list[Path] = []

    def failing(path: Path, data: bytes) -> None:
        calls.append(path)
        if path == second:
            raise PermissionError(13, "Permission denied", str(path))
        real(path, data)

    monkeypatch.setattr(_migrate, "write_bytes_atomic", failing)
    assert main(["migrate", "--to", "2.0.0", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (
        f"grounded-events migrate: cannot write {second} (Permission denied); no file was changed\n"
    )
    assert calls == [first, second, first]
    assert first.read_bytes() == before and second.read_bytes() == before
