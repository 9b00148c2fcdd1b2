"""The schema diff: load two versions' JSON Schemas, classify every change, say the bump it needs."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import jsonschema

from grounded_events._core.version import SCHEMA_VERSION
from grounded_events._schema.versions import (
    SchemaSourceError,
    parse_version,
    schema_root,
    versions_in,
)

# Compatibility in the Confluent Schema Registry sense, judged on the sets of valid files:
# BACKWARD  readers of NEW accept every file valid under OLD (old files stay valid),
# FORWARD   readers of OLD accept every file valid under NEW (new files are readable by old tools),
# FULL      both, NONE neither (breaking in both directions).
FULL, BACKWARD, FORWARD, NONE = "FULL", "BACKWARD", "FORWARD", "NONE"
BUMPS = ("none", "patch", "minor", "major")
# The promise: a file valid under X.Y.Z stays valid under every later X.*. So the bump a change needs:
# - major: any change that can make a valid old file invalid (not BACKWARD), and changes of meaning
#   that keep validity (a renamed field, a changed default);
# - minor: BACKWARD but not FULL: old files stay valid, new files may use something old tools refuse;
# - patch: FULL: the same files are valid (descriptions, titles);
# - none: no change.

# Every kind of change the diff reports (a kind the type does not list fails type checking).
Kind = Literal[
    "schema_added",
    "schema_removed",
    "field_added_optional",
    "field_added_required",
    "field_removed",
    "field_renamed",
    "type_widened",
    "type_narrowed",
    "type_changed",
    "enum_value_added",
    "enum_value_removed",
    "constraint_tightened",
    "constraint_loosened",
    "constraint_changed",
    "default_changed",
    "default_added",
    "description_changed",
]

# Kinds that change what a valid file means even when the set of valid files does not shrink: a file
# that omits a field now reads as another value, or its data lives under another name.
SEMANTIC_KINDS: frozenset[Kind] = frozenset({"default_changed", "field_renamed"})

RENAMED_FROM = "x-renamed-from"  # declared in the models: Field(json_schema_extra={...: "old"})
CURRENT = "current"

_ANNOTATIONS = (
    "title",
    "description",
    "enumDescriptions",
    "examples",
    "$comment",
    "deprecated",
    "readOnly",
    "writeOnly",
)
_LOWER_BOUNDS = ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties")
_UPPER_BOUNDS = ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties")
_EXACT = ("pattern", "format", "multipleOf", "const")
# Keywords the diff understands; a change in any other keyword (allOf, not, if/then, prefixItems...)
# is reported as constraint_changed, so an unanalysed change can never pass as compatible.
_UNDERSTOOD = frozenset(
    {
        *_ANNOTATIONS,
        *_LOWER_BOUNDS,
        *_UPPER_BOUNDS,
        *_EXACT,
        "$schema",
        "$id",
        "$defs",
        "$ref",
        RENAMED_FROM,
        "default",
        "type",
        "anyOf",
        "oneOf",
        "enum",
        "uniqueItems",
        "properties",
        "required",
        "additionalProperties",
        "items",
    }
)


# --- versions and where published schemas live -------------------------------------------------


def declared_bump(old: str | None, new: str | None) -> str | None:
    """The bump from version old to new: major, minor, patch or none; None when unknown."""
    a, b = parse_version(old or ""), parse_version(new or "")
    if a is None or b is None:
        return None
    if b <= a:
        return "none"
    if b[0] != a[0]:
        return "major"
    return "minor" if b[1] != a[1] else "patch"


# --- loading the schemas of a version ----------------------------------------------------------


@dataclass
class SchemaSet:
    """The JSON Schemas of one version, by path relative to the version folder."""

    label: str
    version: str | None
    schemas: dict[str, dict[str, Any]]


def _is_record_schema(name: str) -> bool:
    # Frictionless tableschema.json and codebook.md are generated from the same models; the JSON
    # Schemas are what validators read, so they are what the promise is about.
    return name.endswith(".schema.json") and name.count("/") <= 1


def _version_of(schemas: Mapping[str, Mapping[str, Any]], fallback: str) -> str | None:
    for schema in schemas.values():
        # the first X.Y.Z between two slashes of the $id (.../schema/1.0.0/event.schema.json)
        inner = str(schema.get("$id", "")).split("/")[1:-1]
        found = next((part for part in inner if parse_version(part)), None)
        if found:
            return found
    return fallback if parse_version(fallback) else None


def _parse(label: str, name: str, text: str) -> dict[str, Any]:
    """A JSON Schema document, checked against the Draft 2020-12 meta-schema: the diff may then
    rely on every keyword having its type."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SchemaSourceError(
            f"{label}/{name}: not JSON (line {exc.lineno}: {exc.msg})"
        ) from None
    except (ValueError, RecursionError) as exc:  # a 5,000-digit number; 1,000 levels of nesting
        raise SchemaSourceError(f"{label}/{name}: not readable JSON ({exc})") from None
    if not isinstance(data, dict):
        raise SchemaSourceError(f"{label}/{name}: a JSON Schema must be an object")
    try:
        jsonschema.Draft202012Validator.check_schema(data)
    except jsonschema.SchemaError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "(root)"
        raise SchemaSourceError(
            f"{label}/{name}: not a valid JSON Schema at {where}: {exc.message[:200]}"
        ) from None
    except RecursionError:
        raise SchemaSourceError(f"{label}/{name}: nested too deeply to compare") from None
    return data


def schemas_from_texts(label: str, texts: Mapping[str, str], version: str | None) -> SchemaSet:
    """A SchemaSet from file texts by relative path (e.g. the output of generate.artifacts)."""
    schemas = {n: _parse(label, n, t) for n, t in sorted(texts.items()) if _is_record_schema(n)}
    return SchemaSet(label, version or _version_of(schemas, ""), schemas)


def schemas_from_folder(folder: Path, label: str | None = None) -> SchemaSet:
    """The JSON Schemas in folder (annotation, event, document, tables/*)."""
    label = label or str(folder)
    if not folder.is_dir():
        raise SchemaSourceError(f"{label}: not a folder of schema files")
    texts: dict[str, str] = {}
    for path in sorted([*folder.glob("*.schema.json"), *folder.glob("tables/*.schema.json")]):
        name = path.relative_to(folder).as_posix()
        try:
            texts[name] = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise SchemaSourceError(f"{label}/{name}: unreadable ({exc})") from None
    if not texts:
        raise SchemaSourceError(f"{label}: no *.schema.json files in this folder")
    schemas = {n: _parse(label, n, t) for n, t in texts.items()}
    return SchemaSet(label, _version_of(schemas, folder.name), schemas)


def current_texts(version: str | None = None) -> dict[str, str]:
    """Every artifact the models generate now (schema/<SCHEMA_VERSION>/ as it would be written)."""
    # Imported here: comparing two folders never pays for building the pydantic models.
    from grounded_events._schema.generate import artifacts

    return artifacts(version or SCHEMA_VERSION)


def load_source(spec: str, root: Path | None = None) -> SchemaSet:
    """`current`, a published version (`1.0.0`) under root, or a folder path."""
    if spec == CURRENT:
        return schemas_from_texts(CURRENT, current_texts(), SCHEMA_VERSION)
    root = root or schema_root()
    if parse_version(spec):
        folder = root / spec
        if not folder.is_dir():
            known = ", ".join(versions_in(root)) or "none"
            raise SchemaSourceError(
                f"unknown schema version {spec}: published versions are {known} (in {root})"
            )
        return schemas_from_folder(folder, spec)
    path = Path(spec)
    if not path.exists():
        raise SchemaSourceError(
            f"{spec}: neither 'current', a version like 1.0.0, nor an existing folder"
        )
    return schemas_from_folder(path, spec)


# --- the diff ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One difference between two schemas, classified."""

    file: str
    path: str
    kind: Kind
    detail: str
    compatibility: str

    @property
    def bump(self) -> str:
        """The smallest version bump this change needs (the policy above BUMPS)."""
        if self.kind in SEMANTIC_KINDS:
            return "major"
        return {FULL: "patch", BACKWARD: "minor"}.get(self.compatibility, "major")

    def as_dict(self) -> dict[str, Any]:
        """JSON form, with the two reader/writer questions spelled out."""
        return {
            "file": self.file,
            "path": self.path or "(root)",
            "kind": self.kind,
            "detail": self.detail,
            "compatibility": self.compatibility,
            "new_readers_accept_old_files": self.compatibility in (FULL, BACKWARD),
            "old_readers_accept_new_files": self.compatibility in (FULL, FORWARD),
            "bump": self.bump,
        }


def combine(compatibilities: Sequence[str]) -> str:
    """The compatibility of several changes taken together."""
    backward = all(c in (FULL, BACKWARD) for c in compatibilities)
    forward = all(c in (FULL, FORWARD) for c in compatibilities)
    return {(True, True): FULL, (True, False): BACKWARD, (False, True): FORWARD}.get(
        (backward, forward), NONE
    )


def max_bump(bumps: Sequence[str]) -> str:
    """The largest of several bumps ("none" for no bumps)."""
    return max(bumps, key=BUMPS.index, default="none")


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _child(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, list):
        return "array"
    return "object" if isinstance(value, dict) else "string"


# Levels of nested schemas compared; the published ones have fewer than 10.
MAX_DEPTH = 100


class _Differ:
    """Walks two JSON Schemas side by side, resolving local $refs, and collects Changes."""

    def __init__(
        self,
        file: str,
        old_root: dict[str, Any],
        new_root: dict[str, Any],
        versions: tuple[str | None, str | None] = (None, None),
    ) -> None:
        self.file = file
        self.roots = (old_root, new_root)
        self.versions = versions
        self.changes: list[Change] = []
        self._stack: set[tuple[str, str]] = set()
        self._depth = 0

    def add(self, path: str, kind: Kind, detail: str, compatibility: str) -> None:
        self.changes.append(Change(self.file, path, kind, detail, compatibility))

    def resolve(self, node: Any, side: int) -> tuple[dict[str, Any], str]:
        """The node with its $ref chain (if any) merged in, and the first ref followed ("" for
        none); a chain that comes back to a ref it followed is refused."""
        chain: list[str] = []
        layers: list[dict[str, Any]] = []
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if ref in chain:
                cycle = " -> ".join([*chain[chain.index(ref) :], ref])
                raise SchemaSourceError(f"{self.file}: $ref cycle {cycle}")
            chain.append(ref)
            layers.append({k: v for k, v in node.items() if k != "$ref"})
            node = self._target(ref, side)
        if not isinstance(node, dict):
            node = {} if node is True else {"not": {}}
        for siblings in reversed(layers):  # a ref's siblings win over what it points to
            node = {**node, **siblings}
        return node, chain[0] if chain else ""

    def _target(self, ref: str, side: int) -> Any:
        if not ref.startswith("#"):
            raise SchemaSourceError(f"{self.file}: only local $refs are supported, found {ref}")
        target: Any = self.roots[side]
        for part in ref.lstrip("#").strip("/").split("/") if ref != "#" else []:
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(target, dict) or part not in target:
                raise SchemaSourceError(f"{self.file}: $ref {ref} points nowhere")
            target = target[part]
        return target

    def branches(self, node: dict[str, Any], side: int) -> tuple[dict[str, dict[str, Any]], bool]:
        """The node's alternatives by JSON type, and whether it accepts null."""
        options = node.get("anyOf") or node.get("oneOf")
        if options is not None:
            resolved = [self.resolve(o, side) for o in options]
        elif isinstance(node.get("type"), list):
            resolved = [({**node, "type": t}, "") for t in node["type"]]
        else:
            resolved = [(node, "")]
        typed: list[tuple[str, dict[str, Any], str]] = []
        nullable = False
        for option, ref in resolved:
            kind = option.get("type")
            if kind is None and "enum" in option:
                types = {_json_type(v) for v in option["enum"]}
                nullable = nullable or "null" in types
                types.discard("null")
                kind = types.pop() if len(types) == 1 else None
            if kind is None and "const" in option:
                kind = _json_type(option["const"])
            if kind is None:
                kind = (
                    "object" if "properties" in option else "array" if "items" in option else "any"
                )
            if kind == "null":
                nullable = True
                continue
            typed.append((kind, option, ref))
        # Alternatives are matched by JSON type; several of one type (a union of models) by their
        # $ref or title, so that each is compared with its counterpart.
        counts = [kind for kind, _, _ in typed]
        by_type: dict[str, dict[str, Any]] = {}
        for index, (kind, option, ref) in enumerate(typed):
            if counts.count(kind) > 1:
                kind = f"{kind} {ref.split('/')[-1] or option.get('title') or index}"
            by_type[kind] = option
        return by_type, nullable

    def annotations(
        self,
        path: str,
        old: tuple[dict[str, Any], dict[str, Any] | None],
        new: tuple[dict[str, Any], dict[str, Any] | None],
    ) -> None:
        """Compare titles and descriptions of a node and of its matching alternative (if any)."""
        for key in _ANNOTATIONS:
            before = (old[0].get(key), (old[1] or {}).get(key))
            after = (new[0].get(key), (new[1] or {}).get(key))
            if before != after:
                self.add(path, "description_changed", f"{key} changed", FULL)

    def node(self, path: str, old_raw: Any, new_raw: Any, carried: bool = False) -> None:
        """Compare two schema nodes found at the same path; carried: every old file has a value
        here (a required property), so no old file reads differently when a default appears."""
        old, old_ref = self.resolve(old_raw, 0)
        new, new_ref = self.resolve(new_raw, 1)
        key = (old_ref, new_ref)
        if (old_ref or new_ref) and key in self._stack:
            return  # a recursive definition already being compared on this path
        if self._depth >= MAX_DEPTH:
            raise SchemaSourceError(
                f"{self.file}: {path}: nested deeper than {MAX_DEPTH} levels, too deep to compare"
            )
        self._stack.add(key)
        self._depth += 1
        try:
            self._node(path, old, new, carried)
        finally:
            self._stack.discard(key)
            self._depth -= 1

    def _node(self, path: str, old: dict[str, Any], new: dict[str, Any], carried: bool) -> None:
        # A field whose default is the schema's own version (AnnotationFile.schema_version) moves
        # with every release; that is the version stamp, not a change of meaning.
        stamp = (
            None not in self.versions and (old.get("default"), new.get("default")) == self.versions
        )
        defaults = (("default" in old, old.get("default")), ("default" in new, new.get("default")))
        if defaults[0] != defaults[1] and not stamp:
            before = _show(old["default"]) if "default" in old else "no default"
            after = _show(new["default"]) if "default" in new else "no default"
            if carried and "default" not in old:
                # A formerly required field (e.g. one made nullable with a null default): every
                # old file states its value, so none changes meaning; only new files may omit it.
                self.add(
                    path, "default_added", f"default {after} for a field old files all give", FULL
                )
            else:
                self.add(path, "default_changed", f"default {before} -> {after}", FULL)
        self.unknown(path, old, new)
        old_types, old_null = self.branches(old, 0)
        new_types, new_null = self.branches(new, 1)
        if old_null and not new_null:
            self.add(path, "constraint_tightened", "null no longer allowed", FORWARD)
        elif new_null and not old_null:
            self.add(path, "constraint_loosened", "null now allowed", BACKWARD)
        gone = [t for t in old_types if t not in new_types]
        came = [t for t in new_types if t not in old_types]
        if "integer" in gone and "number" in came:
            self.add(path, "type_widened", "integer -> number", BACKWARD)
            gone.remove("integer")
            came.remove("number")
            self.single(path, old_types["integer"], new_types["number"])
        if "number" in gone and "integer" in came:
            self.add(path, "type_narrowed", "number -> integer", FORWARD)
            gone.remove("number")
            came.remove("integer")
            self.single(path, old_types["number"], new_types["integer"])
        if "any" in gone and came:
            self.add(path, "type_narrowed", f"any -> {', '.join(came)}", FORWARD)
            gone, came = [t for t in gone if t != "any"], []
        elif "any" in came and gone:
            self.add(path, "type_widened", f"{', '.join(gone)} -> any", BACKWARD)
            gone, came = [], [t for t in came if t != "any"]
        shared = [t for t in new_types if t in old_types]
        if gone and came and not shared:
            self.add(path, "type_changed", f"{', '.join(gone)} -> {', '.join(came)}", NONE)
        else:
            for kind in came:
                self.add(path, "type_widened", f"now also accepts {kind}", BACKWARD)
            for kind in gone:
                self.add(path, "type_narrowed", f"no longer accepts {kind}", FORWARD)
        if not shared:
            self.annotations(path, (old, None), (new, None))
        for kind in shared:
            # An alternative that is the node itself carries no annotations of its own.
            old_branch = old_types[kind] if old_types[kind] is not old else None
            new_branch = new_types[kind] if new_types[kind] is not new else None
            self.annotations(path, (old, old_branch), (new, new_branch))
            if old_branch is not None or new_branch is not None:
                self.unknown(path, old_types[kind], new_types[kind])
            self.single(path, old_types[kind], new_types[kind])

    def unknown(self, path: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        """Report any change in a keyword the diff does not analyse."""
        for key in sorted((old.keys() | new.keys()) - _UNDERSTOOD):
            if old.get(key) != new.get(key):
                detail = f"{key} changed (not analysed, so counted as breaking)"
                self.add(path, "constraint_changed", detail, NONE)

    def single(self, path: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        """Compare two alternatives of the same JSON type."""
        self.enum(path, old, new)
        self.constraints(path, old, new)
        if "properties" in old or "properties" in new:
            self.properties(path, old, new)
        if "items" in old or "items" in new:
            if isinstance(old.get("items"), dict) and isinstance(new.get("items"), dict):
                self.node(f"{path}[]", old["items"], new["items"])
            elif "items" not in new:
                self.add(f"{path}[]", "constraint_loosened", "items unconstrained", BACKWARD)
            elif "items" not in old:
                self.add(f"{path}[]", "constraint_tightened", "items now constrained", FORWARD)

    def enum(self, path: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        if "enum" not in old and "enum" not in new:
            return
        if "enum" not in new:
            self.add(path, "constraint_loosened", "no longer restricted to a list", BACKWARD)
            return
        if "enum" not in old:
            self.add(path, "constraint_tightened", "now restricted to a list", FORWARD)
            return
        # null in an enum is nullability, which _node reports once ("null now allowed").
        before = [v for v in old["enum"] if v is not None]
        after = [v for v in new["enum"] if v is not None]
        for value in after:
            if value not in before:
                self.add(path, "enum_value_added", f"{_show(value)} added", BACKWARD)
        for value in before:
            if value not in after:
                self.add(path, "enum_value_removed", f"{_show(value)} removed", FORWARD)

    def constraints(self, path: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        for key in (*_LOWER_BOUNDS, *_UPPER_BOUNDS):
            a, b = old.get(key), new.get(key)
            if a == b:
                continue
            if a is None or b is None:
                tighter = a is None
            else:
                tighter = b > a if key in _LOWER_BOUNDS else b < a
            kind: Kind = "constraint_tightened" if tighter else "constraint_loosened"
            compat = FORWARD if tighter else BACKWARD
            before, after = ("none" if v is None else _show(v) for v in (a, b))
            self.add(path, kind, f"{key} {before} -> {after}", compat)
        for key in _EXACT:
            a, b = old.get(key), new.get(key)
            if a == b:
                continue
            if a is None:
                self.add(path, "constraint_tightened", f"{key} {_show(b)} added", FORWARD)
            elif b is None:
                self.add(path, "constraint_loosened", f"{key} {_show(a)} removed", BACKWARD)
            else:
                # Whether one regular expression accepts a subset of another is not checked:
                # a replaced pattern may reject files the old one accepted, so it is breaking.
                self.add(path, "constraint_changed", f"{key} {_show(a)} -> {_show(b)}", NONE)
        if bool(old.get("uniqueItems")) != bool(new.get("uniqueItems")):
            if new.get("uniqueItems"):
                self.add(path, "constraint_tightened", "items must be unique", FORWARD)
            else:
                self.add(path, "constraint_loosened", "items may repeat", BACKWARD)

    def properties(self, path: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        old_props: dict[str, Any] = old.get("properties", {})
        new_props: dict[str, Any] = new.get("properties", {})
        old_req, new_req = set(old.get("required", [])), set(new.get("required", []))
        old_open = old.get("additionalProperties", True) is not False
        new_open = new.get("additionalProperties", True) is not False
        extra = (old.get("additionalProperties", True), new.get("additionalProperties", True))
        if old_open and new_open and extra[0] != extra[1]:
            detail = "additionalProperties changed (not analysed, so counted as breaking)"
            self.add(path, "constraint_changed", detail, NONE)
        elif old_open != new_open:
            if new_open:
                self.add(path, "constraint_loosened", "other properties now allowed", BACKWARD)
            else:
                self.add(path, "constraint_tightened", "other properties now refused", FORWARD)
        renamed: dict[str, str] = {}  # old name -> new name
        for name, prop in new_props.items():
            source = prop.get(RENAMED_FROM) if isinstance(prop, dict) else None
            if isinstance(source, str) and source in old_props and source not in new_props:
                renamed[source] = name
        for name, prop in new_props.items():
            where = _child(path, name)
            if name in old_props:
                self.required(where, name in old_req, name in new_req)
                self.node(where, old_props[name], prop, carried=name in old_req)
            elif name in renamed.values():
                source = next(o for o, n in renamed.items() if n == name)
                self.add(where, "field_renamed", f"renamed from {source}", NONE)
                self.required(where, source in old_req, name in new_req)
                self.node(where, old_props[source], prop, carried=source in old_req)
            elif name in new_req:
                # Old files lack the field; in a closed model old readers also refuse it.
                self.add(
                    where,
                    "field_added_required",
                    "new required field",
                    FORWARD if old_open else NONE,
                )
            else:
                # Closed model: old files never had it, so they stay valid. Open model: old files may
                # carry the name with any value, which the new constraints may refuse.
                self.add(
                    where,
                    "field_added_optional",
                    "new optional field",
                    FORWARD if old_open else BACKWARD,
                )
        for name in old_props:
            if name in new_props or name in renamed:
                continue
            where = _child(path, name)
            # An open model still accepts old files that carry the name; a closed one refuses
            # them, and new files without a formerly required field fail old readers too.
            compat = BACKWARD if new_open else NONE if name in old_req else FORWARD
            self.add(where, "field_removed", "field removed", compat)

    def required(self, path: str, before: bool, after: bool) -> None:
        if after and not before:
            self.add(path, "constraint_tightened", "now required", FORWARD)
        elif before and not after:
            self.add(path, "constraint_loosened", "no longer required", BACKWARD)


def diff_schema(
    file: str,
    old: dict[str, Any],
    new: dict[str, Any],
    versions: tuple[str | None, str | None] = (None, None),
) -> list[Change]:
    """Every change from old to new of one JSON Schema document (versions: old's and new's)."""
    differ = _Differ(file, old, new, versions)
    differ.node("", old, new)
    return differ.changes


@dataclass
class Diff:
    """The changes from one schema version to another, with what they require."""

    old: SchemaSet
    new: SchemaSet
    changes: list[Change] = field(default_factory=list)

    @property
    def compatibility(self) -> str:
        return combine([c.compatibility for c in self.changes])

    @property
    def required_bump(self) -> str:
        return max_bump([c.bump for c in self.changes])

    @property
    def declared_bump(self) -> str | None:
        return declared_bump(self.old.version, self.new.version)

    @property
    def ok(self) -> bool:
        """True unless the versions are known and NEW's number moved less than the changes need."""
        declared = self.declared_bump
        return declared is None or BUMPS.index(declared) >= BUMPS.index(self.required_bump)

    def as_dict(self) -> dict[str, Any]:
        return {
            "old": {"source": self.old.label, "version": self.old.version},
            "new": {"source": self.new.label, "version": self.new.version},
            "changes": [c.as_dict() for c in self.changes],
            "compatibility": self.compatibility,
            "required_bump": self.required_bump,
            "declared_bump": self.declared_bump,
            "ok": self.ok,
        }


def diff(old: SchemaSet, new: SchemaSet) -> Diff:
    """Compare every JSON Schema of two versions."""
    changes: list[Change] = []
    for name in sorted(old.schemas.keys() | new.schemas.keys()):
        if name not in new.schemas:
            changes.append(Change(name, "", "schema_removed", "record format removed", NONE))
        elif name not in old.schemas:
            changes.append(Change(name, "", "schema_added", "new record format", BACKWARD))
        else:
            changes += diff_schema(
                name, old.schemas[name], new.schemas[name], (old.version, new.version)
            )
    return Diff(old, new, changes)


def _describe(spec: SchemaSet) -> str:
    return spec.label if spec.version in (None, spec.label) else f"{spec.label} ({spec.version})"


def render_text(result: Diff) -> str:
    """The human report: one line per change, grouped by file, then the verdict."""
    lines = [f"schema diff {_describe(result.old)} -> {_describe(result.new)}"]
    current_file = None
    for change in result.changes:
        if change.file != current_file:
            current_file = change.file
            lines.append(current_file)
        lines.append(
            f"  {change.path or '(root)'}: {change.kind} ({change.detail}) "
            f"{change.compatibility}, {change.bump}"
        )
    if not result.changes:
        lines.append("no changes")
    declared = result.declared_bump
    verdict = (
        f"{len(result.changes)} change(s); compatibility {result.compatibility}; "
        f"required bump {result.required_bump}; declared bump "
        f"{declared if declared is not None else 'unknown (a version number is missing)'}"
    )
    lines.append(verdict)
    if not result.ok:
        moved = f"is a {declared} bump" if declared != "none" else "does not raise the version"
        lines.append(
            f"error: {result.old.version} -> {result.new.version} {moved}, but these changes "
            f"need a {result.required_bump} bump"
        )
    return "\n".join(lines) + "\n"
