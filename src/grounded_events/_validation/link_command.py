"""`grounded-events link`: append a link between two events to the dataset's links.yaml, then judge it by the validator's link rules."""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

from pydantic import ValidationError

from grounded_events._core.atomic import exclusive_lock, write_text_atomic
from grounded_events._core.dataset_files import LINKS_FILE
from grounded_events._core.files import UnsafeFile, read_regular
from grounded_events._core.safe_yaml import loads
from grounded_events._core.text import writable
from grounded_events._schema.models import Link
from grounded_events._schema.vocab import LinkRelation
from grounded_events._schema.wording import first_error
from grounded_events._sources.appending import CannotAppend
from grounded_events._sources.layout import add_dataset_argument
from grounded_events._sources.link import LinkError, with_link
from grounded_events._validation.dataset import Dataset, link_issues
from grounded_events._validation.issues import Issue
from grounded_events._validation.output import text_line

# The link rules this command reports on the link it adds: its relation's constraint, cycles,
# and incidents whose reports cannot all be true. (Duplicates and unknown events it refuses.)
REPORTED = ("GE609", "GE610", "GE611")
_RELATIONS = [str(r) for r in LinkRelation]


def _link(args: argparse.Namespace, dataset: Dataset) -> Link:
    """The link the arguments ask for, its relation known and both ends events of the dataset."""
    if args.relation not in _RELATIONS:
        raise LinkError(f"relation {args.relation!r} is not one of {', '.join(_RELATIONS)}")
    for end in (args.source, args.target):
        if end in dataset.events:
            continue
        message = f"no event {end!r} in the annotation files of {dataset.folder}"
        close = difflib.get_close_matches(end, dataset.events, n=1)
        if close:
            message += f"; did you mean {close[0]}?"
        if dataset.unreadable:
            message += f" ({', '.join(dataset.unreadable)} cannot be read: validate it)"
        raise LinkError(message)
    values = {
        "relation": args.relation,
        "source": args.source,
        "target": args.target,
        "note": args.note,
    }
    try:
        return Link.model_validate(values)
    except ValidationError as exc:
        where, what = first_error(exc)
        raise LinkError(f"--{where or 'note'}: {what}") from None


def _reported(text: str, display: str, dataset: Dataset) -> dict[tuple[str, str | None], Issue]:
    """The issues of the REPORTED rules in a links.yaml text, by what they are about."""
    found = link_issues(loads(text), display, dataset, lambda spans: [])
    return {(i.code, i.actual): i for i, _ in found if i.code in REPORTED}


def add_link(args: argparse.Namespace) -> int:
    """Append the link and print where (0), with the issues it brings (1); LinkError if not."""
    folder = Path(args.dataset)
    if not folder.is_dir():
        raise LinkError(f"{folder}: no such folder; pass --dataset DIR (the folder of links.yaml)")
    dataset = Dataset.read(folder)
    link = _link(args, dataset)
    path = folder / LINKS_FILE
    display = path.as_posix()
    # two links at once would each write the file without the other's link
    with exclusive_lock(folder / ".links.lock"):
        try:
            old = read_regular(path).decode("utf-8") if path.exists() else None
        except (OSError, UnsafeFile, UnicodeDecodeError) as exc:
            raise LinkError(f"{display}: cannot read: {exc}") from None
        try:
            appended = with_link(old, link, display)
        except CannotAppend as exc:
            raise LinkError(str(exc)) from None
        line = f"{link.source} {link.relation} {link.target}"
        if appended.text is None:
            where = loads(old or "").line_of(("links", appended.index))
            print(f"{display}:{where}: already links {line}; nothing written")
            return 0
        try:
            write_text_atomic(path, appended.text)
        except OSError as exc:
            raise LinkError(f"{display}: cannot write: {exc.strerror}") from None
    new = loads(appended.text)
    print(f"{display}:{new.line_of(('links', appended.index))}: added {line}")
    if not appended.layout_kept:
        print(
            f"link: {display}: the YAML writer cannot reproduce this file's layout exactly, so "
            "lines before the new link may have changed too; check the diff",
            file=sys.stderr,
        )
    before = _reported(old, display, dataset) if old is not None else {}
    brought = [
        i for key, i in _reported(appended.text, display, dataset).items() if key not in before
    ]
    for found in brought:
        print(text_line(found), file=sys.stderr)
    if brought:
        print(
            f"link: the link is added, but breaks the rules above; fix the events it joins, or "
            f"remove it from {display}",
            file=sys.stderr,
        )
        return 1
    return 0


def configure(parser: argparse.ArgumentParser) -> None:
    """Arguments of `grounded-events link`."""
    parser.epilog = """\
examples:
  grounded-events link rudaw-20231212-e03 part_of rudaw-20231212-e07 \\
      --note "The rocket salvo on the embassy is one of the continued attacks of the campaign."
  grounded-events link rudaw-20231212-e13 about rudaw-20231212-e03 --dataset datasets \\
      --note "The statement is about the embassy attack."
"""
    parser.add_argument("source", metavar="SOURCE", help="the event_id the link starts from")
    parser.add_argument(
        "relation",
        metavar="RELATION",
        help=f"how SOURCE relates to TARGET: {', '.join(_RELATIONS)} (ANNOTATING.md, Links)",
    )
    parser.add_argument("target", metavar="TARGET", help="the event_id it points at")
    parser.add_argument(
        "--note", required=True, metavar="TEXT", help="why the two events are linked"
    )
    add_dataset_argument(parser)


def run(args: argparse.Namespace) -> int:
    """Add the link (0), added but breaking a link rule (1), or refused (2)."""
    try:
        return add_link(args)
    except LinkError as exc:
        print(f"link: {writable(str(exc))}", file=sys.stderr)
        return 2
