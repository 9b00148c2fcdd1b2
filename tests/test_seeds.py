"""Seeds are verbatim copies, indexed with their metadata, and refused when changed."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from grounded_events._seeds import SeedError, dumps_index, read_index, read_seeds

SHARED = Path(__file__).resolve().parents[2] / "shared" / "seeds"


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
    """The committed index is exactly what dumps_index writes (sorted, two-space JSON)."""
    text = (root / "seeds" / "index.json").read_text(encoding="utf-8")
    assert dumps_index(read_index(root / "seeds")) == text


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
