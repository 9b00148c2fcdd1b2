"""Atomic file writes, folder swaps and the build lock."""

from __future__ import annotations

import errno
import os
import signal
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grounded_events._core import atomic as _atomic
from grounded_events._core.atomic import exchange, exclusive_lock, swap_in, write_bytes_atomic


def _no_exchange(a: Path, b: Path) -> None:
    """exchange on a file system without RENAME_EXCHANGE."""
    raise OSError(errno.EINVAL, "Invalid argument", str(a))


def test_exchange_swaps_two_folders_in_one_step(tmp_path: Path) -> None:
    """exchange swaps two paths; a missing one is FileNotFoundError and changes nothing."""
    write_bytes_atomic(tmp_path / "a" / "f", b"a")
    write_bytes_atomic(tmp_path / "b" / "f", b"b")
    exchange(tmp_path / "a", tmp_path / "b")
    assert (tmp_path / "a" / "f").read_bytes() == b"b"
    assert (tmp_path / "b" / "f").read_bytes() == b"a"
    with pytest.raises(FileNotFoundError):
        exchange(tmp_path / "a", tmp_path / "missing")
    assert (tmp_path / "a" / "f").read_bytes() == b"b"


@settings(max_examples=30, deadline=None)
@given(can_exchange=st.booleans(), previous=st.sampled_from([None, "folder", "file"]))
def test_swap_in_puts_the_new_folder_in_place(
    tmp_path_factory: pytest.TempPathFactory, can_exchange: bool, previous: str | None
) -> None:
    """With or without RENAME_EXCHANGE, whatever was there: the new folder is at `out`, the
    previous one (if any) at `new`, nothing at `aside`."""
    root = tmp_path_factory.mktemp("swap")
    new, out, aside = root / "new", root / "out", root / "aside"
    write_bytes_atomic(new / "f", b"new")
    if previous == "folder":
        write_bytes_atomic(out / "f", b"old")
    elif previous == "file":
        out.write_bytes(b"old")
    with pytest.MonkeyPatch.context() as patch:
        if not can_exchange:
            patch.setattr(_atomic, "exchange", _no_exchange)
        swap_in(new, out, aside)
    assert (out / "f").read_bytes() == b"new"
    assert not aside.exists()
    if previous is None:
        assert not new.exists()
    else:
        assert (new / "f" if previous == "folder" else new).read_bytes() == b"old"


def test_a_failed_fallback_swap_puts_the_old_folder_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without RENAME_EXCHANGE, a second rename that fails leaves the old folder at `out`."""
    write_bytes_atomic(tmp_path / "new" / "f", b"new")
    write_bytes_atomic(tmp_path / "out" / "f", b"old")
    monkeypatch.setattr(_atomic, "exchange", _no_exchange)
    rename = os.rename

    def second_fails(src: Path, dst: Path) -> None:
        if Path(src).name == "new":
            raise OSError(errno.EIO, "Input/output error")
        rename(src, dst)

    monkeypatch.setattr(os, "rename", second_fails)
    with pytest.raises(OSError, match="Input/output"):
        swap_in(tmp_path / "new", tmp_path / "out", tmp_path / "aside")
    assert (tmp_path / "out" / "f").read_bytes() == b"old"
    assert not (tmp_path / "aside").exists()


def _hammer(lock: Path, inside: Path, rounds: int, go: int | None = None) -> int:
    """In a child process: take the lock `rounds` times (once a byte arrives on the pipe `go`,
    if given); exit 1 if anyone else held it too, die by SIGALRM if stuck."""
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 1
        try:
            signal.alarm(20)
            if go is not None:
                os.read(go, 1)
            for _ in range(rounds):
                with exclusive_lock(lock):
                    os.close(os.open(inside, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
                    os.unlink(inside)
            code = 0
        finally:
            os._exit(code)
    return pid


def test_the_lock_admits_one_holder_at_a_time(tmp_path: Path) -> None:
    """Four processes taking and releasing the lock in a loop never hold it together (the lock
    file is removed on release, so a waiter must not lock a removed file), and none is left."""
    lock, inside = tmp_path / ".package.lock", tmp_path / "inside"
    children = [_hammer(lock, inside, 200) for _ in range(4)]
    codes = [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in children]
    assert codes == [0, 0, 0, 0]
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_waiter_gets_the_lock_when_the_holder_lets_go(tmp_path: Path) -> None:
    """While one holds the lock another process waits; it goes on once the lock is released."""
    lock, inside = tmp_path / ".package.lock", tmp_path / "inside"
    go, ready = os.pipe()
    waiter = _hammer(lock, inside, 1, go)  # forked before locking: it must not share our lock
    with exclusive_lock(lock):
        os.close(os.open(inside, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        os.write(ready, b"!")
        time.sleep(0.3)
        assert os.waitpid(waiter, os.WNOHANG) == (0, 0), "the waiter did not wait"
        os.unlink(inside)
    assert os.waitstatus_to_exitcode(os.waitpid(waiter, 0)[1]) == 0
    assert not lock.exists()
    os.close(go)
    os.close(ready)
