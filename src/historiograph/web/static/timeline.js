// Timeline of dated events: an SVG enhancement of the server-rendered event list.
//
// Mount: <div id="timeline" data-api="/api/events?..."></div>
// The script fetches every page of events (up to CAP), draws exact days as
// points and imprecise or uncertain dates as ranges stacked into lanes, and
// lets the reader zoom (buttons, wheel, + and -) and pan (drag, arrow keys)
// from decades down to days. Every event links to its evidence in the source.
//
// Content Security Policy: no inline styles or handlers, no HTML parsing of
// data; every node is built with createElement(NS) and textContent.

import { svgEl, htmlEl, getJson } from "./viz-common.js";

const DAY_MS = 86400000;
const PAGE = 500;
const CAP = 2000;
const AXIS_H = 30;
const LANE_H = 20;
const MAX_LANES = 24;
const MIN_SPAN = 7; // days visible at the deepest zoom
const MAX_SPAN = 365.25 * 3000;
const LABEL_MAX = 36;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

// Tick steps from fine to coarse; `min` is the least spacing in pixels that
// leaves room for one label of that kind.
const STEPS = [
  { unit: "day", step: 1, days: 1, min: 84 },
  { unit: "day", step: 2, days: 2, min: 84 },
  { unit: "day", step: 5, days: 5, min: 84 },
  { unit: "day", step: 10, days: 10, min: 84 },
  { unit: "month", step: 1, days: 30.44, min: 72 },
  { unit: "month", step: 3, days: 91.3, min: 72 },
  { unit: "month", step: 6, days: 182.6, min: 72 },
  { unit: "year", step: 1, days: 365.25, min: 48 },
  { unit: "year", step: 2, days: 730.5, min: 48 },
  { unit: "year", step: 5, days: 1826, min: 48 },
  { unit: "decade", step: 10, days: 3652.5, min: 56 },
  { unit: "decade", step: 20, days: 7305, min: 56 },
  { unit: "decade", step: 50, days: 18262, min: 56 },
  { unit: "decade", step: 100, days: 36525, min: 56 },
  { unit: "decade", step: 200, days: 73050, min: 56 },
  { unit: "decade", step: 500, days: 182625, min: 56 },
  { unit: "decade", step: 1000, days: 365250, min: 56 },
];

function sameOriginUrl(raw) {
  const url = new URL(raw, window.location.href);
  if (url.origin !== window.location.origin) throw new Error("the data source is not on this site");
  return url;
}

async function fetchEvents(api) {
  const base = sameOriginUrl(api);
  const items = [];
  let offset = 0;
  let total = 0;
  for (;;) {
    const url = new URL(base.href);
    url.searchParams.set("limit", String(Math.min(PAGE, CAP - items.length)));
    url.searchParams.set("offset", String(offset));
    const data = await getJson(url);
    if (!Array.isArray(data.items)) throw new Error("the answer has no items");
    items.push(...data.items);
    total = Number.isFinite(data.total) ? data.total : items.length;
    offset += data.items.length;
    if (data.items.length === 0 || offset >= total || items.length >= CAP) break;
  }
  return { items: items.slice(0, CAP), total: Math.max(total, items.length) };
}

// Days since 1970-01-01 (proleptic Gregorian, UTC), or null.
function dayNumber(iso) {
  const m = /^(-?\d{1,6})-(\d{2})-(\d{2})$/.exec(String(iso || ""));
  if (!m) return null;
  const date = new Date(0);
  date.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const ms = date.getTime();
  return Number.isFinite(ms) ? Math.round(ms / DAY_MS) : null;
}

function dayFromParts(year, month, day) {
  const date = new Date(0);
  date.setUTCFullYear(year, month, day);
  return Math.round(date.getTime() / DAY_MS);
}

function dayParts(day) {
  const date = new Date(Math.floor(day) * DAY_MS);
  return [date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()];
}

function yearLabel(year) {
  return year > 0 ? String(year) : `${1 - year} BC`;
}

function tickLabel(spec, year, month, day) {
  if (spec.unit === "day") return `${day} ${MONTHS[month]} ${yearLabel(year)}`;
  if (spec.unit === "month") return `${MONTHS[month]} ${yearLabel(year)}`;
  if (spec.unit === "decade" && spec.step === 10 && year > 0) return `${year}s`;
  return yearLabel(year);
}

function chooseStep(pxPerDay) {
  for (const spec of STEPS) if (spec.days * pxPerDay >= spec.min) return spec;
  return STEPS[STEPS.length - 1];
}

function makeTicks(t0, t1, spec) {
  const ticks = [];
  const [y0, m0] = dayParts(t0);
  if (spec.unit === "day") {
    for (let d = Math.floor(t0); d <= t1; d += 1) {
      const [year, month, day] = dayParts(d);
      if (spec.step === 1 || ((day - 1) % spec.step === 0 && day + spec.step <= 31)) {
        ticks.push({ t: d, label: tickLabel(spec, year, month, day) });
      }
    }
  } else if (spec.unit === "month") {
    let index = y0 * 12 + Math.floor(m0 / spec.step) * spec.step;
    for (;;) {
      const year = Math.floor(index / 12);
      const month = index - year * 12;
      const t = dayFromParts(year, month, 1);
      if (t > t1) break;
      if (t >= t0 - 1) ticks.push({ t, label: tickLabel(spec, year, month, 1) });
      index += spec.step;
    }
  } else {
    for (let year = Math.floor(y0 / spec.step) * spec.step; ; year += spec.step) {
      const t = dayFromParts(year, 0, 1);
      if (t > t1) break;
      if (t >= t0 - 1) ticks.push({ t, label: tickLabel(spec, year, 0, 1) });
    }
  }
  return ticks;
}

function truncate(text, max) {
  const chars = Array.from(text);
  return chars.length > max ? `${chars.slice(0, max - 1).join("")}…` : text;
}

function evidenceHref(item) {
  const source = encodeURIComponent(String(item.source_id ?? ""));
  const start = Number(item.start);
  const end = Number(item.end);
  const fragment = Number.isInteger(start) && Number.isInteger(end) ? `#c=${start}-${end}` : "";
  return `/sources/${source}${fragment}`;
}

function names(list) {
  return Array.isArray(list) ? list.map((x) => String((x && x.name) || "")).filter(Boolean) : [];
}

function prepare(raw) {
  const a = dayNumber(raw.earliest);
  const latest = dayNumber(raw.latest);
  if (a === null || latest === null) return null;
  const b = Math.max(latest, a) + 1; // exclusive end: a day is one unit wide
  const uncertain = raw.uncertain === true;
  const label = String(raw.label ?? "");
  const who = names(raw.participants);
  const where = names(raw.places);
  const source = String(raw.source_title || raw.source_id || "");
  return {
    raw,
    a,
    b,
    uncertain,
    point: b - a === 1 && !uncertain,
    label,
    search: [label, ...who, ...where, source].join("\n").toLocaleLowerCase(),
    title: [
      `${raw.edtf || raw.earliest}${uncertain ? " (uncertain)" : ""}` +
        (raw.earliest !== raw.latest ? ` [${raw.earliest} – ${raw.latest}]` : ""),
      label,
      who.length ? `With: ${who.join(", ")}` : "",
      where.length ? `At: ${where.join(", ")}` : "",
      source ? `Source: ${source}` : "",
    ]
      .filter(Boolean)
      .join("\n"),
  };
}

function buildItem(entry, parent) {
  const kind = entry.point ? "tl-point" : "tl-range tl-fuzzy";
  const link = svgEl("a", {
    class: `tl-item ${kind}${entry.uncertain ? " tl-uncertain" : ""}`,
    href: evidenceHref(entry.raw),
  });
  svgEl("title", {}, link).textContent = entry.title;
  entry.mark = entry.point
    ? svgEl("circle", { class: "tl-mark", r: 5 }, link)
    : svgEl("rect", { class: "tl-mark", height: 10, rx: 3 }, link);
  if (entry.uncertain) {
    entry.query = svgEl("text", { class: "tl-query", "aria-hidden": "true" }, link);
    entry.query.textContent = "?";
  }
  entry.text = svgEl("text", { class: "tl-label" }, link);
  entry.text.textContent = truncate(entry.label || "(no label)", LABEL_MAX);
  entry.labelWidth = Array.from(entry.text.textContent).length * 6.4 + 6;
  entry.el = link;
  parent.appendChild(link);
}

function legend(parent) {
  const list = htmlEl("ul", "viz-legend", null, parent);
  const rows = [
    ["tl-point", "exact day"],
    ["tl-range tl-fuzzy", "imprecise date or interval (earliest to latest)"],
    ["tl-range tl-fuzzy tl-uncertain", "uncertain date (dashed, marked ?)"],
  ];
  for (const [cls, text] of rows) {
    const li = htmlEl("li", null, null, list);
    const sample = svgEl("svg", { class: "viz-swatch", width: 28, height: 14, "aria-hidden": "true" }, li);
    const g = svgEl("g", { class: `tl-item ${cls}` }, sample);
    if (cls === "tl-point") svgEl("circle", { class: "tl-mark", cx: 14, cy: 7, r: 5 }, g);
    else svgEl("rect", { class: "tl-mark", x: 2, y: 2, width: 24, height: 10, rx: 3 }, g);
    if (cls.includes("tl-uncertain")) {
      svgEl("text", { class: "tl-query", x: 14, y: 11, "text-anchor": "middle" }, g).textContent = "?";
    }
    htmlEl("span", null, text, li);
  }
}

class Timeline {
  constructor(mount, entries, loaded, total) {
    this.entries = entries.sort((p, q) => p.a - q.a || p.b - q.b);
    this.loaded = loaded;
    this.total = total;
    this.skipped = loaded - entries.length;
    this.filter = "";
    this.width = 800;
    this.frame = 0;

    const lo = Math.min(...entries.map((e) => e.a));
    const hi = Math.max(...entries.map((e) => e.b));
    const pad = Math.max((hi - lo) * 0.05, 15);
    this.home = [lo - pad, hi + pad];
    this.maxSpan = Math.min(MAX_SPAN, Math.max((hi - lo + 2 * pad) * 2, 90));
    [this.t0, this.t1] = this.home;

    const root = htmlEl("div", "viz viz-timeline");
    const bar = htmlEl("div", "viz-toolbar", null, root);
    this.button(bar, "−", "Zoom out (-)", () => this.zoom(2));
    this.button(bar, "+", "Zoom in (+)", () => this.zoom(0.5));
    this.button(bar, "Fit", "Show all events (0)", () => this.reset());
    const filterLabel = htmlEl("label", "viz-filter", null, bar);
    htmlEl("span", null, "Filter ", filterLabel);
    this.input = htmlEl("input", "viz-filter-input", null, filterLabel);
    this.input.type = "search";
    this.input.placeholder = "label, person, place…";
    this.input.addEventListener("input", () => {
      this.filter = this.input.value.trim().toLocaleLowerCase();
      this.render();
    });
    this.status = htmlEl("span", "viz-status", null, bar);
    this.status.setAttribute("aria-live", "polite");

    this.viewport = htmlEl("div", "tl-viewport", null, root);
    this.viewport.tabIndex = 0;
    this.viewport.setAttribute("role", "group");
    this.viewport.setAttribute(
      "aria-label",
      "Timeline. Left and right arrows pan, + and - zoom, 0 shows everything; Tab moves between events.",
    );
    this.svg = svgEl("svg", { class: "tl-svg" }, this.viewport);
    this.gridLayer = svgEl("g", { class: "tl-grid" }, this.svg);
    this.axis = svgEl("g", { class: "tl-axis" }, this.svg);
    this.itemLayer = svgEl("g", { class: "tl-items" }, this.svg);
    this.byElement = new WeakMap();
    for (const entry of this.entries) {
      buildItem(entry, this.itemLayer);
      this.byElement.set(entry.el, entry);
    }
    legend(root);

    mount.prepend(root);
    this.bindPointer();
    this.bindKeys();
    this.width = Math.max(this.viewport.clientWidth, 320);
    if (typeof ResizeObserver === "function") {
      new ResizeObserver(() => {
        const width = Math.max(this.viewport.clientWidth, 320);
        if (Math.abs(width - this.width) >= 1) {
          this.width = width;
          this.render();
        }
      }).observe(this.viewport);
    }
    this.render();
  }

  button(parent, text, title, action) {
    const b = htmlEl("button", "viz-button", text, parent);
    b.type = "button";
    b.title = title;
    b.setAttribute("aria-label", title);
    b.addEventListener("click", action);
    return b;
  }

  setView(t0, t1) {
    let span = Math.min(Math.max(t1 - t0, MIN_SPAN), this.maxSpan);
    const mid = (t0 + t1) / 2;
    // keep some of the data in sight
    const lo = this.home[0] - span / 2;
    const hi = this.home[1] + span / 2;
    const centre = Math.min(Math.max(mid, lo + span / 2), hi - span / 2);
    this.t0 = centre - span / 2;
    this.t1 = centre + span / 2;
  }

  zoom(factor, anchorFraction = 0.5) {
    const span = this.t1 - this.t0;
    const at = this.t0 + span * anchorFraction;
    const next = Math.min(Math.max(span * factor, MIN_SPAN), this.maxSpan);
    this.setView(at - next * anchorFraction, at + next * (1 - anchorFraction));
    this.render();
  }

  pan(fraction) {
    const shift = (this.t1 - this.t0) * fraction;
    this.setView(this.t0 + shift, this.t1 + shift);
    this.render();
  }

  reset() {
    this.setView(...this.home);
    this.render();
  }

  schedule() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  bindKeys() {
    this.viewport.addEventListener("keydown", (event) => {
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      const big = event.shiftKey ? 0.5 : 0.1;
      switch (event.key) {
        case "ArrowLeft":
          this.pan(-big);
          break;
        case "ArrowRight":
          this.pan(big);
          break;
        case "+":
        case "=":
          this.zoom(0.5, this.focusAnchor());
          break;
        case "-":
        case "_":
          this.zoom(2, this.focusAnchor());
          break;
        case "0":
        case "Home":
          this.reset();
          break;
        default:
          return;
      }
      event.preventDefault();
    });
  }

  // zoom around the focused event, if any, else around the middle
  focusAnchor() {
    const entry = this.byElement.get(document.activeElement);
    if (!entry) return 0.5;
    const fraction = ((entry.a + entry.b) / 2 - this.t0) / (this.t1 - this.t0);
    return Math.min(Math.max(fraction, 0), 1);
  }

  bindPointer() {
    const svg = this.svg;
    let drag = null;
    let suppressClick = false;
    svg.addEventListener("pointerdown", (event) => {
      if (event.button !== 0) return;
      drag = { id: event.pointerId, x: event.clientX, t0: this.t0, t1: this.t1, moved: false };
    });
    svg.addEventListener("pointermove", (event) => {
      if (!drag || event.pointerId !== drag.id) return;
      const dx = event.clientX - drag.x;
      if (!drag.moved && Math.abs(dx) < 4) return;
      if (!drag.moved) {
        drag.moved = true;
        svg.setPointerCapture(event.pointerId);
        svg.classList.add("viz-dragging");
      }
      const rect = svg.getBoundingClientRect();
      const shift = (-dx / Math.max(rect.width, 1)) * (drag.t1 - drag.t0);
      this.setView(drag.t0 + shift, drag.t1 + shift);
      this.schedule();
    });
    const end = (event) => {
      if (!drag || event.pointerId !== drag.id) return;
      suppressClick = drag.moved;
      drag = null;
      svg.classList.remove("viz-dragging");
    };
    svg.addEventListener("pointerup", end);
    svg.addEventListener("pointercancel", end);
    svg.addEventListener(
      "click",
      (event) => {
        if (suppressClick) {
          event.preventDefault();
          event.stopPropagation();
        }
        suppressClick = false;
      },
      true,
    );
    svg.addEventListener(
      "wheel",
      (event) => {
        if (event.ctrlKey && event.deltaY === 0) return;
        event.preventDefault();
        const rect = svg.getBoundingClientRect();
        const fraction = Math.min(Math.max((event.clientX - rect.left) / rect.width, 0), 1);
        const delta = event.deltaMode === 1 ? event.deltaY * 16 : event.deltaY;
        const span = this.t1 - this.t0;
        const at = this.t0 + span * fraction;
        const next = Math.min(Math.max(span * Math.exp(delta * 0.002), MIN_SPAN), this.maxSpan);
        this.setView(at - next * fraction, at + next * (1 - fraction));
        this.schedule();
      },
      { passive: false },
    );
  }

  render() {
    const width = this.width;
    const span = this.t1 - this.t0;
    const scale = width / span;
    const x = (t) => (t - this.t0) * scale;

    // axis and grid
    const spec = chooseStep(scale);
    const ticks = makeTicks(this.t0, this.t1, spec);
    this.axis.replaceChildren();
    this.gridLayer.replaceChildren();
    this.axis.setAttribute("data-unit", spec.unit);
    this.axis.setAttribute("data-step", String(spec.step));
    svgEl("line", { class: "tl-axis-line", x1: 0, x2: width, y1: AXIS_H - 4, y2: AXIS_H - 4 }, this.axis);
    for (const tick of ticks) {
      const tx = x(tick.t);
      svgEl("line", { class: "tl-tick", x1: tx, x2: tx, y1: AXIS_H - 10, y2: AXIS_H - 4 }, this.axis);
      const text = svgEl("text", { class: "tl-tick-label", x: tx + 3, y: AXIS_H - 12 }, this.axis);
      text.textContent = tick.label;
    }

    // which events show, and where
    const shown = [];
    let matching = 0;
    for (const entry of this.entries) {
      const match = !this.filter || entry.search.includes(this.filter);
      entry.el.classList.toggle("tl-filtered", !match);
      if (!match) continue;
      matching += 1;
      let s;
      let f;
      if (entry.point) {
        entry.cx = x(entry.a + 0.5);
        s = entry.cx - 6;
        f = entry.cx + 6;
      } else {
        s = x(entry.a);
        f = Math.max(x(entry.b), s + 8);
      }
      const off = f < -40 || s > width + 40;
      entry.el.classList.toggle("tl-offscreen", off);
      if (off) continue;
      entry.s = s;
      entry.f = f;
      shown.push(entry);
    }

    let labels = true;
    let lanes = this.assignLanes(shown, true, Infinity);
    if (lanes > MAX_LANES) {
      labels = false;
      lanes = this.assignLanes(shown, false, MAX_LANES);
    }
    this.svg.classList.toggle("tl-nolabels", !labels);

    for (const entry of shown) {
      const y = AXIS_H + 6 + entry.lane * LANE_H + LANE_H / 2;
      if (entry.point) {
        entry.mark.setAttribute("cx", entry.cx.toFixed(1));
        entry.mark.setAttribute("cy", y);
      } else {
        const left = Math.max(entry.s, -10);
        const right = Math.min(entry.f, width + 10);
        entry.mark.setAttribute("x", left.toFixed(1));
        entry.mark.setAttribute("y", y - 5);
        entry.mark.setAttribute("width", Math.max(right - left, 8).toFixed(1));
        if (entry.query) {
          entry.query.setAttribute("x", (Math.max(left, 0) + 2).toFixed(1));
          entry.query.setAttribute("y", y + 4);
        }
      }
      entry.text.setAttribute("x", (entry.f + 4).toFixed(1));
      entry.text.setAttribute("y", y + 4);
    }

    const height = AXIS_H + 12 + Math.max(lanes, 3) * LANE_H;
    this.svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    this.svg.setAttribute("width", width);
    this.svg.setAttribute("height", height);
    for (const tick of ticks) {
      const tx = x(tick.t);
      svgEl("line", { x1: tx, x2: tx, y1: AXIS_H - 4, y2: height }, this.gridLayer);
    }

    // an event that scrolled out of view or was filtered out cannot keep the focus
    const focused = this.byElement.get(document.activeElement);
    if (focused && (focused.el.classList.contains("tl-offscreen") || focused.el.classList.contains("tl-filtered"))) {
      this.viewport.focus({ preventScroll: true });
    }

    let status = this.filter
      ? `${matching} of ${this.entries.length} events match`
      : `${this.entries.length} events`;
    if (shown.length < matching) status += `, ${shown.length} in view`;
    if (this.total > this.loaded) status += ` (first ${this.loaded} of ${this.total} loaded)`;
    if (this.skipped > 0) status += `; ${this.skipped} without a usable date`;
    this.status.textContent = status;
  }

  assignLanes(shown, withLabels, maxLanes) {
    const ends = [];
    for (const entry of shown) {
      const reach = withLabels ? entry.f + 4 + entry.labelWidth : entry.f;
      let lane = ends.findIndex((end) => end + 3 <= entry.s);
      if (lane === -1) {
        if (ends.length < maxLanes) {
          lane = ends.length;
          ends.push(-Infinity);
        } else {
          lane = ends.indexOf(Math.min(...ends));
        }
      }
      ends[lane] = Math.max(ends[lane], reach);
      entry.lane = lane;
    }
    return ends.length;
  }
}

function fail(mount, message) {
  for (const old of mount.querySelectorAll(":scope > .viz-message")) old.remove();
  const p = htmlEl("p", "viz-message viz-error", `Could not draw the timeline: ${message}`);
  p.setAttribute("role", "status");
  mount.prepend(p);
}

async function main() {
  const mount = document.getElementById("timeline");
  if (!mount) return;
  const api = mount.dataset.api;
  if (!api) {
    fail(mount, "no data source given");
    return;
  }
  const loading = htmlEl("p", "viz-message viz-loading", "Loading the timeline…");
  mount.prepend(loading);
  try {
    const { items, total } = await fetchEvents(api);
    const entries = items.map((item) => (item && typeof item === "object" ? prepare(item) : null)).filter(Boolean);
    loading.remove();
    if (entries.length === 0) {
      const p = htmlEl("p", "viz-message", "No dated events to draw.");
      mount.prepend(p);
      return;
    }
    new Timeline(mount, entries, items.length, total);
  } catch (error) {
    loading.remove();
    fail(mount, error && error.message ? error.message : String(error));
  }
}

main();
