/* grounded-events report: what both pages share: the embedded data, DOM and SVG helpers, dates,
   wording of coded values, the tooltip. The first of the page's scripts (see report.py). */
const DATA = JSON.parse(document.getElementById("ge-data").textContent);
const SVGNS = "http://www.w3.org/2000/svg";
const DAY_MS = 86400000;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];


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
