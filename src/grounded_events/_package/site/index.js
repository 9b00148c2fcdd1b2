/* grounded-events report: the index page: sortable events table, filters, and the charts they drive. */

function indexPage() {
  const events = DATA.events;
  const byId = {};
  events.forEach((e) => { byId[e.event_id] = e; });
  const table = document.getElementById("events-table");
  const tbody = table.tBodies[0];
  const rows = Array.from(tbody.rows);
  const rowOf = {};
  rows.forEach((r, i) => { rowOf[r.dataset.event] = r; r.dataset.order = String(i); });
  const views = { timeline: {}, map: [] };

  // sorting
  const heads = Array.from(table.tHead.rows[0].cells);
  heads.forEach((th, col) => th.querySelector("button").addEventListener("click", () => {
    const dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
    heads.forEach((h) => h.setAttribute("aria-sort", "none"));
    th.setAttribute("aria-sort", dir);
    const numeric = th.dataset.type === "number";
    const key = (r) => r.cells[col].dataset.sort;
    const sorted = rows.slice().sort((a, b) => {
      let c;
      if (numeric) {
        const x = key(a) === "" ? -Infinity : Number(key(a)), y = key(b) === "" ? -Infinity : Number(key(b));
        c = x - y;
      } else c = key(a).localeCompare(key(b));
      if (dir === "descending") c = -c;
      return c || Number(a.dataset.order) - Number(b.dataset.order);
    });
    tbody.append(...sorted);
  }));

  // filtering: one predicate drives the table, the timeline and the map
  const fType = document.getElementById("f-type"), fFrom = document.getElementById("f-from"), fTo = document.getElementById("f-to");
  const fError = document.getElementById("f-error");
  const dateList = document.getElementById("f-dates");
  Array.from(new Set(events.flatMap((e) => [e.date_start, e.date_end]))).sort()
    .forEach((d) => dateList.append(el("option", { value: d })));
  // A bound is a date, a month or a year (ISO 8601 reduced precision), compared as text: events
  // end on or after "From" and start on or before "To", at the bound's precision.
  let bounds = { from: "", to: "" };
  function readBound(input) {
    const v = input.value.trim();
    const ok = v === "" || isoPrefix(v);
    if (ok) input.removeAttribute("aria-invalid"); else input.setAttribute("aria-invalid", "true");
    return ok ? v : null;
  }
  function readBounds() {
    const from = readBound(fFrom), to = readBound(fTo);
    const wrong = [[from, "From", fFrom], [to, "To", fTo]].filter(([v]) => v === null)
      .map(([, name, input]) => name + ": “" + input.value.trim() + "” is not a date: type YYYY-MM-DD, YYYY-MM or YYYY.");
    fError.textContent = wrong.join(" ");
    fError.hidden = !wrong.length;
    // a bound being typed or mistyped keeps the last good filter rather than showing everything
    bounds = { from: from === null ? bounds.from : from, to: to === null ? bounds.to : to };
  }
  function shown(ev) {
    if (fType.value && ev.event_type !== fType.value) return false;
    if (bounds.from && ev.date_end.slice(0, bounds.from.length) < bounds.from) return false;
    if (bounds.to && ev.date_start.slice(0, bounds.to.length) > bounds.to) return false;
    return true;
  }
  function applyFilter() {
    let n = 0;
    events.forEach((ev) => {
      const ok = shown(ev);
      if (ok) n++;
      if (rowOf[ev.event_id]) rowOf[ev.event_id].hidden = !ok;
      if (views.timeline[ev.event_id]) views.timeline[ev.event_id].classList.toggle("dim", !ok);
    });
    views.map.forEach((m) => m.node.classList.toggle("dim", !m.ids.some((id) => shown(byId[id]))));
    document.getElementById("f-count").textContent = n + " of " + events.length + " events shown";
  }
  fType.addEventListener("input", applyFilter);
  [fFrom, fTo].forEach((f) => f.addEventListener("input", () => { readBounds(); applyFilter(); }));
  document.getElementById("f-reset").addEventListener("click", () => {
    fType.value = ""; fFrom.value = ""; fTo.value = "";
    readBounds(); applyFilter();
  });

  let selected = [];
  function select(ids, from) {
    selected = ids;
    rows.forEach((r) => r.classList.toggle("selected", ids.includes(r.dataset.event)));
    Object.entries(views.timeline).forEach(([id, g]) => g.classList.toggle("selected", ids.includes(id)));
    views.map.forEach((m) => m.node.classList.toggle("selected", m.ids.some((id) => ids.includes(id))));
    if (from !== "table" && ids.length && rowOf[ids[0]]) rowOf[ids[0]].scrollIntoView({ block: "nearest" });
  }
  rows.forEach((r) => r.addEventListener("click", (e) => { if (e.target.tagName !== "A") select([r.dataset.event], "table"); }));

  // The charts are drawn at the width they get, one SVG unit per CSS pixel, so their text keeps
  // its size on a phone; they are drawn again when that width changes.
  const charts = ["timeline", "timeline-legend", "map", "map-legend", "unmapped"].map((id) => document.getElementById(id));
  let drawnAt = null;
  function draw() {
    const width = document.getElementById("timeline").clientWidth + " " + document.getElementById("map").clientWidth;
    if (width === drawnAt) return;
    drawnAt = width;
    charts.forEach((c) => c.replaceChildren());
    views.timeline = {};
    views.map = [];
    renderTimeline(events, views, select);
    renderMap(events, views, select);
    applyFilter();
    select(selected, "redraw");
  }
  draw();
  let pending = null;
  window.addEventListener("resize", () => { clearTimeout(pending); pending = setTimeout(draw, 150); });
}

indexPage();
