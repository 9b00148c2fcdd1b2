"""load() and load_package(): the shipped data package in pandas with real dtypes."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import grounded_events
from grounded_events._core.files import _ALGORITHMS as FILE_ALGORITHMS
from grounded_events._loaders.load import dtypes, package_dir, tables
from grounded_events._schema.generate import table_schema
from grounded_events._schema.tables import TABLES
from grounded_events._schema.vocab import VOCABULARIES
from helpers import ROOT, build_sample, within


def readme_snippet() -> str:
    """The docs' recipe for users without the package, exactly as docs/load.md shows it."""
    readme = (ROOT / "docs" / "load.md").read_text(encoding="utf-8")
    (snippet,) = [
        b for b in re.findall(r"```python\n(.*?)```", readme, re.S) if "def read_csv" in b
    ]
    return snippet


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A package built from the test sample annotation."""
    return build_sample(tmp_path_factory.mktemp("load"))


def _packages(sample: Path) -> list[Path | None]:
    shipped = ROOT / "datasets" / "grounded-events" / "datapackage.json"
    return [sample, None] if shipped.is_file() else [sample]


def test_every_dtype_is_the_promised_one(sample: Path) -> None:
    """Coded columns are full-vocabulary categoricals; dates, counts, text, lists, booleans typed."""
    vocabularies = {v.__name__: [m.value for m in v] for v in VOCABULARIES}
    for path in _packages(sample):
        for table in TABLES:
            df = grounded_events.load(table, path=path)
            assert list(df.columns) == [f["name"] for f in table_schema(TABLES[table])["fields"]]
            for field in table_schema(TABLES[table])["fields"]:
                column = df[field["name"]]
                enum = field.get("constraints", {}).get("enum")
                if enum:
                    assert isinstance(column.dtype, pd.CategoricalDtype), field["name"]
                    assert list(column.cat.categories) == enum
                elif field["type"] == "date":
                    assert column.dtype == "datetime64[s]"
                elif field["type"] == "integer":
                    assert column.dtype == pd.Int64Dtype()
                elif field["type"] == "number":
                    assert column.dtype == pd.Float64Dtype()
                elif field["type"] == "boolean":
                    assert column.dtype == pd.BooleanDtype()
                elif field["type"] == "list":
                    assert column.dtype == object
                    assert all(isinstance(v, list) for v in column)
                    assert all(isinstance(i, str) for v in column for i in v)
                else:
                    assert isinstance(column.dtype, pd.StringDtype), field["name"]
    events = grounded_events.load("events", path=sample)
    assert list(events["event_type"].cat.categories) == vocabularies["EventType"]
    assert "rocket_attack" in list(events["event_subtype"])
    assert set(events["event_subtype"].cat.categories) == set(vocabularies["EventSubtype"])
    assert len(events["event_subtype"].cat.categories) > events["event_subtype"].nunique()
    assert events["is_aggregate"].dtype == "boolean"
    row = events.set_index("event_id").loc["rudaw-20231212-e01"]
    assert row["weapons"] == ["rocket"]
    assert row["fatalities_best"] == 0
    assert pd.isna(row["fatalities_low"])
    assert row["date_start"] == pd.Timestamp("2023-12-08")
    assert row["summary"] == "=SUM(A1) rockets hit the US embassy in Baghdad."


def test_load_reads_the_checkout_copy_by_default() -> None:
    """Without a path, load() reads the shipped package (the checkout's for editable installs)."""
    folder = ROOT / "datasets" / "grounded-events"
    assert (folder / "datapackage.json").is_file(), "run `make data`"
    assert Path(str(package_dir())) == folder
    package = grounded_events.load_package()
    assert set(package) == set(TABLES)
    assert len(package["events"]) > 0


def test_load_is_fast(sample: Path) -> None:
    """Loading one table takes well under a second (imports already done)."""
    grounded_events.load("events", path=sample)
    start = time.perf_counter()
    grounded_events.load("events", path=sample)
    assert time.perf_counter() - start < 0.5


def test_unknown_table_lists_the_tables() -> None:
    """An unknown table name is a UsageError (a ValueError) that names every table."""
    with pytest.raises(grounded_events.UsageError, match="unknown table 'event'") as error:
        grounded_events.load("event")
    assert isinstance(error.value, ValueError)
    for table in TABLES:
        assert table in str(error.value)


def test_value_outside_the_code_list_is_an_error(sample: Path, tmp_path: Path) -> None:
    """A code the vocabulary does not know is refused, not silently turned into NaN."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    data = pq.read_table(sample / "events.parquet")
    index = data.schema.get_field_index("event_type")
    bad = data.set_column(index, "event_type", pa.array(["bombing"] * len(data)))
    pq.write_table(bad, tmp_path / "events.parquet")
    (tmp_path / "datapackage.json").write_bytes((sample / "datapackage.json").read_bytes())
    with pytest.raises(grounded_events.PackageError, match=r"event_type.*'bombing'") as error:
        grounded_events.load("events", path=tmp_path, verify=False)
    assert isinstance(error.value, ValueError)


def test_a_folder_that_is_no_package_is_package_not_found(sample: Path, tmp_path: Path) -> None:
    """No datapackage.json, or no file for the table: PackageNotFound, a FileNotFoundError."""
    with pytest.raises(grounded_events.PackageNotFound, match=r"no datapackage\.json") as error:
        grounded_events.load("events", path=tmp_path)
    assert isinstance(error.value, FileNotFoundError)
    (tmp_path / "datapackage.json").write_bytes((sample / "datapackage.json").read_bytes())
    with pytest.raises(grounded_events.PackageNotFound, match=r"events\.parquet: no such file"):
        grounded_events.load("events", path=tmp_path, verify=False)


def test_an_unreadable_package_is_a_package_error(sample: Path, tmp_path: Path) -> None:
    """A descriptor that is not JSON, or a table that is not Parquet: PackageError naming it."""
    (tmp_path / "datapackage.json").write_text("{", encoding="utf-8")
    with pytest.raises(grounded_events.PackageError, match=r"datapackage\.json: not JSON"):
        grounded_events.load("events", path=tmp_path, verify=False)
    (tmp_path / "datapackage.json").write_bytes((sample / "datapackage.json").read_bytes())
    (tmp_path / "events.parquet").write_bytes(b"not parquet")
    with pytest.raises(grounded_events.PackageError, match="not a readable Parquet file"):
        grounded_events.load("events", path=tmp_path, verify=False)


def test_readme_snippet_equals_load(sample: Path) -> None:
    """pd.read_parquet and pd.read_csv with the docs' dtypes give exactly load()'s frames."""
    for path in _packages(sample):
        folder = path or ROOT / "datasets" / "grounded-events"
        namespace: dict[str, object] = {}
        exec(readme_snippet().replace('"datasets/grounded-events"', repr(str(folder))), namespace)
        for table in TABLES:
            expected = grounded_events.load(table, path=path)
            for reader in ("read_parquet", "read_csv"):
                got = namespace[reader](table)  # type: ignore[operator]
                pd.testing.assert_frame_equal(got, expected, obj=f"{reader}({table})")


def test_dtypes_cover_every_column(sample: Path) -> None:
    """dtypes() names a dtype for every column of every table, in the schema's table order."""
    assert tables(sample) == list(TABLES)
    assert list(grounded_events.load_package(sample)) == list(TABLES)
    for table in TABLES:
        assert list(dtypes(table, sample)) == list(TABLES[table].columns)


PACKAGE_1_0_0 = ROOT / "tests" / "fixtures" / "package-1.0.0"


def test_a_1_0_0_package_loads_with_its_own_dtypes() -> None:
    """A release of schema 1.0.0 (its datapackage.json and Parquet files, unchanged) loads: its
    five tables, its columns (refers_to still there) and its code lists, read from its own
    Table Schemas, hashes verified."""
    package = grounded_events.load_package(PACKAGE_1_0_0)
    assert list(package) == ["documents", "actors", "events", "event_actors", "evidence"]
    events = package["events"]
    assert "refers_to" in events.columns and "claim_status" not in events.columns
    assert "variants" not in package["actors"].columns
    assert "hedge" not in package["evidence"].columns
    described = json.loads((PACKAGE_1_0_0 / "datapackage.json").read_text(encoding="utf-8"))
    (schema,) = [r["schema"] for r in described["resources"] if r["name"] == "evidence"]
    (field,) = [f for f in schema["fields"] if f["name"] == "field"]
    assert list(package["evidence"]["field"].cat.categories) == field["constraints"]["enum"]
    assert "munitions" not in list(package["evidence"]["field"].cat.categories)
    assert events["date_start"].dtype == "datetime64[s]"
    assert events["fatalities_best"].dtype == pd.Int64Dtype()
    row = events.set_index("event_id").loc["rudaw-20231212-e13"]
    assert row["refers_to"] == ["rudaw-20231212-e03", "rudaw-20231212-e07"]
    with pytest.raises(grounded_events.UsageError) as error:
        grounded_events.load("links", path=PACKAGE_1_0_0)
    assert str(error.value) == (
        "unknown table 'links'; the tables are: documents, actors, events, event_actors, evidence"
    )


def test_a_column_type_load_does_not_know_is_a_package_error(sample: Path, tmp_path: Path) -> None:
    """A Table Schema type outside Table Schema's ones load() reads is a PackageError naming
    the descriptor, the column and the type, not a KeyError."""
    descriptor = json.loads((sample / "datapackage.json").read_text(encoding="utf-8"))
    (resource,) = [r for r in descriptor["resources"] if r["name"] == "links"]
    (field,) = [f for f in resource["schema"]["fields"] if f["name"] == "note"]
    field["type"] = "geojson"
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    with pytest.raises(grounded_events.PackageError) as error:
        grounded_events.load("links", path=tmp_path, verify=False)
    assert str(error.value) == (
        f"{tmp_path}/datapackage.json: column 'note' has type 'geojson'; load() reads string, "
        "integer, number, boolean, date, list"
    )


def test_new_tables_load_with_their_dtypes(sample: Path) -> None:
    """The links table of 2.0.0, and the new columns of the other tables, get real dtypes."""
    links = grounded_events.load("links", path=sample)
    assert isinstance(links["relation"].dtype, pd.CategoricalDtype)
    assert isinstance(links["link_id"].dtype, pd.StringDtype)
    assert links["quotes"].dtype == object
    events = grounded_events.load("events", path=sample)
    for column in ("claim_status", "damage"):
        assert isinstance(events[column].dtype, pd.CategoricalDtype), column
    for column in ("munitions_best", "attacks_low", "fatalities_civilians"):
        assert events[column].dtype == pd.Int64Dtype(), column
    assert events["claimed_by"].dtype == object
    evidence = grounded_events.load("evidence", path=sample)
    assert isinstance(evidence["hedge"].dtype, pd.CategoricalDtype)
    assert isinstance(evidence["according_to"].dtype, pd.StringDtype)


@pytest.mark.slow
def test_wheel_ships_the_data_and_load_works_from_it(tmp_path: Path) -> None:
    """A wheel carries the package as grounded_events/_data and the py.typed marker, and load()
    reads the package when installed."""
    project = tmp_path / "project"
    project.mkdir()
    for name in ("pyproject.toml", "hatch_build.py", "README.md", "LICENSE", ".gitignore"):
        (project / name).write_bytes((ROOT / name).read_bytes())
    subprocess.run(["cp", "-r", str(ROOT / "src"), str(ROOT / "schema"), str(project)], check=True)
    built = build_sample(tmp_path / "sample")
    registry = project / "src" / "grounded_events" / "registry"
    registry.mkdir(exist_ok=True)
    current = f"v{grounded_events.__version__}.sha256"
    (registry / current).write_bytes((tmp_path / "sample" / "registry.sha256").read_bytes())
    (project / "datasets").mkdir()
    subprocess.run(
        ["cp", "-r", str(built), str(project / "datasets" / "grounded-events")], check=True
    )
    wheels = tmp_path / "wheels"
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(wheels), str(project)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    (wheel,) = wheels.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for table in TABLES:
        assert f"grounded_events/_data/{table}.parquet" in names
        assert f"grounded_events/_data/{table}.csv" in names
    assert f"grounded_events/registry/{current}" in names
    assert "grounded_events/registry/v1.0.0.sha256" in names  # the previous release stays fetchable
    assert "grounded_events/py.typed" in names  # type checkers read the inline hints (PEP 561)
    target = tmp_path / "site"
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target),
         str(wheel)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    script = (
        "import grounded_events, grounded_events._loaders.load as l;"
        "df = grounded_events.load('events');"
        "print(l.package_dir(), len(df), df['event_type'].dtype)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True, text=True, check=False, cwd=tmp_path,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    where, rows, dtype = done.stdout.split()
    assert Path(where) == target / "grounded_events" / "_data"
    assert int(rows) == len(pd.read_parquet(built / "events.parquet"))
    assert dtype == "category"


@pytest.fixture
def copy(sample: Path, tmp_path: Path) -> Path:
    """A fresh copy of the sample package."""
    folder = tmp_path / "copy"
    shutil.copytree(sample, folder)
    return folder


def _rewrite_parquet(folder: Path) -> None:
    """A tampered events.parquet: one summary changed, still a valid Parquet file."""
    data = pq.read_table(folder / "events.parquet")
    index = data.schema.get_field_index("summary")
    summaries = data.column("summary").to_pylist()
    summaries[0] = "tampered"
    pq.write_table(
        data.set_column(index, "summary", pa.array(summaries)), folder / "events.parquet"
    )


def _set_hash(folder: Path, path: str, notation: str | None) -> None:
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        if resource["path"] == path:
            resource.pop("bytes", None)
            if notation is None:
                resource.pop("hash", None)
            else:
                resource["hash"] = notation
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")


def test_a_tampered_parquet_is_not_loaded(copy: Path) -> None:
    """load() refuses a Parquet whose hash differs from datapackage.json, naming file and hashes."""
    (copy / "SHA256SUMS").unlink()
    expected = json.loads((copy / "datapackage.json").read_text(encoding="utf-8"))
    (resource,) = [r for r in expected["resources"] if r["path"] == "events.parquet"]
    _rewrite_parquet(copy)
    actual = hashlib.sha256((copy / "events.parquet").read_bytes()).hexdigest()
    with pytest.raises(grounded_events.IntegrityError) as info:
        grounded_events.load("events", path=copy)
    message = str(info.value)
    assert str(copy / "events.parquet") in message
    assert resource["hash"].split(":")[1] in message and actual in message
    assert "verify=False" in message and "download()" in message
    assert info.value.expected == resource["hash"]
    assert info.value.actual == f"sha256:{actual}"
    assert grounded_events.load("events", path=copy, verify=False)["summary"][0] == "tampered"


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(algorithm=st.sampled_from(sorted(FILE_ALGORITHMS)), upper=st.booleans())
def test_load_checks_every_hash_notation(copy: Path, algorithm: str, upper: bool) -> None:
    """Whatever algorithm and case datapackage.json uses, load() verifies it: pass, then refuse."""
    (copy / "SHA256SUMS").unlink(missing_ok=True)
    original = (copy / "events.parquet").read_bytes()
    digest = hashlib.new(algorithm, original).hexdigest()
    _set_hash(copy, "events.parquet", f"{algorithm.upper() if upper else algorithm}:{digest}")
    assert len(grounded_events.load("events", path=copy)) > 0
    _rewrite_parquet(copy)
    with pytest.raises(grounded_events.IntegrityError):
        grounded_events.load("events", path=copy)
    (copy / "events.parquet").write_bytes(original)


def test_load_refuses_what_it_cannot_verify(copy: Path) -> None:
    """An unknown algorithm, or no hash at all, is an IntegrityError unless verify=False."""
    (copy / "SHA256SUMS").unlink()
    _set_hash(copy, "events.parquet", "crc32:0badcafe")
    with pytest.raises(grounded_events.IntegrityError, match="unknown hash algorithm"):
        grounded_events.load("events", path=copy)
    _set_hash(copy, "events.parquet", None)
    with pytest.raises(grounded_events.IntegrityError, match="neither datapackage"):
        grounded_events.load("events", path=copy)
    assert len(grounded_events.load("events", path=copy, verify=False)) > 0


def test_load_checks_sha256sums(copy: Path) -> None:
    """A datapackage.json rewritten to match a tampered Parquet is caught by SHA256SUMS."""
    _rewrite_parquet(copy)
    digest = hashlib.sha256((copy / "events.parquet").read_bytes()).hexdigest()
    _set_hash(copy, "events.parquet", f"sha256:{digest}")
    with pytest.raises(grounded_events.IntegrityError, match=r"datapackage\.json.*SHA256SUMS"):
        grounded_events.load("events", path=copy)


@pytest.mark.parametrize("kind", ["fifo", "zero", "outside"])
def test_load_refuses_files_that_are_not_regular_files_inside(copy: Path, kind: str) -> None:
    """A Parquet that is a FIFO, a symlink to /dev/zero or out of the package raises UnsafeFile."""
    target = copy / "events.parquet"
    target.unlink()
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "zero":
        target.symlink_to("/dev/zero")
    else:
        shutil.copy(copy / "actors.parquet", copy.parent / "events.parquet")
        target.symlink_to(copy.parent / "events.parquet")
    for verify in (True, False):
        with pytest.raises(grounded_events.UnsafeFile) as info:
            within(10, lambda verify=verify: grounded_events.load("events", copy, verify))
        assert str(target) in str(info.value)
