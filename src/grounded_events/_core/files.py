"""Files named by untrusted data: regular files inside their folder, read bounded, hashes checked."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import IO

from grounded_events._core.errors import GroundedEventsError

# A seed text or a descriptor is read whole: far above any real one, far below the memory.
MAX_TEXT_BYTES = 64 << 20
# A table resource is streamed, never held whole; the limit only stops an endless file.
MAX_RESOURCE_BYTES = 16 << 30

_BLOCK = 1 << 20
_HEX = re.compile(r"[0-9a-fA-F]+")
_SUMS_LINE = re.compile(r"([0-9a-fA-F]{64}) [ *](.+)")


class UnsafeFile(GroundedEventsError):
    """A file that must not be read: outside its folder, not a regular file, or too large.

    `code` is GE114 (the path leaves its folder or cannot name a file), GE115 (not a regular
    file) or GE116 (larger than the limit); `path` is the path as given.
    """

    def __init__(self, code: str, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.code = code
        self.path = path
        self.reason = reason


def resolve_inside(root: Path, relative: str) -> Path:
    """The real path of `relative` in `root`, refused (GE114) unless it stays inside `root`.

    Refused: an absolute path, a URL, a `..` part, a NUL or other character no file name can
    hold, and a symlink (of any part) that leads out of `root`.
    """
    shown = repr(relative) if "\x00" in relative else relative
    if not relative or "\x00" in relative or "\x00" in str(root):
        raise UnsafeFile("GE114", shown, "not a file name (empty, or holds a NUL character)")
    if "://" in relative:
        raise UnsafeFile("GE114", shown, "a URL; only files inside the folder are read")
    if PurePosixPath(relative).is_absolute() or PureWindowsPath(relative).is_absolute():
        raise UnsafeFile("GE114", shown, "an absolute path; expected a path inside the folder")
    if ".." in PurePosixPath(relative.replace("\\", "/")).parts:
        raise UnsafeFile("GE114", shown, "a `..` part; expected a path inside the folder")
    try:
        base = Path(os.path.realpath(root))
        target = Path(os.path.realpath(base / relative))
    except (OSError, ValueError) as exc:
        raise UnsafeFile("GE114", shown, f"cannot be resolved ({exc})") from None
    if target != base and base not in target.parents:
        raise UnsafeFile("GE114", shown, f"leads out of {root} (to {target}) through a symlink")
    return target


@contextlib.contextmanager
def open_inside(root: Path, relative: str, max_bytes: int) -> Iterator[IO[bytes]]:
    """A regular file inside `root`, opened for reading; refused before any byte is read.

    The open never blocks (a FIFO is opened non-blocking, then refused) and never follows a
    symlink swapped in after the path was resolved. FileNotFoundError is left to the caller.
    """
    target = resolve_inside(root, relative)
    try:
        fd = os.open(target, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
    except FileNotFoundError:
        raise
    except ValueError as exc:  # a character the file system cannot encode
        raise UnsafeFile("GE114", relative, f"not a file name ({exc})") from None
    except OSError as exc:
        code = "GE114" if exc.errno == errno.ENAMETOOLONG else "GE115"
        raise UnsafeFile(code, relative, f"cannot be opened: {exc.strerror}") from None
    info = os.fstat(fd)
    problem = None
    if not stat.S_ISREG(info.st_mode):
        problem = UnsafeFile("GE115", relative, f"not a regular file ({_kind(info.st_mode)})")
    elif info.st_size > max_bytes:
        problem = UnsafeFile("GE116", relative, _too_large(info.st_size, max_bytes))
    if problem is not None:
        os.close(fd)
        raise problem
    with os.fdopen(fd, "rb") as handle:
        yield handle


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def _too_large(size: int, max_bytes: int) -> str:
    return f"larger than the limit of {max_bytes} bytes ({size} bytes or more)"


def blocks(handle: IO[bytes], name: str, max_bytes: int) -> Iterator[bytes]:
    """The handle's bytes in blocks, refused (GE116) past `max_bytes` whatever stat said."""
    size = 0
    while block := handle.read(_BLOCK):
        size += len(block)
        if size > max_bytes:
            raise UnsafeFile("GE116", name, _too_large(size, max_bytes))
        yield block


def read_bytes_inside(root: Path, relative: str, max_bytes: int = MAX_TEXT_BYTES) -> bytes:
    """The bytes of a regular file inside `root`, at most `max_bytes` of them."""
    with open_inside(root, relative, max_bytes) as handle:
        return b"".join(blocks(handle, relative, max_bytes))


def read_regular(path: Path, max_bytes: int = MAX_TEXT_BYTES) -> bytes:
    """The bytes of a file the user named (symlinks followed): a regular file of bounded size."""
    real = Path(os.path.realpath(path))
    return read_bytes_inside(real.parent, real.name, max_bytes)


# --- hashes -----------------------------------------------------------------------------------

# Algorithms of fixed digest size that every Python has; names as the Data Package spec and
# common tools write them ("SHA256", "sha-256", "sha3-256") are folded onto these.
_ALGORITHMS = sorted(a for a in hashlib.algorithms_guaranteed if not a.startswith("shake"))


@dataclass(frozen=True)
class Mismatch:
    """An integrity check that failed: its code, the descriptor field, expected and actual."""

    code: str
    field: str
    message: str
    expected: str
    actual: str | None


class HashNotation(GroundedEventsError, ValueError):
    """A `hash` value the validator cannot check: unknown algorithm, or not a hex digest."""


def parse_hash(notation: str) -> tuple[str, str]:
    """(hashlib algorithm, lowercase hex digest) of a Data Package `hash`: `algo:hex` or md5 hex.

    The algorithm is case-insensitive; a bare digest is md5, as the Data Package spec says.
    """
    algorithm, colon, digest = notation.strip().rpartition(":")
    name = algorithm.strip().lower() if colon else "md5"
    for candidate in (name, name.replace("-", "_"), name.replace("-", "")):
        if candidate in _ALGORITHMS:
            break
    else:
        raise HashNotation(f"unknown hash algorithm {algorithm!r}; one of {', '.join(_ALGORITHMS)}")
    size = hashlib.new(candidate).digest_size * 2
    digest = digest.strip()
    if len(digest) != size or not _HEX.fullmatch(digest):
        raise HashNotation(f"a {candidate} digest is {size} hex digits, not {digest!r}")
    return candidate, digest.lower()


def parse_sums(text: str) -> dict[str, tuple[str, int]]:
    """File name -> (sha256, line) of a SHA256SUMS file (`sha256sum` output); HashNotation if not."""
    sums: dict[str, tuple[str, int]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _SUMS_LINE.fullmatch(line)
        if match is None:
            raise HashNotation(f"SHA256SUMS line {number} is not `<sha256>  <file>`: {line!r}")
        sums[match[2]] = (match[1].lower(), number)
    return sums


def check_handle(
    handle: IO[bytes],
    name: str,
    expected_hash: object = None,
    expected_bytes: object = None,
    listed: str | None = None,
    max_bytes: int = MAX_RESOURCE_BYTES,
) -> list[Mismatch]:
    """Every integrity promise about one open file, checked in one read; the failed ones.

    `expected_hash` and `expected_bytes` are the resource's `hash` and `bytes` as written in
    datapackage.json (None: absent); `listed` is the file's sha256 in SHA256SUMS. A hash that cannot be
    checked is a mismatch too (GE704), never a pass.
    """
    problems: list[Mismatch] = []
    algorithms = {"sha256"} if listed is not None else set()
    wanted: tuple[str, str] | None = None
    if expected_hash is not None:
        try:
            if not isinstance(expected_hash, str):
                raise HashNotation(f"a hash is a string, not {type(expected_hash).__name__}")
            wanted = parse_hash(expected_hash)
            algorithms.add(wanted[0])
        except HashNotation as exc:
            problems.append(
                Mismatch("GE704", "hash", str(exc), "algorithm:hex", repr(expected_hash))
            )
    if expected_bytes is not None and (
        isinstance(expected_bytes, bool)
        or not isinstance(expected_bytes, int)
        or expected_bytes < 0
    ):
        problems.append(
            Mismatch(
                "GE704", "bytes", "bytes is a whole number >= 0", "an integer", repr(expected_bytes)
            )
        )
        expected_bytes = None
    hashers = {a: hashlib.new(a) for a in sorted(algorithms)}
    size = 0
    for block in blocks(handle, name, max_bytes):
        size += len(block)
        for hasher in hashers.values():
            hasher.update(block)
    actual = {a: h.hexdigest() for a, h in hashers.items()}
    if wanted is not None and actual[wanted[0]] != wanted[1]:
        algorithm, digest = wanted
        problems.append(
            Mismatch(
                "GE701",
                "hash",
                f"{name} has {algorithm} {actual[algorithm]}, datapackage.json says {digest}: "
                "the file changed after the release was built",
                str(expected_hash),
                f"{algorithm}:{actual[algorithm]}",
            )
        )
    if isinstance(expected_bytes, int) and expected_bytes != size:
        problems.append(
            Mismatch(
                "GE702",
                "bytes",
                f"{name} has {size} bytes, datapackage.json says {expected_bytes}",
                str(expected_bytes),
                str(size),
            )
        )
    if listed is not None and listed != actual["sha256"]:
        problems.append(
            Mismatch(
                "GE705",
                "SHA256SUMS",
                f"{name} has sha256 {actual['sha256']}, SHA256SUMS says {listed}: the file "
                "changed after the release was built",
                listed,
                actual["sha256"],
            )
        )
    return problems
