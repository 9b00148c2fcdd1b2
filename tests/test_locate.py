"""`grounded-events locate`: code point offsets, every occurrence, helpful misses, clean errors."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grounded_events._core.safe_yaml import loads
from grounded_events._schema.models import Evidence
from grounded_events.cli import main

DOC = "rudaw-20231212"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["locate", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_prints_each_occurrence_of_a_seed_quote(
    capsys: pytest.CaptureFixture[str], root: Path
) -> None:
    """DOC as a doc_id prints start, end and quote per line; the offsets slice the seed text."""
    code, out, err = _run(capsys, DOC, "Washington", "--seeds", str(root / "seeds"))
    assert code == 0 and err == ""
    text = (root / "seeds" / "000_d3a59bc8da211749.txt").read_text(encoding="utf-8")
    lines = out.splitlines()
    assert len(lines) == text.count("Washington") == 3
    for line in lines:
        start, end, quote = line.split("\t")
        assert text[int(start) : int(end)] == quote == "Washington"


def test_cli_reads_a_text_file_path(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """DOC may be a UTF-8 text file; offsets count code points in it."""
    doc = tmp_path / "doc.txt"
    doc.write_text("“Quoted” words, quoted twice: words", encoding="utf-8")
    code, out, _ = _run(capsys, str(doc), "words")
    assert code == 0
    assert out == "9\t14\twords\n30\t35\twords\n"


def test_cli_field_prints_evidence_items(capsys: pytest.CaptureFixture[str], root: Path) -> None:
    """--field prints YAML evidence items that validate and slice the text exactly."""
    quote = "Rudaw’s Diyar Kurda"
    code, out, _ = _run(capsys, DOC, quote, "--seeds", str(root / "seeds"), "--field", "medium")
    assert code == 0
    items = loads(out).data
    evidence = [Evidence.model_validate(item) for item in items]
    text = (root / "seeds" / "000_d3a59bc8da211749.txt").read_text(encoding="utf-8")
    assert [(e.field, text[e.start : e.end]) for e in evidence] == [("medium", quote)]


def test_cli_miss_shows_nearest_match(capsys: pytest.CaptureFixture[str], root: Path) -> None:
    """A quote not in the text exits 1 with the nearest passage, its offsets and its words."""
    code, out, err = _run(capsys, DOC, "the US embasy in Bagdad", "--seeds", str(root / "seeds"))
    assert code == 1 and out == ""
    assert "does not occur" in err
    assert "Nearest match" in err
    assert "411\t436\tthe US embassy in Baghdad" in err


def test_cli_straight_quote_points_at_curly_one(
    capsys: pytest.CaptureFixture[str], root: Path
) -> None:
    """Straight quotes never silently match curly ones: exit 1, and the curly occurrence shown."""
    code, out, err = _run(capsys, DOC, "Rudaw's Diyar Kurda", "--seeds", str(root / "seeds"))
    assert code == 1 and out == ""
    assert "curly" in err
    assert "887\t906\tRudaw’s Diyar Kurda" in err


def test_cli_miss_with_nothing_close(capsys: pytest.CaptureFixture[str], root: Path) -> None:
    """A quote like nothing in the text says so rather than inventing a match."""
    code, _, err = _run(capsys, DOC, "qqqqzzzzxxxx", "--seeds", str(root / "seeds"))
    assert code == 1
    assert "No passage of the text is close" in err


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda tmp: "no-such-doc", "no such file, and no doc_id"),
        (lambda tmp: str(tmp), "not a regular file"),
        (lambda tmp: _write(tmp / "latin1.txt", b"caf\xe9"), "not UTF-8 at byte 3"),
    ],
    ids=["unknown-doc", "directory", "not-utf8"],
)
def test_cli_unreadable_document_is_one_line_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, root: Path, make, expected: str
) -> None:
    """A missing, unreadable or undecodable document is a one-line error with exit code 2."""
    code, out, err = _run(capsys, make(tmp_path), "x", "--seeds", str(root / "seeds"))
    assert code == 2 and out == ""
    assert expected in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def _write(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)


def test_cli_changed_seed_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, root: Path
) -> None:
    """A seed whose bytes no longer match its pinned sha256 is refused, exit 2."""
    seeds = tmp_path / "seeds"
    shutil.copytree(root / "seeds", seeds)
    (seeds / "000_d3a59bc8da211749.txt").write_text("edited", encoding="utf-8")
    code, _, err = _run(capsys, DOC, "edited", "--seeds", str(seeds))
    assert code == 2
    assert "sha256" in err and len(err.strip().splitlines()) == 1


def test_cli_missing_seeds_index(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Without a seeds index a doc_id cannot be resolved: one line, exit 2."""
    code, _, err = _run(capsys, DOC, "x", "--seeds", str(tmp_path))
    assert code == 2
    assert "index.json" in err and len(err.strip().splitlines()) == 1


def test_console_script_has_no_traceback(tmp_path: Path) -> None:
    """Run as a real process, a missing file gives exit 2 and no traceback."""
    result = subprocess.run(
        [sys.executable, "-m", "grounded_events.cli", "locate", str(tmp_path / "gone.txt"), "x"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "gone.txt" in result.stderr


def test_cli_refuses_a_text_file_over_the_limit(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, root: Path
) -> None:
    """A document path larger than the text limit is a one-line refusal (exit 2), not read."""
    from grounded_events._core.files import MAX_TEXT_BYTES

    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:  # sparse: huge by stat, nothing written
        handle.truncate(MAX_TEXT_BYTES + 1)
    code, out, err = _run(capsys, str(huge), "x", "--seeds", str(root / "seeds"))
    assert code == 2 and out == ""
    assert "refused" in err and "larger than the limit" in err


# --- hostile quotes and documents (issue 12) -----------------------------------------------------


def test_long_quote_miss_is_one_short_message(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A 5,000-character quote that does not occur is echoed clipped, with its length, exit 1."""
    path = tmp_path / "doc.txt"
    path.write_text("a" * 200_000, encoding="utf-8")
    code, out, err = _run(capsys, str(path), "a" * 4_999 + "b")
    assert (code, out) == (1, "")
    assert "(5,000 characters)" in err and "not searched for near matches" in err
    assert len(err) < 1_000


@pytest.mark.parametrize("doc", ["doc\x00id", "x\x00.txt", "a/\x00/b"])
def test_nul_in_document_name_is_a_usage_error(
    doc: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A NUL byte in DOC is one line on stderr and exit 2, not an internal error."""
    code, _, err = _run(capsys, "--seeds", str(tmp_path), doc, "quote")
    assert code == 2 and "internal error" not in err
    assert len(err.strip().splitlines()) == 1
