/* grounded-events report: the index's map (outlines, markers, labels that do not collide). */

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
