"""The annotation file a new document starts from: its header, its pins, the registry actors its text names, no events."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from grounded_events._core.dataset_files import LINKS_FILE
from grounded_events._core.safe_yaml import loads
from grounded_events._core.version import SCHEMA_VERSION
from grounded_events._schema.models import Document
from grounded_events._sources.actors import Named
from grounded_events._sources.layout import schema_line


def yaml_block(data: Any) -> str:
    """`data` as block YAML that reads back as `data`: non-ASCII written as itself where that
    holds, escaped where it would not (ruamel writes a raw U+0085 as a line break)."""
    for allow_unicode in (True, False):
        yaml = YAML(typ="rt", pure=True)
        yaml.width = 96
        yaml.allow_unicode = allow_unicode
        yaml.indent(mapping=2, sequence=4, offset=2)
        buffer = io.StringIO()
        yaml.dump(data, buffer)
        if loads(buffer.getvalue()).data == data:
            break
    return buffer.getvalue()


def one_line(text: str) -> str:
    """`text` fit for a YAML comment: every line break (YAML reads U+0085, U+2028, U+2029 as
    ones too) and control character a space, runs of spaces one."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def quoted(text: str) -> str:
    """`text` on one line, in double quotes."""
    return json.dumps(one_line(text), ensure_ascii=False)


def _example_event(doc_id: str) -> str:
    lines = f"""\
events:
  - event_id: {doc_id}-e01
    event_type: remote_violence
    event_subtype: rocket_attack
    summary: Rockets hit the US embassy in Baghdad.
    date:
      start: 2023-12-08
      end: 2023-12-08
      precision: day
      basis: relative_to_publication
      note: '"on Friday" in a text published on Tuesday 2023-12-12.'
    participants:
      - {{actor_id: usa-embassy-baghdad, role: target}}
    attribution: {{status: unattributed}}
    claim: {{status: no_claim_yet}}
    weapons: [rocket]
    munitions: {{best: 3}}
    damage: minor
    fatalities: {{best: 0}}
    evidence:
      - {{field: event, quote: "Rockets hit the US embassy in Baghdad"}}
      - {{field: date, quote: "on Friday"}}
      - {{field: target, quote: "the US embassy in Baghdad"}}
      - {{field: claim, quote: "No group has claimed the attack yet"}}
      - {{field: munitions, quote: "three rockets", according_to: "a security official", \
hedge: reported}}
      - {{field: damage, quote: "minor damage"}}
      - {{field: fatalities, quote: "No one was killed"}}
"""
    return "".join(f"# {line}\n" for line in lines.splitlines())


def _publication(document: Document) -> str:
    published = document.published_date
    if published is None:
        return (
            f"# Publication date unknown (basis: {document.published_date_basis}): no date may be "
            "coded relative to\n# publication; resolve dates from the text's own words.\n"
        )
    return (
        f"# Publication date {published} ({published:%A}; basis: "
        f"{document.published_date_basis}). Relative dates resolve against it.\n"
    )


def _actors(registry: Path, found: bool, named: list[Named]) -> str:
    where = registry.as_posix()
    if not found:
        return (
            f"\n# Actors: events name them by actor_id, declared once for the dataset in {where},\n"
            "# which does not exist yet: create it (`grounded-events add` printed how) and\n"
            "# declare there the actors this text names, with the names it uses as variants.\n"
        )
    parts = [
        f"\n# Actors: events name them by actor_id, declared once for the dataset in {where}.\n"
    ]
    if named:
        parts.append(
            "# Its actors whose name or a variant occurs in this text (whole words, any case;\n"
            "# check that the text means them):\n"
        )
        width = max(len(n.actor.actor_id) for n in named)
        parts += [
            f"#   {n.actor.actor_id:<{width}}  {one_line(n.actor.name)}: "
            f"{', '.join(quoted(p) for p in n.phrases)}\n"
            for n in named
        ]
    else:
        parts.append("# None of its actors' names or variants occurs in this text.\n")
    parts.append(
        "# Declare there the actors it lacks, and add the names this text uses as variants.\n"
    )
    return "".join(parts)


def skeleton(
    document: Document,
    annotated: str,
    annotators: list[str],
    path: str,
    registry: Path,
    registry_found: bool,
    named: list[Named],
) -> str:
    """The annotation file (to be written at `path`) a new document starts from: header, pins,
    the actors of the dataset's `registry` that its text names (as comments), no events."""
    publisher, title = one_line(document.publisher), quoted(document.title)
    date = document.published_date or "undated"
    return "".join(
        [
            f"""{schema_line(SCHEMA_VERSION)}
#
# {publisher}, {date}: {title}.
# Coded by the rules of ANNOTATING.md. Offsets are Unicode code points into the verbatim text
# seeds/{document.file} (sha256 pinned below), end exclusive. Write each evidence
# item's field and quote; then this fills in start and end:
#   grounded-events locate --fill {path}
#
""",
            _publication(document),
            # Written out, not dumped: a dumper quotes dates ('2024-01-02'), the seed's file does not.
            f"schema_version: {SCHEMA_VERSION}\n"
            f"doc_id: {document.doc_id}\n"
            f"sha256: {document.sha256}\n"
            f"annotated: {annotated}\n",
            yaml_block({"annotators": annotators}),
            _actors(registry, registry_found, named),
            "# Links to events of other documents (the same incident reported again, a part of a\n"
            "# campaign, a response, a statement about one) go in "
            f"{registry.with_name(LINKS_FILE).as_posix()}:\n"
            '#   grounded-events link SOURCE RELATION TARGET --note "why"\n',
            "\nevents: []\n\n# An example (constructed, not from this text) to copy above:\n",
            _example_event(document.doc_id),
        ]
    )
