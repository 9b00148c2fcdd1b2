"""Validation rules defined once, as data: column rules from the published row schemas, cross-field rules."""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from functools import cache
from pathlib import Path
from typing import Any

import pycountry

from grounded_events._schema.models import ISO3, ISO3166_2, LANGUAGE
from grounded_events._schema.tables import TABLES
from grounded_events._schema.vocab import ACLED_EVENT_TYPES, CROSSWALK


# Value checks named by the format a pattern declares: the pattern is in the published schema,
# the lookup behind it (pycountry) is what the models run after the pattern.
def _countries() -> frozenset[str]:
    return frozenset(c.alpha_3 for c in pycountry.countries)


def _subdivisions() -> frozenset[str]:
    return frozenset(s.code for s in pycountry.subdivisions)


def _languages() -> frozenset[str]:
    return frozenset(lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2"))


LOOKUPS: dict[str, tuple[str, Callable[[], frozenset[str]]]] = {
    ISO3: ("GE302", _countries),
    ISO3166_2: ("GE303", _subdivisions),
    LANGUAGE: ("GE304", _languages),
}


@cache
def lookup_values(pattern: str) -> frozenset[str]:
    """The set of valid codes behind a code pattern (computed once per process)."""
    return LOOKUPS[pattern][1]()


@dataclass(frozen=True)
class Column:
    """What one column allows: its type, whether a cell may be empty, and its constraints."""

    name: str
    kind: str  # string, integer, number, boolean, date, list
    required: bool
    enum: tuple[str, ...] | None = None
    pattern: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    min_length: int | None = None
    max_length: int | None = None
    item: Column | None = None  # the rule of each item of a list


def _resolve(prop: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in prop:
        return defs[prop["$ref"].split("/")[-1]]
    return prop


def _column(name: str, prop: dict[str, Any], defs: dict[str, Any]) -> Column:
    options = prop.get("anyOf", [prop])
    nullable = any(o.get("type") == "null" for o in options)
    inner = _resolve(next((o for o in options if o.get("type") != "null"), {}), defs)
    kind = inner.get("type", "string")
    if kind == "string" and inner.get("format") == "date":
        kind = "date"
    elif kind == "array":
        kind = "list"
    item = _column(name, inner["items"], defs) if kind == "list" and "items" in inner else None
    enum = tuple(inner["enum"]) if "enum" in inner else None
    return Column(
        name=name,
        kind=kind,
        required=not nullable,
        enum=enum,
        pattern=inner.get("pattern"),
        minimum=inner.get("minimum"),
        maximum=inner.get("maximum"),
        min_length=inner.get("minLength"),
        max_length=inner.get("maxLength"),
        item=item,
    )


@cache
def table_columns(folder: Path, table: str) -> tuple[Column, ...]:
    """The column rules of `table` in the schema version at `folder` (tables/<t>.schema.json)."""
    schema = json.loads((folder / "tables" / f"{table}.schema.json").read_text(encoding="utf-8"))
    defs = schema.get("$defs", {})
    return tuple(_column(n, p, defs) for n, p in schema["properties"].items())


@dataclass(frozen=True)
class ValueCheck:
    """One check of a single value, as data: both engines evaluate `test` with `arg` their way."""

    code: str
    test: str  # required, enum, min_length, max_length, pattern, lookup, minimum, maximum, type
    arg: Any
    expected: str
    what: str  # the message after the field name


# The checked reading of a text cell into each kind: the code, what was expected, the message.
TYPE_CHECKS: dict[str, ValueCheck] = {
    "integer": ValueCheck("GE204", "type", "integer", "an integer", "is not an integer"),
    "number": ValueCheck("GE204", "type", "number", "a number", "is not a number"),
    "boolean": ValueCheck("GE204", "type", "boolean", "true or false", "is not a boolean"),
    "date": ValueCheck("GE205", "type", "date", "a date YYYY-MM-DD", "is not a calendar date"),
    # typed inputs (JSON lines, Parquet) only: text cells are text, and a list cell splits at |
    "string": ValueCheck("GE204", "type", "string", "text", "is not text"),
    "list": ValueCheck("GE204", "type", "list", "a list of text", "is not a list of text"),
}

# Integers are 64-bit (the tables' Parquet type): one of more digits is out of any range.
INTEGER_DIGITS = 18
TOO_LARGE = ValueCheck(
    "GE207",
    "digits",
    INTEGER_DIGITS,
    f"an integer of at most {INTEGER_DIGITS} digits",
    "is out of range",
)


def required_check(col: Column) -> ValueCheck:
    """The check that a required cell is not empty."""
    return ValueCheck("GE201", "required", None, f"a {col.kind} value", "is required")


@cache
def string_checks(col: Column) -> tuple[ValueCheck, ...]:
    """The checks of a text value in the order they apply; a value fails at most one of them."""
    checks = []
    if col.enum is not None:
        checks.append(
            ValueCheck(
                "GE301",
                "enum",
                col.enum,
                "one of " + ", ".join(col.enum),
                "is not in the vocabulary",
            )
        )
    if col.min_length is not None:
        checks.append(
            ValueCheck(
                "GE208",
                "min_length",
                col.min_length,
                f"at least {col.min_length} characters",
                "is too short",
            )
        )
    if col.max_length is not None:
        checks.append(
            ValueCheck(
                "GE208",
                "max_length",
                col.max_length,
                f"at most {col.max_length} characters",
                "is too long",
            )
        )
    if col.pattern is not None:
        checks.append(
            ValueCheck(
                "GE206",
                "pattern",
                col.pattern,
                f"text matching {col.pattern}",
                "does not match its format",
            )
        )
        if col.pattern in LOOKUPS:
            checks.append(
                ValueCheck(
                    LOOKUPS[col.pattern][0],
                    "lookup",
                    col.pattern,
                    "a code known to ISO (pycountry)",
                    "is not a known code",
                )
            )
    return tuple(checks)


@cache
def range_checks(col: Column) -> tuple[ValueCheck, ...]:
    """The bounds of a number column."""
    checks = []
    if col.minimum is not None:
        checks.append(
            ValueCheck("GE207", "minimum", col.minimum, f">= {col.minimum}", "is too small")
        )
    if col.maximum is not None:
        checks.append(
            ValueCheck("GE207", "maximum", col.maximum, f"<= {col.maximum}", "is too large")
        )
    return tuple(checks)


# --- cross-field rules -------------------------------------------------------------------------
# Each rule names its code, table, the field an error points at and the columns it reads. The
# columnar engine evaluates `rule.name` vectorised over whole columns (columnar.py); `holds` is
# the same rule for one row, used to build messages and by row-wise callers.


Row = dict[str, Any]


@dataclass(frozen=True)
class CrossRule:
    """A rule over several fields of one row."""

    name: str
    code: str
    table: str
    field: str
    columns: tuple[str, ...]
    expected: str
    holds: Callable[[Row], bool] = dataclass_field(repr=False)
    # Columns whose broken cell is read as empty rather than skipping the rule (is_aggregate:
    # an unknown flag is read as the model's default, false, so the stricter rule applies).
    lenient: tuple[str, ...] = ()


def _last_day(d: dt.date) -> int:
    return calendar.monthrange(d.year, d.month)[1]


def _precision_holds(r: Row) -> bool:
    start, end, precision = r["date_start"], r["date_end"], r["date_precision"]
    if r.get("is_aggregate") or start is None or end is None or end < start:
        return True
    span = (end - start).days
    if precision == "day":
        return span == 0
    if precision == "days":
        return 1 <= span <= 5
    if precision == "week":
        return span == 6
    if precision == "month":
        return (
            start.day == 1 and (end.year, end.month) == (start.year, start.month)
        ) and end.day == _last_day(end)
    if precision == "year":
        return (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and (
            start.year == end.year
        )
    return True


def _ordered(*values: Any) -> bool:
    present = [v for v in values if v is not None]
    return all(a <= b for a, b in itertools.pairwise(present))


# Bounding-box tolerance in degrees: coordinates on a border or a coastline stay inside.
BBOX_TOLERANCE = 0.1


@cache
def country_boxes(alpha3: str) -> tuple[tuple[float, float, float, float], ...]:
    """Natural Earth bounding boxes (min lon, min lat, max lon, max lat) of a country's subunits."""
    import country_bounding_boxes as cbb

    try:
        return tuple(tuple(s.bbox) for s in cbb.country_subunits_by_iso_code(alpha3))
    except Exception:  # the library raises on codes it does not know: no box, no check
        return ()


@cache
def alpha2_to_alpha3() -> dict[str, str]:
    """ISO alpha-2 -> alpha-3 for every country pycountry knows."""
    return {c.alpha_2: c.alpha_3 for c in pycountry.countries}


@cache
def alpha3_to_alpha2() -> dict[str, str]:
    """ISO alpha-3 -> alpha-2 for every country pycountry knows."""
    return {c.alpha_3: c.alpha_2 for c in pycountry.countries}


def point_country(r: Row) -> str | None:
    """The country whose boxes the point must fall in: country_iso3, else admin1_code's prefix."""
    if r.get("country_iso3"):
        return r["country_iso3"]
    admin1 = r.get("admin1_code")
    return alpha2_to_alpha3().get(admin1[:2]) if admin1 else None


def _inside(r: Row) -> bool:
    lat, lon = r.get("latitude"), r.get("longitude")
    country = point_country(r)
    if lat is None or lon is None or country is None:
        return True
    boxes = country_boxes(country)
    if not boxes:
        return True
    t = BBOX_TOLERANCE
    return any(x0 - t <= lon <= x1 + t and y0 - t <= lat <= y1 + t for x0, y0, x1, y1 in boxes)


def _admin1_agrees(r: Row) -> bool:
    admin1, country = r.get("admin1_code"), r.get("country_iso3")
    if not admin1 or not country or country not in alpha3_to_alpha2():
        return True
    return admin1[:2] == alpha3_to_alpha2()[country]


def _crosswalk_value(subtype: str | None, column: str) -> Any:
    cw = CROSSWALK.get(subtype) if subtype else None  # type: ignore[call-overload]
    return getattr(cw, column) if cw else None


def _subtype_type(r: Row) -> bool:
    cw = CROSSWALK.get(r["event_subtype"]) if r.get("event_subtype") else None  # type: ignore[call-overload]
    return cw is None or r.get("event_type") is None or cw.event_type == r["event_type"]


def _acled_pair(r: Row) -> bool:
    kind, sub = r.get("acled_event_type"), r.get("acled_sub_event_type")
    if kind is None and sub is None:
        return True
    if kind not in ACLED_EVENT_TYPES:
        return False
    return sub is None or sub in ACLED_EVENT_TYPES[kind]


CROSSWALK_COLUMNS = (
    "acled_event_type",
    "acled_sub_event_type",
    "plover_event_type",
    "plover_mode",
    "cameo_root",
)


def _crosswalk_rule(column: str) -> CrossRule:
    def holds(r: Row) -> bool:
        if r.get("event_subtype") not in CROSSWALK:
            return True
        return r.get(column) == _crosswalk_value(r["event_subtype"], column)

    return CrossRule(
        f"crosswalk_{column}",
        "GE307",
        "events",
        column,
        ("event_subtype", column),
        f"the {column} of the event_subtype in the crosswalk",
        holds,
    )


def _count_rules(prefix: str) -> list[CrossRule]:
    low, best, high = f"{prefix}_low", f"{prefix}_best", f"{prefix}_high"
    return [
        CrossRule(
            f"{prefix}_low_best",
            "GE403",
            "events",
            low,
            (low, best),
            f"{low} <= {best}",
            lambda r: _ordered(r.get(low), r.get(best)),
        ),
        CrossRule(
            f"{prefix}_best_high",
            "GE403",
            "events",
            high,
            (best, high),
            f"{best} <= {high}",
            lambda r: _ordered(r.get(best), r.get(high)),
        ),
        CrossRule(
            f"{prefix}_low_high",
            "GE403",
            "events",
            high,
            (low, best, high),
            f"{low} <= {high}",
            # reported only when best is missing; otherwise the two rules above say it
            lambda r: r.get(best) is not None or _ordered(r.get(low), r.get(high)),
        ),
    ]


CROSS_RULES: tuple[CrossRule, ...] = (
    # The subtype decides the type and the crosswalks, so the error points at event_type.
    CrossRule(
        "subtype_type",
        "GE305",
        "events",
        "event_type",
        ("event_type", "event_subtype"),
        "the event_type of this event_subtype",
        _subtype_type,
    ),
    CrossRule(
        "acled_pair",
        "GE306",
        "events",
        "acled_sub_event_type",
        ("acled_event_type", "acled_sub_event_type"),
        "an ACLED sub-event type of this ACLED event type",
        _acled_pair,
    ),
    *(_crosswalk_rule(c) for c in CROSSWALK_COLUMNS),
    CrossRule(
        "date_order",
        "GE401",
        "events",
        "date_end",
        ("date_start", "date_end"),
        "date_end >= date_start",
        lambda r: _ordered(r.get("date_start"), r.get("date_end")),
    ),
    CrossRule(
        "date_precision",
        "GE402",
        "events",
        "date_precision",
        ("date_start", "date_end", "date_precision", "is_aggregate"),
        "dates that fit the precision (day: one day; days: 2-6 days; week: 7 days; "
        "month: one calendar month; year: one calendar year)",
        _precision_holds,
        lenient=("is_aggregate",),
    ),
    *_count_rules("fatalities"),
    *_count_rules("injuries"),
    CrossRule(
        "inside_country",
        "GE404",
        "events",
        "latitude",
        ("latitude", "longitude", "country_iso3", "admin1_code"),
        "coordinates inside the country's bounding boxes",
        _inside,
    ),
    CrossRule(
        "admin1_country",
        "GE405",
        "events",
        "admin1_code",
        ("admin1_code", "country_iso3"),
        "an admin1_code of the country_iso3",
        _admin1_agrees,
    ),
    CrossRule(
        "both_coordinates",
        "GE406",
        "events",
        "longitude",
        ("latitude", "longitude"),
        "latitude and longitude both given or both empty",
        lambda r: (r.get("latitude") is None) == (r.get("longitude") is None),
    ),
    CrossRule(
        "alleged_attributor",
        "GE407",
        "events",
        "attributed_by",
        ("initiator_attribution", "attributed_by"),
        "at least one actor in attributed_by for an alleged attribution",
        lambda r: r.get("initiator_attribution") != "alleged" or bool(r.get("attributed_by")),
    ),
    CrossRule(
        "unattributed_attributor",
        "GE408",
        "events",
        "attributed_by",
        ("initiator_attribution", "attributed_by"),
        "no attributed_by for an unattributed event",
        lambda r: r.get("initiator_attribution") != "unattributed" or not r.get("attributed_by"),
    ),
    CrossRule(
        "span_order",
        "GE409",
        "evidence",
        "end",
        ("start", "end"),
        "end > start",
        lambda r: r.get("start") is None or r.get("end") is None or r["end"] > r["start"],
    ),
)


def rules_for(table: str) -> tuple[CrossRule, ...]:
    """The cross-field rules of one table."""
    return tuple(r for r in CROSS_RULES if r.table == table)


# List columns that hold ids of other rows, beyond the Table Schema's foreign keys.
LIST_REFERENCES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "events": (
        ("attributed_by", "actors", "actor_id"),
        ("target", "actors", "actor_id"),
        ("refers_to", "events", "event_id"),
    ),
}


def references(table: str) -> list[tuple[str, str, str]]:
    """(column, referenced table, referenced column) of every single-column reference of a table."""
    out = [
        (fk.fields[0], fk.reference_table, fk.reference_fields[0])
        for fk in TABLES[table].foreign_keys
        if len(fk.fields) == 1
    ]
    return out + list(LIST_REFERENCES.get(table, ()))
