"""Load the data package into pandas with real dtypes: categories, dates, nullable counts, lists."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

# Table Schema type -> pandas dtype of a column without a code list.
PANDAS_TYPES: dict[str, Any] = {
    "string": "string",
    "integer": "Int64",
    "number": "Float64",
    "boolean": "boolean",
    "date": "datetime64[s]",
    "list": "object",
}

_CHECKOUT = Path(__file__).resolve().parents[2] / "datasets" / "grounded-events"

# The tables of schema 1.0.0 in package order (tests check this against _tables.TABLES); kept
# here so that `import grounded_events; load()` does not import pydantic and the models.
TABLE_NAMES = ("documents", "actors", "events", "event_actors", "evidence")

Folder = Traversable | Path


def _schemas(folder: Folder) -> dict[str, list[dict[str, Any]]]:
    try:
        descriptor = json.loads(folder.joinpath("datapackage.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(f"{folder}: no datapackage.json; is this a data package?") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"{folder}/datapackage.json: not JSON ({exc})") from None
    return {
        r["name"]: r["schema"]["fields"]
        for r in descriptor.get("resources", [])
        if isinstance(r.get("schema"), dict)
    }


def fields(table: str, path: str | os.PathLike[str] | None = None) -> list[dict[str, Any]]:
    """The Table Schema fields of `table` as the package's datapackage.json describes them."""
    _check_table(table)
    schemas = _schemas(_folder(path))
    if table not in schemas:
        raise ValueError(f"{_folder(path)}/datapackage.json: no Table Schema for {table!r}")
    return schemas[table]


def dtypes(table: str, path: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """The pandas dtype of every column of `table`; list columns are "object" (Python lists).

    Coded columns are categoricals whose categories are the whole code list (the Table Schema's
    `enum`), so that unused codes still show in counts and crosstabs.
    """
    result: dict[str, Any] = {}
    for field in fields(table, path):
        codes = field.get("constraints", {}).get("enum")
        if codes:
            result[field["name"]] = pd.CategoricalDtype(list(codes), ordered=False)
        else:
            result[field["name"]] = PANDAS_TYPES[field["type"]]
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
    raise FileNotFoundError(
        "no data package found: neither grounded_events/_data in the installed package nor "
        f"{_CHECKOUT} in a checkout. Run `make data` in a checkout, or fetch a release with "
        "grounded_events.download() and pass its folder as load(..., path=...)."
    )


@contextlib.contextmanager
def _parquet(table: str, path: str | os.PathLike[str] | None) -> Iterator[Path]:
    if path is not None:
        yield Path(path) / f"{table}.parquet"
        return
    with resources.as_file(package_dir().joinpath(f"{table}.parquet")) as file:
        yield file


def _check_table(table: str) -> None:
    if table not in TABLE_NAMES:
        raise ValueError(f"unknown table {table!r}; the tables are: {', '.join(TABLE_NAMES)}")


def to_pandas(
    table: str, data: pa.Table, source: str = "", path: str | os.PathLike[str] | None = None
) -> pd.DataFrame:
    """An Arrow table of `table` as a DataFrame with the dtypes of the package at `path`."""
    columns: dict[str, Any] = {}
    for name, dtype in dtypes(table, path).items():
        column = data.column(name)
        if isinstance(dtype, pd.CategoricalDtype):
            values = column.to_pylist()
            unknown = sorted({v for v in values if v is not None} - set(dtype.categories))
            if unknown:
                raise ValueError(
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


def load(table: str = "events", path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """One table of the data package as a pandas DataFrame with real dtypes.

    `path` is a data package folder (a release fetched with `download()`); by default the copy
    shipped with the installed package is read, offline.
    """
    _check_table(table)
    with _parquet(table, path) as file:
        try:
            data = pq.read_table(file, schema=None)
        except FileNotFoundError:
            raise FileNotFoundError(f"{file}: no such file; is this a data package?") from None
        except pa.ArrowInvalid as exc:
            raise ValueError(f"{file}: not a readable Parquet file: {exc}") from None
        missing = [c for c in dtypes(table, path) if c not in data.column_names]
        if missing:
            raise ValueError(f"{file}: missing columns {', '.join(missing)}")
        return to_pandas(table, data, str(file), path)


def load_package(path: str | os.PathLike[str] | None = None) -> dict[str, pd.DataFrame]:
    """Every table of the data package, by name, as DataFrames with real dtypes."""
    return {name: load(name, path) for name in TABLE_NAMES}
