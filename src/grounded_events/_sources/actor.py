"""`grounded-events actor add`: declare an actor once, in the dataset's actors.yaml."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from grounded_events._core.atomic import exclusive_lock, write_text_atomic
from grounded_events._core.dataset_files import ACTORS_FILE
from grounded_events._core.errors import GroundedEventsError
from grounded_events._core.files import UnsafeFile, read_regular
from grounded_events._core.safe_yaml import loads
from grounded_events._core.text import writable
from grounded_events._core.version import SCHEMA_VERSION
from grounded_events._schema.models import Actor
from grounded_events._schema.vocab import ActorType
from grounded_events._schema.wording import first_error
from grounded_events._sources.appending import CannotAppend, append, read_list
from grounded_events._sources.layout import add_dataset_argument, schema_line

# The option behind each field of an actor, so an error names what the user typed.
_OPTIONS = {
    "actor_id": "ACTOR_ID",
    "name": "--name",
    "variants": "--variant",
    "actor_type": "--type",
    "country_iso3": "--country",
    "parent_actor_id": "--parent",
    "note": "--note",
}


class ActorError(GroundedEventsError):
    """The actor is not declared: the one-line message says why and what to do; nothing is
    written."""


def new_registry_file() -> str:
    """The text of a dataset's actors.yaml before its first actor."""
    return (
        f"{schema_line(SCHEMA_VERSION, 'actors')}\n"
        "#\n"
        "# The dataset's actors, each declared once; annotation files name them by actor_id.\n"
        "# `variants` are other names the texts use for the actor, verbatim.\n"
        f"schema_version: {SCHEMA_VERSION}\n"
        "\n"
        "actors: []\n"
    )


def _actor(args: argparse.Namespace) -> Actor:
    values: dict[str, Any] = {
        "actor_id": args.actor_id,
        "name": args.name,
        "variants": args.variants or [],
        "actor_type": args.type,
        "country_iso3": args.country,
        "parent_actor_id": args.parent,
        "note": args.note,
    }
    try:
        return Actor.model_validate({k: v for k, v in values.items() if v is not None})
    except ValidationError as exc:
        where, what = first_error(exc)
        field = where.split(".", 1)[0]
        raise ActorError(f"{_OPTIONS.get(field, field)} {values.get(field)!r}: {what}") from None


def declare(args: argparse.Namespace) -> int:
    """Append the actor to actors.yaml and print where (0); ActorError when it cannot be."""
    folder = Path(args.dataset)
    if not folder.is_dir():
        raise ActorError(
            f"{folder}: no such folder; pass --dataset DIR (the folder of actors.yaml)"
        )
    actor = _actor(args)
    path = folder / ACTORS_FILE
    display = path.as_posix()
    # two declarations at once would each write the file without the other's actor
    with exclusive_lock(folder / ".actors.lock"):
        try:
            old = read_regular(path).decode("utf-8") if path.exists() else None
        except (OSError, UnsafeFile, UnicodeDecodeError) as exc:
            raise ActorError(f"{display}: cannot read: {exc}") from None
        text = new_registry_file() if old is None else old
        try:
            _, actors = read_list(text, "actors", display)
            ids = [a.get("actor_id") if isinstance(a, dict) else None for a in actors]
            if actor.actor_id in ids:
                line = loads(text).line_of(("actors", ids.index(actor.actor_id)))
                raise ActorError(
                    f"{actor.actor_id} is declared already ({display}:{line}); add a name the "
                    "text uses to its variants there"
                )
            if actor.parent_actor_id is not None and actor.parent_actor_id not in ids:
                raise ActorError(
                    f"--parent {actor.parent_actor_id!r}: no such actor in {display}; declare "
                    "it first"
                )
            item = actor.model_dump(mode="json", exclude_none=True)
            appended = append(text, "actors", {k: v for k, v in item.items() if v != []}, display)
        except CannotAppend as exc:
            raise ActorError(str(exc)) from None
        try:
            write_text_atomic(path, appended.text)
        except OSError as exc:
            raise ActorError(f"{display}: cannot write: {exc.strerror}") from None
    line = loads(appended.text).line_of(("actors", appended.index))
    print(f"{display}:{line}: declared {actor.actor_id}")
    if not appended.layout_kept:
        print(
            f"actor: {display}: the YAML writer cannot reproduce this file's layout exactly, so "
            "lines before the new actor may have changed too; check the diff",
            file=sys.stderr,
        )
    return 0


def configure(parser: argparse.ArgumentParser) -> None:
    """`actor add ACTOR_ID --name TEXT --type TYPE ...`."""
    example = """\
examples:
  grounded-events actor add iraq-foreign-ministry --name "Ministry of Foreign Affairs of Iraq" \\
      --type government_body --country IRQ --parent iraq-government \\
      --variant "the Iraqi foreign ministry"
"""
    parser.epilog = example
    sub = parser.add_subparsers(dest="actor_command", metavar="ACTION", required=True)
    add = sub.add_parser(
        "add",
        help="declare an actor in the dataset's actors.yaml",
        description="Declare an actor in the dataset's actors.yaml (created if missing), after "
        "the actors declared there.\nExit 2, writing nothing, when its id is declared already "
        "or its parent is not.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=example,
    )
    add.add_argument("actor_id", metavar="ACTOR_ID", help="the new actor's id, e.g. iraq-army")
    add.add_argument("--name", required=True, metavar="TEXT", help="its canonical English name")
    types = [t.value for t in ActorType]
    add.add_argument(
        "--type",
        required=True,
        choices=types,
        metavar="TYPE",
        help=f"its actor type: {', '.join(types)}",
    )
    add.add_argument("--country", metavar="ISO3", help="the ISO 3166-1 alpha-3 code of its country")
    add.add_argument(
        "--parent", metavar="ACTOR_ID", help="the declared actor it is part of (an official's)"
    )
    add.add_argument(
        "--variant",
        dest="variants",
        action="append",
        metavar="TEXT",
        help="another name the texts use for it, verbatim (repeat for several)",
    )
    add.add_argument("--note", metavar="TEXT", help="why it is coded so")
    add_dataset_argument(add)


def run(args: argparse.Namespace) -> int:
    """Declare the actor (0), or say why not (2)."""
    try:
        return declare(args)
    except ActorError as exc:
        print(f"actor: {writable(str(exc))}", file=sys.stderr)
        return 2
