"""The `grounded-events` command line: one subcommand per module, loaded only when it runs."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from grounded_events import __version__

# name -> (module that implements it, one-line help). Each module has configure(parser) and
# run(args) -> exit code.
COMMANDS: dict[str, tuple[str, str]] = {
    "validate": ("grounded_events._validation.cli", "check event files against the schema"),
    "add": ("grounded_events._sources.add", "add a source document and its annotation skeleton"),
    "locate": (
        "grounded_events._sources.locate",
        "print the offsets of a quote, or fill an annotation file's offsets (--fill)",
    ),
    "link": ("grounded_events._validation.link_command", "link two events in links.yaml"),
    "actor": ("grounded_events._sources.actor", "declare an actor in actors.yaml"),
    "build": (
        "grounded_events._package.build",
        "validate the annotations and build the data package",
    ),
    "download": (
        "grounded_events._loaders.download",
        "fetch a release and verify every file's hash",
    ),
    "schema": (
        "grounded_events._schema.schema_command",
        "schema versions: diff two, check the release rules, publish a new one",
    ),
    "migrate": (
        "grounded_events._schema.migrate",
        "upgrade annotation files and tables to a version",
    ),
    "report": (
        "grounded_events._package.report",
        "write the static evidence viewer and data report",
    ),
    "completion": (
        "grounded_events._core.completion",
        "print the shell completion script for bash, zsh or tcsh",
    ),
}
# Commands that describe the whole command line: every command is configured before they run,
# and they find the parser as args._parser.
WHOLE_PARSER = {"completion"}


def _parser(selected: str | None, every: bool = False) -> argparse.ArgumentParser:
    """The command line with `selected` configured, or every command when `every` (or when the
    selected command describes the whole command line)."""
    parser = argparse.ArgumentParser(
        prog="grounded-events",
        description="Evidence-grounded political-violence event data: schema, validators, dataset.",
        epilog="Run `grounded-events COMMAND --help` for a command's options and examples.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    every = every or selected in WHOLE_PARSER
    for name, (module_name, help_text) in COMMANDS.items():
        command = sub.add_parser(
            name,
            help=help_text,
            description=help_text,
            # keeps the examples of each command's epilog one per line, as written
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        if every or name == selected:  # otherwise only the command that runs pays for imports
            module = importlib.import_module(module_name)
            module.configure(command)
            command.set_defaults(_run=module.run)
    if every:
        parser.set_defaults(_parser=parser)
    return parser


def _arrow_memory_pool() -> None:
    """Arrow's jemalloc pool: it hands freed memory back sooner than the default (mimalloc), which
    measured 60-90 MB lower peak RSS validating 1M rows at the same speed. Only an environment
    variable read before pyarrow loads reaches every allocation (the Parquet and CSV readers
    included), so it is set here; ARROW_DEFAULT_MEMORY_POOL, when set, wins. Linux only: other
    platforms' wheels do not all have jemalloc."""
    if sys.platform.startswith("linux"):
        os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "jemalloc")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line: exit 0 on success, 1 on invalid data, 2 on misuse, 3 on a bug."""
    _arrow_memory_pool()
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv:  # the list of commands, rather than argparse's "COMMAND is required"
        _parser(None).print_help(sys.stderr)
        return 2
    selected = next((a for a in argv if not a.startswith("-")), None)
    parser = _parser(selected if selected in COMMANDS else None)
    args = parser.parse_args(argv)
    try:
        return int(args._run(args))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug: say so in one line, never pass as "invalid data" (exit 1)
        if os.environ.get("GROUNDED_EVENTS_DEBUG"):
            raise
        print(
            f"grounded-events: internal error ({type(exc).__name__}: {exc}). This is a bug; "
            "please report it with the command you ran (GROUNDED_EVENTS_DEBUG=1 shows the "
            "traceback).",
            file=sys.stderr,
        )
        return 3


if __name__ == "__main__":
    raise SystemExit(main())
