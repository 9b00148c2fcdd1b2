"""Table files checked together, in the order their keys are needed, their neighbours lending keys."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from grounded_events._core.errors import UsageError
from grounded_events._schema.tables import TABLES
from grounded_events._validation.annotations import Shared, load_seeds
from grounded_events._validation.batch import Batch
from grounded_events._validation.cells import arrow_schema, dictionary_columns
from grounded_events._validation.checker import Context
from grounded_events._validation.codes import issue
from grounded_events._validation.columnar import TableChecker, check_batches
from grounded_events._validation.issues import Issue, IssueList
from grounded_events._validation.kinds import (
    TABLE_EXTENSIONS,
    ReadProblem,
    sniff,
    table_name,
)
from grounded_events._validation.prefetch import prefetched
from grounded_events._validation.progress import Progress
from grounded_events._validation.readers import (
    csv_batches,
    json_table_batches,
    jsonl_table,
    parquet_batches,
)
from grounded_events._validation.rules import references, table_columns
from grounded_events._validation.table_guidelines import READS, TableGuides

TABLE_ORDER = ("documents", "actors", "events", "event_actors", "evidence", "links")

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


def table_kind(path: Path) -> str:
    kind = sniff(path)
    return kind if kind in ("csv", "parquet", "jsonl") else "unknown"


def check_tables(
    group: dict[str, Path],
    report: dict[str, str],
    folder: Path,
    texts_fallback: dict[str, Path] | None = None,
    options: Options = Options(),
) -> IssueList:
    """Check the tables in `report` (table -> display name); the others in `group` lend keys,
    and the rows that the coding guidelines across tables read (table_guidelines.READS)."""
    needed = set(report)
    for table in report:
        needed |= {t for _, t, _ in references(table)}
        needed |= set(READS.get(table, ()))
        if table == "evidence":
            needed.add("documents")
    group = dict(group)
    if "evidence" in report and "documents" not in group and texts_fallback:
        group.update({k: v for k, v in texts_fallback.items() if k == "documents"})
    context = Context(guides=TableGuides(set(report), set(group) & needed))
    tally = options.tally
    checked: list[tuple[TableChecker, Issue | None]] = []  # each table read, and why it stopped
    readable: set[str] = set()  # the tables read whole: the rules across tables may judge them
    found = 0  # the issues of the tables checked so far
    for table in TABLE_ORDER:
        if table not in group or table not in needed or tally.full(found):
            continue
        path = group[table]
        reporting = table in report
        display = report.get(table, str(path))
        checker = options.checker(folder, table, display, context, reporting)
        if tally.limit is not None:
            checker.limit = tally.limit - tally.found - found + 1
        problem: Issue | None = None
        try:
            kind = table_kind(path)
            names, read = open_table(path, kind, table, folder)
            batches = prefetched(read)  # the next batch is read while this one is checked
            if names or kind != "jsonl":
                checker.check_header(Batch({}, []), names, 1 if kind == "csv" else None)
            else:
                checker.header_checked = True  # no line could be read: their errors say why
            if table == "evidence" and context.texts is None and reporting:
                checker.keep((0, -2, issue("GE505", display, expected="a documents table")))
            progress = options.progress
            # past max_errors the rest of the table is not read, nor its keys compared
            stopped = tally.full(found + checker.issue_count)
            while not stopped and (batch := next(batches, None)) is not None:
                checker.check(batch)
                if progress is not None:
                    progress.batch(len(batch.lines), checker.issue_count)
                stopped = tally.full(found + checker.issue_count)
            batches.close()  # past max_errors: the reader stops too
            if not stopped:
                checker.finish_keys()
                checker.finish_references()
                readable.add(table)
        except ReadProblem as read_problem:
            problem = read_problem.issue(display)
        finally:
            if options.progress is not None:
                options.progress.table_done(checker.issue_count)
        checked.append((checker, problem))
        found += checker.issue_count + (problem is not None)
    if context.guides is not None and not tally.full(found):
        by_table = {checker.table: checker for checker, _ in checked}
        for item in context.guides.finish(readable, context.maybe_unread):
            checker = by_table[item.table]
            checker.found(item)
    issues = IssueList()  # a table's issues stream in from its checker's runs on disk
    for checker, problem in checked:
        if checker.report:
            issues.extend_values(checker.sorted_values())
            if problem is not None:
                issues.append(problem)
    tally.found += len(issues)
    return issues


def _siblings(directory: Path) -> dict[str, list[Path]]:
    """Table files in a folder by table name."""
    out: dict[str, list[Path]] = {}
    for child in sorted(directory.iterdir()) if directory.is_dir() else []:
        if child.suffix.lower() in (*TABLE_EXTENSIONS, ".jsonl") and table_name(child):
            out.setdefault(table_name(child) or "", []).append(child)
    return out


def group_for(paths: list[Path]) -> dict[str, Path]:
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
    group = group_for(candidates) if candidates else {}
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


def documents_texts(
    group: dict[str, Path] | None, folder: Path, shared: Shared, seeds_dir: Path
) -> tuple[dict[str, str] | None, str | None]:
    """doc_id -> text from a documents table, else from the seeds; or why there is none."""
    if group and "documents" in group:
        context = Context()
        checker = TableChecker(folder, "documents", "", context, report=False)
        try:
            _, batches = open_table(group["documents"], table_kind(group["documents"]))
            for _ in check_batches(checker, batches):
                pass
            return context.texts or {}, None
        except ReadProblem as problem:
            return None, problem.message
    load_seeds(shared, seeds_dir)
    if shared.seeds is not None:
        return {k: t for k, (_, t) in shared.seeds.items() if t is not None}, None
    return None, f"no documents table next to the file and {shared.seeds_problem}"
