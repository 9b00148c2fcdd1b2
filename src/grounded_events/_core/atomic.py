"""Atomic writes: files renamed over their target, folders swapped in whole, under a lock."""

from __future__ import annotations

import ctypes
import errno
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no flock; builds there are not serialised
    fcntl = None  # type: ignore[assignment]

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
# The errors of a kernel, C library or file system that cannot swap two paths in one step.
_NO_EXCHANGE = {errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP}


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write data to path so that readers see the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text_atomic(path: Path, text: str) -> None:
    """Write UTF-8 text with "\\n" line ends atomically."""
    write_bytes_atomic(path, text.encode("utf-8"))


def fsync_dir(path: Path) -> None:
    """Make the names in a folder durable (its files' own data is fsynced when written)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def exclusive_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive flock on the file `path` for the block; other holders wait their turn.

    The kernel drops the lock when its holder exits or is killed, so a crash never leaves it
    held; the file is removed on release (a killed holder leaves it, for the next one to reuse).
    A waiter that wakes on a file already removed tries again on the current one.
    """
    if fcntl is None:
        yield
        return
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            held = os.fstat(fd)
            current = os.stat(path)
        except FileNotFoundError:
            os.close(fd)
            continue
        except BaseException:
            os.close(fd)
            raise
        if (held.st_dev, held.st_ino) == (current.st_dev, current.st_ino):
            break
        os.close(fd)
    try:
        yield
    finally:
        with suppress(FileNotFoundError):
            os.unlink(path)  # while still held, so no one locks it after it is gone
        os.close(fd)


def _load_renameat2() -> Callable[..., int] | None:
    """The C library's renameat2 (glibc 2.28+), or None where there is none."""
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
    function.argtypes += [ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


_renameat2 = _load_renameat2()


def exchange(a: Path, b: Path) -> None:
    """Swap the paths `a` and `b` in one atomic step (Linux renameat2 RENAME_EXCHANGE).

    OSError with ENOSYS or EINVAL where the kernel, C library or file system cannot do it,
    ENOENT when either path is missing.
    """
    if _renameat2 is None:
        raise OSError(errno.ENOSYS, "renameat2 is not available", str(a))
    code = _renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if code != 0:
        number = ctypes.get_errno()
        raise OSError(number, os.strerror(number), str(a), None, str(b))


def swap_in(new: Path, out: Path, aside: Path) -> None:
    """Put the folder `new` at `out`; the previous `out`, if any, is left at `new` to remove.

    With RENAME_EXCHANGE a complete folder is at `out` at every instant. Where the system cannot
    exchange, two renames do: `out` to `aside`, then `new` to `out`. A crash between them leaves
    no `out` but the previous folder whole at `aside`, for the next build to put back.
    """
    try:
        exchange(new, out)
        return
    except OSError as error:
        if error.errno not in _NO_EXCHANGE | {errno.ENOENT}:
            raise
    if not os.path.lexists(out):
        os.rename(new, out)  # nothing to replace: the first build
        return
    os.rename(out, aside)
    try:
        os.rename(new, out)
    except BaseException:
        os.rename(aside, out)
        raise
    os.rename(aside, new)
