"""Column rules defined once, as data, from the published row schemas; and the references of each table."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pycountry

from grounded_events._schema.models import ISO3, ISO3166_2, LANGUAGE
from grounded_events._schema.tables import TABLES
from grounded_events._validation.suggest import one_of


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
        resolved: dict[str, Any] = defs[prop["$ref"].split("/")[-1]]
        return resolved
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
    """One check of a single value, as data: both engines evaluate `test` with `arg` their way;
    an issue of it is worded by its code's template (or `variant`) filled with `params`."""

    code: str
    test: str  # required, enum, min_length, max_length, pattern, lookup, minimum, maximum, type
    arg: Any
    expected: str
    params: tuple[tuple[str, str], ...] = ()
    variant: str = ""


# The checked reading of a text cell into each kind: the code, what was expected, the message.
TYPE_CHECKS: dict[str, ValueCheck] = {
    "integer": ValueCheck("GE204", "type", "integer", "an integer", (("kind", "an integer"),)),
    "number": ValueCheck("GE204", "type", "number", "a number", (("kind", "a number"),)),
    "boolean": ValueCheck("GE204", "type", "boolean", "true or false", (("kind", "a boolean"),)),
    "date": ValueCheck("GE205", "type", "date", "a date YYYY-MM-DD"),
    # typed inputs (JSON lines, Parquet) only: text cells are text, and a list cell splits at |
    "string": ValueCheck("GE204", "type", "string", "text", (("kind", "text"),)),
    "list": ValueCheck("GE204", "type", "list", "a list of text", (("kind", "a list of text"),)),
}

# Integers are 64-bit (the tables' Parquet type): one of more digits is out of any range.
INTEGER_DIGITS = 18
TOO_LARGE = ValueCheck(
    "GE207",
    "digits",
    INTEGER_DIGITS,
    f"an integer of at most {INTEGER_DIGITS} digits",
    variant="digits",
)


def required_check(col: Column) -> ValueCheck:
    """The check that a required cell is not empty."""
    return ValueCheck("GE201", "required", None, f"a {col.kind} value")


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
                one_of(col.enum),
            )
        )
    if col.min_length is not None:
        checks.append(
            ValueCheck(
                "GE208",
                "min_length",
                col.min_length,
                f"at least {col.min_length} characters",
                (("how", "short"),),
            )
        )
    if col.max_length is not None:
        checks.append(
            ValueCheck(
                "GE208",
                "max_length",
                col.max_length,
                f"at most {col.max_length} characters",
                (("how", "long"),),
            )
        )
    if col.pattern is not None:
        checks.append(
            ValueCheck(
                "GE206",
                "pattern",
                col.pattern,
                f"text matching {col.pattern}",
            )
        )
        if col.pattern in LOOKUPS:
            checks.append(
                ValueCheck(
                    LOOKUPS[col.pattern][0],
                    "lookup",
                    col.pattern,
                    "a code known to ISO (pycountry)",
                )
            )
    return tuple(checks)


@cache
def range_checks(col: Column) -> tuple[ValueCheck, ...]:
    """The bounds of a number column."""
    checks = []
    if col.minimum is not None:
        checks.append(
            ValueCheck("GE207", "minimum", col.minimum, f">= {col.minimum}", (("how", "small"),))
        )
    if col.maximum is not None:
        checks.append(
            ValueCheck("GE207", "maximum", col.maximum, f"<= {col.maximum}", (("how", "large"),))
        )
    return tuple(checks)


# List columns that hold ids of other rows, beyond the Table Schema's foreign keys.
LIST_REFERENCES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "events": (
        ("attributed_by", "actors", "actor_id"),
        ("target", "actors", "actor_id"),
        ("claimed_by", "actors", "actor_id"),
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
