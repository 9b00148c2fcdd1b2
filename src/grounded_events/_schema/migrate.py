"""`grounded-events migrate`: the declared steps between versions, applied to files and folders."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from grounded_events._core.atomic import write_bytes_atomic, write_text_atomic
from grounded_events._core.errors import UsageError
from grounded_events._schema.migrate_table import migrate_table
from grounded_events._schema.migrate_yaml import migrate_text
from grounded_events._schema.migration import Result, Step
from grounded_events._schema.versions import parse_version, schema_root, versions_in

TABLE_SUFFIXES = (".csv", ".parquet")

# Every declared step between published versions, built from the operations of migrate_yaml
# (rename_field, drop_field, rename_value) and migrate_table (rename_column, drop_column,
# add_column). 1.0.0 is the only published version, so there is nothing to declare yet; a release
# that needs one adds it here with a test in tests/test_migrate.py.
MIGRATIONS: tuple[Step, ...] = ()


def _files(paths: Sequence[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(
                p for p in path.rglob("*") if p.suffix in (".yaml", ".yml", *TABLE_SUFFIXES)
            )
        elif path.is_file():
            found.append(path)
        else:
            raise UsageError(f"{path}: no such file or folder")
    if not found:
        raise UsageError("no .yaml, .csv or .parquet files in the paths given")
    return found


def migrate_paths(
    paths: Sequence[Path],
    target: str,
    *,
    source: str | None = None,
    registry: Sequence[Step] | None = None,
    root: Path | None = None,
    write: bool = True,
) -> list[Result]:
    """Migrate every file by the steps of registry (default MIGRATIONS); write them (atomically)
    only when none was refused."""
    root = root or schema_root()
    registry = MIGRATIONS if registry is None else registry
    if parse_version(target) is None or not (root / target).is_dir():
        known = ", ".join(versions_in(root)) or "none"
        raise UsageError(f"unknown schema version {target}: published versions are {known}")
    results = []
    for path in _files(paths):
        try:
            if path.suffix in TABLE_SUFFIXES:
                result = migrate_table(path, target, source=source, registry=registry, root=root)
            else:
                text = path.read_text(encoding="utf-8")
                result = migrate_text(
                    text, target, name=str(path), source=source, registry=registry, root=root
                )
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"{path}: unreadable ({exc})") from None
        result.path = path
        results.append(result)
    if write and not any(r.problems for r in results):
        for result in results:
            if result.text is not None:
                write_text_atomic(result.path, result.text)
            elif result.data is not None:
                write_bytes_atomic(result.path, result.data)
    return results


# --- command line ------------------------------------------------------------------------------


def configure(parser: argparse.ArgumentParser) -> None:
    """`migrate --to VERSION [--from VERSION] [--dry-run] PATH...`."""
    parser.epilog = """\
examples:
  grounded-events migrate --to 1.0.0 --dry-run datasets/annotations
  grounded-events migrate --from 1.0.0 --to 1.0.0 events.csv
"""
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files or folders")
    parser.add_argument("--to", required=True, metavar="VERSION", help="target schema version")
    parser.add_argument(
        "--from",
        dest="source",
        metavar="VERSION",
        help="version of files that have no schema_version key",
    )
    parser.add_argument("--dry-run", action="store_true", help="report, write nothing")


def run(args: argparse.Namespace) -> int:
    """Exit 0 when every file is at the target, 1 when one was refused (nothing written), 2 on
    misuse."""
    try:
        results = migrate_paths(args.paths, args.to, source=args.source, write=not args.dry_run)
    except UsageError as exc:
        print(f"grounded-events migrate: {exc}", file=sys.stderr)
        return 2
    refused = [r for r in results if r.problems]
    for result in results:
        for problem in result.problems:
            print(problem)
        if result.problems:
            continue
        if not result.steps:
            print(f"{result.path}: already {args.to}")
        else:
            chain = " -> ".join([result.source or "?", *(s.target for s in result.steps)])
            verb = "would migrate" if args.dry_run else "migrated"
            print(f"{result.path}: {verb} {chain}")
    if refused:
        print(f"{len(refused)} file(s) refused; no file was written", file=sys.stderr)
    return 1 if refused else 0
