"""Load the data package into pandas with real dtypes: categories, dates, nullable counts, lists."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import IO, Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from grounded_events._core.errors import GroundedEventsError, UsageError
from grounded_events._core.files import (
    MAX_RESOURCE_BYTES,
    MAX_TEXT_BYTES,
    HashNotation,
    UnsafeFile,
    blocks,
    check_handle,
    open_inside,
    parse_sums,
)

# Table Schema type -> pandas dtype of a column without a code list.
PANDAS_TYPES: dict[str, Any] = {
    "string": "string",
    "integer": "Int64",
    "number": "Float64",
    "boolean": "boolean",
    "date": "datetime64[s]",
    "list": "object",
}

_CHECKOUT = Path(__file__).resolve().parents[3] / "datasets" / "grounded-events"

Folder = Traversable | Path


class IntegrityError(GroundedEventsError, ValueError):
    """A file of the data package differs from what the package promises; nothing was loaded.

    `file` is the file, `expected` the hash (or size) its datapackage.json or SHA256SUMS gives,
    `actual` what the file has.
    """

    def __init__(self, file: str, message: str, expected: str, actual: str | None) -> None:
        where = message if message.startswith(file) else f"{file}: {message}"
        super().__init__(
            f"{where}. Nothing was loaded: fetch the release again with "
            "grounded_events.download(), or pass verify=False to load a copy you changed on "
            "purpose (or a very large local copy you trust)."
        )
        self.file = file
        self.expected = expected
        self.actual = actual


class PackageError(GroundedEventsError, ValueError):
    """The folder is not a readable data package: its descriptor, a table file or a value is
    not what the package's schema says; nothing was loaded."""


class PackageNotFound(GroundedEventsError, FileNotFoundError):
    """No data package where one was looked for: no datapackage.json, or a table's file is
    missing."""


@contextlib.contextmanager
def _open(folder: Folder, name: str, max_bytes: int) -> Iterator[IO[bytes]]:
    """A file of the package: a regular file inside the folder, of bounded size."""
    if isinstance(folder, Path):
        try:
            with open_inside(folder, name, max_bytes) as handle:
                yield handle
        except UnsafeFile as exc:
            raise UnsafeFile(exc.code, str(folder / exc.path), exc.reason) from None
        return
    with folder.joinpath(name).open("rb") as handle:  # a zip import: members are plain bytes
        yield handle


def _read(folder: Folder, name: str) -> bytes:
    with _open(folder, name, MAX_TEXT_BYTES) as handle:
        return b"".join(blocks(handle, name, MAX_TEXT_BYTES))


def _checksums(folder: Folder) -> dict[str, tuple[str, int]]:
    try:
        return parse_sums(_read(folder, "SHA256SUMS").decode("utf-8"))
    except FileNotFoundError:
        return {}
    except (UnicodeDecodeError, HashNotation) as exc:
        raise IntegrityError(f"{folder}/SHA256SUMS", str(exc), "<sha256>  <file>", None) from None


def _verify(
    folder: Folder,
    name: str,
    handle: IO[bytes],
    sums: dict[str, tuple[str, int]],
    resource: dict[str, Any] | None = None,
) -> None:
    """Raise IntegrityError unless the open file matches every hash the package gives for it."""
    listed = sums.get(name)
    resource = resource or {}
    if listed is None and resource.get("hash") is None:
        raise IntegrityError(
            f"{folder}/{name}",
            "neither datapackage.json nor SHA256SUMS gives a hash to verify it against",
            "a hash",
            None,
        )
    problems = check_handle(
        handle, name, resource.get("hash"), resource.get("bytes"), listed[0] if listed else None
    )
    if problems:
        first = problems[0]
        message = f"{folder}/{first.message}" if first.message.startswith(name) else first.message
        raise IntegrityError(f"{folder}/{name}", message, first.expected, first.actual)
    handle.seek(0)


def _descriptor(folder: Folder, sums: dict[str, tuple[str, int]] | None) -> dict[str, Any]:
    """datapackage.json of the folder, checked against `sums` (SHA256SUMS) when given and they
    list it."""
    try:
        with _open(folder, "datapackage.json", MAX_TEXT_BYTES) as handle:
            if sums and "datapackage.json" in sums:
                _verify(folder, "datapackage.json", handle, sums)
            data = b"".join(blocks(handle, "datapackage.json", MAX_TEXT_BYTES))
    except FileNotFoundError:
        raise PackageNotFound(f"{folder}: no datapackage.json; is this a data package?") from None
    try:
        descriptor = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise PackageError(f"{folder}/datapackage.json: not JSON ({exc})") from None
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources", []), list):
        raise PackageError(f"{folder}/datapackage.json: not a data package descriptor")
    return descriptor


def _schemas(descriptor: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Table name -> Table Schema fields, in package order. The package's own descriptor says
    which tables it has and their columns, so a package of any schema version (1.0.0's five
    tables, or a later version's) loads with its own dtypes."""
    return {
        r["name"]: r["schema"]["fields"]
        for r in descriptor.get("resources", [])
        if isinstance(r, dict)
        and isinstance(r.get("name"), str)
        and isinstance(r.get("schema"), dict)
        and isinstance(r["schema"].get("fields"), list)
    }


def tables(path: str | os.PathLike[str] | None = None) -> list[str]:
    """The names of the package's tables in package order (default: the shipped package)."""
    return list(_schemas(_descriptor(_folder(path), None)))


def fields(table: str, path: str | os.PathLike[str] | None = None) -> list[dict[str, Any]]:
    """The Table Schema fields of `table` as the package's datapackage.json describes them."""
    folder = _folder(path)
    return _fields(table, _descriptor(folder, None))


def _fields(table: str, descriptor: dict[str, Any]) -> list[dict[str, Any]]:
    """The fields of `table`; UsageError naming the package's tables when it has no such table."""
    schemas = _schemas(descriptor)
    if table not in schemas:
        raise UsageError(f"unknown table {table!r}; the tables are: {', '.join(schemas)}")
    return schemas[table]


def dtypes(table: str, path: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """The pandas dtype of every column of `table`; list columns are "object" (Python lists).

    Coded columns are categoricals whose categories are the whole code list (the Table Schema's
    `enum`), so that unused codes still show in counts and crosstabs.
    """
    return _dtypes(fields(table, path), f"{_folder(path)}/datapackage.json")


def _dtypes(table_fields: list[dict[str, Any]], source: str) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for field in table_fields:
        codes = field.get("constraints", {}).get("enum")
        kind = field.get("type", "string")  # Table Schema's default type
        if codes:
            result[field["name"]] = pd.CategoricalDtype(list(codes), ordered=False)
        elif kind in PANDAS_TYPES:
            result[field["name"]] = PANDAS_TYPES[kind]
        else:
            raise PackageError(
                f"{source}: column {field.get('name')!r} has type {kind!r}; load() reads "
                f"{', '.join(PANDAS_TYPES)}"
            )
    return result


def _folder(path: str | os.PathLike[str] | None) -> Folder:
    return package_dir() if path is None else Path(path)


def package_dir() -> Traversable:
    """The data package shipped with the installed package, or the checkout's for editable installs."""
    shipped = resources.files("grounded_events").joinpath("_data")
    if shipped.joinpath("datapackage.json").is_file():
        return shipped
    if (_CHECKOUT / "datapackage.json").is_file():
        return _CHECKOUT
    raise PackageNotFound(
        "no data package found: neither grounded_events/_data in the installed package nor "
        f"{_CHECKOUT} in a checkout. Run `make data` in a checkout, or fetch a release with "
        "grounded_events.download() and pass its folder as load(..., path=...)."
    )


def to_pandas(table: str, data: pa.Table, source: str, types: dict[str, Any]) -> pd.DataFrame:
    """An Arrow table of `table` as a DataFrame with the dtypes `types` (column -> dtype)."""
    columns: dict[str, Any] = {}
    for name, dtype in types.items():
        column = data.column(name)
        if isinstance(dtype, pd.CategoricalDtype):
            values = column.to_pylist()
            unknown = sorted({v for v in values if v is not None} - set(dtype.categories))
            if unknown:
                raise PackageError(
                    f"{source or table}: column {name} has values outside its code list: "
                    f"{', '.join(map(repr, unknown))}; expected one of "
                    f"{', '.join(dtype.categories)}"
                )
            columns[name] = pd.Series(pd.Categorical(values, dtype=dtype), name=name)
        elif dtype == "object":
            columns[name] = pd.Series(column.to_pylist(), dtype="object", name=name)
        elif dtype == "datetime64[s]":
            series = column.to_pandas(date_as_object=False)
            columns[name] = series.astype(dtype).rename(name)
        else:
            columns[name] = pd.Series(column.to_pylist(), dtype=dtype, name=name)
    return pd.DataFrame(columns)


def load(
    table: str = "events", path: str | os.PathLike[str] | None = None, verify: bool = True
) -> pd.DataFrame:
    """One table of the data package as a pandas DataFrame with real dtypes.

    `path` is a data package folder (a release fetched with `download()`); by default the copy
    shipped with the installed package is read, offline. Before a byte is parsed, the Parquet
    file (and datapackage.json) are checked against the hashes and sizes of datapackage.json and
    SHA256SUMS; a difference raises IntegrityError. `verify=False` skips that read of the whole
    file, for very large local copies you trust.

    >>> events = load()  # the events table of the copy shipped with the package
    >>> events.dtypes[["event_type", "date_start", "fatalities_best"]]
    event_type              category
    date_start         datetime64[s]
    fatalities_best            Int64
    dtype: object
    """
    folder = _folder(path)
    sums = _checksums(folder) if verify else None
    descriptor = _descriptor(folder, sums)
    types = _dtypes(_fields(table, descriptor), f"{folder}/datapackage.json")
    name = f"{table}.parquet"
    resource = next(
        (
            r
            for r in descriptor.get("resources", [])
            if isinstance(r, dict) and r.get("path") == name
        ),
        None,
    )
    try:
        with _open(folder, name, MAX_RESOURCE_BYTES) as handle:
            if verify:
                _verify(folder, name, handle, sums or {}, resource)
            try:
                data = pq.read_table(handle, schema=None)
            except (pa.ArrowInvalid, OSError) as exc:
                raise PackageError(f"{folder}/{name}: not a readable Parquet file: {exc}") from None
    except FileNotFoundError:
        raise PackageNotFound(f"{folder}/{name}: no such file; is this a data package?") from None
    missing = [c for c in types if c not in data.column_names]
    if missing:
        raise PackageError(f"{folder}/{name}: missing columns {', '.join(missing)}")
    return to_pandas(table, data, f"{folder}/{name}", types)


def load_package(
    path: str | os.PathLike[str] | None = None, verify: bool = True
) -> dict[str, pd.DataFrame]:
    """Every table of the data package, by name, as DataFrames with real dtypes (see load()).

    >>> list(load_package())
    ['documents', 'actors', 'events', 'event_actors', 'evidence', 'links'...]
    """
    return {name: load(name, path, verify) for name in tables(path)}
