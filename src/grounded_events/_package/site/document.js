/* grounded-events report: the evidence viewer of one document (spans, events, details). */

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

documentPage();
