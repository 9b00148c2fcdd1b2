"""Structure checked strictly by the pydantic models, each pydantic error an Issue at its line."""

from __future__ import annotations

import json
from enum import Enum
from types import NoneType, UnionType
from typing import Annotated, Any, Literal, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from grounded_events._core.safe_yaml import Loc, path_text
from grounded_events._schema import models
from grounded_events._schema.wording import KINDS
from grounded_events._validation.codes import issue
from grounded_events._validation.issues import Issue
from grounded_events._validation.json_values import LargeInteger, find_in_json
from grounded_events._validation.kinds import ReadProblem
from grounded_events._validation.rules import TYPE_CHECKS
from grounded_events._validation.suggest import closest, one_of

M = TypeVar("M", bound=BaseModel)
# What a date is expected to be, in the words of the tables' date check.
DATE_EXPECTED = TYPE_CHECKS["date"].expected


def _shown(value: Any) -> str | None:
    # a long value is cut where an Issue is written (output.clip), not here
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def strict(model: type[M], data: Any) -> M:
    """`data` validated as the JSON it is, strictly: no text for numbers, no 0/1 for booleans,
    no 1.0 for integers, no number for text, as the published JSON Schema reads it."""
    try:
        text = json.dumps(data, ensure_ascii=False)
    except RecursionError:  # nested as deep as json.loads allows
        raise ReadProblem("GE120", variant="deep") from None
    except (ValueError, TypeError):  # an integer of over 4,300 digits (int or LargeInteger)
        loc = find_in_json(data, _long_integer)
        where = path_text(loc) if loc else None
        raise ReadProblem("GE120", field=where, where=where or "a value") from None
    return model.model_validate_json(text, strict=True)


def _long_integer(item: Any) -> bool:
    """Whether a value is an integer too long to write as text (~4,300 decimal digits)."""
    return isinstance(item, LargeInteger) or (isinstance(item, int) and item.bit_length() > 14_000)


# The lookups the models run after a code's pattern: their code and what they expect.
_LOOKUPS: dict[str, tuple[str, str]] = {
    "unknown_country": ("GE302", "an ISO 3166-1 alpha-3 country code"),
    "unknown_subdivision": ("GE303", "an ISO 3166-2 subdivision code"),
    "unknown_language": ("GE304", "an ISO 639-1 language code"),
}
# pydantic's bounds -> (what the issue expects, GE207's `how`)
_BOUNDS = {"ge": (">=", "small"), "gt": (">", "small"), "le": ("<=", "large"), "lt": ("<", "large")}
_MODELS: dict[str, type[BaseModel]] = {
    name: value
    for name, value in vars(models).items()
    if isinstance(value, type) and issubclass(value, BaseModel)
}


def _inner(kind: Any) -> Any:
    """A field's type without Annotated, `| None` and list around it."""
    while True:
        origin = get_origin(kind)
        if origin is Annotated or origin is list:
            kind = get_args(kind)[0]
        elif origin in (Union, UnionType):
            options = [a for a in get_args(kind) if a is not NoneType]
            if len(options) != 1:
                return kind
            kind = options[0]
        else:
            return kind


def _type_at(model: type[BaseModel], loc: Loc) -> Any:
    """The type the models expect at `loc` below `model` (None past what they define)."""
    kind: Any = model
    for step in loc:
        kind = _inner(kind)
        if isinstance(step, int):
            continue  # an item of a list: _inner has already stepped into it
        if not (isinstance(kind, type) and issubclass(kind, BaseModel)):
            return None
        if step not in kind.model_fields:
            return None
        kind = kind.model_fields[step].annotation
    return _inner(kind)


def _names(kind: Any) -> list[str]:
    """The values a vocabulary type allows, or the keys a model has, in their order."""
    if isinstance(kind, type) and issubclass(kind, Enum):
        return [str(member.value) for member in kind]
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        return list(kind.model_fields)
    if get_origin(kind) is Literal:
        return [str(value) for value in get_args(kind)]
    return []


def _wording(
    error: Any, model: type[BaseModel] | None, meant: str | None
) -> tuple[str, str, str, dict[str, Any]]:
    """(code, variant, expected, params) of one pydantic error, in the project's words;
    `meant` is the key an unknown key misspells."""
    kind, ctx, loc = error["type"], error.get("ctx") or {}, error["loc"]
    if kind == "missing":
        return "GE201", "", "a value", {}
    if kind == "extra_forbidden":
        keys = _names(_type_at(model, loc[:-1])) if model is not None else []
        if meant is None:
            return "GE202", "key", one_of(keys, "keys"), {}
        return "GE202", "key-suggest", one_of(keys, "keys"), {"suggestion": meant}
    if kind in ("enum", "literal_error"):
        values = _names(_type_at(model, loc)) if model is not None else []
        hint = closest(str(error.get("input")), values)
        expected = one_of(values) if values else "a value of the vocabulary"
        if hint is None:
            return "GE301", "", expected, {}
        return "GE301", "suggest", expected, {"suggestion": hint}
    if kind in _LOOKUPS:
        return _LOOKUPS[kind][0], "", _LOOKUPS[kind][1], {}
    if kind.startswith(("date", "datetime")):
        return "GE205", "", DATE_EXPECTED, {}
    if kind == "string_pattern_mismatch":
        return "GE206", "", f"text matching {ctx['pattern']}", {}
    for key, (word, how) in _BOUNDS.items():
        if key in ctx:
            return "GE207", "", f"{word} {ctx[key]}", {"how": how}
    if kind in ("string_too_short", "too_short", "string_too_long", "too_long"):
        short = "short" in kind
        size = ctx["min_length" if short else "max_length"]
        unit = "characters" if kind.startswith("string") else "items"
        return (
            "GE208",
            "",
            f"at {'least' if short else 'most'} {size} {unit}",
            {"how": "short" if short else "long"},
        )
    what = KINDS.get(kind, "a value of the type the schema gives it")
    return "GE204", "", what, {"kind": what}


def _misspelt_keys(errors: list[Any], model: type[BaseModel] | None) -> dict[Loc, str]:
    """The place of each unknown key that misspells a key of its mapping -> that key,
    preferably a missing one (then reported once, as the misspelling)."""
    missing = {e["loc"] for e in errors if e["type"] == "missing"}
    meant: dict[Loc, str] = {}
    for error in errors:
        loc = error["loc"]
        if error["type"] != "extra_forbidden" or model is None:
            continue
        keys = _names(_type_at(model, loc[:-1]))
        taken = {k for place, k in meant.items() if place[:-1] == loc[:-1]}
        absent = [k for k in keys if (*loc[:-1], k) in missing and k not in taken]
        key = closest(str(loc[-1]), absent) or closest(str(loc[-1]), keys)
        if key is not None:
            meant[loc] = key
    return meant


def pydantic_issues(
    exc: ValidationError, display: str, line_of: Any, prefix: Loc = ()
) -> list[Issue]:
    """The Issues of a pydantic ValidationError, each at its line and field path, worded by
    the project's codes (no pydantic message reaches the user)."""
    model = _MODELS.get(exc.title)
    errors = exc.errors()
    meant = _misspelt_keys(errors, model)
    said = {(*place[:-1], key) for place, key in meant.items()}
    out = []
    for error in errors:
        if error["type"] == "missing" and error["loc"] in said:
            continue  # said by the unknown key that misspells it
        loc = (*prefix, *error["loc"])
        code, variant, expected, params = _wording(error, model, meant.get(error["loc"]))
        if not loc:  # the document itself is not a mapping
            code, variant = "GE204", "top"
            params = {"kind": KINDS.get(error["type"], "a mapping of keys to values")}
        actual = None if error["type"] == "missing" else _shown(error.get("input"))
        out.append(
            issue(
                code,
                display,
                line_of(loc),
                path_text(loc) or None,
                expected=expected,
                actual=actual,
                variant=variant,
                **params,
            )
        )
    return out
