"""The floor: every rule, vectorised on both cores, by pyarrow.compute in batches and by polars."""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from functools import cache
from pathlib import Path
from typing import cast

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from generate import COLUMNS, LIST_COLUMNS, arrow_schema
from grounded_events._schema.models import SLUG
from grounded_events._schema.tables import COUNT_COLUMNS, COUNTS
from grounded_events._schema.vocab import (
    ACLED_EVENT_TYPES,
    CROSSWALK,
    CROSSWALK_COLUMNS,
    AttributionStatus,
    DateBasis,
    DatePrecision,
    EventSubtype,
    EventType,
    Gazetteer,
    GeoPrecision,
    Weapon,
)

REQUIRED = (
    "event_id",
    "doc_id",
    "event_type",
    "event_subtype",
    "is_aggregate",
    "date_start",
    "date_end",
    "date_precision",
    "date_basis",
    "summary",
    *LIST_COLUMNS,
)
VOCABULARIES = {
    "event_type": EventType,
    "event_subtype": EventSubtype,
    "date_precision": DatePrecision,
    "date_basis": DateBasis,
    "geo_precision": GeoPrecision,
    "gazetteer": Gazetteer,
    "initiator_attribution": AttributionStatus,
}
SLUG_COLUMNS = ("event_id", "doc_id", "initiator")
SLUG_LISTS = ("attributed_by", "target", "claimed_by")
TEXT_COLUMNS = ("time_of_day", "location_name", "summary")
MAX_COUNT = 10_000_000
BOX_TOLERANCE = 0.1  # degrees around a Natural Earth bounding box
BATCH_ROWS = 100_000
TEXT_BLOCK = 1 << 20
THREADS = os.cpu_count() or 1  # batches checked at once: pyarrow.compute releases the GIL

Found = list[tuple[np.ndarray, str, str]]  # (0-based rows, column, kind)
Boxes = dict[str, list[tuple[float, float, float, float]]]  # min lon, min lat, max lon, max lat


@cache
def reference() -> dict[str, object]:
    """Code lists the checks compare against: pycountry codes and country boxes."""
    import country_bounding_boxes as cbb
    import pycountry

    countries = sorted(pycountry.countries, key=lambda c: c.alpha_3)
    boxes: Boxes = {}
    for c in countries:
        found = [tuple(s.bbox) for s in cbb.country_subunits_by_iso_code(c.alpha_3)]
        if found:
            boxes[c.alpha_3] = found
    return {
        "alpha3": pa.array([c.alpha_3 for c in countries]),
        "alpha2": pa.array([c.alpha_2 for c in countries]),
        "subdivisions": pa.array(sorted(s.code for s in pycountry.subdivisions)),
        "boxes": boxes,
    }


def batches(path: Path, fmt: str) -> Iterator[pa.RecordBatch]:
    """Batches of about BATCH_ROWS rows, in the generator's Arrow schema (lists as lists)."""
    # Text readers decode small blocks (their read-ahead grows with the block size, and with
    # it the peak memory); checks run on merged batches so their per-call cost stays low.
    pending: list[pa.RecordBatch] = []
    rows = 0
    for batch in _read(path, fmt):
        pending.append(batch)
        rows += batch.num_rows
        if rows >= BATCH_ROWS:
            yield pa.Table.from_batches(pending).combine_chunks().to_batches()[0]
            pending, rows = [], 0
    if rows:
        yield pa.Table.from_batches(pending).combine_chunks().to_batches()[0]


def _read(path: Path, fmt: str) -> Iterator[pa.RecordBatch]:
    schema = arrow_schema()
    if fmt == "parquet":
        import pyarrow.parquet as pq

        yield from pq.ParquetFile(path, pre_buffer=False).iter_batches(batch_size=BATCH_ROWS)
    elif fmt == "csv":
        import pyarrow.csv as pacsv

        types = {f.name: (pa.string() if f.name in LIST_COLUMNS else f.type) for f in schema}
        reader = pacsv.open_csv(
            path,
            read_options=pacsv.ReadOptions(block_size=TEXT_BLOCK),
            convert_options=pacsv.ConvertOptions(
                column_types=types,
                strings_can_be_null=True,
                null_values=[""],
                true_values=["true"],
                false_values=["false"],
                include_columns=list(COLUMNS),
            ),
        )
        for batch in reader:
            arrays = []
            for name in COLUMNS:
                column = batch.column(name)
                if name in LIST_COLUMNS:
                    split = pc.split_pattern(pc.fill_null(column, ""), "|")
                    # An empty cell is an empty list, not a list holding "".
                    column = pc.if_else(
                        pc.equal(pc.fill_null(column, ""), ""), _empty(len(column)), split
                    )
                arrays.append(column)
            yield pa.RecordBatch.from_arrays(arrays, schema=schema)
    elif fmt == "jsonl":
        import pyarrow.json as pajson

        reader = pajson.open_json(
            path,
            read_options=pajson.ReadOptions(block_size=TEXT_BLOCK),
            parse_options=pajson.ParseOptions(explicit_schema=schema),
        )
        for batch in reader:
            yield batch.select(list(COLUMNS))
    else:
        raise ValueError(f"unknown format {fmt!r}: expected parquet, csv or jsonl")


def _empty(n: int) -> pa.Array:
    return pa.ListArray.from_arrays(pa.array(np.zeros(n + 1, np.int32)), pa.array([], pa.string()))


def _rows(mask: pa.Array) -> np.ndarray:
    rows: np.ndarray = pc.indices_nonzero(pc.fill_null(mask, False)).to_numpy()
    return rows


def _list_rows(column: pa.Array, item_bad: pa.Array) -> np.ndarray:
    parents = pc.list_parent_indices(column)
    return np.unique(pc.filter(parents, pc.fill_null(item_bad, False)).to_numpy())


def _bad_slug(values: pa.Array) -> pa.Array:
    return pc.or_(
        pc.invert(pc.match_substring_regex(values, SLUG)), pc.greater(pc.utf8_length(values), 120)
    )


def _date(values: pa.Array) -> tuple[pa.Array, pa.Array]:
    """(days since epoch or null, unparsable) for ISO date strings; rejects 2023-02-30 too."""
    # A date column holds few distinct values: parse each once.
    encoded = pc.dictionary_encode(values)
    days, bad = _parse_dates(encoded.dictionary)
    return pc.take(days, encoded.indices), pc.take(bad, encoded.indices)


def _parse_dates(values: pa.Array) -> tuple[pa.Array, pa.Array]:
    parsed = pc.strptime(values, format="%Y-%m-%d", unit="s", error_is_null=True)
    same = pc.equal(pc.strftime(parsed, format="%Y-%m-%d"), values)
    ok = pc.fill_null(same, False)
    days = pc.if_else(
        ok, pc.cast(pc.cast(parsed, pa.date32()), pa.int32()), pa.scalar(None, pa.int32())
    )
    return days, pc.and_(pc.is_valid(values), pc.invert(ok))


def check_batch(batch: pa.RecordBatch) -> Found:
    """Every rule on one batch; rows are 0-based within the batch."""
    ref = reference()
    out: Found = []
    col = {name: batch.column(name) for name in COLUMNS}
    for name in REQUIRED:
        out.append((_rows(pc.is_null(col[name])), name, "required"))
    for name, vocab in VOCABULARIES.items():
        bad = pc.invert(pc.is_in(col[name], pa.array([str(v) for v in vocab])))
        out.append((_rows(pc.and_(pc.is_valid(col[name]), bad)), name, "vocabulary"))
    items = pc.list_flatten(col["weapons"])
    out.append(
        (
            _list_rows(
                col["weapons"], pc.invert(pc.is_in(items, pa.array([str(w) for w in Weapon])))
            ),
            "weapons",
            "vocabulary",
        )
    )
    for name in SLUG_COLUMNS:
        out.append((_rows(_bad_slug(col[name])), name, "pattern"))
    for name in SLUG_LISTS:
        out.append((_list_rows(col[name], _bad_slug(pc.list_flatten(col[name]))), name, "pattern"))
    out.append(
        (_rows(pc.invert(pc.is_in(col["country_iso3"], ref["alpha3"]))), "country_iso3", "pattern")
    )
    out.append(
        (
            _rows(pc.invert(pc.is_in(col["admin1_code"], ref["subdivisions"]))),
            "admin1_code",
            "pattern",
        )
    )
    for name in TEXT_COLUMNS:
        length = pc.utf8_length(col[name])
        out.append((_rows(pc.or_(pc.less(length, 1), pc.greater(length, 10_000))), name, "length"))
    for name, limit in (("latitude", 90), ("longitude", 180)):
        out.append((_rows(pc.greater(pc.abs(col[name]), limit)), name, "range"))
    for name in COUNT_COLUMNS:
        out.append(
            (_rows(pc.or_(pc.less(col[name], 0), pc.greater(col[name], MAX_COUNT))), name, "range")
        )

    start, bad_start = _date(col["date_start"])
    end, bad_end = _date(col["date_end"])
    out.append((_rows(bad_start), "date_start", "type"))
    out.append((_rows(bad_end), "date_end", "type"))
    out.append((_rows(pc.less(end, start)), "date_end", "date_order"))
    aggregate = pc.fill_null(col["is_aggregate"], False)
    wrong = pc.and_(pc.invert(aggregate), _precision_wrong(col["date_precision"], start, end))
    out.append((_rows(wrong), "date_precision", "date_precision"))

    for what in COUNTS:
        low, best, high = (col[f"{what}_{e}"] for e in ("low", "best", "high"))
        out.append((_rows(pc.greater(low, best)), f"{what}_low", "count_order"))
        out.append((_rows(pc.greater(best, high)), f"{what}_high", "count_order"))
        out.append(
            (_rows(pc.and_(pc.is_null(best), pc.greater(low, high))), f"{what}_low", "count_order")
        )

    out.append(
        (
            _rows(_outside(col["country_iso3"], col["latitude"], col["longitude"])),
            "latitude",
            "outside_country",
        )
    )
    alpha2 = pc.take(ref["alpha2"], pc.index_in(col["country_iso3"], ref["alpha3"]))
    prefix = pc.utf8_slice_codeunits(col["admin1_code"], 0, 2)
    out.append((_rows(pc.not_equal(prefix, alpha2)), "admin1_code", "admin1_country"))
    half = pc.not_equal(pc.is_valid(col["latitude"]), pc.is_valid(col["longitude"]))
    out.append((_rows(half), "longitude", "half_coordinates"))
    by = pc.fill_null(pc.list_value_length(col["attributed_by"]), 0)
    unattributed = pc.equal(col["initiator_attribution"], str(AttributionStatus.UNATTRIBUTED))
    out.append(
        (
            _rows(pc.and_(unattributed, pc.greater(by, 0))),
            "attributed_by",
            "attributor_without_attribution",
        )
    )
    out.append(
        (
            _rows(_acled_pair_wrong(col["acled_event_type"], col["acled_sub_event_type"])),
            "acled_sub_event_type",
            "acled_pair",
        )
    )
    alleged = pc.equal(col["initiator_attribution"], str(AttributionStatus.ALLEGED))
    no_by = pc.equal(pc.fill_null(pc.list_value_length(col["attributed_by"]), 0), 0)
    out.append((_rows(pc.and_(alleged, no_by)), "attributed_by", "alleged_without_attributed_by"))

    subtypes = list(EventSubtype)
    index = pc.index_in(col["event_subtype"], pa.array([str(s) for s in subtypes]))
    for name in ("event_type", *CROSSWALK_COLUMNS):
        values = [getattr(CROSSWALK[s], name) for s in subtypes]
        expected = pc.take(
            pa.array([None if v is None else str(v) for v in values], pa.string()), index
        )
        actual = col[name]
        both = pc.and_(pc.is_valid(expected), pc.is_valid(actual))
        differ = pc.if_else(
            both, pc.not_equal(expected, actual), pc.xor(pc.is_valid(expected), pc.is_valid(actual))
        )
        out.append((_rows(pc.and_(pc.is_valid(index), differ)), name, "crosswalk"))
    return out


def _precision_wrong(precision: pa.Array, start: pa.Array, end: pa.Array) -> pa.Array:
    span = pc.subtract(end, start)
    s_date, e_date = pc.cast(start, pa.date32()), pc.cast(end, pa.date32())
    after = pc.cast(pc.cast(pc.add(end, 1), pa.int32()), pa.date32())
    month_like = pc.and_(
        pc.and_(pc.equal(pc.day(s_date), 1), pc.equal(pc.day(after), 1)),
        pc.and_(
            pc.equal(pc.month(s_date), pc.month(e_date)), pc.equal(pc.year(s_date), pc.year(e_date))
        ),
    )
    year_like = pc.and_(
        pc.and_(pc.equal(pc.day_of_year(s_date), 1), pc.equal(pc.day_of_year(after), 1)),
        pc.equal(pc.year(s_date), pc.year(e_date)),
    )
    ok = pc.case_when(
        pc.make_struct(
            pc.equal(precision, "day"),
            pc.equal(precision, "days"),
            pc.equal(precision, "week"),
            pc.equal(precision, "month"),
            pc.equal(precision, "year"),
            pc.equal(precision, "range"),
        ),
        pc.equal(span, 0),
        pc.and_(pc.greater_equal(span, 1), pc.less_equal(span, 5)),
        pc.equal(span, 6),
        month_like,
        year_like,
        pc.and_(pc.greater_equal(span, 7), pc.invert(pc.or_(month_like, year_like))),
    )
    # Only where both dates are valid, in order, and the precision is a known value.
    return pc.and_(pc.greater_equal(span, 0), pc.invert(ok))


def _acled_pair_wrong(kind: pa.Array, sub: pa.Array) -> pa.Array:
    kinds = pa.array(list(ACLED_EVENT_TYPES))
    pairs = pa.array([f"{k}\x1f{s}" for k, subs in ACLED_EVENT_TYPES.items() for s in subs])
    unknown_kind = pc.and_(pc.is_valid(kind), pc.invert(pc.is_in(kind, kinds)))
    orphan = pc.and_(pc.is_null(kind), pc.is_valid(sub))
    joined = pc.binary_join_element_wise(kind, sub, "\x1f")
    bad_pair = pc.and_(pc.is_valid(joined), pc.invert(pc.is_in(joined, pairs)))
    return pc.or_(pc.or_(unknown_kind, orphan), bad_pair)


def _outside(country: pa.Array, lat: pa.Array, lon: pa.Array) -> pa.Array:
    boxes = cast(Boxes, reference()["boxes"])
    inside = pa.nulls(len(country), pa.bool_())
    for code in pc.unique(country).to_pylist():
        if code not in boxes:
            continue
        here = pc.equal(country, code)
        hit = pa.array(np.zeros(len(country), bool))
        for min_lon, min_lat, max_lon, max_lat in boxes[code]:
            t = BOX_TOLERANCE
            box = pc.and_(
                pc.and_(pc.greater_equal(lat, min_lat - t), pc.less_equal(lat, max_lat + t)),
                pc.and_(pc.greater_equal(lon, min_lon - t), pc.less_equal(lon, max_lon + t)),
            )
            hit = pc.or_(hit, box)
        inside = pc.if_else(here, hit, inside)
    return pc.invert(inside)


def _checked(path: Path, fmt: str) -> Iterator[tuple[pa.RecordBatch, Found]]:
    """Each batch with its errors, in order; THREADS batches are checked while the next is read."""
    reference()  # built once, before the threads share it
    pending: deque[tuple[pa.RecordBatch, Future[Found]]] = deque()
    with ThreadPoolExecutor(THREADS) as pool:
        for batch in batches(path, fmt):
            pending.append((batch, pool.submit(check_batch, batch)))
            if len(pending) > THREADS:
                done, future = pending.popleft()
                yield done, future.result()
        while pending:
            done, future = pending.popleft()
            yield done, future.result()


def check(path: Path, fmt: str, limit: int | None = None) -> list[tuple[int, str, str]]:
    """All errors of the file as (row 1-based, column, kind), sorted (pyarrow; `limit` unused)."""
    import pandas as pd

    found: list[tuple[np.ndarray, str, str]] = []
    hashes: list[np.ndarray] = []
    offset = 0
    for batch, errors in _checked(path, fmt):
        for rows, name, kind in errors:
            if len(rows):
                found.append((rows + offset + 1, name, kind))
        ids = batch.column("event_id").to_numpy(zero_copy_only=False)
        # Uniqueness keeps a 64-bit hash per row (8 bytes a row); a collision, about 3e-6 likely at
        # 10M rows, would report a false duplicate.
        hashes.append(pd.util.hash_array(ids, categorize=False))
        offset += batch.num_rows
    if hashes:
        every = np.concatenate(hashes)
        order = np.argsort(every, kind="stable")
        later = order[1:][every[order[1:]] == every[order[:-1]]]
        found.append((np.sort(later) + 1, "event_id", "duplicate_id"))
    out = [(int(r), name, kind) for rows, name, kind in found for r in rows]
    return sorted(set(out))


def polars_check(path: Path, fmt: str, limit: int | None = None) -> list[tuple[int, str, str]]:
    """The polars peer's rules plus the code lists and country boxes, one lazy query on all cores."""
    import polars as pl

    from polars_peer import column_rules, row_rules, scan

    ref = reference()
    alpha3, codes2, subdivisions = (
        cast(pa.Array, ref[k]) for k in ("alpha3", "alpha2", "subdivisions")
    )
    alpha2 = dict(zip(alpha3.to_pylist(), codes2.to_pylist(), strict=True))
    country, admin1 = pl.col("country_iso3"), pl.col("admin1_code")
    rules = column_rules() + row_rules()
    rules += [
        ("country_iso3", "pattern", ~country.is_in(list(alpha2))),
        ("admin1_code", "pattern", ~admin1.is_in(subdivisions.to_pylist())),
        (
            "admin1_code",
            "admin1_country",
            admin1.str.slice(0, 2) != country.replace_strict(alpha2, default=None),
        ),
    ]
    frame = scan(path, fmt).with_row_index("row", offset=1)
    flags = frame.select(
        "row", *(bad.fill_null(False).alias(str(i)) for i, (_, _, bad) in enumerate(rules))
    ).filter(pl.any_horizontal(pl.exclude("row")))
    boxes = pl.LazyFrame(
        [(code, *box) for code, found in cast(Boxes, ref["boxes"]).items() for box in found],
        schema=["country_iso3", "x0", "y0", "x1", "y1"],
        orient="row",
    )
    t = BOX_TOLERANCE
    lat, lon = pl.col("latitude"), pl.col("longitude")
    hit = lat.is_between(pl.col("y0") - t, pl.col("y1") + t)
    hit &= lon.is_between(pl.col("x0") - t, pl.col("x1") + t)
    outside = (
        frame.select("row", "country_iso3", "latitude", "longitude")
        .drop_nulls()
        .join(boxes, on="country_iso3")
        .group_by("row")
        .agg(hit.any().alias("inside"))
        .filter(~pl.col("inside"))
    )
    flagged, away = pl.collect_all([flags, outside])
    out = [(row, "latitude", "outside_country") for row in away["row"]]
    long = flagged.unpivot(index="row").filter(pl.col("value"))
    for row, name in long.select("row", "variable").iter_rows():
        column, code = rules[int(name)][:2]
        out.append((row, column, code))
    return sorted(set(out))
