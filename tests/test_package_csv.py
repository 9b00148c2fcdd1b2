"""The shared CSV writer: every cell, whatever characters it holds, reads back exactly everywhere."""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Callable
from pathlib import Path

import duckdb
import frictionless
import pandas as pd
import polars as pl
import pyarrow.csv as pacsv
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grounded_events._schema.table_csv import format_cell, quote, write_csv
from helpers import LINE_BREAKS, TEXTS

COLUMNS = ("id", "a", "b")
Cells = list[list[str | None]]

# Every character str.strip() removes (built, not filtered for: most random text has none).
WHITE_SPACE = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]
TABLES = st.lists(st.tuples(TEXTS, st.none() | TEXTS, st.none() | TEXTS), min_size=1, max_size=5)
READER_SETTINGS = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _pandas(engine: str) -> Callable[[Path], Cells]:
    def read(path: Path) -> Cells:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], engine=engine)
        return [[None if pd.isna(v) else v for v in row] for row in frame.values.tolist()]

    return read


def _polars(path: Path) -> Cells:
    return [list(row) for row in pl.read_csv(path, infer_schema=False).rows()]


def _duckdb(path: Path) -> Cells:
    # the dialect datapackage.json declares; read_csv_auto's sniffer is tested on whole packages
    # in test_export_roundtrip and on the traps the writer disarms below
    query = (
        "SELECT * FROM read_csv(?, auto_detect = false, header = true, delim = ',', quote = '\"',"
        " escape = '\"', new_line = '\\n', columns = {'id': 'VARCHAR', 'a': 'VARCHAR',"
        " 'b': 'VARCHAR'})"
    )
    with duckdb.connect() as con:
        return [list(row) for row in con.execute(query, [str(path)]).fetchall()]


def _duckdb_auto(path: Path) -> Cells:
    # read_csv_auto sniffs the delimiter, quote, escape, comment sign and header from the data
    with duckdb.connect() as con:
        rows = con.execute("SELECT * FROM read_csv_auto(?, all_varchar = true)", [str(path)])
        return [list(row) for row in rows.fetchall()]


def _arrow(path: Path) -> Cells:
    table = pacsv.read_csv(
        path,
        parse_options=pacsv.ParseOptions(newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(COLUMNS, "string"),
            null_values=[""],
            strings_can_be_null=True,
        ),
    )
    return [list(row.values()) for row in table.to_pylist()]


def _python_csv(path: Path) -> Cells:
    with path.open(encoding="utf-8", newline="") as handle:
        return [[cell or None for cell in row] for row in list(csv.reader(handle))[1:]]


def _frictionless(path: Path) -> Cells:
    # the dialect and types the package declares, as frictionless validate reads the files
    schema = frictionless.Schema.from_descriptor(
        {"fields": [{"name": n, "type": "string"} for n in COLUMNS]}
    )
    dialect = frictionless.Dialect.from_descriptor({"header": True, "csv": {"delimiter": ","}})
    resource = frictionless.Resource(
        str(path), schema=schema, dialect=dialect, encoding="utf-8", format="csv"
    )
    with resource:
        return [[row[n] for n in COLUMNS] for row in resource.read_rows()]


READERS: dict[str, Callable[[Path], Cells]] = {
    "pandas-c": _pandas("c"),
    "pandas-python": _pandas("python"),
    "pandas-pyarrow": _pandas("pyarrow"),
    "polars": _polars,
    "duckdb": _duckdb,
    "pyarrow.csv": _arrow,
    "python-csv": _python_csv,
    "frictionless": _frictionless,
}


def _written(tmp_path: Path, rows: list[tuple[str | None, ...]]) -> tuple[Path, Cells]:
    """The rows written by write_csv, and the cell text each reader must give back."""
    path = tmp_path / "table.csv"
    path.write_bytes(write_csv(COLUMNS, [dict(zip(COLUMNS, r, strict=True)) for r in rows]))
    return path, [[format_cell(v) or None for v in row] for row in rows]


@pytest.mark.slow
@pytest.mark.parametrize("reader", READERS)
@READER_SETTINGS
@given(rows=TABLES)
def test_every_reader_reads_back_every_cell(tmp_path: Path, reader: str, rows: list) -> None:
    """Arbitrary text cells (line breaks, NUL, quotes, formula signs) read back exactly."""
    path, expected = _written(tmp_path, rows)
    assert READERS[reader](path) == expected


@READER_SETTINGS
@given(rows=TABLES)
def test_splitting_lines_first_keeps_the_records(tmp_path: Path, rows: list) -> None:
    """Python's csv over str.splitlines (the validator's error path) sees the same records."""
    path, expected = _written(tmp_path, rows)
    text = path.read_text(encoding="utf-8")
    records = list(csv.reader(text.splitlines(keepends=True)))[1:]
    assert [len(r) for r in records] == [len(r) for r in expected]


def test_the_issue_example_stays_one_row(tmp_path: Path) -> None:
    """An actor name with a lone carriage return is quoted and pandas reads one row."""
    data = write_csv(("actor_id", "name"), [{"actor_id": "usa", "name": "US\rDepartment of State"}])
    assert data == b'actor_id,name\nusa,"US\rDepartment of State"\n'
    (tmp_path / "actors.csv").write_bytes(data)
    frame = pd.read_csv(tmp_path / "actors.csv")
    assert frame["name"].tolist() == ["US\rDepartment of State"]


@pytest.mark.parametrize("char", LINE_BREAKS)
def test_every_line_break_is_quoted(char: str) -> None:
    """A cell holding any character str.splitlines breaks at goes out in quotes."""
    assert quote(f"a{char}b") == f'"a{char}b"'


def test_a_leading_apostrophe_is_quoted() -> None:
    """A cell starting with ' is quoted so that no sniffer takes ' for the quote character."""
    assert quote("'=SUM(A1)") == '"\'=SUM(A1)"'
    assert quote("Iran's") == "Iran's"


@pytest.mark.parametrize(
    "rows",
    [
        [("x1", "'Iran-aligned militias'", "plain"), ("x2", "plain", "plain")],
        [("x1", "=formula'", "plain"), ("x2", "\tcell'", "'c'")],
        [("x1", " #3", None), ("x2", None, None), ("x3", None, None)],
    ],
)
def test_duckdb_sniffer_traps_are_disarmed(tmp_path: Path, rows: list) -> None:
    """read_csv_auto neither takes ' for the quote (stripping it) nor # for a comment sign."""
    path, expected = _written(tmp_path, rows)
    assert _duckdb_auto(path) == expected


PLAIN = st.text(st.characters(codec="utf-8", exclude_characters="".join(LINE_BREAKS) + "#")).filter(
    lambda text: not format_cell(text).startswith("'") and text == text.strip()
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(PLAIN, PLAIN), max_size=4))
def test_cells_without_line_breaks_are_written_as_csv_writer_did(rows: list) -> None:
    """Where no line break, #, leading ' or edge white space occurs, the bytes are csv.writer's
    (minimal quoting)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS[:2])
    writer.writerows([format_cell(v) for v in row] for row in rows)
    written = write_csv(COLUMNS[:2], [dict(zip(COLUMNS, r, strict=False)) for r in rows])
    assert written == buffer.getvalue().encode("utf-8")


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(WHITE_SPACE), st.text(), st.booleans())
def test_a_cell_with_white_space_at_an_edge_is_quoted(space: str, text: str, first: bool) -> None:
    """A cell that starts or ends with white space is quoted, so that no reader trims it."""
    cell = format_cell(space + text if first else text + space)
    assert quote(cell).startswith('"') and quote(cell).endswith('"')
