"""`grounded-events completion SHELL`: the script that completes commands, options and paths."""

from __future__ import annotations

import argparse
import sys

import shtab

SHELLS = ("bash", "zsh", "tcsh")
# A value's metavar says what it is (one name per kind of value across the command line), so it
# also says what the shell offers for it.
COMPLETE_BY_METAVAR = {"PATH": shtab.FILE, "FILE": shtab.FILE, "DIR": shtab.DIRECTORY}


def configure(parser: argparse.ArgumentParser) -> None:
    """Arguments of `grounded-events completion`."""
    parser.epilog = """\
examples:
  grounded-events completion bash > ~/.grounded-events.bash  # source it in ~/.bashrc
  mkdir -p ~/.zfunc && grounded-events completion zsh > ~/.zfunc/_grounded-events
  grounded-events completion tcsh > ~/.grounded-events.tcsh  # source it in ~/.tcshrc

zsh: add `fpath+=(~/.zfunc)` before `compinit` in ~/.zshrc. Write the script again after an
upgrade: it knows the commands and options of the version that wrote it.
"""
    parser.add_argument("shell", choices=SHELLS, help="the shell to complete in")


def mark_paths(parser: argparse.ArgumentParser) -> None:
    """Let the shell complete file and folder names wherever an argument is a path, in every
    command (shtab reads an action's `complete` attribute)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for command in action.choices.values():
                mark_paths(command)
        elif isinstance(action.metavar, str) and action.metavar in COMPLETE_BY_METAVAR:
            action.complete = COMPLETE_BY_METAVAR[action.metavar]  # type: ignore[attr-defined]


def run(args: argparse.Namespace) -> int:
    """Print the script for the whole command line (the caller configured every command)."""
    parser: argparse.ArgumentParser = args._parser
    mark_paths(parser)
    sys.stdout.write(shtab.complete(parser, shell=args.shell))
    return 0
