"""The peers the benchmark times: frictionless, jsonschema, jsonschema-rs and pandera, same rules."""

from __future__ import annotations

import json
from itertools import islice
from pathlib import Path

from generate import COUNT_COLUMNS, COUNTS, CROSSWALK_COLUMNS, SCHEMA_DIR

Errors = list[tuple[int, str | None, str]]  # (row 1-based, column or None, the tool's code)


def frictionless_errors(package: Path, fmt: str, limit: int | None) -> Errors:
    """`frictionless validate` on the CSV data package; rows 1-based after the header."""
    from frictionless import validate

    report = validate(str(package), limit_errors=10**9, limit_rows=limit)
    out: Errors = []
    for task in report.tasks:
        for error in task.errors:
            row = getattr(error, "row_number", None)
            if row is not None:
                out.append((row - 1, getattr(error, "field_name", None), error.type))
    return out


def _records(path: Path, limit: int | None):
    with open(path, encoding="utf-8") as f:
        yield from enumerate((json.loads(line) for line in islice(f, limit)), start=1)


def _row_schema() -> dict:
    return json.loads((SCHEMA_DIR / "events.schema.json").read_text(encoding="utf-8"))


def jsonschema_errors(path: Path, fmt: str, limit: int | None) -> Errors:
    """jsonschema's Draft202012Validator (formats asserted) on each JSONL record."""
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(
        _row_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    out: Errors = []
    for row, record in _records(path, limit):
        for error in validator.iter_errors(record):
            column = error.absolute_path[0] if error.absolute_path else None
            out.append((row, column, str(error.validator)))
    return out


def jsonschema_rs_errors(path: Path, fmt: str, limit: int | None) -> Errors:
    """jsonschema-rs's Draft202012Validator (formats asserted) on each JSONL record."""
    import jsonschema_rs

    validator = jsonschema_rs.Draft202012Validator(_row_schema(), validate_formats=True)
    out: Errors = []
    for row, record in _records(path, limit):
        for error in validator.iter_errors(record):
            path_ = list(error.instance_path)
            out.append((row, path_[0] if path_ else None, type(error.kind).__name__))
    return out


def pandera_schema():
    """A pandera DataFrameSchema of the rules pandera can express, cross-field rules as wide checks."""
    import country_bounding_boxes as cbb
    import numpy as np
    import pandas as pd
    import pandera.pandas as pa
    import pycountry

    from floor import REQUIRED, SLUG_COLUMNS, SLUG_LISTS, TEXT_COLUMNS, VOCABULARIES
    from grounded_events._schema.models import SLUG
    from grounded_events._schema.vocab import CROSSWALK, EventSubtype, Weapon

    slug = __import__("re").compile(SLUG)

    def date_ok(s: pd.Series) -> pd.Series:
        return pd.to_datetime(s, format="%Y-%m-%d", errors="coerce").notna()

    def dates(df: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
        start = pd.to_datetime(df["date_start"], format="%Y-%m-%d", errors="coerce")
        end = pd.to_datetime(df["date_end"], format="%Y-%m-%d", errors="coerce")
        return start, end

    def order_ok(df: pd.DataFrame) -> pd.Series:
        start, end = dates(df)
        return ~(end < start)

    def precision_ok(df: pd.DataFrame) -> pd.Series:
        start, end = dates(df)
        span = (end - start).dt.days
        after = end + pd.Timedelta(days=1)
        month = (start.dt.day == 1) & (after.dt.day == 1) & (start.dt.month == end.dt.month)
        month &= start.dt.year == end.dt.year
        year = (start.dt.dayofyear == 1) & (after.dt.dayofyear == 1)
        year &= start.dt.year == end.dt.year
        p = df["date_precision"]
        ok = np.select(
            [p == "day", p == "days", p == "week", p == "month", p == "year", p == "range"],
            [span == 0, span.between(1, 5), span == 6, month, year, (span >= 7) & ~(month | year)],
            True,
        )
        aggregate = df["is_aggregate"].fillna(False).astype(bool)
        return pd.Series(ok, index=df.index) | span.isna() | (span < 0) | aggregate

    def counts_ok(what: str, which: str):
        def ok(df: pd.DataFrame) -> pd.Series:
            low, best, high = (df[f"{what}_{e}"] for e in ("low", "best", "high"))
            if which == "low":
                return ~((low > best) | (best.isna() & (low > high)))
            return ~(best > high)

        return ok

    boxes = {
        c.alpha_3: [tuple(s.bbox) for s in cbb.country_subunits_by_iso_code(c.alpha_3)]
        for c in pycountry.countries
    }

    def inside_ok(df: pd.DataFrame) -> pd.Series:
        ok = pd.Series(True, index=df.index)
        for code, group in df.groupby("country_iso3", sort=False):
            if not boxes.get(code):
                continue
            lat, lon = group["latitude"], group["longitude"]
            hit = pd.Series(False, index=group.index)
            for x0, y0, x1, y1 in boxes[code]:
                hit |= lat.between(y0 - 0.1, y1 + 0.1) & lon.between(x0 - 0.1, x1 + 0.1)
            ok[group.index] = hit | lat.isna() | lon.isna()
        return ok

    alpha2 = {c.alpha_3: c.alpha_2 for c in pycountry.countries}

    def admin1_ok(df: pd.DataFrame) -> pd.Series:
        expected = df["country_iso3"].map(alpha2)
        prefix = df["admin1_code"].str.slice(0, 2)
        return ~((prefix != expected) & prefix.notna() & expected.notna())

    def alleged_ok(df: pd.DataFrame) -> pd.Series:
        empty = df["attributed_by"].map(lambda v: v is None or len(v) == 0)
        return ~((df["initiator_attribution"] == "alleged") & empty)

    def crosswalk_ok(name: str):
        expected = {str(s): getattr(CROSSWALK[s], name) for s in EventSubtype}

        def ok(df: pd.DataFrame) -> pd.Series:
            known = df["event_subtype"].isin(expected)
            want = df["event_subtype"].map(expected)
            have = df[name]
            same = (want == have) | (want.isna() & have.isna())
            return same | ~known

        return ok

    weapons = {str(w) for w in Weapon}
    columns: dict[str, pa.Column] = {}
    from generate import COLUMNS

    for name in COLUMNS:
        checks = []
        if name in VOCABULARIES:
            checks.append(pa.Check.isin([str(v) for v in VOCABULARIES[name]]))
        if name in SLUG_COLUMNS:
            checks += [pa.Check.str_matches(SLUG), pa.Check.str_length(max_value=120)]
        if name in SLUG_LISTS:
            checks.append(
                pa.Check(
                    lambda v: all(slug.match(x) and len(x) <= 120 for x in v), element_wise=True
                )
            )
        if name == "weapons":
            checks.append(pa.Check(lambda v: all(x in weapons for x in v), element_wise=True))
        if name in TEXT_COLUMNS:
            checks.append(pa.Check.str_length(1, 10_000))
        if name in ("date_start", "date_end"):
            checks.append(pa.Check(date_ok, name="date"))
        if name == "country_iso3":
            checks.append(pa.Check.isin(sorted(alpha2)))
        if name == "admin1_code":
            checks.append(pa.Check.isin(sorted(s.code for s in pycountry.subdivisions)))
        if name == "latitude":
            checks.append(pa.Check.in_range(-90, 90))
        if name == "longitude":
            checks.append(pa.Check.in_range(-180, 180))
        if name in COUNT_COLUMNS:
            checks.append(pa.Check.in_range(0, 10_000_000))
        columns[name] = pa.Column(checks=checks, nullable=name not in REQUIRED)
    wide = [
        pa.Check(order_ok, name="wide|date_order|date_end"),
        pa.Check(precision_ok, name="wide|date_precision|date_precision"),
        pa.Check(inside_ok, name="wide|outside_country|latitude"),
        pa.Check(admin1_ok, name="wide|admin1_country|admin1_code"),
        pa.Check(alleged_ok, name="wide|alleged_without_attributed_by|attributed_by"),
    ]
    for what in COUNTS:
        for which in ("low", "high"):
            wide.append(pa.Check(counts_ok(what, which), name=f"wide|count_order|{what}_{which}"))
    for name in ("event_type", *CROSSWALK_COLUMNS):
        wide.append(pa.Check(crosswalk_ok(name), name=f"wide|crosswalk|{name}"))
    return pa.DataFrameSchema(
        columns, checks=wide, unique=["event_id"], report_duplicates="exclude_first"
    )


def pandera_errors(path: Path, fmt: str, limit: int | None) -> Errors:
    """pandera (lazy) on the DataFrame read from Parquet."""
    import pandas as pd
    import pandera.pandas as pa

    df = pd.read_parquet(path)
    if limit is not None:
        df = df.iloc[:limit]
    try:
        pandera_schema().validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    else:
        return []
    out: Errors = []
    for column, check, index in zip(cases["column"], cases["check"], cases["index"], strict=True):
        if index is None or pd.isna(index):
            continue
        check = str(check)
        if check.startswith("wide|"):  # a wide check repeats each failing row once per column
            _, check, column = check.split("|")
        if not isinstance(column, str):
            column = None
        out.append((int(index) + 1, column, check))
    return sorted(set(out), key=lambda e: (e[0], e[1] or "", e[2]))
