"""The published `events` schemas as the peers read them: Table Schema fields, list item rules."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from generate import SCHEMA_DIR


@cache
def table_schema() -> dict[str, Any]:
    """`schema/1.0.0/tables/events.tableschema.json`, as published."""
    schema: dict[str, Any] = json.loads(
        (SCHEMA_DIR / "events.tableschema.json").read_text(encoding="utf-8")
    )
    return schema


def fields() -> list[dict[str, Any]]:
    """The Table Schema's fields: name, type and constraints (required, enum, pattern, ...)."""
    return list(table_schema()["fields"])


def primary_key() -> list[str]:
    return list(table_schema()["primaryKey"])


@cache
def item_rules(name: str) -> dict[str, Any]:
    """The rules on the items of a list column; Table Schema has none, the JSON Schema has them."""
    schema = json.loads((SCHEMA_DIR / "events.schema.json").read_text(encoding="utf-8"))
    items = schema["properties"][name]["items"]
    if "$ref" in items:
        items = schema["$defs"][items["$ref"].rsplit("/", 1)[1]]
    return {k: v for k, v in items.items() if k in ("enum", "pattern", "maxLength", "minLength")}
