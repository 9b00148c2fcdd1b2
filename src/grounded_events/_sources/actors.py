"""The dataset's actor registry (actors.yaml) as the contributor's commands read it: its actors, and those a text names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from grounded_events._core.files import UnsafeFile, read_regular
from grounded_events._core.safe_yaml import YamlError, loads
from grounded_events._schema.models import Actor


@dataclass(frozen=True)
class Registry:
    """The actors a registry file declares (the first declaration of each id), and a warning
    for each part of it that could not be read. `found` is False when there is no file."""

    path: Path
    found: bool
    actors: list[Actor]
    warnings: list[str]


def read_registry(path: Path) -> Registry:
    """The actors of the registry at `path`, read leniently: an actor that is not valid is
    skipped with a warning (`validate` says what is wrong with it), never an error."""
    if not path.exists():
        return Registry(path, False, [], [])
    try:
        data = loads(read_regular(path).decode("utf-8")).data
    except (OSError, UnsafeFile, UnicodeDecodeError, YamlError) as exc:
        return Registry(path, True, [], [f"{path}: skipped, cannot be read ({exc})"])
    declared = data.get("actors") if isinstance(data, dict) else None
    actors: dict[str, Actor] = {}
    warnings: list[str] = []
    for number, definition in enumerate(declared if isinstance(declared, list) else []):
        try:
            actor = Actor.model_validate(definition)
        except ValidationError:
            warnings.append(f"{path}: actors[{number}] skipped, not a valid actor")
            continue
        actors.setdefault(actor.actor_id, actor)
    return Registry(path, True, list(actors.values()), warnings)


@dataclass(frozen=True)
class Named:
    """A registry actor a text names, with the first mention of each of its names the text
    uses, in text order."""

    actor: Actor
    phrases: tuple[str, ...]


def _name_pattern(name: str) -> re.Pattern[str]:
    # Whole words only, case-insensitive; any run of spaces or line breaks matches a space.
    words = r"\s+".join(re.escape(word) for word in name.split())
    return re.compile(rf"(?<!\w){words}(?!\w)", re.IGNORECASE)


def actors_in_text(text: str, actors: list[Actor]) -> list[Named]:
    """The actors whose name or one of whose variants occurs in `text` (whole words, any case),
    in registry order, each with the words that name it."""
    found = []
    for actor in actors:
        mentions = [
            match
            for name in (actor.name, *actor.variants)
            if (match := _name_pattern(name).search(text))
        ]
        if mentions:
            # one phrase per passage: a name inside a longer one at the same place is not shown
            phrases: list[str] = []
            end = -1
            for match in sorted(mentions, key=lambda m: (m.start(), -m.end())):
                if match.start() >= end:
                    phrases.append(match[0])
                    end = match.end()
            found.append(Named(actor, tuple(dict.fromkeys(phrases))))
    return found
