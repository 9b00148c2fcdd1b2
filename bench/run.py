"""Time our validator, its peers and the pyarrow floor on the same generated events, in one run."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FORMATS = ("parquet", "csv", "jsonl")
# The floor is the faster of these two on each format: the same rules, vectorised, both cores.
FLOORS = ("floor: pyarrow + compute, all cores", "floor: polars, all cores")
FILES = {"parquet": "events.parquet", "csv": "events.csv", "jsonl": "events.jsonl"}
# Columns that may carry the report of each injected error kind (cross-field rules name any side).
ACCEPT = {
    "date_order": {"date_start", "date_end"},
    "date_precision": {"date_precision", "date_start", "date_end"},
    "count_order": {"fatalities_low", "fatalities_best", "fatalities_high"},
    "outside_country": {"latitude", "longitude", "country_iso3"},
    "admin1_country": {"admin1_code", "country_iso3"},
    "alleged_without_attributed_by": {"attributed_by", "initiator_attribution"},
    "crosswalk": {"event_subtype"},
}
VERSIONED = (
    "grounded-events",
    "pyarrow",
    "numpy",
    "pandas",
    "polars",
    "frictionless",
    "jsonschema",
    "jsonschema-rs",
    "pandera",
    "msgspec",
    "pydantic",
)


@dataclass
class Tool:
    """One thing to time: how to run it on which file, and whether it runs on a subset."""

    name: str
    fmt: str
    kind: str  # "ours", "floor" or "peer"
    module: str | None = None  # the import it needs, to say when it is not installed
    package: str | None = None  # what to pip install
    subset: bool = False
    note: str = ""
    entry: str = ""  # bench module.function of a peer or floor: (path, fmt, limit) -> errors


@dataclass
class Result:
    tool: Tool
    rows: int
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)
    errors: list[tuple[int, str | None, str]] | None = None
    skipped: str = ""

    @property
    def wall(self) -> float:
        return statistics.median(self.walls)

    @property
    def rate(self) -> float:
        return self.rows / self.wall


def _peer(
    name: str, entry: str, module: str, package: str, *fmts: str, subset: bool = False
) -> list[Tool]:
    """The Tool of a peer on each of `fmts`."""
    return [Tool(name, fmt, "peer", module, package, subset, entry=entry) for fmt in fmts]


TOOLS = (
    Tool("grounded-events validate", "parquet", "ours", "grounded_events._validation"),
    Tool("grounded-events validate", "csv", "ours", "grounded_events._validation"),
    Tool("grounded-events validate", "jsonl", "ours", "grounded_events._validation"),
    *(Tool(FLOORS[0], fmt, "floor", entry="floor.check") for fmt in FORMATS),
    *(Tool(FLOORS[1], fmt, "floor", "polars", entry="floor.polars_check") for fmt in FORMATS),
    *_peer("polars (lazy, all cores)", "polars_peer.polars_errors", "polars", "polars", *FORMATS),
    *_peer(
        "pandera.polars DataFrameSchema",
        "polars_peer.pandera_errors",
        "pandera",
        "pandera[polars]",
        *FORMATS,
    ),
    *_peer("msgspec Struct per line", "line_peers.msgspec_errors", "msgspec", "msgspec", "jsonl"),
    *_peer(
        "pydantic row model per line", "line_peers.pydantic_errors", "pydantic", "pydantic", "jsonl"
    ),
    *_peer(
        "frictionless validate",
        "peers.frictionless_errors",
        "frictionless",
        "frictionless",
        "csv",
        subset=True,
    ),
    *_peer(
        "jsonschema Draft202012Validator",
        "peers.jsonschema_errors",
        "jsonschema",
        "jsonschema",
        "jsonl",
        subset=True,
    ),
    *_peer(
        "jsonschema-rs", "peers.jsonschema_rs_errors", "jsonschema_rs", "jsonschema-rs", "jsonl"
    ),
    *_peer(
        "pandera DataFrameSchema (pandas)", "peers.pandera_errors", "pandera", "pandera", "parquet"
    ),
)


# The worker: runs one tool in a fresh interpreter and writes what it found as JSON.


def worker(entry: str, fmt: str, path: Path, limit: int | None, out: Path) -> int:
    import importlib

    module, function = entry.split(".")
    errors = getattr(importlib.import_module(module), function)(path, fmt, limit)
    out.write_text(json.dumps({"errors": errors}), encoding="utf-8")
    return 0


def worker_command(tool: Tool, path: Path, limit: int | None, out: Path) -> list[str]:
    if tool.kind == "ours":
        exe = str(Path(sys.executable).parent / "grounded-events")
        return [exe, "validate", "--format", "json", "--max-errors", str(10**9), str(path)]
    cmd = [sys.executable, str(HERE / "run.py"), "--worker", tool.entry, "--format", tool.fmt]
    cmd += ["--input", str(path), "--out", str(out)]
    if limit is not None:
        cmd += ["--limit", str(limit)]
    return cmd


def measure(cmd: list[str], stdout: Path) -> tuple[float, float, float, int, str]:
    """Wall and CPU seconds (imports included), peak RSS in MB, exit code, stderr of one process.

    This process imports only the standard library: a child's peak RSS counts the pages it
    shares with its parent before exec, so a large parent would inflate every figure.
    """
    with open(stdout, "wb") as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=ROOT)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        message = err.read().decode("utf-8", "replace")
    cpu = usage.ru_utime + usage.ru_stime
    return wall, cpu, usage.ru_maxrss / 1024, process.returncode, message


def parse_ours(stdout: Path, fmt: str) -> list[tuple[int, str | None, str]]:
    """Our JSON report as (row 1-based, field, code): CSV lines count the header."""
    report = json.loads(stdout.read_text(encoding="utf-8") or "{}")
    issues = report.get("errors", []) if isinstance(report, dict) else report
    out = []
    for issue in issues:
        line = issue.get("line")
        if line is None:
            continue
        row = line - 1 if fmt == "csv" else line
        out.append((row, issue.get("field"), issue.get("code")))
    return out


# Evaluation against the ground truth.


def evaluate(
    truth: list[tuple[int, str, str]], errors: list[tuple[int, str | None, str]]
) -> dict[str, object]:
    """Found / missed / invented, and whether every error of a multi-error row was reported."""
    reported: dict[int, set[str | None]] = defaultdict(set)
    for row, column, _ in errors:
        reported[row].add(column.split(".")[0].split("[")[0] if isinstance(column, str) else None)
    by_row: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for row, column, kind in truth:
        by_row[row].append((column, kind))
    found = 0
    complete_rows = multi_rows = 0
    for row, items in by_row.items():
        got = reported.get(row, set())
        hits = sum(1 for column, kind in items if got & ({column, None} | ACCEPT.get(kind, set())))
        found += hits
        if len(items) > 1:
            multi_rows += 1
            complete_rows += hits == len(items)
    invented = 0
    for row, columns in reported.items():
        allowed: set[str | None] = set()
        for column, kind in by_row.get(row, []):
            allowed |= {column} | ACCEPT.get(kind, set())
        if by_row.get(row):
            allowed.add(None)
        invented += len(columns - allowed)
    return {
        "found": found,
        "missed": len(truth) - found,
        "invented": invented,
        "complete_rows": complete_rows,
        "multi_rows": multi_rows,
    }


# Data.


def read_truth(path: Path) -> list[tuple[int, str, str]]:
    """The ground truth as (row 1-based, column, kind)."""
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        next(reader)
        return [(int(row), column, kind) for row, column, kind in reader]


def ensure_data(folder: Path, rows: int, seed: int, rate: float) -> dict:
    """Generate the files unless they are there; in a child process, so this one stays small."""
    meta_path = folder / "meta.json"
    wanted = {"rows": rows, "seed": seed, "invalid_rate": rate}
    if meta_path.exists():
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if all(meta.get(k) == v for k, v in wanted.items()) and all(
            (folder / f).exists() for f in FILES.values()
        ):
            return meta
    print(f"generating {rows:,} rows into {folder} ...", file=sys.stderr)
    cmd = [sys.executable, str(HERE / "generate.py"), "--rows", str(rows), "--seed", str(seed)]
    cmd += ["--invalid-rate", str(rate), "--out", str(folder)]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return json.loads(meta_path.read_text(encoding="utf-8"))


def subset_package(folder: Path, rows: int) -> Path:
    """A data package holding the first `rows` rows of the CSV (frictionless runs on it)."""
    target = folder / f"subset-{rows}"
    csv_path = target / "events.csv"
    if not csv_path.exists():
        target.mkdir(exist_ok=True)
        with (
            open(folder / "events.csv", "rb") as src,
            open(csv_path.with_suffix(".tmp"), "wb") as dst,
        ):
            for i, line in enumerate(src):
                if i > rows:
                    break
                dst.write(line)
        csv_path.with_suffix(".tmp").replace(csv_path)
    shutil.copyfile(folder / "datapackage.json", target / "datapackage.json")
    return target / "datapackage.json"


# Reporting.


def machine() -> dict[str, str]:
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = Path("/proc/meminfo").read_text().split()[1]
        ram = f"{int(mem) / 1024**2:.1f} GiB"
    except OSError:
        ram = "unknown"
    os_name = platform.platform()
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                os_name = f"{line.split('=', 1)[1].strip(chr(34))} ({platform.release()})"
    except OSError:
        pass
    versions = []
    for name in VERSIONED:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} not installed")
    return {
        "Load average (1, 5, 15 min) when the table was written": ", ".join(
            f"{x:.2f}" for x in os.getloadavg()
        ),
        "CPU": cpu,
        "Cores": str(os.cpu_count()),
        "RAM": ram,
        "OS": os_name,
        "Python": platform.python_version(),
        "Libraries": ", ".join(versions),
    }


def fmt_rate(rate: float) -> str:
    return f"{rate:,.0f}"


def fastest(results: list[Result], kind: str) -> dict[str, Result]:
    """The fastest tool of a kind ("floor" or "peer") on each format."""
    out: dict[str, Result] = {}
    for r in results:
        best = out.get(r.tool.fmt)
        if r.tool.kind == kind and not r.skipped and r.walls and (not best or r.rate > best.rate):
            out[r.tool.fmt] = r
    return out


def table(results: list[Result], truth_n: int, args: argparse.Namespace) -> str:
    floors = fastest(results, "floor")
    peers = fastest(results, "peer")
    lines = [
        "| Tool | Input | Rows timed | Wall s (median) | CPU s (median) | Rows/s "
        "| vs floor (same format) | vs fastest peer (same format) | Peak RSS MB | Found "
        "| Missed | Invented | All errors of a row |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|",
    ]
    for r in results:
        label = f"{r.tool.name}"
        if r.skipped:
            lines.append(f"| {label} | {r.tool.fmt} | | | | | | | | | | | {r.skipped} |")
            continue
        e = evaluate_cached(r)
        rows = f"{r.rows:,}" + (
            " (subset, rate extrapolated)" if r.tool.subset and r.rows < args.rows else ""
        )
        fmt = r.tool.fmt
        floor = f"{r.rate / floors[fmt].rate:.2f}×" if fmt in floors else "n/a"
        peer = f"{r.rate / peers[fmt].rate:.2f}×" if fmt in peers else "n/a"
        complete = f"{e['complete_rows']}/{e['multi_rows']} rows"
        lines.append(
            f"| {label} | {fmt} | {rows} | {r.wall:.2f} | {statistics.median(r.cpus):.2f} "
            f"| {fmt_rate(r.rate)} | {floor} | {peer} "
            f"| {max(r.rss_mb):.0f} | {e['found']}/{e['truth']} | {e['missed']} | {e['invented']} "
            f"| {complete} |"
        )
    return "\n".join(lines)


def evaluate_cached(r: Result) -> dict:
    if not hasattr(r, "_eval"):
        truth = r._truth  # type: ignore[attr-defined]
        e = evaluate(truth, r.errors or [])
        e["truth"] = len(truth)
        r._eval = e  # type: ignore[attr-defined]
    return r._eval  # type: ignore[attr-defined]


def targets(results: list[Result]) -> list[str]:
    """Issue 17's targets, each met or not: vs the fastest peer and the two-core floor, per format."""
    ours = {r.tool.fmt: r for r in results if r.tool.kind == "ours" and not r.skipped and r.walls}
    if not ours:
        return ["- Our validator is not available yet: no target can be checked."]
    floors = fastest(results, "floor")
    peers = fastest(results, "peer")
    out = []
    for fmt, r in ours.items():
        p = peers.get(fmt)
        if p:
            ratio = r.rate / p.rate
            verdict = "met" if ratio >= 1.5 else "NOT met"
            out.append(
                f"- {fmt}: ≥ 1.5× as fast as the fastest peer ({p.tool.name}): "
                f"{ratio:.2f}× — {verdict}"
            )
        f = floors.get(fmt)
        if f:
            ratio = f.rate / r.rate
            verdict = "met" if ratio <= 1.25 else "NOT met"
            out.append(
                f"- {fmt}: within 1.25× of the all-core floor ({f.tool.name}): "
                f"{ratio:.2f}× the floor's time — {verdict}"
            )
        e = evaluate_cached(r)
        ok = e["missed"] == 0 and e["invented"] == 0 and e["complete_rows"] == e["multi_rows"]
        out.append(
            f"- {fmt}: every error found, none invented, all errors of a row: "
            f"{'met' if ok else 'NOT met'} (missed {e['missed']}, invented {e['invented']})"
        )
        rss = max(r.rss_mb)
        out.append(
            f"- {fmt}: peak RSS < 400 MB: {rss:.0f} MB — {'met' if rss < 400 else 'NOT met'}"
        )
    return out


def _is_json(path: Path) -> bool:
    """Whether the output is a whole JSON list or object (not parsed: this process stays small)."""
    size = path.stat().st_size
    if size < 2:
        return False
    with open(path, "rb") as f:
        head = f.read(64).lstrip()
        f.seek(max(0, size - 64))
        tail = f.read().rstrip()
    return (head[:1], tail[-1:]) in ((b"[", b"]"), (b"{", b"}"))


def _warm(path: Path) -> None:
    """Read the input once so every tool starts with it in the page cache, not only the second."""
    with open(path, "rb") as f:
        while f.read(16 << 20):
            pass


def run_tool(
    tool: Tool, data: Path, rows: int, limit: int | None, repeat: int, scratch: Path
) -> Result:
    result = Result(tool, rows if limit is None else min(rows, limit))
    if tool.module and importlib.util.find_spec(tool.module) is None:
        what = f"`pip install {tool.package}`" if tool.package else "it"
        result.skipped = (
            "not available (our validator is not built yet)"
            if tool.kind == "ours"
            else f"skipped: {tool.module} is not installed ({what})"
        )
        print(f"{tool.name} ({tool.fmt}): {result.skipped}", file=sys.stderr)
        return result
    path = data / FILES[tool.fmt]
    if tool.name.startswith("frictionless"):
        path = subset_package(data, limit) if limit is not None else data / "datapackage.json"
        limit = None
    _warm(path.parent / "events.csv" if path.name == "datapackage.json" else path)
    for i in range(repeat):
        out = scratch / f"{tool.kind}-{tool.fmt}-{i}.json"
        stdout = scratch / f"{tool.kind}-{tool.fmt}-{i}.stdout"
        cmd = worker_command(tool, path, limit, out)
        wall, cpu, rss, code, err = measure(cmd, stdout)
        ok_codes = (0, 1) if tool.kind == "ours" else (0,)
        if code in ok_codes and tool.kind == "ours" and not _is_json(stdout):
            code = -1  # exit 1 is also what an uncaught exception gives
        if code not in ok_codes:
            result.skipped = f"failed (exit {code}): {err.strip().splitlines()[-1] if err.strip() else 'no message'}"
            print(f"{tool.name} ({tool.fmt}) failed:\n{err}", file=sys.stderr)
            return result
        result.walls.append(wall)
        result.cpus.append(cpu)
        result.rss_mb.append(rss)
        if i == 0:
            if tool.kind == "ours":
                result.errors = parse_ours(stdout, tool.fmt)
            else:
                errors = json.loads(out.read_text(encoding="utf-8"))["errors"]
                result.errors = [tuple(e) for e in errors]
        print(
            f"{tool.name} ({tool.fmt}) run {i + 1}/{repeat}: {wall:.2f} s, {rss:.0f} MB",
            file=sys.stderr,
        )
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--invalid-rate", type=float, default=0.01)
    parser.add_argument("--repeat", type=int, default=3, help="runs per tool; the median is shown")
    parser.add_argument("--subset", type=int, default=100_000, help="rows for the slow peers")
    parser.add_argument(
        "--memory-only",
        action="store_true",
        help="peak RSS of ours and the floor at --rows vs 1,000,000",
    )
    parser.add_argument("--quick", action="store_true", help="one run each, no subset")
    parser.add_argument("--data", type=Path, default=HERE / "data")
    parser.add_argument("--results", type=Path, default=HERE / "results")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--format", help=argparse.SUPPRESS)
    parser.add_argument("--input", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--limit", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args.worker, args.format, args.input, args.limit, args.out)
    if args.rows < 2 or args.repeat < 1:
        parser.error("--rows must be at least 2 and --repeat at least 1")
    if args.quick:
        args.repeat, args.subset = 1, args.rows
    if args.memory_only:
        return memory_only(args)
    return full(args)


def folder_for(args: argparse.Namespace, rows: int) -> Path:
    return args.data / f"events-{rows}-r{args.invalid_rate:g}-s{args.seed}"


def full(args: argparse.Namespace) -> int:
    data = folder_for(args, args.rows)
    ensure_data(data, args.rows, args.seed, args.invalid_rate)
    truth_all = read_truth(data / "truth.csv")
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        for tool in TOOLS:
            limit = args.subset if tool.subset and args.subset < args.rows else None
            r = run_tool(tool, data, args.rows, limit, args.repeat, Path(tmp))
            r._truth = truth_all if limit is None else [t for t in truth_all if t[0] <= limit]  # type: ignore[attr-defined]
            results.append(r)
    today = dt.datetime.now(dt.UTC).date().isoformat()
    command = f".venv/bin/python bench/run.py --rows {args.rows} --repeat {args.repeat}"
    if args.quick:
        command += " --quick"
    text = "\n".join(
        [
            f"# Validation benchmark: {args.rows:,} events rows",
            "",
            f"Run on {today} with `{command}` (seed {args.seed}, invalid rate {args.invalid_rate:g}: "
            f"{len(truth_all):,} injected errors of {len({t[2] for t in truth_all})} kinds). "
            f"Wall time is the median of {args.repeat} run(s) of a fresh process, imports "
            "included, the input read once beforehand so that it is in the page cache; CPU is "
            "user + system time; peak RSS is the largest of the runs. Subset rows: the tool read only the first rows, its rate is "
            "extrapolated. Found counts injected errors reported at their row and column (either "
            "column of a cross-field rule); invented counts reported (row, column) pairs no injected "
            "error explains. vs floor and vs fastest peer are speed ratios (rows/s over rows/s) "
            "against the faster floor and the fastest peer on the same format.",
            "",
            table(results, len(truth_all), args),
            "",
            "Targets:",
            "",
            *targets(results),
            "",
            "Machine:",
            "",
            *[f"- {k}: {v}" for k, v in machine().items()],
            "",
        ]
    )
    args.results.mkdir(parents=True, exist_ok=True)
    name = "quick.md" if args.quick else f"events-{args.rows}.md"
    tmp_path = args.results / f"{name}.tmp"
    tmp_path.write_text(text, encoding="utf-8")
    tmp_path.replace(args.results / name)
    print(text)
    return 0


def memory_only(args: argparse.Namespace) -> int:
    base_rows = min(1_000_000, args.rows)
    rows_list = sorted({base_rows, args.rows})
    peaks: dict[tuple[str, str, int], tuple[float, float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        for rows in rows_list:
            data = folder_for(args, rows)
            ensure_data(data, rows, args.seed, args.invalid_rate)
            for tool in TOOLS:
                if tool.kind == "peer":
                    continue
                r = run_tool(tool, data, rows, None, 1, Path(tmp))
                if not r.skipped:
                    peaks[(tool.name, tool.fmt, rows)] = (max(r.rss_mb), r.wall)
    lines = [
        f"# Peak memory: {base_rows:,} vs {args.rows:,} events rows",
        "",
        f"Run on {dt.datetime.now(dt.UTC).date().isoformat()} with "
        f"`.venv/bin/python bench/run.py --rows {args.rows} --memory-only`; one fresh process each.",
        "",
        f"| Tool | Input | Peak RSS MB at {base_rows:,} | Peak RSS MB at {args.rows:,} | Ratio | Wall s at {args.rows:,} |",
        "|---|---|--:|--:|--:|--:|",
    ]
    for tool in TOOLS:
        if tool.kind == "peer":
            continue
        a, b = (
            peaks.get((tool.name, tool.fmt, base_rows)),
            peaks.get((tool.name, tool.fmt, args.rows)),
        )
        if not a or not b:
            lines.append(f"| {tool.name} | {tool.fmt} | not available | | | |")
            continue
        ratio = b[0] / a[0]
        flag = (
            ""
            if tool.kind != "ours"
            else (" (target ≤ 1.2: met)" if ratio <= 1.2 else " (target ≤ 1.2: NOT met)")
        )
        lines.append(
            f"| {tool.name} | {tool.fmt} | {a[0]:.0f} | {b[0]:.0f} | {ratio:.2f}{flag} | {b[1]:.1f} |"
        )
    lines += ["", "Machine:", "", *[f"- {k}: {v}" for k, v in machine().items()], ""]
    text = "\n".join(lines)
    args.results.mkdir(parents=True, exist_ok=True)
    path = args.results / f"memory-{args.rows}.md"
    path.with_suffix(".md.tmp").write_text(text, encoding="utf-8")
    path.with_suffix(".md.tmp").replace(path)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
