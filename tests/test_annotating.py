"""ANNOTATING.md and the validator agree: every guideline names the code that enforces it."""

from __future__ import annotations

import re

from grounded_events._validation.codes import CODES
from helpers import ROOT

GUIDE = (ROOT / "ANNOTATING.md").read_text(encoding="utf-8")
NAMED = set(re.findall(r"\bGE\d{3}\b", GUIDE))
# The layers whose codes judge how a document is coded (not whether a file can be read, is
# shaped as the schema says or matches a release): each of their codes enforces a guideline.
GUIDELINE_LAYERS = ("cross-field", "grounding", "referential")
# Codes of those layers that are about the validator's inputs, not about coding.
NOT_GUIDELINES = {"GE505"}  # no documents to check quotes against: a missing --seeds


def test_every_guideline_code_is_named() -> None:
    """Every code that enforces a coding rule is named in ANNOTATING.md, after its rule."""
    enforcing = {c.code for c in CODES.values() if c.layer in GUIDELINE_LAYERS} - NOT_GUIDELINES
    assert sorted(enforcing - NAMED) == []


def test_every_named_code_exists() -> None:
    """Every code ANNOTATING.md names is a code of the catalogue."""
    assert sorted(NAMED - set(CODES)) == []


def test_named_codes_follow_a_rule() -> None:
    """A code is named in parentheses after the rule it enforces, never alone on a line."""
    for line in GUIDE.splitlines():
        if re.search(r"\bGE\d{3}\b", line):
            assert re.sub(r"[\s(),;:GE\d]|and|an?|is", "", line), line
