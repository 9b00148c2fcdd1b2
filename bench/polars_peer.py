"""The polars peers: the schema's rules as polars expressions, run by polars and by pandera.polars."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from grounded_events._schema.tables import COUNTS
from grounded_events._schema.vocab import CROSSWALK, CROSSWALK_COLUMNS, EventSubtype
from tableschema import fields, item_rules, primary_key

Errors = list[tuple[int, str | None, str]]  # (row 1-based, column or None, the tool's code)
Rule = tuple[str, str, pl.Expr]  # (column, code, true where the row breaks the rule)

DTYPES: dict[str, Any] = {
    "string": pl.String,
    "date": pl.String,  # parsed by scan() into START and END, so that a bad date is not fatal
    "integer": pl.Int64,
    "number": pl.Float64,
    "boolean": pl.Boolean,
    "list": pl.List(pl.String),
}
DATE = "%Y-%m-%d"
# The parsed dates, added to the frame (null where a date does not parse) for the row rules.
START, END = "_date_start", "_date_end"
PARSED = {"date_start": START, "date_end": END}


def scan(path: Path, fmt: str, limit: int | None = None) -> pl.LazyFrame:
    """The events file typed by the Table Schema, its dates parsed once into START and END."""
    frame = _read(path, fmt)
    if limit is not None:
        frame = frame.head(limit)
    parsed = (pl.col(raw).str.to_date(DATE, strict=False).alias(p) for raw, p in PARSED.items())
    return frame.with_columns(parsed)


def _read(path: Path, fmt: str) -> pl.LazyFrame:
    """The events file as a LazyFrame typed by the Table Schema (CSV lists split on `|`)."""
    schema = {f["name"]: DTYPES[f["type"]] for f in fields()}
    if fmt == "parquet":
        return pl.scan_parquet(path)
    if fmt == "jsonl":
        return pl.scan_ndjson(path, schema=schema)
    if fmt == "csv":
        lists = [name for name, kind in schema.items() if kind == pl.List(pl.String)]
        text = {name: (pl.String if name in lists else kind) for name, kind in schema.items()}
        frame = pl.scan_csv(path, schema=text)
        # An empty cell, quoted or not, is an empty list (split would give [""]).
        empty = pl.lit([], dtype=pl.List(pl.String))
        return frame.with_columns(
            pl.when(pl.col(n).fill_null("") == "")
            .then(empty)
            .otherwise(pl.col(n).str.split("|"))
            .alias(n)
            for n in lists
        )
    raise ValueError(f"unknown format {fmt!r}: expected parquet, csv or jsonl")


def _value_rules(value: pl.Expr, rules: dict[str, Any]) -> list[tuple[str, pl.Expr]]:
    """(code, bad) for the constraints on one value: enum, pattern, lengths, bounds."""
    out = []
    if "enum" in rules:
        out.append(("enum", value.is_not_null() & ~value.is_in(rules["enum"])))
    if "pattern" in rules:
        out.append(("pattern", ~value.str.contains(rules["pattern"])))
    if "minLength" in rules:
        out.append(("minLength", value.str.len_chars() < rules["minLength"]))
    if "maxLength" in rules:
        out.append(("maxLength", value.str.len_chars() > rules["maxLength"]))
    if "minimum" in rules:
        out.append(("minimum", value < rules["minimum"]))
    if "maximum" in rules:
        out.append(("maximum", value > rules["maximum"]))
    return out


def column_rules() -> list[Rule]:
    """The Table Schema's constraints on each column (and the JSON Schema's on list items)."""
    out: list[Rule] = []
    for field in fields():
        name, kind = field["name"], field["type"]
        constraints = field.get("constraints", {})
        if constraints.get("required"):
            out.append((name, "required", pl.col(name).is_null()))
        if kind == "list":
            for code, bad in _value_rules(pl.element(), item_rules(name)):
                out.append((name, code, pl.col(name).list.eval(bad.fill_null(False)).list.any()))
        else:
            out += [(name, code, bad) for code, bad in _value_rules(pl.col(name), constraints)]
        if kind == "date":
            out.append((name, "date", pl.col(name).is_not_null() & pl.col(PARSED[name]).is_null()))
    return out


def _precision_fits() -> pl.Expr:
    start, end = pl.col(START), pl.col(END)
    span = (end - start).dt.total_days()
    month = (start == start.dt.month_start()) & (end == start.dt.month_end())
    year = (start.dt.ordinal_day() == 1) & (end.dt.month() == 12) & (end.dt.day() == 31)
    year &= start.dt.year() == end.dt.year()
    p = pl.col("date_precision")
    return (
        pl.when(p == "day")
        .then(span == 0)
        .when(p == "days")
        .then(span.is_between(1, 5))
        .when(p == "week")
        .then(span == 6)
        .when(p == "month")
        .then(month)
        .when(p == "year")
        .then(year)
        .when(p == "range")
        .then((span >= 7) & ~(month | year))
        .otherwise(True)
    )


def row_rules() -> list[Rule]:
    """Rules across the columns of a row: dates, counts, attribution, the subtype's crosswalk."""
    start, end = pl.col(START), pl.col(END)
    out: list[Rule] = [("date_end", "date_order", end < start)]
    in_order = end >= start
    out.append(
        (
            "date_precision",
            "date_precision",
            in_order & ~pl.col("is_aggregate").fill_null(False) & ~_precision_fits(),
        )
    )
    for what in COUNTS:
        low, best, high = (pl.col(f"{what}_{e}") for e in ("low", "best", "high"))
        out.append((f"{what}_low", "count_order", (low > best) | (best.is_null() & (low > high))))
        out.append((f"{what}_high", "count_order", best > high))
    alleged = pl.col("initiator_attribution") == "alleged"
    no_one = pl.col("attributed_by").list.len().fill_null(0) == 0
    out.append(("attributed_by", "alleged_without_attributed_by", alleged & no_one))
    subtype = pl.col("event_subtype")
    known = subtype.is_in([str(s) for s in EventSubtype])
    for name in ("event_type", *CROSSWALK_COLUMNS):
        mapping = {str(s): _text(getattr(CROSSWALK[s], name)) for s in EventSubtype}
        expected = subtype.replace_strict(mapping, default=None, return_dtype=pl.String)
        out.append((name, "crosswalk", known & ~expected.eq_missing(pl.col(name))))
    for name in primary_key():
        out.append((name, "unique", ~pl.col(name).is_first_distinct()))
    return out


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _long(flags: pl.DataFrame, rules: list[Rule]) -> Errors:
    """One (row, column, code) per true flag."""
    if flags.is_empty():
        return []
    long = flags.unpivot(index="row").filter(pl.col("value")).sort("row", "variable")
    out: Errors = []
    for row, name in long.select("row", "variable").iter_rows():
        column, code = rules[int(name)][:2]
        out.append((row, column, code))
    return out


def polars_errors(path: Path, fmt: str, limit: int | None = None) -> Errors:
    """Every rule as a lazy polars query on both cores; each failing (row, column, rule)."""
    rules = column_rules() + row_rules()
    flags = (
        scan(path, fmt, limit)
        .with_row_index("row", offset=1)
        .select("row", *(bad.fill_null(False).alias(str(i)) for i, (_, _, bad) in enumerate(rules)))
        .filter(pl.any_horizontal(pl.exclude("row")))
        .collect()
    )
    return _long(flags, rules)


def pandera_schema() -> Any:
    """A pandera.polars DataFrameSchema: built-in checks where pandera has them, else the rules."""
    import pandera.polars as pa

    def check(bad: pl.Expr, name: str) -> Any:
        return pa.Check(lambda data: data.lazyframe.select(~bad.fill_null(False)), name=name)

    columns = {}
    own = column_rules()
    for field in fields():
        name, kind = field["name"], field["type"]
        c = field.get("constraints", {})
        checks = []
        if kind == "list" or kind == "date":
            # List items and dates have no built-in check: the polars rule, as a custom check.
            rules = [(code, bad) for column, code, bad in own if column == name]
            checks += [check(bad, code) for code, bad in rules if code != "required"]
        if "enum" in c:
            checks.append(pa.Check.isin(c["enum"]))
        if "pattern" in c:
            checks.append(pa.Check.str_matches(c["pattern"]))
        if "minLength" in c or "maxLength" in c:
            checks.append(pa.Check.str_length(c.get("minLength"), c.get("maxLength")))
        if "minimum" in c or "maximum" in c:
            checks.append(pa.Check.in_range(c.get("minimum"), c.get("maximum")))
        columns[name] = pa.Column(DTYPES[kind], checks, nullable=not c.get("required", False))
    # Rules across columns: a DataFrame-level check each, named after the column it blames.
    wide = [check(bad, f"{column}|{code}") for column, code, bad in row_rules()]
    return pa.DataFrameSchema(columns, checks=wide)


def pandera_errors(path: Path, fmt: str, limit: int | None = None) -> Errors:
    """pandera.polars (lazy) on the DataFrame polars reads; each failure case's row and column."""
    import pandera.polars as pa

    try:
        pandera_schema().validate(scan(path, fmt, limit).collect(), lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    else:
        return []
    out: Errors = []
    for column, check, index in cases.select("column", "check", "index").iter_rows():
        if index is None:
            continue
        if "|" in check:  # a DataFrame-level check names the column it blames
            column, check = check.split("|")
        out.append((index + 1, column, check))
    return sorted(set(out), key=lambda e: (e[0], e[1] or "", e[2]))
