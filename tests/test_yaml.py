"""The safe YAML reader: JSON types only, every line kept, hostile YAML refused in bounded time."""

from __future__ import annotations

import io
import json
import math
import time
import tracemalloc
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from grounded_events._core.safe_yaml import MAX_DEPTH, MAX_NODES, YamlError, loads

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=30,
)


def _dump(data: Any, flow: bool | None = False) -> str:
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = flow
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    return buffer.getvalue()


def _json_types(value: Any) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and _json_types(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_json_types(v) for v in value)
    return (
        value is None
        or isinstance(value, bool | int | str)
        or (isinstance(value, float) and math.isfinite(value))
    )


@SETTINGS
@given(data=JSON, flow=st.sampled_from([False, True, None]))
def test_json_data_reads_as_ruamel_reads_it(data: Any, flow: bool | None) -> None:
    """Any JSON value written as YAML (block or flow) reads as ruamel's own safe loader reads it,
    or, where ruamel's writer wrote YAML that ruamel cannot read back, is a YamlError too."""
    text = _dump(data, flow)
    try:
        expected = YAML(typ="safe", pure=True).load(text)
    except YAMLError:
        with pytest.raises(YamlError):
            loads(text)
        return
    assert loads(text).data == expected


def test_yaml_only_types_are_text_or_refused() -> None:
    """Dates stay their text, .nan/.inf stay text; !!binary, !!set, !!omap and app tags are refused."""
    doc = loads("a: 2024-01-02\nb: .nan\nc: -.inf\nd: 0000-01-01\ne: !!float 1\nf: ! 12\n")
    assert doc.data == {
        "a": "2024-01-02",
        "b": ".nan",
        "c": "-.inf",
        "d": "0000-01-01",
        "e": 1.0,
        "f": "12",
    }
    for text in (
        "a: !!binary aGk=\n",
        "a: !!set {x}\n",
        "a: !!omap [{x: 1}]\n",
        "a: !!python/object/apply:os.system ['true']\n",
        "a: !custom x\n",
        "!!binary aGk=: 1\n",
    ):
        with pytest.raises(YamlError) as caught:
            loads(text)
        assert caught.value.kind == "tag" and caught.value.line == 1


def test_escaped_surrogate_pairs_are_joined() -> None:
    """ "\\ud83d\\ude00" reads as the one character it encodes, as JSON reads it."""
    assert (
        loads('a: "\\ud83d\\ude00"\n').data == loads('{"a": "\\ud83d\\ude00"}').data == {"a": "😀"}
    )


def test_lines_of_keys_and_items() -> None:
    """Every key and list item has its 1-based line; a missing path falls back to its parent."""
    doc = loads("a: 1\nb:\n  - x\n  - c: 2\n    d: [3]\n")
    assert doc.lines[("b", 1, "d")] == 5
    assert doc.line_of(("b", 1, "c")) == 4
    assert doc.line_of(("b", 1, "nope")) == 4


EXAMPLES = {
    "merge key": ("base: &b {x: 1}\nother:\n  <<: *b\n", "merge_key", 3, "other"),
    "duplicate key": ("a: 1\nb: 2\na: 3\n", "duplicate_key", 3, None),
    "deep flow list": ("a: " + "[" * 5000 + "]" * 5000 + "\n", "limit", 1, None),
    "deep block map": (
        "".join("  " * i + "k:\n" for i in range(MAX_DEPTH + 2)),
        "limit",
        None,
        None,
    ),
    "5,000-digit integer": ("n: " + "9" * 5000 + "\n", "limit", 1, "n"),
    "4,000 hex digits": ("n: 0x" + "f" * 4000 + "\n", "limit", 1, "n"),
    "bad explicit int": ("n: !!int twelve\n", "malformed", 1, "n"),
    "undefined alias": ("a: *nowhere\n", "malformed", 1, None),
    "self alias": ("a: &x [*x]\n", "malformed", 1, None),
    "two documents": ("a: 1\n---\nb: 2\n", "malformed", 2, None),
    "list as key": ("? [a, b]\n: 1\n", "malformed", 1, None),
    "half a surrogate pair": ('a: "x\\ud83d"\n', "encoding", 1, "a"),
    "half a pair as key": ('"\\udc00": 1\n', "encoding", 1, None),
    "NUL character": ("a: 1\nb: x\x00y\n", "malformed", 2, None),
}


@pytest.mark.parametrize("name", EXAMPLES)
def test_hostile_examples_are_yaml_errors(name: str) -> None:
    """Each hostile document is one YamlError of its kind, at its line and field when known."""
    text, kind, line, field = EXAMPLES[name]
    with pytest.raises(YamlError) as caught:
        loads(text)
    assert caught.value.kind == kind
    if line is not None:
        assert caught.value.line == line
    if field is not None:
        assert caught.value.field == field


def _laughs(levels: int, fan: int) -> str:
    out = "l0: &l0 [" + ", ".join(["lol"] * fan) + "]\n"
    for i in range(1, levels):
        out += f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * fan) + "]\n"
    return out


@settings(max_examples=30, deadline=None)
@given(levels=st.integers(2, 12), fan=st.integers(2, 12))
def test_alias_expansion_is_bounded(levels: int, fan: int) -> None:
    """Aliases are refused (kind limit) exactly when the expanded document has more than
    MAX_NODES values; below that the data reads."""
    size = 1 + fan  # l0, a list of fan texts; each next level is fan aliases of the one before
    total = 1 + size  # the document's mapping
    for _ in range(1, levels):
        size = 1 + fan * size
        total += size
    try:
        loads(_laughs(levels, fan))
    except YamlError as exc:
        assert exc.kind == "limit" and total > MAX_NODES
    else:
        assert total <= MAX_NODES


def test_billion_laughs_in_bounded_time_and_memory() -> None:
    """10^9 values by nine levels of ten aliases: refused in under a second and 50 MB."""
    tracemalloc.start()
    began = time.perf_counter()
    with pytest.raises(YamlError) as caught:
        loads(_laughs(9, 10))
    elapsed = time.perf_counter() - began
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert caught.value.kind == "limit"
    assert elapsed < 1 and peak < 50_000_000


HOSTILE_PIECES = st.sampled_from(
    [
        "<<: *a\n",
        "k: !!binary aGk=\n",
        "k: !!set {a}\n",
        "k: !!python/name:os.system\n",
        "k: &a [x, x]\n",
        "k: *a\n",
        "k: 0000-01-01\n",
        "k: " + "7" * 4400 + "\n",
        "k: 0x" + "f" * 4000 + "\n",
        "k: 0b" + "1" * 15000 + "\n",
        "k: .nan\n",
        'k: "\\ud800"\n',
        'k: "\\ud83d\\ude00"\n',
        "? [a]\n: b\n",
        "k: 'open\n",
        "---\n",
        "\x00",
        "k: {a: {b: {c: [1, [2, [3]]]}}}\n",
    ]
)


@SETTINGS
@given(
    pieces=st.lists(HOSTILE_PIECES, max_size=6),
    depth=st.integers(0, 3 * MAX_DEPTH),
    style=st.sampled_from(["[", "{a: ", "- "]),
)
def test_hostile_yaml_is_json_or_a_yaml_error(pieces: list[str], depth: int, style: str) -> None:
    """Any mix of tags, merge keys, aliases, dates, huge numbers and nesting gives JSON data or
    a YamlError with a known kind, never another exception."""
    if style == "- ":
        nest = "".join("  " * i + "- \n" for i in range(depth))
    else:
        nest = "n: " + style * depth + "1" + ("]" if style == "[" else "}") * depth + "\n"
    text = "".join(pieces) + nest
    try:
        doc = loads(text)
    except YamlError as exc:
        assert exc.kind in ("malformed", "duplicate_key", "tag", "limit", "merge_key", "encoding")
        assert exc.line is None or 1 <= exc.line <= text.count("\n") + 1
    else:
        assert _json_types(doc.data)
        json.loads(json.dumps(doc.data))  # and JSON can write and read it back
