"""Hostile tables: values of another type, out-of-range cells, wrong encodings, lost lines, huge
inputs. Every one is a coded error (exit 1 or 2) in every engine, never a crash or a pass."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import tempfile
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grounded_events._schema.models import AnnotationFile
from grounded_events._schema.table_parquet import to_arrow
from grounded_events._schema.tables import document_row, rows_from_annotation
from grounded_events._schema.versions import schema_dir
from grounded_events._validation import readers, validate
from grounded_events._validation.codes import CODES
from grounded_events._validation.issues import Report
from grounded_events._validation.progress import Progress
from grounded_events._validation.readers import ARROW_ROWS
from grounded_events._validation.rules import table_columns
from grounded_events.cli import main
from helpers import TEXT, annotation_data, document, set_cell, write_tables

ENGINES = ("columnar", "rows")


def table_rows() -> dict[str, list[dict[str, Any]]]:
    """The rows of the five tables of the test annotation, as JSON values."""
    rows = rows_from_annotation(AnnotationFile.model_validate(annotation_data()))
    rows["documents"] = [document_row(document(), TEXT)]
    return {t: [json.loads(json.dumps(r, default=str)) for r in rs] for t, rs in rows.items()}


def jsonl(rows: list[dict[str, Any]], blank: bool = False) -> str:
    """JSON lines; `blank` puts a blank line first, which sends the file to the line-wise reader."""
    return ("\n" if blank else "") + "".join(json.dumps(r) + "\n" for r in rows)


def both(path: Path, **kwargs: Any) -> Report:
    """The report of both engines, which must be the same."""
    columnar = validate(path, engine="columnar", **kwargs)
    rows = validate(path, engine="rows", **kwargs)
    assert columnar.errors == rows.errors
    assert columnar.truncated == rows.truncated
    return columnar


def found(report: Report) -> set[tuple[int | None, str | None, str]]:
    return {(e.line, e.field, e.code) for e in report.errors}


# --- class 3: a value of another type is a type error ------------------------------------------

BIG = "9" * 5000  # Python refuses to read an int of over 4,300 digits

JSON_CASES: list[tuple[str, str, str]] = [
    # column, the value as JSON text, the code
    ("event_id", "12", "GE204"),
    ("summary", "12", "GE204"),
    ("summary", '["a", "b"]', "GE204"),
    ("summary", '{"a": 1}', "GE204"),
    ("is_aggregate", "0", "GE204"),
    ("is_aggregate", '"false"', "GE204"),
    ("fatalities_best", "0.0", "GE204"),
    ("fatalities_best", '"3"', "GE204"),
    ("fatalities_best", "true", "GE204"),
    ("fatalities_best", "1e29", "GE204"),
    ("fatalities_best", "1" + "0" * 29, "GE207"),
    ("fatalities_best", BIG, "GE207"),
    ("latitude", '"33.1"', "GE204"),
    ("weapons", '[["rocket"]]', "GE204"),
    ("weapons", '"rocket"', "GE204"),
    ("weapons", "[null]", "GE204"),
    ("weapons", "[1]", "GE204"),
    ("date_start", '"2023-12-08T00:00:00"', "GE205"),
    ("date_start", '"0000-01-01"', "GE205"),
    ("date_start", '"10000-01-01"', "GE205"),
    ("date_start", '"2024-02-30"', "GE205"),
    ("date_start", "20231208", "GE205"),
]


@pytest.mark.parametrize("blank", [False, True], ids=["pyarrow", "line-wise"])
@pytest.mark.parametrize(("column", "value", "code"), JSON_CASES)
def test_json_value_of_another_type(
    tmp_path: Path, column: str, value: str, code: str, blank: bool
) -> None:
    """A JSON-lines value whose JSON type is not its column's is that cell's error, in both
    engines and both readers (pyarrow.json, line by line): "3" is no count, 0 no boolean."""
    rows = table_rows()["events"]
    text = jsonl(rows, blank)
    marker = json.dumps(rows[0][column])
    text = text.replace(f'"{column}": {marker}', f'"{column}": {value}', 1)
    path = tmp_path / "events.jsonl"
    path.write_text(text, encoding="utf-8")
    report = both(path)
    line = 2 if blank else 1
    assert (line, column, code) in found(report)
    assert [e for e in report.errors if e.line == line] == [
        e for e in report.errors if (e.line, e.field, e.code) == (line, column, code)
    ]


def _events_table() -> pa.Table:
    rows = rows_from_annotation(AnnotationFile.model_validate(annotation_data()))
    return to_arrow("events", rows["events"])


PARQUET_CASES: list[tuple[str, pa.Array, str]] = [
    ("event_id", pa.array([1, 2]), "GE204"),
    ("summary", pa.array([{"a": 1}, {"a": 2}]), "GE204"),
    ("summary", pa.array([b"x", b"y"], pa.binary()), "GE204"),
    ("summary", pa.array([["x"], ["y"]]), "GE204"),
    ("date_start", pa.array([0, 0], pa.timestamp("s")), "GE205"),
    ("date_start", pa.array([-800_000, 3_000_000], pa.date32()), "GE205"),
    ("is_aggregate", pa.array([0, 1]), "GE204"),
    ("fatalities_best", pa.array([0.0, 1.0]), "GE204"),
    ("fatalities_best", pa.array(["3", "4"]), "GE204"),
    ("fatalities_best", pa.array([True, False]), "GE204"),
    ("fatalities_best", pa.array([2**64 - 1, 2**63], pa.uint64()), "GE207"),
    ("latitude", pa.array([float("nan"), float("inf")]), "GE204"),
    ("weapons", pa.array([[["rocket"]], [["x"]]]), "GE204"),
    ("weapons", pa.array([[1], [2]]), "GE204"),
    ("weapons", pa.array([["rocket", None], [None]], pa.list_(pa.string())), "GE204"),
    ("cameo_root", pa.array([19, 20]), "GE204"),
]


@pytest.mark.parametrize(
    ("column", "values", "code"), PARQUET_CASES, ids=[f"{c}-{v.type}" for c, v, _ in PARQUET_CASES]
)
def test_parquet_column_of_another_type(
    tmp_path: Path, column: str, values: pa.Array, code: str
) -> None:
    """A Parquet column of another type than its column's (struct, binary, nested list, int for
    text or boolean, float or text for a count, timestamps for dates, NaN) is an error in every
    row, in both engines; no value of it is read as if it were right."""
    table = _events_table()
    table = table.set_column(table.schema.get_field_index(column), column, values)
    pq.write_table(table, tmp_path / "events.parquet")
    report = both(tmp_path / "events.parquet")
    assert {(1, column, code), (2, column, code)} <= found(report)


@pytest.mark.parametrize(
    ("table", "column", "value", "code"),
    [
        ("events", "date_start", "0000-01-01", "GE205"),
        ("events", "date_end", "10000-01-01", "GE205"),
        ("events", "date_start", "2024-02-30", "GE205"),
        ("evidence", "start", "1" + "0" * 29, "GE207"),
        ("evidence", "end", BIG, "GE207"),
        ("events", "fatalities_best", "9" * 19, "GE207"),
        ("events", "fatalities_best", "-" + BIG, "GE207"),
    ],
)
def test_csv_cells_out_of_range(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    table: str,
    column: str,
    value: str,
    code: str,
) -> None:
    """Year 0, year 10000, 2024-02-30, an offset of 10^29 or of 5,000 digits: exit 1 with the
    file, line, field and code, in both engines (not exit 3)."""
    path = write_tables(tmp_path / "t")[table]
    set_cell(path, 2, column, value)
    assert (2, column, code) in found(both(path))
    for engine in ENGINES:
        assert main(["validate", "--engine", engine, "--format", "json", str(path)]) == 1
        errors = json.loads(capsys.readouterr().out)
        assert {"file": str(path), "line": 2, "field": column, "code": code}.items() <= next(
            e for e in errors if e["code"] == code
        ).items()


# --- any value in any column, any input: a coded error, never a crash -----------------------

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(10**18, 10**30)
    | st.floats(allow_nan=False)
    | st.text(max_size=12)
    | st.sampled_from(["2023-12-08", "0000-01-01", "9999-12-31", "rocket", "IRQ", "3"])
    | st.sampled_from(["\ud800", "a\udfffb", "\U0001f600"]),  # lone surrogates: no UTF-8
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=6,
)
EVENT_COLUMNS = [c.name for c in table_columns(schema_dir(None), "events")]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    changes=st.dictionaries(st.sampled_from(EVENT_COLUMNS), JSON_VALUES, min_size=1, max_size=4),
    blank=st.booleans(),
)
def test_any_json_value_in_any_column(changes: dict[str, Any], blank: bool) -> None:
    """Whatever JSON values a row holds, both engines give the same report of registered codes,
    and pyarrow.json and the line-wise reader the same errors."""
    rows = table_rows()["events"]
    rows[0].update(changes)
    with tempfile.TemporaryDirectory() as tmp:
        fast, slow = Path(tmp) / "a" / "events.jsonl", Path(tmp) / "b" / "events.jsonl"
        for path, blank_line in ((fast, False), (slow, True)):
            path.parent.mkdir()
            path.write_text(jsonl(rows, blank_line), encoding="utf-8")
        report = both(slow if blank else fast)
        assert all(e.code in CODES for e in report.errors)
        other = both(fast if blank else slow)
        shift = 1 if blank else -1  # the blank line moves every line by one
        assert [(e.line, e.field, e.code) for e in report.errors] == [
            (e.line + shift if e.line else e.line, e.field, e.code) for e in other.errors
        ]


CSV_TEXT = st.one_of(
    st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=12),
    st.from_regex(r"[+-]?[0-9]{1,40}", fullmatch=True),
    st.from_regex(r"[0-9]{1,5}-[0-9]{1,2}-[0-9]{1,2}", fullmatch=True),
    st.sampled_from(["0000-01-01", "9999-12-31", "1e400", "nan", "-0", "'=cmd", "a|b\\|c"]),
)


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changes=st.dictionaries(st.sampled_from(EVENT_COLUMNS), CSV_TEXT, min_size=1, max_size=4))
def test_any_text_in_any_csv_cell(changes: dict[str, str]) -> None:
    """Whatever text CSV cells hold (40-digit numbers, year 0, 5-digit years), both engines give
    the same report of registered codes."""
    with tempfile.TemporaryDirectory() as tmp:
        path = write_tables(Path(tmp))["events"]
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        for column, value in changes.items():
            rows[1][rows[0].index(column)] = value
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerows(rows)
        report = both(path)
    assert all(e.code in CODES for e in report.errors)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    column=st.sampled_from(EVENT_COLUMNS),
    kind=st.sampled_from(
        [
            pa.int8(),
            pa.int64(),
            pa.uint64(),
            pa.float32(),
            pa.float64(),
            pa.bool_(),
            pa.string(),
            pa.binary(),
            pa.date32(),
            pa.timestamp("ms"),
            pa.list_(pa.string()),
            pa.list_(pa.int64()),
            pa.struct([("a", pa.int64())]),
        ]
    ),
    data=st.data(),
)
def test_any_parquet_type_in_any_column(column: str, kind: pa.DataType, data: Any) -> None:
    """A Parquet column of any Arrow type with any values: the same report from both engines,
    of registered codes, and a value of another type never passes."""
    table = _events_table()
    n = table.num_rows
    values = data.draw(st.lists(_arrow_value(kind), min_size=n, max_size=n))
    array = pa.array(values, kind)
    table = table.set_column(table.schema.get_field_index(column), column, array)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "events.parquet"
        pq.write_table(table, path)
        report = both(path)
    assert all(e.code in CODES for e in report.errors)
    target = next(c for c in table_columns(schema_dir(None), "events") if c.name == column)
    from grounded_events._validation.cells import fits

    if not fits(kind, target):
        flagged = {e.line for e in report.errors if e.field == column}
        assert flagged >= {i + 1 for i, v in enumerate(values) if v is not None}


def _arrow_value(kind: pa.DataType) -> st.SearchStrategy[Any]:
    if pa.types.is_integer(kind):
        info = {8: 2**7, 64: 2**63}.get(kind.bit_width, 2**63)
        low = 0 if pa.types.is_unsigned_integer(kind) else -info
        high = 2**64 - 1 if pa.types.is_unsigned_integer(kind) else info - 1
        return st.none() | st.integers(low, high)
    if pa.types.is_floating(kind):
        return st.none() | st.floats(width=32 if kind.bit_width == 32 else 64)
    if pa.types.is_boolean(kind):
        return st.none() | st.booleans()
    if pa.types.is_string(kind):
        return st.none() | st.text(max_size=8) | st.sampled_from(["3", "true", "2023-12-08"])
    if pa.types.is_binary(kind):
        return st.none() | st.binary(max_size=8)
    if pa.types.is_date(kind):
        return st.none() | st.integers(-(2**31), 2**31 - 1).map(
            lambda d: dt.date(1970, 1, 1) + dt.timedelta(days=max(-719_162, min(d, 2_932_896)))
        )
    if pa.types.is_timestamp(kind):
        return st.none() | st.datetimes(dt.datetime(1, 1, 1), dt.datetime(9999, 1, 1))
    if pa.types.is_list(kind):
        return st.none() | st.lists(_arrow_value(kind.value_type), max_size=3)
    return st.none() | st.fixed_dictionaries({"a": st.none() | st.integers(-5, 5)})


# --- class 9: the right diagnosis --------------------------------------------------------------


@pytest.mark.parametrize("name", ["events.jsonl", "events.csv"])
@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le"])
def test_utf16_without_bom_is_one_encoding_error(tmp_path: Path, name: str, encoding: str) -> None:
    """UTF-16 or UTF-32 without a byte-order mark is one GE104 naming the encoding, not a cascade
    of parse errors."""
    source = write_tables(tmp_path / "t")["events"]
    text = (
        source.read_text(encoding="utf-8")
        if name.endswith(".csv")
        else jsonl(table_rows()["events"])
    )
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    report = both(path)
    assert [e.code for e in report.errors] == ["GE104"]
    assert ("UTF-32" if "32" in encoding else "UTF-16") in report.errors[0].message


@pytest.mark.parametrize("blank", [False, True], ids=["pyarrow", "line-wise"])
def test_latin1_byte_in_json_lines(tmp_path: Path, blank: bool) -> None:
    """A Latin-1 byte in JSON lines is GE104 on its line, and the lines around it are still
    checked; nothing else is reported (pyarrow.json does not check UTF-8 by itself)."""
    text = jsonl(table_rows()["events"], blank)
    data = text.replace("Rockets hit", "Rockets h\u00eft", 1).encode("latin-1")
    path = tmp_path / "events.jsonl"
    path.write_bytes(data)
    report = both(path)
    assert found(report) == {(2 if blank else 1, None, "GE104")}


@pytest.mark.parametrize("blank", [False, True], ids=["pyarrow", "line-wise"])
def test_lone_surrogate_escape(tmp_path: Path, blank: bool) -> None:
    """A \\uD800 escape without its pair (valid JSON grammar, no character) is GE108 on its
    line, not an internal error when the text is encoded."""
    rows = table_rows()["events"]
    rows[1]["summary"] = "x\ud800"
    path = tmp_path / "events.jsonl"
    path.write_text(jsonl(rows, blank), encoding="utf-8")
    assert found(both(path)) == {(3 if blank else 2, None, "GE108")}
    assert main(["validate", str(path)]) == 2


@pytest.mark.parametrize("name", ["events.jsonl", "events.csv", "annotation.yaml"])
@pytest.mark.parametrize("content", [b" ", b"\n\n \t\r\n", b"\xef\xbb\xbf  \n"])
def test_whitespace_only_is_empty(tmp_path: Path, name: str, content: bytes) -> None:
    """A file of only whitespace (after a UTF-8 byte-order mark, too) is GE103, exit 2."""
    path = tmp_path / name
    path.write_bytes(content)
    assert both(path).codes == {"GE103"}
    assert main(["validate", str(path)]) == 2


def test_lost_line_is_no_cascade(tmp_path: Path) -> None:
    """A JSON-lines table line that cannot be read is reported once; the rows after it are still
    checked, and the rows of any table that reference its id do not each report it missing."""
    folder = tmp_path / "tables"
    folder.mkdir()
    for table, rows in table_rows().items():
        (folder / f"{table}.jsonl").write_text(jsonl(rows), encoding="utf-8")
    events = folder / "events.jsonl"
    lines = events.read_text(encoding="utf-8").splitlines(keepends=True)
    first_id = json.loads(lines[0])["event_id"]
    assert any(
        first_id in (folder / f"{t}.jsonl").read_text() for t in ("evidence", "event_actors")
    )
    broken = lines[0][:-10] + "\n"  # the line is cut short
    second = json.loads(lines[1])
    second["summary"] = ""  # a real error after the lost line is still found
    events.write_text(broken + json.dumps(second) + "\n", encoding="utf-8")
    report = both(folder, seeds=tmp_path / "no-seeds")
    assert found(report) == {(1, None, "GE108"), (2, "summary", "GE208")}  # "" is too short
    # an id that is on no lost line is still reported, and says which lines were lost
    evidence = folder / "evidence.jsonl"
    spans = evidence.read_text(encoding="utf-8").splitlines(keepends=True)
    first_span = json.loads(spans[0])
    assert first_span["event_id"] == first_id
    first_span["event_id"] = "no-such-event"  # one span names an id no line holds
    evidence.write_text(json.dumps(first_span) + "\n" + "".join(spans[1:]), encoding="utf-8")
    missing = [e for e in both(folder).errors if e.code == "GE602"]
    assert [e.field for e in missing] == ["event_id"]
    assert "the events table has lines that could not be read: line 1" in missing[0].message


def test_json_lines_none_readable(tmp_path: Path) -> None:
    """A JSON-lines table whose every line is broken gets one error per line, on that line
    (a cut-off last line too), and no missing-column cascade; however many lines there are."""
    path = tmp_path / "events.jsonl"
    path.write_text('{broken\n[1, 2]\n{"event_id":\n', encoding="utf-8")
    assert found(both(path)) == {(1, None, "GE108"), (2, None, "GE108"), (3, None, "GE108")}
    path.write_text("".join(f"{{broken {i}\n" for i in range(300)), encoding="utf-8")
    report = both(path)
    assert [e.line for e in report.errors] == list(range(1, 301))


# --- class 6: bounded work -----------------------------------------------------------------------


def _many_bad_rows(path: Path, rows: int) -> None:
    """`rows` event rows (distinct ids), every one with a vocabulary and a range error."""
    table = pa.concat_tables([_events_table().slice(0, 1)] * rows)
    for column, values in (
        ("event_id", pa.array([f"e-{i}" for i in range(rows)])),
        ("event_type", pa.array(["bombing"] * rows)),
        ("fatalities_best", pa.array([-1] * rows)),
    ):
        table = table.set_column(table.schema.get_field_index(column), column, values)
    pq.write_table(table, path, row_group_size=ARROW_ROWS)


@pytest.mark.slow
@pytest.mark.parametrize("engine", ENGINES)
def test_max_errors_stops_reading(tmp_path: Path, engine: str) -> None:
    """With max_errors the reading stops after the batch that passes it: of 4 batches of rows
    with errors in each, one is read; the errors kept are the first ones, by line."""
    path = tmp_path / "events.parquet"
    _many_bad_rows(path, 4 * ARROW_ROWS)
    progress = Progress(io.StringIO())
    report = validate(path, engine=engine, max_errors=10, progress=progress)
    assert progress.rows == ARROW_ROWS
    assert report.truncated
    assert [e.line for e in report.errors] == [1] * 2 + [2] * 2 + [3] * 2 + [4] * 2 + [5] * 2
    full = validate(path, engine="columnar", max_errors=10_000_000)
    assert report.errors == full.errors[:10]


def test_max_errors_skips_the_other_paths(tmp_path: Path) -> None:
    """Once max_errors is passed, the paths after are not read at all."""
    first, second = tmp_path / "a" / "events.parquet", tmp_path / "b" / "events.parquet"
    for path in (first, second):
        path.parent.mkdir()
        _many_bad_rows(path, 5)
    progress = Progress(io.StringIO())
    report = validate([first, second], max_errors=3, progress=progress)
    assert progress.rows == 5
    assert {e.file for e in report.errors} == {str(first)}


def test_wide_header(tmp_path: Path) -> None:
    """A header of 50,000 columns, many repeated, is checked in one pass: each unknown or
    repeated column once, the missing required columns in one issue (or, with max_errors, the
    first ones only)."""
    names = [f"c{i % 25_000}" for i in range(50_000)]
    header = ",".join(["event_id", *names])
    path = tmp_path / "wide.csv"
    path.write_text(header + "\n" + ",".join(["x"] * 50_001) + "\n", encoding="utf-8")
    report = validate(path)
    repeated = [e for e in report.errors if "appears 2 times" in e.message]
    assert len(repeated) == 25_000
    assert sum(e.code == "GE202" for e in report.errors) == 75_000
    [missing] = [e for e in report.errors if e.code == "GE203"]
    required = ["doc_id", "event_type", "event_subtype", "is_aggregate", "date_start"]
    required += ["date_end", "date_precision", "date_basis", "summary"]
    assert missing.expected == ", ".join(required)
    capped = validate(path, max_errors=50)
    assert capped.truncated and capped.errors == report.errors[:50]


# --- the CSV error path streams the file --------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(alphabet="ab\n€😀", max_size=60),
    bad=st.sampled_from([b"\xff", b"\xe9", b"\xe2\x82", b"\xf0\x9f"]),
    where=st.integers(0, 60),
    block=st.integers(1, 9),
)
def test_first_undecodable_byte_is_found_block_by_block(
    text: str, bad: bytes, where: int, block: int
) -> None:
    """Streaming in blocks of any size, the error names the offset and line that decoding the
    whole file would: a character cut by a block end is no error."""
    good = text.encode()
    cut = len(good[:where].decode("utf-8", "ignore").encode())  # a character boundary
    data = good[:cut] + bad + good[cut:]
    expected = None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        expected = (exc.start, data.count(b"\n", 0, exc.start) + 1)
    assert expected is not None
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "events.csv"
        path.write_bytes(data)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(readers, "TEXT_BLOCK", block)
            problem = readers._first_undecodable(path)
    assert problem.code == "GE104"
    assert (f"at offset {expected[0]} " in problem.message, problem.line) == (True, expected[1])


@pytest.mark.parametrize("kind", ["cells", "quote", "latin1"])
def test_csv_error_path_never_reads_the_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """A malformed record deep in a CSV is found by streaming, never by holding the file."""
    folder = tmp_path / "t"
    write_tables(folder)
    path = folder / "events.csv"
    lines = path.read_bytes().split(b"\n")
    row = lines[1]
    body = [row.replace(b"rocket", f"rocket{i}".encode()) for i in range(3000)]
    bad = {"cells": row + b",extra", "quote": row.replace(b",", b',"', 1), "latin1": b"caf\xe9"}
    path.write_bytes(b"\n".join([lines[0], *body, bad[kind], *body]) + b"\n")

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the whole file was read")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    monkeypatch.setattr(Path, "read_text", refuse)
    problem = readers._csv_problem(path)
    assert problem is not None
    assert (problem.code, problem.line) == ({"latin1": "GE104"}.get(kind, "GE109"), 3002)


def test_a_file_read_whole_has_a_size_limit(tmp_path: Path) -> None:
    """A YAML or JSON file (read whole) larger than the limit is refused unread (GE116)."""
    path = tmp_path / "annotation.yaml"
    with path.open("wb") as handle:  # sparse: large by size, nothing written
        handle.truncate(readers.MAX_TEXT_BYTES + 1)
    report = validate(path)
    assert [(e.code, e.line) for e in report.errors] == [("GE116", None)]
