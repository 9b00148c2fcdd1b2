"""`grounded-events locate`: code point offsets, every occurrence, helpful misses, clean errors;
`--fill` writes every evidence item's offsets from its quote."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grounded_events._core.safe_yaml import loads
from grounded_events._schema.models import Evidence
from grounded_events._sources.fill import fill_file
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


@pytest.mark.parametrize("field", ["munitions", "attacks", "damage", "claim"])
def test_cli_field_takes_the_fields_of_schema_2(
    capsys: pytest.CaptureFixture[str], root: Path, field: str
) -> None:
    """The evidence fields schema 2.0.0 adds are --field values, and their items validate."""
    quote = "The attacks did not result in any casualties"
    code, out, err = _run(capsys, DOC, quote, "--seeds", str(root / "seeds"), "--field", field)
    assert (code, err) == (0, "")
    (item,) = loads(out).data
    assert Evidence.model_validate(item).field == field


def test_fill_fills_the_evidence_of_links(
    capsys: pytest.CaptureFixture[str], root: Path, tmp_path: Path
) -> None:
    """--fill takes links.yaml too: each span's offsets come from the document it names."""
    path = tmp_path / "links.yaml"
    committed = (root / "datasets" / "links.yaml").read_text(encoding="utf-8")
    path.write_text(re.sub(r"start: \d+, end: \d+, ", "", committed), encoding="utf-8")
    code, out, err = _run(capsys, "--fill", str(path), "--seeds", str(root / "seeds"))
    assert (code, err) == (0, "")
    assert out.startswith(f"{path}: changed: ")
    assert path.read_text(encoding="utf-8") == committed


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


# --- --fill: annotation files filled in place ----------------------------------------------------

ANNOTATION = Path("datasets") / "annotations" / "rudaw-20231212.yaml"


def _quote_only(root: Path, path: Path, *items: str) -> Path:
    """A small annotation file of the seed, its one event's evidence these flow items."""
    text = (root / "seeds" / "000_d3a59bc8da211749.txt").read_bytes()
    lines = "".join(f"      - {item}\n" for item in items)
    path.write_text(
        f"doc_id: {DOC}\nsha256: {hashlib.sha256(text).hexdigest()}\nevents:\n"
        f"  - event_id: {DOC}-e01\n    evidence:\n{lines}",
        encoding="utf-8",
    )
    return path


def test_fill_writes_offsets_in_place_then_changes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, root: Path
) -> None:
    """--fill writes start and end into the file (exit 0); a second run finds nothing to do and
    leaves the bytes as they are."""
    path = _quote_only(root, tmp_path / "a.yaml", '{field: date, quote: "on Monday"}')
    seeds = str(root / "seeds")
    code, out, err = _run(capsys, "--fill", str(path), "--seeds", seeds)
    assert (code, err) == (0, "")
    assert out == f"{path}: changed: 1 filled, 0 repaired, 0 kept\n"
    filled = path.read_bytes()
    assert b'{field: date, start: 275, end: 284, quote: "on Monday"}' in filled
    code, out, _ = _run(capsys, "--fill", str(path), "--seeds", seeds)
    assert code == 0 and out == f"{path}: unchanged: 0 filled, 0 repaired, 1 kept\n"
    assert path.read_bytes() == filled


def test_fill_dry_run_prints_the_diff_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, root: Path
) -> None:
    """--dry-run shows what would change as a unified diff; the file is not touched."""
    path = _quote_only(root, tmp_path / "a.yaml", '{field: date, quote: "on Monday"}')
    before = path.read_bytes()
    code, out, _ = _run(capsys, "--fill", str(path), "--dry-run", "--seeds", str(root / "seeds"))
    assert code == 0 and path.read_bytes() == before
    assert '-      - {field: date, quote: "on Monday"}\n' in out
    assert '+      - {field: date, start: 275, end: 284, quote: "on Monday"}\n' in out
    assert out.endswith(f"{path}: would change: 1 filled, 0 repaired, 0 kept\n")


def test_fill_lists_ambiguous_and_absent_quotes_and_exits_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, root: Path
) -> None:
    """Quotes it cannot place are listed on stderr as file:line with candidates or the nearest
    passage (exit 1); the items it can place are written."""
    path = _quote_only(
        root,
        tmp_path / "a.yaml",
        '{field: date, quote: "on Monday"}',
        '{field: speaker, quote: "Washington"}',
        '{field: location, quote: "the US embasy in Bagdad"}',
    )
    code, out, err = _run(capsys, "--fill", str(path), "--seeds", str(root / "seeds"))
    assert code == 1
    assert out == f"{path}: changed: 1 filled, 0 repaired, 0 kept, 2 left as they were (below)\n"
    lines = err.splitlines()
    assert lines[0].startswith(f"{path}:7: quote 'Washington' occurs 3 times")
    assert lines[1].startswith("    occurrence: 1  301-311: ")
    assert lines[4].startswith(f"{path}:8: quote 'the US embasy in Bagdad' does not occur")
    assert lines[5].startswith("    411-436: ")
    assert "start: 275, end: 284" in path.read_text(encoding="utf-8")


def test_fill_refuses_an_unreadable_file_and_goes_on(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, root: Path
) -> None:
    """A file with bad YAML is not written (one line, exit 2); the next file is still filled."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("doc_id: [\n", encoding="utf-8")
    good = _quote_only(root, tmp_path / "good.yaml", '{field: date, quote: "on Monday"}')
    code, out, err = _run(capsys, "--fill", str(bad), str(good), "--seeds", str(root / "seeds"))
    assert code == 2
    assert bad.read_text(encoding="utf-8") == "doc_id: [\n"
    assert err.startswith(f"locate: {bad}:2: not readable YAML") and len(err.splitlines()) == 1
    assert out == f"{good}: changed: 1 filled, 0 repaired, 0 kept\n"


def test_fill_warns_when_other_lines_may_change(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, root: Path
) -> None:
    """When the YAML writer cannot reproduce the file's layout, the fill says so."""
    path = _quote_only(root, tmp_path / "a.yaml", '{field: date, quote: "on Monday"}')
    path.write_text(path.read_text(encoding="utf-8").replace("doc_id: ", "doc_id:   "))
    code, _, err = _run(capsys, "--fill", str(path), "--seeds", str(root / "seeds"))
    assert code == 0 and "cannot reproduce this file's layout" in err


def test_fill_restores_the_committed_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, root: Path
) -> None:
    """Run on the committed file itself, --fill changes nothing (its offsets are all right)."""
    path = tmp_path / "rudaw-20231212.yaml"
    shutil.copyfile(root / ANNOTATION, path)
    code, out, err = _run(capsys, "--fill", str(path), "--seeds", str(root / "seeds"))
    assert (code, err) == (0, "")
    assert out.startswith(f"{path}: unchanged: 0 filled, 0 repaired, ")
    assert path.read_bytes() == (root / ANNOTATION).read_bytes()


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        ([DOC, "x", "--fill", "a.yaml"], "takes no DOC"),
        (["--fill", "a.yaml", "--field", "date"], "takes no DOC, QUOTE or --field"),
        ([], "give DOC and QUOTE, or --fill"),
        ([DOC], "give DOC and QUOTE, or --fill"),
        ([DOC, "x", "--dry-run"], "--dry-run goes with --fill"),
    ],
    ids=["fill-and-doc", "fill-and-field", "nothing", "no-quote", "dry-run-alone"],
)
def test_fill_and_quote_modes_do_not_mix(
    capsys: pytest.CaptureFixture[str], argv: list[str], says: str
) -> None:
    """DOC QUOTE and --fill FILE... are two uses: mixing them, or giving neither, is exit 2."""
    code, out, err = _run(capsys, *argv)
    assert code == 2 and out == ""
    assert says in err and len(err.splitlines()) == 1


@pytest.mark.parametrize(
    ("doc", "section"), [("docs/annotating.md", "# Annotating"), ("ANNOTATING.md", "## 11.")]
)
def test_documented_fill_example_is_what_the_fill_does(
    tmp_path: Path,
    root: Path,
    doc: str,
    section: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The docs' quote-only items become the filled items they show; the command prints it."""
    text = (root / doc).read_text(encoding="utf-8")
    part = text[text.index(section) :]
    before, after = (
        [line.strip() for line in block.splitlines() if line.strip().startswith("- {")]
        for block in re.findall(r"```yaml\n(.*?)```", part, re.S)[:2]
    )
    path = _quote_only(root, tmp_path / "a.yaml", *(line[2:] for line in before))
    assert fill_file(path, root / "seeds").text == _quote_only(
        root, tmp_path / "b.yaml", *(line[2:] for line in after)
    ).read_text(encoding="utf-8")
    shown = re.search(r"^\$ \S*grounded-events locate --fill (\S+)\n(.*\n)", part, re.M)
    if shown is not None:  # run as shown, in a folder holding the seeds and the file it names
        shutil.copytree(root / "seeds", tmp_path / "run" / "seeds")
        _quote_only(root, tmp_path / "run" / shown[1], *(line[2:] for line in before))
        monkeypatch.chdir(tmp_path / "run")
        assert _run(capsys, "--fill", shown[1]) == (0, shown[2], "")


def test_fill_that_cannot_write_is_exit_2_and_leaves_the_file(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    root: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A write that fails (a full disk, a read-only folder) is one line and exit 2, and the
    file keeps its old bytes: the write is atomic."""
    import os

    path = _quote_only(root, tmp_path / "a.yaml", '{field: date, quote: "on Monday"}')
    before = path.read_bytes()

    def refuse(src: object, dst: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    code, out, err = _run(capsys, "--fill", str(path), "--seeds", str(root / "seeds"))
    assert code == 2 and out == ""
    assert err == f"locate: {path}: cannot write: Permission denied\n"
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["a.yaml"]  # no temporary file left
