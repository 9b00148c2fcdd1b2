"""JSON read strictly: duplicate keys, NaN and lone surrogates refused, errors at their line."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from typing import Any

from grounded_events._validation.kinds import ReadProblem


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


class LargeInteger:
    """A JSON integer too long for Python to read (over 4,300 digits): kept as its digits."""

    def __init__(self, digits: str) -> None:
        self.digits = digits

    def __str__(self) -> str:
        return self.digits

    def __repr__(self) -> str:
        return self.digits


def _integer(digits: str) -> int | LargeInteger:
    limit = sys.get_int_max_str_digits()
    return LargeInteger(digits) if limit and len(digits) > limit else int(digits)


def _not_json(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


# A \uD800-\uDFFF escape: half of a surrogate pair, which alone is no character (no UTF-8).
SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")
SURROGATE_BYTES = re.compile(SURROGATE.pattern.encode())


def find_in_json(value: Any, hit: Callable[[Any], bool]) -> tuple[str | int, ...] | None:
    """The path of the first value of parsed JSON (in document order) for which `hit` is true,
    or None. A hit on a key gives the path of its mapping. Iterative: any depth json.loads
    returns is walked."""
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), value)]
    while stack:
        loc, item = stack.pop()
        if hit(item):
            return loc
        if isinstance(item, dict):
            stack += [((*loc, k), v) for k, v in reversed(item.items())]
            stack += [(loc, k) for k in reversed(item)]
        elif isinstance(item, list):
            stack += [((*loc, i), v) for i, v in reversed(list(enumerate(item)))]
    return None


def _lone_surrogate(item: Any) -> bool:
    """Whether a value is text holding half of a surrogate pair (no UTF-8 for it)."""
    if not isinstance(item, str):
        return False
    try:
        item.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def parse_json(text: str, line_offset: int = 0) -> Any:
    """JSON with duplicate keys and NaN/Infinity refused; errors carry their line. An integer
    too long for Python (over 4,300 digits) is a LargeInteger, not a ValueError."""
    try:
        value = json.loads(
            text, object_pairs_hook=_no_duplicates, parse_int=_integer, parse_constant=_not_json
        )
        if SURROGATE.search(text) and find_in_json(value, _lone_surrogate) is not None:
            raise ValueError("a \\uD800-\\uDFFF escape without its pair is no character")
        return value
    except _DuplicateKey as exc:
        raise ReadProblem("GE106", line_offset + 1 or None, key=exc.key) from None
    except json.JSONDecodeError as exc:
        raise ReadProblem(
            "GE108", line_offset + exc.lineno, reason=exc.msg, column=exc.colno
        ) from None
    except RecursionError:
        raise ReadProblem("GE108", line_offset + 1, variant="deep") from None
    except ValueError as exc:  # NaN, Infinity
        raise ReadProblem("GE108", line_offset + 1, variant="value", reason=exc) from None
