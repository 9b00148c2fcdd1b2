"""Release discipline: published schema folders stay frozen, versions move as far as the diff requires."""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from grounded_events._core.atomic import write_text_atomic
from grounded_events._core.version import SCHEMA_VERSION
from grounded_events._schema.diff import (
    CURRENT,
    Diff,
    SchemaSet,
    current_texts,
    diff,
    schemas_from_folder,
    schemas_from_texts,
)
from grounded_events._schema.versions import (
    MANIFEST,
    SchemaSourceError,
    by_version,
    drift,
    folder_files,
    manifest_text,
    parse_version,
    read_manifest,
    versions_in,
)

if TYPE_CHECKING:
    from grounded_events._schema.migration import Step


def check_published(root: Path) -> list[str]:
    """Problems with published folders: every file listed in the manifest, unchanged, no extras."""
    try:
        published = read_manifest(root)
    except SchemaSourceError as exc:
        return [str(exc)]
    problems = []
    if not published:
        problems.append(f"{root / MANIFEST}: missing or empty; no published version is protected")
    for version, files in published.items():
        folder = root / version
        on_disk = folder_files(folder) if folder.is_dir() else {}
        for name, digest in sorted(files.items()):
            if name not in on_disk:
                problems.append(f"{folder / name}: published file is missing")
            elif on_disk[name] != digest:
                problems.append(
                    f"{folder / name}: modified after publication (sha256 {on_disk[name]}, "
                    f"published {digest}); published folders are frozen: restore the file and "
                    "make the change in a new version"
                )
        for name in sorted(on_disk.keys() - files.keys()):
            problems.append(f"{folder / name}: added to a published folder")
    return problems


def check_release(
    repo: Path,
    current: Mapping[str, str] | None = None,
    version: str | None = None,
    migrations: Sequence[Step] | None = None,
) -> list[str]:
    """Every way the tree breaks the versioning promise; [] when it keeps it.

    repo holds schema/ (with SHA256SUMS) and CHANGELOG.md; current are the artifacts the models
    generate (default: the real models) and version their SCHEMA_VERSION.
    """
    if version is None:
        version = SCHEMA_VERSION
    if current is None:
        current = current_texts(version)
    root = repo / "schema"
    problems = check_published(root)
    try:
        published = read_manifest(root)
    except SchemaSourceError:
        published = {}
    for folder in versions_in(root):
        if folder not in published and folder != version:
            problems.append(
                f"{root / folder}: not in {MANIFEST}; publish it or delete it "
                "(only the version being prepared may be unpublished)"
            )
    released = by_version(published)
    if parse_version(version) is None:
        return [*problems, f"SCHEMA_VERSION {version!r} is not X.Y.Z"]
    if released:
        latest = released[-1]
        problems += _check_bump(root, latest, published[latest], current, version, migrations)
        # Each published version moved as far as its changes needed from the one before, with a
        # migration for a major: publishing a version does not end the promise it made.
        for older, newer in itertools.pairwise(released):
            problems += _check_step(
                schemas_from_folder(root / older, older),
                schemas_from_folder(root / newer, newer),
                migrations,
            )
    draft = root / version
    if version not in published and draft.is_dir():
        stale = drift(current, folder_files(draft))
        if stale:
            problems.append(
                f"{draft}: differs from what the models generate ({', '.join(stale)}); "
                "run `make schema`"
            )
    problems += _check_changelog(repo / "CHANGELOG.md", version)
    return problems


def _check_bump(
    root: Path,
    latest: str,
    latest_files: Mapping[str, str],
    current: Mapping[str, str],
    version: str,
    migrations: Sequence[Step] | None,
) -> list[str]:
    mine, last = parse_version(version), parse_version(latest)
    assert mine is not None and last is not None
    if mine < last:
        return [f"SCHEMA_VERSION {version} is older than the latest published version {latest}"]
    new = schemas_from_texts(CURRENT, current, version)
    if mine == last:
        # Against the manifest, not the folder: check_published already reports an edited folder.
        changed = drift(current, latest_files)
        if not changed:
            # The models are the published version: the step to it is checked from its folder.
            return []
        result = diff(schemas_from_folder(root / latest, latest), new)
        summary = _summary(result)
        return [
            f"the models no longer generate published schema/{latest} ({', '.join(changed)}) "
            f"but SCHEMA_VERSION is still {version}: bump it (at least {result.required_bump}"
            f"{': ' + summary if summary else ''})"
        ]
    return _check_step(schemas_from_folder(root / latest, latest), new, migrations)


def _summary(result: Diff) -> str:
    return "; ".join(
        f"{c.file} {c.path or '(root)'}: {c.kind} ({c.bump})" for c in result.changes[:5]
    )


def _check_step(old: SchemaSet, new: SchemaSet, migrations: Sequence[Step] | None) -> list[str]:
    """Problems of the step from version old to version new: a number that moved less than the
    changes need, or a major without a declared migration."""
    result = diff(old, new)
    before, after = old.version, new.version
    if not result.ok:
        return [
            f"{before} -> {after} is a {result.declared_bump} bump but the changes need "
            f"{result.required_bump}: {_summary(result)}; see `grounded-events schema diff "
            f"{before} {after if new.label != CURRENT else CURRENT}`"
        ]
    if result.required_bump == "major" and before is not None and after is not None:
        # Imported here: only a major bump needs the steps (and the YAML and Arrow libraries).
        from grounded_events._schema.migrate import MIGRATIONS
        from grounded_events._schema.migration import find_path

        try:
            find_path(MIGRATIONS if migrations is None else migrations, before, after)
        except LookupError:
            return [
                f"{before} -> {after} breaks old files but no migration from {before} to "
                f"{after} is declared in grounded_events._schema.migrate.MIGRATIONS"
            ]
    return []


def _check_changelog(path: Path, version: str) -> list[str]:
    if not path.exists():
        return [f"{path}: missing; it needs a '## [{version}] - YYYY-MM-DD' entry"]
    heading = re.compile(rf"^## \[{re.escape(version)}\](?: - \d{{4}}-\d{{2}}-\d{{2}})?\s*$", re.M)
    if not heading.search(path.read_text(encoding="utf-8")):
        return [f"{path}: no '## [{version}] - YYYY-MM-DD' entry for the models' version"]
    return []


def publish(root: Path, version: str, current: Mapping[str, str] | None = None) -> list[str]:
    """Add schema/<version>/ to the manifest; the problems that prevent it, or [] when done.
    (A major also needs its migration declared: `schema check` keeps asking for it.)"""
    published = read_manifest(root)
    if version in published:
        return [
            f"{version} is already published in {root / MANIFEST}; published folders are frozen"
        ]
    folder = root / version
    if not folder.is_dir():
        return [f"{folder}: no such folder; run `make schema` first"]
    current = current_texts(version) if current is None else current
    on_disk = folder_files(folder)
    stale = drift(current, on_disk)
    if stale:
        return [f"{folder}: differs from what the models generate ({', '.join(stale)})"]
    released = by_version(published)
    if released:
        latest = released[-1]
        result = diff(
            schemas_from_folder(root / latest, latest),
            schemas_from_texts(CURRENT, current, version),
        )
        if not result.ok:
            return [
                f"{latest} -> {version} is a {result.declared_bump} bump but the changes need "
                f"{result.required_bump}; see `grounded-events schema diff {latest} current`"
            ]
    published[version] = on_disk
    write_text_atomic(root / MANIFEST, manifest_text(published))
    return []
