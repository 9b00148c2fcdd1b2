"""Small pyarrow helpers every engine's checks share: masks, rows of a mask, cells as text."""

from __future__ import annotations

from functools import cache
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from grounded_events._schema.tables import LIST_SEPARATOR


def no_null_lists(values: pa.Array) -> pa.Array:
    """A list column with empty lists for nulls (pc.fill_null is slow on lists)."""
    if not values.null_count:
        return values
    # dropping the validity bitmap turns a null into an empty list when its slot is empty
    fixed = pa.ListArray.from_arrays(values.offsets, values.values).cast(values.type)
    leftover = pc.and_(pc.is_null(values), pc.greater(pc.list_value_length(fixed), 0))
    if pc.any(leftover).as_py():
        return pc.if_else(pc.is_null(values), pa.scalar([], values.type), values)
    return fixed


def known(mask: pa.Array) -> pa.Array:
    """True where `mask` is true; null counts as false (fill_null is slow on booleans)."""
    if not mask.null_count:
        return mask
    return pc.and_kleene(mask, pc.is_valid(mask))


@cache
def false(n: int) -> pa.Array:
    """n falses (one array per length, made once)."""
    return pa.repeat(False, n)


@cache
def value_set(values: tuple[str, ...]) -> pa.Array:
    """Texts as an Arrow array for pc.is_in (made once per tuple)."""
    return pa.array(values, pa.string())


def mask_rows(mask: pa.Array, limit: int | None = None) -> list[int]:
    """The rows where `mask` is true: the first `limit` of them when a limit is given."""
    rows = pc.indices_nonzero(known(mask))
    found: list[int] = (rows if limit is None else rows[:limit]).to_pylist()
    return found


def cell_text(value: Any) -> str | None:
    """A cell's value as the text an issue shows (lists joined by |, booleans true/false)."""
    if value is None:
        return None
    if isinstance(value, list):
        return LIST_SEPARATOR.join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
