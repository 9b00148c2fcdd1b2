"""`grounded-events migrate`: move annotation files and tables between schema versions by steps."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import sys
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import pyarrow as pa
import pyarrow.parquet as pq
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import ScalarString
from ruamel.yaml.tokens import CommentToken

from grounded_events._core.atomic import write_bytes_atomic, write_text_atomic
from grounded_events._core.errors import GroundedEventsError
from grounded_events._core.safe_yaml import YamlDocument, YamlError, loads
from grounded_events._core.text import clip
from grounded_events._schema.versions import parse_version, schema_root, versions_in

VERSION_KEY = "schema_version"

# One change of a step: mutates the round-trip tree in place, or raises MigrationRefused.
Operation = Callable[[CommentedMap], None]
# The same for an exported table (CSV or Parquet): gets the table's name and its frame.
TableOperation = Callable[[str, "Frame"], None]
TABLE_SUFFIXES = (".csv", ".parquet")


class MigrationRefused(GroundedEventsError):
    """A step cannot carry a value over without losing it; nothing is written."""

    def __init__(self, field: str, line: int | None, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.line = line
        self.message = message


@dataclass(frozen=True)
class Step:
    """A declared migration from version `source` to version `target`."""

    source: str
    target: str
    summary: str
    operations: tuple[Operation, ...] = ()
    tables: tuple[TableOperation, ...] = ()


# Every declared step between published versions. 1.0.0 is the only published version, so there is
# nothing to declare yet; a release that needs one adds it here with a test in tests/test_migrate.py.
MIGRATIONS: tuple[Step, ...] = ()


def find_path(registry: Sequence[Step], source: str, target: str) -> list[Step]:
    """The shortest chain of steps from source to target; LookupError when there is none."""
    if source == target:
        return []
    came_from: dict[str, Step] = {}
    queue = deque([source])
    while queue:
        version = queue.popleft()
        for step in registry:
            if step.source != version or step.target in came_from or step.target == source:
                continue
            came_from[step.target] = step
            if step.target == target:
                chain = [step]
                while chain[0].source != source:
                    chain.insert(0, came_from[chain[0].source])
                return chain
            queue.append(step.target)
    raise LookupError(f"no migration from {source} to {target} is declared")


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
                    f"{_field(where, name)} is {json.dumps(_plain(mapping[name]))}, which the "
                    "target version cannot hold; migrating would drop it. Remove it by hand if "
                    "that is intended.",
                )
            mapping.ca.items.pop(name, None)
            del mapping[name]

    operation.__doc__ = f"drop {_field(at, name)} where empty"
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


def _plain(node: Any) -> Any:
    """JSON data of a YAML tree, dates as ISO strings (what the JSON Schemas validate)."""
    if isinstance(node, Mapping):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
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


def _dumps(yaml: YAML, tree: Any, explicit_start: bool) -> str:
    yaml.explicit_start = explicit_start
    buffer = io.StringIO()
    yaml.dump(tree, buffer)
    return buffer.getvalue()


def _round_trip(text: str) -> tuple[YAML, Any]:
    """The YAML settings that write text back unchanged (else the first style), and its tree."""
    explicit = text.lstrip().startswith("---")
    fallback: tuple[YAML, Any] | None = None
    for style in _STYLES:
        yaml = _yaml(*style)
        tree = yaml.load(text)
        if _dumps(yaml, tree, explicit) == text:
            return yaml, tree
        fallback = fallback or (yaml, tree)
    assert fallback is not None
    return fallback


@dataclass
class Result:
    """The outcome for one file: the steps taken and the new text, or why it was refused."""

    path: Path
    source: str | None = None
    steps: list[Step] = field(default_factory=list)
    text: str | None = None
    data: bytes | None = None  # a migrated table's bytes
    problems: list[str] = field(default_factory=list)


class MigrateUsageError(GroundedEventsError):
    """A request that cannot be met for any file (unknown version, unreadable path)."""


def _validator(root: Path, version: str) -> jsonschema.Draft202012Validator:
    path = root / version / "annotation.schema.json"
    try:
        schema = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise MigrateUsageError(f"{path}: cannot read the schema of {version} ({exc})") from None
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def _errors(
    name: str, lines: YamlDocument, data: Any, validator: jsonschema.Draft202012Validator
) -> list[str]:
    """file:line: field: message for each schema violation, first ones first."""
    found = []
    for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.path))):
        loc = tuple(error.absolute_path)
        where = ".".join(str(p) for p in loc) or "(root)"
        found.append(f"{name}:{lines.line_of(loc) or 1}: {clip(where)}: {clip(error.message)}")
    return found


def migrate_text(
    text: str,
    target: str,
    *,
    name: str = "<text>",
    source: str | None = None,
    registry: Sequence[Step] | None = None,
    root: Path | None = None,
) -> Result:
    """Migrate one annotation file's text to version target; Result.problems says why not."""
    root = root or schema_root()
    registry = MIGRATIONS if registry is None else registry
    result = Result(Path(name))
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
    before = _errors(name, doc, data, _validator(root, version))
    if before:
        result.problems += [f"{e} (not valid under {version}; fix it first)" for e in before[:5]]
        return result
    try:
        yaml, tree = _round_trip(text)
    except (YAMLError, ValueError) as exc:  # ValueError: a text like 0000-01-01 read as a date
        result.problems.append(f"{name}: not readable YAML: {str(exc).splitlines()[0]}")
        return result
    explicit = text.lstrip().startswith("---")
    for step in result.steps:
        try:
            for operation in step.operations:
                operation(tree)
        except MigrationRefused as exc:
            result.problems.append(
                f"{name}:{exc.line or 1}: {exc.field}: {exc.message} "
                f"(step {step.source} -> {step.target})"
            )
            return result
        if VERSION_KEY in tree:
            tree[VERSION_KEY] = _same_style(tree[VERSION_KEY], step.target)
        else:
            tree.insert(0, VERSION_KEY, step.target)
    migrated = _dumps(yaml, tree, explicit)
    after = _errors(name, loads(migrated), _plain(tree), _validator(root, target))
    if after:
        chain = " -> ".join([version, *(s.target for s in result.steps)])
        result.problems += [f"{e} (after migrating {chain}: a bug in the steps)" for e in after[:5]]
        return result
    result.text = migrated
    return result


def _files(paths: Sequence[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(
                p for p in path.rglob("*") if p.suffix in (".yaml", ".yml", *TABLE_SUFFIXES)
            )
        elif path.is_file():
            found.append(path)
        else:
            raise MigrateUsageError(f"{path}: no such file or folder")
    if not found:
        raise MigrateUsageError("no .yaml, .csv or .parquet files in the paths given")
    return found


def migrate_paths(
    paths: Sequence[Path],
    target: str,
    *,
    source: str | None = None,
    registry: Sequence[Step] | None = None,
    root: Path | None = None,
    write: bool = True,
) -> list[Result]:
    """Migrate every file; write them (atomically) only when none was refused."""
    root = root or schema_root()
    if parse_version(target) is None or not (root / target).is_dir():
        known = ", ".join(versions_in(root)) or "none"
        raise MigrateUsageError(f"unknown schema version {target}: published versions are {known}")
    results = []
    for path in _files(paths):
        try:
            if path.suffix in TABLE_SUFFIXES:
                result = migrate_table(path, target, source=source, registry=registry, root=root)
            else:
                text = path.read_text(encoding="utf-8")
                result = migrate_text(
                    text, target, name=str(path), source=source, registry=registry, root=root
                )
        except (OSError, UnicodeDecodeError) as exc:
            raise MigrateUsageError(f"{path}: unreadable ({exc})") from None
        result.path = path
        results.append(result)
    if write and not any(r.problems for r in results):
        for result in results:
            if result.text is not None:
                write_text_atomic(result.path, result.text)
            elif result.data is not None:
                write_bytes_atomic(result.path, result.data)
    return results


# --- tables -------------------------------------------------------------------------------------


class Frame:
    """An exported table being migrated: its column names and values, from CSV or Parquet."""

    def __init__(self, path: Path, data: bytes) -> None:
        self.path = path
        self.parquet = path.suffix == ".parquet"
        if self.parquet:
            self.arrow = pq.read_table(io.BytesIO(data))
        else:
            reader = csv.reader(io.StringIO(data.decode("utf-8"), newline=""))
            self.rows = list(reader)
            if not self.rows:
                raise MigrationRefused("(header)", 1, "an exported table starts with a header row")
            self.header = self.rows.pop(0)
            # Line of each row, for messages (a quoted cell may span lines).
            self.lines = self._lines(data.decode("utf-8"))

    @staticmethod
    def _lines(text: str) -> list[int]:
        reader = csv.reader(io.StringIO(text, newline=""))
        next(reader, None)
        lines, start = [], reader.line_num + 1
        for _ in reader:
            lines.append(start)
            start = reader.line_num + 1
        return lines

    @property
    def columns(self) -> list[str]:
        return list(self.arrow.column_names) if self.parquet else list(self.header)

    def values(self, column: str) -> list[Any]:
        if self.parquet:
            return self.arrow.column(column).to_pylist()
        index = self.header.index(column)
        return [row[index] for row in self.rows]

    def where(self, row: int) -> tuple[int | None, str]:
        """The line (CSV) and a readable position of a data row."""
        if self.parquet:
            return None, f"row {row + 1}"
        return self.lines[row], f"line {self.lines[row]}"

    def rename(self, old: str, new: str) -> None:
        if self.parquet:
            self.arrow = self.arrow.rename_columns([new if c == old else c for c in self.columns])
        else:
            self.header[self.header.index(old)] = new

    def drop(self, column: str) -> None:
        if self.parquet:
            self.arrow = self.arrow.drop_columns([column])
        else:
            index = self.header.index(column)
            del self.header[index]
            for row in self.rows:
                del row[index]

    def add(self, column: str, position: int, arrow_type: pa.DataType) -> None:
        """A new column with no values (null in Parquet, empty in CSV)."""
        if self.parquet:
            empty = pa.nulls(self.arrow.num_rows, type=arrow_type)
            self.arrow = self.arrow.add_column(position, pa.field(column, arrow_type), empty)
        else:
            self.header.insert(position, column)
            for row in self.rows:
                row.insert(position, "")

    def dump(self) -> bytes:
        """The bytes, written as the data package writes them (pinned Parquet options, "\\n")."""
        if self.parquet:
            from grounded_events._schema.table_parquet import write_parquet

            return write_parquet(self.arrow)
        from grounded_events._schema.table_csv import write_rows

        return write_rows([self.header, *self.rows])


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def rename_column(table: str, old: str, new: str) -> TableOperation:
    """Rename column `old` of `table` to `new`, keeping its place and every value."""

    def operation(name: str, frame: Frame) -> None:
        if name != table or old not in frame.columns:
            return
        if new in frame.columns:
            raise MigrationRefused(new, 1, f"cannot rename {old} to {new}: {new} exists already")
        frame.rename(old, new)

    operation.__doc__ = f"rename column {table}.{old} to {new}"
    return operation


def drop_column(table: str, column: str) -> TableOperation:
    """Remove `column` from `table`; refuse when a row holds a value in it."""

    def operation(name: str, frame: Frame) -> None:
        if name != table or column not in frame.columns:
            return
        for row, value in enumerate(frame.values(column)):
            if not _empty(value):
                line, where = frame.where(row)
                raise MigrationRefused(
                    column,
                    line,
                    f"{where} holds {json.dumps(value, default=str)}, which the target version "
                    "cannot hold; migrating would drop it",
                )
        frame.drop(column)

    operation.__doc__ = f"drop empty column {table}.{column}"
    return operation


def add_column(
    table: str, column: str, after: str | None = None, arrow_type: pa.DataType | None = None
) -> TableOperation:
    """Add an empty `column` to `table` after column `after` (first when None)."""

    def operation(name: str, frame: Frame) -> None:
        if name != table:
            return
        if column in frame.columns:
            raise MigrationRefused(column, 1, f"cannot add {column}: it exists already")
        position = frame.columns.index(after) + 1 if after in frame.columns else 0
        frame.add(column, position, arrow_type or pa.string())

    operation.__doc__ = f"add empty column {table}.{column}"
    return operation


def _columns(root: Path, version: str, table: str) -> list[str] | None:
    path = root / version / "tables" / f"{table}.schema.json"
    if not path.is_file():
        return None
    return list(json.loads(path.read_text(encoding="utf-8")).get("properties", {}))


def migrate_table(
    path: Path,
    target: str,
    *,
    source: str | None = None,
    registry: Sequence[Step] | None = None,
    root: Path | None = None,
) -> Result:
    """Migrate one exported table (CSV or Parquet) from version source to target."""
    root = root or schema_root()
    registry = MIGRATIONS if registry is None else registry
    result = Result(path, source=source)
    table = path.stem
    if source is None:
        result.problems.append(f"{path}: tables carry no schema_version; pass --from VERSION")
        return result
    if source == target:
        return result
    if (path.parent / "datapackage.json").exists():
        result.problems.append(
            f"{path}: part of a data package, whose datapackage.json and SHA256SUMS pin these "
            "bytes; migrate the annotations and rebuild it (grounded-events build), or download "
            "the release of the version you need"
        )
        return result
    expected = _columns(root, source, table)
    if expected is None:
        result.problems.append(f"{path}: {table} is not a table of schema {source}")
        return result
    try:
        result.steps = find_path(registry, source, target)
    except LookupError as exc:
        result.problems.append(f"{path}: {exc}")
        return result
    if not result.steps:
        return result
    try:
        frame = Frame(path, path.read_bytes())
    except (pa.ArrowException, csv.Error, UnicodeDecodeError) as exc:
        result.problems.append(f"{path}: not a readable table ({str(exc).splitlines()[0]})")
        return result
    except MigrationRefused as exc:
        result.problems.append(f"{path}:{exc.line or 1}: {exc.message}")
        return result
    if frame.columns != expected:
        result.problems.append(
            f"{path}:1: columns are not those of the {source} {table} table "
            f"(expected {', '.join(expected)}; found {', '.join(frame.columns)})"
        )
        return result
    for step in result.steps:
        try:
            for operation in step.tables:
                operation(table, frame)
        except MigrationRefused as exc:
            result.problems.append(
                f"{path}:{exc.line or 1}: {exc.field}: {exc.message} "
                f"(step {step.source} -> {step.target})"
            )
            return result
    wanted = _columns(root, target, table)
    if frame.columns != wanted:
        chain = " -> ".join([source, *(s.target for s in result.steps)])
        result.problems.append(
            f"{path}: after migrating {chain} the columns are {', '.join(frame.columns)}, not "
            f"those of {target} ({', '.join(wanted or [])}): a bug in the steps"
        )
        return result
    result.data = frame.dump()
    return result


# --- command line ------------------------------------------------------------------------------


def configure(parser: argparse.ArgumentParser) -> None:
    """`migrate --to VERSION [--from VERSION] [--dry-run] PATH...`."""
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files or folders")
    parser.add_argument("--to", required=True, metavar="VERSION", help="target schema version")
    parser.add_argument(
        "--from",
        dest="source",
        metavar="VERSION",
        help="version of files that have no schema_version key",
    )
    parser.add_argument("--dry-run", action="store_true", help="report, write nothing")


def run(args: argparse.Namespace) -> int:
    """Exit 0 when every file is at the target, 1 when one was refused (nothing written), 2 on
    misuse."""
    try:
        results = migrate_paths(args.paths, args.to, source=args.source, write=not args.dry_run)
    except MigrateUsageError as exc:
        print(f"grounded-events migrate: {exc}", file=sys.stderr)
        return 2
    refused = [r for r in results if r.problems]
    for result in results:
        for problem in result.problems:
            print(problem)
        if result.problems:
            continue
        if not result.steps:
            print(f"{result.path}: already {args.to}")
        else:
            chain = " -> ".join([result.source or "?", *(s.target for s in result.steps)])
            verb = "would migrate" if args.dry_run else "migrated"
            print(f"{result.path}: {verb} {chain}")
    if refused:
        print(f"{len(refused)} file(s) refused; no file was written", file=sys.stderr)
    return 1 if refused else 0
