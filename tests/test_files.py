"""Safe reading: regular files inside their folder, bounded, and one hash check for every notation."""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grounded_events._core.files import (
    _ALGORITHMS,
    HashNotation,
    UnsafeFile,
    blocks,
    check_handle,
    parse_hash,
    parse_sums,
    read_bytes_inside,
    resolve_inside,
)
from helpers import within

SECRET = b"outside the tree"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """root/ with a file, a subfolder, a FIFO and symlinks in and out; a secret beside root."""
    root = tmp_path / "root"
    (root / "sub").mkdir(parents=True)
    (root / "inside.txt").write_bytes(b"inside")
    (root / "sub" / "deep.txt").write_bytes(b"deep")
    (tmp_path / "secret.txt").write_bytes(SECRET)
    (root / "out").symlink_to(tmp_path)
    (root / "secret-link.txt").symlink_to(tmp_path / "secret.txt")
    (root / "in-link.txt").symlink_to(root / "sub" / "deep.txt")
    (root / "zero").symlink_to("/dev/zero")
    os.mkfifo(root / "fifo")
    return root


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("../secret.txt", "GE114"),
        ("sub/../../secret.txt", "GE114"),
        (str(Path("/etc/passwd")), "GE114"),
        ("https://example.org/events.csv", "GE114"),
        ("out/secret.txt", "GE114"),
        ("secret-link.txt", "GE114"),
        ("inside\x00.txt", "GE114"),
        ("", "GE114"),
        ("x" * 5000, "GE114"),
        ("zero", "GE114"),
        ("fifo", "GE115"),
        ("sub", "GE115"),
        ("inside.txt/x", "GE115"),
    ],
)
def test_unsafe_paths_are_refused_before_reading(tree: Path, name: str, code: str) -> None:
    """A path out of the tree, a URL, NUL, a device, a FIFO or a folder is refused with its code."""
    with pytest.raises(UnsafeFile) as info:
        within(5, lambda: read_bytes_inside(tree, name))
    assert info.value.code == code
    assert "\x00" not in str(info.value)


def test_regular_files_inside_are_read(tree: Path) -> None:
    """Files inside the tree, also through a symlink that stays inside, are read whole."""
    assert read_bytes_inside(tree, "inside.txt") == b"inside"
    assert read_bytes_inside(tree, "sub/deep.txt") == b"deep"
    assert read_bytes_inside(tree, "in-link.txt") == b"deep"
    with pytest.raises(FileNotFoundError):
        read_bytes_inside(tree, "missing.txt")


def test_size_limit_is_enforced_by_stat_and_by_reading(tree: Path) -> None:
    """A file over the limit is refused (GE116), also when stat under-reports its size."""
    with pytest.raises(UnsafeFile) as info:
        read_bytes_inside(tree, "inside.txt", max_bytes=5)
    assert info.value.code == "GE116"
    endless = io.BytesIO(b"0" * (3 << 20))  # a /proc-like file: stat says 0, reading goes on
    with pytest.raises(UnsafeFile) as info:
        b"".join(blocks(endless, "proc", 2 << 20))
    assert info.value.code == "GE116"


_PARTS = st.sampled_from(
    ["..", ".", "", "sub", "out", "inside.txt", "secret.txt", "secret-link.txt", "in-link.txt",
     "zero", "fifo", "deep.txt", "/", "\\", "\x00", ":", "//", "C:", "file:", "~", "\ud800"]
)  # fmt: skip


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=st.one_of(st.lists(_PARTS, max_size=6).map("/".join), st.text(max_size=40)))
def test_any_path_string_reads_inside_or_is_refused(tree: Path, name: str) -> None:
    """For any string: the bytes of a regular file inside the tree, or UnsafeFile/FileNotFound."""
    try:
        data = within(5, lambda: read_bytes_inside(tree, name))
    except UnsafeFile as exc:
        assert exc.code in ("GE114", "GE115", "GE116")
        return
    except FileNotFoundError:
        return
    assert data in (b"inside", b"deep")
    assert tree.resolve() in resolve_inside(tree, name).parents


# --- hashes -----------------------------------------------------------------------------------


def _case(text: str, flips: list[bool]) -> str:
    return "".join(
        c.upper() if f else c.lower()
        for c, f in zip(text, flips + [False] * len(text), strict=False)
    )


@settings(max_examples=200, deadline=None)
@given(
    algorithm=st.sampled_from(_ALGORITHMS),
    data=st.binary(max_size=200),
    flips=st.lists(st.booleans(), max_size=140),
    tamper=st.booleans(),
)
def test_every_hash_notation_is_checked(
    algorithm: str, data: bytes, flips: list[bool], tamper: bool
) -> None:
    """Any hashlib algorithm in any case, digest in any case: a match passes, a change is GE701."""
    digest = hashlib.new(algorithm, data).hexdigest()
    notation = _case(f"{algorithm}:{digest}", flips)
    assert parse_hash(notation) == (algorithm, digest)
    content = data + b"!" if tamper else data
    problems = check_handle(io.BytesIO(content), "f.csv", notation, len(data))
    codes = {p.code for p in problems}
    assert codes == ({"GE701", "GE702"} if tamper else set())


def test_bare_digest_is_md5_and_dashed_names_are_read() -> None:
    """A bare digest is md5 (Data Package spec); SHA-256 and sha3-256 spellings are understood."""
    data = b"abc"
    assert parse_hash(hashlib.md5(data).hexdigest()) == ("md5", hashlib.md5(data).hexdigest())
    sha = hashlib.sha256(data).hexdigest()
    assert parse_hash(f"SHA-256:{sha}") == ("sha256", sha)
    sha3 = hashlib.sha3_256(data).hexdigest()
    assert parse_hash(f"SHA3-256:{sha3}") == ("sha3_256", sha3)


@settings(max_examples=300, deadline=None)
@given(
    notation=st.one_of(st.text(max_size=80), st.from_regex(r"[a-zA-Z0-9-]{0,10}:[0-9a-fA-F]{0,70}"))
)
def test_an_uncheckable_hash_is_an_error_never_a_pass(notation: str) -> None:
    """A hash that is not a known algorithm with a digest of its length is GE704, not a pass."""
    try:
        parse_hash(notation)
        checkable = True
    except HashNotation:
        checkable = False
    problems = check_handle(io.BytesIO(b"data"), "f.csv", notation)
    if checkable:
        assert [p.code for p in problems] == ["GE701"]  # a random digest never matches
    else:
        assert [p.code for p in problems] == ["GE704"]


@pytest.mark.parametrize("value", ["12", 1.5, -1, True, [4]])
def test_bytes_that_are_not_a_size_are_an_error(value: object) -> None:
    """A `bytes` that is not a whole number >= 0 is GE704."""
    (problem,) = check_handle(io.BytesIO(b"data"), "f.csv", None, value)
    assert (problem.code, problem.field) == ("GE704", "bytes")


def test_sha256sums_lines_are_checked() -> None:
    """A file differing from its SHA256SUMS line is GE705; a malformed line is HashNotation."""
    good = hashlib.sha256(b"data").hexdigest()
    sums = parse_sums(f"{good}  a.csv\n{'0' * 64} *b.csv\n")
    assert sums == {"a.csv": (good, 1), "b.csv": ("0" * 64, 2)}
    assert check_handle(io.BytesIO(b"data"), "a.csv", listed=sums["a.csv"][0]) == []
    (problem,) = check_handle(io.BytesIO(b"data"), "b.csv", listed=sums["b.csv"][0])
    assert problem.code == "GE705"
    with pytest.raises(HashNotation, match="line 1"):
        parse_sums("abc  a.csv\n")


def test_a_device_inside_the_folder_is_not_read() -> None:
    """/dev/zero read as a file of /dev is refused as a device (GE115), not read forever."""
    with pytest.raises(UnsafeFile) as info:
        within(5, lambda: read_bytes_inside(Path("/dev"), "zero"))
    assert info.value.code == "GE115"
    assert "character device" in info.value.reason
