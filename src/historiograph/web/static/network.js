// Entity network: an SVG force-directed drawing of who is linked to whom.
//
// Mount: <div id="network" data-api="/api/network?..."></div>
// The layout is computed here (repulsion, springs and a pull to the centre,
// a fixed number of steps from a deterministic spiral start), so the same
// data always gives the same picture. Node size shows mentions; colour plus
// shape plus letter show the type; line width shows link weight. Type
// checkboxes and a minimum-weight slider filter the drawing; each node links
// to its entity page.
//
// Content Security Policy: no inline styles or handlers, no HTML parsing of
// data; every node is built with createElement(NS) and textContent.

import { svgEl, htmlEl, getJson } from "./viz-common.js";

const MAX_NODES = 300;
const HEIGHT = 520;
const IDEAL = 42; // preferred edge length in layout units
const TYPES = ["person", "organization", "place", "group", "work", "other"];
const TYPE_NAMES = {
  person: "Person",
  organization: "Organization",
  place: "Place",
  group: "Group",
  work: "Work",
  other: "Other",
};
const LETTERS = { person: "P", organization: "O", place: "L", group: "G", work: "W", other: "?" };
const ALWAYS_LABELLED = 25;

function typeKey(type) {
  const t = String(type || "").toLowerCase();
  if (t === "organisation" || t === "org") return "organization";
  return TYPES.includes(t) ? t : "other";
}

// A shape of the given type centred on (0, 0) with radius r.
function shape(type, r, parent) {
  const cls = "nw-shape";
  const poly = (points) =>
    svgEl("polygon", { class: cls, points: points.map(([px, py]) => `${px.toFixed(2)},${py.toFixed(2)}`).join(" ") }, parent);
  const regular = (n, rot) =>
    poly(Array.from({ length: n }, (_, i) => {
      const angle = rot + (i * 2 * Math.PI) / n;
      return [r * Math.cos(angle), r * Math.sin(angle)];
    }));
  switch (type) {
    case "organization":
      return svgEl("rect", { class: cls, x: -r * 0.9, y: -r * 0.9, width: r * 1.8, height: r * 1.8, rx: r * 0.15 }, parent);
    case "place":
      return regular(3, -Math.PI / 2);
    case "group":
      return regular(6, 0);
    case "work":
      return regular(4, -Math.PI / 2);
    case "other":
      return regular(8, Math.PI / 8);
    default:
      return svgEl("circle", { class: cls, r }, parent);
  }
}

// Deterministic force-directed layout; returns radius-aware positions.
function layout(nodes, edges, maxWeight) {
  const n = nodes.length;
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  const golden = Math.PI * (3 - Math.sqrt(5));
  for (let i = 0; i < n; i += 1) {
    const radius = IDEAL * 0.6 * Math.sqrt(i + 0.5);
    xs[i] = radius * Math.cos(i * golden);
    ys[i] = radius * Math.sin(i * golden);
  }
  const links = edges.map((e) => [e.si, e.ti, 0.4 + 0.6 * (maxWeight > 0 ? e.weight / maxWeight : 1)]);
  const iterations = n > 150 ? 220 : 320;
  const dx = new Float64Array(n);
  const dy = new Float64Array(n);
  const k2 = IDEAL * IDEAL;
  let temperature = IDEAL * 2;
  const cooling = temperature / iterations;
  for (let it = 0; it < iterations; it += 1) {
    dx.fill(0);
    dy.fill(0);
    for (let i = 0; i < n; i += 1) {
      for (let j = i + 1; j < n; j += 1) {
        let ddx = xs[i] - xs[j];
        let ddy = ys[i] - ys[j];
        let d2 = ddx * ddx + ddy * ddy;
        if (d2 < 0.01) {
          ddx = 0.1 * ((i % 7) - 3 || 1);
          ddy = 0.1 * ((j % 5) - 2 || 1);
          d2 = ddx * ddx + ddy * ddy;
        }
        if (d2 > k2 * 36) continue; // far away: negligible
        const f = k2 / d2;
        dx[i] += ddx * f;
        dy[i] += ddy * f;
        dx[j] -= ddx * f;
        dy[j] -= ddy * f;
      }
    }
    for (const [s, t, strength] of links) {
      const ddx = xs[t] - xs[s];
      const ddy = ys[t] - ys[s];
      const d = Math.sqrt(ddx * ddx + ddy * ddy) || 0.01;
      const f = (d / IDEAL) * strength;
      dx[s] += ddx * f;
      dy[s] += ddy * f;
      dx[t] -= ddx * f;
      dy[t] -= ddy * f;
    }
    for (let i = 0; i < n; i += 1) {
      dx[i] -= xs[i] * 0.06;
      dy[i] -= ys[i] * 0.06;
      const len = Math.sqrt(dx[i] * dx[i] + dy[i] * dy[i]);
      if (len > 0) {
        const step = Math.min(len, temperature);
        xs[i] += (dx[i] / len) * step;
        ys[i] += (dy[i] / len) * step;
      }
    }
    temperature = Math.max(temperature - cooling, 0.5);
  }
  // settle overlaps left by the cooling
  for (let pass = 0; pass < 20; pass += 1) {
    let moved = false;
    for (let i = 0; i < n; i += 1) {
      for (let j = i + 1; j < n; j += 1) {
        const ddx = xs[j] - xs[i];
        const ddy = ys[j] - ys[i];
        const d = Math.sqrt(ddx * ddx + ddy * ddy) || 0.01;
        const need = nodes[i].r + nodes[j].r + 3;
        if (d < need) {
          const push = (need - d) / 2 / d;
          xs[i] -= ddx * push;
          ys[i] -= ddy * push;
          xs[j] += ddx * push;
          ys[j] += ddy * push;
          moved = true;
        }
      }
    }
    if (!moved) break;
  }
  nodes.forEach((node, i) => {
    node.x = xs[i];
    node.y = ys[i];
  });
}

class Network {
  constructor(mount, data) {
    const rawNodes = data.nodes.filter((n) => n && Number.isFinite(Number(n.id)));
    const total = rawNodes.length;
    rawNodes.sort((a, b) => (Number(b.mentions) || 0) - (Number(a.mentions) || 0) || Number(a.id) - Number(b.id));
    const kept = rawNodes.slice(0, MAX_NODES);
    const maxMentions = Math.max(1, ...kept.map((n) => Number(n.mentions) || 0));
    this.nodes = kept.map((n, index) => ({
      id: Number(n.id),
      name: String(n.name ?? ""),
      rawType: String(n.type ?? ""),
      type: typeKey(n.type),
      mentions: Number(n.mentions) || 0,
      r: 5 + 13 * Math.sqrt((Number(n.mentions) || 0) / maxMentions),
      index,
      edges: [],
    }));
    const byId = new Map(this.nodes.map((n, i) => [n.id, i]));
    this.edges = [];
    for (const e of data.edges) {
      if (!e) continue;
      const si = byId.get(Number(e.source));
      const ti = byId.get(Number(e.target));
      if (si === undefined || ti === undefined || si === ti) continue;
      this.edges.push({ si, ti, kind: String(e.kind ?? ""), weight: Math.max(Number(e.weight) || 0, 0) });
    }
    this.maxWeight = Math.max(0, ...this.edges.map((e) => e.weight));
    this.dropped = total - this.nodes.length;
    layout(this.nodes, this.edges, this.maxWeight);

    this.hiddenTypes = new Set();
    this.minWeight = 0;
    this.width = 800;
    this.view = { x: 0, y: 0, s: 1 };

    const root = htmlEl("div", "viz viz-network");
    this.buildControls(root);
    this.viewport = htmlEl("div", "nw-viewport", null, root);
    this.viewport.tabIndex = 0;
    this.viewport.setAttribute("role", "group");
    this.viewport.setAttribute(
      "aria-label",
      "Network of entities. Arrow keys pan, + and - zoom, 0 fits; Tab moves between entities.",
    );
    this.svg = svgEl("svg", { class: "nw-svg", height: HEIGHT }, this.viewport);
    this.scene = svgEl("g", { class: "nw-scene" }, this.svg);
    this.edgeLayer = svgEl("g", { class: "nw-edges" }, this.scene);
    this.nodeLayer = svgEl("g", { class: "nw-nodes" }, this.scene);
    this.drawEdges();
    this.drawNodes();
    const note = htmlEl("p", "viz-legend viz-note", null, root);
    note.textContent =
      "Size: mentions. Line width: link weight. Letters: P person, O organization, L place, G group, W work, ? other.";

    mount.prepend(root);
    this.width = Math.max(this.viewport.clientWidth, 320);
    this.fit();
    this.applyFilters();
    this.bindPointer();
    this.bindKeys();
    if (typeof ResizeObserver === "function") {
      new ResizeObserver(() => {
        const width = Math.max(this.viewport.clientWidth, 320);
        if (Math.abs(width - this.width) >= 1) {
          this.width = width;
          this.fit();
        }
      }).observe(this.viewport);
    }
  }

  buildControls(root) {
    const bar = htmlEl("div", "viz-toolbar", null, root);
    this.button(bar, "−", "Zoom out (-)", () => this.zoomBy(1 / 1.5));
    this.button(bar, "+", "Zoom in (+)", () => this.zoomBy(1.5));
    this.button(bar, "Fit", "Fit the network (0)", () => this.fit());

    const types = htmlEl("fieldset", "viz-types", null, bar);
    htmlEl("legend", null, "Types", types);
    const counts = new Map();
    for (const node of this.nodes) counts.set(node.type, (counts.get(node.type) || 0) + 1);
    this.typeBoxes = new Map();
    for (const type of TYPES) {
      if (!counts.has(type)) continue;
      const label = htmlEl("label", `viz-type viz-type-${type}`, null, types);
      const box = htmlEl("input", null, null, label);
      box.type = "checkbox";
      box.checked = true;
      box.value = type;
      box.addEventListener("change", () => {
        if (box.checked) this.hiddenTypes.delete(type);
        else this.hiddenTypes.add(type);
        this.applyFilters();
      });
      const swatch = svgEl("svg", { class: "viz-swatch", width: 16, height: 16, viewBox: "-8 -8 16 16", "aria-hidden": "true" }, label);
      shape(type, 6.5, svgEl("g", { class: "nw-node" }, swatch));
      htmlEl("span", null, ` ${TYPE_NAMES[type]} (${counts.get(type)})`, label);
      this.typeBoxes.set(type, box);
    }

    const weight = htmlEl("label", "viz-weight", null, bar);
    htmlEl("span", null, "Min. link weight ", weight);
    this.slider = htmlEl("input", "viz-weight-input", null, weight);
    this.slider.type = "range";
    this.slider.min = "0";
    const top = this.maxWeight > 0 ? this.maxWeight : 1;
    this.slider.max = String(top);
    this.slider.step = String(top <= 1 ? 0.01 : top <= 10 ? 0.1 : Math.max(top / 100, 0.1));
    this.slider.value = "0";
    this.sliderOut = htmlEl("output", "viz-weight-value", "0", weight);
    this.slider.addEventListener("input", () => {
      this.minWeight = Number(this.slider.value) || 0;
      this.sliderOut.textContent = String(this.minWeight);
      this.applyFilters();
    });

    this.status = htmlEl("span", "viz-status", null, bar);
    this.status.setAttribute("aria-live", "polite");
  }

  button(parent, text, title, action) {
    const b = htmlEl("button", "viz-button", text, parent);
    b.type = "button";
    b.title = title;
    b.setAttribute("aria-label", title);
    b.addEventListener("click", action);
    return b;
  }

  drawEdges() {
    const width = (w) => 1 + 5 * (this.maxWeight > 0 ? w / this.maxWeight : 0);
    for (const edge of this.edges) {
      const a = this.nodes[edge.si];
      const b = this.nodes[edge.ti];
      const line = svgEl(
        "line",
        {
          class: "nw-edge",
          x1: a.x.toFixed(1),
          y1: a.y.toFixed(1),
          x2: b.x.toFixed(1),
          y2: b.y.toFixed(1),
          "stroke-width": width(edge.weight).toFixed(2),
          "data-kind": edge.kind,
        },
        this.edgeLayer,
      );
      svgEl("title", {}, line).textContent = `${a.name} — ${b.name}: ${edge.kind || "link"}, weight ${edge.weight}`;
      edge.el = line;
      a.edges.push(edge);
      b.edges.push(edge);
    }
  }

  drawNodes() {
    for (const node of this.nodes) {
      const link = svgEl("a", {
        class: `nw-node viz-type-${node.type}`,
        href: `/entities/${encodeURIComponent(String(node.id))}`,
        transform: `translate(${node.x.toFixed(1)} ${node.y.toFixed(1)})`,
        "data-id": node.id,
      });
      const typeName = node.rawType || node.type;
      svgEl("title", {}, link).textContent = `${node.name} (${typeName}), ${node.mentions} mention${node.mentions === 1 ? "" : "s"}`;
      shape(node.type, node.r, link);
      const letter = svgEl("text", { class: "nw-letter", "aria-hidden": "true", y: (node.r * 0.36).toFixed(1) }, link);
      letter.setAttribute("font-size", Math.max(node.r * 1.05, 6).toFixed(1));
      letter.textContent = LETTERS[node.type];
      const label = svgEl("text", { class: node.index < ALWAYS_LABELLED ? "nw-label nw-label-top" : "nw-label", x: (node.r + 3).toFixed(1), y: 4 }, link);
      label.textContent = node.name.length > 40 ? `${node.name.slice(0, 39)}…` : node.name;
      const on = () => node.edges.forEach((e) => e.el.classList.add("nw-edge-active"));
      const off = () => node.edges.forEach((e) => e.el.classList.remove("nw-edge-active"));
      link.addEventListener("mouseenter", on);
      link.addEventListener("mouseleave", off);
      link.addEventListener("focus", () => {
        on();
        this.reveal(node);
      });
      link.addEventListener("blur", off);
      node.el = link;
      this.nodeLayer.appendChild(link);
    }
  }

  applyFilters() {
    const filtering = this.minWeight > 0;
    const typeShown = (node) => !this.hiddenTypes.has(node.type);
    let edgesShown = 0;
    const linked = new Set();
    for (const edge of this.edges) {
      const show =
        edge.weight >= this.minWeight && typeShown(this.nodes[edge.si]) && typeShown(this.nodes[edge.ti]);
      edge.el.classList.toggle("nw-hidden", !show);
      if (show) {
        edgesShown += 1;
        linked.add(edge.si);
        linked.add(edge.ti);
      }
    }
    let nodesShown = 0;
    for (const node of this.nodes) {
      const show = typeShown(node) && (!filtering || linked.has(node.index));
      node.el.classList.toggle("nw-hidden", !show);
      if (show) nodesShown += 1;
    }
    let text = `${nodesShown} entities, ${edgesShown} links shown`;
    if (this.dropped > 0) text += ` (the ${this.nodes.length} most mentioned of ${this.nodes.length + this.dropped})`;
    this.status.textContent = text;
  }

  fit() {
    if (this.nodes.length === 0) return;
    let x0 = Infinity;
    let y0 = Infinity;
    let x1 = -Infinity;
    let y1 = -Infinity;
    for (const n of this.nodes) {
      x0 = Math.min(x0, n.x - n.r);
      y0 = Math.min(y0, n.y - n.r);
      x1 = Math.max(x1, n.x + n.r + 60); // room for a label
      y1 = Math.max(y1, n.y + n.r);
    }
    const pad = 16;
    const s = Math.min((this.width - 2 * pad) / Math.max(x1 - x0, 1), (HEIGHT - 2 * pad) / Math.max(y1 - y0, 1), 2.5);
    this.view = {
      s,
      x: (this.width - (x1 - x0) * s) / 2 - x0 * s,
      y: (HEIGHT - (y1 - y0) * s) / 2 - y0 * s,
    };
    this.home = { ...this.view };
    this.apply();
  }

  apply() {
    const { x, y, s } = this.view;
    this.svg.setAttribute("viewBox", `0 0 ${this.width} ${HEIGHT}`);
    this.svg.setAttribute("width", this.width);
    this.scene.setAttribute("transform", `translate(${x.toFixed(2)} ${y.toFixed(2)}) scale(${s.toFixed(4)})`);
    // labels and letters keep a readable size whatever the zoom
    this.nodeLayer.setAttribute("font-size", (11 / s).toFixed(2));
    this.svg.classList.toggle("nw-zoomed", s >= (this.home ? this.home.s * 1.8 : Infinity));
    this.svg.setAttribute("data-scale", s.toFixed(4));
  }

  zoomBy(factor, cx = this.width / 2, cy = HEIGHT / 2) {
    const base = this.home ? this.home.s : 1;
    const s = Math.min(Math.max(this.view.s * factor, base / 4), base * 20);
    const k = s / this.view.s;
    this.view = { s, x: cx - (cx - this.view.x) * k, y: cy - (cy - this.view.y) * k };
    this.apply();
  }

  panBy(dx, dy) {
    this.view = { ...this.view, x: this.view.x + dx, y: this.view.y + dy };
    this.apply();
  }

  reveal(node) {
    const { x, y, s } = this.view;
    const px = node.x * s + x;
    const py = node.y * s + y;
    if (px < 0 || px > this.width || py < 0 || py > HEIGHT) {
      this.view = { s, x: this.width / 2 - node.x * s, y: HEIGHT / 2 - node.y * s };
      this.apply();
    }
  }

  toSvg(event) {
    const rect = this.svg.getBoundingClientRect();
    return [
      ((event.clientX - rect.left) * this.width) / Math.max(rect.width, 1),
      ((event.clientY - rect.top) * HEIGHT) / Math.max(rect.height, 1),
    ];
  }

  bindKeys() {
    this.viewport.addEventListener("keydown", (event) => {
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      const step = event.shiftKey ? 200 : 40;
      switch (event.key) {
        case "ArrowLeft":
          this.panBy(step, 0);
          break;
        case "ArrowRight":
          this.panBy(-step, 0);
          break;
        case "ArrowUp":
          this.panBy(0, step);
          break;
        case "ArrowDown":
          this.panBy(0, -step);
          break;
        case "+":
        case "=":
          this.zoomBy(1.5);
          break;
        case "-":
        case "_":
          this.zoomBy(1 / 1.5);
          break;
        case "0":
        case "Home":
          this.fit();
          break;
        default:
          return;
      }
      event.preventDefault();
    });
  }

  bindPointer() {
    const svg = this.svg;
    let drag = null;
    let suppressClick = false;
    svg.addEventListener("pointerdown", (event) => {
      if (event.button !== 0) return;
      drag = { id: event.pointerId, x: event.clientX, y: event.clientY, view: { ...this.view }, moved: false };
    });
    svg.addEventListener("pointermove", (event) => {
      if (!drag || event.pointerId !== drag.id) return;
      const dx = event.clientX - drag.x;
      const dy = event.clientY - drag.y;
      if (!drag.moved && Math.hypot(dx, dy) < 4) return;
      if (!drag.moved) {
        drag.moved = true;
        svg.setPointerCapture(event.pointerId);
        svg.classList.add("viz-dragging");
      }
      const rect = svg.getBoundingClientRect();
      const ratio = this.width / Math.max(rect.width, 1);
      this.view = { ...drag.view, x: drag.view.x + dx * ratio, y: drag.view.y + dy * ratio };
      this.apply();
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
        event.preventDefault();
        const delta = event.deltaMode === 1 ? event.deltaY * 16 : event.deltaY;
        const [cx, cy] = this.toSvg(event);
        this.zoomBy(Math.exp(-delta * 0.002), cx, cy);
      },
      { passive: false },
    );
  }
}

function fail(mount, message) {
  const p = htmlEl("p", "viz-message viz-error", `Could not draw the network: ${message}`);
  p.setAttribute("role", "status");
  mount.prepend(p);
}

async function main() {
  const mount = document.getElementById("network");
  if (!mount) return;
  const api = mount.dataset.api;
  if (!api) {
    fail(mount, "no data source given");
    return;
  }
  const loading = htmlEl("p", "viz-message viz-loading", "Loading the network…");
  mount.prepend(loading);
  try {
    const data = await getJson(api);
    if (!Array.isArray(data.nodes) || !Array.isArray(data.edges)) throw new Error("the answer has no nodes or edges");
    loading.remove();
    if (data.nodes.length === 0) {
      mount.prepend(htmlEl("p", "viz-message", "No entities to draw."));
      return;
    }
    new Network(mount, data);
  } catch (error) {
    loading.remove();
    fail(mount, error && error.message ? error.message : String(error));
  }
}

main();
