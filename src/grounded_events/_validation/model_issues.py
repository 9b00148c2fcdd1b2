"""Structure checked strictly by the pydantic models, each pydantic error an Issue at its line."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from grounded_events._core.safe_yaml import Loc, path_text
from grounded_events._validation.codes import issue
from grounded_events._validation.issues import Issue
from grounded_events._validation.json_values import LargeInteger, find_in_json
from grounded_events._validation.kinds import ReadProblem

M = TypeVar("M", bound=BaseModel)

# pydantic error type -> error code
PYDANTIC_CODES: dict[str, str] = {
    "missing": "GE201",
    "extra_forbidden": "GE202",
    "string_pattern_mismatch": "GE206",
    "greater_than_equal": "GE207",
    "less_than_equal": "GE207",
    "greater_than": "GE207",
    "less_than": "GE207",
    "string_too_short": "GE208",
    "string_too_long": "GE208",
    "too_short": "GE208",
    "too_long": "GE208",
    "enum": "GE301",
    "literal_error": "GE301",
    "unknown_country": "GE302",
    "unknown_subdivision": "GE303",
    "unknown_language": "GE304",
}


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


def _code(error_type: str) -> str:
    if error_type in PYDANTIC_CODES:
        return PYDANTIC_CODES[error_type]
    if error_type.startswith("date") or error_type.startswith("datetime"):
        return "GE205"
    return "GE204"


def _expected(error: Any) -> str:
    ctx = error.get("ctx") or {}
    if "pattern" in ctx:
        return f"text matching {ctx['pattern']}"
    if "expected" in ctx:
        return f"one of {ctx['expected']}"
    for key, word in (("ge", ">="), ("le", "<="), ("gt", ">"), ("lt", "<")):
        if key in ctx:
            return f"{word} {ctx[key]}"
    if "min_length" in ctx:
        return f"at least {ctx['min_length']} {'items' if 'field_type' in ctx else 'characters'}"
    if "max_length" in ctx:
        return f"at most {ctx['max_length']} {'items' if 'field_type' in ctx else 'characters'}"
    if error["type"] in _LOOKUP_EXPECTED:
        return _LOOKUP_EXPECTED[error["type"]]
    if error["type"] == "missing":
        return "a value"
    if error["type"] == "extra_forbidden":
        return "no such field"
    return str(error["msg"]).replace("Input should be ", "")


_LOOKUP_EXPECTED = {
    "unknown_country": "an ISO 3166-1 alpha-3 country code",
    "unknown_subdivision": "an ISO 3166-2 subdivision code",
    "unknown_language": "an ISO 639-1 language code",
}


def pydantic_issues(
    exc: ValidationError, display: str, line_of: Any, prefix: Loc = ()
) -> list[Issue]:
    """The Issues of a pydantic ValidationError, each at its line and field path."""
    out = []
    for error in exc.errors():
        loc = (*prefix, *error["loc"])
        where = path_text(loc)
        actual = None if error["type"] == "missing" else _shown(error.get("input"))
        out.append(
            issue(
                _code(error["type"]),
                display,
                line_of(loc),
                where,
                expected=_expected(error),
                actual=actual,
                variant="model" if where else "model-top",
                reason=error["msg"],
            )
        )
    return out
