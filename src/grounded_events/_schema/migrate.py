"""`grounded-events migrate`: the declared steps between versions, applied to files and folders."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa

from grounded_events._core.atomic import write_bytes_atomic
from grounded_events._core.errors import UsageError
from grounded_events._schema.migrate_dataset import to_dataset_files
from grounded_events._schema.migrate_table import add_column, drop_column, migrate_table
from grounded_events._schema.migrate_yaml import migrate_texts, moved_field
from grounded_events._schema.migration import Result, Step, TableOperation
from grounded_events._schema.versions import parse_version, schema_root, versions_in

TABLE_SUFFIXES = (".csv", ".parquet")

# Parquet types of the columns a step adds (the data package's: every list holds strings).
_LIST = pa.list_(pa.field("element", pa.string(), nullable=False))
_COUNT = pa.int64()


def _counts(table: str, count: str, after: str) -> tuple[TableOperation, ...]:
    """Empty <count>_best, _low and _high columns, in that order, after column `after`."""
    names = [f"{count}_{bound}" for bound in ("best", "low", "high")]
    previous = [after, *names[:-1]]
    return tuple(
        add_column(table, n, after=p, arrow_type=_COUNT)
        for n, p in zip(names, previous, strict=True)
    )


# Every declared step between published versions, built from the operations of migrate_yaml
# (rename_field, drop_field, moved_field, rename_value), migrate_table (rename_column,
# drop_column, add_column) and, for facts kept once per dataset, a dataset operation
# (migrate_dataset). Each has its tests in tests/test_migrate.py.
MIGRATIONS: tuple[Step, ...] = (
    Step(
        "1.0.0",
        "2.0.0",
        "each file's actors move to the dataset's actors.yaml, each event's refers_to to about "
        "links of its links.yaml; the fields new in 2.0.0 stay absent",
        operations=(moved_field("", "actors"), moved_field("events[]", "refers_to")),
        tables=(
            drop_column(
                "events",
                "refers_to",
                reason="refers_to becomes links.yaml's about links: migrate the annotation files",
            ),
            add_column("events", "claim_status", after="target"),
            add_column("events", "claimed_by", after="claim_status", arrow_type=_LIST, value=[]),
            *_counts("events", "munitions", after="weapons"),
            *_counts("events", "attacks", after="munitions_high"),
            add_column("events", "damage", after="attacks_high"),
            *(
                add_column("events", f"fatalities_{side}", after=previous, arrow_type=_COUNT)
                for side, previous in (
                    ("initiator_side", "fatalities_high"),
                    ("target_side", "fatalities_initiator_side"),
                    ("civilians", "fatalities_target_side"),
                    ("unknown", "fatalities_civilians"),
                )
            ),
            add_column("actors", "variants", after="name", arrow_type=_LIST, value=[]),
            add_column("evidence", "according_to", after="quote"),
            add_column("evidence", "hedge", after="according_to", value="stated"),
        ),
        dataset=to_dataset_files,
    ),
)


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
    """Migrate every file by the steps of registry (default MIGRATIONS): one Result per file, then
    one per dataset file a step writes. Write them all only when none was refused."""
    root = root or schema_root()
    registry = MIGRATIONS if registry is None else registry
    if parse_version(target) is None or not (root / target).is_dir():
        known = ", ".join(versions_in(root)) or "none"
        raise UsageError(f"unknown schema version {target}: published versions are {known}")
    tables: list[Result] = []
    texts: list[tuple[Path, str]] = []
    for path in _files(paths):
        try:
            if path.suffix in TABLE_SUFFIXES:
                result = migrate_table(path, target, source=source, registry=registry, root=root)
                result.path = path
                tables.append(result)
            else:
                texts.append((path, path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"{path}: unreadable ({exc})") from None
    results = migrate_texts(texts, target, source=source, registry=registry, root=root) + tables
    # a dataset file the run rewrites replaces its own "already at the target" result
    written = {r.path for r in results if r.summary is not None}
    results = [r for r in results if r.summary is not None or r.path not in written or r.steps]
    if write and not any(r.problems for r in results):
        _write_all([(r.path, r.data if r.text is None else r.text.encode()) for r in results])
    return results


def _write_all(files: Sequence[tuple[Path, bytes | None]]) -> None:
    """Write every file, each atomically; when one cannot be written, put back the ones already
    written, so that a run changes all its files or none."""
    done: list[tuple[Path, bytes | None]] = []
    try:
        for path, data in files:
            if data is None:
                continue
            before = path.read_bytes() if path.exists() else None
            write_bytes_atomic(path, data)
            done.append((path, before))
    except OSError as exc:
        for path, before in reversed(done):
            if before is None:
                path.unlink(missing_ok=True)
            else:
                write_bytes_atomic(path, before)
        raise UsageError(
            f"cannot write {exc.filename or path} ({exc.strerror}); no file was changed"
        ) from None


# --- command line ------------------------------------------------------------------------------


def configure(parser: argparse.ArgumentParser) -> None:
    """`migrate --to VERSION [--from VERSION] [--dry-run] PATH...`."""
    parser.epilog = """\
examples:
  grounded-events migrate --to 2.0.0 --dry-run datasets/annotations
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
    if refused:  # nothing was written: the other files' lines would say otherwise
        for result in refused:
            for problem in result.problems:
                print(problem)
        print(f"{len(refused)} file(s) refused; no file was written", file=sys.stderr)
        return 1
    for result in results:
        if result.summary is not None:
            print(f"{'would write' if args.dry_run else 'wrote'} {result.path} ({result.summary})")
            for note in result.notes:
                print(f"  {note}")
        elif not result.steps:
            print(f"{result.path}: already {args.to}")
        else:
            chain = " -> ".join([result.source or "?", *(s.target for s in result.steps)])
            verb = "would migrate" if args.dry_run else "migrated"
            print(f"{result.path}: {verb} {chain}")
    return 0
