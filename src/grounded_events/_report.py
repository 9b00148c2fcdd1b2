"""Validation results: one error with its stable code and location, and the report that holds them."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any


@dataclass(frozen=True, order=True, slots=True)
class Issue:
    """One problem in one file: where (file, line, field), which rule (code), expected vs actual."""

    file: str
    line: int | None
    field: str | None
    code: str
    message: str
    expected: str | None = None
    actual: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in FIELDS}


FIELDS = tuple(f.name for f in fields(Issue))


@dataclass
class Report:
    """Everything found in one validation run; `ok` when there is no error."""

    errors: list[Issue] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    truncated: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def codes(self) -> set[str]:
        return {e.code for e in self.errors}
