/* grounded-events report: the document viewer and the index (table, timeline, map); no libraries. */
(function () {
  "use strict";
  const DATA = JSON.parse(document.getElementById("ge-data").textContent);
  const SVGNS = "http://www.w3.org/2000/svg";
  const DAY_MS = 86400000;
  const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  // ---- helpers -------------------------------------------------------------------------------

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }
  function sv(tag, attrs, text) {
    const node = document.createElementNS(SVGNS, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }
  function label(v) { return v === null || v === undefined ? "" : String(v).replace(/_/g, " "); }
  function cmp(a, b) { return a < b ? -1 : a > b ? 1 : 0; }
  function day(iso) { const p = iso.split("-").map(Number); return Math.round(Date.UTC(p[0], p[1] - 1, p[2]) / DAY_MS); }
  // "YYYY", "YYYY-MM" or "YYYY-MM-DD" naming a real year, month or day
  function isoPrefix(v) {
    const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(v);
    if (!m) return false;
    const t = new Date(0);
    t.setUTCFullYear(Number(m[1]), m[2] ? Number(m[2]) - 1 : 0, m[3] ? Number(m[3]) : 1);
    return t.getUTCMonth() === (m[2] ? Number(m[2]) - 1 : 0) && t.getUTCDate() === (m[3] ? Number(m[3]) : 1);
  }
  function isoDay(d) { return new Date(d * DAY_MS).toISOString().slice(0, 10); }
  function dates(ev) { return ev.date_start === ev.date_end ? ev.date_start : ev.date_start + " – " + ev.date_end; }
  function typeColor(type) {
    const v = getComputedStyle(document.documentElement).getPropertyValue("--t-" + type).trim();
    return v || "#666";
  }
  function actorName(id) { return (DATA.actors[id] && DATA.actors[id].name) || id; }
  function countText(ev, name) {
    const best = ev[name + "_best"], low = ev[name + "_low"], high = ev[name + "_high"];
    if (best === null && low === null && high === null) return "not stated";
    let s = best === null ? "?" : String(best);
    if ((low !== null || high !== null) && !(low === best && high === best)) s += " (" + (low === null ? "" : low) + "–" + (high === null ? "" : high) + ")";
    return s;
  }
  function locationText(ev) {
    if (!ev.location_name) return "no location";
    let s = ev.location_name + " (" + label(ev.geo_precision);
    if (ev.latitude !== null && ev.longitude !== null) s += ", " + ev.latitude + ", " + ev.longitude;
    return s + ")";
  }
  function shortId(ev) {
    return ev.event_id.startsWith(ev.doc_id + "-") ? ev.event_id.slice(ev.doc_id.length + 1) : ev.event_id;
  }

  const tip = document.getElementById("tip");
  function showTip(evt, lines) {
    if (evt.pointerType !== "mouse") return; // a finger has no hover: a tap shows the details instead
    tip.replaceChildren(...lines.map((line, i) => { const d = el("div", {}, line); if (i === 0) d.style.fontWeight = "600"; return d; }));
    tip.hidden = false;
    const x = Math.min(evt.clientX + 14, window.innerWidth - tip.offsetWidth - 8);
    const y = evt.clientY + 16 + tip.offsetHeight > window.innerHeight ? evt.clientY - tip.offsetHeight - 10 : evt.clientY + 16;
    tip.style.left = x + "px";
    tip.style.top = y + "px";
  }
  function hideTip() { tip.hidden = true; }

  // The whole pixels inside a box's borders: a chart this wide is never scaled down.
  function innerWidth(box) { return Math.floor(box.getBoundingClientRect().width - (box.offsetWidth - box.clientWidth)); }

  // Shortens an SVG text (in the page) with an ellipsis until it is at most `width` px long.
  function fit(text, width) {
    const full = text.textContent;
    let n = full.length;
    while (n > 1 && text.getComputedTextLength() > width) text.textContent = full.slice(0, --n) + "…";
    return text;
  }

  // ---- document page -------------------------------------------------------------------------

  function documentPage() {
    const evidence = DATA.evidence;
    const events = {};
    DATA.events.forEach((e) => { events[e.event_id] = e; });
    const segs = Array.from(document.querySelectorAll("#text .ev"));
    const segEv = new Map();
    const evSegs = evidence.map(() => []);
    segs.forEach((s) => {
      const ids = s.dataset.ev.split(" ").map(Number);
      segEv.set(s, ids);
      ids.forEach((i) => evSegs[i].push(s));
    });
    const evidenceOf = {};
    evidence.forEach((ev, i) => { (evidenceOf[ev.event_id] = evidenceOf[ev.event_id] || []).push(i); });
    const detail = document.getElementById("detail");
    const cards = Array.from(document.querySelectorAll(".event-card"));
    let current = { event: null, evidence: null };

    function roleNames(ev, role) {
      return DATA.event_actors.filter((a) => a.event_id === ev.event_id && a.role === role).map((a) => actorName(a.actor_id));
    }
    // The coded value a span supports, in words: what the reader checks the quote against.
    function fieldValue(ev, field) {
      switch (field) {
        case "event": case "statement": return ev.summary;
        case "event_subtype": return label(ev.event_type) + " / " + label(ev.event_subtype);
        case "date": return dates(ev) + " (precision " + label(ev.date_precision) + ", " + label(ev.date_basis) + ")";
        case "time_of_day": return ev.time_of_day || "not coded";
        case "location": return locationText(ev);
        case "initiator": return (roleNames(ev, "initiator").join(", ") || "none") + (ev.initiator_attribution ? " (" + label(ev.initiator_attribution) + ")" : "");
        case "target": case "speaker": case "addressee": case "subject": case "medium":
          return roleNames(ev, field).join(", ") || "none";
        case "attribution": return label(ev.initiator_attribution || "none") + (ev.attributed_by.length ? ", by " + ev.attributed_by.map(actorName).join(", ") : "");
        case "weapons": return ev.weapons.map(label).join(", ") || "none";
        case "fatalities": case "injuries": return countText(ev, field);
        case "aggregate": return ev.is_aggregate ? "aggregate: a series or campaign" : "a single event";
        default: return "";
      }
    }

    function eventDetails(ev) {
      const box = el("div", { class: "event-detail", "data-event": ev.event_id });
      box.append(el("h3", {}, ev.event_id));
      box.append(el("p", {}, ev.summary));
      const dl = el("dl");
      const roles = {};
      DATA.event_actors.filter((a) => a.event_id === ev.event_id).forEach((a) => { (roles[a.role] = roles[a.role] || []).push(actorName(a.actor_id)); });
      const rows = [
        ["Type", label(ev.event_type) + " / " + label(ev.event_subtype) + (ev.is_aggregate ? " (aggregate)" : "")],
        ["Date", dates(ev) + " · " + label(ev.date_precision) + " · " + label(ev.date_basis) + (ev.time_of_day ? " · " + ev.time_of_day : "")],
        ["Location", locationText(ev)],
      ];
      Object.keys(roles).sort().forEach((r) => rows.push([label(r).charAt(0).toUpperCase() + label(r).slice(1), roles[r].join(", ")]));
      if (ev.initiator_attribution) rows.push(["Attribution", label(ev.initiator_attribution)]);
      if (ev.weapons.length) rows.push(["Weapons", ev.weapons.map(label).join(", ")]);
      rows.push(["Deaths", countText(ev, "fatalities")], ["Injured", countText(ev, "injuries")]);
      if (ev.refers_to.length) rows.push(["Refers to", ev.refers_to.join(", ")]);
      const cw = [ev.acled_sub_event_type && "ACLED " + ev.acled_sub_event_type, ev.plover_event_type && "PLOVER " + ev.plover_event_type + (ev.plover_mode ? "/" + ev.plover_mode : ""), ev.cameo_root && "CAMEO " + ev.cameo_root].filter(Boolean);
      if (cw.length) rows.push(["Crosswalks", cw.join(" · ")]);
      const defs = { Type: DATA.vocab.event_subtype[ev.event_subtype], Location: DATA.vocab.geo_precision[ev.geo_precision], Date: DATA.vocab.date_precision[ev.date_precision] };
      rows.forEach(([k, v]) => { dl.append(el("dt", {}, k), el("dd", defs[k] ? { title: defs[k] } : {}, v)); });
      box.append(dl);
      const ids = evidenceOf[ev.event_id] || [];
      box.append(el("h3", {}, "Evidence (" + ids.length + ")"));
      const list = el("div", { class: "spans" });
      ids.forEach((i) => {
        const b = el("button", { type: "button", "data-evidence": String(i) });
        if (i === current.evidence) b.classList.add("sel");
        b.append(el("span", { class: "field" }, label(evidence[i].field)), document.createTextNode(" “" + evidence[i].quote + "”"));
        b.addEventListener("click", () => selectEvidence(i, [i], true));
        list.append(b);
      });
      box.append(list);
      return box;
    }

    function mark(eventId, evidenceIndex) {
      segs.forEach((s) => s.classList.remove("on", "sel"));
      (evidenceOf[eventId] || []).forEach((i) => evSegs[i].forEach((s) => s.classList.add("on")));
      if (evidenceIndex !== null) evSegs[evidenceIndex].forEach((s) => s.classList.add("sel"));
      cards.forEach((c) => c.setAttribute("aria-pressed", String(c.dataset.event === eventId)));
    }
    // On a narrow screen the details are a sheet over the bottom of the text (report.css), so a
    // tap shows them without leaving the text; its close button is shown only there.
    function show(...parts) {
      const close = el("button", { type: "button", class: "close", "aria-label": "Close the details" }, "×");
      close.addEventListener("click", () => detail.classList.remove("open"));
      detail.replaceChildren(close, ...parts);
      detail.classList.add("open");
    }
    function setHash(h) { try { history.replaceState(null, "", "#" + h); } catch (e) { /* file:// may refuse */ } }

    function selectEvent(eventId, scroll) {
      const ev = events[eventId];
      if (!ev) return;
      current = { event: eventId, evidence: null };
      mark(eventId, null);
      show(eventDetails(ev));
      const first = (evidenceOf[eventId] || []).map((i) => evSegs[i][0]).filter(Boolean)
        .sort((a, b) => Number(a.dataset.start) - Number(b.dataset.start))[0];
      if (scroll && first) first.scrollIntoView({ block: "center" });
      setHash("event=" + encodeURIComponent(eventId));
    }

    // `here` lists every span under the click, so overlapping spans stay reachable.
    function selectEvidence(i, here, scroll) {
      const ev = evidence[i];
      const event = events[ev.event_id];
      current = { event: ev.event_id, evidence: i };
      mark(ev.event_id, i);
      const head = el("div", { class: "evidence-detail", "data-evidence": String(i) });
      const p = el("p");
      p.append(el("span", { class: "field" }, label(ev.field)), document.createTextNode(" of event "), el("strong", { class: "event-ref" }, ev.event_id));
      head.append(p, el("p", { class: "def" }, DATA.vocab.field[ev.field] || ""), el("blockquote", {}, ev.quote));
      const value = el("p", { class: "value" });
      value.append(el("strong", {}, "Coded " + label(ev.field) + ": "), document.createTextNode(fieldValue(event, ev.field)));
      head.append(value);
      const others = here.filter((j) => j !== i);
      if (others.length) {
        const also = el("div", { class: "also" });
        also.append(el("p", {}, "Also under this point (" + others.length + "):"));
        others.forEach((j) => {
          const b = el("button", { type: "button", "data-evidence": String(j) }, evidence[j].event_id + " · " + label(evidence[j].field) + " · “" + evidence[j].quote + "”");
          b.addEventListener("click", () => selectEvidence(j, here, false));
          also.append(b);
        });
        head.append(also);
      }
      show(head, eventDetails(event));
      if (scroll && evSegs[i][0]) evSegs[i][0].scrollIntoView({ block: "center" });
      setHash("evidence=" + encodeURIComponent(ev.evidence_id));
    }

    function spansHere(seg) {
      const ids = segEv.get(seg).slice();
      // innermost (shortest) span first: it is the most specific claim about these words
      ids.sort((a, b) => (evidence[a].end - evidence[a].start) - (evidence[b].end - evidence[b].start) || a - b);
      return ids;
    }
    function activate(seg) {
      const ids = spansHere(seg);
      const at = ids.indexOf(current.evidence);
      // clicking the same words again steps through the spans that overlap there
      const next = at >= 0 ? ids[(at + 1) % ids.length] : ids[0];
      selectEvidence(next, ids, false);
    }
    segs.forEach((s) => {
      s.addEventListener("click", () => activate(s));
      s.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); activate(s); } });
      s.addEventListener("pointermove", (e) => {
        showTip(e, spansHere(s).map((i) => evidence[i].event_id + " · " + label(evidence[i].field) + ": " + fieldValue(events[evidence[i].event_id], evidence[i].field)));
      });
      s.addEventListener("mouseleave", hideTip);
    });
    cards.forEach((c) => c.addEventListener("click", () => selectEvent(c.dataset.event, true)));

    const hash = decodeURIComponent(location.hash.slice(1));
    if (hash.startsWith("event=")) selectEvent(hash.slice(6), true);
    else if (hash.startsWith("evidence=")) {
      const i = evidence.findIndex((e) => e.evidence_id === hash.slice(9));
      if (i >= 0) selectEvidence(i, [i], true);
    }
  }

  // ---- index page ----------------------------------------------------------------------------

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

  // ---- timeline ------------------------------------------------------------------------------

  const GAP_DAYS = 120; // a longer empty stretch is cut out of the axis (a broken axis)
  const TICK_STEPS = [[1, "d"], [2, "d"], [7, "d"], [14, "d"], [1, "m"], [2, "m"], [3, "m"], [6, "m"], [1, "y"], [2, "y"], [5, "y"], [10, "y"], [25, "y"]];

  function ticksFor(g, minPx) {
    const approx = { d: 1, m: 30.44, y: 365.25 };
    const step = TICK_STEPS.find(([n, u]) => n * approx[u] * g.k >= minPx) || TICK_STEPS[TICK_STEPS.length - 1];
    const [n, u] = step;
    const out = [];
    if (u === "d") {
      for (let d = g.s; d <= g.t; d++) {
        const aligned = n >= 7 ? (d - 4) % n === 0 : d % n === 0; // day 4 of the epoch is a Monday
        if (aligned) { const dt = new Date(d * DAY_MS); out.push([d, dt.getUTCDate() + " " + MONTHS[dt.getUTCMonth()]]); }
      }
    } else {
      const first = new Date(g.s * DAY_MS);
      let y = first.getUTCFullYear(), m = u === "y" ? 0 : first.getUTCMonth();
      for (;;) {
        const d = Math.round(Date.UTC(y, m, 1) / DAY_MS);
        if (d > g.t) break;
        const keep = u === "y" ? y % n === 0 : m % n === 0;
        if (d >= g.s && keep) out.push([d, u === "y" ? String(y) : MONTHS[m] + (m === 0 || !out.length ? " " + y : "")]);
        if (u === "y") y++; else { m++; if (m === 12) { m = 0; y++; } }
      }
    }
    return out;
  }

  function renderTimeline(events, views, select) {
    const box = document.getElementById("timeline");
    if (!events.length) { box.append(el("p", { class: "empty" }, "No events.")); return; }
    const items = events.map((e) => ({ e: e, s: day(e.date_start), t: day(e.date_end) + 1 }))
      .sort((a, b) => a.s - b.s || a.t - b.t || cmp(a.e.event_id, b.e.event_id));
    const segs = [];
    items.forEach((it) => {
      const last = segs[segs.length - 1];
      if (last && it.s <= last.t + GAP_DAYS) { last.t = Math.max(last.t, it.t); last.n++; } else segs.push({ s: it.s, t: it.t, n: 1 });
    });
    segs.forEach((g) => { const pad = Math.max(2, Math.round((g.t - g.s) * 0.04)); g.s -= pad; g.t += pad; });
    const W = Math.max(240, innerWidth(box));
    // Narrow (a phone): each label gets its own line above its bar, and the bars the full width.
    const narrow = W < 560;
    const LEFT = narrow ? 8 : Math.min(215, Math.round(W * 0.3)), RIGHT = 14, BREAK = 26, TOP = 24;
    const ROW = narrow ? 36 : 22, BAND = narrow ? 17 : 0; // where a row's bar band starts
    const avail = W - LEFT - RIGHT - BREAK * (segs.length - 1);
    // Width follows the number of events, not the length of time, with a floor for lone events.
    const MIN = segs.length > 1 ? Math.min(0.15, 1 / segs.length) : 1;
    let share = segs.map((g) => g.n / items.length);
    const small = share.map((x) => x < MIN);
    const rest = segs.reduce((acc, g, i) => acc + (small[i] ? 0 : g.n), 0);
    const free = 1 - MIN * small.filter(Boolean).length;
    share = segs.map((g, i) => (small[i] ? MIN : (free * g.n) / rest));
    let x = LEFT;
    segs.forEach((g, i) => { g.x0 = x; g.x1 = x + share[i] * avail; g.k = (g.x1 - g.x0) / (g.t - g.s); x = g.x1 + BREAK; });
    const X = (d) => { const g = segs.find((q) => d >= q.s && d <= q.t) || segs[0]; return g.x0 + (d - g.s) * g.k; };
    const H = TOP + items.length * ROW + 34;
    const svg = sv("svg", { viewBox: "0 0 " + W + " " + H, width: W, height: H, role: "img", "aria-label": "Timeline of " + items.length + " events" });
    box.append(svg); // in the page first, so that text can be measured
    const defs = sv("defs");
    svg.append(defs);
    const types = Array.from(new Set(items.map((it) => it.e.event_type)));
    types.forEach((t) => {
      const p = sv("pattern", { id: "stripes-" + t, width: 6, height: 6, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" });
      p.append(sv("rect", { width: 6, height: 6, fill: typeColor(t), "fill-opacity": 0.35 }), sv("rect", { width: 3, height: 6, fill: typeColor(t) }));
      defs.append(p);
    });
    // publication dates: relative dates in the text are resolved against them
    const pubs = Array.from(new Set(DATA.documents.map((d) => d.published_date))).map(day).filter((d) => segs.some((g) => d >= g.s && d <= g.t));
    pubs.forEach((d) => {
      const px = X(d + 0.5);
      svg.append(sv("line", { class: "tl-pub", x1: px, x2: px, y1: TOP - 4, y2: TOP + items.length * ROW }));
      const text = svg.appendChild(sv("text", { class: "tl-pub-label", x: px - 3, y: TOP - 9, "text-anchor": "end" }, "published " + isoDay(d)));
      if (px - 3 - text.getComputedTextLength() < 2) { text.setAttribute("x", px + 3); text.setAttribute("text-anchor", "start"); }
    });
    items.forEach((it, i) => {
      const e = it.e, y = TOP + i * ROW, color = typeColor(e.event_type);
      const g = sv("g", { class: "tl-row", "data-event": e.event_id });
      g.append(sv("rect", { class: "tl-bg", x: 0, y: y, width: W, height: ROW }));
      const name = shortId(e) + " " + label(e.event_subtype) + (e.is_aggregate ? " (series)" : "");
      svg.append(g);
      fit(g.appendChild(sv("text", { class: "tl-label", x: 6, y: y + 15 }, name)), narrow ? W - 12 : LEFT - 12);
      const top = y + BAND, band = ROW - BAND;
      const uncertain = ["week", "month", "year"].includes(e.date_precision);
      if (it.t - it.s <= 1 && !uncertain) {
        const cx = X(it.s + 0.5), cy = top + band / 2;
        g.append(sv("path", { class: "tl-bar", d: "M" + cx + " " + (cy - 6) + "l6 6l-6 6l-6 -6z", fill: color, stroke: "#fff" }));
      } else {
        const x0 = X(it.s), x1 = Math.max(X(it.t), x0 + 3);
        const fill = e.is_aggregate ? "url(#stripes-" + e.event_type + ")" : color;
        g.append(sv("rect", { class: "tl-bar" + (uncertain ? " uncertain" : ""), x: x0, y: top + 4, width: x1 - x0, height: band - 8, rx: 2, fill: fill, stroke: color }));
      }
      g.addEventListener("pointermove", (evt) => showTip(evt, [e.event_id, dates(e) + " · precision " + label(e.date_precision) + ": " + DATA.vocab.date_precision[e.date_precision], e.summary]));
      g.addEventListener("mouseleave", hideTip);
      g.addEventListener("click", () => select([e.event_id], "timeline"));
      views.timeline[e.event_id] = g;
    });
    const ay = TOP + items.length * ROW + 6;
    let tickFree = 0; // a tick label left of this would overlap the one before
    segs.forEach((g, i) => {
      svg.append(sv("line", { class: "tl-axis", x1: g.x0, x2: g.x1, y1: ay, y2: ay }));
      let ticks = ticksFor(g, 58);
      if (!ticks.length) { const mid = new Date(((g.s + g.t) / 2) * DAY_MS); ticks = [[(g.s + g.t) / 2, MONTHS[mid.getUTCMonth()] + " " + mid.getUTCFullYear()]]; }
      ticks.forEach(([d, text]) => {
        const px = X(d);
        svg.append(sv("line", { class: "tl-axis", x1: px, x2: px, y1: ay, y2: ay + 4 }));
        const t = svg.appendChild(sv("text", { class: "tl-tick", x: px, y: ay + 17, "text-anchor": "middle" }, text));
        const half = t.getComputedTextLength() / 2;
        const tx = tickFree === 0 ? Math.max(px, half + 2) : px; // the first may move off the edge
        t.setAttribute("x", tx);
        if (tx - half < tickFree || tx + half > W) t.remove(); else tickFree = tx + half + 8;
      });
      if (i > 0) {
        const bx = segs[i - 1].x1 + BREAK / 2;
        const mark = sv("g", {});
        mark.append(sv("line", { class: "tl-break", x1: bx - 5, x2: bx - 1, y1: ay + 5, y2: ay - 5 }), sv("line", { class: "tl-break", x1: bx + 1, x2: bx + 5, y1: ay + 5, y2: ay - 5 }));
        mark.append(sv("title", {}, "axis broken: no events from " + isoDay(segs[i - 1].t) + " to " + isoDay(g.s)));
        svg.append(mark);
      }
    });
    const legend = document.getElementById("timeline-legend");
    const sample = (shape) => { const s = sv("svg", { width: 22, height: 12, "aria-hidden": "true" }); s.append(shape); return s; };
    legend.append(
      sample(sv("path", { d: "M11 0l6 6l-6 6l-6 -6z", fill: "#555" })), "one day",
      sample(sv("rect", { x: 1, y: 2, width: 20, height: 8, fill: "#555" })), "date range",
      sample(sv("path", { d: "M1 2h20v8h-20z M4 10l6 -8 M10 10l6 -8 M16 10l5 -6.7", fill: "#bbb", stroke: "#555" })), "series (aggregate)",
      sample(sv("rect", { x: 1, y: 2, width: 20, height: 8, fill: "#555", "fill-opacity": 0.18, stroke: "#555", "stroke-dasharray": "4 2" })), "only the week, month or year is known",
      sample(sv("line", { x1: 11, x2: 11, y1: 0, y2: 12, stroke: "#495057", "stroke-dasharray": "2 3" })), "publication date",
      segs.length > 1 ? " · // the axis is broken where nothing happens for " + GAP_DAYS + "+ days" : "");
  }

  // ---- map -----------------------------------------------------------------------------------

  const KIND = {
    site: "point", near_site: "point-near", place: "ring", near_place: "ring-near",
    admin2: "area", admin1: "area", region: "area", international: "area", country: "country",
  };

  function parsePath(d, unit) {
    // countries.json holds "M x y l dx dy ... z" rings in 1/unit degrees; y is minus latitude
    const rings = [];
    const re = /M(-?\d+) (-?\d+)l([^z]*)z/g;
    let m;
    while ((m = re.exec(d))) {
      let x = Number(m[1]), y = Number(m[2]);
      const pts = [[x / unit, y / unit]];
      const nums = m[3].trim().split(" ").map(Number);
      for (let i = 0; i + 1 < nums.length; i += 2) { x += nums[i]; y += nums[i + 1]; pts.push([x / unit, y / unit]); }
      rings.push(pts);
    }
    return rings;
  }
  function bbox(rings) {
    let a = Infinity, b = Infinity, c = -Infinity, e = -Infinity;
    rings.forEach((r) => r.forEach(([x, y]) => { a = Math.min(a, x); b = Math.min(b, y); c = Math.max(c, x); e = Math.max(e, y); }));
    return { lon0: a, lon1: c, lat0: -e, lat1: -b };
  }
  function largestRingBox(rings) {
    let best = null, size = -1;
    rings.forEach((r) => { const b = bbox([r]); const s = (b.lon1 - b.lon0) * (b.lat1 - b.lat0); if (s > size) { size = s; best = b; } });
    return best;
  }

  function renderMap(events, views, select) {
    const box = document.getElementById("map");
    const outlines = DATA.outlines, unit = outlines.unit;
    const countries = outlines.countries.map((c) => ({ iso3: c.iso3, name: c.name, d: c.d, rings: parsePath(c.d, unit) }));
    const byIso = {};
    countries.forEach((c) => { if (c.iso3) byIso[c.iso3] = c; });
    const groups = new Map(), unmapped = [], whole = new Set(), touched = new Set();
    events.forEach((e) => {
      const kind = KIND[e.geo_precision];
      if (e.country_iso3) touched.add(e.country_iso3);
      if (kind === "country" && byIso[e.country_iso3]) { whole.add(e.country_iso3); return; }
      if (!kind || e.latitude === null || e.longitude === null) {
        const why = !e.geo_precision ? "no location in the text" : e.geo_precision === "multi_country" ? "several countries (" + (e.location_name || "") + ")" : "no coordinates (" + label(e.geo_precision) + ")";
        unmapped.push([e, why]);
        return;
      }
      const key = kind + " " + e.latitude + " " + e.longitude;
      if (!groups.has(key)) groups.set(key, { kind: kind, lat: e.latitude, lon: e.longitude, events: [] });
      groups.get(key).events.push(e);
    });
    // the view: every marker and every whole-country event, padded, at the panel's aspect ratio
    let lon0 = Infinity, lon1 = -Infinity, lat0 = Infinity, lat1 = -Infinity;
    groups.forEach((g) => { lon0 = Math.min(lon0, g.lon); lon1 = Math.max(lon1, g.lon); lat0 = Math.min(lat0, g.lat); lat1 = Math.max(lat1, g.lat); });
    whole.forEach((iso) => { const b = largestRingBox(byIso[iso].rings); lon0 = Math.min(lon0, b.lon0); lon1 = Math.max(lon1, b.lon1); lat0 = Math.min(lat0, b.lat0); lat1 = Math.max(lat1, b.lat1); });
    const nothing = lon0 === Infinity;
    if (nothing) { lon0 = -180; lon1 = 180; lat0 = -58; lat1 = 84; }
    // one SVG unit per CSS pixel, so labels keep their size; a phone gets a squarer map
    const W = Math.max(240, innerWidth(box)), H = Math.round(W < 560 ? W * 0.85 : W * 0.6875);
    const c = Math.cos((((lat0 + lat1) / 2) * Math.PI) / 180);
    let w = Math.max((lon1 - lon0) * c, 7), h = Math.max(lat1 - lat0, 5);
    const cx = ((lon0 + lon1) / 2) * c, cy = -(lat0 + lat1) / 2;
    if (!nothing) { w *= 1.6; h *= 1.6; }
    if (w / h < W / H) w = (h * W) / H; else h = (w * H) / W;
    const x0 = cx - w / 2, y0 = cy - h / 2, s = W / w;
    const P = (lon, lat) => [(lon * c - x0) * s, (-lat - y0) * s];
    const svg = sv("svg", { viewBox: "0 0 " + W + " " + H, width: W, height: H, role: "img", "aria-label": "Map of event locations" });
    box.append(svg); // in the page first, so that labels can be measured
    const defs = sv("defs");
    const hatch = sv("pattern", { id: "hatch", width: 6, height: 6, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" });
    hatch.append(sv("rect", { width: 6, height: 6, fill: "#f6e7c8" }), sv("rect", { width: 2, height: 6, fill: "#d9a441" }));
    defs.append(hatch);
    svg.append(defs);
    // outlines run past +-180 degrees (see make_outlines.py); the world ends at the antimeridian
    const [wx0, wy0] = P(-180, 90), [wx1, wy1] = P(180, -90);
    const clip = sv("clipPath", { id: "world" });
    clip.append(sv("rect", { x: wx0, y: wy0, width: wx1 - wx0, height: wy1 - wy0 }));
    defs.append(clip);
    const world = sv("g", { "clip-path": "url(#world)" });
    const land = sv("g", { transform: "matrix(" + [(c * s) / unit, 0, 0, s / unit, -x0 * s, -y0 * s].join(" ") + ")" });
    countries.forEach((k) => {
      const cls = "country" + (touched.has(k.iso3) ? " has" : "") + (whole.has(k.iso3) ? " whole" : "");
      const p = sv("path", { class: cls, d: k.d, "data-iso3": k.iso3 || "" });
      p.append(sv("title", {}, k.name));
      land.append(p);
    });
    world.append(land);
    svg.append(sv("rect", { class: "sea", x: wx0, y: wy0, width: wx1 - wx0, height: wy1 - wy0 }), world);
    // graticule: a line every `step` degrees, about one per 64 px
    const span = w / s / c;
    const step = [1, 2, 5, 10, 15, 30, 60].find((v) => span / v <= Math.max(3, W / 64)) || 60;
    const gridLabels = [];
    for (let lon = Math.max(-180, Math.ceil(x0 / c / step) * step); lon * c <= x0 + w && lon <= 180; lon += step) {
      const [px] = P(lon, 0);
      world.append(sv("line", { class: "grid", x1: px, x2: px, y1: 0, y2: H }));
      gridLabels.push([Math.abs(lon) + "°" + (lon < 0 ? "W" : lon > 0 ? "E" : ""), px + 2, H - 4]);
    }
    for (let lat = Math.max(-90, Math.ceil(-(y0 + h) / step) * step); lat <= -y0 && lat <= 90; lat += step) {
      const [, py] = P(0, lat);
      world.append(sv("line", { class: "grid", x1: 0, x2: W, y1: py, y2: py }));
      gridLabels.push([Math.abs(lat) + "°" + (lat < 0 ? "S" : lat > 0 ? "N" : ""), 3, py - 3]);
    }
    // Boxes already taken, first by markers, then by each label placed: a label goes only where
    // it overlaps none of them, so labels are placed in a fixed order and the result is the same
    // on every load of the same page at the same width.
    const placed = [], texts = [], leaders = [];
    const overlaps = (r) => placed.some((q) => r.x < q.x + q.w && q.x < r.x + r.w && r.y < q.y + q.h && q.y < r.y + r.h);
    // the last point before box r on the way from a to b (a leader ends short of its label)
    const stopBefore = (a, b, r) => {
      const n = Math.ceil(Math.hypot(b[0] - a[0], b[1] - a[1]));
      let last = a;
      for (let k = 1; k <= n; k++) {
        const p = [a[0] + ((b[0] - a[0]) * k) / n, a[1] + ((b[1] - a[1]) * k) / n];
        if (p[0] > r.x && p[0] < r.x + r.w && p[1] > r.y && p[1] < r.y + r.h) break;
        last = p;
      }
      return last;
    };
    // whether the segment a-b runs through box r (checked every 2 px: leaders are short)
    const crosses = ([a, b], r) => {
      const n = Math.ceil(Math.hypot(b[0] - a[0], b[1] - a[1]) / 2);
      for (let k = 0; k <= n; k++) {
        const x = a[0] + ((b[0] - a[0]) * k) / n, y = a[1] + ((b[1] - a[1]) * k) / n;
        if (x > r.x && x < r.x + r.w && y > r.y && y < r.y + r.h) return true;
      }
      return false;
    };
    const marks = sv("g");
    const sorted = Array.from(groups.values()).sort((a, b) => b.lat - a.lat || a.lon - b.lon);
    sorted.forEach((g) => {
      const [px, py] = P(g.lon, g.lat);
      const types = new Set(g.events.map((e) => e.event_type));
      const color = types.size === 1 ? typeColor(g.events[0].event_type) : "#343a40";
      const node = sv("g", { class: "marker " + g.kind, "data-events": g.events.map((e) => e.event_id).join(" "), tabindex: 0 });
      let r = 5;
      if (g.kind === "point" || g.kind === "point-near") {
        if (g.kind === "point-near") node.append(sv("circle", { class: "near", cx: px, cy: py, r: 10, stroke: color }));
        node.append(sv("circle", { class: "dot", cx: px, cy: py, r: 5, fill: color }));
        r = g.kind === "point" ? 5 : 10;
      } else if (g.kind === "ring" || g.kind === "ring-near") {
        node.append(sv("circle", { class: "ring", cx: px, cy: py, r: 9, stroke: color }));
        if (g.kind === "ring-near") node.append(sv("circle", { class: "near", cx: px, cy: py, r: 15, stroke: color }));
        r = g.kind === "ring" ? 9 : 15;
      } else {
        node.append(sv("circle", { class: "area", cx: px, cy: py, r: 22, fill: color, stroke: color }));
        r = 22;
      }
      r += 1.5; // half the widest stroke
      if (g.events.length > 1) node.append(sv("text", { class: "marker-label", x: px, y: py + 4, "text-anchor": "middle", "font-weight": "700" }, String(g.events.length)));
      placed.push({ x: px - r, y: py - r, w: 2 * r, h: 2 * r });
      node.append(sv("title", {}, g.events.map((e) => e.event_id + ": " + (e.location_name || "") + " (" + label(e.geo_precision) + ")").join("\n")));
      node.addEventListener("click", () => select(g.events.map((e) => e.event_id), "map"));
      node.addEventListener("keydown", (evt) => { if (evt.key === "Enter") select(g.events.map((e) => e.event_id), "map"); });
      views.map.push({ node: node, ids: g.events.map((e) => e.event_id) });
      g.px = px; g.py = py; g.r = r;
      marks.append(node);
    });
    svg.append(marks);
    const labels = svg.appendChild(sv("g", { class: "map-labels" }));
    // Puts `text` at the first free spot of `spots` ([x, y, anchor, leader from, leader to]),
    // measured as drawn; returns false, drawing nothing, when every spot is taken.
    const place = (text, spots, cls) => {
      const node = labels.appendChild(sv("text", { class: cls }, text));
      for (const [x, y, anchor, from, toward] of spots) {
        node.setAttribute("x", x); node.setAttribute("y", y); node.setAttribute("text-anchor", anchor);
        const b = node.getBBox();
        const r = { x: b.x - 1, y: b.y, w: b.width + 2, h: b.height };
        const to = from && stopBefore(from, toward, { x: r.x - 2, y: r.y - 2, w: r.w + 4, h: r.h + 4 });
        const inside = r.x >= 0 && r.x + r.w <= W && r.y >= 0 && r.y + r.h <= H;
        // a leader crosses no label, and no label is put across a leader
        if (inside && !overlaps(r) && !leaders.some((l) => crosses(l, r)) && !(from && texts.some((q) => crosses([from, to], q)))) {
          placed.push(r);
          texts.push(r);
          if (from) {
            leaders.push([from, to]);
            labels.insertBefore(sv("line", { class: "leader", x1: from[0], y1: from[1], x2: to[0], y2: to[1] }), node);
          }
          return true;
        }
      }
      node.remove();
      return false;
    };
    // around a point: right, left, above, below, then the corners; `far` px out with a leader
    const DIRS = [[1, 0, "start"], [-1, 0, "end"], [0, -1, "middle"], [0, 1, "middle"], [0.7, -0.7, "start"], [0.7, 0.7, "start"], [-0.7, -0.7, "end"], [-0.7, 0.7, "end"]];
    const around = (px, py, r, far) => DIRS.map(([dx, dy, anchor]) => {
      const ax = px + dx * (r + far + 3), ay = py + dy * (r + far + 3);
      const y = dy < -0.1 ? ay : dy > 0.1 ? ay + 9 : ay + 4; // baseline: text above, below or beside
      return far ? [ax, y, anchor, [px + dx * r, py + dy * r], [ax, ay]] : [ax, y, anchor];
    });
    gridLabels.forEach(([text, x, y]) => place(text, [[x, y, "start"]], "grid-label"));
    sorted.forEach((g) => {
      const names = Array.from(new Set(g.events.map((e) => e.location_name)));
      const spots = [0, 16, 32].flatMap((far) => around(g.px, g.py, g.r, far));
      place(names.join("; ").slice(0, 48), spots, "marker-label");
    });
    countries.forEach((k) => {
      const b = largestRingBox(k.rings);
      if (!b) return;
      const [ax, ay] = P(b.lon0, b.lat1), [bx, by] = P(b.lon1, b.lat0);
      if (bx - ax < 70 || ax < -W || bx > 2 * W) return;
      const mx = (ax + bx) / 2, my = (ay + by) / 2;
      if (mx < 20 || mx > W - 20 || my < 14 || my > H - 14) return;
      place(k.name.toUpperCase(), [[mx, my + 4, "middle"]].concat(around(mx, my, 0, 0)), "country-label");
    });
    // legend
    const legend = document.getElementById("map-legend");
    const sample = (...shapes) => { const s2 = sv("svg", { width: 36, height: 24, "aria-hidden": "true" }); shapes.forEach((x) => s2.append(x)); return s2; };
    legend.append(
      sample(sv("circle", { cx: 18, cy: 12, r: 5, fill: "#555" })), "site",
      sample(sv("circle", { cx: 18, cy: 12, r: 10, fill: "none", stroke: "#555", "stroke-dasharray": "3 3" }), sv("circle", { cx: 18, cy: 12, r: 5, fill: "#555" })), "near a site",
      sample(sv("circle", { cx: 18, cy: 12, r: 8, fill: "none", stroke: "#555", "stroke-width": 2.5 })), "town or city",
      sample(sv("circle", { cx: 18, cy: 12, r: 11, fill: "#555", "fill-opacity": 0.12, stroke: "#555", "stroke-dasharray": "5 3" })), "district, province or region",
      sample(sv("rect", { x: 4, y: 4, width: 28, height: 16, fill: "#f6e7c8", stroke: "#a9a59b" }), sv("path", { d: "M8 20l8 -16M16 20l8 -16M24 20l8 -16", stroke: "#d9a441", "stroke-width": 2 })), "only the country is known",
      sample(sv("rect", { x: 4, y: 4, width: 28, height: 16, fill: "#f4eedf", stroke: "#a9a59b" })), "a country with events",
      " · numbers count events at one place",
    );
    const list = document.getElementById("unmapped");
    if (unmapped.length) {
      list.append(el("h3", {}, "Not mappable (" + unmapped.length + ")"));
      const ul = el("ul");
      const reasons = new Map();
      unmapped.forEach(([e, why]) => { if (!reasons.has(why)) reasons.set(why, []); reasons.get(why).push(e); });
      reasons.forEach((evs, why) => {
        const li = el("li", {}, why + ": ");
        evs.forEach((e, i) => {
          const a = el("a", { href: "#", "data-event": e.event_id, title: e.summary }, shortId(e));
          a.addEventListener("click", (evt) => { evt.preventDefault(); select([e.event_id], "map"); });
          if (i) li.append(", ");
          li.append(a);
          views.map.push({ node: a, ids: [e.event_id] });
        });
        ul.append(li);
      });
      list.append(ul);
    }
  }

  if (document.body.dataset.page === "document") documentPage();
  else indexPage();
})();
