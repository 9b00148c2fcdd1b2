"""Validation results: issues with their code and place, collected in order with bounded memory, and the report."""

from __future__ import annotations

import heapq
import os
import pickle
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from itertools import islice, starmap
from operator import itemgetter
from typing import IO, Any, overload


@dataclass(frozen=True, order=True, slots=True)
class Issue:
    """One problem in one file: where (file, line, field), which rule (code), expected vs actual.

    >>> issue = Issue("actors.csv", 2, "actor_type", "GE301", "not in the vocabulary", actual="army")
    >>> issue.code, issue.line, issue.field, issue.actual
    ('GE301', 2, 'actor_type', 'army')
    >>> issue.to_dict()["message"]
    'not in the vocabulary'
    """

    file: str
    line: int | None
    field: str | None
    code: str
    message: str
    expected: str | None = None
    actual: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in FIELDS}

    def as_tuple(self) -> tuple[Any, ...]:
        """The fields as a plain tuple: what a Spill stores (Issue(*t) makes it back)."""
        # not dataclasses.astuple, which deep-copies; and a dataclass with slots pickles
        # field by field, ten times slower than a tuple
        return (
            self.file,
            self.line,
            self.field,
            self.code,
            self.message,
            self.expected,
            self.actual,
        )


FIELDS = tuple(f.name for f in fields(Issue))

# Issues an IssueList keeps in memory (an issue takes about 400 bytes); the others are on disk
# in pickled chunks of CHUNK_ISSUES.
HELD_ISSUES = 32_768
CHUNK_ISSUES = 1_024


class Spill:
    """Lists of plain values pickled one after another to an unnamed temporary file, read back
    one list at a time: how issues past what memory holds wait on disk."""

    def __init__(self) -> None:
        self._file: IO[bytes] | None = None

    def write(self, chunk: list[Any]) -> int:
        """Append one list; returns where it starts."""
        if self._file is None:
            # unnamed: the OS removes it when it is closed, collected, or the process ends
            self._file = tempfile.TemporaryFile()  # noqa: SIM115
        start = self._file.seek(0, os.SEEK_END)
        pickle.dump(chunk, self._file, pickle.HIGHEST_PROTOCOL)
        return start

    def end(self) -> int:
        """Where the next list will start."""
        return 0 if self._file is None else self._file.seek(0, os.SEEK_END)

    def read(self, start: int) -> tuple[list[Any], int]:
        """The list at `start`, and where the next one starts."""
        assert self._file is not None
        self._file.seek(start)
        chunk = pickle.load(self._file)
        return chunk, self._file.tell()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


class IssueList(Sequence[Issue]):
    """The errors of a report: a list of Issues whose memory stays bounded. At most
    HELD_ISSUES are held at a time; the earlier ones go to a temporary file in chunks, read
    back one chunk at a time when iterated or indexed. It equals a list of the same issues."""

    def __init__(self, issues: Iterable[Issue] = ()) -> None:
        self._held: list[tuple[Any, ...]] = []  # as Issue.as_tuple(): what goes to disk
        self._spill = Spill()
        self._chunks: list[int] = []  # where each chunk on disk starts, in order
        self._chunk = min(CHUNK_ISSUES, HELD_ISSUES)  # issues in each chunk on disk
        self._codes: set[str] = set()  # the codes of the issues on disk
        self.extend(issues)

    def append(self, issue: Issue) -> None:
        self.extend_values((issue.as_tuple(),))

    def extend(self, issues: Iterable[Issue]) -> None:
        if isinstance(issues, IssueList):
            self.extend_values(issues.values())  # from disk to disk, never made Issues
        else:
            self.extend_values(issue.as_tuple() for issue in issues)

    def extend_values(self, values: Iterable[tuple[Any, ...]]) -> None:
        """Append issues given as Issue.as_tuple(): a stream of millions is never made Issues."""
        held, limit = self._held, HELD_ISSUES
        for value in values:
            held.append(value)
            if len(held) >= limit:
                self._spill_held()
                held = self._held

    def __iadd__(self, issues: Iterable[Issue]) -> IssueList:
        self.extend(issues)
        return self

    def _spill_held(self) -> None:
        size = self._chunk
        whole = len(self._held) // size * size
        self._codes.update(map(itemgetter(3), self._held[:whole]))
        for i in range(0, whole, size):
            self._chunks.append(self._spill.write(self._held[i : i + size]))
        self._held = self._held[whole:]

    def _chunk_at(self, index: int) -> list[tuple[Any, ...]]:
        return self._spill.read(self._chunks[index])[0]

    def __len__(self) -> int:
        return len(self._chunks) * self._chunk + len(self._held)

    def values(self) -> Iterator[tuple[Any, ...]]:
        """Each issue as Issue.as_tuple(), in order, read from disk one chunk at a time."""
        for index in range(len(self._chunks)):
            yield from self._chunk_at(index)
        yield from list(self._held)

    def __iter__(self) -> Iterator[Issue]:
        return starmap(Issue, self.values())

    @overload
    def __getitem__(self, index: int) -> Issue: ...
    @overload
    def __getitem__(self, index: slice) -> IssueList: ...
    def __getitem__(self, index: int | slice) -> Issue | IssueList:
        if isinstance(index, slice):
            picked = range(len(self))[index]
            if picked.step == 1:
                return IssueList(islice(self, picked.start, picked.stop))
            return IssueList(self[i] for i in picked)
        n = len(self)
        if index < 0:
            index += n
        if not 0 <= index < n:
            raise IndexError("issue index out of range")
        on_disk = len(self._chunks) * self._chunk
        if index >= on_disk:
            return Issue(*self._held[index - on_disk])
        return Issue(*self._chunk_at(index // self._chunk)[index % self._chunk])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, IssueList | list):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]  # mutable, as a list

    def __add__(self, other: Iterable[Issue]) -> IssueList:
        joined = IssueList(self)
        joined.extend(other)
        return joined

    def __repr__(self) -> str:
        return f"IssueList({list(self)!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return IssueList, (list(self),)

    @property
    def codes(self) -> set[str]:
        """The codes of the issues, without reading them back from disk."""
        return self._codes | {values[3] for values in self._held}

    def on_disk(self) -> int:
        """How many of the issues wait in the temporary file rather than in memory."""
        return len(self._chunks) * self._chunk

    def close(self) -> None:
        """Drop every issue and remove the temporary file now, not when collected."""
        self._spill.close()
        self._held, self._chunks, self._codes = [], [], set()


Ordered = tuple[int, int, Issue]  # (line, column order, issue): how issues are sorted
Values = tuple[int, int, tuple[Any, ...]]  # (line, column order, Issue.as_tuple()): as held

# Issues a table holds in memory before a sorted run of them is written to a temporary file
# (an issue takes about 400 bytes), and issues per pickled chunk of a run (in a Spill).
SPILL_ISSUES = 16_384
RUN_CHUNK = 1_024
# Runs on disk of one level merged into one run of the next when there are this many: the
# final merge holds a chunk of fewer than this many per level (log base MERGE_RUNS of the runs).
MERGE_RUNS = 32


def _position(item: Ordered | Values) -> tuple[int, int]:
    return item[0], item[1]


class OrderedIssues:
    """The issues of one table, given back sorted by line then column order: at most
    SPILL_ISSUES are held in memory, the others wait on disk in sorted runs, merged as they
    grow. What every engine (columnar, rows, dask) collects a table's issues in."""

    def __init__(self) -> None:
        # (line, column order, Issue.as_tuple()) of the issues held in memory; the others are
        # in sorted runs on disk, so memory stays flat however many errors a table has
        self.held: list[Values] = []
        self.count = 0
        self._spill = Spill()
        # (start, end) offsets in _spill of each sorted run, and how many merges made it
        self.runs: list[tuple[int, int, int]] = []

    def keep(self, item: Ordered) -> None:
        """Hold one issue to report; past SPILL_ISSUES held, they go to disk as a sorted run."""
        line, order, issue = item
        self.hold((line, order, issue.as_tuple()))

    def hold(self, item: Values) -> None:
        """Hold one issue given as (line, column order, Issue.as_tuple())."""
        self.held.append(item)
        self.count += 1
        if len(self.held) >= SPILL_ISSUES:
            self._spill_held()

    def _spill_held(self) -> None:
        """Write the issues held, sorted, as a run of pickled chunks to the spill file; past
        MERGE_RUNS runs, merge them into one, so a merge holds a chunk of at most that many."""
        self.held.sort(key=_position)
        self._write_run(self.held, 0)
        self.held = []
        # as a binary counter's carries, in base MERGE_RUNS: each issue is rewritten once per
        # level, and the levels are non-increasing along the runs, so the last MERGE_RUNS are
        # of one level when the first of them is of the level of the last
        level = 0
        while len(self.runs) >= MERGE_RUNS and self.runs[-MERGE_RUNS][2] == level:
            runs, self.runs = self.runs[-MERGE_RUNS:], self.runs[:-MERGE_RUNS]
            level += 1
            merged = heapq.merge(*(self._run(s, e) for s, e, _ in runs), key=_position)
            self._write_run(merged, level)

    def _write_run(self, items: Iterable[Values], level: int) -> None:
        start = self._spill.end()
        items = iter(items)
        while chunk := list(islice(items, RUN_CHUNK)):
            self._spill.write(chunk)
        self.runs.append((start, self._spill.end(), level))

    def _run(self, start: int, end: int) -> Iterator[Values]:
        while start < end:
            chunk, start = self._spill.read(start)
            yield from chunk

    def ordered_values(self) -> Iterator[Values]:
        """Every issue as (line, column order, Issue.as_tuple()), sorted by line then column;
        issues at the same place keep the order they were found in (runs merge in the order
        written). Streamed from the runs on disk: none of them is kept afterwards."""
        held = sorted(self.held, key=_position)
        runs, self.held, self.runs = self.runs, [], []
        try:
            spilled = (self._run(s, e) for s, e, _ in runs)
            yield from heapq.merge(*spilled, held, key=_position)
        finally:
            self._spill.close()

    def ordered_issues(self) -> Iterator[Ordered]:
        """Every issue as (line, column order, issue), as ordered_values."""
        return ((line, order, Issue(*values)) for line, order, values in self.ordered_values())

    def sorted_values(self) -> Iterator[tuple[Any, ...]]:
        """Every issue's Issue.as_tuple(), sorted, streamed: what IssueList.extend_values
        takes, without making an Issue of each of a table's millions."""
        return (values for _, _, values in self.ordered_values())

    def sorted_issues(self) -> Iterator[Issue]:
        """Every issue, sorted, streamed."""
        return starmap(Issue, self.sorted_values())


@dataclass
class Report:
    """Everything found in one validation run; `ok` when there is no error.

    `errors` is an IssueList: it behaves as a list of Issues (iterate it, len, index, slice,
    compare it with a list, list(report.errors)), and however many errors a run finds, at
    most HELD_ISSUES (32,768) stay in memory; the others wait in an unnamed temporary file,
    gone when the report is closed or collected. Assigning a list to `errors` makes one of it.

    >>> report = Report(errors=[Issue("actors.csv", 2, "actor_type", "GE301", "not a code")])
    >>> report.ok, report.codes, len(report.errors)
    (False, {'GE301'}, 1)
    >>> Report().ok
    True
    """

    errors: IssueList = field(default_factory=IssueList)
    files: list[str] = field(default_factory=list)
    truncated: bool = False
    skipped: list[str] = field(default_factory=list)  # not grounded-events data (skip_foreign)

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "errors" and not isinstance(value, IssueList):
            value = IssueList(value)
        object.__setattr__(self, name, value)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def codes(self) -> set[str]:
        return self.errors.codes

    def close(self) -> None:
        """Remove the temporary file of the errors now (else when the report is collected)."""
        self.errors.close()
