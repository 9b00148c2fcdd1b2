"""Published schema versions: where they live, their X.Y.Z numbers, and the manifest that freezes them."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from grounded_events._core.errors import GroundedEventsError, UsageError

# Points every command (validate, schema, migrate) at another folder of X.Y.Z versions.
SCHEMA_ROOT_ENV = "GROUNDED_EVENTS_SCHEMA_ROOT"

_HERE = Path(__file__).resolve().parent  # src/grounded_events/_schema


def schema_roots() -> list[Path]:
    """Folders that may hold published versions, the first that has a version wins:
    $GROUNDED_EVENTS_SCHEMA_ROOT alone when it is set, else the wheel's copy, then the checkout's
    schema/."""
    override = os.environ.get(SCHEMA_ROOT_ENV)
    if override:
        return [Path(override)]
    return [_HERE / "published", _HERE.parents[2] / "schema"]


def schema_root() -> Path:
    """The one folder of published versions: the first of schema_roots() that exists."""
    roots = schema_roots()
    return next((root for root in roots if root.is_dir()), roots[-1])


MANIFEST = "SHA256SUMS"  # in the schema root: `sha256  <version>/<file>` per published file


# The one spelling of a version number in the package: folders, manifest lines, $ids, arguments.
_VERSION = re.compile(r"(\d+)\.(\d+)\.(\d+)")


class SchemaSourceError(GroundedEventsError):
    """A version, folder or file that cannot be read as a set of schemas (a usage error)."""


def parse_version(text: str) -> tuple[int, int, int] | None:
    """`(major, minor, patch)` of a `X.Y.Z` version string, or None when it is not one."""
    match = _VERSION.fullmatch(text)
    return (int(match[1]), int(match[2]), int(match[3])) if match else None


def by_version(names: Iterable[str]) -> list[str]:
    """Version strings oldest first (by number, so 1.10.0 comes after 1.9.0)."""
    return sorted(names, key=lambda v: parse_version(v) or (0, 0, 0))


def versions_in(root: Path) -> list[str]:
    """The `X.Y.Z` folders under root, oldest first."""
    if not root.is_dir():
        return []
    return by_version(p.name for p in root.iterdir() if p.is_dir() and parse_version(p.name))


def published_versions() -> dict[str, Path]:
    """Every published schema version -> its folder (first root that has it wins)."""
    found: dict[str, Path] = {}
    for root in schema_roots():
        for version in versions_in(root):
            if (root / version / "tables").is_dir():
                found.setdefault(version, root / version)
    return found


def schema_dir(version: str | None) -> Path:
    """The folder of `version`, or of the latest published version; UsageError if unknown."""
    versions = published_versions()
    if not versions:
        raise UsageError("no published schema found (expected schema/<version>/ folders)")
    if version is None:
        return versions[by_version(versions)[-1]]
    if version not in versions:
        raise UsageError(
            f"unknown schema version {version!r}; published: {', '.join(sorted(versions))}"
        )
    return versions[version]


def sha256_text(text: str) -> str:
    """The sha256 of text as the package writes it (UTF-8)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_manifest(root: Path) -> dict[str, dict[str, str]]:
    """root/SHA256SUMS as {version: {file: sha256}}; {} when there is none yet."""
    path = root / MANIFEST
    if not path.exists():
        return {}
    published: dict[str, dict[str, str]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = re.fullmatch(r"([0-9a-f]{64})  ([^/\s]+)/(\S+)", line)
        if not match or parse_version(match[2]) is None:
            raise SchemaSourceError(
                f"{path}:{number}: expected '<sha256>  <version>/<file>', got {line!r}"
            )
        published.setdefault(match[2], {})[match[3]] = match[1]
    return published


def folder_files(folder: Path) -> dict[str, str]:
    """sha256 of every file under folder, by relative POSIX path."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def manifest_text(published: Mapping[str, Mapping[str, str]]) -> str:
    """The manifest lines, sorted by version then file (the `sha256sum` format)."""
    lines = []
    for version in by_version(published):
        for name, digest in sorted(published[version].items()):
            lines.append(f"{digest}  {version}/{name}")
    return "\n".join(lines) + "\n"


def drift(generated: Mapping[str, str], found: Mapping[str, str]) -> list[str]:
    """The files that keep a folder from being what the models generate: those whose sha256 in
    found (file -> sha256, of a folder or a manifest entry) differs from generated's text, those
    missing and those extra, sorted. The one answer to "does schema/<v> match the models"."""
    return sorted(
        name
        for name in generated.keys() | found.keys()
        if found.get(name) != (sha256_text(generated[name]) if name in generated else None)
    )
