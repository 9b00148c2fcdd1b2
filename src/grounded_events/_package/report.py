"""`grounded-events report`: a static evidence viewer and data report that opens from the disk."""

from __future__ import annotations

import argparse
import datetime as dt
import html
import itertools
import json
import sys
import time
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any

from grounded_events._core.atomic import write_bytes_atomic
from grounded_events._core.dataset_files import ANNOTATION_SUFFIXES
from grounded_events._core.errors import UsageError
from grounded_events._package.incidents import incident_tables
from grounded_events._package.inputs import (
    BuildError,
    ReportDocument,
    ReportInputError,
    UnknownDocumentError,
    add_input_arguments,
    load_document,
    load_documents,
    missing_input_folder,
    read_dataset_files,
    report_documents,
)
from grounded_events._package.report_incidents import incidents_section
from grounded_events._schema.models import Document
from grounded_events._schema.tables import count_columns, link_rows
from grounded_events._schema.vocab import (
    DatePrecision,
    EventSubtype,
    EventType,
    Field,
    GeoPrecision,
)

# The pages load nothing: scripts, styles and geometry are inlined, and the policy makes the
# browser refuse any request a future edit might add.
CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src data:; base-uri 'none'; form-action 'none'"
)


# ---------------------------------------------------------------------------------------------
# Rendering


def _json_default(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot embed {type(value).__name__} in the report")


def embed_json(data: Any) -> str:
    """JSON that is safe inside <script>: no '<', '>' or '&' can end the element or open a tag."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=_json_default)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escape)
    # U+2028/2029 are valid in JSON but break older JavaScript parsers.
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _asset(name: str) -> str:
    return (resources.files("grounded_events._package") / "site" / name).read_text(encoding="utf-8")


# Each page's scripts (in site/), in order: they run as one function, so that later files use
# what earlier ones define, and no name leaks into the page's global scope.
SCRIPTS = {
    "index.html": ("common.js", "timeline.js", "map.js", "index.js"),
    "document.html": ("common.js", "document.js"),
}


def _script(template: str) -> str:
    body = "\n".join(_asset(name) for name in SCRIPTS[template])
    return f'(function () {{\n"use strict";\n{body}}})();'


def _page(template: str, **values: str) -> str:
    base = {
        "csp": CSP,
        "style": _asset("report.css"),
        "script": _script(template),
    }
    for name in ("style", "script"):
        if f"</{name}" in base[name].lower():
            raise ValueError(f"site asset for <{name}> contains '</{name}'")
    return Template(_asset(template)).substitute(base | values)


def segments(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int, list[int]]]:
    """Cut text at every span boundary: (start, end, indices of the spans covering the piece).

    Overlapping and nested spans both survive: a piece covered by several spans lists them all.
    """
    cuts = {0, len(text)}
    for start, end in spans:
        cuts.update((start, end))
    points = sorted(cuts)
    out = []
    for start, end in itertools.pairwise(points):
        covering = [i for i, (s, e) in enumerate(spans) if s <= start and end <= e]
        out.append((start, end, covering))
    return out


def _text_html(text: str, evidence: list[dict[str, Any]]) -> str:
    spans = [(ev["start"], ev["end"]) for ev in evidence]
    starts = {s for s, _ in spans}
    ends = {e for _, e in spans}
    parts = []
    for start, end, covering in segments(text, spans):
        piece = _e(text[start:end])
        if not covering:
            parts.append(piece)
            continue
        classes = ["ev", f"d{min(len(covering), 3)}"]
        if start in starts:
            classes.append("bs")
        if end in ends:
            classes.append("be")
        ids = " ".join(str(i) for i in covering)
        parts.append(
            f'<span class="{" ".join(classes)}" data-ev="{ids}" data-start="{start}" '
            f'tabindex="0" role="button">{piece}</span>'
        )
    return "".join(parts)


def _label(value: Any) -> str:
    return str(value).replace("_", " ") if value is not None else ""


def _dates(row: dict[str, Any]) -> str:
    start, end = row["date_start"], row["date_end"]
    return start.isoformat() if start == end else f"{start.isoformat()} – {end.isoformat()}"


def _location(row: dict[str, Any]) -> str:
    return row["location_name"] or "—"


def _count(row: dict[str, Any], name: str) -> tuple[str, str]:
    best, low, high = (row[c] for c in count_columns(name))
    if best is None and low is None and high is None:
        return "—", ""
    shown = "?" if best is None else str(best)
    if (low, high) != (best, best) and (low is not None or high is not None):
        shown += f" ({'' if low is None else low}–{'' if high is None else high})"
    key = best if best is not None else (low if low is not None else high)
    return shown, str(key)


def _published(document: Document) -> str:
    """The publication date as shown: unknown when the index says so."""
    date = document.published_date
    return "date unknown" if date is None else date.isoformat()


def _actors(docs: list[ReportDocument]) -> dict[str, dict[str, Any]]:
    """The actors of every document by actor_id (the first file's definition: `build` refuses
    two definitions of one id)."""
    actors: dict[str, dict[str, Any]] = {}
    for doc in docs:
        for actor in doc.tables["actors"]:
            actors.setdefault(actor["actor_id"], actor)
    return actors


def _event_cards(doc: ReportDocument) -> str:
    # the file's own actors: every actor_id an event names is declared there (GE602), and
    # the page then does not depend on the other files, so `--doc` writes the same bytes
    actors = _actors([doc])
    counts: dict[str, int] = {}
    for ev in doc.tables["evidence"]:
        counts[ev["event_id"]] = counts.get(ev["event_id"], 0) + 1
    items = []
    for row in doc.tables["events"]:
        initiator = actors.get(row["initiator"] or "", {}).get("name", "")
        items.append(
            f'<li><button type="button" class="event-card t-{_e(row["event_type"])}" '
            f'data-event="{_e(row["event_id"])}" aria-pressed="false">'
            f'<span class="eid">{_e(row["event_id"])}</span> '
            f'<span class="etype">{_e(_label(row["event_subtype"]))}</span>'
            f'<span class="edate">{_e(_dates(row))} · {_e(row["location_name"] or "no place")}'
            f"{' · ' + _e(initiator) if initiator else ''}</span>"
            f'<span class="esum">{_e(row["summary"])}</span>'
            f'<span class="ecount">{counts.get(row["event_id"], 0)} spans</span></button></li>'
        )
    if not items:
        return '<p class="empty">This document has no annotations yet.</p>'
    return '<ol class="event-list">' + "".join(items) + "</ol>"


def _vocab() -> dict[str, dict[str, str]]:
    """Codebook definitions, so the pages can say what each coded value means."""
    vocabularies = {
        "event_type": EventType,
        "event_subtype": EventSubtype,
        "field": Field,
        "date_precision": DatePrecision,
        "geo_precision": GeoPrecision,
    }
    return {name: {m.value: m.definition for m in enum} for name, enum in vocabularies.items()}


def document_page(doc: ReportDocument) -> str:
    """The HTML of one document: its text with every evidence span, and its events."""
    d = doc.document
    evidence = doc.tables["evidence"]
    data = {
        "document": d.model_dump(mode="json", exclude={"file"}),
        "events": doc.tables["events"],
        "evidence": evidence,
        "event_actors": doc.tables["event_actors"],
        "actors": {a["actor_id"]: a for a in doc.tables["actors"]},
        "vocab": _vocab(),
    }
    meta = [
        _e(d.publisher),
        f"published {_e(_published(d))} ({_e(d.published_date_basis)})",
    ]
    if d.dateline:
        meta.append(f"dateline {_e(d.dateline)}")
    meta.append(f'<a href="{_e(d.url)}" rel="noopener noreferrer">source</a>')
    source = (
        f"annotations: {_e(doc.source)}" if doc.source else "no annotation file for this document"
    )
    return _page(
        "document.html",
        title=_e(d.title),
        lang=_e(d.language),
        doc_id=_e(d.doc_id),
        meta=" · ".join(meta),
        text=_text_html(doc.seed.text, evidence),
        events=_event_cards(doc),
        event_count=str(len(doc.tables["events"])),
        span_count=str(len(evidence)),
        footer=f"{_e(d.doc_id)} · sha256 {_e(d.sha256)} · {source}",
        data=embed_json(data),
    )


_COLUMNS = [
    ("event_id", "Event", "text"),
    ("event_type", "Type", "text"),
    ("date", "Date", "text"),
    ("date_precision", "Date precision", "text"),
    ("location", "Location", "text"),
    ("geo_precision", "Geo precision", "text"),
    ("initiator", "Initiator", "text"),
    ("fatalities", "Deaths", "number"),
    ("injuries", "Injured", "number"),
    ("spans", "Spans", "number"),
    ("summary", "Summary", "text"),
]


def _events_table(docs: list[ReportDocument], actors: dict[str, dict[str, Any]]) -> str:
    head = "".join(
        f'<th scope="col" data-key="{key}" data-type="{kind}" aria-sort="none">'
        f'<button type="button">{_e(title)}</button></th>'
        for key, title, kind in _COLUMNS
    )
    body = []
    for doc in docs:
        counts: dict[str, int] = {}
        for ev in doc.tables["evidence"]:
            counts[ev["event_id"]] = counts.get(ev["event_id"], 0) + 1
        for row in doc.tables["events"]:
            href = f"documents/{doc.document.doc_id}.html#event={row['event_id']}"
            initiator = actors.get(row["initiator"] or "", {}).get("name", row["initiator"] or "")
            deaths, deaths_key = _count(row, "fatalities")
            injured, injured_key = _count(row, "injuries")
            cells = [
                (row["event_id"], f'<a href="{_e(href)}">{_e(row["event_id"])}</a>'),
                (
                    f"{row['event_type']} {row['event_subtype']}",
                    f'<span class="tag t-{_e(row["event_type"])}">{_e(_label(row["event_type"]))}'
                    f"</span> {_e(_label(row['event_subtype']))}"
                    + (' <span class="agg">aggregate</span>' if row["is_aggregate"] else ""),
                ),
                (
                    f"{row['date_start']} {row['date_end']}",
                    " – ".join(
                        f'<span class="nw">{_e(d)}</span>' for d in _dates(row).split(" – ")
                    ),
                ),
                (row["date_precision"], _e(row["date_precision"])),
                (_location(row), _e(_location(row))),
                (row["geo_precision"] or "", _e(row["geo_precision"] or "—")),
                (initiator, _e(initiator or "—")),
                (deaths_key, _e(deaths)),
                (injured_key, _e(injured)),
                (str(counts.get(row["event_id"], 0)), str(counts.get(row["event_id"], 0))),
                (row["summary"], _e(row["summary"])),
            ]
            tds = "".join(f'<td data-sort="{_e(key)}">{shown}</td>' for key, shown in cells)
            body.append(
                f'<tr data-event="{_e(row["event_id"])}" data-type="{_e(row["event_type"])}" '
                f'data-start="{row["date_start"]}" data-end="{row["date_end"]}">{tds}</tr>'
            )
    return (
        f'<table id="events-table"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def _documents_table(docs: list[ReportDocument]) -> str:
    rows = []
    for doc in docs:
        d = doc.document
        rows.append(
            f'<tr><td><a href="documents/{_e(d.doc_id)}.html">{_e(d.title)}</a></td>'
            f"<td>{_e(d.publisher)}</td><td>{_e(_published(d))}</td>"
            f"<td>{len(doc.tables['events'])}</td><td>{len(doc.tables['evidence'])}</td></tr>"
        )
    return (
        '<table id="documents-table"><thead><tr><th scope="col">Document</th>'
        '<th scope="col">Publisher</th><th scope="col">Published</th><th scope="col">Events</th>'
        f'<th scope="col">Spans</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )


def index_page(
    docs: list[ReportDocument], actors: dict[str, dict[str, Any]], incidents: list[dict[str, Any]]
) -> str:
    """The HTML of the index: documents, incidents, events table, timeline and map."""
    events = []
    for doc in docs:
        counts: dict[str, int] = {}
        for ev in doc.tables["evidence"]:
            counts[ev["event_id"]] = counts.get(ev["event_id"], 0) + 1
        for row in doc.tables["events"]:
            events.append(row | {"spans": counts.get(row["event_id"], 0)})
    types = sorted({row["event_type"] for row in events})
    options = "".join(f'<option value="{_e(t)}">{_e(_label(t))}</option>' for t in types)
    data = {
        "events": events,
        "documents": [d.document.model_dump(mode="json", exclude={"file"}) for d in docs],
        "actors": actors,
        "vocab": _vocab(),
        "outlines": json.loads(_asset("countries.json")),
    }
    n_spans = sum(len(d.tables["evidence"]) for d in docs)
    summary = (
        f"{len(docs)} document{'s' if len(docs) != 1 else ''} · {len(events)} events · "
        f"{n_spans} evidence spans · {len(actors)} actors"
    )
    return _page(
        "index.html",
        summary=summary,
        documents=_documents_table(docs),
        incidents=incidents_section(
            incidents,
            [row for d in docs for row in d.tables["events"]],
            [row for d in docs for row in d.tables["event_actors"]],
        ),
        type_options=options,
        table=_events_table(docs, actors),
        data=embed_json(data),
    )


def _page_name(doc: ReportDocument) -> str:
    return f"documents/{doc.document.doc_id}.html"


def render(docs: list[ReportDocument], incidents: list[dict[str, Any]]) -> dict[str, bytes]:
    """The report's files by "/"-separated relative path: index.html, documents/<doc_id>.html.
    `incidents` are the rows of the `incidents` table of these documents."""
    actors = _actors(docs)
    files = {"index.html": index_page(docs, actors, incidents)}
    for doc in docs:
        files[_page_name(doc)] = document_page(doc)
    return {name: text.encode("utf-8") for name, text in sorted(files.items())}


def site_files(annotations_dir: Path, seeds_dir: Path) -> dict[str, bytes]:
    """The report of every seed document and annotation file, by relative path.

    Raises ReportInputError, whose `problems` name file, line and field, when the inputs
    cannot be rendered truthfully.
    """
    docs = load_documents(Path(annotations_dir), Path(seeds_dir))
    try:
        _, links = read_dataset_files(Path(annotations_dir))
    except BuildError as exc:  # changed since it was validated
        raise ReportInputError([str(exc)]) from None
    events = [row for d in docs for row in d.tables["events"]]
    event_actors = [row for d in docs for row in d.tables["event_actors"]]
    incidents, _ = incident_tables(events, event_actors, link_rows(links))
    return render(docs, incidents)


def report_step(inputs: Any, files: dict[str, bytes]) -> dict[str, bytes]:
    """A step of the package build (grounded_events._package.steps.STEPS): the report under report/.

    It renders the annotated documents only, like the package's `documents` table.
    """
    docs = report_documents(inputs.seeds, inputs.annotations, inputs.registry, only_annotated=True)
    files = render(docs, inputs.tables["incidents"])
    return {f"report/{name}": data for name, data in files.items()}


def document_files(
    annotations_dir: Path, seeds_dir: Path, doc_ids: Sequence[str]
) -> dict[str, bytes]:
    """The pages of these documents only, by relative path, byte for byte what the full run
    writes for them; the index is left to the full run (it draws on every file)."""
    docs = [
        load_document(Path(annotations_dir), Path(seeds_dir), d) for d in dict.fromkeys(doc_ids)
    ]
    return {_page_name(doc): document_page(doc).encode("utf-8") for doc in docs}


def write_site(
    out_dir: Path, annotations_dir: Path, seeds_dir: Path, doc_ids: Sequence[str] = ()
) -> list[Path]:
    """Write the report under out_dir, each file atomically; return the files written. With
    doc_ids, only those documents' pages, each validated alone (nothing is written if one fails)."""
    if doc_ids:
        files = document_files(annotations_dir, seeds_dir, doc_ids)
    else:
        files = site_files(annotations_dir, seeds_dir)
    written = []
    for name, data in files.items():
        path = Path(out_dir, *name.split("/"))
        write_bytes_atomic(path, data)
        written.append(path)
    return written


def configure(parser: argparse.ArgumentParser) -> None:
    """Options of `grounded-events report`."""
    parser.epilog = """\
examples:
  grounded-events report
  grounded-events report --out site
  grounded-events report --doc rudaw-20231212 --watch
"""
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("report"),
        metavar="DIR",
        help="folder to write (default: report)",
    )
    parser.add_argument(
        "--doc",
        dest="docs",
        action="append",
        default=[],
        metavar="DOC_ID",
        help="rebuild only this document's page from its file <doc_id>.yaml, validated alone "
        "(repeatable; the index is rebuilt by a run without --doc)",
    )
    parser.add_argument(
        "--watch",
        action="store_true",
        help="with --doc: rebuild the page whenever its annotation file or the seeds index "
        "changes (checked every 0.5 s) until Ctrl-C",
    )
    add_input_arguments(parser)


def _write(args: argparse.Namespace) -> int:
    """Write the report once, saying what was written or why not; the command's exit code."""
    try:
        written = write_site(args.out, args.annotations, args.seeds, args.docs)
    except (UnknownDocumentError, UsageError) as exc:  # UsageError: no published schema
        print(f"error: {exc}; report not written", file=sys.stderr)
        return 2
    except ReportInputError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"report not written: {len(exc.problems)} problem(s) in the inputs", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"{args.out}: cannot write the report: {exc}", file=sys.stderr)
        return 2
    if args.docs:
        pages = ", ".join(str(path) for path in written)
        print(f"wrote {pages} (the index is rebuilt by a run without --doc)")
    else:
        print(f"wrote {len(written)} pages; open {args.out / 'index.html'}")
    return 0


WATCH_INTERVAL = 0.5  # seconds between looks at the watched files


def _stamps(args: argparse.Namespace) -> list[tuple[int, int] | None]:
    """(mtime, size) of each file a --doc page is made of; None for one that is missing."""
    paths = [args.annotations / f"{d}{s}" for d in args.docs for s in ANNOTATION_SUFFIXES]
    stamps: list[tuple[int, int] | None] = []
    for path in [*paths, args.seeds / "index.json"]:
        try:
            stat = path.stat()
        except OSError:
            stamps.append(None)
        else:
            stamps.append((stat.st_mtime_ns, stat.st_size))
    return stamps


def watch(args: argparse.Namespace, sleep: Callable[[float], None] = time.sleep) -> int:
    """Rebuild the --doc pages whenever their files change, until interrupted (exit 0); exit 2
    at once if the first build cannot start (an unknown doc_id)."""
    seen = _stamps(args)
    if _write(args) == 2:
        return 2
    try:
        while True:
            sleep(WATCH_INTERVAL)
            now = _stamps(args)
            if now != seen:
                seen = now
                _write(args)
    except KeyboardInterrupt:
        print("stopped watching", file=sys.stderr)
        return 0


def run(args: argparse.Namespace) -> int:
    """Write the report; 0 when written, 1 when the data is invalid, 2 when it is unreadable."""
    missing = missing_input_folder(args)
    if missing is not None:
        print(missing, file=sys.stderr)
        return 2
    if args.watch and not args.docs:
        print("error: --watch rebuilds the pages of --doc DOC_ID; name a document", file=sys.stderr)
        return 2
    return watch(args) if args.watch else _write(args)
