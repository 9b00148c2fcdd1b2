"""Release discipline: published schemas are frozen, versions move as the diff says, changes logged."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest

from grounded_events._core.safe_yaml import loads
from grounded_events._schema import generate as _schemagen
from grounded_events._schema.migration import Step
from grounded_events._schema.models import SCHEMA_VERSION
from grounded_events._schema.release import check_published, check_release, publish
from grounded_events._schema.versions import (
    MANIFEST,
    folder_files,
    manifest_text,
    read_manifest,
    versions_in,
)
from grounded_events.cli import main

CATALOGUE = Path(__file__).parent / "fixtures" / "schema_versions"
CHANGELOG = "# Changelog\n\n## [Unreleased]\n\n{entries}"


def _texts(folder: Path, version: str) -> dict[str, str]:
    """The schema files of folder as text, their $id moved to version (the models' output)."""
    texts = {}
    for path in sorted(folder.rglob("*.schema.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        data["$id"] = f"https://grounded-events.github.io/schema/{version}/{path.name}"
        texts[path.relative_to(folder).as_posix()] = json.dumps(data, indent=2) + "\n"
    return texts


def _tree(tmp_path: Path, case: str, versions: tuple[str, ...] = ("1.0.0",)) -> Path:
    """A repository with the case's old schema published as 1.0.0 and a changelog for versions."""
    repo = tmp_path / "repo"
    old = _texts(CATALOGUE / case / "old", "1.0.0")
    for name, text in old.items():
        path = repo / "schema" / "1.0.0" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert publish(repo / "schema", "1.0.0", current=old) == []
    entries = "".join(f"## [{v}] - 2026-11-25\n\n### Changed\n- x\n\n" for v in versions)
    (repo / "CHANGELOG.md").write_text(CHANGELOG.format(entries=entries), encoding="utf-8")
    return repo


def _check(repo: Path, case: str, version: str, migrations: tuple[Step, ...] = ()) -> list[str]:
    current = _texts(CATALOGUE / case / "new", version)
    return check_release(repo, current=current, version=version, migrations=migrations)


def test_repository_keeps_the_promise(root: Path) -> None:
    """The real tree: published folders intact, SCHEMA_VERSION bumped as needed, changelog entry."""
    assert check_release(root) == []


def test_every_published_folder_is_in_the_manifest(root: Path) -> None:
    """schema/SHA256SUMS lists every file of every published folder, and the folders match it."""
    published = read_manifest(root / "schema")
    assert set(versions_in(root / "schema")) <= set(published) | {SCHEMA_VERSION}
    assert "1.0.0" in published and "annotation.schema.json" in published["1.0.0"]
    assert check_published(root / "schema") == []


def test_unbumped_breaking_change_fails(tmp_path: Path) -> None:
    """Models that change a published version without a new number fail, naming the bump needed."""
    repo = _tree(tmp_path, "enum_value_removed")
    (problem,) = _check(repo, "enum_value_removed", "1.0.0")
    assert "no longer generate published schema/1.0.0 (annotation.schema.json)" in problem
    assert "bump it (at least major: annotation.schema.json events[].kind: enum_value_removed" in (
        problem
    )


def test_unbumped_removal_of_a_published_file_fails(tmp_path: Path) -> None:
    """Models that stop generating a published file, with SCHEMA_VERSION unchanged, fail."""
    repo = _tree(tmp_path, "schema_removed")
    (problem,) = _check(repo, "schema_removed", "1.0.0")
    assert "no longer generate published schema/1.0.0 (tables/places.schema.json)" in problem
    assert "schema_removed (major)" in problem


def test_edited_published_folder_is_reported_once(tmp_path: Path) -> None:
    """An edited published file is reported as modified, not also as the models' drift."""
    repo = _tree(tmp_path, "no_change")
    (repo / "schema" / "1.0.0" / "annotation.schema.json").write_text("{}\n", encoding="utf-8")
    (problem,) = _check(repo, "no_change", "1.0.0")
    assert "annotation.schema.json: modified after publication" in problem


def test_too_small_bump_fails(tmp_path: Path) -> None:
    """A breaking change released as a minor version fails."""
    repo = _tree(tmp_path, "field_removed", ("1.0.0", "1.1.0"))
    (problem,) = _check(repo, "field_removed", "1.1.0")
    assert "1.0.0 -> 1.1.0 is a minor bump but the changes need major" in problem


def test_a_published_major_still_needs_its_migration(tmp_path: Path) -> None:
    """Publishing a major does not end the promise: `schema check` keeps asking for the
    migration from the version before it until one is declared."""
    repo = _tree(tmp_path, "field_renamed", ("1.0.0", "2.0.0"))
    new = _texts(CATALOGUE / "field_renamed" / "new", "2.0.0")
    for name, text in new.items():
        (repo / "schema" / "2.0.0" / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / "schema" / "2.0.0" / name).write_text(text, encoding="utf-8")
    assert publish(repo / "schema", "2.0.0", current=new) == []
    (problem,) = _check(repo, "field_renamed", "2.0.0")
    assert problem == (
        "1.0.0 -> 2.0.0 breaks old files but no migration from 1.0.0 to 2.0.0 is declared in "
        "grounded_events._schema.migrate.MIGRATIONS"
    )
    assert _check(repo, "field_renamed", "2.0.0", (Step("1.0.0", "2.0.0", "rename"),)) == []


def test_a_published_step_too_small_is_reported(tmp_path: Path) -> None:
    """Two published versions whose numbers moved less than their changes need fail the check,
    even when the models are the newer one."""
    repo = _tree(tmp_path, "field_removed", ("1.0.0", "1.1.0"))
    new = _texts(CATALOGUE / "field_removed" / "new", "1.1.0")
    for name, text in new.items():
        (repo / "schema" / "1.1.0" / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / "schema" / "1.1.0" / name).write_text(text, encoding="utf-8")
    manifest = repo / "schema" / MANIFEST
    # Published by hand (publish itself refuses it): the manifest lists the folder's hashes.
    published = read_manifest(repo / "schema")
    published["1.1.0"] = folder_files(repo / "schema" / "1.1.0")
    manifest.write_text(manifest_text(published), encoding="utf-8")
    (problem,) = _check(repo, "field_removed", "1.1.0")
    assert problem.startswith("1.0.0 -> 1.1.0 is a minor bump but the changes need major: ")
    assert problem.endswith("; see `grounded-events schema diff 1.0.0 1.1.0`")


def test_major_bump_needs_a_migration(tmp_path: Path) -> None:
    """A breaking change with the right number still fails until a migration step is declared."""
    repo = _tree(tmp_path, "field_renamed", ("1.0.0", "2.0.0"))
    (problem,) = _check(repo, "field_renamed", "2.0.0")
    assert "no migration from 1.0.0 to 2.0.0 is declared" in problem
    assert _check(repo, "field_renamed", "2.0.0", (Step("1.0.0", "2.0.0", "rename"),)) == []


@pytest.mark.parametrize(
    ("case", "version"),
    [("field_added_optional", "1.1.0"), ("description_changed", "1.0.1"), ("no_change", "1.0.0")],
)
def test_sufficient_bump_passes(tmp_path: Path, case: str, version: str) -> None:
    """Additions as a minor, descriptions as a patch and no change at all pass."""
    repo = _tree(tmp_path, case, ("1.0.0", version))
    assert _check(repo, case, version) == []


def test_edited_published_folder_fails(tmp_path: Path) -> None:
    """Changing one byte of a published file fails, naming the file and both hashes."""
    repo = _tree(tmp_path, "no_change")
    path = repo / "schema" / "1.0.0" / "annotation.schema.json"
    path.write_text(path.read_text(encoding="utf-8").replace("One event.", "One event!"), "utf-8")
    problems = _check(repo, "no_change", "1.0.0")
    assert any(
        f"{path}: modified after publication" in p and "published folders are frozen" in p
        for p in problems
    )


def test_added_and_deleted_published_files_fail(tmp_path: Path) -> None:
    """A file added to, or deleted from, a published folder fails."""
    repo = _tree(tmp_path, "schema_removed")
    folder = repo / "schema" / "1.0.0"
    (folder / "tables" / "places.schema.json").unlink()
    (folder / "notes.md").write_text("x\n", encoding="utf-8")
    problems = check_published(repo / "schema")
    assert f"{folder / 'tables/places.schema.json'}: published file is missing" in problems
    assert f"{folder / 'notes.md'}: added to a published folder" in problems


def test_unlisted_version_folder_fails(tmp_path: Path) -> None:
    """A version folder that is neither published nor the one being prepared fails."""
    repo = _tree(tmp_path, "no_change")
    shutil.copytree(repo / "schema" / "1.0.0", repo / "schema" / "0.9.0")
    problems = _check(repo, "no_change", "1.0.0")
    assert any("0.9.0: not in SHA256SUMS" in p for p in problems)


def test_stale_draft_folder_fails(tmp_path: Path) -> None:
    """The folder of the version being prepared must be what the models generate."""
    repo = _tree(tmp_path, "field_added_optional", ("1.0.0", "1.1.0"))
    shutil.copytree(repo / "schema" / "1.0.0", repo / "schema" / "1.1.0")
    problems = _check(repo, "field_added_optional", "1.1.0")
    assert any("1.1.0: differs from what the models generate" in p for p in problems)


def test_stray_file_in_draft_folder_fails(tmp_path: Path) -> None:
    """A file the models do not generate, in the folder being prepared, fails by name."""
    repo = _tree(tmp_path, "field_added_optional", ("1.0.0", "1.1.0"))
    draft = repo / "schema" / "1.1.0"
    for name, text in _texts(CATALOGUE / "field_added_optional" / "new", "1.1.0").items():
        (draft / name).parent.mkdir(parents=True, exist_ok=True)
        (draft / name).write_text(text, encoding="utf-8")
    assert _check(repo, "field_added_optional", "1.1.0") == []
    (draft / "notes.md").write_text("x\n", encoding="utf-8")
    (problem,) = _check(repo, "field_added_optional", "1.1.0")
    assert "1.1.0: differs from what the models generate (notes.md)" in problem


def test_changelog_entry_required(tmp_path: Path) -> None:
    """A version without a `## [X.Y.Z] - date` heading in CHANGELOG.md fails; so does no changelog."""
    repo = _tree(tmp_path, "field_added_optional", ("1.0.0",))
    (problem,) = _check(repo, "field_added_optional", "1.1.0")
    assert "no '## [1.1.0] - YYYY-MM-DD' entry" in problem
    (repo / "CHANGELOG.md").unlink()
    (problem,) = _check(repo, "field_added_optional", "1.1.0")
    assert "CHANGELOG.md: missing" in problem


SEED_1_0_0 = Path(__file__).parent / "fixtures" / "migrate" / "rudaw-20231212.1.0.0.yaml"


def test_the_previous_version_validates_its_own_files(root: Path) -> None:
    """schema/1.0.0 stays published, and the seed's annotation file as released with 1.0.0
    still validates against it; 2.0.0 refuses it (its actors and refers_to moved): a major."""
    assert "1.0.0" in read_manifest(root / "schema")
    data = loads(SEED_1_0_0.read_text(encoding="utf-8")).data
    assert data["schema_version"] == "1.0.0"
    old = json.loads((root / "schema" / "1.0.0" / "annotation.schema.json").read_text("utf-8"))
    jsonschema.Draft202012Validator(old, format_checker=jsonschema.FormatChecker()).validate(data)
    new = json.loads((root / "schema" / "2.0.0" / "annotation.schema.json").read_text("utf-8"))
    refused = {
        (tuple(e.path), e.validator) for e in jsonschema.Draft202012Validator(new).iter_errors(data)
    }
    assert ((), "additionalProperties") in refused  # actors
    assert (("schema_version",), "pattern") in refused


def test_edited_real_folder_fails(tmp_path: Path, root: Path) -> None:
    """A copy of the real tree with one description edited in schema/1.0.0 fails the check."""
    repo = tmp_path / "repo"
    shutil.copytree(root / "schema", repo / "schema")
    shutil.copy(root / "CHANGELOG.md", repo / "CHANGELOG.md")
    assert check_release(repo) == []
    path = repo / "schema" / "1.0.0" / "event.schema.json"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"description": "', '"description": "Edited. ', 1), "utf-8")
    problems = check_release(repo)
    assert any(f"{path}: modified after publication" in p for p in problems)


def test_cli_check(tmp_path: Path, root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`schema check` exits 0 on the real tree and 1 on an edited copy, listing the problem."""
    assert main(["schema", "check", "--repo", str(root)]) == 0
    repo = tmp_path / "repo"
    shutil.copytree(root / "schema", repo / "schema")
    shutil.copy(root / "CHANGELOG.md", repo / "CHANGELOG.md")
    (repo / "schema" / "1.0.0" / "codebook.md").write_text("edited\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["schema", "check", "--repo", str(repo)]) == 1
    assert "codebook.md: modified after publication" in capsys.readouterr().out


def test_publish_freezes_once(tmp_path: Path) -> None:
    """publish adds a version's sha256 lines once, refuses twice, and refuses a stale folder."""
    repo = _tree(tmp_path, "field_added_optional", ("1.0.0", "1.1.0"))
    root = repo / "schema"
    new = _texts(CATALOGUE / "field_added_optional" / "new", "1.1.0")
    for name, text in new.items():
        (root / "1.1.0" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "1.1.0" / name).write_text(text, encoding="utf-8")
    stale = {**new, "annotation.schema.json": new["annotation.schema.json"] + " "}
    assert "differs from what the models generate" in publish(root, "1.1.0", current=stale)[0]
    assert publish(root, "1.1.0", current=new) == []
    assert sorted(read_manifest(root)) == ["1.0.0", "1.1.0"]
    assert "already published" in publish(root, "1.1.0", current=new)[0]
    lines = (root / MANIFEST).read_text(encoding="utf-8").splitlines()
    assert lines == sorted(lines, key=lambda line: line.split("  ")[1])


def test_publish_refuses_an_unbumped_break(tmp_path: Path) -> None:
    """publish refuses a version whose number moved less than its changes need."""
    repo = _tree(tmp_path, "enum_value_removed")
    root = repo / "schema"
    new = _texts(CATALOGUE / "enum_value_removed" / "new", "1.1.0")
    (root / "1.1.0").mkdir()
    (root / "1.1.0" / "annotation.schema.json").write_text(new["annotation.schema.json"], "utf-8")
    (problem,) = publish(root, "1.1.0", current=new)
    assert "is a minor bump but the changes need major" in problem
    assert "1.1.0" not in read_manifest(root)


def test_make_schema_refuses_to_rewrite_a_published_version(tmp_path: Path) -> None:
    """`make schema` (_schemagen.write) will not overwrite a published folder with new content."""
    root = tmp_path / "schema"
    written = _schemagen.write(root)
    assert written and publish(root, SCHEMA_VERSION) == []
    assert _schemagen.write(root) == written, "same content: rewriting is harmless"
    manifest = root / MANIFEST
    lines = manifest.read_text(encoding="utf-8").splitlines()
    lines[0] = "0" * 64 + lines[0][64:]
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    with pytest.raises(
        _schemagen.PublishedError, match=r"bump SCHEMA_VERSION in _core/version\.py"
    ):
        _schemagen.write(root)
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before
