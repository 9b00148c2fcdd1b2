"""The report in a real browser: headless Chromium, driven by Playwright, offline."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Route, sync_playwright

from grounded_events._package.report import write_site
from helpers import SEED_DOC_ID as DOC_ID
from helpers import make_inputs

# A real browser: starting it and driving each page takes over 10 s in all.
pytestmark = pytest.mark.slow

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _chromium() -> str | None:
    """Debian's chromium (what CI installs), or GROUNDED_EVENTS_CHROMIUM, or one on PATH."""
    candidates = [os.environ.get("GROUNDED_EVENTS_CHROMIUM"), "/usr/bin/chromium"]
    candidates += [shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")]
    return next((c for c in candidates if c and os.access(c, os.X_OK)), None)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = _chromium()
    if executable is None:
        pytest.skip(
            "no Chromium browser found: install Debian's chromium (apt-get install chromium; "
            ".ci/run does this) or set GROUNDED_EVENTS_CHROMIUM to a Chromium executable"
        )
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class Site:
    """A written report opened in one browser page that refuses every outside request."""

    def __init__(self, browser: Browser, out: Path) -> None:
        self.out = out
        self.root = out.as_uri() + "/"
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.page: Page = browser.new_page(viewport={"width": 1400, "height": 1000})
        self.page.set_default_timeout(5000)
        self.page.route("**/*", self._route)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)

    def _route(self, route: Route) -> None:
        if route.request.url.startswith(self.root):
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def open(self, relative: str) -> Page:
        self.page.goto(self.root + relative)
        return self.page

    def close(self) -> None:
        self.page.close()
        assert self.outside == [], f"requests outside the report folder: {self.outside}"
        assert self.errors == [], f"errors in the page: {self.errors}"


@pytest.fixture
def sample(browser: Browser, tmp_path: Path, root: Path) -> Iterator[Site]:
    base = make_inputs(tmp_path, root)
    write_site(base / "report", base / "annotations", base / "seeds")
    site = Site(browser, base / "report")
    yield site
    site.close()


def _span_index(page: Page, field: str, quote: str) -> int:
    evidence = page.evaluate("JSON.parse(document.getElementById('ge-data').textContent).evidence")
    return next(i for i, e in enumerate(evidence) if e["field"] == field and e["quote"] == quote)


def _segment_of_only(page: Page, index: int) -> Any:
    """A piece of text covered by span `index` and by as few other spans as possible."""
    return page.evaluate(
        """(i) => {
          const segs = Array.from(document.querySelectorAll('#text .ev'))
            .filter((s) => s.dataset.ev.split(' ').map(Number).includes(i));
          segs.sort((a, b) => a.dataset.ev.split(' ').length - b.dataset.ev.split(' ').length);
          return segs[0].dataset.start;
        }""",
        index,
    )


def test_clicking_a_span_shows_its_event_and_field(sample: Site) -> None:
    """Clicking highlighted words shows the event and the field they support, with its value."""
    page = sample.open(f"documents/{DOC_ID}.html")
    i = _span_index(page, "location", "the US embassy in Baghdad")
    start = _segment_of_only(page, i)
    page.click(f'#text .ev[data-start="{start}"]')
    detail = page.locator("#detail .evidence-detail")
    assert detail.locator(".field").inner_text() == "location"
    assert detail.locator(".event-ref").inner_text() == f"{DOC_ID}-e01"
    assert "US Embassy, Baghdad (site, 33.2985, 44.3955)" in detail.locator(".value").inner_text()
    card = page.locator(f'.event-card[data-event="{DOC_ID}-e01"]')
    assert card.get_attribute("aria-pressed") == "true"
    assert page.locator("#text .ev.sel").count() >= 1


def test_hovering_a_span_names_its_event_and_field(sample: Site) -> None:
    """Hovering highlighted words shows a tooltip with the event and field of every span there."""
    page = sample.open(f"documents/{DOC_ID}.html")
    i = _span_index(page, "time_of_day", "early hours")
    page.hover(f'#text .ev[data-start="{_segment_of_only(page, i)}"]')
    tip = page.locator("#tip")
    assert tip.is_visible()
    assert f"{DOC_ID}-e01 · time of day: early hours" in tip.inner_text()
    assert f"{DOC_ID}-e01 · event:" in tip.inner_text()  # the enclosing event span too


def test_clicking_an_event_highlights_all_its_spans(sample: Site) -> None:
    """Clicking an event marks every one of its spans, and no span of another event."""
    page = sample.open(f"documents/{DOC_ID}.html")
    page.click(f'.event-card[data-event="{DOC_ID}-e02"]')
    state = page.evaluate(
        """() => {
          const data = JSON.parse(document.getElementById('ge-data').textContent);
          return Array.from(document.querySelectorAll('#text .ev')).map((s) => ({
            events: s.dataset.ev.split(' ').map((i) => data.evidence[Number(i)].event_id),
            on: s.classList.contains('on'),
          }));
        }"""
    )
    for seg in state:
        assert seg["on"] == (f"{DOC_ID}-e02" in seg["events"])
    assert sum(s["on"] for s in state) >= 3
    spans = page.locator("#detail .spans button")
    assert spans.count() == 5
    assert page.locator("#detail h3").first.inner_text() == f"{DOC_ID}-e02"


def test_overlapping_spans_stay_reachable(sample: Site) -> None:
    """Where crossing spans overlap, a click lists all of them and a second click steps on."""
    page = sample.open(f"documents/{DOC_ID}.html")
    target = _span_index(page, "target", "targeted the US embassy")
    weapons = _span_index(page, "weapons", "A spate of rockets targeted")
    start = page.evaluate(
        """([a, b]) => Array.from(document.querySelectorAll('#text .ev')).find((s) => {
             const ids = s.dataset.ev.split(' ').map(Number);
             return ids.includes(a) && ids.includes(b);
           }).dataset.start""",
        [target, weapons],
    )
    segment = page.locator(f'#text .ev[data-start="{start}"]')
    assert "d3" in (segment.get_attribute("class") or "")  # event, target and weapons
    segment.click()
    first = page.locator("#detail .evidence-detail .field").inner_text()
    also = page.locator("#detail .also button").all_inner_texts()
    assert len(also) == 2
    segment.click()
    second = page.locator("#detail .evidence-detail .field").inner_text()
    assert {first, second} <= {"target", "weapons", "event"} and first != second


def test_index_table_sorts_and_filters(sample: Site) -> None:
    """The events table sorts by a column and filters by type and date, with timeline and map."""
    page = sample.open("index.html")
    date = page.locator('th[data-key="date"] button')
    date.click()
    ids = page.locator("#events-table tbody tr").evaluate_all(
        "(rows) => rows.map((r) => r.dataset.event)"
    )
    assert ids[0] == f"{DOC_ID}-e05" and ids[1] == f"{DOC_ID}-e03"  # 2019, then Oct 17
    date.click()
    assert page.locator('th[data-key="date"]').get_attribute("aria-sort") == "descending"
    page.select_option("#f-type", "statement")
    visible = page.locator("#events-table tbody tr:not([hidden])")
    assert visible.count() == 1 and visible.get_attribute("data-type") == "statement"
    assert page.locator(".tl-row.dim").count() == 4
    assert page.locator("#f-count").inner_text() == "1 of 5 events shown"
    page.click("#f-reset")
    page.fill("#f-from", "2023-12-09")
    assert page.locator("#f-count").inner_text() == "2 of 5 events shown"  # e03 range, e04
    assert (
        page.locator(f'.marker[data-events="{DOC_ID}-e01"]').get_attribute("class").endswith("dim")
    )


def test_timeline_draws_ranges_and_breaks_the_axis(sample: Site) -> None:
    """Ranges are bars, single days are marks, and the 2019 event sits past a broken axis."""
    page = sample.open("index.html")
    assert page.locator(".tl-row").count() == 5
    box = {
        e: page.locator(f'.tl-row[data-event="{DOC_ID}-{e}"] .tl-bar').bounding_box()
        for e in ("e01", "e03", "e05")
    }
    # the Oct 17 - Dec 12 range spans the Dec 8 incident's mark
    assert box["e03"]["x"] < box["e01"]["x"]
    assert box["e01"]["x"] + box["e01"]["width"] < box["e03"]["x"] + box["e03"]["width"]
    assert box["e05"]["x"] + box["e05"]["width"] < box["e03"]["x"]  # 2019 left of Oct 2023
    assert page.locator(".tl-break").count() == 2
    assert page.locator(".tl-pub").count() == 1


def test_map_shows_precision_and_unmappable_events(sample: Site) -> None:
    """A site is a dot, a city a ring, multi-country events are listed as not mappable."""
    page = sample.open("index.html")
    assert page.locator(f'.marker.point[data-events="{DOC_ID}-e01"] .dot').count() == 1
    assert page.locator(f'.marker.ring[data-events="{DOC_ID}-e02"] .ring').count() == 1
    unmapped = page.locator("#unmapped a").evaluate_all("(l) => l.map((x) => x.dataset.event)")
    assert sorted(unmapped) == [f"{DOC_ID}-e03", f"{DOC_ID}-e04", f"{DOC_ID}-e05"]
    assert page.locator('path.country.has[data-iso3="IRQ"]').count() == 1
    page.click(f'.marker[data-events="{DOC_ID}-e02"]')
    assert "selected" in page.locator(f'tr[data-event="{DOC_ID}-e02"]').get_attribute("class")


def test_hostile_text_stays_text(sample: Site) -> None:
    """Markup inside annotation text is displayed, never executed or rendered."""
    page = sample.open("index.html")
    assert page.evaluate("window.pwned") is None
    cell = page.locator(f'tr[data-event="{DOC_ID}-e03"] td').last.inner_text()
    assert "</script><script>window.pwned = 1</script> <b>bold</b> & co" in cell
    page = sample.open(f"documents/{DOC_ID}.html#event={DOC_ID}-e03")
    assert page.evaluate("window.pwned") is None
    assert "<b>bold</b>" in page.locator("#detail .event-detail p").first.inner_text()


def test_unannotated_document_renders_without_errors(
    browser: Browser, tmp_path: Path, root: Path
) -> None:
    """With no annotation files the pages still open cleanly: the text, and no events."""
    (tmp_path / "annotations").mkdir()
    write_site(tmp_path / "report", tmp_path / "annotations", root / "seeds")
    site = Site(browser, tmp_path / "report")
    page = site.open("index.html")
    assert page.locator("#timeline").inner_text() == "No events."
    assert page.locator("#f-count").inner_text() == "0 of 0 events shown"
    page = site.open(f"documents/{DOC_ID}.html")
    assert page.locator("#text .ev").count() == 0
    assert page.locator("#text").inner_text().startswith("US says Iran-backed attacks")
    assert "no annotations yet" in page.locator("#events").inner_text()
    site.close()


def test_dataset_report_in_the_browser(browser: Browser, tmp_path: Path, root: Path) -> None:
    """The committed annotations render with every span highlighted; screenshots are saved."""
    annotations = root / "datasets" / "annotations"
    if not (annotations / f"{DOC_ID}.yaml").exists():
        pytest.skip(f"{annotations / DOC_ID}.yaml is not written yet")
    write_site(tmp_path / "report", annotations, root / "seeds")
    site = Site(browser, tmp_path / "report")
    page = site.open(f"documents/{DOC_ID}.html")
    mismatches = page.evaluate(
        """() => {
          const data = JSON.parse(document.getElementById('ge-data').textContent);
          const segs = Array.from(document.querySelectorAll('#text .ev'));
          return data.evidence.filter((e, i) => segs
            .filter((s) => s.dataset.ev.split(' ').map(Number).includes(i))
            .map((s) => s.textContent).join('') !== e.quote).map((e) => e.evidence_id);
        }"""
    )
    assert mismatches == []
    shots = [tmp_path / "shots"]
    if os.environ.get("GROUNDED_EVENTS_SCREENSHOTS"):
        shots.append(Path(os.environ["GROUNDED_EVENTS_SCREENSHOTS"]))
    page.locator(".event-card").nth(2).click()
    page.locator("#detail .spans button", has_text="location").click()
    assert page.locator("#detail .evidence-detail .field").inner_text() == "location"
    page.mouse.move(0, 0)
    page.evaluate("window.scrollTo(0, 0)")
    for folder in shots:
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=folder / "report-document.png")
    page = site.open("index.html")
    assert page.locator(".tl-row").count() == page.locator("#events-table tbody tr").count()
    assert page.locator(".marker").count() >= 2
    for folder in shots:
        page.screenshot(path=folder / "report-index.png")
    assert (tmp_path / "shots" / "report-index.png").stat().st_size > 10_000
    site.close()
