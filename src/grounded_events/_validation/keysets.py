"""Key sets with bounded memory: ids split by a hash into buckets, spilled to disk when large."""

from __future__ import annotations

import shutil
import tempfile
import weakref
from pathlib import Path
from typing import Protocol

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.ipc as ipc

# Buckets per key set: at the end of a table one bucket at a time is in memory, so a bucket's
# share of the rows (about 80k rows at 10M, some 15 MB while it is checked) bounds the memory.
BUCKETS = 128
# Rows kept in memory before they are appended to the buckets' files (about 32 bytes a row).
SPILL_ROWS = 1 << 18
# Rows gathered before they are split into buckets.
GATHER_ROWS = 1 << 16
_SCHEMA = pa.schema([("value", pa.string()), ("line", pa.int64()), ("place", pa.int64())])
_PRIME = np.uint64(0x100000001B3)
_MIX = np.uint64(0x9E3779B97F4A7C15)


def bucket_of(values: pa.Array, buckets: int = BUCKETS) -> np.ndarray:
    """A bucket per string, from a polynomial hash of its UTF-8 bytes (the same in any process).

    Only how evenly ids spread depends on the hash: every comparison within a bucket is exact.
    """
    n = len(values)
    if not n:
        return np.zeros(0, np.int64)
    binary = pc.fill_null(values.cast(pa.large_binary()), b"")
    offsets = np.frombuffer(binary.buffers()[1], np.int64)[binary.offset : binary.offset + n + 1]
    data_buffer = binary.buffers()[2]
    data = (
        np.frombuffer(data_buffer, np.uint8)[offsets[0] : offsets[-1]]
        if data_buffer is not None
        else np.zeros(0, np.uint8)
    )
    starts = offsets[:-1] - offsets[0]
    lengths = np.diff(offsets)
    hashes = lengths.astype(np.uint64) * _MIX
    if len(data):
        longest = int(lengths.max())
        powers = np.cumprod(np.full(longest, _PRIME, np.uint64), dtype=np.uint64)
        within = np.arange(len(data), dtype=np.int64) - np.repeat(starts, lengths)
        products = data.astype(np.uint64) * powers[within]
        nonempty = lengths > 0
        with np.errstate(over="ignore"):
            hashes[nonempty] += np.add.reduceat(products, starts[nonempty])
    with np.errstate(over="ignore"):
        mixed = hashes * _MIX
    return ((mixed >> np.uint64(40)) % np.uint64(buckets)).astype(np.int64)


class Keys(Protocol):
    """A set of ids that references are checked against."""

    def contains(self, values: pa.Array) -> pa.Array:
        """A boolean per value: whether the set holds it (null for a null value)."""
        ...


class Buckets:
    """Rows split into buckets by their first column (by default (value, line, place) rows of
    ids); in memory up to SPILL_ROWS rows, then appended to one temporary file per bucket
    (removed when this object goes). A file is open only while it is written or read: the
    bucket count costs no file descriptors. Stores of the same bucket count put equal keys in the
    same bucket: a join of two stores reads one bucket of each at a time."""

    def __init__(
        self, buckets: int = BUCKETS, spill_rows: int | None = None, schema: pa.Schema = _SCHEMA
    ) -> None:
        self.count = buckets
        self.schema = schema
        self.spill_rows = SPILL_ROWS if spill_rows is None else spill_rows
        self.parts: list[list[pa.RecordBatch]] = [[] for _ in range(buckets)]
        self.held = 0  # rows in self.parts
        self.folder: Path | None = None  # once spilled: a file of Arrow IPC messages per bucket
        self.unique: list[pa.Array] | None = None  # per bucket, once finished as a key set
        self.pending: list[pa.RecordBatch] = []
        self.pending_rows = 0

    def add(self, values: pa.Array, lines: pa.Array, places: pa.Array | None = None) -> None:
        """Add (value, line, place) rows (their order within a bucket is kept)."""
        if places is None:
            places = pa.nulls(len(values), pa.int64())
        self.add_rows(pa.record_batch([values, lines, places], schema=_SCHEMA))

    def add_rows(self, rows: pa.RecordBatch) -> None:
        """Add rows of this store's schema, bucketed by their first column (order kept)."""
        if not rows.num_rows:
            return
        # small batches (JSON lines) are gathered first: one split per GATHER_ROWS rows
        self.pending.append(rows)
        self.pending_rows += rows.num_rows
        if self.pending_rows >= GATHER_ROWS:
            self._flush()

    def _flush(self) -> None:
        if not self.pending:
            return
        rows = pa.Table.from_batches(self.pending, schema=self.schema).combine_chunks()
        self.pending, self.pending_rows = [], 0
        which = bucket_of(rows.column(0).combine_chunks(), self.count)
        order = np.argsort(which, kind="stable")
        bounds = np.searchsorted(which[order], np.arange(self.count + 1))
        taken = rows.take(pa.array(order))
        for b in range(self.count):
            if bounds[b + 1] > bounds[b]:
                self.parts[b] += taken.slice(bounds[b], bounds[b + 1] - bounds[b]).to_batches()
        self.held += rows.num_rows
        if self.held > self.spill_rows:
            self._spill()

    def _spill(self) -> None:
        """Append the rows held in memory to the buckets' files."""
        if self.folder is None:
            self.folder = Path(tempfile.mkdtemp(prefix="grounded-events-keys-"))
            weakref.finalize(self, shutil.rmtree, self.folder, True)
        for b, parts in enumerate(self.parts):
            if parts:
                rows = pa.Table.from_batches(parts, schema=self.schema).combine_chunks()
                # one encapsulated IPC message per append: the file reads as a message stream
                with open(self.folder / f"{b}.arrow", "ab") as sink:
                    for batch in rows.to_batches():
                        sink.write(batch.serialize())
        self.parts = [[] for _ in range(self.count)]
        self.held = 0

    def close(self) -> None:
        """No more rows: write what is held if the rows were spilled."""
        self._flush()
        if self.folder is not None and self.held:
            self._spill()

    def bucket(self, b: int) -> pa.Table:
        """Every row of bucket `b`, in the order added (after close)."""
        if self.folder is None:
            return pa.Table.from_batches(self.parts[b], schema=self.schema)
        path = self.folder / f"{b}.arrow"
        if not path.exists():
            return self.schema.empty_table()
        with pa.OSFile(str(path)) as source:
            messages = ipc.MessageReader.open_stream(source)
            batches = [ipc.read_record_batch(m, self.schema) for m in messages]
        return pa.Table.from_batches(batches, schema=self.schema)

    # -- as a key set ------------------------------------------------------------------------
    def keep_unique(self, b: int, values: pa.Array) -> None:
        """Keep the distinct values of bucket `b` as its part of the key set (on disk if the
        rows were spilled); called for each bucket in turn, after `bucket(b)`."""
        self.parts[b] = []
        if self.folder is None:
            if self.unique is None:
                self.unique = [pa.array([], pa.string())] * self.count
            self.unique[b] = values
            return
        schema = pa.schema([("value", pa.string())])
        with ipc.new_stream(self.folder / f"set-{b}.arrow", schema) as writer:
            writer.write_batch(pa.record_batch([values], schema=schema))
        (self.folder / f"{b}.arrow").unlink(missing_ok=True)

    def set_of(self, b: int) -> pa.Array:
        """The distinct keys of bucket `b` (after keep_unique)."""
        if self.folder is None:
            return self.unique[b] if self.unique is not None else pa.array([], pa.string())
        with ipc.open_stream(self.folder / f"set-{b}.arrow") as reader:
            return reader.read_all().column("value").combine_chunks()

    def contains(self, values: pa.Array) -> pa.Array:
        """Whether each value is in the key set, checked bucket by bucket."""
        result = np.zeros(len(values), np.bool_)
        if len(values):
            which = bucket_of(values, self.count)
            for b in np.unique(which):
                where = np.nonzero(which == b)[0]
                found = pc.is_in(values.take(pa.array(where)), value_set=self.set_of(int(b)))
                result[where] = found.to_numpy(zero_copy_only=False)
        return pc.if_else(pc.is_valid(values), pa.array(result), pa.scalar(None, pa.bool_()))


class ValueSet:
    """A small key set held as one Arrow array (the row-wise engine's, sibling tables')."""

    def __init__(self, values: pa.Array) -> None:
        self.values = values

    def contains(self, values: pa.Array) -> pa.Array:
        """Whether each value is in the set (null for a null value)."""
        found = pc.is_in(values, value_set=self.values)
        return pc.if_else(pc.is_valid(values), found, pa.scalar(None, pa.bool_()))
