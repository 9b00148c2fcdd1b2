"""A data package: the release integrity of each resource it lists, then its tables and records."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

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
from grounded_events._validation.annotations import Shared
from grounded_events._validation.codes import issue
from grounded_events._validation.issues import Issue, IssueList
from grounded_events._validation.json_values import parse_json
from grounded_events._validation.kinds import (
    ReadProblem,
    sniff,
    table_name,
)
from grounded_events._validation.records import check_event_records, jsonl_holds_records
from grounded_events._validation.table_files import Options, check_tables, documents_texts
from grounded_events._validation.text import read_text


def refused_issue(
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


def _checksums(base: Path, display: str) -> tuple[dict[str, tuple[str, int]], list[Issue]]:
    """SHA256SUMS next to the descriptor, by file name; an issue if it cannot be read."""
    shown = str(Path(display).parent / "SHA256SUMS")
    try:
        text = read_bytes_inside(base, "SHA256SUMS").decode("utf-8")
        return parse_sums(text), []
    except FileNotFoundError:
        return {}, []
    except UnsafeFile as exc:
        return {}, [refused_issue(exc, shown, None, None)]
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
            issues.append(refused_issue(exc, shown, line, name))
            continue
        issues += [_mismatch(m, shown, line, name) for m in problems]
    return issues


def check_package(
    descriptor: Path,
    display: str,
    folder: Path,
    shared: Shared,
    seeds_dir: Path,
    options: Options,
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
        texts, why = documents_texts(documents, folder, shared, seeds_dir)
        issues += check_event_records(path, displays[path], folder, texts, why)
    return issues
