// What the workbench's visualisations share: building DOM and SVG nodes (always through
// textContent and attributes, never markup: source texts are untrusted) and fetching the
// JSON API from this site only.

export const SVG_NS = "http://www.w3.org/2000/svg";

export function svgEl(tag, attrs, parent) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs || {})) el.setAttribute(key, String(value));
  if (parent) parent.appendChild(el);
  return el;
}

export function htmlEl(tag, className, text, parent) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined && text !== null) el.textContent = String(text);
  if (parent) parent.appendChild(el);
  return el;
}

export async function getJson(raw) {
  const url = new URL(raw, window.location.href);
  if (url.origin !== window.location.origin) throw new Error("the data source is not on this site");
  const response = await fetch(url, {
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  });
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok || !data || data.ok !== true) {
    // the workbench answers errors as {"ok": false, "error": "one line", "status": N}
    const detail = data && typeof data.error === "string" ? data.error : "";
    const status = response.ok ? "" : `the server answered ${response.status}`;
    throw new Error([status, detail].filter(Boolean).join(": ") || "the server sent no usable data");
  }
  return data;
}

export function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
