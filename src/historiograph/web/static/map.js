// Map of places: Leaflet circle markers sized by mentions, over an offline
// graticule (or over tiles when the page names a same-origin tile server).
//
// Mount: <div id="map" data-api="/api/places" data-tile-url="(optional)"></div>
// Leaflet, when present, is loaded as a classic script before this module and
// exposes the global `L`. Without it the places are drawn as a plain SVG
// equirectangular plot with the same graticule.
//
// Content Security Policy: no inline styles or handlers, no HTML parsing of
// data; popups and labels are DOM nodes built with textContent.

import { svgEl, htmlEl, getJson, plural } from "./viz-common.js";

function places(items) {
  const out = [];
  for (const item of items) {
    if (!item) continue;
    const lat = Number(item.lat);
    const lon = Number(item.lon);
    if (item.lat === null || item.lon === null || !Number.isFinite(lat) || !Number.isFinite(lon)) continue;
    if (Math.abs(lat) > 90 || Math.abs(lon) > 180) continue;
    out.push({
      id: Number(item.id),
      name: String(item.name ?? ""),
      lat,
      lon,
      mentions: Math.max(Number(item.mentions) || 0, 0),
      events: Math.max(Number(item.events) || 0, 0),
    });
  }
  // big circles first, so small ones stay on top and clickable
  out.sort((a, b) => b.mentions - a.mentions || a.id - b.id);
  return out;
}

function radiusFor(mentions, max) {
  return 4 + 12 * Math.sqrt(max > 0 ? mentions / max : 0);
}

function hrefFor(place) {
  return `/entities/${encodeURIComponent(String(place.id))}`;
}

function summary(place) {
  return `${place.name}: ${plural(place.mentions, "mention")}, ${plural(place.events, "event")}`;
}

function popupContent(place) {
  const box = htmlEl("div", "map-popup");
  htmlEl("strong", "map-popup-name", place.name || "(unnamed place)", box);
  htmlEl("div", "map-popup-counts", `${plural(place.mentions, "mention")} · ${plural(place.events, "event")}`, box);
  const link = htmlEl("a", "map-popup-link", "Open the place", box);
  link.href = hrefFor(place);
  return box;
}

function gratStep(list) {
  const lats = list.map((p) => p.lat);
  const lons = list.map((p) => p.lon);
  const span = Math.max(Math.max(...lats) - Math.min(...lats), Math.max(...lons) - Math.min(...lons));
  return span <= 40 ? 5 : 10;
}

function gridStep(span) {
  if (span > 80) return 10;
  if (span > 25) return 5;
  if (span > 8) return 2;
  return 1;
}

function degrees(value, positive, negative) {
  if (value === 0) return "0°";
  return `${Math.abs(value)}°${value > 0 ? positive : negative}`;
}

function legend(parent, list, tiles) {
  const ul = htmlEl("ul", "viz-legend", null, parent);
  const row = htmlEl("li", null, null, ul);
  const sample = svgEl("svg", { class: "viz-swatch", width: 34, height: 18, "aria-hidden": "true" }, row);
  svgEl("circle", { class: "map-place viz-type-place", cx: 6, cy: 9, r: 4 }, sample);
  svgEl("circle", { class: "map-place viz-type-place", cx: 24, cy: 9, r: 8 }, sample);
  htmlEl("span", null, "Place; circle size shows mentions", row);
  htmlEl(
    "li",
    null,
    tiles
      ? `${plural(list.length, "place")} with coordinates`
      : `${plural(list.length, "place")} with coordinates; grey lines mark latitude and longitude`,
    ul,
  );
}

function leafletMap(root, list, tileUrl, attribution) {
  const reduced = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  const canvas = htmlEl("div", "map-canvas", null, root);
  canvas.setAttribute("aria-label", "Map of places. Tab moves between places, Enter opens one.");
  const map = L.map(canvas, {
    attributionControl: false,
    zoomAnimation: !reduced,
    fadeAnimation: !reduced,
    markerZoomAnimation: !reduced,
    zoomSnap: 0.25,
    maxZoom: tileUrl ? 18 : 12,
    minZoom: 1,
    worldCopyJump: false,
  });
  const bounds = L.latLngBounds(list.map((p) => [p.lat, p.lon]));
  if (list.length === 1) map.setView(bounds.getCenter(), 6);
  else map.fitBounds(bounds, { padding: [30, 30], maxZoom: 9 });

  if (tileUrl) {
    L.tileLayer(tileUrl, { maxZoom: 18 }).addTo(map);
    if (attribution) {
      const control = L.control.attribution({ prefix: false }).addTo(map);
      // Leaflet inserts attribution as markup: give it escaped text only.
      control.addAttribution(
        attribution.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`),
      );
    }
  }

  if (!tileUrl) {
    // offline graticule, redrawn for the part of the world in view at a step
    // that suits the zoom, labelled along the west and south edges
    const grid = L.layerGroup().addTo(map);
    const line = (points) =>
      L.polyline(points, { className: "map-graticule", interactive: false, weight: 1 }).addTo(grid);
    const label = (latlng, text, cls) => {
      const icon = L.divIcon({ className: `map-grat-label ${cls}`, html: htmlEl("span", null, text), iconSize: null });
      L.marker(latlng, { icon, interactive: false, keyboard: false }).addTo(grid);
    };
    const redraw = () => {
      grid.clearLayers();
      const b = map.getBounds();
      const south = Math.max(b.getSouth(), -85);
      const north = Math.min(b.getNorth(), 85);
      const west = Math.max(b.getWest(), -180);
      const east = Math.min(b.getEast(), 180);
      const step = gridStep(Math.max(north - south, east - west));
      const first = (v) => Math.ceil(v / step) * step;
      for (let lat = first(south); lat <= north; lat += step) {
        line([[lat, west - step], [lat, east + step]]);
        label([lat, west + (east - west) * 0.005], degrees(lat, "N", "S"), "map-grat-lat");
      }
      for (let lon = first(west); lon <= east; lon += step) {
        line([[south - step, lon], [north + step, lon]]);
        label([south + (north - south) * 0.01, lon], degrees(lon, "E", "W"), "map-grat-lon");
      }
    };
    map.on("moveend", redraw);
    redraw();
  }

  const max = Math.max(...list.map((p) => p.mentions));
  const named = list.length <= 40;
  for (const place of list) {
    const marker = L.circleMarker([place.lat, place.lon], {
      radius: radiusFor(place.mentions, max),
      className: "map-place viz-type-place",
      weight: 1.5,
    });
    marker.bindPopup(
      () => {
        const content = popupContent(place);
        content.addEventListener("keydown", (event) => {
          if (event.key === "Escape") {
            event.preventDefault();
            marker.closePopup();
          }
        });
        return content;
      },
      { className: "map-popup-wrap" },
    );
    // content as a DOM node: Leaflet would parse a string as markup
    // with few places every name stays on the map; with many, names show on hover and focus
    marker.bindTooltip(() => htmlEl("span", null, named ? place.name : summary(place)), {
      direction: named ? "right" : "top",
      permanent: named,
      className: named ? "map-tooltip map-name" : "map-tooltip",
      offset: named ? [radiusFor(place.mentions, max), 0] : [0, -radiusFor(place.mentions, max)],
    });
    marker.addTo(map);
    const el = marker.getElement();
    if (el) {
      el.setAttribute("tabindex", "0");
      el.setAttribute("role", "button");
      el.setAttribute("aria-label", summary(place));
      el.setAttribute("data-id", String(place.id));
      el.addEventListener("keydown", (event) => {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          event.stopPropagation();
          marker.openPopup();
        }
      });
      if (!named) {
        el.addEventListener("focus", () => marker.openTooltip());
        el.addEventListener("blur", () => marker.closeTooltip());
      }
    }
    marker.on("popupopen", (event) => {
      if (document.activeElement === el) {
        const link = event.popup.getElement() && event.popup.getElement().querySelector(".map-popup-link");
        if (link) link.focus();
      }
    });
    marker.on("popupclose", (event) => {
      const popupEl = event.popup.getElement();
      if (el && popupEl && popupEl.contains(document.activeElement)) el.focus();
    });
  }

  return map;
}

// Fallback without Leaflet: an equirectangular SVG plot with a graticule.
function svgPlot(root, list) {
  const step = gratStep(list);
  const pad = step;
  const lat0 = Math.max(Math.floor((Math.min(...list.map((p) => p.lat)) - pad) / step) * step, -90);
  const lat1 = Math.min(Math.ceil((Math.max(...list.map((p) => p.lat)) + pad) / step) * step, 90);
  const lon0 = Math.max(Math.floor((Math.min(...list.map((p) => p.lon)) - pad) / step) * step, -180);
  const lon1 = Math.min(Math.ceil((Math.max(...list.map((p) => p.lon)) + pad) / step) * step, 180);
  // equirectangular with its standard parallel through the middle of the data,
  // in pixels of the space available, so circles and text keep their size
  const stretch = Math.max(Math.cos((((lat0 + lat1) / 2) * Math.PI) / 180), 0.2);
  const margin = { left: 40, right: 16, top: 10, bottom: 22 };
  const room = Math.max(root.clientWidth, 320) - margin.left - margin.right;
  const k = Math.min(room / ((lon1 - lon0) * stretch), 460 / (lat1 - lat0));
  const width = (lon1 - lon0) * stretch * k;
  const height = (lat1 - lat0) * k;
  const X = (lon) => margin.left + (lon - lon0) * stretch * k;
  const Y = (lat) => margin.top + (lat1 - lat) * k;
  const svg = svgEl(
    "svg",
    {
      class: "map-svg",
      role: "group",
      "aria-label": "Map of places",
      width: width + margin.left + margin.right,
      height: height + margin.top + margin.bottom,
      viewBox: `0 0 ${width + margin.left + margin.right} ${height + margin.top + margin.bottom}`,
    },
    root,
  );
  const grid = svgEl("g", { class: "map-graticule-group" }, svg);
  for (let lat = lat0; lat <= lat1; lat += step) {
    svgEl("line", { class: "map-graticule", x1: X(lon0), x2: X(lon1), y1: Y(lat), y2: Y(lat) }, grid);
    svgEl("text", { class: "map-grat-text", x: margin.left - 4, y: Y(lat) + 4, "text-anchor": "end" }, grid).textContent =
      degrees(lat, "N", "S");
  }
  for (let lon = lon0; lon <= lon1; lon += step) {
    svgEl("line", { class: "map-graticule", x1: X(lon), x2: X(lon), y1: Y(lat0), y2: Y(lat1) }, grid);
    svgEl("text", { class: "map-grat-text", x: X(lon), y: margin.top + height + 15, "text-anchor": "middle" }, grid).textContent =
      degrees(lon, "E", "W");
  }
  const max = Math.max(...list.map((p) => p.mentions));
  const layer = svgEl("g", { class: "map-places" }, svg);
  for (const place of list) {
    const link = svgEl("a", { class: "map-place-link", href: hrefFor(place), "data-id": place.id }, layer);
    svgEl("title", {}, link).textContent = summary(place);
    svgEl("circle", { class: "map-place viz-type-place", cx: X(place.lon), cy: Y(place.lat), r: radiusFor(place.mentions, max) }, link);
    svgEl("text", { class: "map-place-label", x: X(place.lon) + radiusFor(place.mentions, max) + 3, y: Y(place.lat) + 4 }, link).textContent =
      place.name;
  }
}

function fail(mount, message) {
  const p = htmlEl("p", "viz-message viz-error", `Could not draw the map: ${message}`);
  p.setAttribute("role", "status");
  mount.prepend(p);
}

function tileTemplate(raw) {
  // same origin only: a path on this site ("/tiles/{z}/{x}/{y}.png") or this origin spelled out
  if (!raw) return null;
  if (raw.startsWith("/") && !raw.startsWith("//")) return raw;
  if (raw.startsWith(`${window.location.origin}/`)) return raw;
  return null;
}

async function main() {
  const mount = document.getElementById("map");
  if (!mount) return;
  const api = mount.dataset.api;
  if (!api) {
    fail(mount, "no data source given");
    return;
  }
  const loading = htmlEl("p", "viz-message viz-loading", "Loading the map…");
  mount.prepend(loading);
  try {
    const data = await getJson(api);
    if (!Array.isArray(data.items)) throw new Error("the answer has no items");
    const list = places(data.items);
    loading.remove();
    if (list.length === 0) {
      mount.prepend(htmlEl("p", "viz-message", "No places with coordinates to draw."));
      return;
    }
    const root = htmlEl("div", "viz viz-map");
    mount.prepend(root);
    const rawTiles = mount.dataset.tileUrl || "";
    const tiles = tileTemplate(rawTiles);
    if (rawTiles && !tiles) {
      htmlEl("p", "viz-message", "The tile server is not on this site, so the map is drawn without tiles.", root);
    }
    if (typeof L !== "undefined" && L && typeof L.map === "function") {
      root.classList.add("map-leaflet");
      leafletMap(root, list, tiles, mount.dataset.tileAttribution || "");
    } else {
      root.classList.add("map-plain");
      svgPlot(root, list);
    }
    legend(root, list, Boolean(tiles));
  } catch (error) {
    loading.remove();
    fail(mount, error && error.message ? error.message : String(error));
  }
}

main();
