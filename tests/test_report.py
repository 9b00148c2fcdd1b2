"""A report's errors behave as a list while memory holds a bounded number of them."""

from __future__ import annotations

import csv
import gc
import pickle
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grounded_events._validation import issues as _report
from grounded_events._validation import validate
from grounded_events._validation.issues import Issue, IssueList, Report
from helpers import ROOT

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

issues = st.builds(
    Issue,
    file=st.sampled_from(["a.csv", "b.parquet"]),
    line=st.none() | st.integers(1, 10**9),
    field=st.none() | st.sampled_from(["summary", "event_type"]),
    code=st.sampled_from(["GE201", "GE203", "GE601"]),
    message=st.text(max_size=8),
    expected=st.none() | st.text(max_size=4),
    actual=st.none() | st.text(max_size=4),
)


@contextmanager
def held(issues: int, chunk: int) -> Iterator[None]:
    """IssueLists made inside hold at most `issues` in memory, on disk in chunks of `chunk`."""
    with (
        mock.patch.object(_report, "HELD_ISSUES", issues),
        mock.patch.object(_report, "CHUNK_ISSUES", chunk),
    ):
        yield


@SETTINGS
@given(
    batches=st.lists(st.lists(issues, max_size=12), max_size=8),
    limit=st.integers(1, 9),
    chunk=st.integers(1, 4),
    cut=st.slices(60),
    data=st.data(),
)
def test_issue_list_is_a_list(
    batches: list[list[Issue]], limit: int, chunk: int, cut: slice, data: st.DataObject
) -> None:
    """Whatever is appended, an IssueList reads back as the list of the same issues (len,
    iteration, every index, slices, equality, pickling, codes) while holding at most its limit."""
    expected: list[Issue] = []
    with held(limit, chunk):
        found = IssueList()
        for batch in batches:
            how = data.draw(st.sampled_from(["append", "iterator", "issue list"]))
            if batch and how == "append":
                found.append(batch[0])
                found += batch[1:]
            elif how == "issue list":
                found += IssueList(batch)
            else:
                found.extend(iter(batch))
            expected += batch
            assert len(found._held) <= limit
    assert found == expected and expected == found and list(found) == expected
    assert len(found) == len(expected) and bool(found) == bool(expected)
    assert [found[i] for i in range(-len(found), len(found))] == expected + expected
    assert found[cut] == expected[cut]
    assert pickle.loads(pickle.dumps(found)) == expected
    assert found + expected[:3] == expected + expected[:3]
    assert found != [*expected, Issue("x", 1, None, "GE201", "")]
    assert found.on_disk() == len(expected) - len(found._held)
    assert found.codes == {e.code for e in expected}
    for wrong in (len(expected), -len(expected) - 1):
        with pytest.raises(IndexError):
            found[wrong]
    found.close()
    assert found == []


def test_report_errors_become_an_issue_list() -> None:
    """A list given to or assigned to Report.errors is held as an IssueList of its issues."""
    issue = Issue("a.csv", 2, "summary", "GE201", "summary is missing")
    report = Report([issue], ["a.csv"])
    assert isinstance(report.errors, IssueList) and report.errors == [issue]
    report.errors = [issue, issue]
    assert isinstance(report.errors, IssueList) and report.errors == [issue, issue]
    assert report.codes == {"GE201"} and not report.ok
    report.close()
    assert report.ok


@pytest.fixture(scope="module")
def valid_csv(tmp_path_factory: pytest.TempPathFactory) -> list[list[str]]:
    """The rows (header first) of 60 generated events with no error."""
    out = tmp_path_factory.mktemp("valid")
    options = ["--rows", "60", "--seed", "3", "--invalid-rate", "0", "--out", str(out)]
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "generate.py"), *options],
        check=True,
        capture_output=True,
    )
    with (out / "events.csv").open(newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def _live_issues() -> int:
    gc.collect()
    return sum(isinstance(o, Issue) for o in gc.get_objects())


@pytest.mark.slow
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    spoiled=st.sets(st.integers(0, 29), min_size=3, max_size=25),
    every=st.integers(1, 3),
    repeat=st.booleans(),
    engine=st.sampled_from(["columnar", "rows"]),
)
def test_many_errors_stay_bounded(
    valid_csv: list[list[str]],
    tmp_path_factory: pytest.TempPathFactory,
    spoiled: set[int],
    every: int,
    repeat: bool,
    engine: str,
) -> None:
    """A run whose errors are far more than memory may hold gives the same report as an
    all-in-memory run, with its issues spilled to disk and only the limit of them held."""
    header, rows = valid_csv[0], [list(row) for row in valid_csv[1:]]
    # the first 30 columns but the id and dates: all but two refuse the text "Not Valid!"
    columns = [i for i, name in enumerate(header) if name != "event_id" and "date" not in name]
    columns = columns[:30]
    for r, row in enumerate(rows):
        if r % every == 0:
            for c in spoiled:
                row[columns[c % len(columns)]] = "Not Valid!"
        if repeat and r % 7 == 3:
            row[header.index("event_id")] = rows[0][header.index("event_id")]
    path = tmp_path_factory.mktemp("bad") / "events.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([header, *rows])
    in_memory = validate(path, engine=engine)
    expected = list(in_memory.errors)
    in_memory.close()
    del in_memory
    before = _live_issues()
    with (
        held(5, 2),
        mock.patch.object(_report, "SPILL_ISSUES", 7),
        mock.patch.object(_report, "RUN_CHUNK", 3),
        mock.patch.object(_report, "MERGE_RUNS", 2),
    ):
        spilled = validate(path, engine=engine)
    assert len(expected) >= 20
    assert spilled.errors.on_disk() > len(expected) - 5
    assert _live_issues() - before <= 5  # the errors held by the report, and no other
    assert spilled.errors == expected
    assert spilled.errors[10:40:3] == expected[10:40:3]
