"""Tables read safely as Arrow batches: CSV, Parquet and JSON lines, with every line numbered."""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import json
import math
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.json as pajson
import pyarrow.parquet as pq

from grounded_events._core.files import MAX_TEXT_BYTES
from grounded_events._schema.tables import LIST_SEPARATOR
from grounded_events._validation.batch import Batch
from grounded_events._validation.json_values import SURROGATE_BYTES, LargeInteger, parse_json
from grounded_events._validation.kinds import TEXT_BLOCK, ReadProblem, check_file
from grounded_events._validation.text import check_text_head, encoding_problem

# Rows per batch of rows read line by line: memory stays bounded by the batch, not the file.
BATCH_ROWS = 65_536
# Unreadable lines (each up to 4 MiB of text) held before they go to the checker with a batch.
PROBLEM_LINES = 64
# Rows per batch the columnar engine checks (Parquet, CSV, JSON lines): measured as the best
# time/peak-memory trade-off.
ARROW_ROWS = 16_384
# Bytes read at a time from each Parquet column chunk (instead of pre-buffering whole chunks).
PARQUET_BUFFER = 1 << 20
# Bytes per CSV or JSON block: see kinds.TEXT_BLOCK.
CSV_BLOCK = TEXT_BLOCK
# The largest cell or JSON value accepted; a news article is a few kB, a book about 1 MiB.
MAX_CELL = 1 << 20
# A CSV record longer than a block (a long document's text) is read again, from that record on,
# in blocks of this size: a cell of MAX_CELL characters at 4 bytes each, and the rest of the row.
LONG_ROW_BLOCK = 4 * MAX_CELL + (1 << 20)


def _numbered(record_batch: pa.RecordBatch, rows_before: int, json: bool = False) -> Batch:
    """A typed record batch as columns by name, its rows numbered 1-based after `rows_before`.
    In JSON "" is a string, as JSON Schema reads it; in Parquet (often converted from CSV) an
    empty string is an empty cell, as in CSV."""
    n = record_batch.num_rows
    columns = dict(zip(record_batch.schema.names, record_batch.columns, strict=True))
    lines = range(rows_before + 1, rows_before + 1 + n)
    return Batch(columns, lines, typed=True, empty_is_null=not json)


# --- CSV --------------------------------------------------------------------------------------


def _lines(text: str) -> io.StringIO:
    """CSV text as the csv module should read it: lines end at \\n, \\r or \\r\\n only, as in
    pyarrow's reader; str.splitlines would also break at U+2028, U+0085 and others."""
    return io.StringIO(text, newline="")


def _csv_header(path: Path) -> list[str]:
    with path.open("rb") as handle:
        data = handle.read(CSV_BLOCK)
    check_text_head(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start < len(data) - 4:  # not just a character cut by the block end
            head_end = data.find(b"\n")
            if head_end == -1 or exc.start < head_end:
                raise encoding_problem(data, exc.start) from None
        text = data[: exc.start].decode("utf-8-sig")
    if not text.strip():
        raise ReadProblem("GE103", variant="blank")
    try:
        names = next(csv.reader(_lines(text)))
    except (csv.Error, StopIteration) as exc:
        raise ReadProblem("GE109", 1, variant="header", reason=exc) from None
    if len(names) == 1 and (separator := _other_separator(names[0])) is not None:
        raise ReadProblem("GE109", 1, variant="delimiter", separated=separator)
    return names


# Separators a spreadsheet may save a CSV with instead of the comma, by the word for the file.
_SEPARATORS = {";": "semicolon", "\t": "tab", "|": "pipe"}


def _other_separator(header: str) -> str | None:
    """How a header read as one column seems to be separated (semicolon, tab, pipe), or None:
    no table has one column, so such a header is a file written with another separator."""
    counts = {word: header.count(char) for char, word in _SEPARATORS.items()}
    word, times = max(counts.items(), key=lambda item: item[1])
    return word if times else None


def _csv_problem(path: Path) -> ReadProblem | None:
    """The first bad record, found with Python's csv module (only on the error path), or None
    when Python reads every record. The file is streamed: memory holds one record, however
    large the file."""
    limit = csv.field_size_limit()
    csv.field_size_limit(MAX_CELL)
    header: list[str] | None = None
    row = 0
    try:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            for record in csv.reader(stream, strict=True):
                row += 1
                if header is None:
                    header = record
                elif len(record) != len(header):
                    return ReadProblem(
                        "GE109",
                        row,
                        row=row,
                        cells=len(record),
                        header=len(header),
                    )
    except UnicodeDecodeError:
        return _first_undecodable(path)
    except csv.Error as exc:
        if "larger than field limit" in str(exc):
            return _huge_cell(path, row + 1, header)
        return ReadProblem("GE109", row + 1, variant="parse", reason=exc)
    finally:
        csv.field_size_limit(limit)
    return None


def _first_undecodable(path: Path) -> ReadProblem:
    """GE104 at the first byte that is not UTF-8, found by streaming the file in blocks."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    fed = lines = 0
    with path.open("rb") as handle:
        while True:
            block = handle.read(TEXT_BLOCK)
            pending = decoder.getstate()[0]  # the start of a character cut by the last block
            try:
                decoder.decode(block, final=not block)
            except UnicodeDecodeError as exc:
                window = pending + block
                offset = fed - len(pending) + exc.start
                line = lines + window.count(b"\n", 0, exc.start) + 1
                byte = window[exc.start : exc.start + 1].hex()
                return ReadProblem("GE104", line, byte=byte, offset=offset, source="LATIN1")
            if not block:
                return ReadProblem("GE104", variant="unnamed")  # Python's reader said so
            fed += len(block)
            lines += block.count(b"\n")


def _huge_cell(path: Path, row: int, header: list[str] | None) -> ReadProblem:
    """GE110 for record `row`, naming its first cell over MAX_CELL characters (when that cell
    is small enough to hold; beyond MAX_TEXT_BYTES only the row is named)."""
    csv.field_size_limit(MAX_TEXT_BYTES)  # the caller puts the limit back
    try:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            record = next(itertools.islice(csv.reader(stream), row - 1, None), [])
    except (csv.Error, UnicodeDecodeError):
        record = []
    for i, cell in enumerate(record):
        if len(cell) > MAX_CELL:
            name = header[i] if header is not None and i < len(header) else None
            return ReadProblem("GE110", row, name, length=len(cell), limit=MAX_CELL)
    return ReadProblem("GE110", row, variant="cell", limit=MAX_CELL)


def _locate_csv_problem(path: Path, arrow_message: str) -> ReadProblem:
    """Why pyarrow could not read a CSV file, with the record and column where possible."""
    problem = _csv_problem(path)
    if problem is not None:
        return problem
    if _too_long(arrow_message):
        return ReadProblem("GE110", variant="row", limit=LONG_ROW_BLOCK)
    return ReadProblem("GE109", variant="parse", reason=arrow_message.splitlines()[0])


def _too_long(arrow_message: str) -> bool:
    """Whether pyarrow stopped at a record longer than its block."""
    return "straddling" in arrow_message or "larger than" in arrow_message


def _gathered(
    read_next: Callable[[], pa.RecordBatch], rows: int = ARROW_ROWS
) -> Iterator[pa.RecordBatch]:
    """The record batches `read_next` returns, gathered into batches of at least `rows` rows
    (or fewer at the end, or where the schema changes). When `read_next` raises, the rows read
    before are yielded first, then the exception is raised."""
    pending: list[pa.RecordBatch] = []
    count = 0

    def merged() -> pa.RecordBatch:
        if len(pending) == 1:
            return pending[0]
        return pa.Table.from_batches(pending).combine_chunks().to_batches()[0]

    while True:
        try:
            batch = read_next()
        except StopIteration:
            break
        except Exception:
            if pending:
                yield merged()
            raise
        if pending and batch.schema != pending[0].schema:
            yield merged()
            pending, count = [], 0
        pending.append(batch)
        count += batch.num_rows
        if count >= rows:
            yield merged()
            pending, count = [], 0
    if pending:
        yield merged()


def _check_cells(batch: Batch) -> None:
    for name, column in batch.columns.items():
        values = column.dictionary if pa.types.is_dictionary(column.type) else column
        if pa.types.is_string(values.type) and len(values):
            # bytes bound code points from above: count code points only when bytes say maybe
            if (pc.max(pc.binary_length(values)).as_py() or 0) <= MAX_CELL:
                continue
            lengths = pc.utf8_length(values)
            if values is not column:
                lengths = pc.take(lengths, column.indices)
            longest = pc.max(lengths).as_py()
            if longest is not None and longest > MAX_CELL:
                row = pc.index(lengths, longest).as_py()
                raise ReadProblem("GE110", batch.lines[row], name, length=longest, limit=MAX_CELL)


def _check_arrays(record_batch: pa.RecordBatch, batch: Batch) -> None:
    """Refuse a batch whose arrays are not what Arrow promises (Parquet readers hand them on
    unchecked: text that is not UTF-8, dictionary indices out of range, broken offsets), before
    any later look at them fails: GE104 at the first cell that is not UTF-8, else ArrowInvalid,
    which the caller reports as a damaged file."""
    try:
        record_batch.validate(full=True)
    except pa.ArrowInvalid:
        for name, column in batch.columns.items():
            values = column.dictionary if pa.types.is_dictionary(column.type) else column
            if pa.types.is_string(values.type):
                _first_bad_text(batch, name, column, values)
        raise


def _first_bad_text(batch: Batch, name: str, column: pa.Array, values: pa.Array) -> None:
    """GE104 at the first cell of `column` that is not UTF-8, if there is one."""
    for index, raw in enumerate(values.cast(pa.binary()).to_pylist()):
        try:
            (raw or b"").decode("utf-8")
        except UnicodeDecodeError as exc:
            if values is not column:  # dictionary: the first row that uses this entry
                index = pc.index(column.indices, index).as_py()
            byte = raw[exc.start : exc.start + 1].hex()
            raise ReadProblem(
                "GE104", batch.lines[index], name, variant="cell", byte=byte, offset=exc.start
            ) from None


def csv_header(path: Path) -> list[str]:
    """The column names of a CSV file, from its first line."""
    check_file(path)
    return _csv_header(path)


# What pyarrow's CSV reader raises on a file it cannot read (a header it splits otherwise than
# Python's csv is a KeyError of include_columns): Python's csv then names the problem.
_CSV_READ_ERRORS = (
    pa.ArrowInvalid,
    pa.ArrowNotImplementedError,
    pa.ArrowKeyError,
    pa.ArrowTypeError,
)


def csv_batches(
    path: Path, dictionary: Sequence[str] = (), columns: Sequence[str] | None = None
) -> tuple[list[str], Iterator[Batch]]:
    """The header and the record batches of a CSV file, every column as text; the columns named
    in `dictionary` dictionary-encoded (by the reader's threads, as it parses). With `columns`
    (the table's), the header's other columns are not read: they are errors of the header, and
    a header of 100,000 of them would cost the reader time and memory for each."""
    names = csv_header(path)
    encoded = pa.dictionary(pa.int32(), pa.string())
    include: list[str] = []
    if columns is not None and not set(names) <= set(columns):
        include = [n for n in dict.fromkeys(names) if n in columns] or names[:1]

    def open_reader(block: int, skip: int) -> pacsv.CSVStreamingReader:
        return pacsv.open_csv(
            path,
            read_options=pacsv.ReadOptions(
                block_size=block, use_threads=True, skip_rows_after_names=skip
            ),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types={
                    n: encoded if n in dictionary else pa.string() for n in include or names
                },
                include_columns=include,
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )

    def reopen(exc: Exception, block: int, skip: int) -> pacsv.CSVStreamingReader:
        """After pyarrow stopped at `exc`: when a record was longer than a block, a reader of
        LONG_ROW_BLOCK blocks from record `skip` on (a cell over MAX_CELL is then reported by
        _check_cells, with its column); otherwise, or if that fails too, the problem."""
        if block < LONG_ROW_BLOCK and _too_long(str(exc)):
            try:
                return open_reader(LONG_ROW_BLOCK, skip)
            except _CSV_READ_ERRORS as again:
                exc = again
        raise _locate_csv_problem(path, str(exc)) from None

    block = CSV_BLOCK
    try:
        reader = open_reader(block, 0)
    except _CSV_READ_ERRORS as exc:
        reader, block = reopen(exc, block, 0), LONG_ROW_BLOCK

    def batches() -> Iterator[Batch]:
        nonlocal reader, block
        row = 1  # the header is row 1, as a spreadsheet shows it
        gathered = _gathered(reader.read_next_batch)
        while True:
            try:
                record_batch = next(gathered)
            except StopIteration:
                return
            except _CSV_READ_ERRORS as exc:
                reader, block = reopen(exc, block, row - 1), LONG_ROW_BLOCK
                gathered = _gathered(reader.read_next_batch)
                continue
            n = record_batch.num_rows
            try:
                columns = dict(zip(record_batch.schema.names, record_batch.columns, strict=True))
            except UnicodeDecodeError as exc:  # a header that is not UTF-8
                raise _locate_csv_problem(path, str(exc)) from None
            batch = Batch(
                columns, range(row + 1, row + 1 + n), neutralised=True, empty_is_null=True
            )
            row += n
            _check_cells(batch)
            yield batch

    return names, batches()


# --- Parquet ----------------------------------------------------------------------------------


def parquet_batches(
    path: Path, dictionary: Sequence[str] = ()
) -> tuple[list[str], Iterator[Batch]]:
    """The column names and record batches of a Parquet file; the text columns named in
    `dictionary` are read dictionary-encoded, as Parquet stores them."""
    check_file(path)
    try:
        # pre_buffer (the default) keeps every row group's buffers until the file is closed, so
        # memory grew with the rows; a 1 MiB read buffer per column stream keeps it flat
        options: dict[str, Any] = {"pre_buffer": False, "buffer_size": PARQUET_BUFFER}
        handle = pq.ParquetFile(path, **options)
        # only top-level byte-array columns can be read dictionary-encoded
        leaves = [handle.schema.column(i) for i in range(len(handle.schema))]
        text = {c.path for c in leaves if c.physical_type == "BYTE_ARRAY" and "." not in c.path}
        wanted = [n for n in dictionary if n in text]
        if wanted:
            handle = pq.ParquetFile(path, read_dictionary=wanted, **options)
        names = handle.schema_arrow.names
    except (pa.ArrowException, OSError) as exc:
        raise ReadProblem("GE111", reason=str(exc).splitlines()[0]) from None

    def batches() -> Iterator[Batch]:
        row = 0
        try:
            for record_batch in handle.iter_batches(batch_size=ARROW_ROWS):
                batch = _numbered(record_batch, row)
                _check_arrays(record_batch, batch)
                row += record_batch.num_rows
                _check_cells(batch)
                yield batch
        except (pa.ArrowException, OSError) as exc:
            raise ReadProblem(
                "GE111", variant="damaged", row=row, reason=str(exc).splitlines()[0]
            ) from None

    return names, batches()


# --- JSON lines -------------------------------------------------------------------------------


def jsonl_records(path: Path) -> Iterator[tuple[int, Any] | ReadProblem]:
    """(line, parsed value) per non-blank line, or a ReadProblem (its `text` the line's) for a
    line that cannot be read. A line is read up to MAX_CELL * 4 bytes, whatever its length."""
    check_file(path)
    limit = MAX_CELL * 4
    with path.open("rb") as handle:
        check_text_head(handle.read(4096))
        handle.seek(0)
        number = 0
        while raw := handle.readline(limit + 1):
            number += 1
            if number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[3:]
            if len(raw) > limit and not raw.endswith(b"\n"):
                while (rest := handle.readline(TEXT_BLOCK)) and not rest.endswith(b"\n"):
                    pass  # the rest of an over-long line is skipped, never held
                problem = ReadProblem("GE110", number, variant="line", limit=limit)
                problem.text = raw.decode("utf-8", "replace")
                yield problem
                continue
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                problem = encoding_problem(raw, exc.start)
                problem.line = number
                problem.text = raw.decode("utf-8", "replace")
                yield problem
                continue
            if not text.strip():
                continue
            try:
                yield number, parse_json(text.rstrip("\r\n"), number - 1)  # errors on this line
            except ReadProblem as problem:
                problem.text = text
                yield problem


def _plain_lines(path: Path) -> bool:
    """Whether every line is one JSON value: no blank lines, no byte-order mark, UTF-8 only."""
    previous = b"\n"
    tail = b""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        head = handle.read(3)
        if head.startswith(codecs.BOM_UTF8) or head[:1] in (b"\n", b"\r", b" "):
            return False
        handle.seek(0)
        while block := handle.read(CSV_BLOCK):
            if b"\n\n" in block or b"\n\r\n" in block or (previous == b"\n" and block[:1] == b"\n"):
                return False
            try:  # pyarrow.json does not check UTF-8: bytes that are not go line-wise (GE104)
                decoder.decode(block)
            except UnicodeDecodeError:
                return False
            # nor does it refuse an escaped lone surrogate: the line-wise reader does
            if SURROGATE_BYTES.search(tail + block):
                return False
            previous, tail = block[-1:], block[-5:]
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _not_json_numbers(record_batch: pa.RecordBatch) -> bool:
    """Whether a batch holds NaN or an infinity, which pyarrow.json reads and JSON has not."""
    return any(
        pa.types.is_floating(c.type)
        and c.null_count < len(c)
        and not pc.all(pc.is_finite(c)).as_py()
        for c in record_batch.columns
    )


def json_table_batches(
    path: Path, schema: pa.Schema, kinds: dict[str, str] | None = None
) -> tuple[list[str], Iterator[Batch]] | None:
    """Rows of a JSONL table read by pyarrow.json with the table's types, or None to go line-wise.

    Line numbers are row numbers, so files with blank lines go line-wise; a value of the wrong
    JSON type stops pyarrow, and then the rest of the file is read line-wise (same checks).
    """
    check_file(path)
    if not _plain_lines(path):
        return None
    # dates stay text: the engine parses them and reports the bad ones
    fields = [pa.field(f.name, pa.string() if f.type == pa.date32() else f.type) for f in schema]
    try:
        reader = pajson.open_json(
            path,
            read_options=pajson.ReadOptions(block_size=CSV_BLOCK, use_threads=True),
            parse_options=pajson.ParseOptions(
                explicit_schema=pa.schema(fields), unexpected_field_behavior="infer"
            ),
        )
        first = reader.read_next_batch()
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, StopIteration):
        return None

    def batches() -> Iterator[Batch]:
        row = 0
        gathered = _gathered(itertools.chain([first], reader).__next__)
        while True:
            try:
                record_batch = next(gathered)
            except StopIteration:
                return
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                yield from line_batches(path, kinds, skip=row)
                return
            if _not_json_numbers(record_batch):
                yield from line_batches(path, kinds, skip=row)
                return
            batch = _numbered(record_batch, row, json=True)
            row += record_batch.num_rows
            _check_cells(batch)
            yield batch

    return _header(path, first.schema.names, kinds), batches()


def _header(path: Path, seen: Sequence[str], kinds: dict[str, str] | None) -> list[str]:
    """A JSONL table's columns: the keys of its first row (a key it lacks is a missing column,
    as JSON Schema requires every key), then the keys of no table seen in the first rows."""
    first: list[str] = []
    for item in jsonl_records(path):
        if isinstance(item, tuple):
            first = list(item[1]) if isinstance(item[1], dict) else []
            break
    return first + [n for n in seen if n not in first and (kinds is None or n not in kinds)]


def line_batches(path: Path, kinds: dict[str, str] | None = None, skip: int = 0) -> Iterator[Batch]:
    """Batches of a JSONL table read line by line, after line `skip`; a line that cannot be read
    goes with its batch as a problem, and the lines after it are read. `kinds` (column -> kind)
    mark the cells whose JSON type is not their column's."""
    rows: list[dict[str, Any]] = []
    wrong: list[set[str]] = []
    lines: list[int] = []
    problems: list[ReadProblem] = []
    for item in jsonl_records(path):
        if isinstance(item, ReadProblem):
            if item.line is None or item.line > skip:
                problems.append(item)
                if len(problems) >= PROBLEM_LINES:  # a file of broken lines: memory stays flat
                    yield rows_to_batch(rows, lines, wrong, problems, kinds)
                    rows, wrong, lines, problems = [], [], [], []
            continue
        number, value = item
        if number <= skip:
            continue
        if not isinstance(value, dict):
            problem = ReadProblem("GE108", number, variant="not-object")
            problem.text = json.dumps(value, default=str)
            problems.append(problem)
            continue
        cells, mistyped = cells_from_json(value, kinds)
        rows.append(cells)
        wrong.append(mistyped)
        lines.append(number)
        if len(rows) >= BATCH_ROWS or len(problems) >= PROBLEM_LINES:
            yield rows_to_batch(rows, lines, wrong, problems, kinds)
            rows, wrong, lines, problems = [], [], [], []
    if rows or problems:
        yield rows_to_batch(rows, lines, wrong, problems, kinds)


def jsonl_table(
    path: Path, kinds: dict[str, str] | None = None
) -> tuple[list[str], Iterator[Batch]]:
    """The column names (of the first batch's rows) and the batches of a JSONL table, read line
    by line."""
    batches = line_batches(path, kinds)
    first = next(batches, None)
    if first is None:
        return [], iter(())
    return _header(path, list(first.columns), kinds), itertools.chain([first], batches)


LIST = pa.list_(pa.string())


def _json_cell(value: Any, kind: str | None) -> tuple[str | list[str] | None, bool]:
    """One JSON value as a text cell for a column of `kind` (a list of text for a list column),
    and whether its JSON type is not the kind's (JSON Schema's reading: 1 is no boolean, "3" no
    integer, 3.0 no integer here)."""
    if value is None:
        return None, False
    number = isinstance(value, int | float | LargeInteger) and not isinstance(value, bool)
    if kind in ("string", "date"):
        fits = isinstance(value, str)
    elif kind == "integer":
        fits = number and not isinstance(value, float)
    elif kind == "number":
        fits = number and not (isinstance(value, float) and not math.isfinite(value))
    elif kind == "boolean":
        fits = isinstance(value, bool)
    elif kind == "list":
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return value, False
        return [json.dumps(value, default=str, ensure_ascii=False)], True  # shown as one item
    else:  # a column of no table: shown as text
        fits = True
        if isinstance(value, list):
            return LIST_SEPARATOR.join(str(v) for v in value), False
    if not fits or isinstance(value, dict | list):
        return json.dumps(value, default=str, ensure_ascii=False), not fits
    if isinstance(value, bool):
        return ("true" if value else "false"), False
    return (
        value if isinstance(value, str) else repr(value) if isinstance(value, float) else str(value)
    ), False


def cells_from_json(
    record: dict[str, Any], kinds: dict[str, str] | None = None
) -> tuple[dict[str, Any], set[str]]:
    """A JSON row as CSV-like text cells, so that one engine checks both; and the columns whose
    value is of another JSON type than the column's kind (in `kinds`)."""
    out: dict[str, Any] = {}
    wrong: set[str] = set()
    for key, value in record.items():
        out[key], mistyped = _json_cell(value, None if kinds is None else kinds.get(key))
        if mistyped:
            wrong.add(key)
    return out, wrong


def rows_to_batch(
    rows: list[dict[str, Any]],
    lines: list[int],
    wrong: list[set[str]] | None = None,
    problems: list[ReadProblem] | None = None,
    kinds: dict[str, str] | None = None,
) -> Batch:
    """A batch of text columns (lists of text for list columns in `kinds`) from row dicts (keys
    in first-seen order); `wrong` the columns of each row whose value was of another type."""
    names: dict[str, None] = {}
    for row in rows:
        names.update(dict.fromkeys(row))
    lists = {n for n, kind in (kinds or {}).items() if kind == "list"}
    columns = {
        n: pa.array([r.get(n) for r in rows], LIST if n in lists else pa.string()) for n in names
    }
    mistyped = {}
    for name in {n for w in wrong or () for n in w}:
        mistyped[name] = pa.array([name in w for w in wrong or ()], pa.bool_())
    return Batch(columns, lines, mistyped=mistyped, problems=list(problems or ()))
