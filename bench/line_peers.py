"""The per-line peers on JSON lines: a msgspec Struct and pydantic's row model, with row rules."""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

from grounded_events._schema.tables import COUNTS
from grounded_events._schema.vocab import CROSSWALK, CROSSWALK_COLUMNS, EventSubtype
from tableschema import fields, item_rules, primary_key

Errors = list[tuple[int, str | None, str]]  # (row 1-based, column or None, the tool's code)
ONE_DAY = dt.timedelta(days=1)
# Where msgspec says the error is: "... - at `$.target[0]`".
AT = re.compile(r"^(?P<message>.*?)(?: - at `\$\.(?P<column>\w+)[^`]*`)?$", re.DOTALL)


def _precision_fits(precision: str, start: dt.date, end: dt.date) -> bool:
    span = (end - start).days
    after = end + ONE_DAY
    month = start.day == 1 and after.day == 1 and (start.year, start.month) == (end.year, end.month)
    year = (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year
    fits = {
        "day": span == 0,
        "days": 1 <= span <= 5,
        "week": span == 6,
        "month": month,
        "year": year,
        "range": span >= 7 and not (month or year),
    }
    return fits.get(precision, True)


@cache
def _crosswalk() -> dict[str, dict[str, str | None]]:
    def text(value: object) -> str | None:
        return None if value is None else str(value)

    columns = ("event_type", *CROSSWALK_COLUMNS)
    return {str(s): {c: text(getattr(CROSSWALK[s], c)) for c in columns} for s in EventSubtype}


def row_problems(row: Any) -> list[str]:
    """The rules across a row's columns, as "column:code" (a decoded row: attributes, not keys)."""
    out = []
    start, end = row.date_start, row.date_end
    if end < start:
        out.append("date_end:date_order")
    elif not row.is_aggregate and not _precision_fits(str(row.date_precision), start, end):
        out.append("date_precision:date_precision")
    for what in COUNTS:
        low, best, high = (getattr(row, f"{what}_{e}") for e in ("low", "best", "high"))
        if (low is not None and best is not None and low > best) or (
            best is None and low is not None and high is not None and low > high
        ):
            out.append(f"{what}_low:count_order")
        if best is not None and high is not None and best > high:
            out.append(f"{what}_high:count_order")
    if row.initiator_attribution == "alleged" and not row.attributed_by:
        out.append("attributed_by:alleged_without_attributed_by")
    for column, expected in _crosswalk().get(str(row.event_subtype), {}).items():
        actual = getattr(row, column)
        if (None if actual is None else str(actual)) != expected:
            out.append(f"{column}:crosswalk")
    return out


# A row rule's problems travel as the message of the ValueError that msgspec and pydantic wrap.
def _problems_error(problems: list[str]) -> ValueError:
    return ValueError("; ".join(problems))


def _parse_problems(message: str) -> list[tuple[str, str]]:
    return [(column, code) for column, _, code in (p.partition(":") for p in message.split("; "))]


# msgspec.


def _msgspec_type(kind: str, rules: dict[str, Any]) -> Any:
    import msgspec

    if "enum" in rules:
        return Literal[tuple(rules["enum"])]
    meta = {
        key: rules[name]
        for name, key in (
            ("pattern", "pattern"),
            ("minLength", "min_length"),
            ("maxLength", "max_length"),
            ("minimum", "ge"),
            ("maximum", "le"),
        )
        if name in rules
    }
    base = {"string": str, "integer": int, "number": float, "boolean": bool, "date": dt.date}[kind]
    return Annotated[base, msgspec.Meta(**meta)] if meta else base


@cache
def event_struct() -> type:
    """A msgspec Struct of the Table Schema; rules across columns in __post_init__."""
    import msgspec

    class Rows(msgspec.Struct, forbid_unknown_fields=True):
        def __post_init__(self) -> None:
            problems = row_problems(self)
            if problems:
                raise _problems_error(problems)

    spec = []
    for field in fields():
        name, kind = field["name"], field["type"]
        constraints = field.get("constraints", {})
        if kind == "list":
            kind_ = list.__class_getitem__(_msgspec_type("string", item_rules(name)))
        else:
            kind_ = _msgspec_type(kind, constraints)
            if not constraints.get("required"):
                kind_ = kind_ | None
        spec.append((name, kind_))
    return msgspec.defstruct("Event", spec, bases=(Rows,))


def msgspec_errors(path: Path, fmt: str, limit: int | None = None) -> Errors:
    """msgspec decodes each line into the Struct; it stops at a row's first error."""
    import msgspec

    if fmt != "jsonl":
        raise ValueError("msgspec reads JSON lines")
    decoder: Any = msgspec.json.Decoder(event_struct())
    (key,) = primary_key()
    seen: set[str] = set()
    out: Errors = []
    with open(path, "rb") as f:
        for row, line in enumerate(f, start=1):
            if limit is not None and row > limit:
                break
            try:
                event = decoder.decode(line)
            except msgspec.ValidationError as exc:
                match = AT.match(str(exc))
                assert match is not None
                if match["column"]:
                    out.append((row, match["column"], match["message"]))
                else:
                    out += [(row, c, code) for c, code in _parse_problems(match["message"])]
                continue
            value = getattr(event, key)
            if value in seen:
                out.append((row, key, "unique"))
            seen.add(value)
    return out


# pydantic.


@cache
def event_model() -> Any:
    """The project's own events row model, with the rules across columns as a model validator."""
    from pydantic import model_validator

    from grounded_events._schema.tables import TABLES

    class Event(TABLES["events"].row):  # type: ignore[misc]
        @model_validator(mode="after")
        def _rows(self) -> Any:
            problems = row_problems(self)
            if problems:
                raise _problems_error(problems)
            return self

    return Event


def pydantic_errors(path: Path, fmt: str, limit: int | None = None) -> Errors:
    """pydantic validates each line against the row model; every field error of a row."""
    from pydantic import ValidationError

    if fmt != "jsonl":
        raise ValueError("pydantic reads JSON lines")
    model = event_model()
    (key,) = primary_key()
    seen: set[str] = set()
    out: Errors = []
    with open(path, "rb") as f:
        for row, line in enumerate(f, start=1):
            if limit is not None and row > limit:
                break
            try:
                event = model.model_validate_json(line)
            except ValidationError as exc:
                for error in exc.errors(include_url=False, include_input=False):
                    if error["loc"]:
                        out.append((row, str(error["loc"][0]), error["type"]))
                    else:  # the model validator: its message names the columns
                        message = str(error["ctx"]["error"]) if "ctx" in error else error["msg"]
                        out += [(row, c, code) for c, code in _parse_problems(message)]
                continue
            value = getattr(event, key)
            if value in seen:
                out.append((row, key, "unique"))
            seen.add(value)
    return out
