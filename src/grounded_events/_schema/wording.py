"""A pydantic error of the models in the project's words: for the seeds index, `add` and `build`, and the validator's names of kinds."""

from __future__ import annotations

from typing import get_args

from pydantic import ValidationError
from pydantic_core import ErrorDetails
from pydantic_core.core_schema import ErrorType

from grounded_events._schema.models import LANGUAGE, SHA256, SLUG, URL

# pydantic's own error types; any other type is one the models raise, worded by the project
_PYDANTIC = frozenset(get_args(ErrorType))
# What a value of a pattern the models use looks like.
_PATTERNS = {
    SLUG: "lowercase letters and digits, in words joined by '-' (e.g. example-news-20240202)",
    URL: "an http:// or https:// address",
    LANGUAGE: "an ISO 639-1 language code: two lowercase letters (e.g. en)",
    SHA256: "a SHA-256 digest: 64 lowercase hexadecimal digits",
}
# What a value of each kind pydantic checks is called: in these messages and the validator's GE204.
KINDS: dict[str, str] = {
    "string_type": "text",
    "int_type": "an integer",
    "int_from_float": "an integer",
    "int_parsing": "an integer",
    "float_type": "a number",
    "float_parsing": "a number",
    "finite_number": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list",
    "model_type": "a mapping of keys to values",
    "dict_type": "a mapping of keys to values",
    "model_attributes_type": "a mapping of keys to values",
    "none_required": "empty (null)",
}


def words(error: ErrorDetails) -> str:
    """What is wrong with the value, e.g. "should be an http:// or https:// address"."""
    kind, ctx = error["type"], error.get("ctx", {})
    if kind not in _PYDANTIC:
        return error["msg"]  # raised by the models with the project's own message
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a key of the schema"
    if kind == "string_pattern_mismatch":
        pattern = str(ctx["pattern"])
        return "should be " + _PATTERNS.get(pattern, f"text matching {pattern}")
    if kind in ("enum", "literal_error"):
        return f"should be {ctx['expected']}"
    if kind.startswith(("date", "datetime")):
        return "should be a date written YYYY-MM-DD"
    if kind in ("string_too_short", "too_short"):
        return f"should have at least {ctx['min_length']} characters or items"
    if kind in ("string_too_long", "too_long"):
        return f"should have at most {ctx['max_length']} characters or items"
    if kind in KINDS:
        return f"should be {KINDS[kind]}"
    return f"is not valid ({kind.replace('_', ' ')})"


def first_error(exc: ValidationError) -> tuple[str, str]:
    """The first error of a validation: where it is (dotted path) and what is wrong, worded."""
    first = exc.errors()[0]
    return ".".join(str(p) for p in first["loc"]), words(first)
