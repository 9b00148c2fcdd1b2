"""The registry as `add` reads it: its actors, leniently, and those a text names by name or variant."""

from __future__ import annotations

from pathlib import Path

from grounded_events._schema.models import Actor
from grounded_events._sources.actors import actors_in_text, read_registry
from helpers import ROOT


def _actor(actor_id: str, name: str, *variants: str) -> Actor:
    return Actor.model_validate(
        {"actor_id": actor_id, "name": name, "variants": list(variants), "actor_type": "government"}
    )


def test_actor_names_match_whole_words_in_any_case() -> None:
    """A name matches case-insensitively on word boundaries, across a line break, not inside words."""
    known = [_actor("isis", "Islamic State (ISIS)"), _actor("un", "UN"), _actor("iraq", "Iraq")]
    found = actors_in_text("the islamic state (isis)\nand the UNHCR in\nIraq", known)
    assert [(f.actor.actor_id, f.phrases) for f in found] == [
        ("isis", ("islamic state (isis)",)),
        ("iraq", ("Iraq",)),
    ]
    split = actors_in_text("Islamic State\n(ISIS)", known)
    assert [f.phrases for f in split] == [("Islamic State\n(ISIS)",)]


def test_a_variant_names_the_actor_too() -> None:
    """An actor whose canonical name is absent is found by a variant; each distinct mention is
    listed once, in text order, and a name inside a longer one at the same place is not."""
    known = [
        _actor("usa", "United States government", "Washington", "the American government"),
        _actor("embassy", "US Embassy in Baghdad", "the US embassy in Baghdad", "the US embassy"),
        _actor("uk", "United Kingdom", "London"),
    ]
    text = (
        "Washington said the US embassy in Baghdad was hit. The American government and washington"
    )
    found = actors_in_text(text, known)
    assert [(f.actor.actor_id, f.phrases) for f in found] == [
        ("usa", ("Washington", "The American government")),
        ("embassy", ("the US embassy in Baghdad",)),
    ]


def test_the_seed_registry_is_read_whole() -> None:
    """The dataset's actors.yaml reads without a warning, one actor per id, in file order."""
    registry = read_registry(ROOT / "datasets" / "actors.yaml")
    assert registry.found and registry.warnings == []
    ids = [a.actor_id for a in registry.actors]
    assert ids[0] == "usa-government" and len(ids) == len(set(ids))


def test_a_broken_registry_is_skipped_with_a_warning(tmp_path: Path) -> None:
    """An invalid actor is skipped and named, the first declaration of an id wins, an unreadable
    file gives no actors and a warning, and a missing one is not found."""
    path = tmp_path / "actors.yaml"
    path.write_text(
        "actors:\n  - {actor_id: x, name: X one, actor_type: government}\n"
        "  - {actor_id: bad, name: Bad}\n"
        "  - {actor_id: x, name: X two, actor_type: government}\n",
        encoding="utf-8",
    )
    registry = read_registry(path)
    assert [(a.actor_id, a.name) for a in registry.actors] == [("x", "X one")]
    assert registry.warnings == [f"{path}: actors[1] skipped, not a valid actor"]
    path.write_text("actors: [unclosed\n", encoding="utf-8")
    broken = read_registry(path)
    assert broken.found and broken.actors == []
    assert len(broken.warnings) == 1 and broken.warnings[0].startswith(f"{path}: skipped")
    missing = read_registry(tmp_path / "none.yaml")
    assert (missing.found, missing.actors, missing.warnings) == (False, [], [])
