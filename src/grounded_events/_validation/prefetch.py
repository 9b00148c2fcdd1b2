"""Batches read ahead by a thread while the engine checks the one before: reading overlaps checking on a second core."""

from __future__ import annotations

import queue
import threading
from collections.abc import Generator, Iterator
from typing import TypeVar

T = TypeVar("T")

# Batches read ahead: two keep the reader busy while one is checked, at two batches' memory.
DEPTH = 2
# How often a reader blocked on a full queue looks whether the checker has stopped (seconds).
_POLL = 0.1


class _End:
    """What the reader puts last: the end of the items, or the exception that ended them."""

    def __init__(self, error: BaseException | None = None) -> None:
        self.error = error


def prefetched(items: Iterator[T], depth: int = DEPTH) -> Generator[T, None, None]:
    """`items` in order, read ahead by a thread. pyarrow reads, decodes and parses without the
    GIL, so the next batch is read on the other core while this one is checked. An exception of
    the reader (a ReadProblem on line N) arrives after every item before it, as without the
    thread; when the caller stops early (max_errors), the reader stops after its current item."""
    ahead: queue.Queue[T | _End] = queue.Queue(depth)
    stop = threading.Event()

    def put(item: T | _End) -> bool:
        """Queue `item` once there is room; False if the caller stopped first."""
        while not stop.is_set():
            try:
                ahead.put(item, timeout=_POLL)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        try:
            for item in items:
                if not put(item):
                    return
            put(_End())
        except BaseException as error:  # handed to the caller, raised there in its place
            put(_End(error))

    reader = threading.Thread(target=read, name="grounded-events-reader", daemon=True)
    reader.start()
    try:
        while True:
            item = ahead.get()
            if isinstance(item, _End):
                if item.error is not None:
                    raise item.error
                return
            yield item
    finally:
        stop.set()
