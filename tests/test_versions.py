"""Published schema versions: one way to read X.Y.Z, find a version's folder, and compare it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from grounded_events._core.errors import UsageError
from grounded_events._schema.versions import (
    MANIFEST,
    SchemaSourceError,
    by_version,
    drift,
    parse_version,
    published_versions,
    read_manifest,
    schema_dir,
    sha256_text,
    versions_in,
)


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("1.0.0", (1, 0, 0)),
        ("10.20.30", (10, 20, 30)),
        ("1.0", None),
        ("v1.0.0", None),
        ("1.0.0\n", None),
        ("1.0.0-rc1", None),
        ("", None),
    ],
)
def test_parse_version_reads_only_x_y_z(text: str, parsed: tuple[int, int, int] | None) -> None:
    """Only a plain X.Y.Z is a version; anything around it is refused."""
    assert parse_version(text) == parsed


def test_versions_sort_by_number() -> None:
    """1.10.0 comes after 1.9.0: versions sort by their numbers, not their text."""
    assert by_version(["1.10.0", "1.9.0", "0.1.0", "1.9.10"]) == [
        "0.1.0",
        "1.9.0",
        "1.9.10",
        "1.10.0",
    ]


def test_drift_names_changed_missing_and_extra_files() -> None:
    """drift lists every file whose hash differs, is missing or is extra, sorted."""
    generated = {"a.json": "A", "b.json": "B", "c.json": "C"}
    found = {"a.json": sha256_text("A"), "b.json": sha256_text("b"), "z.md": sha256_text("Z")}
    assert drift(generated, found) == ["b.json", "c.json", "z.md"]
    assert drift(generated, {n: sha256_text(t) for n, t in generated.items()}) == []


def _version(root: Path, version: str, tables: bool = True) -> Path:
    folder = root / version
    (folder / "tables" if tables else folder).mkdir(parents=True)
    return folder


def test_schema_dir_finds_the_latest_published_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a version, schema_dir is the highest X.Y.Z folder holding tables/; others are not
    versions."""
    for version in ("1.9.0", "1.10.0"):
        _version(tmp_path, version)
    _version(tmp_path, "2.0.0", tables=False)
    _version(tmp_path, "latest")
    monkeypatch.setenv("GROUNDED_EVENTS_SCHEMA_ROOT", str(tmp_path))
    assert sorted(published_versions()) == ["1.10.0", "1.9.0"]
    assert schema_dir(None) == tmp_path / "1.10.0"
    assert schema_dir("1.9.0") == tmp_path / "1.9.0"
    assert versions_in(tmp_path) == ["1.9.0", "1.10.0", "2.0.0"]


def test_schema_dir_refuses_an_unknown_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unknown version, or no published version at all, is a usage error naming what exists."""
    monkeypatch.setenv("GROUNDED_EVENTS_SCHEMA_ROOT", str(tmp_path))
    with pytest.raises(UsageError, match="no published schema found"):
        schema_dir(None)
    _version(tmp_path, "1.0.0")
    with pytest.raises(UsageError, match=r"unknown schema version '9.9.9'; published: 1.0.0"):
        schema_dir("9.9.9")


def test_manifest_refuses_a_line_without_a_version(tmp_path: Path, root: Path) -> None:
    """A manifest line whose folder is not X.Y.Z is refused with its line number."""
    shutil.copy(root / "schema" / MANIFEST, tmp_path / MANIFEST)
    assert "1.0.0" in read_manifest(tmp_path)
    lines = (tmp_path / MANIFEST).read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("1.0.0/", "latest/")
    (tmp_path / MANIFEST).write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(SchemaSourceError, match=f"{MANIFEST}:2: expected"):
        read_manifest(tmp_path)
