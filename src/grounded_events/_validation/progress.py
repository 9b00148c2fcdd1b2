"""Progress on a terminal: rows done, rows/s and errors so far, on one line of stderr."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from typing import TextIO

# Inputs of up to this many batches finish too fast for a progress line to help.
QUIET_BATCHES = 3
# At most this many updates a second: redrawing costs time and flickers.
INTERVAL = 0.25


def _ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


class Progress:
    """Counts rows and errors as batches are checked; redraws one stderr line in place."""

    def __init__(self, stream: TextIO, clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.clock = clock
        self.start = clock()
        self.last: float | None = None
        self.batches = 0
        self.rows = 0
        self.errors_before = 0  # errors of the tables already finished
        self.shown = False

    @classmethod
    def for_terminal(cls, stream: TextIO | None = None) -> Progress | None:
        """A Progress when `stream` (stderr) is a terminal and not in CI; otherwise None."""
        stream = stream if stream is not None else sys.stderr
        try:
            tty = stream.isatty()
        except (AttributeError, ValueError):
            tty = False
        return cls(stream) if tty and not _ci() else None

    def batch(self, rows: int, errors: int) -> None:
        """One more batch of `rows` checked; `errors` found so far in the current table."""
        self.batches += 1
        self.rows += rows
        if self.batches <= QUIET_BATCHES:
            return
        now = self.clock()
        if self.last is not None and now - self.last < INTERVAL:
            return
        self.last = now
        rate = self.rows / max(now - self.start, 1e-9)
        total = self.errors_before + errors
        self.stream.write(
            f"\r\x1b[Kvalidating: {self.rows:,} rows, {rate:,.0f} rows/s, "
            f"{total:,} error{'s' if total != 1 else ''} so far"
        )
        self.stream.flush()
        self.shown = True

    def table_done(self, errors: int) -> None:
        """A table is finished with `errors` errors."""
        self.errors_before += errors

    def close(self) -> None:
        """Clear the progress line, so that what follows starts on a clean line."""
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = False
