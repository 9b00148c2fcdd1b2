"""The published schema artifacts are generated from the models, valid, and complete."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from frictionless import Schema

from grounded_events._schema import generate as _schemagen
from grounded_events._schema import models as _models
from grounded_events._schema.models import SCHEMA_VERSION
from grounded_events._schema.versions import drift, folder_files
from grounded_events._schema.vocab import CROSSWALK, VOCABULARIES

JSON_SCHEMAS = sorted(name for name in _schemagen.artifacts() if name.endswith(".schema.json"))


def _drift(root: Path) -> list[str]:
    """What keeps root/<SCHEMA_VERSION>/ from being what the models generate now."""
    return drift(_schemagen.artifacts(), folder_files(root / SCHEMA_VERSION))


def test_committed_artifacts_match_the_models(root: Path) -> None:
    """schema/<version>/ is byte-identical to what `make schema` generates now."""
    assert _drift(root / "schema") == []


def test_drift_is_detected_when_a_model_changes(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Changing a model without regenerating the artifacts makes the drift check fail."""
    field = _models.Actor.model_fields["name"]
    monkeypatch.setattr(field, "description", "A changed description.")
    _models.Actor.model_rebuild(force=True)
    _models.ActorRegistry.model_rebuild(force=True)
    try:
        assert "actors.schema.json" in _drift(root / "schema")
    finally:
        monkeypatch.undo()
        _models.Actor.model_rebuild(force=True)
        _models.ActorRegistry.model_rebuild(force=True)
    assert _drift(root / "schema") == []


def test_drift_reports_hand_edits_and_stray_files(root: Path, tmp_path: Path) -> None:
    """An edited or an extra file in a generated folder is reported by name."""
    _schemagen.write(tmp_path)
    (tmp_path / SCHEMA_VERSION / "codebook.md").write_text("edited\n", encoding="utf-8")
    (tmp_path / SCHEMA_VERSION / "stray.json").write_text("{}\n", encoding="utf-8")
    assert _drift(tmp_path) == ["codebook.md", "stray.json"]


@pytest.mark.parametrize("name", JSON_SCHEMAS)
def test_json_schemas_pass_the_2020_12_metaschema(root: Path, name: str) -> None:
    """Every JSON Schema is valid draft 2020-12 and carries the version in its $id."""
    schema = json.loads((root / "schema" / SCHEMA_VERSION / name).read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    assert f"/{SCHEMA_VERSION}/{name}" in schema["$id"]


def test_check_jsonschema_accepts_every_schema(root: Path) -> None:
    """check-jsonschema's own metaschema check accepts every published JSON Schema."""
    files = [str(root / "schema" / SCHEMA_VERSION / name) for name in JSON_SCHEMAS]
    result = subprocess.run(
        [str(Path(sys.executable).parent / "check-jsonschema"), "--check-metaschema", *files],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", ["documents", "actors", "events", "event_actors", "evidence"])
def test_table_schemas_are_valid_frictionless(root: Path, name: str) -> None:
    """Every Table Schema loads in frictionless with its primary key and constraints."""
    path = root / "schema" / SCHEMA_VERSION / "tables" / f"{name}.tableschema.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    schema = Schema.from_descriptor(descriptor)
    assert schema.primary_key
    assert all(f.name for f in schema.fields)


def test_codebook_lists_every_value_with_definition_and_crosswalk(root: Path) -> None:
    """The codebook names every vocabulary value with its definition, and every crosswalk."""
    codebook = (root / "schema" / SCHEMA_VERSION / "codebook.md").read_text(encoding="utf-8")
    for vocab in VOCABULARIES:
        for member in vocab:
            assert f"| `{member.value}` |" in codebook, member
            assert member.definition in codebook, member
    subtypes = codebook.split("### `EventSubtype`")[1].split("### ")[0].splitlines()
    for subtype, cw in CROSSWALK.items():
        row = next(line for line in subtypes if line.startswith(f"| `{subtype}` |"))
        assert f"| `{cw.event_type}` |" in row, subtype
        for code in (cw.acled_sub_event_type, cw.plover_mode, cw.cameo_root):
            if code:
                assert code in row, (subtype, code)


def test_check_jsonschema_validates_annotation_files_with_the_schema(root: Path) -> None:
    """`check-jsonschema --schemafile annotation.schema.json` accepts the committed annotations."""
    schema = root / "schema" / SCHEMA_VERSION / "annotation.schema.json"
    files = sorted(str(p) for p in (root / "datasets" / "annotations").glob("*.yaml"))
    assert files
    exe = str(Path(sys.executable).parent / "check-jsonschema")
    result = subprocess.run(
        [exe, "--schemafile", str(schema), *files], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
