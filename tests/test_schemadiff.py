"""Tests for `grounded-events schema diff`: every kind of change, its classification and its bump."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any, get_args

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grounded_events._core.version import SCHEMA_VERSION
from grounded_events._schema import diff as _schemadiff
from grounded_events._schema.diff import (
    BACKWARD,
    FORWARD,
    FULL,
    NONE,
    Kind,
    diff,
    load_source,
    schemas_from_folder,
)
from grounded_events._schema.versions import SchemaSourceError
from grounded_events.cli import main

CATALOGUE = Path(__file__).parent / "fixtures" / "schema_versions"
CASES = sorted(p.name for p in CATALOGUE.iterdir() if (p / "case.json").exists())


def _case(name: str) -> dict[str, Any]:
    return json.loads((CATALOGUE / name / "case.json").read_text(encoding="utf-8"))


def _valid(schema: dict[str, Any], instance: Any) -> bool:
    return jsonschema.Draft202012Validator(schema).is_valid(instance)


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["schema", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("name", CASES)
def test_catalogue_case_is_classified(name: str) -> None:
    """Each catalogue case yields exactly the expected changes, classifications and bump."""
    spec = _case(name)
    result = diff(
        schemas_from_folder(CATALOGUE / name / "old"), schemas_from_folder(CATALOGUE / name / "new")
    )
    found = [
        {k: c.as_dict()[k] for k in ("file", "path", "kind", "compatibility", "bump")}
        for c in result.changes
    ]
    assert found == spec["changes"]
    assert result.required_bump == spec["required_bump"]
    assert result.ok, "the case's new $id carries the version the policy requires"


@pytest.mark.parametrize("name", CASES)
def test_catalogue_classification_matches_a_validator(name: str) -> None:
    """BACKWARD/FORWARD claims hold for the case's example files under jsonschema itself."""
    spec = _case(name)
    old = json.loads((CATALOGUE / name / "old" / "annotation.schema.json").read_text())
    new = json.loads((CATALOGUE / name / "new" / "annotation.schema.json").read_text())
    assert all(_valid(old, f) for f in spec["old_files"]), "old examples are valid under old"
    assert all(_valid(new, f) for f in spec["new_files"]), "new examples are valid under new"
    compat = _schemadiff.combine([c["compatibility"] for c in spec["changes"]])
    old_under_new = all(_valid(new, f) for f in spec["old_files"])
    new_under_old = all(_valid(old, f) for f in spec["new_files"])
    if name.startswith("schema_"):
        return  # a whole record format comes or goes; the annotation schema is unchanged
    # A claim of compatibility must hold for every example; a claim of incompatibility needs a
    # witness among them, so the examples show each classification is not vacuous.
    assert old_under_new == (compat in (FULL, BACKWARD))
    assert new_under_old == (compat in (FULL, FORWARD))


def test_catalogue_covers_every_kind() -> None:
    """The catalogue has at least one case for every kind of change the diff reports."""
    seen = {c["kind"] for name in CASES for c in _case(name)["changes"]}
    assert seen == set(get_args(Kind))


def test_catalogue_uses_every_compatibility_class() -> None:
    """Every compatibility class used by the catalogue is one of the four Schema Registry classes."""
    seen = {c["compatibility"] for name in CASES for c in _case(name)["changes"]}
    assert seen <= {FULL, BACKWARD, FORWARD, NONE}
    assert seen == {FULL, BACKWARD, FORWARD, NONE}


def test_published_equals_current() -> None:
    """The models generate what schema/<SCHEMA_VERSION> holds: no changes, so no bump is needed."""
    result = diff(load_source(SCHEMA_VERSION), load_source("current"))
    assert result.changes == []
    assert result.required_bump == "none"


# The verdict on each change of issue 14, as (file, path) -> (kind, compatibility, bump).
VERDICTS_2_0_0 = {
    ("actors.schema.json", ""): ("schema_added", BACKWARD, "minor"),
    ("links.schema.json", ""): ("schema_added", BACKWARD, "minor"),
    ("tables/links.schema.json", ""): ("schema_added", BACKWARD, "minor"),
    ("annotation.schema.json", "actors"): ("field_removed", FORWARD, "major"),
    ("annotation.schema.json", "events[].refers_to"): ("field_removed", FORWARD, "major"),
    ("event.schema.json", "refers_to"): ("field_removed", FORWARD, "major"),
    ("tables/events.schema.json", "refers_to"): ("field_removed", NONE, "major"),
    ("annotation.schema.json", "events[].claim"): ("field_added_optional", BACKWARD, "minor"),
    ("annotation.schema.json", "events[].munitions"): ("field_added_optional", BACKWARD, "minor"),
    ("annotation.schema.json", "events[].evidence[].hedge"): (
        "field_added_optional",
        BACKWARD,
        "minor",
    ),
    ("document.schema.json", "published_date"): ("constraint_loosened", BACKWARD, "minor"),
    ("tables/documents.schema.json", "published_date"): ("constraint_loosened", BACKWARD, "minor"),
    ("tables/actors.schema.json", "variants"): ("field_added_required", NONE, "major"),
    ("tables/events.schema.json", "claimed_by"): ("field_added_required", NONE, "major"),
    ("tables/events.schema.json", "munitions_best"): ("field_added_required", NONE, "major"),
    ("tables/evidence.schema.json", "hedge"): ("field_added_required", NONE, "major"),
}


def test_schema_2_0_0_is_classified_major() -> None:
    """Every change from 1.0.0 to 2.0.0 is classified as intended, and the release is a major one."""
    result = diff(load_source("1.0.0"), load_source("2.0.0"))
    found: dict[tuple[str, str], list[tuple[str, str, str]]] = {}
    for c in result.changes:
        found.setdefault((c.file, c.path), []).append((c.kind, c.compatibility, c.bump))
    for place, verdict in VERDICTS_2_0_0.items():
        assert verdict in found.get(place, []), place
    added = {(c.file, c.path, c.detail) for c in result.changes if c.kind == "enum_value_added"}
    for value in ("munitions", "attacks", "damage", "claim"):
        assert ("event.schema.json", "evidence[].field", f'"{value}" added') in added
    for value in ("estimated", "unknown"):
        assert ("document.schema.json", "published_date_basis", f'"{value}" added') in added
    # Nothing unanalysed: the one changed constraint is the version pattern of annotation files.
    (changed,) = [c for c in result.changes if c.kind == "constraint_changed"]
    assert (changed.file, changed.path) == ("annotation.schema.json", "schema_version")
    assert not [c for c in result.changes if c.kind in ("default_changed", "field_renamed")]
    assert (result.required_bump, result.declared_bump, result.ok) == ("major", "major", True)


def test_cli_says_2_0_0_is_major(capsys: pytest.CaptureFixture[str]) -> None:
    """`schema diff 1.0.0 2.0.0` ends with the verdict major, declared major, and exits 0."""
    code, out, _ = _run(capsys, "diff", "1.0.0", "2.0.0")
    assert code == 0
    assert out.startswith("schema diff 1.0.0 -> 2.0.0\n")
    assert "  events[].refers_to: field_removed (field removed) FORWARD, major\n" in out
    assert "  actors: field_removed (field removed) FORWARD, major\n" in out
    assert "links.schema.json\n  (root): schema_added (new record format) BACKWARD, minor\n" in out
    assert out.endswith("; compatibility NONE; required bump major; declared bump major\n")


def test_null_in_an_enum_is_reported_once() -> None:
    """A code list that starts to accept null is one change (null now allowed), not two."""
    old = {"type": "object", "properties": {"a": {"enum": ["x", "y"]}}, "required": ["a"]}
    new = {"type": "object", "properties": {"a": {"enum": ["x", "y", None]}}, "required": ["a"]}
    (change,) = _schemadiff.diff_schema("t.json", old, new)
    assert (change.kind, change.detail, change.bump) == (
        "constraint_loosened",
        "null now allowed",
        "minor",
    )


def test_real_schema_vocabulary_change_is_found_everywhere(tmp_path: Path, root: Path) -> None:
    """A code added to a real vocabulary shows up in every record format that uses it, as minor."""
    new = tmp_path / "1.1.0"
    shutil.copytree(root / "schema" / "1.0.0", new)
    for path in new.rglob("*.schema.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        data["$id"] = data["$id"].replace("/1.0.0/", "/1.1.0/")
        if "Weapon" in data.get("$defs", {}):
            data["$defs"]["Weapon"]["enum"].append("catapult")
        path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    result = diff(load_source("1.0.0", root / "schema"), schemas_from_folder(new))
    places = {(c.file, c.path) for c in result.changes}
    assert ("annotation.schema.json", "events[].weapons[]") in places
    assert ("event.schema.json", "weapons[]") in places
    assert {c.kind for c in result.changes} == {"enum_value_added"}
    assert result.required_bump == "minor" and result.declared_bump == "minor" and result.ok


def test_cli_text_lists_changes_and_verdict(capsys: pytest.CaptureFixture[str]) -> None:
    """The text report names the file, path, kind, class and bump, then the verdict; exit 0."""
    case = CATALOGUE / "enum_value_added"
    code, out, _ = _run(capsys, "diff", str(case / "old"), str(case / "new"))
    assert code == 0
    assert "events[].kind: enum_value_added" in out
    assert "BACKWARD, minor" in out
    assert "required bump minor; declared bump minor" in out


def test_cli_json_is_machine_readable(capsys: pytest.CaptureFixture[str]) -> None:
    """--format json gives the changes with reader/writer answers and the bumps."""
    case = CATALOGUE / "field_removed"
    code, out, _ = _run(capsys, "diff", str(case / "old"), str(case / "new"), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["required_bump"] == "major" and data["declared_bump"] == "major"
    (change,) = data["changes"]
    assert change["kind"] == "field_removed"
    assert change["new_readers_accept_old_files"] is False
    assert change["old_readers_accept_new_files"] is True


def _relabel(folder: Path, version: str, target: Path) -> Path:
    shutil.copytree(folder, target)
    for path in target.rglob("*.schema.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        data["$id"] = "https://grounded-events.github.io/schema/" + version + "/x.schema.json"
        path.write_text(json.dumps(data), encoding="utf-8")
    return target


def test_cli_exit_1_when_bump_too_small(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A breaking change released as a minor version exits 1 and says what bump it needs."""
    case = CATALOGUE / "enum_value_removed"
    new = _relabel(case / "new", "1.1.0", tmp_path / "new")
    code, out, _ = _run(capsys, "diff", str(case / "old"), str(new))
    assert code == 1
    assert "is a minor bump, but these changes need a major bump" in out


def test_cli_exit_1_on_unbumped_description_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Even a description-only change needs a patch bump; the same number exits 1."""
    case = CATALOGUE / "description_changed"
    new = _relabel(case / "new", "1.0.0", tmp_path / "new")
    code, _, _ = _run(capsys, "diff", str(case / "old"), str(new), "--format", "json")
    assert code == 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("diff", "1.0.0", "9.9.9"), "unknown schema version 9.9.9: published versions are 1.0.0"),
        (("diff", "no/such/folder", "current"), "no/such/folder: neither 'current'"),
    ],
)
def test_cli_usage_errors_exit_2(
    capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], message: str
) -> None:
    """An unknown version or missing folder exits 2 with one line and no traceback."""
    code, out, err = _run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert message in err and len(err.strip().splitlines()) == 1


def test_cli_unreadable_schema_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A folder whose schema is not JSON exits 2 naming the file and line."""
    (tmp_path / "annotation.schema.json").write_text("{\n  oops\n}\n", encoding="utf-8")
    code, _, err = _run(capsys, "diff", str(tmp_path), "current")
    assert code == 2
    assert "annotation.schema.json: not JSON (line 2" in err
    assert "Traceback" not in err


def test_cli_empty_folder_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A folder without schema files is a usage error, not an empty diff."""
    code, _, err = _run(capsys, "diff", str(tmp_path), "current")
    assert code == 2 and "no *.schema.json files" in err


def test_version_root_can_be_injected(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """GROUNDED_EVENTS_SCHEMA_ROOT points `schema diff X Y` at another folder of versions."""
    case = CATALOGUE / "type_widened"
    shutil.copytree(case / "old", tmp_path / "1.0.0")
    shutil.copytree(case / "new", tmp_path / "1.1.0")
    monkeypatch.setenv("GROUNDED_EVENTS_SCHEMA_ROOT", str(tmp_path))
    code, out, _ = _run(capsys, "diff", "1.0.0", "1.1.0")
    assert code == 0 and "type_widened (integer -> number) BACKWARD, minor" in out


def test_recursive_definitions_terminate() -> None:
    """A self-referencing definition is compared once per change, not forever."""
    tree = {
        "$defs": {
            "Node": {
                "type": "object",
                "properties": {"children": {"type": "array", "items": {"$ref": "#/$defs/Node"}}},
            }
        },
        "$ref": "#/$defs/Node",
    }
    changed = json.loads(json.dumps(tree))
    changed["$defs"]["Node"]["properties"]["label"] = {"type": "string"}
    changes = _schemadiff.diff_schema("tree.schema.json", tree, changed)
    assert [(c.path, c.kind) for c in changes] == [("label", "field_added_optional")]


def _object(**props: Any) -> dict[str, Any]:
    return {"type": "object", "additionalProperties": False, "properties": props}


def test_unanalysed_keyword_counts_as_breaking() -> None:
    """A change in a keyword the diff does not analyse (allOf) is reported as breaking, not missed."""
    old = _object(a={"type": "string", "allOf": [{"minLength": 1}]})
    new = _object(a={"type": "string", "allOf": [{"minLength": 2}]})
    (change,) = _schemadiff.diff_schema("x.schema.json", old, new)
    assert (change.path, change.kind, change.compatibility, change.bump) == (
        "a",
        "constraint_changed",
        NONE,
        "major",
    )


def test_union_of_objects_is_compared_member_by_member() -> None:
    """In a union of two object models, each model is compared with its counterpart by $ref."""
    defs = {
        "Cat": _object(name={"type": "string"}),
        "Dog": _object(name={"type": "string"}),
    }
    old = {"$defs": defs, "anyOf": [{"$ref": "#/$defs/Cat"}, {"$ref": "#/$defs/Dog"}]}
    new = json.loads(json.dumps(old))
    new["$defs"]["Dog"]["properties"]["name"]["maxLength"] = 10
    changes = _schemadiff.diff_schema("pets.schema.json", old, new)
    assert [(c.path, c.kind, c.detail) for c in changes] == [
        ("name", "constraint_tightened", "maxLength none -> 10")
    ]


def test_deprecation_is_a_patch() -> None:
    """Marking a field deprecated changes no file's validity: a patch."""
    old = _object(a={"type": "string"})
    new = _object(a={"type": "string", "deprecated": True})
    (change,) = _schemadiff.diff_schema("x.schema.json", old, new)
    assert (change.kind, change.bump) == ("description_changed", "patch")


# --- hostile schema files (issue 12) -------------------------------------------------------------

PUBLISHED = Path(__file__).resolve().parents[1] / "schema" / "1.0.0"


def _hostile_pair(tmp_path: Path, edit: Any) -> tuple[Path, Path]:
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(PUBLISHED, old)
    shutil.copytree(PUBLISHED, new)
    path = new / "annotation.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    edit(schema)
    path.write_text(json.dumps(schema), encoding="utf-8")
    return old, new


def _ref_cycle(schema: dict[str, Any]) -> None:
    schema["$defs"]["Loop"] = {"$ref": "#/$defs/Loop2"}
    schema["$defs"]["Loop2"] = {"$ref": "#/$defs/Loop"}
    schema["$defs"]["Actor"]["properties"]["note"] = {"$ref": "#/$defs/Loop"}


def _self_ref(schema: dict[str, Any]) -> None:
    schema["$defs"]["Actor"]["properties"]["note"] = {"$ref": "#/$defs/Actor/properties/note"}


def _deep(schema: dict[str, Any]) -> None:
    node: dict[str, Any] = {"type": "string"}
    for _ in range(150):
        node = {"type": "object", "properties": {"x": node}}
    schema["$defs"]["Actor"]["properties"]["note"] = node


def _not_a_schema(schema: dict[str, Any]) -> None:
    schema["$defs"]["Actor"]["properties"] = 5


HOSTILE_SCHEMAS = {
    "$ref cycle": (_ref_cycle, "$ref cycle #/$defs/Loop -> #/$defs/Loop2 -> #/$defs/Loop"),
    "$ref to itself": (_self_ref, "$ref cycle"),
    "150 levels": (_deep, "nested"),
    "properties: 5": (_not_a_schema, "not a valid JSON Schema at $defs/Actor/properties"),
}


@pytest.mark.parametrize("name", HOSTILE_SCHEMAS)
def test_hostile_schema_is_a_usage_error(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A $ref cycle, absurd nesting or a document that is not a JSON Schema exits 2 with one
    line naming the file, never 3."""
    edit, message = HOSTILE_SCHEMAS[name]
    old, new = _hostile_pair(tmp_path, edit)
    code, out, err = _run(capsys, "diff", str(old), str(new))
    assert (code, out) == (2, "")
    assert "annotation.schema.json" in err and message in err
    assert len(err.strip().splitlines()) == 1


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
KEYWORDS = st.sampled_from(
    ["type", "properties", "required", "enum", "anyOf", "items", "$ref", "minimum", "maxLength",
     "pattern", "additionalProperties", "default", "const", "oneOf"]
)  # fmt: skip


@pytest.mark.slow
@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_any_mutated_schema_diffs_or_is_refused(data: st.DataObject) -> None:
    """Whatever a keyword of the annotation schema is replaced with, diff returns changes or
    raises SchemaSourceError, nothing else."""
    old = json.loads((PUBLISHED / "annotation.schema.json").read_text(encoding="utf-8"))
    new = json.loads(json.dumps(old))
    nodes = [new, *new["$defs"].values(), *new["$defs"]["Event"]["properties"].values()]
    for _ in range(data.draw(st.integers(1, 3))):
        node = data.draw(st.sampled_from(nodes))
        keyword = data.draw(KEYWORDS)
        if keyword == "$ref":
            value: Any = data.draw(st.sampled_from(["#", "#/$defs/Event", "#/nowhere", "x.json"]))
        else:
            value = data.draw(JSON_VALUES)
        node[keyword] = value
    texts = {"annotation.schema.json": json.dumps(new)}
    try:
        source = _schemadiff.schemas_from_texts("new", texts, "1.0.1")
        _schemadiff.diff(_schemadiff.schemas_from_folder(PUBLISHED), source)
    except SchemaSourceError as exc:
        assert str(exc).startswith(("new/annotation.schema.json", "annotation.schema.json"))
