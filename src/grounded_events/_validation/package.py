"""What to validate: paths, folders and data packages expanded into checks, run in one pass."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from grounded_events._core.errors import UsageError
from grounded_events._core.files import (
    MAX_RESOURCE_BYTES,
    HashNotation,
    Mismatch,
    UnsafeFile,
    check_handle,
    open_inside,
    parse_sums,
    read_bytes_inside,
)
from grounded_events._core.safe_yaml import YamlError, loads
from grounded_events._schema.tables import TABLES
from grounded_events._validation.annotations import (
    Shared,
    check_annotation,
    check_event_records,
    is_record_file,
    load_seeds,
)
from grounded_events._validation.batch import Batch
from grounded_events._validation.cells import arrow_schema, dictionary_columns
from grounded_events._validation.checker import Context
from grounded_events._validation.codes import issue
from grounded_events._validation.columnar import TableChecker, check_batches
from grounded_events._validation.issues import Issue, IssueList, Report
from grounded_events._validation.json_values import parse_json
from grounded_events._validation.kinds import (
    KNOWN_EXTENSIONS,
    TABLE_EXTENSIONS,
    ReadProblem,
    check_file,
    sniff,
    table_from_columns,
    table_name,
)
from grounded_events._validation.progress import Progress
from grounded_events._validation.readers import (
    csv_batches,
    csv_header,
    json_table_batches,
    jsonl_records,
    jsonl_table,
    parquet_batches,
)
from grounded_events._validation.rules import references, table_columns
from grounded_events._validation.text import read_text

# Tables in the order their keys are needed by the tables that reference them.
TABLE_ORDER = ("documents", "actors", "events", "event_actors", "evidence")

# How tables are checked: the engines that run in this process.
ENGINES = ("columnar", "rows")


@dataclass
class Tally:
    """The errors a run has found, against its max_errors: past it, the run stops working."""

    limit: int | None = None
    found: int = 0

    def full(self, more: int = 0) -> bool:
        """Whether `more` errors on top of those found are more than the run reports."""
        return self.limit is not None and self.found + more > self.limit


@dataclass(frozen=True)
class Options:
    """How a run checks tables: the engine, where progress goes (None: nowhere), and the
    tally of errors that stops the reading of tables once max_errors is passed."""

    engine: str = "columnar"
    progress: Progress | None = None
    tally: Tally = field(default_factory=Tally)

    def checker(
        self, folder: Path, table: str, display: str, context: Context, report: bool
    ) -> TableChecker:
        """A checker of this run's engine for one table."""
        if self.engine == "rows":
            from grounded_events._validation.rows import RowChecker

            return RowChecker(folder, table, display, context, report=report)
        if self.engine != "columnar":
            raise UsageError(f"unknown engine {self.engine!r}; one of {', '.join(ENGINES)}")
        return TableChecker(folder, table, display, context, report=report)


def _refused(
    exc: UnsafeFile,
    file: str,
    line: int | None,
    field: str | None,
    expected: str | None = "a regular file",
) -> Issue:
    """The Issue of a file refused before it was read (GE114-GE116), in the check's words."""
    return issue(
        exc.code, file, line, field, expected=expected, variant="refused", reason=exc.reason
    )


def _mismatch(m: Mismatch, file: str, line: int | None, field: str | None) -> Issue:
    """The Issue of a release check that failed (GE701-GE705), in the check's words."""
    return issue(m.code, file, line, field, expected=m.expected, actual=m.actual, reason=m.message)


# --- tables -----------------------------------------------------------------------------------


def open_table(
    path: Path, kind: str, table: str | None = None, folder: Path | None = None
) -> tuple[list[str], Iterator[Batch]]:
    """Column names and batches of a table file of `kind` (csv, parquet, jsonl)."""
    if kind == "csv":
        columns = None if table is None else TABLES[table].columns
        return csv_batches(path, dictionary_columns(folder, table), columns)
    if kind == "parquet":
        return parquet_batches(path, dictionary_columns(folder, table))
    kinds = None
    if table is not None and folder is not None:
        kinds = {c.name: c.kind for c in table_columns(folder, table)}
        fast = json_table_batches(path, arrow_schema(folder, table), kinds)
        if fast is not None:
            return fast
    return jsonl_table(path, kinds)


def _kind(path: Path) -> str:
    kind = sniff(path)
    return kind if kind in ("csv", "parquet", "jsonl") else "unknown"


def check_tables(
    group: dict[str, Path],
    report: dict[str, str],
    folder: Path,
    texts_fallback: dict[str, Path] | None = None,
    options: Options = Options(),
) -> IssueList:
    """Check the tables in `report` (table -> display name); the others in `group` lend keys."""
    context = Context()
    needed = set(report)
    for table in report:
        needed |= {t for _, t, _ in references(table)}
        if table == "evidence":
            needed.add("documents")
    group = dict(group)
    if "evidence" in report and "documents" not in group and texts_fallback:
        group.update({k: v for k, v in texts_fallback.items() if k == "documents"})
    issues = IssueList()  # a table's issues stream in from its checker's runs on disk
    tally = options.tally
    for table in TABLE_ORDER:
        if table not in group or table not in needed or tally.full(len(issues)):
            continue
        path = group[table]
        reporting = table in report
        display = report.get(table, str(path))
        checker = options.checker(folder, table, display, context, reporting)
        if tally.limit is not None:
            checker.limit = tally.limit - tally.found - len(issues) + 1
        try:
            kind = _kind(path)
            names, batches = open_table(path, kind, table, folder)
            if names or kind != "jsonl":
                checker.check_header(Batch({}, []), names, 1 if kind == "csv" else None)
            else:
                checker.header_checked = True  # no line could be read: their errors say why
            if table == "evidence" and context.texts is None and reporting:
                issues.append(issue("GE505", display, expected="a documents table"))
            progress = options.progress
            # past max_errors the rest of the table is not read, nor its keys compared
            stopped = tally.full(len(issues) + checker.issue_count)
            while not stopped and (batch := next(batches, None)) is not None:
                checker.check(batch)
                if progress is not None:
                    progress.batch(len(batch.lines), checker.issue_count)
                stopped = tally.full(len(issues) + checker.issue_count)
            if not stopped:
                checker.finish_keys()
                checker.finish_references()
        except ReadProblem as problem:
            if reporting:
                issues.extend_values(checker.sorted_values())
                issues.append(problem.issue(display))
            continue
        finally:
            if options.progress is not None:
                options.progress.table_done(checker.issue_count)
        if reporting:
            issues.extend_values(checker.sorted_values())
    tally.found += len(issues)
    return issues


def _siblings(directory: Path) -> dict[str, list[Path]]:
    """Table files in a folder by table name."""
    out: dict[str, list[Path]] = {}
    for child in sorted(directory.iterdir()) if directory.is_dir() else []:
        if child.suffix.lower() in (*TABLE_EXTENSIONS, ".jsonl") and table_name(child):
            out.setdefault(table_name(child) or "", []).append(child)
    return out


def _group_for(paths: list[Path]) -> dict[str, Path]:
    """The tables next to the given files, preferring the given files' own format."""
    directory = paths[0].parent
    suffix = paths[0].suffix.lower()
    group: dict[str, Path] = {}
    for table, candidates in _siblings(directory).items():
        same = [c for c in candidates if c.suffix.lower() == suffix]
        group[table] = (same or candidates)[0]
    return group


def sibling_context(base: Path, table: str, folder: Path) -> Context:
    """Keys and document texts that `table` needs, from the tables in the folder `base` (they
    are read, not reported): what a partitioned dataset checks its references against."""
    needed = {t for _, t, _ in references(table) if t != table}
    if table == "evidence":
        needed.add("documents")
    context = Context()
    candidates = [p for p in sorted(base.iterdir()) if p.is_file()] if base.is_dir() else []
    group = _group_for(candidates) if candidates else {}
    for name in TABLE_ORDER:
        if name in needed and name in group:
            checker = TableChecker(folder, name, str(group[name]), context, report=False)
            try:
                _, batches = open_table(group[name], group[name].suffix.lstrip("."), name, folder)
                for _ in check_batches(checker, batches):
                    pass
            except ReadProblem:
                continue
    return context


# --- data packages ----------------------------------------------------------------------------


def _checksums(base: Path, display: str) -> tuple[dict[str, tuple[str, int]], list[Issue]]:
    """SHA256SUMS next to the descriptor, by file name; an issue if it cannot be read."""
    shown = str(Path(display).parent / "SHA256SUMS")
    try:
        text = read_bytes_inside(base, "SHA256SUMS").decode("utf-8")
        return parse_sums(text), []
    except FileNotFoundError:
        return {}, []
    except UnsafeFile as exc:
        return {}, [_refused(exc, shown, None, None)]
    except (UnicodeDecodeError, HashNotation) as exc:
        return {}, [issue("GE705", shown, expected="<sha256>  <file>", reason=exc)]


def _check_listed(
    base: Path, display: str, sums: dict[str, tuple[str, int]], covered: set[str]
) -> list[Issue]:
    """Files of SHA256SUMS that no resource covers (datapackage.json too), checked against it."""
    shown = str(Path(display).parent / "SHA256SUMS")
    issues: list[Issue] = []
    for name, (digest, line) in sorted(sums.items()):
        if name in covered:
            continue
        try:
            with open_inside(base, name, MAX_RESOURCE_BYTES) as handle:
                problems = check_handle(handle, name, listed=digest)
        except FileNotFoundError:
            issues.append(
                issue("GE705", shown, line, name, expected=digest, variant="missing", name=name)
            )
            continue
        except UnsafeFile as exc:
            issues.append(_refused(exc, shown, line, name))
            continue
        issues += [_mismatch(m, shown, line, name) for m in problems]
    return issues


def check_package(
    descriptor: Path,
    display: str,
    folder: Path,
    shared: Shared,
    seeds_dir: Path,
    options: Options = Options(),
) -> Sequence[Issue]:
    """Release integrity of every resource, then every table and record file it lists."""
    try:
        text = read_text(descriptor)
        data = parse_json(text)
    except ReadProblem as problem:
        return [problem.issue(display)]
    try:
        lines = loads(text).lines
    except YamlError:
        lines = {}

    def line_of(*loc: Any) -> int | None:
        while loc:
            if loc in lines:
                return lines[loc]
            loc = loc[:-1]
        return 1

    resources = data.get("resources") if isinstance(data, dict) else None
    if not isinstance(resources, list):
        return [issue("GE113", display, 1, "resources", expected="a list of resources")]
    base = descriptor.parent
    sums, found = _checksums(base, display)
    issues = IssueList(found)
    sums_shown = str(Path(display).parent / "SHA256SUMS")
    covered: set[str] = set()
    groups: dict[str, dict[str, Path]] = {}
    displays: dict[Path, str] = {}
    records: list[Path] = []
    for i, resource in enumerate(resources):
        rpath = resource.get("path") if isinstance(resource, dict) else None
        if not isinstance(rpath, str) or not rpath:
            issues.append(
                issue(
                    "GE113",
                    display,
                    line_of("resources", i),
                    f"resources[{i}].path",
                    expected="a relative path",
                    actual=repr(rpath),
                    variant="path",
                )
            )
            continue
        path = base / rpath
        shown = str(Path(display).parent / rpath)
        listed = sums.get(rpath)
        covered.add(rpath)
        try:
            with open_inside(base, rpath, MAX_RESOURCE_BYTES) as handle:
                problems = check_handle(
                    handle,
                    rpath,
                    resource.get("hash"),
                    resource.get("bytes"),
                    listed[0] if listed else None,
                )
        except FileNotFoundError:
            issues.append(
                issue(
                    "GE703",
                    display,
                    line_of("resources", i, "path"),
                    f"resources[{i}].path",
                    expected=rpath,
                    path=rpath,
                )
            )
            continue
        except UnsafeFile as exc:
            issues.append(
                issue(
                    exc.code,
                    display,
                    line_of("resources", i, "path"),
                    f"resources[{i}].path",
                    expected="a regular file inside the package",
                    actual=rpath,
                    # GE114/GE115 are worded so by their template; GE116's is the reader's
                    variant="resource" if exc.code == "GE116" else "",
                    path=exc.path,
                    reason=exc.reason,
                )
            )
            continue
        for m in problems:
            if m.code == "GE705" and listed is not None:
                issues.append(_mismatch(m, sums_shown, listed[1], rpath))
            else:
                where = f"resources[{i}].{m.field}"
                issues.append(_mismatch(m, display, line_of("resources", i, m.field), where))
        kind = sniff(path)
        name = table_name(path)
        if kind == "jsonl" and jsonl_holds_records(path):
            records.append(path)
            displays[path] = shown
        elif kind in ("csv", "parquet", "jsonl"):
            if name is None and isinstance(resource.get("name"), str):
                stem = resource["name"].replace("_", "-").split("-")[0]
                name = stem if stem in TABLES else None
            if name is not None:
                groups.setdefault(kind, {}).setdefault(name, path)
                displays[path] = shown
    issues += _check_listed(base, display, sums, covered)
    documents = next((g for g in groups.values() if "documents" in g), None)
    for group in groups.values():
        report = {t: displays[p] for t, p in group.items()}
        issues += check_tables(group, report, folder, documents, options)
    for path in records:
        texts, why = _documents_texts(documents, folder, shared, seeds_dir)
        issues += check_event_records(path, displays[path], folder, texts, why)
    return issues


def _documents_texts(
    group: dict[str, Path] | None, folder: Path, shared: Shared, seeds_dir: Path
) -> tuple[dict[str, str] | None, str | None]:
    """doc_id -> text from a documents table, else from the seeds; or why there is none."""
    if group and "documents" in group:
        context = Context()
        checker = TableChecker(folder, "documents", "", context, report=False)
        try:
            _, batches = open_table(group["documents"], _kind(group["documents"]))
            for _ in check_batches(checker, batches):
                pass
            return context.texts or {}, None
        except ReadProblem as problem:
            return None, problem.message
    load_seeds(shared, seeds_dir)
    if shared.seeds is not None:
        return {k: t for k, (_, t) in shared.seeds.items() if t is not None}, None
    return None, f"no documents table next to the file and {shared.seeds_problem}"


# --- the run ----------------------------------------------------------------------------------


def _expand(path: Path) -> tuple[list[Path], list[Issue]]:
    """The files a path stands for, and an Issue for each that must not be read. In a folder,
    a file of a known kind that is a FIFO or device, or a symlink leading out of the folder, is
    refused (GE114/GE115) by the same open as a package's resources, never skipped unsaid."""
    if not path.exists():
        return [], [issue("GE101", str(path), variant="given")]
    if path.is_file():
        return [path], []
    if not path.is_dir():
        return [], [issue("GE102", str(path), variant="given")]
    if (path / "datapackage.json").is_file():
        return [path / "datapackage.json"], []
    files: list[Path] = []
    refused: list[Issue] = []
    for p in sorted(path.rglob("*")):
        relative = p.relative_to(path)
        if (
            p.suffix.lower() not in KNOWN_EXTENSIONS
            or any(part.startswith(".") for part in relative.parts)
            or (p.is_dir() and not p.is_symlink())
        ):
            continue
        try:
            with open_inside(path, relative.as_posix(), MAX_RESOURCE_BYTES):
                files.append(p)
        except UnsafeFile as exc:
            refused.append(_refused(exc, str(p), None, None, expected=None))
        except OSError:
            continue  # a link to nothing, gone since the listing: nothing to read
    # a folder with a datapackage.json inside is that package: its descriptor, not its files
    packages = {p.parent for p in files if p.name == "datapackage.json"}
    files = [
        p
        for p in files
        if p.name == "datapackage.json" or not any(d in p.parents for d in packages)
    ]
    if not files and not refused:
        refused.append(issue("GE102", str(path), variant="empty-folder"))
    return files, refused


def run(
    paths: list[Path],
    folder: Path,
    seeds_dir: Path,
    max_errors: int | None = None,
    options: Options = Options(),
) -> Report:
    """Validate every path; the Report holds every error (or the first `max_errors`)."""
    report = Report()
    shared = Shared()
    tables_by_dir: dict[Path, dict[str, Path]] = {}
    seen: set[Path] = set()
    tally = Tally(max_errors)  # this run's own: a default Options is shared between calls
    options = replace(options, tally=tally)
    for given in paths:
        if tally.full():
            break  # enough errors: the other paths are not read
        expanded, refused = _expand(given)
        report.errors += refused
        report.files += [issue.file for issue in refused]
        for path in expanded:
            if path.resolve() in seen:
                continue  # the same file named twice is checked once
            seen.add(path.resolve())
            display = str(path)
            report.files.append(display)
            issues = _check_one(path, display, folder, seeds_dir, shared, tables_by_dir, options)
            report.errors += issues
            tally.found = len(report.errors)
            if tally.full():
                break
    for _directory, tables in tables_by_dir.items():
        if tally.full():
            break
        group = _group_for(list(tables.values()))
        group.update(tables)
        report.errors += check_tables(
            group, {t: str(p) for t, p in tables.items()}, folder, None, options
        )
    if not tally.full():
        report.errors += shared.finish()
    if max_errors is not None and len(report.errors) > max_errors:
        report.errors = report.errors[:max_errors]
        report.truncated = True
    return report


def _check_one(
    path: Path,
    display: str,
    folder: Path,
    seeds_dir: Path,
    shared: Shared,
    tables_by_dir: dict[Path, dict[str, Path]],
    options: Options,
) -> Sequence[Issue]:
    try:
        check_file(path)
    except ReadProblem as problem:
        return [problem.issue(display)]
    kind = sniff(path)
    if kind == "datapackage":
        return check_package(path, display, folder, shared, seeds_dir, options)
    if kind in ("yaml", "json"):
        return check_annotation(path, display, folder, seeds_dir, shared)
    if kind in ("csv", "parquet", "jsonl"):
        name = table_name(path)
        if kind == "jsonl" and (name is None or jsonl_holds_records(path)):
            return _check_jsonl(path, display, folder, seeds_dir, shared, options)
        if name is None:
            try:
                names = csv_header(path) if kind == "csv" else open_table(path, kind)[0]
            except ReadProblem as problem:
                return [problem.issue(display)]
            name = table_from_columns(names)
        if name is None:
            expected = "the columns of " + ", ".join(TABLES)
            return [issue("GE112", display, 1, expected=expected, variant="columns")]
        bucket = tables_by_dir.setdefault(path.parent, {})
        if name in bucket:
            # a second file of the same table in the same folder: check it on its own
            return check_tables(
                {**_group_for([path]), name: path}, {name: display}, folder, None, options
            )
        bucket[name] = path
        return []
    return [issue("GE112", display, actual=path.suffix or None)]


def jsonl_holds_records(path: Path) -> bool:
    """Whether a JSONL file holds events.jsonl records (by its first value), not table rows."""
    try:
        for item in jsonl_records(path):
            if isinstance(item, tuple):
                return is_record_file(item[1])
            return False
    except ReadProblem:
        return False
    return True


def _check_jsonl(
    path: Path, display: str, folder: Path, seeds_dir: Path, shared: Shared, options: Options
) -> Sequence[Issue]:
    first = None
    try:
        for item in jsonl_records(path):
            if isinstance(item, tuple):
                first = item[1]
                break
    except ReadProblem as problem:
        return [problem.issue(display)]
    if first is None or is_record_file(first):
        group = _group_for([path])
        texts, why = _documents_texts(group, folder, shared, seeds_dir)
        return check_event_records(path, display, folder, texts, why)
    name = table_from_columns(list(first)) if isinstance(first, dict) else None
    if name is None:
        return [issue("GE112", display, 1, variant="jsonl")]
    return check_tables({**_group_for([path]), name: path}, {name: display}, folder, None, options)
