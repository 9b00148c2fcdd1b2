"""Batches read ahead by a thread: the same items in the same order, errors in their place, no reader left behind."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grounded_events._validation.prefetch import prefetched


def _readers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "grounded-events-reader"]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(), max_size=50), st.integers(1, 4))
def test_the_items_come_in_order(items: list[int], depth: int) -> None:
    """Whatever the depth, the caller gets every item in the reader's order."""
    assert list(prefetched(iter(items), depth)) == items


def test_an_error_comes_after_the_items_before_it() -> None:
    """A reader's exception is raised in the caller after the items read before it."""

    def read() -> Iterator[int]:
        yield 1
        yield 2
        raise ValueError("line 3 cannot be read")

    got = []
    with pytest.raises(ValueError, match="line 3"):
        for item in prefetched(read()):
            got.append(item)
    assert got == [1, 2]


def test_a_caller_that_stops_stops_the_reader() -> None:
    """Closing the read-ahead early (max_errors reached) ends the reader thread too, though
    its items are endless."""

    def endless() -> Iterator[int]:
        n = 0
        while True:
            n += 1
            yield n

    before = len(_readers())
    items = prefetched(endless())
    assert [next(items) for _ in range(3)] == [1, 2, 3]
    items.close()
    deadline = time.monotonic() + 5
    while len(_readers()) > before and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(_readers()) == before


def test_the_next_item_is_read_while_the_caller_works() -> None:
    """While the caller holds item 0, the reader goes on to read items 1 and 2 (the depth),
    and no further until the caller takes more."""
    read: list[int] = []
    more = threading.Event()

    def reader() -> Iterator[int]:
        for n in range(10):
            read.append(n)
            if len(read) == 3:
                more.set()
            yield n

    items = prefetched(reader(), depth=2)
    assert next(items) == 0
    assert more.wait(5)  # items 1 and 2 were read without being asked for
    time.sleep(0.05)
    assert read[:4] == [0, 1, 2, 3][: len(read)] and len(read) <= 4  # the queue holds two
    assert list(items) == list(range(1, 10))
