"""Seeds are verbatim copies, indexed with their metadata, and refused when changed."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grounded_events._core.files import MAX_TEXT_BYTES
from grounded_events._core.text import json_text
from grounded_events._sources.seeds import SeedError, read_index, read_seeds, read_text
from helpers import ROOT, cli, within, write_sample

SHARED = Path(__file__).resolve().parents[2] / "shared" / "seeds"
ROOT_SEEDS = ROOT / "seeds"


def test_seeds_are_byte_identical_to_the_shared_originals(root: Path) -> None:
    """Every seed in seeds/ equals its original in ../shared/seeds byte for byte."""
    if not SHARED.exists():
        pytest.skip(f"{SHARED} is not beside the checkout")
    originals = sorted(SHARED.glob("*.txt"))
    assert originals
    for original in originals:
        assert (root / "seeds" / original.name).read_bytes() == original.read_bytes()


def test_index_lists_every_seed_with_its_sha256(root: Path) -> None:
    """seeds/index.json lists each text file once, with the sha256 of its bytes."""
    documents = read_index(root / "seeds")
    files = sorted(p.name for p in (root / "seeds").glob("*.txt"))
    assert sorted(d.file for d in documents) == files
    for d in documents:
        assert hashlib.sha256((root / "seeds" / d.file).read_bytes()).hexdigest() == d.sha256


def test_seed_metadata_records_publication_basis(root: Path) -> None:
    """The seed's metadata records publisher, URL, language and the URL basis of its date."""
    (doc,) = read_index(root / "seeds")
    assert doc.publisher == "Rudaw"
    assert doc.url == "https://www.rudaw.net/english/middleeast/iraq/12122023"
    assert str(doc.published_date) == "2023-12-12"
    assert doc.published_date_basis == "url"
    assert (doc.dateline, doc.language) == ("Erbil", "en")


def test_index_is_written_canonically(root: Path) -> None:
    """The committed index is sorted by doc_id and written as every JSON file is (json_text)."""
    text = (root / "seeds" / "index.json").read_text(encoding="utf-8")
    documents = sorted(read_index(root / "seeds"), key=lambda d: d.doc_id)
    assert json_text([d.model_dump(mode="json") for d in documents]) == text


def test_a_changed_seed_fails_loudly(root: Path, tmp_path: Path) -> None:
    """Reading a seed whose bytes no longer match the index raises SeedError naming both hashes."""
    shutil.copytree(root / "seeds", tmp_path / "seeds")
    (doc,) = read_index(tmp_path / "seeds")
    path = tmp_path / "seeds" / doc.file
    path.write_bytes(path.read_bytes().replace(b"Erbil", b"Irbil", 1))
    with pytest.raises(SeedError) as info:
        read_seeds(tmp_path / "seeds")
    assert doc.sha256 in str(info.value)
    assert doc.file in str(info.value)


def test_a_missing_index_or_bad_entry_is_a_clear_error(tmp_path: Path) -> None:
    """A missing index, or an entry with an unknown language, names the file and the field."""
    with pytest.raises(SeedError, match="no seeds index"):
        read_index(tmp_path)
    (tmp_path / "index.json").write_text(
        '[{"doc_id": "x", "file": "x.txt", "sha256": "' + "0" * 64 + '", "title": "t", '
        '"publisher": "p", "url": "https://x", "published_date": "2023-01-01", '
        '"published_date_basis": "url", "language": "zz"}]',
        encoding="utf-8",
    )
    with pytest.raises(SeedError, match=r"0\.language"):
        read_index(tmp_path)


def _hostile_seeds(root: Path, tmp_path: Path, kind: str) -> tuple[Path, str]:
    """A copy of seeds/ whose one text is replaced by something hostile; (folder, expected code)."""
    seeds = tmp_path / "seeds"
    shutil.copytree(root / "seeds", seeds)
    (doc,) = read_index(seeds)
    path = seeds / doc.file
    path.unlink()
    if kind == "fifo":
        os.mkfifo(path)
        return seeds, "GE115"
    if kind == "zero":
        path.symlink_to("/dev/zero")
        return seeds, "GE114"
    if kind == "outside":
        (tmp_path / "elsewhere.txt").write_bytes((root / "seeds" / doc.file).read_bytes())
        path.symlink_to(tmp_path / "elsewhere.txt")
        return seeds, "GE114"
    with path.open("wb") as handle:  # sparse: huge by stat, nothing written
        handle.truncate(MAX_TEXT_BYTES + 1)
    return seeds, "GE116"


KINDS = ["fifo", "zero", "outside", "huge"]


@pytest.mark.parametrize("kind", KINDS)
def test_hostile_seed_files_are_refused_unread(root: Path, tmp_path: Path, kind: str) -> None:
    """A seed that is a FIFO, /dev/zero, outside seeds/ or too large: SeedError with its code."""
    seeds, code = _hostile_seeds(root, tmp_path, kind)
    with pytest.raises(SeedError) as info:
        within(10, lambda: read_seeds(seeds))
    assert info.value.code == code
    assert "refused" in str(info.value)


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_validate_build_and_locate_refuse_a_hostile_seed(
    root: Path, tmp_path: Path, kind: str
) -> None:
    """validate, build and locate name the refused seed with its code and exit 2, never hang or 3."""
    seeds, code = _hostile_seeds(root, tmp_path, kind)
    annotations = write_sample(tmp_path / "annotations")
    for args in (
        ["validate", str(annotations), "--seeds", str(seeds)],
        ["build", "--annotations", str(annotations), "--seeds", str(seeds), "--out",
         str(tmp_path / "out")],
        ["locate", "rudaw-20231212", "rockets", "--seeds", str(seeds)],
    ):  # fmt: skip
        done = within(60, lambda args=args: cli(*args))
        assert done.returncode == 2, (args, done.stderr, done.stdout)
        assert code in done.stdout + done.stderr or "refused" in done.stderr, args
        assert "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()


@settings(max_examples=60, deadline=None)
@given(name=st.from_regex(r"[^/\\]{1,12}\.txt", fullmatch=True))
def test_any_seed_file_name_is_read_or_refused_cleanly(name: str) -> None:
    """Whatever file name the index gives (NUL, dots, surrogates): a SeedError, never a crash."""
    (doc,) = read_index(ROOT_SEEDS)
    document = doc.model_copy(update={"file": name})
    with pytest.raises(SeedError) as info:
        read_text(ROOT_SEEDS, document)
    assert info.value.code in ("GE101", "GE114", "GE115", "GE503")


def test_nul_in_a_seed_file_name_is_a_coded_error(tmp_path: Path) -> None:
    """index.json naming a file with a NUL byte: GE114 naming the index entry, not ValueError."""
    (doc,) = read_index(ROOT_SEEDS)
    document = doc.model_copy(update={"file": "rudaw\x00.txt"})
    with pytest.raises(SeedError) as info:
        read_text(ROOT_SEEDS, document)
    assert info.value.code == "GE114"
    assert "\x00" not in str(info.value) and "rudaw-20231212" in str(info.value)


def test_a_fifo_index_does_not_hang(tmp_path: Path) -> None:
    """seeds/index.json that is a FIFO is refused (GE115) at once."""
    os.mkfifo(tmp_path / "index.json")
    with pytest.raises(SeedError) as info:
        within(5, lambda: read_index(tmp_path))
    assert info.value.code == "GE115"
