"""Tests for grounded_events._package.report: the static evidence viewer and data report."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grounded_events import cli
from grounded_events._core.dataset_files import ACTORS_FILE
from grounded_events._core.safe_yaml import loads
from grounded_events._package import report
from grounded_events._package.inputs import ReportInputError, read_inputs
from grounded_events._package.report import (
    document_files,
    embed_json,
    report_step,
    segments,
    site_files,
    write_site,
)
from grounded_events._package.site import make_outlines
from grounded_events._schema.models import AnnotationFile
from grounded_events._sources.seeds import read_seeds
from helpers import HOSTILE, make_inputs, sample_actors, sample_annotation, write_yaml
from helpers import SEED_DOC_ID as DOC_ID


class _TextParser(HTMLParser):
    """Rebuilds the document text and, per evidence index, which characters carry it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # inside div#text
        self.stack: list[list[int]] = []
        self.text = ""
        self.marks: dict[int, list[int]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "div" and a.get("id") == "text":
            self.depth = 1
        elif self.depth and tag == "span":
            self.stack.append([int(i) for i in (a.get("data-ev") or "").split()])
        elif self.depth:
            raise AssertionError(f"unexpected <{tag}> inside the text")

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag == "span":
            self.stack.pop()
        elif self.depth and tag == "div":
            self.depth = 0

    def handle_data(self, data: str) -> None:
        if not self.depth:
            return
        for i in self.stack[-1] if self.stack else []:
            self.marks.setdefault(i, []).extend(range(len(self.text), len(self.text) + len(data)))
        self.text += data


def _embedded(page: str) -> dict[str, Any]:
    match = re.search(r'<script type="application/json" id="ge-data">(.*?)</script>', page, re.S)
    assert match, "no embedded data"
    return json.loads(match.group(1))


def _check_every_span(page: str, text: str) -> int:
    parser = _TextParser()
    parser.feed(page)
    assert parser.text == text
    evidence = _embedded(page)["evidence"]
    for i, ev in enumerate(evidence):
        assert parser.marks.get(i) == list(range(ev["start"], ev["end"])), ev["evidence_id"]
    return len(evidence)


@given(
    st.integers(min_value=1, max_value=40).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(
                st.tuples(st.integers(0, n - 1), st.integers(1, n)).filter(lambda p: p[0] < p[1]),
                max_size=8,
            ),
        )
    )
)
def test_segments_keep_every_overlapping_span(case: tuple[int, list[tuple[int, int]]]) -> None:
    """Cutting at span boundaries covers the text once and gives each span exactly its chars."""
    n, spans = case
    pieces = segments("x" * n, spans)
    assert [p[0] for p in pieces] == [0, *[p[1] for p in pieces[:-1]]]
    assert pieces[-1][1] == n
    for i, (start, end) in enumerate(spans):
        covered = [c for s, e, ids in pieces if i in ids for c in range(s, e)]
        assert covered == list(range(start, end))


def test_embedded_json_cannot_close_the_script() -> None:
    """Annotation text with </script>, tags, ampersands and curly quotes embeds inertly."""
    data = {"summary": HOSTILE, "sep": "\u2028"}
    embedded = embed_json(data)
    assert "<" not in embedded and ">" not in embedded and "&" not in embedded
    assert "“" in embedded  # kept as the character, not escaped away
    assert json.loads(embedded) == data


def test_report_highlights_every_span(tmp_path: Path, root: Path) -> None:
    """The document page shows the full text; each evidence span marks exactly its characters."""
    base = make_inputs(tmp_path, root)
    written = write_site(base / "out", base / "annotations", base / "seeds")
    assert sorted(p.relative_to(base / "out").as_posix() for p in written) == [
        f"documents/{DOC_ID}.html",
        "index.html",
    ]
    text = read_seeds(base / "seeds")[DOC_ID].text
    page = (base / "out" / "documents" / f"{DOC_ID}.html").read_text(encoding="utf-8")
    assert _check_every_span(page, text) == 28


def test_report_of_the_dataset_highlights_every_span(tmp_path: Path, root: Path) -> None:
    """The committed annotation file renders with every one of its spans highlighted."""
    annotations = root / "datasets" / "annotations"
    assert (annotations / f"{DOC_ID}.yaml").exists()
    write_site(tmp_path, annotations, root / "seeds")
    page = (tmp_path / "documents" / f"{DOC_ID}.html").read_text(encoding="utf-8")
    text = read_seeds(root / "seeds")[DOC_ID].text
    annotation = AnnotationFile.model_validate(
        loads((annotations / f"{DOC_ID}.yaml").read_text(encoding="utf-8")).data
    )
    assert _check_every_span(page, text) == sum(len(e.evidence) for e in annotation.events) > 0


def test_report_is_deterministic_and_self_contained(tmp_path: Path, root: Path) -> None:
    """Same inputs give the same bytes, with no temp paths, and the pages load nothing."""
    (tmp_path / "in").mkdir()
    base = make_inputs(tmp_path / "in", root)
    first = write_site(tmp_path / "a", base / "annotations", base / "seeds")
    second = write_site(tmp_path / "b", base / "annotations", base / "seeds")
    for a, b in zip(first, second, strict=True):
        data = a.read_bytes()
        assert data == b.read_bytes()
        page = data.decode("utf-8")
        assert str(tmp_path) not in page
        assert not re.search(
            r"<(link|img|iframe)\b|<script[^>]*\bsrc=|@import|url\(\s*['\"]?h", page
        )
        assert "Content-Security-Policy" in page
        assert "</script><script>window.pwned" not in page


def test_each_page_inlines_its_own_scripts(tmp_path: Path, root: Path) -> None:
    """The index carries the table, timeline and map scripts, a document page only the viewer;
    every script in site/ is used by a page."""
    base = make_inputs(tmp_path, root)
    files = report.site_files(base / "annotations", base / "seeds")
    index = files["index.html"].decode("utf-8")
    page = files[f"documents/{DOC_ID}.html"].decode("utf-8")
    for name in ("function indexPage", "function renderTimeline", "function renderMap"):
        assert index.count(name) == 1 and name not in page
    assert page.count("function documentPage") == 1 and "function documentPage" not in index
    site = Path(report.__file__).parent / "site"
    used = {name for names in report.SCRIPTS.values() for name in names}
    assert used == {p.name for p in site.glob("*.js")}


def test_build_step_publishes_the_same_report(tmp_path: Path, root: Path) -> None:
    """The package build's step (the annotations and the dataset's actors) yields report/<page>
    with the bytes `report` writes."""
    base = make_inputs(tmp_path, root)
    files = report_step(read_inputs(base / "annotations", base / "seeds"), {})
    expected = site_files(base / "annotations", base / "seeds")
    assert files == {f"report/{name}": data for name, data in expected.items()}
    assert list(files) == ["report/documents/rudaw-20231212.html", "report/index.html"]


def test_hostile_text_is_escaped_in_html(tmp_path: Path, root: Path) -> None:
    """A summary containing markup is shown as text in the events table, never as markup."""
    base = make_inputs(tmp_path, root)
    write_site(base / "out", base / "annotations", base / "seeds")
    index = (base / "out" / "index.html").read_text(encoding="utf-8")
    assert "&lt;/script&gt;&lt;script&gt;window.pwned = 1&lt;/script&gt; &lt;b&gt;" in index
    assert "<b>bold</b>" not in index


def test_wrong_quote_names_file_line_and_field(tmp_path: Path, root: Path) -> None:
    """A span whose quote is not the text at its offsets stops the report with file and line."""
    base = tmp_path
    shutil.copytree(root / "seeds", base / "seeds")
    seed = read_seeds(base / "seeds")[DOC_ID]
    data = sample_annotation(seed.text, seed.document.sha256)
    data["events"][1]["evidence"][0]["quote"] = "something else"
    write_yaml(base / ACTORS_FILE, sample_actors())
    (base / "annotations").mkdir()
    path = base / "annotations" / f"{DOC_ID}.yaml"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    with pytest.raises(ReportInputError) as info:
        write_site(base / "out", base / "annotations", base / "seeds")
    (problem,) = info.value.problems
    line = next(i for i, s in enumerate(path.read_text().splitlines(), 1) if "something else" in s)
    assert problem.startswith(f"{path}:")
    assert "events[1].evidence[0]" in problem and "something else" in problem
    assert int(problem.split(":")[1]) <= line
    assert not (base / "out").exists()


def test_cli_exit_codes(tmp_path: Path, root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`grounded-events report` exits 0 when written, 1 on invalid data, 2 on a missing folder."""
    base = make_inputs(tmp_path, root)
    args = ["report", "--annotations", str(base / "annotations"), "--seeds", str(base / "seeds")]
    assert cli.main([*args, "--out", str(base / "out")]) == 0
    assert (base / "out" / "index.html").is_file()
    assert "wrote 2 pages" in capsys.readouterr().out
    assert cli.main(["report", "--annotations", str(base / "nope"), "--out", str(base / "x")]) == 2
    assert "nope: no such folder (--annotations)" in capsys.readouterr().err
    (base / "annotations" / "other.yaml").write_text("doc_id: [unclosed\n", encoding="utf-8")
    assert cli.main([*args, "--out", str(base / "y")]) == 1
    err = capsys.readouterr().err
    assert f"{base / 'annotations' / 'other.yaml'}:" in err and "GE105" in err  # bad YAML


def test_no_schema_to_validate_against_exits_2(
    tmp_path: Path, root: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a published schema the annotations cannot be validated: one line, exit 2."""
    base = make_inputs(tmp_path, root)
    monkeypatch.setenv("GROUNDED_EVENTS_SCHEMA_ROOT", str(tmp_path / "nothing"))
    args = ["report", "--annotations", str(base / "annotations"), "--seeds", str(base / "seeds")]
    assert cli.main([*args, "--out", str(base / "out")]) == 2
    assert "no published schema" in capsys.readouterr().err
    assert not (base / "out").exists()


def test_unknown_document_is_refused(tmp_path: Path, root: Path) -> None:
    """An annotation for a doc_id that is not in the seeds is an error naming the doc_id line."""
    base = make_inputs(tmp_path, root)
    path = base / "annotations" / f"{DOC_ID}.yaml"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["doc_id"] = "nowhere-20240101"
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    with pytest.raises(ReportInputError, match=r"GE504 doc_id 'nowhere-20240101' is not in"):
        write_site(base / "out", base / "annotations", base / "seeds")


OTHER_DOC = "testwire-20240102"  # a document written for these tests, without annotations


def _add_seed(base: Path) -> None:
    """Index a short invented text beside the seed, so the report has a second page."""
    data = b"Constructed for the tests: nothing happened in the town on Tuesday.\n"
    (base / "seeds" / "900_testwire.txt").write_bytes(data)
    index = json.loads((base / "seeds" / "index.json").read_text(encoding="utf-8"))
    index.append(
        index[0]
        | {
            "doc_id": OTHER_DOC,
            "file": "900_testwire.txt",
            "sha256": hashlib.sha256(data).hexdigest(),
            "title": "A constructed test report",
            "publisher": "Testwire",
            "published_date": "2024-01-02",
        }
    )
    (base / "seeds" / "index.json").write_text(json.dumps(index), encoding="utf-8")


def _report(base: Path, out: str, *options: str) -> int:
    inputs = ["--annotations", str(base / "annotations"), "--seeds", str(base / "seeds")]
    return cli.main(["report", *inputs, "--out", str(base / out), *options])


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*.html")}


def test_doc_writes_exactly_the_page_the_full_run_writes(
    tmp_path: Path, root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`report --doc DOC_ID` writes that document's page only, byte-identical to the full run's."""
    base = make_inputs(tmp_path, root)
    _add_seed(base)
    assert _report(base, "full") == 0
    assert sorted(_files(base / "full")) == [
        f"documents/{DOC_ID}.html",
        f"documents/{OTHER_DOC}.html",
        "index.html",
    ]
    assert _report(base, "one", "--doc", DOC_ID) == 0
    assert _files(base / "one") == {
        f"documents/{DOC_ID}.html": _files(base / "full")[f"documents/{DOC_ID}.html"]
    }
    out = capsys.readouterr().out
    assert f"wrote {base / 'one' / 'documents' / DOC_ID}.html" in out
    assert "the index is rebuilt by a run without --doc" in out


def test_doc_page_of_the_dataset_is_the_published_one(root: Path) -> None:
    """The page --doc renders for the committed file is the package's report page, byte for byte."""
    files = document_files(root / "datasets" / "annotations", root / "seeds", [DOC_ID])
    published = root / "datasets" / "grounded-events" / "report" / "documents" / f"{DOC_ID}.html"
    assert files == {f"documents/{DOC_ID}.html": published.read_bytes()}


def test_doc_leaves_the_other_pages_untouched(tmp_path: Path, root: Path) -> None:
    """After an edit, --doc rewrites that page as a full run would and no other file."""
    base = make_inputs(tmp_path, root)
    _add_seed(base)
    assert _report(base, "out") == 0
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (base / "out").rglob("*.html")}
    path = base / "annotations" / f"{DOC_ID}.yaml"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["events"][0]["summary"] = "An edited summary."
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    assert _report(base, "out", "--doc", DOC_ID) == 0
    assert _report(base, "fresh") == 0
    page = base / "out" / "documents" / f"{DOC_ID}.html"
    assert page.read_bytes() == _files(base / "fresh")[f"documents/{DOC_ID}.html"]
    assert "An edited summary." in page.read_text(encoding="utf-8")
    for other, (data_before, mtime) in before.items():
        if other != page:
            assert (other.read_bytes(), other.stat().st_mtime_ns) == (data_before, mtime), other
    assert sorted(p for p in (base / "out").rglob("*") if p.is_file()) == sorted(before)


def test_doc_refuses_an_unknown_doc_id(
    tmp_path: Path, root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A --doc not in the seeds index exits 2, naming it, and writes nothing."""
    base = make_inputs(tmp_path, root)
    assert _report(base, "out", "--doc", DOC_ID, "--doc", "nowhere-20240101") == 2
    err = capsys.readouterr().err
    assert "nowhere-20240101: no such document in" in err and "index.json" in err
    assert not (base / "out").exists()


def test_doc_needs_the_file_named_after_it(
    tmp_path: Path, root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--doc reads <doc_id>.yaml: without it, or when it holds another doc_id, exit 2, named."""
    base = make_inputs(tmp_path, root)
    _add_seed(base)
    assert _report(base, "out", "--doc", OTHER_DOC) == 2
    assert f"no annotation file {base / 'annotations' / OTHER_DOC}.yaml" in capsys.readouterr().err
    shutil.move(base / "annotations" / f"{DOC_ID}.yaml", base / "annotations" / f"{OTHER_DOC}.yml")
    assert _report(base, "out", "--doc", OTHER_DOC) == 2
    err = capsys.readouterr().err
    assert f"{OTHER_DOC}.yml: doc_id is {DOC_ID!r}, not {OTHER_DOC!r}" in err
    assert not (base / "out").exists()


def test_doc_validates_its_file_alone(
    tmp_path: Path, root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An invalid --doc file exits 1 with its errors and no page; another file's errors do not
    stop it (the full run still refuses them)."""
    base = make_inputs(tmp_path, root)
    (base / "annotations" / "other.yaml").write_text("doc_id: [unclosed\n", encoding="utf-8")
    assert _report(base, "full") == 1
    capsys.readouterr()
    assert _report(base, "one", "--doc", DOC_ID) == 0
    assert sorted(_files(base / "one")) == [f"documents/{DOC_ID}.html"]
    path = base / "annotations" / f"{DOC_ID}.yaml"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["events"][1]["evidence"][0]["quote"] = "something else"
    write_yaml(base / ACTORS_FILE, sample_actors())
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    assert _report(base, "two", "--doc", DOC_ID) == 1
    err = capsys.readouterr().err
    assert f"{path}:" in err and "GE501" in err and "other.yaml" not in err
    assert not (base / "two").exists()


def test_watch_rebuilds_when_the_file_changes(
    tmp_path: Path, root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--watch writes the page, rewrites it after each edit of the file, and stops on Ctrl-C."""
    base = make_inputs(tmp_path, root)
    path = base / "annotations" / f"{DOC_ID}.yaml"
    page = base / "out" / "documents" / f"{DOC_ID}.html"
    summaries = ["First edit.", "Second edit."]
    seen: list[bool] = []

    def sleep(seconds: float) -> None:
        assert seconds == report.WATCH_INTERVAL
        seen.append(page.is_file() and "First edit." in page.read_text(encoding="utf-8"))
        if not summaries:
            raise KeyboardInterrupt
        data = json.loads(path.read_text(encoding="utf-8"))
        data["events"][0]["summary"] = summaries.pop(0)
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")

    inputs = ["--annotations", str(base / "annotations"), "--seeds", str(base / "seeds")]
    args = ["report", *inputs, "--out", str(base / "out"), "--doc", DOC_ID, "--watch"]
    parser = cli._parser("report")
    assert report.watch(parser.parse_args(args), sleep=sleep) == 0
    assert seen == [False, True, False]  # the edits were picked up on the next look
    assert "Second edit." in page.read_text(encoding="utf-8")
    captured = capsys.readouterr()
    assert captured.out.count("wrote ") == 3 and "stopped watching" in captured.err


def test_watch_needs_a_doc(tmp_path: Path, root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--watch without --doc is a usage error (exit 2); with an unknown doc_id it stops at once."""
    base = make_inputs(tmp_path, root)
    assert _report(base, "out", "--watch") == 2
    assert "--watch rebuilds the pages of --doc DOC_ID" in capsys.readouterr().err
    assert _report(base, "out", "--watch", "--doc", "nowhere-20240101") == 2
    assert not (base / "out").exists()


def test_shipped_outlines_cover_the_data(root: Path) -> None:
    """The shipped Natural Earth outlines include the countries the data needs, and are small."""
    path = root / "src" / "grounded_events" / "_package" / "site" / "countries.json"
    assert path.stat().st_size < 400_000
    data = json.loads(path.read_text(encoding="utf-8"))
    by_iso = {c["iso3"]: c for c in data["countries"] if c["iso3"]}
    assert {"IRQ", "SYR", "IRN", "TUR", "USA", "ISR"} <= set(by_iso)
    assert len(data["countries"]) > 200
    assert "Natural Earth" in data["source"] and "public domain" in data["source"]
    readme = (path.parent / "README.md").read_text(encoding="utf-8")
    assert "world-atlas" in readme and "public domain" in readme


def test_outline_converter_follows_shared_arcs() -> None:
    """TopoJSON arcs are delta-decoded and reversed arcs (~i) are walked backwards."""
    topology = {
        "transform": {"scale": [0.5, 0.5], "translate": [10, 20]},
        "arcs": [[[0, 0], [2, 0], [0, 2]], [[2, 2], [-2, 0], [0, -2]]],
        "objects": {
            "countries": {
                "geometries": [
                    {"type": "Polygon", "arcs": [[0, 1]], "id": "368", "properties": {"name": "A"}},
                    {"type": "Polygon", "arcs": [[~1, ~0]], "properties": {"name": "B"}},
                ]
            }
        },
    }
    out = make_outlines.convert(topology, tolerance=0)
    a, b = out["countries"]
    assert (a["iso3"], b["iso3"]) == ("IRQ", None)
    # A: (10,20) (11,20) (11,21) (10,21) in degrees -> x=lon*100, y=-lat*100
    assert a["d"] == "M1000 -2000l100 0 0 -100 -100 0z"
    assert b["d"] == "M1000 -2000l0 -100 100 0 0 100z"


def test_outline_converter_unwraps_the_antimeridian() -> None:
    """A ring across 180 degrees is drawn continuous, twice; a ring around a pole is closed."""
    fiji = [(179.0, -16.0), (-179.0, -16.0), (-179.0, -17.0), (179.0, -17.0)]
    copies = make_outlines.unwrap(fiji)
    assert copies == [
        [(179.0, -16.0), (181.0, -16.0), (181.0, -17.0), (179.0, -17.0)],
        [(-181.0, -16.0), (-179.0, -16.0), (-179.0, -17.0), (-181.0, -17.0)],
    ]
    antarctica = [(-180.0, -80.0), (-60.0, -70.0), (60.0, -70.0), (179.0, -80.0)]
    (ring, *_) = make_outlines.unwrap(antarctica)
    assert ring[-2:] == [(179.0, -90.0), (-180.0, -90.0)]
