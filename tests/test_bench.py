"""The benchmark's generator and runner: determinism, identical formats, exact ground truth."""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import country_bounding_boxes as cbb
import pyarrow.parquet as pq
import pycountry
import pytest

from grounded_events._schema.models import SLUG
from grounded_events._schema.vocab import (
    ACLED_EVENT_TYPES,
    CROSSWALK,
    AttributionStatus,
    DateBasis,
    DatePrecision,
    EventSubtype,
    EventType,
    Gazetteer,
    GeoPrecision,
    Weapon,
)
from helpers import ROOT

BENCH = ROOT / "bench"


def _bench_module(name: str) -> ModuleType:
    """bench/<name>.py imported by its path: bench/ holds scripts, not a package."""
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # Under its bare name, as the scripts import each other (floor.py: `from generate import`);
    # dataclasses also look their module up there while a class is made.
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


generate = _bench_module("generate")
tableschema = _bench_module("tableschema")
polars_peer = _bench_module("polars_peer")
line_peers = _bench_module("line_peers")
floor = _bench_module("floor")
run = _bench_module("run")

ROWS = 2_000


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bench-data")
    generate.generate(out, ROWS, seed=7, invalid_rate=0.05, chunk_rows=500)
    return out


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _csv_rows(path: Path) -> list[dict]:
    """The CSV read back by the rules of the data package (types from the Table Schema)."""
    schema = generate.package_descriptor()["resources"][0]["schema"]
    types = {f["name"]: f["type"] for f in schema["fields"]}
    rows = []
    with open(path, encoding="utf-8", newline="") as f:
        for raw in csv.DictReader(f):
            row = {}
            for name, text in raw.items():
                kind = types[name]
                if kind == "list":
                    row[name] = text.split("|") if text else []
                elif text == "":
                    row[name] = None
                elif kind == "boolean":
                    row[name] = {"true": True, "false": False}[text]
                elif kind == "integer":
                    row[name] = int(text)
                elif kind == "number":
                    row[name] = float(text)
                else:
                    row[name] = text
            rows.append(row)
    return rows


def _date(text: object) -> dt.date | None:
    if not isinstance(text, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _precision_fits(precision: str, start: dt.date, end: dt.date) -> bool:
    span = (end - start).days
    after = end + dt.timedelta(days=1)
    month = start.day == 1 and after.day == 1 and (start.year, start.month) == (end.year, end.month)
    year = (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year
    return {
        "day": span == 0,
        "days": 1 <= span <= 5,
        "week": span == 6,
        "month": month,
        "year": year,
        "range": span >= 7 and not (month or year),
    }.get(precision, True)


def row_errors(rows: list[dict]) -> set[tuple[int, str, str]]:
    """Every rule, one row at a time, in plain Python: (row 1-based, column, kind)."""
    slug = re.compile(SLUG)
    vocab = {
        "event_type": EventType,
        "event_subtype": EventSubtype,
        "date_precision": DatePrecision,
        "date_basis": DateBasis,
        "geo_precision": GeoPrecision,
        "gazetteer": Gazetteer,
        "initiator_attribution": AttributionStatus,
    }
    required = [
        "event_id",
        "doc_id",
        "event_type",
        "event_subtype",
        "is_aggregate",
        "date_start",
        "date_end",
        "date_precision",
        "date_basis",
        "summary",
    ]
    subdivisions = {s.code for s in pycountry.subdivisions}
    out: set[tuple[int, str, str]] = set()
    seen: set[str] = set()
    for n, r in enumerate(rows, start=1):

        def bad(column: str, kind: str, n: int = n) -> None:
            out.add((n, column, kind))

        for name in required:
            if r[name] is None:
                bad(name, "required")
        for name, values in vocab.items():
            if r[name] is not None and r[name] not in set(values):
                bad(name, "vocabulary")
        if any(w not in set(Weapon) for w in r["weapons"]):
            bad("weapons", "vocabulary")
        for name in ("event_id", "doc_id", "initiator"):
            if r[name] is not None and not (slug.match(r[name]) and len(r[name]) <= 120):
                bad(name, "pattern")
        for name in ("attributed_by", "target", "claimed_by"):
            if any(not slug.match(x) for x in r[name]):
                bad(name, "pattern")
        start, end = _date(r["date_start"]), _date(r["date_end"])
        for name, value in (("date_start", start), ("date_end", end)):
            if r[name] is not None and value is None:
                bad(name, "type")
        if start and end and end < start:
            bad("date_end", "date_order")
        fits = start and end and _precision_fits(r["date_precision"], start, end)
        if start and end and end >= start and not r["is_aggregate"] and not fits:
            bad("date_precision", "date_precision")
        for what in ("fatalities", "injuries"):
            low, best, high = (r[f"{what}_{e}"] for e in ("low", "best", "high"))
            if low is not None and best is not None and low > best:
                bad(f"{what}_low", "count_order")
            if best is not None and high is not None and best > high:
                bad(f"{what}_high", "count_order")
            if best is None and low is not None and high is not None and low > high:
                bad(f"{what}_low", "count_order")
        country = pycountry.countries.get(alpha_3=r["country_iso3"] or "")
        if r["admin1_code"] is not None and r["admin1_code"] not in subdivisions:
            bad("admin1_code", "pattern")
        if country and r["latitude"] is not None:
            boxes = [s.bbox for s in cbb.country_subunits_by_iso_code(country.alpha_3)]
            lat, lon = r["latitude"], r["longitude"]
            if boxes and not any(
                x0 - 0.1 <= lon <= x1 + 0.1 and y0 - 0.1 <= lat <= y1 + 0.1
                for x0, y0, x1, y1 in boxes
            ):
                bad("latitude", "outside_country")
        if country and r["admin1_code"] and r["admin1_code"][:2] != country.alpha_2:
            bad("admin1_code", "admin1_country")
        if r["initiator_attribution"] == "alleged" and not r["attributed_by"]:
            bad("attributed_by", "alleged_without_attributed_by")
        if r["initiator_attribution"] == "unattributed" and r["attributed_by"]:
            bad("attributed_by", "attributor_without_attribution")
        kind, sub = r["acled_event_type"], r["acled_sub_event_type"]
        if (kind is not None and kind not in ACLED_EVENT_TYPES) or (
            sub is not None and (kind is None or sub not in ACLED_EVENT_TYPES.get(kind, ()))
        ):
            bad("acled_sub_event_type", "acled_pair")
        if r["event_subtype"] in set(EventSubtype):
            cw = CROSSWALK[EventSubtype(r["event_subtype"])]
            for name in ("event_type", *generate.CROSSWALK_COLUMNS):
                expected = getattr(cw, name)
                if (None if expected is None else str(expected)) != r[name]:
                    bad(name, "crosswalk")
        if r["event_id"] in seen:
            bad("event_id", "duplicate_id")
        seen.add(r["event_id"])
    return out


def test_generator_is_deterministic(tmp_path: Path) -> None:
    """The same seed writes the same bytes in every file; another seed writes other rows."""
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate.generate(a, 600, seed=3, invalid_rate=0.05, chunk_rows=250)
    generate.generate(b, 600, seed=3, invalid_rate=0.05, chunk_rows=250)
    generate.generate(c, 600, seed=4, invalid_rate=0.05, chunk_rows=250)
    names = sorted(p.name for p in a.iterdir())
    assert names == [
        "datapackage.json",
        "events.csv",
        "events.jsonl",
        "events.parquet",
        "meta.json",
        "truth.csv",
    ]
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    assert (a / "events.jsonl").read_bytes() != (c / "events.jsonl").read_bytes()


def test_formats_hold_identical_content(data: Path) -> None:
    """Parquet, CSV (lists joined with |) and JSONL hold the same rows, columns in schema order."""
    parquet = pq.read_table(data / "events.parquet").to_pylist()
    jsonl = _jsonl(data / "events.jsonl")
    csv_rows = _csv_rows(data / "events.csv")
    assert len(parquet) == len(jsonl) == len(csv_rows) == ROWS
    assert list(jsonl[0]) == list(generate.COLUMNS)
    assert parquet == jsonl
    assert csv_rows == jsonl
    assert (data / "events.csv").read_bytes().count(b"\r") == 0


def test_truth_is_exactly_what_a_row_checker_finds(data: Path) -> None:
    """The injected ground truth equals what a plain row-by-row checker finds, every kind present."""
    truth = set(run.read_truth(data / "truth.csv"))
    assert row_errors(_jsonl(data / "events.jsonl")) == truth
    assert {kind for _, _, kind in truth} == set(generate.KINDS)
    per_row: dict[int, int] = {}
    for row, _, _ in truth:
        per_row[row] = per_row.get(row, 0) + 1
    assert max(per_row.values()) >= 2


def test_floor_finds_the_truth_in_every_format(data: Path) -> None:
    """The vectorised floor reports exactly the ground truth on Parquet, CSV and JSONL."""
    truth = set(run.read_truth(data / "truth.csv"))
    for fmt in ("parquet", "csv", "jsonl"):
        assert set(floor.check(data / f"events.{fmt}", fmt)) == truth, fmt


def test_polars_floor_finds_the_truth_in_every_format(data: Path) -> None:
    """The polars floor finds every injected error at its row and column, invents none."""
    truth = run.read_truth(data / "truth.csv")
    for fmt in ("parquet", "csv", "jsonl"):
        score = run.evaluate(truth, floor.polars_check(data / f"events.{fmt}", fmt))
        assert (score["found"], score["invented"]) == (len(truth), 0), fmt


# Kinds no peer expresses: they need country boxes or ISO 3166-2 lists, not the published schema.
LOOKUPS = {"outside_country", "admin1_country"}


def test_polars_peer_reports_every_rule_it_expresses(data: Path) -> None:
    """polars reports exactly the truth's (row, column) but the lookups, on every format."""
    truth = run.read_truth(data / "truth.csv")
    wanted = {(row, column) for row, column, kind in truth if kind not in LOOKUPS}
    assert {kind for _, _, kind in truth} - LOOKUPS == set(generate.KINDS) - LOOKUPS
    for fmt in ("parquet", "csv", "jsonl"):
        errors = polars_peer.polars_errors(data / f"events.{fmt}", fmt)
        assert {(row, column) for row, column, _ in errors} == wanted, fmt
        score = run.evaluate(truth, errors)
        missed = [t for t in truth if t[2] in LOOKUPS]
        assert (score["missed"], score["invented"]) == (len(missed), 0), fmt


def test_polars_rules_read_a_missing_is_aggregate_as_false(data: Path, tmp_path: Path) -> None:
    """A row without is_aggregate is still held to its date_precision, as by the other checkers."""
    row = _jsonl(data / "events.jsonl")[0]
    row.update(is_aggregate=None, date_start="2025-05-29", date_end="2025-05-29")
    row.update(date_precision="week")
    path = tmp_path / "events.jsonl"
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    assert (1, "date_precision") in {e[:2] for e in polars_peer.polars_errors(path, "jsonl")}
    assert (1, "date_precision") in {e[:2] for e in floor.polars_check(path, "jsonl")}
    assert (1, "date_precision", "date_precision") in floor.check(path, "jsonl")


def test_pandera_polars_reports_what_polars_reports(data: Path) -> None:
    """pandera.polars, with its built-in checks, finds the same (row, column) pairs as polars."""
    for fmt in ("parquet", "csv"):
        ours = {e[:2] for e in polars_peer.polars_errors(data / f"events.{fmt}", fmt)}
        theirs = {e[:2] for e in polars_peer.pandera_errors(data / f"events.{fmt}", fmt)}
        assert theirs == ours, fmt


@pytest.mark.parametrize("peer", ["msgspec", "pydantic"])
def test_line_peers_find_each_rows_first_error(data: Path, peer: str) -> None:
    """msgspec and pydantic find every error of a row with one error, invent none, per line."""
    truth = run.read_truth(data / "truth.csv")
    errors = getattr(line_peers, f"{peer}_errors")(data / "events.jsonl", "jsonl")
    score = run.evaluate(truth, errors)
    assert score["invented"] == 0
    per_row: dict[int, list[tuple[int, str, str]]] = {}
    for t in truth:
        per_row.setdefault(t[0], []).append(t)
    single = [items[0] for items in per_row.values() if len(items) == 1]
    single = [t for t in single if t[2] not in LOOKUPS]
    assert run.evaluate(single, errors)["missed"] == 0
    rows = {row for row, _, _ in errors}
    assert all(row in rows for row, items in per_row.items() if items[0][2] not in LOOKUPS)
    assert 0 < score["missed"] < len(truth)


def test_line_peers_limit_reads_the_first_rows(data: Path) -> None:
    """--limit stops msgspec and pydantic after that many lines."""
    for peer in (line_peers.msgspec_errors, line_peers.pydantic_errors):
        assert max(row for row, _, _ in peer(data / "events.jsonl", "jsonl", 500)) <= 500


def _result(name: str, fmt: str, kind: str, wall: float, truth: list) -> object:
    result = run.Result(run.Tool(name, fmt, kind), 1000, [wall], [wall], [100.0], [])
    result._truth = truth
    return result


def test_targets_compare_each_format_with_its_fastest_peer_and_floor() -> None:
    """The targets name, per format, the fastest peer and the faster floor, met or not."""
    truth: list[tuple[int, str, str]] = []
    results = [
        _result("ours", "parquet", "ours", 1.0, truth),
        _result("slow peer", "parquet", "peer", 4.0, truth),
        _result("fast peer", "parquet", "peer", 1.2, truth),
        _result("floor a", "parquet", "floor", 0.9, truth),
        _result("floor b", "parquet", "floor", 0.5, truth),
        _result("ours", "csv", "ours", 1.0, truth),
        _result("csv peer", "csv", "peer", 2.0, truth),
        _result("floor a", "csv", "floor", 0.9, truth),
    ]
    assert run.targets(results) == [
        "- parquet: ≥ 1.5× as fast as the fastest peer (fast peer): 1.20× — NOT met",
        "- parquet: within 1.25× of the all-core floor (floor b): 2.00× the floor's time — NOT met",
        "- parquet: every error found, none invented, all errors of a row: met (missed 0, invented 0)",
        "- parquet: peak RSS < 400 MB: 100 MB — met",
        "- csv: ≥ 1.5× as fast as the fastest peer (csv peer): 2.00× — met",
        "- csv: within 1.25× of the all-core floor (floor a): 1.11× the floor's time — met",
        "- csv: every error found, none invented, all errors of a row: met (missed 0, invented 0)",
        "- csv: peak RSS < 400 MB: 100 MB — met",
    ]


def test_evaluate_counts_found_missed_invented() -> None:
    """A report is scored against the truth: either column of a cross-field rule counts."""
    truth = [(1, "date_end", "date_order"), (1, "gazetteer", "vocabulary"), (2, "event_id", "x")]
    errors = [(1, "date_start", "GE401"), (3, "summary", "GE201")]
    assert run.evaluate(truth, errors) == {
        "found": 1,
        "missed": 2,
        "invented": 1,
        "complete_rows": 0,
        "multi_rows": 1,
    }


def test_missing_peer_is_skipped_with_a_message(tmp_path: Path) -> None:
    """A peer that is not installed gets a row saying so and how to install it."""
    tool = run.Tool("nothing", "csv", "peer", "no_such_module_for_bench", "no-such-package")
    result = run.run_tool(tool, tmp_path, 10, None, 1, tmp_path)
    assert "not installed" in result.skipped
    assert "pip install no-such-package" in result.skipped


def test_checking_for_peers_imports_none_of_them() -> None:
    """The timing process stays small: seeing whether each tool is installed imports no library."""
    code = (
        "import importlib.util, sys; sys.path.insert(0, 'bench'); import run\n"
        "for tool in run.TOOLS:\n"
        "    if tool.module: importlib.util.find_spec(tool.module)\n"
        "heavy = {'pandas', 'polars', 'pyarrow', 'pandera', 'pydantic', 'msgspec'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert done.stdout.strip() == "[]"


@pytest.mark.slow
def test_run_quick_end_to_end(tmp_path: Path) -> None:
    """`bench/run.py --quick` generates, times every tool and writes the Markdown table."""
    cmd = [sys.executable, str(BENCH / "run.py"), "--rows", "400", "--quick"]
    cmd += ["--data", str(tmp_path / "data"), "--results", str(tmp_path / "results")]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "results" / "quick.md").read_text(encoding="utf-8")
    assert "| Tool | Input |" in text
    header = next(line for line in text.splitlines() if line.startswith("| Tool |"))
    names = [c.strip() for c in header.split("|")]
    missed, invented = names.index("Missed"), names.index("Invented")
    floor_rows = [line for line in text.splitlines() if line.startswith("| floor")]
    assert len(floor_rows) == 6
    for line in floor_rows:
        cells = [c.strip() for c in line.split("|")]
        assert (cells[missed], cells[invented]) == ("0", "0"), line
    assert "Machine:" in text and "CPU:" in text
