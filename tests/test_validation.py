"""grounded-events validate: layered checks with stable codes, precise locations, no tracebacks."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from grounded_events._core.errors import UsageError
from grounded_events._core.version import SCHEMA_VERSION
from grounded_events._schema.models import AnnotationFile
from grounded_events._schema.tables import rows_from_annotation
from grounded_events._schema.versions import schema_dir
from grounded_events._validation import validate
from grounded_events._validation.cells import arrow_schema
from grounded_events._validation.cli import configure, run
from grounded_events._validation.codes import CODES, markdown_table
from grounded_events.cli import main
from helpers import (
    DOC_ID,
    TEXT,
    annotation_data,
    set_cell,
    write_annotation,
    write_seeds,
    write_tables,
)


def write_package(folder: Path) -> Path:
    """A datapackage.json over the CSV tables, with their hashes and sizes."""
    paths = write_tables(folder)
    resources = []
    for name, path in sorted(paths.items()):
        data = path.read_bytes()
        resources.append(
            {
                "name": name,
                "path": path.name,
                "bytes": len(data),
                "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
            }
        )
    descriptor = folder / "datapackage.json"
    descriptor.write_text(
        json.dumps({"name": "t", "resources": resources}, indent=2), encoding="utf-8"
    )
    return descriptor


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run `grounded-events validate ARGS`; exit code, stdout, stderr."""
    code = main(["validate", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def cli_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[dict[str, Any]]]:
    code, out, _ = cli(capsys, *args, "--format", "json")
    return code, json.loads(out)


# --- valid inputs -----------------------------------------------------------------------------


def test_valid_tables_pass(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Tables built from a valid annotation validate with exit 0, as a folder and one by one."""
    paths = write_tables(tmp_path / "t")
    assert cli(capsys, str(tmp_path / "t"))[0] == 0
    for path in paths.values():
        assert cli(capsys, str(path))[0] == 0


def test_valid_annotation_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A valid annotation file passes with its seeds, in YAML and in JSON."""
    seeds = write_seeds(tmp_path / "seeds")
    (tmp_path / "a").mkdir()
    # one file per document: the same annotation in two files would repeat its event ids
    yaml_file = write_annotation(tmp_path / "a" / "x.yaml")
    json_file = tmp_path / "a" / "y.json"
    json_file.write_text(json.dumps(annotation_data()), encoding="utf-8")
    for path in (yaml_file, json_file):
        code, out, _ = cli(capsys, str(path), "--seeds", str(seeds))
        assert code == 0, out


def test_package_passes(tmp_path: Path) -> None:
    """A data package whose hashes match its files is valid."""
    assert validate(write_package(tmp_path / "p")).ok


# --- one broken cell: the row, the field and that rule's code --------------------------------

BREAKS = [
    ("events", 2, "event_type", "bombing", "GE301"),
    ("events", 3, "event_type", "remote_violence", "GE305"),
    ("events", 2, "date_end", "2023-12-01", "GE401"),
    ("events", 2, "latitude", "-33.3", "GE404"),
    ("events", 2, "fatalities_best", "-3", "GE207"),
    ("events", 3, "event_id", f"{DOC_ID}-e01", "GE601"),
    ("events", 2, "date_start", "2023-02-30", "GE205"),
    ("events", 2, "cameo_root", "14", "GE307"),
    ("evidence", 2, "quote", "Drones hit the US embassy in Baghdad", "GE501"),
    ("evidence", 3, "end", "99999", "GE502"),
    ("documents", 2, "sha256", "0" * 64, "GE503"),
    ("events", 2, "initiator", "nobody", "GE602"),
]


@pytest.mark.parametrize(("table", "row", "column", "value", "code"), BREAKS)
def test_single_cell_break_alone(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    table: str,
    row: int,
    column: str,
    value: str,
    code: str,
) -> None:
    """A broken cell makes the CSV file alone exit 1 with its row, field and code."""
    paths = write_tables(tmp_path / "t")
    set_cell(paths[table], row, column, value)
    exit_code, errors = cli_json(capsys, str(paths[table]))
    assert exit_code == 1
    assert {"file": str(paths[table]), "line": row, "field": column, "code": code} in [
        {k: e[k] for k in ("file", "line", "field", "code")} for e in errors
    ]
    assert all(
        set(e) == {"file", "line", "field", "code", "message", "expected", "actual"} for e in errors
    )


@pytest.mark.parametrize(("table", "row", "column", "value", "code"), BREAKS)
def test_single_cell_break_in_package(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    table: str,
    row: int,
    column: str,
    value: str,
    code: str,
) -> None:
    """In a data package the cell error is reported and the hash mismatch too, not instead."""
    descriptor = write_package(tmp_path / "p")
    set_cell(tmp_path / "p" / f"{table}.csv", row, column, value)
    exit_code, errors = cli_json(capsys, str(descriptor))
    assert exit_code == 1
    found = {
        (e["line"], e["field"], e["code"]) for e in errors if e["file"].endswith(f"{table}.csv")
    }
    assert (row, column, code) in found
    assert "GE701" in {e["code"] for e in errors}


def test_all_errors_of_a_row(tmp_path: Path) -> None:
    """Every broken cell of one row is reported, not only the first."""
    paths = write_tables(tmp_path / "t")
    for column, value in (
        ("event_type", "x"),
        ("date_precision", "x"),
        ("fatalities_best", "x"),
        ("latitude", "91"),
    ):
        set_cell(paths["events"], 2, column, value)
    report = validate(paths["events"])
    assert {(e.line, e.field) for e in report.errors} == {
        (2, "event_type"),
        (2, "date_precision"),
        (2, "fatalities_best"),
        (2, "latitude"),
    }


def test_parquet_tables(tmp_path: Path) -> None:
    """Typed Parquet tables are checked by the same rules, with 1-based rows; a column of
    another type (lists kept as text, a code read as an integer) is a type error per cell."""
    paths = write_tables(tmp_path / "t")
    set_cell(paths["events"], 3, "date_end", "2023-12-01")
    schema = arrow_schema(schema_dir(None), "events")
    lists = [f.name for f in schema if pa.types.is_list(f.type)]
    table = pacsv.read_csv(
        paths["events"],
        convert_options=pacsv.ConvertOptions(
            column_types={f.name: pa.string() if f.name in lists else f.type for f in schema},
            strings_can_be_null=True,
        ),
    )
    for name in lists:
        split = pc.split_pattern(table.column(name), "|")
        table = table.set_column(table.schema.get_field_index(name), name, split)
    pq.write_table(table, tmp_path / "events.parquet")
    report = validate(tmp_path / "events.parquet")
    assert [(e.line, e.field, e.code) for e in report.errors] == [(2, "date_end", "GE401")]
    # read as pyarrow infers it: lists stay text, cameo_root '19' becomes an integer
    pq.write_table(pacsv.read_csv(paths["events"]), tmp_path / "events.parquet")
    report = validate(tmp_path / "events.parquet")
    wrong = {(e.field, e.code) for e in report.errors if e.code == "GE204"}
    assert wrong == {(c, "GE204") for c in ("target", "weapons", "cameo_root")}


def test_neutralised_csv_text(tmp_path: Path) -> None:
    """A CSV cell written as ' + formula trigger reads back without the apostrophe."""
    data = annotation_data()
    data["events"][0]["summary"] = "-3 rockets"
    paths = write_tables(tmp_path / "t", data)
    set_cell(paths["events"], 2, "summary", "'-3 rockets")
    assert validate(paths["events"]).ok


# --- annotation files --------------------------------------------------------------------------


def test_annotation_errors_point_at_yaml_lines(tmp_path: Path) -> None:
    """Structure and cross-field errors in YAML carry the line of the offending key."""
    seeds = write_seeds(tmp_path / "seeds")
    data = annotation_data()
    data["events"][0]["date"]["end"] = "2023-12-01"
    data["events"][1]["summary"] = ""
    path = write_annotation(tmp_path / "a.yaml", data)
    lines = path.read_text().splitlines()
    report = validate(path, seeds=seeds)
    by_code = {e.code: e for e in report.errors}
    assert set(by_code) == {"GE401", "GE208"}
    assert by_code["GE401"].field == "events[0].date.end"
    assert re.search(r"end: '?2023-12-01", lines[by_code["GE401"].line - 1])
    assert by_code["GE208"].field == "events[1].summary"
    assert "summary:" in lines[by_code["GE208"].line - 1]


def test_missing_seeds_is_one_error(tmp_path: Path) -> None:
    """Without a seeds index, quotes cannot be checked: one GE505, no traceback."""
    path = write_annotation(tmp_path / "a.yaml")
    report = validate(path, seeds=tmp_path / "none")
    assert [e.code for e in report.errors] == ["GE505"]


def test_project_annotations_pass(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The project's own annotation files validate against the seeds."""
    folder = root / "datasets" / "annotations"
    assert any(folder.glob("*.yaml")), "no annotation files"
    monkeypatch.chdir(root)
    report = validate(Path("datasets/annotations"))
    assert report.ok, [e for e in report.errors]


# --- bad input: a clear error, the right exit code, never a traceback --------------------------

YAML_OK = "doc_id: x\n"


def _parquet(path: Path) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(pa.table({"event_id": ["a"]}), sink)
    return sink.getvalue().to_pybytes()


BAD_INPUTS: list[tuple[str, str, bytes, str]] = [
    ("malformed-yaml", "a.yaml", b"doc_id: [unclosed\nx: 1\n", "GE105"),
    ("duplicate-keys", "a.yaml", b"doc_id: a\ndoc_id: b\n", "GE106"),
    ("yaml-tag", "a.yaml", b"doc_id: !!python/object/apply:os.system ['echo hi']\n", "GE107"),
    ("custom-tag", "a.yaml", b"doc_id: !include other.yaml\n", "GE107"),
    ("malformed-json", "a.json", b'{"doc_id": "a",}', "GE108"),
    ("malformed-csv", "events.csv", b'event_id,doc_id\n"a,b\n', "GE109"),
    ("wrong-cell-count", "events.csv", b"event_id,doc_id\na,b,c\n", "GE109"),
    ("latin1", "events.csv", "event_id,summary\na,café\n".encode("latin-1"), "GE104"),
    ("utf16", "a.yaml", "doc_id: x\n".encode("utf-16"), "GE104"),
    ("empty", "events.csv", b"", "GE103"),
    ("whitespace", "a.yaml", b"  \n\n", "GE103"),
    ("not-parquet", "events.parquet", b"event_id\na\n", "GE111"),
    ("unknown", "notes.txt", b"hello", "GE112"),
]


@pytest.mark.parametrize(
    ("name", "file", "data", "code"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS]
)
def test_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, file: str, data: bytes, code: str
) -> None:
    """Unreadable input gets its code, a line where one exists, and exit 2."""
    path = tmp_path / file
    path.write_bytes(data)
    exit_code, errors = cli_json(capsys, str(path))
    assert exit_code == 2
    assert [e["code"] for e in errors] == [code]
    assert "Traceback" not in json.dumps(errors)


def test_encoding_error_has_a_hint(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A wrong encoding names the line and says how to fix it."""
    path = tmp_path / "events.csv"
    path.write_bytes("event_id,summary\na,b\nc,café\n".encode("latin-1"))
    code, out, _ = cli(capsys, str(path))
    assert code == 2
    assert f"{path}:3: GE104" in out and "UTF-8" in out and "iconv" in out


def test_truncated_parquet(tmp_path: Path) -> None:
    """A Parquet file cut short is GE111."""
    path = tmp_path / "events.parquet"
    path.write_bytes(_parquet(path)[:-30])
    assert validate(path).codes == {"GE111"}


def test_huge_cell(tmp_path: Path) -> None:
    """A cell larger than 1 MiB is refused with its row and column."""
    paths = write_tables(tmp_path / "t")
    set_cell(paths["events"], 3, "summary", "x" * ((1 << 20) + 1))
    report = validate(paths["events"])
    assert [(e.code, e.line, e.field) for e in report.errors] == [("GE110", 3, "summary")]


@pytest.mark.parametrize("size", [2 << 20, 11 << 20])
def test_huge_cell_beyond_a_block(tmp_path: Path, size: int) -> None:
    """A cell too large for the reader's blocks (2 MiB: pyarrow reads a record over two 1 MiB
    blocks at most) or for the long-row blocks (11 MiB: found by Python's csv module) is refused
    with its row and column too."""
    paths = write_tables(tmp_path / "t")
    set_cell(paths["events"], 3, "summary", "x" * size)
    report = validate(paths["events"])
    assert [(e.code, e.line, e.field) for e in report.errors] == [("GE110", 3, "summary")]
    assert str(size) in report.errors[0].message


def test_long_rows_are_read(tmp_path: Path) -> None:
    """A record longer than the reader's 1 MiB blocks allow (pyarrow reads a record over at
    most two) but within the limits (a long text in 3-byte characters) is read, not refused;
    the errors after it keep their lines."""
    paths = write_tables(tmp_path / "t")
    events = paths["events"]
    lines = events.read_text(encoding="utf-8").splitlines()
    events.write_text("\n".join([*lines, *lines[1:] * 40]) + "\n", encoding="utf-8")
    last = len(lines) + (len(lines) - 1) * 40  # rows as a spreadsheet counts them
    set_cell(events, 4, "event_type", "not-a-type")
    set_cell(events, last, "event_type", "also-not-a-type")
    set_cell(events, 2, "summary", "a quoted\nnewline, before the long row")
    set_cell(events, 3, "summary", "€" * 1_000_000)  # 3 MB, below 1 MiB characters
    report = validate(events)
    flagged = [(e.code, e.line, e.field) for e in report.errors if e.code != "GE601"]
    assert flagged == [
        ("GE208", 3, "summary"),  # longer than the schema's 10,000 characters, but read
        ("GE301", 4, "event_type"),
        ("GE301", last, "event_type"),
    ]


def test_bom_and_crlf_accepted(tmp_path: Path) -> None:
    """A UTF-8 byte-order mark and CRLF line ends are accepted in CSV and YAML."""
    paths = write_tables(tmp_path / "t")
    text = paths["events"].read_text(encoding="utf-8").replace("\n", "\r\n")
    paths["events"].write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert validate(paths["events"]).ok
    seeds = write_seeds(tmp_path / "seeds")
    path = write_annotation(tmp_path / "a.yaml")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_text().replace("\n", "\r\n").encode())
    assert validate(path, seeds=seeds).ok


def test_missing_file_and_directories(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A missing path is GE101, a folder with nothing to read GE102; both exit 2."""
    assert cli_json(capsys, str(tmp_path / "nope.yaml")) == (
        2,
        [
            {
                "file": str(tmp_path / "nope.yaml"),
                "line": None,
                "field": None,
                "code": "GE101",
                "message": "no such file or directory",
                "expected": None,
                "actual": None,
            }
        ],
    )
    (tmp_path / "empty").mkdir()
    code, errors = cli_json(capsys, str(tmp_path / "empty"))
    assert code == 2 and [e["code"] for e in errors] == ["GE102"]


# --- output ------------------------------------------------------------------------------------


def test_formats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """text (no colour off a TTY), json and github formats all carry file, line and code."""
    paths = write_tables(tmp_path / "t")
    set_cell(paths["events"], 2, "event_type", "bombing")
    code, text, _ = cli(capsys, str(paths["events"]))
    assert code == 1 and "\033[" not in text
    assert f"{paths['events']}:2: GE301" in text and "1 error in 1 file" in text
    code, github, _ = cli(capsys, str(paths["events"]), "--format", "github")
    assert re.match(
        r"::error file=.*events\.csv,line=2,title=GE301 unknown-value::event_type", github
    )


def test_max_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--max-errors caps the errors and says so."""
    paths = write_tables(tmp_path / "t")
    for row in (2, 3):
        set_cell(paths["events"], row, "event_type", "bombing")
        set_cell(paths["events"], row, "date_basis", "guess")
    code, out, _ = cli(capsys, str(paths["events"]), "--max-errors", "3")
    assert code == 1
    assert len(out.strip().splitlines()) == 4  # three errors and the summary
    assert "stopped after --max-errors 3" in out
    assert validate(paths["events"], max_errors=3).truncated


def test_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown schema version exits 2 from the CLI and raises UsageError from Python."""
    paths = write_tables(tmp_path / "t")
    code, _, err = cli(capsys, str(paths["events"]), "--schema-version", "0.0.1")
    assert code == 2 and "unknown schema version" in err
    with pytest.raises(UsageError):
        validate(paths["events"], schema_version="0.0.1")
    assert validate(paths["events"], schema_version=SCHEMA_VERSION).ok


def test_schema_root_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """GROUNDED_EVENTS_SCHEMA_ROOT points validate at another folder of versions, as it does
    `schema diff` and `migrate`: there, a copy of the current version published as X.Y.7 is
    the latest."""
    import shutil

    from grounded_events._schema.versions import schema_root

    paths = write_tables(tmp_path / "t")
    copy = SCHEMA_VERSION.rsplit(".", 1)[0] + ".7"
    shutil.copytree(schema_root() / SCHEMA_VERSION, tmp_path / "versions" / copy)
    monkeypatch.setenv("GROUNDED_EVENTS_SCHEMA_ROOT", str(tmp_path / "versions"))
    assert schema_dir(None) == tmp_path / "versions" / copy
    assert validate(paths["events"], schema_version=copy).ok
    with pytest.raises(UsageError, match="unknown schema version"):
        validate(paths["events"], schema_version=SCHEMA_VERSION)
    monkeypatch.setenv("GROUNDED_EVENTS_SCHEMA_ROOT", str(tmp_path / "nothing"))
    with pytest.raises(UsageError, match="no published schema"):
        validate(paths["events"])


def test_configure_and_run_are_the_cli() -> None:
    """The module exposes configure/run like every subcommand."""
    assert callable(configure) and callable(run)


# --- the code registry -------------------------------------------------------------------------


def test_codes_documented(root: Path) -> None:
    """validators/README.md holds the table generated from the code registry."""
    readme = (root / "validators" / "README.md").read_text(encoding="utf-8")
    assert markdown_table() in readme
    assert all(re.fullmatch(r"GE[1-7]\d\d", c) for c in CODES)


def test_every_code_words_its_messages() -> None:
    """Every code words its own messages: a template of its own, no default, no unknown variant."""
    import dataclasses
    import string

    from grounded_events._validation.codes import Code, issue

    template = next(f for f in dataclasses.fields(Code) if f.name == "template")
    assert template.default is dataclasses.MISSING
    for code in CODES.values():
        for wording in (code.template, *code.variants.values()):
            keywords = {name for _, name, _, _ in string.Formatter().parse(wording) if name}
            assert keywords != {"message"}, code.code
    found = issue("GE601", "events.csv", 7, "event_id", key_columns="event_id", key="e1", first=3)
    assert found.message == "event_id 'e1' already used on line 3"
    found = issue("GE201", "events.csv", 4, "date_start", expected="a date value")
    assert (found.field, found.message) == ("date_start", "date_start is required")
    with pytest.raises(KeyError):
        issue("GE201", "events.csv", 4, "date_start", variant="no-such-situation")


def _jsonl_rows(folder: Path) -> list[dict[str, Any]]:
    rows = rows_from_annotation(AnnotationFile.model_validate(annotation_data()))["events"]
    return [json.loads(json.dumps(r, default=str)) for r in rows]


@pytest.mark.parametrize("layout", ["plain", "blank-lines", "wrong-type-later"])
def test_jsonl_tables(tmp_path: Path, layout: str) -> None:
    """JSONL tables are read by pyarrow.json or line by line with the same errors and lines."""
    rows = _jsonl_rows(tmp_path)
    rows[1]["date_end"] = "2023-12-01"
    lines = [json.dumps(r) for r in rows]
    expected = {(2, "date_end", "GE401")}
    if layout == "blank-lines":
        lines.insert(1, "")
        expected = {(3, "date_end", "GE401")}
    if layout == "wrong-type-later":
        # pyarrow.json stops at a string in an integer column; the rest is read line-wise
        lines = []
        for i in range(3000):
            first = dict(rows[0], event_id=f"a{i}-e01")
            second = dict(rows[1], event_id=f"a{i}-e02")
            lines += [json.dumps(first), json.dumps(second)]
        broken = dict(rows[0], event_id="late-e01", fatalities_best="three")
        lines.append(json.dumps(broken))
        expected = {(n, "date_end", "GE401") for n in range(2, 6001, 2)}
        expected.add((6001, "fatalities_best", "GE204"))
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = validate(path)
    assert {(e.line, e.field, e.code) for e in report.errors} == expected


def test_project_package_passes(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The built data package (CSV, Parquet, events.jsonl, hashes) validates, also via datasets/."""
    assert (root / "datasets" / "grounded-events" / "datapackage.json").is_file()
    monkeypatch.chdir(root)
    report = validate(Path("datasets"))
    assert report.ok, report.errors
    assert "datasets/grounded-events/datapackage.json" in report.files


def test_colour_only_on_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Text output is coloured when stdout is a terminal, and only then."""
    import sys

    paths = write_tables(tmp_path / "t")
    set_cell(paths["events"], 2, "event_type", "bombing")
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    code, out, _ = cli(capsys, str(paths["events"]))
    assert code == 1 and "\033[31mGE301\033[0m" in out


def test_json_output_is_json_dumps_indent_2() -> None:
    """--format json is written error by error, byte for byte what json.dumps(indent=2) gives."""
    from grounded_events._validation.issues import Issue, Report
    from grounded_events._validation.output import render

    issues = [
        Issue("a/b.csv", 3, "summary", "GE301", 'say "hi"\n\\ é 😀 \x01', "≥ 1 character", None),
        Issue("x.yaml", None, None, "GE101", "", None, "\u2028tab\t"),
    ]
    report = Report(errors=issues, files=["a/b.csv", "x.yaml"])
    expected = json.dumps([i.to_dict() for i in issues], ensure_ascii=False, indent=2) + "\n"
    assert render(report, "json") == expected
    assert render(Report(), "json") == "[]\n"


# --- GE501 says where the quote does occur ------------------------------------------------------


@pytest.mark.parametrize(
    ("quote", "start", "end", "says"),
    [
        ("Rockets hit the US embassy", "10", "47", "; it occurs at 10-36"),
        ("US embassy in Baghdad", "10", "47", "; it occurs at 26-47"),
        (
            "Rockets hit the US embasy",
            "10",
            "47",
            " and occurs nowhere in it; the nearest passage is 'Rockets hit the US embassy' "
            "at 10-36",
        ),
        ("zzzz qqqq xxxx", "10", "47", " and occurs nowhere in it; no passage is close to it"),
        ("Rockets hit the US embassy in Baghdad", "11", "48", "; it occurs at 10-47"),
    ],
    ids=["quote-changed", "elsewhere", "nearest", "nowhere", "offsets-shifted"],
)
def test_quote_mismatch_says_where_the_quote_occurs(
    tmp_path: Path, quote: str, start: str, end: str, says: str
) -> None:
    """GE501 names the offsets where the quote does occur, or the nearest passage, or that
    nothing is close; both engines word it alike."""
    paths = write_tables(tmp_path / "t")
    for column, value in (("quote", quote), ("start", start), ("end", end)):
        set_cell(paths["evidence"], 2, column, value)
    reports = [validate(tmp_path / "t", engine=engine) for engine in ("columnar", "rows")]
    assert reports[0].errors == reports[1].errors
    (found,) = [e for e in reports[0].errors if e.code == "GE501"]
    assert found.message == f"quote is not the text of {DOC_ID} at {start}-{end}{says}"


def test_quote_mismatch_with_straight_marks_points_at_curly_ones(
    tmp_path: Path, root: Path
) -> None:
    """A quote typed with ' where the seed has ’ is shown where it occurs with the seed's marks."""
    source = (root / "datasets/annotations/rudaw-20231212.yaml").read_text(encoding="utf-8")
    curly = '"Rudaw’s Diyar Kurda via email"'
    assert source.count(curly) == 1
    path = tmp_path / "rudaw-20231212.yaml"
    path.write_text(source.replace(curly, '"Rudaw\'s Diyar Kurda via email"'), encoding="utf-8")
    shutil.copyfile(root / "datasets" / "actors.yaml", tmp_path / "actors.yaml")
    (found,) = validate(path, seeds=root / "seeds").errors
    assert found.code == "GE501"
    assert found.message.endswith(
        "; it occurs at 887-916 if straight and curly quotation marks are read as the same "
        "(copy the text's own)"
    )


def test_quote_mismatch_lists_a_few_occurrences() -> None:
    """A quote that occurs many times lists the first three offsets and how many more."""
    from grounded_events._validation.grounding import where_it_occurs

    assert where_it_occurs("a b a b a b a b a", "a") == (
        "elsewhere",
        (("spans", "0-1, 4-5, 8-9 (and 2 more)"),),
    )


def test_quote_mismatch_search_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past HINTED distinct wrong quotes, GE501 says only that the quote is not the text: a
    broken table with millions of them is not searched a million times."""
    from grounded_events._validation import grounding

    monkeypatch.setattr(grounding, "HINTED", 1)
    paths = write_tables(tmp_path / "t")
    set_cell(paths["evidence"], 2, "quote", "Rockets hit the US embassy")
    set_cell(paths["evidence"], 3, "quote", "the State Department")
    row3 = list(csv.DictReader(paths["evidence"].open(encoding="utf-8", newline="")))[1]
    messages = [e.message for e in validate(tmp_path / "t").errors if e.code == "GE501"]
    assert messages == [
        f"quote is not the text of {DOC_ID} at 10-47; it occurs at 10-36",
        f"quote is not the text of {DOC_ID} at {row3['start']}-{row3['end']}",
    ]


# --- the coding guidelines on events.jsonl records and on tables -------------------------------


def _record_lines(edit: Any) -> str:
    from grounded_events._package.inputs import event_record
    from grounded_events._schema.models import Event

    lines = []
    for data in annotation_data()["events"]:
        record = event_record(Event.model_validate(data), DOC_ID).model_dump(mode="json")
        edit(record)
        lines.append(json.dumps(record))
    return "\n".join(lines) + "\n"


def _morning_for_early(record: dict[str, Any]) -> None:
    start = TEXT.index("early")
    span = {"field": "time_of_day", "start": start, "end": start + 5, "quote": "early"}
    record["evidence"].append(span)
    record["date"]["time_of_day"] = "morning"


@pytest.mark.parametrize(
    ("edit", "code", "field"),
    [
        (_morning_for_early, "GE512", "date.time_of_day"),
        (lambda r: r.update(evidence=r["evidence"][1:]), "GE510", "evidence"),
    ],
)
def test_records_follow_the_guidelines(tmp_path: Path, edit: Any, code: str, field: str) -> None:
    """An events.jsonl record breaking a coding guideline is reported with its code and field."""

    def first_only(record: dict[str, Any]) -> None:
        if record["event_id"].endswith("e01"):
            edit(record)

    path = tmp_path / "events.jsonl"
    path.write_text(_record_lines(first_only), encoding="utf-8")
    report = validate(path)
    assert (1, field, code) in {(e.line, e.field, e.code) for e in report.errors}
    assert {e.code for e in report.errors} == {code}


@pytest.mark.parametrize(
    ("row", "column", "value", "code"),
    [
        (2, "geo_precision", "multi_country", "GE410"),
        (2, "latitude", "", "GE406"),
        (2, "gazetteer", "geonames", "GE412"),
        (3, "weapons", "rocket", "GE413"),
        (2, "initiator_attribution", "", "GE414"),
        (2, "date_precision", "range", "GE402"),
    ],
)
@pytest.mark.parametrize("engine", ["columnar", "rows"])
def test_table_guidelines_in_both_engines(
    tmp_path: Path, row: int, column: str, value: str, code: str, engine: str
) -> None:
    """The guidelines an events row shows by itself are table rules of both engines."""
    events = write_tables(tmp_path / "t")["events"]
    set_cell(events, row, column, value)
    report = validate(events, engine=engine)
    assert {e.code for e in report.errors} == {code}


# --- --skip-foreign: what pre-commit passes that is not ours -----------------------------------

SKIP_NOTE = (
    ": skipped: not an annotation file (doc_id and events keys), an event table or a "
    "datapackage.json"
)


def write_foreign(folder: Path) -> list[Path]:
    """Files a user's repository holds that are not grounded-events data."""
    files = {
        "ci.yml": "name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n",
        "docker-compose.yml": "services:\n  db:\n    image: postgres\n",
        "helm.yaml": "image: {{ .Values.image }}\n  bad: [indent\n",  # not even YAML
        "cities.csv": "name,country,population\nErbil,IRQ,1000\n",
        "package.json": '{"name": "x", "scripts": {}}',
        "log.jsonl": '{"level": "info"}\n',
        "broken.jsonl": "not json\n",
        "empty.yaml": "",
        "notes.txt": "doc_id: x\nevents: []\n",
    }
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return sorted(folder / name for name in files)


def test_skip_foreign_skips_what_is_not_ours(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--skip-foreign lists each file that is not ours on one line, and the run passes."""
    paths = write_foreign(tmp_path / "repo")
    code, out, err = cli(capsys, "--skip-foreign", *map(str, paths))
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        *(f"{path}{SKIP_NOTE}" for path in paths),
        f"no grounded-events file, {len(paths)} skipped",
    ]
    report = validate(paths, skip_foreign=True)
    assert (report.ok, report.files, report.skipped) == (True, [], list(map(str, paths)))


def test_skip_foreign_in_json_and_github_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """JSON and GitHub output list errors only: a skipped file adds nothing to them."""
    paths = write_foreign(tmp_path / "repo")
    assert cli(capsys, "--skip-foreign", "--format", "json", *map(str, paths))[:2] == (0, "[]\n")
    assert cli(capsys, "--skip-foreign", "--format", "github", *map(str, paths))[:2] == (0, "")


def test_skip_foreign_checks_what_is_ours(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With --skip-foreign, tables named or shaped as ours, annotation files (even unparsable
    ones) and data packages are still checked, next to skipped files."""
    seeds = write_seeds(tmp_path / "seeds")
    tables = write_tables(tmp_path / "t")
    set_cell(tables["events"], 2, "event_type", "bombing")
    export = tmp_path / "export.csv"  # not named after its table: known by its columns
    export.write_text(tables["actors"].read_text(encoding="utf-8"), encoding="utf-8")
    set_cell(export, 2, "actor_type", "army")
    broken = tmp_path / "broken.yaml"  # an annotation file too broken to parse
    broken.write_text(f"doc_id: {DOC_ID}\nevents: [\n", encoding="utf-8")
    compact = tmp_path / "compact.json"
    compact.write_text(json.dumps({**annotation_data(), "doc_id": 7}), encoding="utf-8")
    empty = tmp_path / "events.2024.csv"
    empty.write_text("", encoding="utf-8")
    package = write_package(tmp_path / "p")
    foreign = tmp_path / "docker-compose.yml"
    foreign.write_text("services: {}\n", encoding="utf-8")
    given = [tables["events"], export, broken, compact, empty, package, foreign]
    report = validate(given, seeds=seeds, skip_foreign=True)
    assert report.skipped == [str(foreign)]
    found = {(Path(e.file).name, e.code) for e in report.errors}
    assert {
        ("events.csv", "GE301"),
        ("export.csv", "GE301"),
        ("broken.yaml", "GE105"),
        ("compact.json", "GE204"),
        ("events.2024.csv", "GE103"),
    } <= found
    assert "docker-compose.yml" not in {Path(e.file).name for e in report.errors}
    code, out, _ = cli(capsys, "--skip-foreign", "--seeds", str(seeds), *map(str, given))
    assert code == 2  # GE103 is an unreadable input
    assert out.splitlines()[0] == f"{foreign}{SKIP_NOTE}"
    assert out.splitlines()[-1].endswith(f" in {len(given) - 1} files, 1 skipped")


def test_without_skip_foreign_nothing_is_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --skip-foreign every file given is checked: foreign ones are errors, as before."""
    paths = write_foreign(tmp_path / "repo")
    report = validate(paths)
    assert report.skipped == []
    assert {Path(e.file).name for e in report.errors} == {path.name for path in paths}
    code, out, _ = cli(capsys, *map(str, paths))
    assert code == 2
    assert "skipped" not in out


def test_skip_foreign_in_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A folder given with --skip-foreign: its own tables checked, the rest skipped."""
    paths = write_tables(tmp_path / "repo")
    write_foreign(tmp_path / "repo")
    code, out, _ = cli(capsys, "--skip-foreign", str(tmp_path / "repo"))
    assert code == 0, out
    # the folder lists files of known extensions only: notes.txt is not among them
    assert out.splitlines()[-1] == f"{len(paths)} files valid, 8 skipped"


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("a.yaml", "# a comment\nschema_version: 1.0.0\ndoc_id: x\nactors: []\nevents: []\n", True),
        ("a.yml", "'doc_id': x\n\"events\" : []\n", True),
        ("a.yaml", "doc_id: x\nevents: [\n", True),  # broken, still ours
        ("a.yaml", "doc_id: x\n", False),
        ("a.yaml", "on:\n  events:\n    doc_id: x\n", False),  # not top-level keys
        ("a.yaml", "mydoc_id: x\nevents: []\n", False),
        ("a.yaml", "# doc_id: x\nevents: []\n", False),
        ("a.json", '{"doc_id": "x", "events": []}', True),
        ("a.json", '\ufeff{\n  "events": [],\n  "doc_id": "x"\n}\n', True),
        ("a.json", '{"doc_id": "x", "events": [', True),  # broken, still ours
        ("a.json", '{"properties": {"doc_id": {}, "events": {}}}', False),  # a JSON Schema
        ("a.json", '[{"doc_id": "x", "events": []}]', False),
        ("a.json", '{"doc_id": "x"}', False),
    ],
)
def test_annotation_recognised_by_content(
    tmp_path: Path, name: str, text: str, expected: bool
) -> None:
    """An annotation file is one with top-level doc_id and events keys, whatever its name."""
    from grounded_events._validation.kinds import holds_annotation

    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert holds_annotation(path) is expected


def test_skip_foreign_is_not_for_dask(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--skip-foreign with --engine dask (one partitioned table, nothing to skip) is a usage
    error, said before anything is read."""
    code, out, err = cli(capsys, "--skip-foreign", "--engine", "dask", str(tmp_path))
    assert (code, out) == (2, "")
    assert err == (
        "grounded-events validate: error: --skip-foreign does not go with --engine dask, "
        "which reads one table\n"
    )
