"""`grounded-events validate PATH...`: check files against the schema, with CI-friendly output."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from grounded_events._validation.output import FORMATS, exit_code, render


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
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format")
    parser.add_argument(
        "--max-errors", type=_positive, metavar="N", help="stop reporting after N errors"
    )


def run(args: argparse.Namespace) -> int:
    """Validate; exit 0 valid, 1 invalid data, 2 usage error or unreadable input."""
    from grounded_events._validation import UsageError, validate

    try:
        report = validate(
            args.paths,
            schema_version=args.schema_version,
            seeds=args.seeds,
            max_errors=args.max_errors,
        )
    except UsageError as exc:
        print(f"grounded-events validate: error: {exc}", file=sys.stderr)
        return 2
    colour = args.format == "text" and sys.stdout.isatty()
    sys.stdout.write(render(report, args.format, colour, args.max_errors))
    return exit_code(report)
