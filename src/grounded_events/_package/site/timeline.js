/* grounded-events report: the index's timeline, drawn at the width it gets. */

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
