"""`grounded-events validate PATH...`: check files against the schema, with CI-friendly output."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from grounded_events._validation.output import FORMATS, chunks, exit_code


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the validate command's arguments."""
    parser.epilog = """\
examples:
  grounded-events validate datasets/annotations
  grounded-events validate --format github events.csv
  grounded-events validate --format json --max-errors 20 datasets/grounded-events/datapackage.json
"""
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="annotation YAML/JSON, tables (CSV, Parquet, JSONL), events.jsonl, a "
        "datapackage.json, or folders of them",
    )
    parser.add_argument(
        "--schema-version",
        metavar="VERSION",
        help="published schema version to validate against (default: the latest)",
    )
    parser.add_argument(
        "--seeds",
        metavar="DIR",
        type=Path,
        help="folder with the source documents' index.json (default: ./seeds)",
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="output: text for people, json for programs, github for workflow annotations "
        "(default: text)",
    )
    parser.add_argument(
        "--max-errors",
        type=_positive,
        metavar="N",
        help="stop after N errors: what is left of the input is not read",
    )
    parser.add_argument(
        "--skip-foreign",
        action="store_true",
        help="skip, with a note, each file that is not grounded-events data instead of "
        "reporting it: YAML/JSON without doc_id and events keys, tables whose file name and "
        "columns match no table of the schema (for pre-commit, which passes every YAML file)",
    )
    parser.add_argument(
        "--engine",
        choices=("columnar", "rows", "dask"),
        default="columnar",
        help="how tables are checked: columnar (vectorised, default), rows (one row at a time), "
        "or dask (each PATH a partitioned Parquet table: a folder of .parquet files or a glob, "
        "checked on a dask cluster)",
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="with --engine dask: the dask scheduler to use (default: a local cluster)",
    )
    parser.add_argument(
        "--workers",
        type=_positive,
        metavar="N",
        help="with --engine dask and no --scheduler: worker processes of the local cluster "
        "(default 2)",
    )


def run(args: argparse.Namespace) -> int:
    """Validate; exit 0 valid, 1 invalid data, 2 usage error or unreadable input."""
    from grounded_events._core.errors import UsageError
    from grounded_events._validation import validate
    from grounded_events._validation.progress import Progress

    # progress goes to stderr, and only on a terminal outside CI: stdout stays the report
    progress = Progress.for_terminal(sys.stderr)
    try:
        report = validate(
            args.paths,
            schema_version=args.schema_version,
            seeds=args.seeds,
            max_errors=args.max_errors,
            engine=getattr(args, "engine", "columnar"),
            scheduler=getattr(args, "scheduler", None),
            workers=getattr(args, "workers", None),
            progress=progress,
            skip_foreign=args.skip_foreign,
        )
    except UsageError as exc:
        print(f"grounded-events validate: error: {exc}", file=sys.stderr)
        return 2
    finally:
        if progress is not None:
            progress.close()
    colour = args.format == "text" and sys.stdout.isatty()
    for chunk in chunks(report, args.format, colour, args.max_errors):
        sys.stdout.write(chunk)
    return exit_code(report)
