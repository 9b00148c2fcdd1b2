"""mkdocs hooks: the pages generated from their source of truth when the site is built."""

from __future__ import annotations

import contextlib
import io
import os
import re
from pathlib import Path
from typing import Any

import griffe
from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parents[1]
REPOSITORY = "https://github.com/grounded-events/grounded-events/blob/main/"


def error_codes() -> str:
    """The table of every validation code, from the code registry."""
    from grounded_events._validation.codes import markdown_table

    return markdown_table()


def codebook() -> str:
    """The schema's codebook as the models generate it, without its title (the page has one)."""
    from grounded_events._schema.generate import codebook as generate

    body = [
        line
        for line in generate().splitlines()[1:]
        if not line.startswith("Generated from the pydantic")
    ]
    return "\n".join(body).strip() + "\n"


def cli_help() -> str:
    """Each command's --help, as the parser prints it at 100 columns."""
    from grounded_events.cli import COMMANDS, main

    os.environ["COLUMNS"] = "100"  # argparse wraps to the terminal; the page must not depend on it
    parts = []
    for name in COMMANDS:
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
            main([name, "--help"])
        parts.append(f"## `grounded-events {name}`\n\n```text\n{out.getvalue().rstrip()}\n```\n")
    return "\n".join(parts)


def api_reference() -> str:
    """One mkdocstrings block per public name, in `__all__`'s order, from the module defining it."""
    import grounded_events

    lazy: dict[str, str] = vars(grounded_events)["_LAZY"]
    blocks = []
    for name in grounded_events.__all__:
        module = lazy.get(name)
        if module is None:  # constants defined in the package itself: shown by value
            value = getattr(grounded_events, name)
            blocks.append(f"## `grounded_events.{name}`\n\n`{value!r}`\n")
            continue
        blocks.append(
            f"::: {module}.{name}\n    options:\n      show_root_heading: true\n"
            f'      heading: "grounded_events.{name}"\n      heading_level: 2\n'
            "      show_source: false\n"
        )
    return "\n".join(blocks)


def guidelines() -> str:
    """ANNOTATING.md, its links to repository files pointed at the repository (or at the codebook)."""
    text = (ROOT / "ANNOTATING.md").read_text(encoding="utf-8")
    text = text.replace("](schema/1.0.0/codebook.md)", "](codebook.md)")
    return re.sub(r"\]\((?!https?://|#)([^)]+)\)", rf"]({REPOSITORY}\1)", text)


MARKERS = {
    "error-codes": error_codes,
    "codebook": codebook,
    "cli-help": cli_help,
    "api-reference": api_reference,
}


def on_files(files: Files, config: Any) -> Files:
    """Add the annotation guidelines, read from ANNOTATING.md at the repository root."""
    files.append(File.generated(config, "guidelines.md", content=guidelines()))
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    """Replace each `<!-- NAME: ... -->` marker by the text generated for NAME."""

    def fill(match: re.Match[str]) -> str:
        return MARKERS[match[1]]()

    return re.sub(r"^<!-- (" + "|".join(MARKERS) + r"): [^>]*-->$", fill, markdown, flags=re.M)


def fence_doctests(docstring: str) -> str:
    """The docstring with each run of `>>>` examples (and their output) in a pycon code fence."""
    out: list[str] = []
    in_example = False
    for line in docstring.splitlines():
        if line.lstrip().startswith(">>>") and not in_example:
            out.append("```pycon")
            in_example = True
        elif in_example and not line.strip():
            out.append("```")
            in_example = False
        out.append(line)
    if in_example:
        out.append("```")
    return "\n".join(out)


class DoctestFences(griffe.Extension):
    """Docstring examples shown as code: Markdown would read `>>>` as quotes, `[...]` as links."""

    def on_object(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = fence_doctests(obj.docstring.value)
