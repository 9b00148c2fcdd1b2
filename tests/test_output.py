"""Writing reports: one huge value never makes a huge error line, in every output format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grounded_events._core.text import SHOWN, clip, quoted
from grounded_events._validation import validate
from grounded_events._validation.issues import Issue, Report
from grounded_events._validation.output import FORMATS, render
from grounded_events.cli import main
from helpers import annotation_data, write_annotation, write_seeds

LONG = st.text(st.characters(blacklist_categories=("Cs",)), max_size=3 * SHOWN)


def test_clip_states_the_length() -> None:
    """A text over SHOWN characters keeps its first SHOWN and says how long it was."""
    text = "abc" * 1_048_576
    assert clip(text) == "abc" * 100 + "… (3,145,728 characters)"
    assert quoted(text) == repr("abc" * 100 + "…") + " (3,145,728 characters)"
    assert clip("short") == "short" and quoted("short") == "'short'"


@settings(max_examples=60, deadline=None)
@given(message=LONG, field=LONG, expected=LONG, actual=LONG, fmt=st.sampled_from(FORMATS))
def test_every_format_clips_every_text(
    message: str, field: str, expected: str, actual: str, fmt: str
) -> None:
    """In text, json and github output an error is at most a few SHOWN long, and each text
    over SHOWN characters is written with its length."""
    issue = Issue("f.yaml", 3, field, "GE204", message, expected, actual)
    out = render(Report([issue], ["f.yaml"]), fmt)
    assert len(out) < 6 * SHOWN + 400
    for text in (message, expected, actual):
        if len(text) > SHOWN:
            assert f"({len(text):,} characters)" in out
    if fmt == "json":
        [written] = json.loads(out)
        assert written["actual"] == clip(actual) and written["message"] == clip(message)


@pytest.mark.slow
def test_a_3_mb_value_is_one_short_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown field holding 3 MB is reported, in every format, in under 1 KB that states
    its size."""
    data = annotation_data()
    data["events"][0]["bogus"] = "x" * 3_145_728
    path = write_annotation(tmp_path / "annotation.yaml", data)
    seeds = write_seeds(tmp_path / "seeds")
    assert main(["validate", "--seeds", str(seeds), str(path)]) == 1
    outputs = {"text": capsys.readouterr().out}
    report = validate(path, seeds=seeds)
    outputs |= {fmt: render(report, fmt) for fmt in ("json", "github")}
    for fmt, out in outputs.items():
        assert "GE202" in out and "(3,145,728 characters)" in out, fmt
        assert len(out) < 1_200, fmt


def test_lone_surrogates_are_written_escaped() -> None:
    """A lone surrogate (an undecodable byte in a file name, an escape in a value) is written as
    its escape in every format, never an encoding crash."""
    issue = Issue("bad\udcff.yaml", 1, "x\ud83d", "GE204", "got \ud83d", "text", "\ud83d")
    for fmt in FORMATS:
        out = render(Report([issue], ["bad\udcff.yaml"]), fmt)
        out.encode("utf-8")
        assert "\\udcff" in out and "\\ud83d" in out
