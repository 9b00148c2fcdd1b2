"""Keys and references: repeated primary keys and unknown ids, checked bucket by bucket when a table ends."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from grounded_events._validation.arrays import known
from grounded_events._validation.batch import Batch
from grounded_events._validation.checker import Checker
from grounded_events._validation.keysets import Buckets, Keys
from grounded_events._validation.rules import references


def duplicates(keys: pa.Array, lines: pa.Array) -> tuple[list[tuple[int, str, int]], pa.Array]:
    """(line, key, line of its first use) of every repeated key, and the distinct keys; `keys`
    without nulls, `lines` ascending. One hash pass: the rest is integer work on the codes."""
    encoded = pc.dictionary_encode(keys)
    distinct = encoded.dictionary
    if len(distinct) == len(keys):
        return [], distinct
    codes = encoded.indices.to_numpy()
    order = np.argsort(codes, kind="stable")  # each key's uses together, in file order
    grouped = codes[order]
    starts = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]])
    first_use = np.empty(len(distinct), np.int64)
    first_use[grouped[starts]] = order[starts]
    later = np.sort(order[1:][grouped[1:] == grouped[:-1]])
    line_of = lines.to_numpy()
    found = [
        (int(line_of[p]), key, int(line_of[first_use[code]]))
        for p, code, key in zip(
            later, codes[later], distinct.take(pa.array(codes[later])).to_pylist(), strict=True
        )
    ]
    return found, distinct


def unknown_references(store: Buckets, keys: Keys | None) -> list[tuple[int, int, str]]:
    """(line, place, value) of every reference in `store` that `keys` lacks, in order."""
    store.close()
    found: list[tuple[int, int, str]] = []
    for b in range(store.count):
        bucket = store.bucket(b)
        items = bucket.column("value").combine_chunks()
        if not len(items):
            continue
        if keys is None:
            bad = pa.repeat(True, len(items))
        elif isinstance(keys, Buckets) and keys.count == store.count:
            bad = pc.invert(pc.is_in(items, value_set=keys.set_of(b)))
        else:
            bad = pc.invert(known(keys.contains(items)))
        found += zip(
            pc.filter(bucket.column("line"), bad).to_pylist(),
            pc.filter(bucket.column("place"), bad).to_pylist(),
            pc.filter(items, bad).to_pylist(),
            strict=True,
        )
    found.sort()
    return found


class KeyChecks(Checker):
    """A table's primary keys and references, gathered batch by batch, checked at its end."""

    def keys(self, batch: Batch, typed: dict[str, pa.Array], invalid: dict[str, pa.Array]) -> None:
        # Keys and their lines go into hash buckets (on disk beyond SPILL_ROWS rows) and are
        # checked one bucket at a time when the table ends: memory does not grow with the rows.
        if any(c in self.missing for c in self.primary_key):
            return
        self.keyed = True
        parts = [typed[c].cast(pa.string()) for c in self.primary_key]
        joined = parts[0] if len(parts) == 1 else pc.binary_join_element_wise(*parts, "\x1f")
        present = pc.is_valid(joined)  # an empty key is already a GE201 error
        self.key_store.add(pc.filter(joined, present), pc.filter(batch.line_array(), present))

    def finish_keys(self) -> None:
        """Report duplicate keys; publish the key set for the tables that reference this one."""
        if not self.keyed:
            return
        store = self.key_store
        store.close()
        found: list[tuple[int, str, int]] = []
        for b in range(store.count):  # one bucket in memory at a time
            bucket = store.bucket(b)
            repeated, distinct = duplicates(
                bucket.column("value").combine_chunks(), bucket.column("line").combine_chunks()
            )
            del bucket
            found += repeated
            store.keep_unique(b, distinct)
            del distinct
        for line, key, first in sorted(found):
            self.duplicate_issue(line, key, first)
        self.own_keys = store
        if len(self.primary_key) == 1:
            self.context.keys[(self.table, self.primary_key[0])] = store
            self.context.complete.add(self.table)

    def duplicate_issue(self, line: int, key: str, first: int) -> None:
        """Report a primary key seen before on line `first`."""
        shown = key.replace("\x1f", ", ")
        columns = "/".join(self.primary_key)
        self.add_at(
            line,
            self.primary_key[-1],
            "GE601",
            "a unique " + columns,
            shown,
            key_columns=columns,
            key=shown,
            first=first,
        )

    def reference_issue(self, line: int, column: str, table: str, target: str, value: str) -> None:
        """Report a reference to an id that `table` does not hold, unless the id may be on a
        line of `table` that could not be read (that line's error says it already)."""
        if self.context.maybe_unread(table, value):
            return
        unread = self.context.unread_lines(table)
        self.add_at(
            line,
            column,
            "GE602",
            f"an existing {table}.{target}",
            value,
            "" if unread is None else "unread",
            value=value,
            target=target,
            table=table,
            unread=unread,
        )

    def references(self, batch: Batch, typed: dict[str, pa.Array]) -> None:
        for column, table, target in references(self.table):
            if not self.judges((column,)):
                continue
            if table != self.table and table not in self.context.complete:
                continue  # the referenced table is not there: nothing to check against
            values = typed[column]
            lines = batch.line_array()
            if pa.types.is_list(values.type):
                items = pc.list_flatten(values)
                lines = pc.take(lines, pc.list_parent_indices(values))
            else:
                items = values
            present = pc.is_valid(items)
            items, lines = pc.filter(items, present), pc.filter(lines, present)
            # checked when the table ends, bucket by bucket against the referenced key set
            store, placed = self.ref_stores.get((column, table, target), (Buckets(), 0))
            places = pa.array(np.arange(placed, placed + len(items), dtype=np.int64))
            store.add(items, lines, places)
            self.ref_stores[(column, table, target)] = (store, placed + len(items))

    def finish_references(self) -> None:
        """Check every reference of this table."""
        for (column, table, target), (store, _) in self.ref_stores.items():
            keys = self.own_keys if table == self.table else self.context.keys.get((table, target))
            for line, _, value in unknown_references(store, keys):
                self.reference_issue(line, column, table, target, value)
        self.ref_stores.clear()
