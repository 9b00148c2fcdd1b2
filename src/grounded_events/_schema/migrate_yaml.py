"""Migrating annotation files: operations on the YAML tree that keep every line no step changes."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import ScalarString
from ruamel.yaml.tokens import CommentToken

from grounded_events._core.dataset_files import dataset_dir
from grounded_events._core.errors import UsageError
from grounded_events._core.safe_yaml import YamlDocument, YamlError, loads
from grounded_events._core.text import clip
from grounded_events._schema.migration import (
    VERSION_KEY,
    Member,
    MigrationRefused,
    Operation,
    Result,
    Step,
    find_path,
)
from grounded_events._schema.versions import schema_root

# --- operations ---------------------------------------------------------------------------------


def _parts(at: str) -> list[str]:
    return [p for p in at.replace("[]", ".[]").split(".") if p]


def _targets(tree: Any, at: str) -> Iterator[tuple[CommentedMap, str]]:
    """Every mapping at `at` ("" the root, "events[]" each event, "events[].date" their dates)."""

    def walk(node: Any, parts: list[str], where: str) -> Iterator[tuple[CommentedMap, str]]:
        if not parts:
            if isinstance(node, CommentedMap):
                yield node, where
            return
        head, rest = parts[0], parts[1:]
        if head == "[]":
            if isinstance(node, CommentedSeq):
                for index, item in enumerate(node):
                    yield from walk(item, rest, f"{where}[{index}]")
        elif isinstance(node, CommentedMap) and head in node:
            yield from walk(node[head], rest, f"{where}.{head}" if where else head)

    yield from walk(tree, _parts(at), "")


def _line(mapping: CommentedMap, key: str) -> int | None:
    position = mapping.lc.data.get(key)  # keys inserted by a step have no position
    return position[0] + 1 if position else None


def _field(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def rename_field(at: str, old: str, new: str) -> Operation:
    """Rename key `old` to `new` in every mapping at `at`, keeping its place and comments."""

    def operation(tree: CommentedMap) -> None:
        for mapping, where in _targets(tree, at):
            if old not in mapping:
                continue
            if new in mapping:
                raise MigrationRefused(
                    _field(where, new),
                    _line(mapping, new),
                    f"cannot rename {old} to {new}: {new} is already set, and one of the two "
                    "values would be lost",
                )
            position = list(mapping).index(old)
            comment = mapping.ca.items.pop(old, None)
            value = mapping.pop(old)
            mapping.insert(position, new, value)
            if comment is not None:
                _shift_end_comment(comment, len(new) - len(old))
                mapping.ca.items[new] = comment

    operation.__doc__ = f"rename {_field(at, old)} to {new}"
    return operation


def _shift_end_comment(entry: list[Any], delta: int) -> None:
    """Keep the gap before a comment at the end of a renamed key's line (ruamel keeps columns)."""
    token = entry[2] if len(entry) > 2 else None
    if isinstance(token, CommentToken) and token.start_mark is not None:
        token.column = max(0, token.column + delta)


def drop_field(at: str, name: str, empty: Sequence[Any] = (None, [], {})) -> Operation:
    """Remove `name` from every mapping at `at`; refuse where it holds a value other than `empty`."""

    def operation(tree: CommentedMap) -> None:
        for mapping, where in _targets(tree, at):
            if name not in mapping:
                continue
            if mapping[name] not in empty:
                raise MigrationRefused(
                    _field(where, name),
                    _line(mapping, name),
                    f"{_field(where, name)} is {json.dumps(plain(mapping[name]))}, which the "
                    "target version cannot hold; migrating would drop it. Remove it by hand if "
                    "that is intended.",
                )
            mapping.ca.items.pop(name, None)
            del mapping[name]

    operation.__doc__ = f"drop {_field(at, name)} where empty"
    return operation


def moved_field(at: str, name: str) -> Operation:
    """Remove `name` from every mapping at `at`, whatever it holds: for a value the step's dataset
    operation has carried into a dataset file (an actor into actors.yaml)."""

    def operation(tree: CommentedMap) -> None:
        for mapping, _ in _targets(tree, at):
            if name in mapping:
                mapping.ca.items.pop(name, None)
                del mapping[name]

    operation.__doc__ = f"move {_field(at, name)} to the dataset"
    return operation


def rename_value(at: str, name: str, mapping: Mapping[str, str]) -> Operation:
    """Replace coded values of `name` at `at` (a vocabulary change); keep other values."""

    def operation(tree: CommentedMap) -> None:
        for parent, _ in _targets(tree, at):
            value = parent.get(name)
            if isinstance(value, str) and value in mapping:
                parent[name] = _same_style(value, mapping[value])
            elif isinstance(value, CommentedSeq):
                for index, item in enumerate(value):
                    if isinstance(item, str) and item in mapping:
                        value[index] = _same_style(item, mapping[item])

    operation.__doc__ = f"recode {_field(at, name)}"
    return operation


def _same_style(old: Any, new: str) -> str:
    """new, quoted the way old was (a ScalarString subclass keeps its quotes on output)."""
    return type(old)(new) if isinstance(old, ScalarString) else new


# --- reading, migrating, writing ----------------------------------------------------------------


def plain(node: Any) -> Any:
    """JSON data of a YAML tree, dates as ISO strings (what the JSON Schemas validate)."""
    if isinstance(node, Mapping):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    if isinstance(node, dt.date):
        return node.isoformat()
    if isinstance(node, ScalarString):
        return str(node)
    return node


def _yaml(mapping: int, sequence: int, offset: int) -> YAML:
    yaml = YAML(typ="rt", pure=True)
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a long line the annotator wrote on one line
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


# Indentation styles tried in turn: the first that writes an unchanged file back byte for byte wins.
_STYLES = ((2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 6, 4), (4, 4, 0), (2, 4, 0))


def dumps(yaml: YAML, tree: Any, explicit_start: bool) -> str:
    yaml.explicit_start = explicit_start
    buffer = io.StringIO()
    yaml.dump(tree, buffer)
    return buffer.getvalue()


def round_trip(text: str) -> tuple[YAML, Any]:
    """The YAML settings that write text back unchanged (else the first style), and its tree."""
    explicit = text.lstrip().startswith("---")
    fallback: tuple[YAML, Any] | None = None
    for style in _STYLES:
        yaml = _yaml(*style)
        tree = yaml.load(text)
        if dumps(yaml, tree, explicit) == text:
            return yaml, tree
        fallback = fallback or (yaml, tree)
    assert fallback is not None
    return fallback


def validator(
    root: Path, version: str, name: str = "annotation"
) -> jsonschema.Draft202012Validator:
    """The JSON Schema `<name>.schema.json` of `version` under root, checking formats."""
    path = root / version / f"{name}.schema.json"
    try:
        schema = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"{path}: cannot read the schema of {version} ({exc})") from None
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def errors(
    name: str, lines: YamlDocument, data: Any, schema: jsonschema.Draft202012Validator
) -> list[str]:
    """file:line: field: message for each schema violation, first ones first."""
    found = []
    for error in sorted(schema.iter_errors(data), key=lambda e: list(map(str, e.path))):
        loc = tuple(error.absolute_path)
        where = ".".join(str(p) for p in loc) or "(root)"
        found.append(f"{name}:{lines.line_of(loc) or 1}: {clip(where)}: {clip(error.message)}")
    return found


@dataclass
class _Draft:
    """An annotation file on its way: its result so far, its tree and how to write it back."""

    result: Result
    member: Member
    yaml: YAML
    explicit: bool
    pending: list[Step]


def _start(
    path: Path,
    text: str,
    target: str,
    registry: Sequence[Step],
    source: str | None,
    root: Path,
) -> Result | _Draft:
    """The file's chain of steps and round-trip tree; a Result when there is nothing to do or it
    is refused."""
    name = str(path)
    result = Result(path)
    try:
        # the project's safe reader first: duplicate keys, tags, merge keys, deep nesting and
        # alias bombs are refused before the round-trip reader sees the text
        doc = loads(text)
    except YamlError as exc:
        where = f" {exc.field}:" if exc.field else ""
        result.problems.append(f"{name}:{exc.line or 1}:{where} not readable YAML: {exc.problem}")
        return result
    data = doc.data
    if not isinstance(data, dict):
        result.problems.append(f"{name}:1: an annotation file is a mapping of keys to values")
        return result
    declared = data.get(VERSION_KEY)
    if declared is not None and source is not None and str(declared) != source:
        result.problems.append(
            f"{name}:{doc.line_of((VERSION_KEY,))}: {VERSION_KEY}: the file says {declared} "
            f"but --from says {source}"
        )
        return result
    version = str(declared) if declared is not None else source
    if version is None:
        result.problems.append(
            f"{name}:1: {VERSION_KEY}: missing; say which version the file follows with --from"
        )
        return result
    result.source = version
    if version == target:
        return result
    try:
        result.steps = find_path(registry, version, target)
    except LookupError as exc:
        result.problems.append(f"{name}: {exc}")
        return result
    # valid under its version (real dates included) before the round-trip reader builds dates
    before = errors(name, doc, data, validator(root, version))
    if before:
        result.problems += [f"{e} (not valid under {version}; fix it first)" for e in before[:5]]
        return result
    try:
        yaml, tree = round_trip(text)
    except (YAMLError, ValueError) as exc:  # ValueError: a text like 0000-01-01 read as a date
        result.problems.append(f"{name}: not readable YAML: {str(exc).splitlines()[0]}")
        return result
    explicit = text.lstrip().startswith("---")
    return _Draft(result, Member(path, text, tree), yaml, explicit, list(result.steps))


def _apply(draft: _Draft, step: Step) -> None:
    """Step's operations on the draft's tree, and its version stamped; a refusal is a problem."""
    tree, name = draft.member.tree, draft.member.path
    try:
        for operation in step.operations:
            operation(tree)
    except MigrationRefused as exc:
        draft.result.problems.append(
            f"{name}:{exc.line or 1}: {exc.field}: {exc.message} "
            f"(step {step.source} -> {step.target})"
        )
        draft.pending.clear()
        return
    if VERSION_KEY in tree:
        tree[VERSION_KEY] = _same_style(tree[VERSION_KEY], step.target)
    else:
        tree.insert(0, VERSION_KEY, step.target)


# The editor hint a file may start with (GE607): groups are the address up to the version, the
# version, and the schema's file name.
SCHEMA_LINE = re.compile(r"#\s*yaml-language-server:\s*\$schema=(\S*/)(\d+\.\d+\.\d+)/([^/\s]+)\s*")


def _finish(draft: _Draft, root: Path, target: str) -> None:
    """The migrated text, its schema line naming the target, checked against the target's schema."""
    result = draft.result
    migrated = dumps(draft.yaml, draft.member.tree, draft.explicit)
    first, rest = migrated.split("\n", 1) if "\n" in migrated else (migrated, "")
    line = SCHEMA_LINE.fullmatch(first)
    if line is not None and line[2] == result.source:
        migrated = f"{first[: line.start(2)]}{target}{first[line.end(2) :]}\n{rest}"
    after = errors(
        str(result.path), loads(migrated), plain(draft.member.tree), validator(root, target)
    )
    if after:
        chain = " -> ".join([result.source or "?", *(s.target for s in result.steps)])
        result.problems += [f"{e} (after migrating {chain}: a bug in the steps)" for e in after[:5]]
        return
    result.text = migrated


def _next_step(drafts: Sequence[_Draft]) -> Step:
    """The step to take next: the next one of the file furthest from the target, so that every
    file reaches a step before its dataset operation runs over them together."""
    return max(drafts, key=lambda d: len(d.pending)).pending[0]


def migrate_texts(
    files: Sequence[tuple[Path, str]],
    target: str,
    *,
    registry: Sequence[Step],
    source: str | None = None,
    root: Path | None = None,
) -> list[Result]:
    """Migrate annotation files (path, text) to version target together: one Result per file,
    then one per dataset file a step writes. Result.problems says why one was refused."""
    root = root or schema_root()
    results: list[Result] = []
    drafts: list[_Draft] = []
    for path, text in files:
        started = _start(path, text, target, registry, source, root)
        if isinstance(started, _Draft):
            drafts.append(started)
            started = started.result
        results.append(started)
    extras: list[Result] = []
    while moving := [d for d in drafts if d.pending]:
        step = _next_step(moving)
        members = [d for d in moving if d.pending[0] is step]
        if step.dataset is not None:
            folders: dict[Path, list[Member]] = {}
            for draft in members:
                folders.setdefault(dataset_dir(draft.member.path), []).append(draft.member)
            for folder, group in folders.items():
                extras += step.dataset(folder, group)
        for draft in members:
            draft.pending.pop(0)
            _apply(draft, step)
    for draft in drafts:
        if not draft.result.problems:
            _finish(draft, root, target)
    for extra in extras:  # checked against the schema of the version its step wrote it in
        version = extra.source or target
        if extra.text is not None and (root / version / f"{extra.path.stem}.schema.json").is_file():
            schema = validator(root, version, extra.path.stem)
            doc = loads(extra.text)
            found = errors(str(extra.path), doc, plain(doc.data), schema)
            extra.problems += [f"{e} (a bug in the steps)" for e in found[:5]]
    return results + extras
