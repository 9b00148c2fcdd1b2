"""Safe YAML reading that keeps the line of every key, so errors can point at the file and line."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError, YAMLError

Loc = tuple[str | int, ...]


class YamlError(Exception):
    """Unreadable YAML: `line` (1-based) and `problem` say where and what."""

    def __init__(self, problem: str, line: int | None, kind: str = "malformed") -> None:
        super().__init__(problem)
        self.problem = problem
        self.line = line
        self.kind = kind  # "malformed", "duplicate_key" or "tag"


@dataclass
class YamlDocument:
    """Plain Python data (dicts, lists, scalars) with the 1-based line of every path in it."""

    data: Any
    lines: dict[Loc, int] = field(default_factory=dict)

    def line_of(self, loc: Loc) -> int | None:
        """The line of `loc`, or of its nearest ancestor that has one."""
        loc = tuple(loc)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get((), None)


MAX_NODES = 1_000_000

_CORE_TAGS = {
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp")
}


def _tag(node: Any) -> str | None:
    tag = getattr(node, "tag", None)
    return getattr(tag, "value", None) if tag is not None else None


def _plain(node: Any, loc: Loc, lines: dict[Loc, int]) -> Any:
    tag = _tag(node)
    if tag is not None and tag not in _CORE_TAGS:
        # An explicit application tag (!!python/..., !custom): never construct objects from it.
        raise YamlError(f"YAML tag {tag!r} is not allowed", lines.get(loc), "tag")
    if len(lines) > MAX_NODES:
        raise YamlError(f"more than {MAX_NODES} YAML nodes (alias expansion?)", None, "malformed")
    if isinstance(node, TaggedScalar):
        return str(node.value)  # only !!str reaches here: other tags were refused above
    if isinstance(node, CommentedMap):
        out = {}
        for key, value in node.items():
            child = (*loc, str(key))
            position = node.lc.key(key)
            lines[child] = position[0] + 1 if position else lines.get(loc, 1)
            out[str(key)] = _plain(value, child, lines)
        return out
    if isinstance(node, CommentedSeq):
        out_list = []
        for index, value in enumerate(node):
            child = (*loc, index)
            position = node.lc.item(index)
            lines[child] = position[0] + 1 if position else lines.get(loc, 1)
            out_list.append(_plain(value, child, lines))
        return out_list
    return node


def _loader() -> YAML:
    yaml = YAML(typ="rt", pure=True)
    yaml.allow_duplicate_keys = False
    return yaml


def loads(text: str) -> YamlDocument:
    """Parse YAML text safely: no object construction, no duplicate keys, lines kept."""
    try:
        node = _loader().load(text)
    except DuplicateKeyError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise YamlError(_first_line(exc.problem or str(exc)), line, "duplicate_key") from None
    except MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        message = exc.problem or exc.context or str(exc)
        kind = "tag" if "tag" in message else "malformed"
        raise YamlError(_first_line(message), line, kind) from None
    except YAMLError as exc:
        raise YamlError(_first_line(str(exc)), None) from None
    lines: dict[Loc, int] = {(): 1}
    return YamlDocument(_plain(node, (), lines), lines)


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else "invalid YAML"
