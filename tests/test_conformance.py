"""The conformance suite in validators/: every case yields exactly its listed error codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grounded_events._validation import validate
from grounded_events._validation.codes import CODES

SUITE = Path(__file__).resolve().parents[1] / "validators"
CASES = sorted(p.parent for p in SUITE.glob("*/*/case.json"))
# Codes that no committed file can trigger: GE116 needs a file over 64 MiB. The oversized-file
# tests in tests/test_validation_package.py and tests/test_seeds.py cover it instead.
NOT_COMMITTABLE = {"GE116"}


def _run(case: Path) -> set[str]:
    meta = json.loads((case / "case.json").read_text(encoding="utf-8"))
    paths = [case / p for p in meta.get("paths", ["input"])]
    seeds = case / meta["seeds"] if "seeds" in meta else SUITE / "seeds"
    return validate(paths, seeds=seeds, schema_version=meta.get("schema_version")).codes


@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.name}" for c in CASES])
def test_case(case: Path) -> None:
    """A valid case has no error; an invalid case has exactly the codes its case.json lists."""
    meta = json.loads((case / "case.json").read_text(encoding="utf-8"))
    assert meta["why"].strip()
    expected = set(meta["codes"])
    if case.parent.name == "invalid":
        assert expected, "an invalid case must list the codes it produces"
    else:
        assert not expected
    assert _run(case) == expected


def test_suite_covers_every_code() -> None:
    """At least 40 invalid cases; every code a committed file can trigger is produced by one."""
    invalid = [c for c in CASES if c.parent.name == "invalid"]
    assert len(invalid) >= 40
    listed = set()
    for case in invalid:
        listed |= set(json.loads((case / "case.json").read_text(encoding="utf-8"))["codes"])
    assert listed == set(CODES) - NOT_COMMITTABLE
