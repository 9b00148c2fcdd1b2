"""Seeded synthetic `events` rows (the current schema) as Parquet, CSV and JSONL, with known errors."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from grounded_events._core.version import SCHEMA_VERSION
from grounded_events._schema.generate import table_schema
from grounded_events._schema.tables import (
    COUNT_COLUMNS,
    COUNTS,
    LIST_SEPARATOR,
    TABLES,
    count_columns,
)
from grounded_events._schema.vocab import (
    ACLED_EVENT_TYPES,
    CAMEO_ROOTS,
    CROSSWALK,
    CROSSWALK_COLUMNS,
    PLOVER_MODES,
    AttributionStatus,
    DateBasis,
    DatePrecision,
    EventSubtype,
    EventType,
    Gazetteer,
    GeoPrecision,
    Weapon,
)

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schema" / SCHEMA_VERSION / "tables"
COLUMNS: tuple[str, ...] = TABLES["events"].columns
LIST_COLUMNS: tuple[str, ...] = TABLES["events"].list_columns
FATALITIES_BEST, FATALITIES_LOW, FATALITIES_HIGH = count_columns("fatalities")
# Countries whose every mainland point lies north of the equator, so negating a latitude leaves them.
COUNTRIES = ("IRQ", "SYR", "YEM", "AFG", "NGA", "UKR", "MLI")
CHUNK_ROWS = 100_000

# Error kinds: the rule each injected error breaks, and the columns it may be injected into.
KINDS: dict[str, tuple[str, ...]] = {
    "vocabulary": ("date_basis", "geo_precision", "gazetteer", "weapons"),
    "type": ("date_start", "date_end"),
    "required": ("doc_id", "summary", "is_aggregate"),
    "pattern": ("initiator", "target"),
    "date_order": ("date_end",),
    "date_precision": ("date_precision",),
    "count_order": (FATALITIES_LOW,),
    "outside_country": ("latitude",),
    "admin1_country": ("admin1_code",),
    "alleged_without_attributed_by": ("attributed_by",),
    "crosswalk": ("event_type", *CROSSWALK_COLUMNS),
    "duplicate_id": ("event_id",),
}
KIND_NAMES = tuple(KINDS)
# At most one kind of this group per row: each one would hide the others (a rule needs valid dates).
DATE_GROUP = ("type", "date_order", "date_precision")
BAD_DATES = ("not-a-date", "2023-13-01", "2023-02-30", "31/12/2023")


@dataclass(frozen=True)
class Geo:
    """A country the generator places events in: its codes, mainland bounding box, subdivisions."""

    iso3: str
    alpha2: str
    bbox: tuple[float, float, float, float]  # min lon, min lat, max lon, max lat
    admin1: tuple[str, ...]


@cache
def geography() -> tuple[Geo, ...]:
    """The generator's countries, from country_bounding_boxes and pycountry."""
    import re

    import country_bounding_boxes as cbb
    import pycountry

    pattern = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,3}$")
    out = []
    for iso3 in COUNTRIES:
        subunits = list(cbb.country_subunits_by_iso_code(iso3))
        box = max(
            (s.bbox for s in subunits), key=lambda b: (b[2] - b[0]) * (b[3] - b[1])
        )  # the mainland: the largest subunit
        alpha2 = pycountry.countries.get(alpha_3=iso3).alpha_2
        codes = sorted(
            s.code
            for s in pycountry.subdivisions.get(country_code=alpha2)
            if s.parent_code is None and pattern.match(s.code)
        )
        out.append(Geo(iso3, alpha2, tuple(box), tuple(codes)))
    return tuple(out)


# Table Schema type -> Arrow type of a generated column; dates are ISO strings, so that a bad
# date can be stored.
ARROW_TYPES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "date": pa.string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
    "list": pa.list_(pa.string()),
}


def arrow_schema() -> pa.Schema:
    """The Arrow schema of the generated table, from the `events` Table Schema; all nullable."""
    fields = table_schema(TABLES["events"])["fields"]
    return pa.schema([pa.field(f["name"], ARROW_TYPES[f["type"]]) for f in fields])


def _strings(values: list[str | None]) -> pa.Array:
    return pa.array(values, pa.string())


def _take(values: list[str | None], idx: np.ndarray) -> pa.Array:
    return _strings(values).take(pa.array(idx))


def _join(*parts: pa.Array | str) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def _pad(numbers: np.ndarray, width: int) -> pa.Array:
    return pc.utf8_lpad(pa.array(numbers).cast(pa.string()), width, "0")


def _lists(counts: np.ndarray, values: pa.Array) -> pa.Array:
    offsets = np.zeros(len(counts) + 1, dtype=np.int32)
    np.cumsum(counts, out=offsets[1:])
    return pa.ListArray.from_arrays(pa.array(offsets), values)


def _where(mask: np.ndarray, new: pa.Array | pa.Scalar, old: pa.Array) -> pa.Array:
    return pc.if_else(pa.array(mask), new, old)


def _choose_kinds(
    rng: np.random.Generator,
    n: int,
    local: np.ndarray,
    aggregate: np.ndarray,
    statement: np.ndarray,
) -> np.ndarray:
    """For each row to corrupt, 1 to 3 distinct error kinds (a bool matrix rows x kinds)."""
    keys = rng.random((n, len(KIND_NAMES)))
    date_cols = [KIND_NAMES.index(k) for k in DATE_GROUP]
    group = keys[:, date_cols]
    keys[:, date_cols] = np.where(group == group.min(axis=1, keepdims=True), group, np.inf)
    # The first row of a chunk has no earlier row in the chunk to duplicate.
    keys[local == 0, KIND_NAMES.index("duplicate_id")] = np.inf
    # Kept off aggregates, as when the precision rule did not apply to them.
    keys[aggregate, KIND_NAMES.index("date_precision")] = np.inf
    # A statement has no counts and no attribution (GE413): those errors go on other events.
    for kind in ("count_order", "alleged_without_attributed_by"):
        keys[statement, KIND_NAMES.index(kind)] = np.inf
    how_many = rng.choice([1, 2, 3], size=n, p=[0.7, 0.2, 0.1])
    rank = keys.argsort(axis=1).argsort(axis=1)
    return rank < how_many[:, None]


@cache
def wrong_crosswalk() -> dict[str, list[str | None]]:
    """Per crosswalk column and subtype, a value that differs from the crosswalk and breaks no
    other rule (an ACLED sub-event type stays inside its event type, a PLOVER mode inside its
    event type); None where there is none."""
    subtypes = list(EventSubtype)
    out: dict[str, list[str | None]] = {}
    for name in ("event_type", *CROSSWALK_COLUMNS):
        out[name] = []
        for s in subtypes:
            cw = CROSSWALK[s]
            expected = getattr(cw, name)
            if name == "event_type":
                options = [str(t) for t in EventType]
            elif name == "acled_event_type":
                sub = cw.acled_sub_event_type
                options = [k for k, subs in ACLED_EVENT_TYPES.items() if sub is None or sub in subs]
            elif name == "acled_sub_event_type":
                options = list(ACLED_EVENT_TYPES.get(cw.acled_event_type or "", ()))
            elif name == "plover_event_type":
                mode = cw.plover_mode
                options = [k for k, modes in PLOVER_MODES.items() if mode is None or mode in modes]
            elif name == "plover_mode":
                options = list(PLOVER_MODES.get(cw.plover_event_type or "", ()))
            else:
                options = list(CAMEO_ROOTS)
            options = sorted(o for o in options if o != expected)
            out[name].append(options[0] if options else None)
    return out


def make_chunk(
    seed: int, chunk: int, start: int, n: int, invalid_rate: float
) -> tuple[pa.Table, list[tuple[int, str, str]]]:
    """Rows start..start+n-1 (0-based) and their injected errors as (row, column, kind), row 1-based."""
    rng = np.random.default_rng([seed, chunk])
    g = np.arange(start, start + n, dtype=np.int64)
    subtypes = list(EventSubtype)
    sub = rng.integers(0, len(subtypes), n)
    cws = [CROSSWALK[s] for s in subtypes]
    etype = [str(cw.event_type) for cw in cws]
    violent = np.isin(
        np.array(etype)[sub],
        [EventType.REMOTE_VIOLENCE, EventType.ARMED_CLASH, EventType.VIOLENCE_AGAINST_CIVILIANS],
    )
    col: dict[str, pa.Array] = {}
    col["event_id"] = _join("ev-", _pad(g, 9))
    col["doc_id"] = _join("doc-", _pad(g // 7, 8))
    col["event_type"] = _take(etype, sub)
    col["event_subtype"] = _take([str(s) for s in subtypes], sub)
    is_aggregate = sub == subtypes.index(EventSubtype.MIXED_REMOTE_ATTACKS)
    col["is_aggregate"] = pa.array(is_aggregate)

    # Dates consistent with their precision.
    day0 = np.datetime64("2015-01-01", "D")
    begin = day0 + rng.integers(0, 4000, n).astype("timedelta64[D]")
    precisions = list(DatePrecision)
    prec = rng.choice(len(precisions), n, p=[0.6, 0.1, 0.05, 0.15, 0.05, 0.05])
    month = begin.astype("datetime64[M]")
    year = begin.astype("datetime64[Y]")
    not_first = np.where(begin == month.astype("datetime64[D]"), begin + 1, begin)
    starts = np.select(
        [prec == 3, prec == 4, prec == 5],
        [month.astype("datetime64[D]"), year.astype("datetime64[D]"), not_first],
        begin,
    )
    ends = np.select(
        [prec == 0, prec == 1, prec == 2, prec == 3, prec == 4],
        [
            starts,
            starts + rng.integers(1, 6, n).astype("timedelta64[D]"),
            starts + 6,
            (month + 1).astype("datetime64[D]") - 1,
            (year + 1).astype("datetime64[D]") - 1,
        ],
        starts + rng.integers(7, 120, n).astype("timedelta64[D]"),
    )
    col["date_precision"] = _take([str(p) for p in precisions], prec)
    col["date_basis"] = _take([str(b) for b in DateBasis], rng.integers(0, len(DateBasis), n))
    times = [None] * 6 + ["at dawn", "in the morning", "in the evening", "at night"]
    col["time_of_day"] = _take(times, rng.integers(0, len(times), n))

    # Places inside the mainland box of their country (10% margin), with one of its subdivisions.
    geo = geography()
    ctry = rng.integers(0, len(geo), n)
    box = np.array([gg.bbox for gg in geo])[ctry]
    u, v = rng.random(n), rng.random(n)
    lon = box[:, 0] + (0.1 + 0.8 * u) * (box[:, 2] - box[:, 0])
    lat = box[:, 1] + (0.1 + 0.8 * v) * (box[:, 3] - box[:, 1])
    lat, lon = np.round(lat, 5), np.round(lon, 5)
    admin_pick = rng.random(n)
    all_admin = [code for gg in geo for code in gg.admin1]
    first = np.cumsum([0] + [len(gg.admin1) for gg in geo])
    sizes = np.diff(first)
    admin = first[ctry] + (admin_pick * sizes[ctry]).astype(np.int64)
    col["country_iso3"] = _take([gg.iso3 for gg in geo], ctry)
    col["admin1_code"] = _take(all_admin, admin)
    col["location_name"] = _join("Place ", pa.array(rng.integers(0, 50_000, n)).cast(pa.string()))
    geo_prec = [GeoPrecision.SITE, GeoPrecision.PLACE, GeoPrecision.NEAR_PLACE, GeoPrecision.ADMIN2]
    col["geo_precision"] = _take([str(p) for p in geo_prec], rng.integers(0, len(geo_prec), n))
    gaz = rng.choice(3, n, p=[0.7, 0.2, 0.1])
    col["gazetteer"] = _take([str(z) for z in Gazetteer], gaz)
    gid = pa.array(rng.integers(100_000, 9_999_999, n)).cast(pa.string())
    col["gazetteer_id"] = pc.if_else(
        pa.array(gaz == 0), gid, pc.if_else(pa.array(gaz == 1), _join("Q", gid), pa.nulls(n))
    )

    # Actors and attribution; only violent events carry attribution and weapons.
    statuses = [str(s) for s in AttributionStatus]
    status = np.where(violent, rng.integers(0, len(statuses), n), len(statuses))
    has_initiator = status != statuses.index(AttributionStatus.UNATTRIBUTED)
    actor = _join("actor-", _pad(rng.integers(0, 5000, n), 4))
    col["initiator"] = _where(has_initiator, actor, pa.nulls(n, pa.string()))
    col["initiator_attribution"] = _take([*statuses, None], status)
    alleged = status == statuses.index(AttributionStatus.ALLEGED)
    n_by = np.where(alleged, rng.integers(1, 3, n), 0)
    col["attributed_by"] = _lists(n_by, _join("actor-", _pad(rng.integers(0, 5000, n_by.sum()), 4)))
    n_target = rng.integers(0, 3, n)
    col["target"] = _lists(
        n_target, _join("actor-", _pad(rng.integers(0, 5000, n_target.sum()), 4))
    )
    n_weapons = np.where(violent, rng.integers(0, 3, n), 0)
    weapons = [str(w) for w in Weapon]
    col["weapons"] = _lists(
        n_weapons, _take(weapons, rng.integers(0, len(weapons), n_weapons.sum()))
    )

    # Counts with low <= best <= high; about half unknown; a number of attacks only on aggregates.
    counts: dict[str, np.ndarray] = {}
    masks: dict[str, np.ndarray] = {}
    for what in COUNTS:
        best_c, low_c, high_c = count_columns(what)
        best = rng.integers(0, 60, n)
        known = (rng.random(n) < 0.5) & (np.array(etype)[sub] != EventType.STATEMENT)
        if what == "attacks":
            known &= is_aggregate
        counts[best_c] = best
        counts[low_c] = best - (rng.random(n) * (best + 1)).astype(np.int64)
        counts[high_c] = best + rng.integers(0, 20, n)
        masks[best_c] = known
        masks[low_c] = known & (rng.random(n) < 0.7)
        masks[high_c] = known & (rng.random(n) < 0.7)
    crosswalk = {
        name: [getattr(cw, name) for cw in cws] for name in ("event_type", *CROSSWALK_COLUMNS)
    }
    for name in CROSSWALK_COLUMNS:
        col[name] = _take(crosswalk[name], sub)
    col["summary"] = _join("Synthetic event ", pa.array(g).cast(pa.string()), ".")

    # Injected errors.
    truth: list[tuple[int, str, str]] = []
    bad = np.flatnonzero(rng.random(n) < invalid_rate)
    is_statement = np.array(etype)[sub] == EventType.STATEMENT
    chosen = _choose_kinds(rng, len(bad), bad, is_aggregate[bad], is_statement[bad])
    rows_of = {k: bad[chosen[:, i]] for i, k in enumerate(KIND_NAMES)}

    def target_column(kind: str, rows: np.ndarray) -> np.ndarray:
        options = KINDS[kind]
        return rng.integers(0, len(options), len(rows))

    def mask(rows: np.ndarray) -> np.ndarray:
        m = np.zeros(n, dtype=bool)
        m[rows] = True
        return m

    def record(kind: str, rows: np.ndarray, which: np.ndarray | None = None) -> None:
        picks = which if which is not None else np.zeros(len(rows), int)
        for r, w in zip(rows.tolist(), picks, strict=True):
            truth.append((start + r + 1, KINDS[kind][int(w)], kind))

    rows = rows_of["vocabulary"]
    which = target_column("vocabulary", rows)
    for i, name in enumerate(KINDS["vocabulary"]):
        m = mask(rows[which == i])
        if name == "weapons":
            bogus = pa.array([["slingshot"]] * n, pa.list_(pa.string()))
            col[name] = _where(m, bogus, col[name])
        else:
            col[name] = _where(m, pa.scalar(f"unknown_{name}"), col[name])
    record("vocabulary", rows, which)

    rows = rows_of["date_order"]
    ends[rows] = starts[rows] - rng.integers(1, 30, len(rows)).astype("timedelta64[D]")
    record("date_order", rows)
    rows = rows_of["date_precision"]
    span = (ends - starts).astype(np.int64)
    wrong = np.where(span == 0, precisions.index(DatePrecision.WEEK), 0)
    col["date_precision"] = _where(
        mask(rows), _take([str(p) for p in precisions], wrong), col["date_precision"]
    )
    record("date_precision", rows)
    col["date_start"] = pa.array(starts).cast(pa.string())
    col["date_end"] = pa.array(ends).cast(pa.string())
    rows = rows_of["type"]
    which = target_column("type", rows)
    baddates = _take(list(BAD_DATES), rng.integers(0, len(BAD_DATES), n))
    for i, name in enumerate(KINDS["type"]):
        col[name] = _where(mask(rows[which == i]), baddates, col[name])
    record("type", rows, which)

    rows = rows_of["required"]
    which = target_column("required", rows)
    for i, name in enumerate(KINDS["required"]):
        col[name] = _where(mask(rows[which == i]), pa.nulls(n, col[name].type), col[name])
    record("required", rows, which)

    rows = rows_of["count_order"]
    best = rng.integers(0, 60, len(rows))
    low = best + rng.integers(1, 10, len(rows))
    counts[FATALITIES_BEST][rows], masks[FATALITIES_BEST][rows] = best, True
    counts[FATALITIES_LOW][rows], masks[FATALITIES_LOW][rows] = low, True
    counts[FATALITIES_HIGH][rows] = low + rng.integers(0, 10, len(rows))
    record("count_order", rows)
    for name in COUNT_COLUMNS:
        col[name] = pa.array(counts[name], pa.int64(), mask=~masks[name])

    rows = rows_of["outside_country"]
    lat[rows] = -lat[rows]
    record("outside_country", rows)
    col["latitude"], col["longitude"] = pa.array(lat), pa.array(lon)

    rows = rows_of["admin1_country"]
    other = (ctry[rows] + rng.integers(1, len(geo), len(rows))) % len(geo)
    foreign = first[other] + (admin_pick[rows] * sizes[other]).astype(np.int64)
    replacement = np.zeros(n, np.int64)
    replacement[rows] = foreign
    col["admin1_code"] = _where(mask(rows), _take(all_admin, replacement), col["admin1_code"])
    record("admin1_country", rows)

    rows = rows_of["alleged_without_attributed_by"]
    m = mask(rows)
    col["initiator_attribution"] = _where(
        m, pa.scalar(str(AttributionStatus.ALLEGED)), col["initiator_attribution"]
    )
    col["initiator"] = pc.if_else(
        pa.array(m), pc.coalesce(col["initiator"], actor), col["initiator"]
    )
    empty = pa.array([[]] * n, pa.list_(pa.string()))
    col["attributed_by"] = _where(m, empty, col["attributed_by"])
    record("alleged_without_attributed_by", rows)

    rows = rows_of["pattern"]
    on_initiator = pc.is_valid(col["initiator"]).to_numpy(zero_copy_only=False)[rows]
    m_init, m_target = mask(rows[on_initiator]), mask(rows[~on_initiator])
    col["initiator"] = _where(
        m_init, _join("Actor_", pa.array(g).cast(pa.string())), col["initiator"]
    )
    col["target"] = _where(
        m_target, pa.array([["Bad Actor"]] * n, pa.list_(pa.string())), col["target"]
    )
    record("pattern", rows, np.where(on_initiator, 0, 1))

    rows = rows_of["crosswalk"]
    which = target_column("crosswalk", rows)
    wrong = wrong_crosswalk()
    # Where a column has no wrong value that breaks only the crosswalk, corrupt cameo_root instead.
    impossible = np.array(
        [[wrong[name][s] is None for s in range(len(subtypes))] for name in KINDS["crosswalk"]]
    )
    which = np.where(impossible[which, sub[rows]], KINDS["crosswalk"].index("cameo_root"), which)
    for i, name in enumerate(KINDS["crosswalk"]):
        col[name] = _where(mask(rows[which == i]), _take(wrong[name], sub), col[name])
    record("crosswalk", rows, which)

    rows = rows_of["duplicate_id"]
    is_dup = mask(rows)
    source = np.zeros(len(rows), np.int64)
    todo = np.arange(len(rows))
    while len(todo):  # an earlier row of the chunk that is not itself a copy
        source[todo] = (rng.random(len(todo)) * rows[todo]).astype(np.int64)
        todo = todo[is_dup[source[todo]]]
    copied = np.zeros(n, np.int64)
    copied[rows] = start + source
    col["event_id"] = _where(is_dup, _join("ev-", _pad(copied, 9)), col["event_id"])
    record("duplicate_id", rows)

    # A column the generator does not fill (a field added since it was written) stays empty: a
    # list column holds empty lists (what an empty CSV cell reads as), any other nulls.
    schema = arrow_schema()
    empty = {
        f.name: _lists(np.zeros(n, np.int64), pa.array([], f.type.value_type))
        for f in schema
        if pa.types.is_list(f.type)
    }
    table = pa.table(
        [col.get(f.name, empty.get(f.name, pa.nulls(n, f.type))) for f in schema], schema=schema
    )
    truth.sort()
    return table, truth


def chunks(
    rows: int, seed: int, invalid_rate: float, chunk_rows: int = CHUNK_ROWS
) -> Iterator[tuple[pa.Table, list[tuple[int, str, str]]]]:
    """The table in chunks of `chunk_rows`, each with its ground truth."""
    for index, begin in enumerate(range(0, rows, chunk_rows)):
        yield make_chunk(seed, index, begin, min(chunk_rows, rows - begin), invalid_rate)


def csv_table(table: pa.Table) -> pa.Table:
    """The table as the data package writes it to CSV: list items joined with `|`."""
    for name in LIST_COLUMNS:
        i = table.schema.get_field_index(name)
        table = table.set_column(i, name, pc.binary_join(table[name], LIST_SEPARATOR))
    return table


def jsonl_bytes(table: pa.Table) -> bytes:
    """One JSON object per row, keys in column order, "\\n" line ends."""
    import polars as pl

    buffer = io.BytesIO()
    pl.from_arrow(table).write_ndjson(buffer)
    return buffer.getvalue()


def package_descriptor(csv_name: str = "events.csv") -> dict:
    """A data package with the `events` resource.

    Foreign keys are dropped (their tables are absent) and so is `required` on list columns.
    """
    schema = table_schema(TABLES["events"])
    schema.pop("foreignKeys", None)
    # With missingValues [""], a required list column rejects every empty list (an empty cell).
    for field in schema["fields"]:
        if field["type"] == "list":
            field.get("constraints", {}).pop("required", None)
    return {
        "name": "grounded-events-bench",
        "resources": [
            {
                "name": "events",
                "path": csv_name,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": {"delimiter": ",", "lineTerminator": "\n", "header": True},
                "schema": schema,
            }
        ],
    }


def write_package(folder: Path, csv_name: str = "events.csv") -> None:
    """Write datapackage.json next to the CSV."""
    text = json.dumps(package_descriptor(csv_name), indent=2, ensure_ascii=False) + "\n"
    (folder / "datapackage.json").write_text(text, encoding="utf-8")


def generate(
    out: Path, rows: int, seed: int = 0, invalid_rate: float = 0.01, chunk_rows: int = CHUNK_ROWS
) -> dict[str, int]:
    """Write events.parquet, events.csv, events.jsonl, datapackage.json and truth.csv into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    schema = arrow_schema()
    n_errors = 0
    parts = {name: out / f"{name}.tmp" for name in ("parquet", "csv", "jsonl", "truth")}
    with (
        pq.ParquetWriter(
            parts["parquet"],
            schema,
            version="2.6",
            compression="zstd",
            compression_level=1,
            use_dictionary=True,
            write_statistics=True,
        ) as pw,
        pacsv.CSVWriter(parts["csv"], csv_table(schema.empty_table()).schema) as cw,
        open(parts["jsonl"], "wb") as jw,
        open(parts["truth"], "w", encoding="utf-8", newline="") as tw,
    ):
        truth_writer = csv.writer(tw, lineterminator="\n")
        truth_writer.writerow(["row", "column", "kind"])
        for table, truth in chunks(rows, seed, invalid_rate, chunk_rows):
            pw.write_table(table, row_group_size=chunk_rows)
            cw.write_table(csv_table(table))
            jw.write(jsonl_bytes(table))
            truth_writer.writerows(truth)
            n_errors += len(truth)
    for name, part in parts.items():
        final = "truth.csv" if name == "truth" else f"events.{name}"
        part.replace(out / final)
    write_package(out)
    meta = {"rows": rows, "seed": seed, "invalid_rate": invalid_rate, "errors": n_errors}
    (out / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return meta


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--invalid-rate", type=float, default=0.01)
    parser.add_argument("--out", type=Path, help="folder (default bench/data/<rows>-<rate>-<seed>)")
    args = parser.parse_args(argv)
    if not 0 <= args.invalid_rate <= 1:
        parser.error(f"--invalid-rate must be between 0 and 1, got {args.invalid_rate}")
    out = args.out or default_folder(args.rows, args.invalid_rate, args.seed)
    meta = generate(out, args.rows, args.seed, args.invalid_rate)
    print(f"wrote {meta['rows']} rows with {meta['errors']} injected errors to {out}")
    return 0


def default_folder(rows: int, invalid_rate: float, seed: int) -> Path:
    return Path(__file__).resolve().parent / "data" / f"events-{rows}-r{invalid_rate:g}-s{seed}"


if __name__ == "__main__":
    sys.exit(main())
