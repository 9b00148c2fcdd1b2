"""What to validate: paths, folders and data packages expanded into checks, run in one pass."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from grounded_events._core.dataset_files import ACTORS_FILE, LINKS_FILE
from grounded_events._core.files import (
    MAX_RESOURCE_BYTES,
    UnsafeFile,
    open_inside,
)
from grounded_events._schema.tables import TABLES
from grounded_events._validation.annotations import (
    Shared,
    check_annotation,
    check_links,
    check_registry,
)
from grounded_events._validation.codes import issue
from grounded_events._validation.datapackage import check_package, refused_issue
from grounded_events._validation.issues import Issue, Report
from grounded_events._validation.kinds import (
    KNOWN_EXTENSIONS,
    ReadProblem,
    check_file,
    holds_annotation,
    sniff,
    table_from_columns,
    table_name,
)
from grounded_events._validation.readers import (
    csv_header,
    jsonl_records,
)
from grounded_events._validation.records import (
    check_event_records,
    is_record_file,
    jsonl_holds_records,
)
from grounded_events._validation.table_files import (
    Options,
    Tally,
    check_tables,
    documents_texts,
    group_for,
    open_table,
)


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
            refused.append(refused_issue(exc, str(p), None, None, expected=None))
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
    max_errors: int | None,
    options: Options,
    skip_foreign: bool = False,
) -> Report:
    """Validate every path; the Report holds every error (or the first `max_errors`). With
    `skip_foreign`, a file that is not grounded-events data (see _foreign) is listed in
    Report.skipped instead of being checked."""
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
            issues = _check_one(
                path, display, folder, seeds_dir, shared, tables_by_dir, options, skip_foreign
            )
            if issues is None:
                report.skipped.append(display)
                continue
            report.files.append(display)
            report.errors += issues
            tally.found = len(report.errors)
            if tally.full():
                break
    for _directory, tables in tables_by_dir.items():
        if tally.full():
            break
        group = group_for(list(tables.values()))
        group.update(tables)
        report.errors += check_tables(
            group, {t: str(p) for t, p in tables.items()}, folder, None, options
        )
    if not tally.full():
        report.errors += shared.finish(folder, seeds_dir)
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
    skip_foreign: bool,
) -> Sequence[Issue] | None:
    """The issues of one file; None when `skip_foreign` and the file is not ours."""
    try:
        check_file(path)
    except ReadProblem as problem:
        if skip_foreign and problem.code == "GE103" and _foreign(path, "empty"):
            return None  # an empty file says nothing of what it is
        return [problem.issue(display)]
    kind = sniff(path)
    if skip_foreign and _foreign(path, kind):
        return None
    if kind == "datapackage":
        return check_package(path, display, folder, shared, seeds_dir, options)
    if kind == "yaml" and path.name == ACTORS_FILE:
        return check_registry(path, display, shared)
    if kind == "yaml" and path.name == LINKS_FILE:
        return check_links(path, display, folder, seeds_dir, shared)
    if kind in ("yaml", "json"):
        return check_annotation(path, display, folder, seeds_dir, shared)
    if kind in ("csv", "parquet", "jsonl"):
        name = table_name(path)
        if kind == "jsonl" and (name is None or jsonl_holds_records(path)):
            return _check_jsonl(path, display, folder, seeds_dir, shared, options, skip_foreign)
        if name is None:
            try:
                names = csv_header(path) if kind == "csv" else open_table(path, kind)[0]
            except ReadProblem as problem:
                return None if skip_foreign else [problem.issue(display)]
            name = table_from_columns(names)
        if name is None:
            if skip_foreign:
                return None
            expected = "the columns of " + ", ".join(TABLES)
            return [issue("GE112", display, 1, expected=expected, variant="columns")]
        bucket = tables_by_dir.setdefault(path.parent, {})
        if name in bucket:
            # a second file of the same table in the same folder: check it on its own
            return check_tables(
                {**group_for([path]), name: path}, {name: display}, folder, None, options
            )
        bucket[name] = path
        return []
    return [issue("GE112", display, actual=path.suffix or None)]


def _foreign(path: Path, kind: str) -> bool:
    """Whether a file of `kind` (see sniff; "empty" when it has no content) is surely not
    grounded-events data: a YAML or JSON file that is not an annotation file (holds_annotation),
    not the dataset's actors.yaml or links.yaml and not named datapackage.json, an empty file
    not named as a table, a file of no known kind. A table is ours by its name (table_name), else by its columns: see _check_one."""
    if path.name == "datapackage.json":
        return False
    if kind == "yaml" and path.name in (ACTORS_FILE, LINKS_FILE):
        # the dataset's actors or links: named so, with their top-level list
        key = re.compile(rf"^{re.escape(path.stem)}[ \t]*:", re.MULTILINE)
        return not key.search(path.read_text(encoding="utf-8", errors="replace"))
    if kind in ("yaml", "json", "datapackage"):
        return not holds_annotation(path)
    if kind in ("csv", "parquet", "jsonl"):
        return False
    if kind == "empty":
        return table_name(path) is None
    return True


def _check_jsonl(
    path: Path,
    display: str,
    folder: Path,
    seeds_dir: Path,
    shared: Shared,
    options: Options,
    skip_foreign: bool,
) -> Sequence[Issue] | None:
    """The issues of a JSONL file: events.jsonl records, or the rows of the table its first
    row's keys match; None when `skip_foreign` and it is neither."""
    first = None
    unreadable = False  # a line before the first value could not be read
    try:
        for item in jsonl_records(path):
            if isinstance(item, tuple):
                first = item[1]
                break
            unreadable = True
    except ReadProblem as problem:
        return None if skip_foreign else [problem.issue(display)]
    if skip_foreign and first is None and unreadable:
        return None  # no value to tell what it holds
    if first is None or is_record_file(first):
        group = group_for([path])
        texts, why = documents_texts(group, folder, shared, seeds_dir)
        return check_event_records(path, display, folder, texts, why)
    name = table_from_columns(list(first)) if isinstance(first, dict) else None
    if name is None:
        return None if skip_foreign else [issue("GE112", display, 1, variant="jsonl")]
    return check_tables({**group_for([path]), name: path}, {name: display}, folder, None, options)
