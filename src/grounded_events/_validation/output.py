"""Writing a Report: plain text (coloured on a terminal), JSON, or GitHub workflow annotations."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator

from grounded_events._core.text import clip, quoted, writable
from grounded_events._validation.codes import CODES, layer_of
from grounded_events._validation.issues import Issue, Report

FORMATS = ("text", "json", "github")

# Why a file is skipped with --skip-foreign: what it would have to be to be checked.
SKIPPED = "not an annotation file (doc_id and events keys), an event table or a datapackage.json"

_RED, _DIM, _BOLD, _RESET = "\033[31m", "\033[2m", "\033[1m", "\033[0m"


def shown(issue: Issue) -> Issue:
    """The issue as every output format writes it: long texts clipped (see clip). `actual` keeps
    its full length until quoted or clip writes it."""
    return dataclasses.replace(
        issue,
        file=writable(issue.file),
        field=None if issue.field is None else clip(issue.field),
        message=clip(issue.message),
        expected=None if issue.expected is None else clip(issue.expected),
    )


def _where(issue: Issue) -> str:
    where = issue.file
    if issue.line is not None:
        where += f":{issue.line}"
    return where


def text_line(issue: Issue, colour: bool = False) -> str:
    """One error as `validate` prints it: file:line: CODE [field:] message (expected ...; got
    ...); the field is named when the message does not name it."""
    issue = shown(issue)
    message = issue.message
    if issue.field and issue.field not in message:
        message = f"{issue.field}: {message}"
    parts = [_where(issue) + ":", issue.code, message]
    details = []
    if issue.expected is not None:
        details.append(f"expected {issue.expected}")
    if issue.actual is not None:
        details.append(f"got {quoted(issue.actual)}")
    if colour:
        parts[0] = _BOLD + parts[0] + _RESET
        parts[1] = _RED + parts[1] + _RESET
    line = " ".join(parts)
    if details:
        detail = "; ".join(details)
        line += " (" + (_DIM + detail + _RESET if colour else detail) + ")"
    return line


def summary(report: Report, max_errors: int | None) -> str:
    """One closing line: how many files, how many errors, whether the list was cut, and how many
    files were skipped (--skip-foreign)."""
    files = len(report.files)
    noun = "file" if files == 1 else "files"
    skipped = f", {len(report.skipped)} skipped" if report.skipped else ""
    if not report.files and report.skipped:
        return f"no grounded-events file{skipped}"
    if report.ok:
        return f"{files} {noun} valid{skipped}"
    count = len(report.errors)
    text = f"{count} error{'s' if count != 1 else ''} in {files} {noun}{skipped}"
    if report.truncated:
        text += f" (stopped after --max-errors {max_errors}; there are more)"
    return text


def _escape_property(value: str) -> str:
    return (
        value.replace("%", "%25")
        .replace("\r", "%0D")
        .replace("\n", "%0A")
        .replace(":", "%3A")
        .replace(",", "%2C")
    )


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def render(report: Report, fmt: str, colour: bool = False, max_errors: int | None = None) -> str:
    """The report in one of FORMATS."""
    return "".join(chunks(report, fmt, colour, max_errors))


def chunks(
    report: Report, fmt: str, colour: bool = False, max_errors: int | None = None
) -> Iterator[str]:
    """The report in one of FORMATS, a piece per error: written as it is made, a long report
    never sits in memory twice."""
    if fmt == "json":
        if not report.errors:
            yield "[]\n"
            return
        # byte for byte json.dumps(list, indent=2, ensure_ascii=False), one element at a time
        # (the C encoder writes each value; the indented layout is spelled out here)
        encode = json.JSONEncoder(ensure_ascii=False).encode
        for i, e in enumerate(report.errors):
            e = shown(e)
            if e.actual is not None:
                e = dataclasses.replace(e, actual=clip(e.actual))
            members = ",\n".join(f'    "{k}": {encode(v)}' for k, v in e.to_dict().items())
            yield ("[\n" if i == 0 else ",\n") + "  {\n" + members + "\n  }"
        yield "\n]\n"
        return
    if fmt == "github":
        for e in map(shown, report.errors):
            props = f"file={_escape_property(e.file)}"
            if e.line is not None:
                props += f",line={e.line}"
            title = f"{e.code} {CODES[e.code].title}" if e.code in CODES else e.code
            message = e.message
            if e.expected is not None:
                message += f" (expected {e.expected}"
                message += f"; got {quoted(e.actual)})" if e.actual is not None else ")"
            yield f"::error {props},title={_escape_property(title)}::{_escape_data(message)}\n"
        if report.truncated:
            yield f"::warning title=max-errors::{summary(report, max_errors)}\n"
        return
    for file in report.skipped:
        yield f"{writable(file)}: skipped: {SKIPPED}\n"
    for e in report.errors:
        yield text_line(e, colour) + "\n"
    yield summary(report, max_errors) + "\n"


def exit_code(report: Report) -> int:
    """0 valid, 2 when an input could not be read, else 1."""
    if report.ok:
        return 0
    if any(code in CODES and layer_of(code) == "input" for code in report.codes):
        return 2
    return 1
