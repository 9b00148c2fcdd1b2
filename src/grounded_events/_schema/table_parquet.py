"""Parquet files of the data package: an explicit Arrow schema per table and pinned writer options."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from grounded_events._core.errors import GroundedEventsError
from grounded_events._schema.generate import table_schema
from grounded_events._schema.tables import TABLES

# Written into the footer instead of "parquet-cpp-arrow version X", so that the bytes carry no
# library version; readers parse it as an unknown writer, which disables no feature we use.
CREATED_BY = "grounded-events"

# Every option that changes the bytes, pinned; pyarrow's defaults have changed between releases.
WRITE_OPTIONS: dict[str, Any] = {
    "version": "2.6",
    "data_page_version": "1.0",
    "compression": "zstd",
    "compression_level": 9,
    "use_dictionary": True,
    "write_statistics": True,
    "row_group_size": 1_000_000,
    "data_page_size": 1 << 20,
    "write_batch_size": 1024,
    "dictionary_pagesize_limit": 1 << 20,
    "use_byte_stream_split": False,
    "use_compliant_nested_type": True,
    "store_schema": False,
    "write_page_index": False,
    "write_page_checksum": False,
    "use_content_defined_chunking": False,
}

_ARROW_TYPES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
    "list": pa.list_(pa.field("element", pa.string(), nullable=False)),
}


class ParquetWriteError(GroundedEventsError):
    """The pinned Parquet bytes could not be produced; the message says why."""


@cache
def arrow_schema(table: str) -> pa.Schema:
    """The Arrow schema of a table, from its Table Schema: required fields are not nullable."""
    fields = []
    for field in table_schema(TABLES[table])["fields"]:
        required = field.get("constraints", {}).get("required", False)
        fields.append(pa.field(field["name"], _ARROW_TYPES[field["type"]], nullable=not required))
    return pa.schema(fields)


def to_arrow(table: str, rows: Sequence[Mapping[str, Any]]) -> pa.Table:
    """Rows (dicts of Python values) as an Arrow table with the table's schema."""
    schema = arrow_schema(table)
    columns = {
        name: [None if row[name] is None else _plain(row[name]) for row in rows]
        for name in schema.names
    }
    return pa.Table.from_pydict(columns, schema=schema)


def _plain(value: Any) -> Any:
    if isinstance(value, str):
        return str(value)  # StrEnum members become their code
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return value


def write_parquet(data: pa.Table) -> bytes:
    """Parquet bytes of an Arrow table, the same for the same table on every machine."""
    sink = io.BytesIO()
    pq.write_table(data, sink, **WRITE_OPTIONS)
    return _pin_created_by(sink.getvalue())


def _varint(number: int) -> bytes:
    out = bytearray()
    while True:
        byte = number & 0x7F
        number >>= 7
        if number:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _pin_created_by(data: bytes) -> bytes:
    """Replace the footer's created_by string (FileMetaData field 6, Thrift compact) by ours."""
    if data[-4:] != b"PAR1":
        raise ParquetWriteError("pyarrow wrote no Parquet magic bytes")
    footer_length = int.from_bytes(data[-8:-4], "little")
    footer_start = len(data) - 8 - footer_length
    footer = data[footer_start:-8]
    written = pq.ParquetFile(io.BytesIO(data)).metadata
    old = written.created_by.encode("utf-8")
    # Field header: delta from field 4 (row_groups) or 5 (key_value_metadata), type 8 (binary).
    candidates = [
        bytes([header]) + _varint(len(old)) + old
        for header in (0x28, 0x18)
        if footer.count(bytes([header]) + _varint(len(old)) + old) == 1
    ]
    if len(candidates) != 1:
        raise ParquetWriteError(f"cannot find created_by {old!r} once in the Parquet footer")
    (needle,) = candidates
    new = CREATED_BY.encode("utf-8")
    new_footer = footer.replace(needle, needle[:1] + _varint(len(new)) + new)
    result = data[:footer_start] + new_footer + len(new_footer).to_bytes(4, "little") + b"PAR1"
    check = pq.ParquetFile(io.BytesIO(result)).metadata
    if (
        check.created_by != CREATED_BY
        or check.num_rows != written.num_rows
        or check.num_row_groups != written.num_row_groups
        or not check.schema.equals(written.schema)
    ):
        raise ParquetWriteError("rewriting created_by changed the Parquet metadata")
    return result
