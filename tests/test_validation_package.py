"""Validating a data package: every resource hash notation checked, hostile resource paths refused."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grounded_events._core.files import _ALGORITHMS
from grounded_events._validation import validate
from grounded_events._validation.output import exit_code
from helpers import build_sample, within


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample annotation built into a data package (with SHA256SUMS)."""
    return build_sample(tmp_path_factory.mktemp("validation-package"))


@pytest.fixture
def package(built: Path, tmp_path: Path) -> Path:
    """A fresh copy of the built package, without SHA256SUMS, so the descriptor may be edited."""
    copy = tmp_path / "package"
    shutil.copytree(built, copy)
    (copy / "SHA256SUMS").unlink()
    return copy


def _descriptor(package: Path) -> dict[str, Any]:
    return json.loads((package / "datapackage.json").read_text(encoding="utf-8"))


def _set_resource(package: Path, path: str, **fields: Any) -> int:
    """Set fields of the resource whose path is `path`; its index."""
    descriptor = _descriptor(package)
    (index,) = [i for i, r in enumerate(descriptor["resources"]) if r["path"] == path]
    descriptor["resources"][index].update(fields)
    (package / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    return index


def _tamper(path: Path) -> None:
    """Change one letter of a text cell: the file stays valid and keeps its size."""
    data = path.read_bytes()
    path.write_bytes(data.replace(b"rockets", b"Rockets", 1))
    assert path.read_bytes() != data


def _errors(package: Path) -> tuple[int, set[tuple[str | None, str]]]:
    report = within(30, lambda: validate(package / "datapackage.json"))
    return exit_code(report), {(e.field, e.code) for e in report.errors}


def test_built_package_is_valid(built: Path) -> None:
    """The package as built, with its SHA256SUMS, validates clean."""
    assert _errors(built) == (0, set())


@pytest.mark.slow
@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(algorithm=st.sampled_from(_ALGORITHMS), upper=st.booleans(), bare=st.booleans())
def test_every_hash_notation_catches_a_tampered_resource(
    package: Path, algorithm: str, upper: bool, bare: bool
) -> None:
    """`SHA256:`, `Sha256:`, `md5:`, bare md5, `sha512:` ...: a matching file passes, a changed one is GE701."""
    shutil.copy(package / "events.csv", package / "events.orig")
    events = package / "events.csv"
    digest = hashlib.new(algorithm, events.read_bytes()).hexdigest()
    name = algorithm.upper() if upper else algorithm
    notation = digest if bare and algorithm == "md5" else f"{name}:{digest}"
    index = _set_resource(package, "events.csv", hash=notation)
    assert _errors(package) == (0, set())
    _tamper(events)
    code, errors = _errors(package)
    assert (code, errors) == (1, {(f"resources[{index}].hash", "GE701")})
    shutil.move(package / "events.orig", events)


@pytest.mark.parametrize(
    ("value", "field"),
    [
        ({"hash": "crc32:1234abcd"}, "hash"),
        ({"hash": "sha256:abc"}, "hash"),
        ({"hash": "sha256:" + "z" * 64}, "hash"),
        ({"hash": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}, "hash"),
        ({"hash": 12}, "hash"),
        ({"bytes": "120"}, "bytes"),
    ],
)
def test_an_uncheckable_hash_is_an_error(package: Path, value: dict[str, Any], field: str) -> None:
    """An unknown algorithm, a digest of the wrong length or a bytes string is GE704, never a pass."""
    index = _set_resource(package, "events.csv", **value)
    assert _errors(package) == (1, {(f"resources[{index}].{field}", "GE704")})


def test_a_changed_size_is_an_error(package: Path) -> None:
    """A `bytes` that differs from the file is GE702."""
    index = _set_resource(package, "events.csv", bytes=3)
    assert _errors(package) == (1, {(f"resources[{index}].bytes", "GE702")})


def test_sha256sums_catches_a_rewritten_descriptor(built: Path, tmp_path: Path) -> None:
    """A tampered file whose new hash was written into datapackage.json: SHA256SUMS catches both."""
    package = tmp_path / "package"
    shutil.copytree(built, package)
    _tamper(package / "events.csv")
    digest = hashlib.sha256((package / "events.csv").read_bytes()).hexdigest()
    _set_resource(package, "events.csv", hash=f"sha256:{digest}")
    report = validate(package / "datapackage.json")
    found = {(Path(e.file).name, e.field, e.code) for e in report.errors}
    assert found == {
        ("SHA256SUMS", "events.csv", "GE705"),
        ("SHA256SUMS", "datapackage.json", "GE705"),
    }
    assert all(e.line for e in report.errors)


def _symlink_zero(package: Path) -> str:
    (package / "zero.csv").symlink_to("/dev/zero")
    return "zero.csv"


def _fifo(package: Path) -> str:
    os.mkfifo(package / "fifo.csv")
    return "fifo.csv"


def _symlink_out(package: Path) -> str:
    (package.parent / "secret.csv").write_text("event_id\nx\n", encoding="utf-8")
    (package / "out.csv").symlink_to(package.parent / "secret.csv")
    return "out.csv"


def _folder(package: Path) -> str:
    (package / "folder.csv").mkdir()
    return "folder.csv"


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (_symlink_zero, "GE114"),
        (_fifo, "GE115"),
        (_symlink_out, "GE114"),
        (_folder, "GE115"),
        (lambda p: "../secret.csv", "GE114"),
        (lambda p: "/etc/passwd", "GE114"),
        (lambda p: "https://example.org/events.csv", "GE114"),
        (lambda p: "events\x00.csv", "GE114"),
    ],
)
def test_hostile_resource_paths_are_refused(package: Path, make: Any, code: str) -> None:
    """A resource that is a device, FIFO, folder or path out of the package: exit 2, its code."""
    path = make(package)
    descriptor = _descriptor(package)
    descriptor["resources"].append({"name": "hostile", "path": path, "hash": "md5:" + "0" * 32})
    (package / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    index = len(descriptor["resources"]) - 1
    assert _errors(package) == (2, {(f"resources[{index}].path", code)})


def test_an_oversized_resource_is_refused(package: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A resource over the size limit is GE116 (exit 2) before its content is read."""
    monkeypatch.setattr("grounded_events._validation.datapackage.MAX_RESOURCE_BYTES", 100)
    code, errors = _errors(package)
    assert code == 2
    assert {c for _, c in errors} == {"GE116"}


def test_hostile_sha256sums_lines_are_refused(built: Path, tmp_path: Path) -> None:
    """SHA256SUMS naming a path out of the package, or a missing file: GE114 / GE705 on its line."""
    package = tmp_path / "package"
    shutil.copytree(built, package)
    (tmp_path / "secret").write_text("secret", encoding="utf-8")
    with (package / "SHA256SUMS").open("a", encoding="utf-8") as sums:
        sums.write(f"{'0' * 64}  ../secret\n{'0' * 64}  gone.csv\n")
    lines = (package / "SHA256SUMS").read_text(encoding="utf-8").count("\n")
    report = validate(package / "datapackage.json")
    found = {(e.line, e.field, e.code) for e in report.errors}
    assert found == {(lines - 1, "../secret", "GE114"), (lines, "gone.csv", "GE705")}
    assert exit_code(report) == 2


def test_a_fifo_sha256sums_does_not_hang(built: Path, tmp_path: Path) -> None:
    """SHA256SUMS that is a FIFO is refused (GE115) at once."""
    package = tmp_path / "package"
    shutil.copytree(built, package)
    (package / "SHA256SUMS").unlink()
    os.mkfifo(package / "SHA256SUMS")
    assert _errors(package) == (2, {(None, "GE115")})
