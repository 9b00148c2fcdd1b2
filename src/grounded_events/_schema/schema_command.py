"""`grounded-events schema diff|check|publish`: the command line of the schema diff and release checks."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from grounded_events._schema.diff import diff, load_source, render_text
from grounded_events._schema.release import check_release, publish
from grounded_events._schema.versions import SchemaSourceError, parse_version


def configure(parser: argparse.ArgumentParser) -> None:
    """`schema diff OLD NEW`, `schema check`, `schema publish VERSION`."""
    parser.epilog = """\
examples:
  grounded-events schema diff 1.0.0 2.0.0
  grounded-events schema check
  grounded-events schema publish 1.1.0
"""
    sub = parser.add_subparsers(dest="schema_command", metavar="ACTION", required=True)
    raw = argparse.RawDescriptionHelpFormatter  # the examples, one per line as written
    d = sub.add_parser(
        "diff",
        help="list the changes between two schema versions and the version bump they need",
        description="List the changes between two schema versions and the version bump they "
        "need.\nExit 1 when NEW's version number moved less than the changes require.",
        formatter_class=raw,
        epilog="""\
examples:
  grounded-events schema diff 1.0.0 2.0.0
  grounded-events schema diff --format json 2.0.0 current
""",
    )
    version_or_folder = (
        "a published version (1.0.0), a folder of schema files, or 'current' (what the "
        "models generate now)"
    )
    d.add_argument("old", metavar="OLD", help=version_or_folder)
    d.add_argument("new", metavar="NEW", help=version_or_folder)
    d.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="output: text for people, json for programs (default: text)",
    )
    c = sub.add_parser(
        "check",
        help="check release discipline: frozen published folders, version bump, changelog entry",
        description="Check release discipline: published schema folders unchanged, the version "
        "bump the changes need,\nand a changelog entry. Exit 1 on a broken promise.",
        formatter_class=raw,
        epilog="""\
examples:
  grounded-events schema check
""",
    )
    c.add_argument(
        "--repo", type=Path, default=Path("."), metavar="DIR", help="repository root (default: .)"
    )
    p = sub.add_parser(
        "publish",
        help="freeze schema/VERSION by adding its files' sha256 to schema/SHA256SUMS",
        description="Freeze schema/VERSION by adding its files' sha256 to schema/SHA256SUMS.\n"
        "Run it once the models generate the new version's folder (make schema).",
        formatter_class=raw,
        epilog="""\
examples:
  grounded-events schema publish 1.1.0
""",
    )
    p.add_argument("version", metavar="VERSION", help="the version folder to freeze, as 1.1.0")
    p.add_argument(
        "--root",
        type=Path,
        default=Path("schema"),
        metavar="DIR",
        help="the folder of schema versions (default: schema)",
    )


def _error(message: str) -> int:
    print(f"grounded-events schema: {message}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    """Exit 0 when all is well, 1 when the versioning promise is broken, 2 on misuse."""
    try:
        if args.schema_command == "diff":
            result = diff(load_source(args.old), load_source(args.new))
            if args.format == "json":
                sys.stdout.write(json.dumps(result.as_dict(), indent=2, ensure_ascii=False) + "\n")
            else:
                sys.stdout.write(render_text(result))
            return 0 if result.ok else 1
        if args.schema_command == "check":
            if not (args.repo / "schema").is_dir():
                return _error(f"{args.repo}: no schema/ folder here; pass --repo")
            problems = check_release(args.repo)
        else:
            if parse_version(args.version) is None:
                return _error(f"{args.version}: a version is X.Y.Z")
            problems = publish(args.root, args.version)
    except SchemaSourceError as exc:
        return _error(str(exc))
    for problem in problems:
        print(problem)
    if not problems:
        print("ok")
    return 1 if problems else 0
