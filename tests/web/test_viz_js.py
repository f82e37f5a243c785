"""The timeline, network and map scripts, run in a real browser under the site's CSP.

A small threaded HTTP server serves fixture pages (tests/web/viz_fixtures/),
the real static files (src/historiograph/web/static/ under /static/), the
XStatic Leaflet files under /static/vendor/leaflet/ and fixture JSON under
/api/, with the same Content-Security-Policy as the workbench. Chromium (via
Playwright) loads each page; every test also checks that nothing was logged as
an error, nothing broke the CSP and no request left 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import re
import struct
import threading
import zlib
from collections.abc import Iterator
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import xstatic.pkg.leaflet

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists() and not os.environ.get("CI"):
    pytest.skip(
        "needs Debian's chromium at /usr/bin/chromium for Playwright (required when CI is set)",
        allow_module_level=True,
    )

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # in CI a missing Playwright is a failure, not a skip
    if os.environ.get("CI"):
        raise
    pytest.skip("needs Playwright (the dev extra)", allow_module_level=True)

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "src" / "historiograph" / "web" / "static"
FIXTURES = Path(__file__).resolve().parent / "viz_fixtures"
LEAFLET = Path(xstatic.pkg.leaflet.BASE_DIR)
CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:"
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".map": "application/json",
}
EVENTS = json.loads((FIXTURES / "api" / "events.json").read_text("utf-8"))["items"]
NETWORK = json.loads((FIXTURES / "api" / "network.json").read_text("utf-8"))
PLACES = json.loads((FIXTURES / "api" / "places.json").read_text("utf-8"))["items"]
HOSTILE = "<img src=x onerror=alert(1)>"


def _png() -> bytes:
    """A 1x1 grey PNG, for the tile server."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xc0"))
        + chunk(b"IEND", b"")
    )


TILE = _png()
MANY_EVENTS = 1234


def _many_events(offset: int, limit: int) -> dict[str, Any]:
    items = []
    for i in range(offset, min(offset + limit, MANY_EVENTS)):
        year = 1900 + i % 90
        day = f"{year}-{1 + i % 12:02d}-{1 + i % 28:02d}"
        items.append(
            {
                "id": i,
                "edtf": day,
                "earliest": day,
                "latest": day,
                "uncertain": False,
                "label": f"Event {i}",
                "source_id": f"s{i % 7}",
                "source_title": None,
                "start": i,
                "end": i + 5,
                "participants": [],
                "places": [],
            }
        )
    return {"ok": True, "items": items, "total": MANY_EVENTS, "limit": limit, "offset": offset}


def _big_network() -> dict[str, Any]:
    types = ["person", "organization", "place", "group", "work", "other"]
    nodes = [
        {"id": i, "name": f"Entity {i}", "type": types[i % 6], "mentions": 1000 - i}
        for i in range(1, 401)
    ]
    edges = [
        {"source": i, "target": 1 + (i * 7) % 400, "kind": "co-mention", "weight": 1 + i % 5}
        for i in range(1, 401)
        if 1 + (i * 7) % 400 != i
    ]
    return {"ok": True, "nodes": nodes, "edges": edges}


class Handler(BaseHTTPRequestHandler):
    """Maps URL prefixes to directories, like the workbench lays them out."""

    api_log: list[str]  # set on the subclass made per server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def _json(self, data: Any) -> None:
        self._send(200, json.dumps(data).encode(), "application/json")

    def _file(self, base: Path, rel: str) -> None:
        target = (base / rel).resolve()
        if not target.is_relative_to(base.resolve()) or not target.is_file():
            self._send(404, b"not found", "text/plain")
            return
        content_type = TYPES.get(target.suffix, "application/octet-stream")
        self._send(200, target.read_bytes(), content_type)

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        path = url.path
        query = parse_qs(url.query)
        if path.startswith("/api/"):
            self.api_log.append(self.path)
        if path == "/favicon.ico":
            self._send(HTTPStatus.NO_CONTENT, b"", "image/x-icon")
        elif path.startswith("/static/vendor/leaflet/"):
            self._file(LEAFLET, path.removeprefix("/static/vendor/leaflet/"))
        elif path.startswith("/static/"):
            self._file(STATIC, path.removeprefix("/static/"))
        elif path == "/api/many-events":
            offset = int(query.get("offset", ["0"])[0])
            limit = int(query.get("limit", ["100"])[0])
            self._json(_many_events(offset, min(limit, 500)))
        elif path == "/api/network-big":
            self._json(_big_network())
        elif path.startswith("/api/"):
            self._file(FIXTURES / "api", path.removeprefix("/api/") + ".json")
        elif path.startswith(("/sources/", "/entities/")):
            body = b"<!doctype html><title>stub</title><p>stub page</p>"
            self._send(200, body, "text/html; charset=utf-8")
        elif path.startswith("/tiles/"):
            self._send(200, TILE, "image/png")
        else:
            self._file(FIXTURES, path.removeprefix("/"))


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, list[str]]]:
    log: list[str] = []
    handler = type("FixtureHandler", (Handler,), {"api_log": log})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", log
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail("CI is set but /usr/bin/chromium is missing")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM))
        try:
            yield launched
        finally:
            launched.close()


class Watched:
    """A page plus everything suspicious it did."""

    def __init__(self, page: Any, base: str) -> None:
        self.page = page
        self.base = base
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        page.on("request", lambda request: self.requests.append(request.url))

        def dialog(d: Any) -> None:
            self.dialogs.append(d.message)
            d.dismiss()

        page.on("dialog", dialog)
        page.add_init_script(
            "window.__csp = [];"
            "document.addEventListener('securitypolicyviolation', (e) =>"
            " window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
        )

    def _console(self, message: Any) -> None:
        if message.type in ("error", "assert") or "Content Security Policy" in message.text:
            self.errors.append(f"console {message.type}: {message.text}")

    def goto(self, name: str) -> Any:
        self.page.goto(f"{self.base}/{name}.html")
        return self.page

    def check_clean(self, allowed_errors: tuple[str, ...] = ()) -> None:
        errors = [e for e in self.errors if not any(a in e for a in allowed_errors)]
        assert errors == []
        assert self.dialogs == []
        if not self.page.is_closed():
            assert self.page.evaluate("window.__csp") == []
        foreign = [u for u in self.requests if not u.startswith(self.base + "/")]
        assert foreign == []


@pytest.fixture
def watched(browser: Any, server: tuple[str, list[str]]) -> Iterator[Watched]:
    base, log = server
    log.clear()
    context = browser.new_context(viewport={"width": 1000, "height": 900})
    context.set_default_timeout(5000)
    try:
        yield Watched(context.new_page(), base)
    finally:
        context.close()


def visible_count(page: Any, selector: str) -> int:
    return page.eval_on_selector_all(
        selector, "els => els.filter(e => getComputedStyle(e).display !== 'none').length"
    )


def axis_unit(page: Any) -> str:
    return page.get_attribute(".tl-axis", "data-unit")


def tick_labels(page: Any) -> list[str]:
    return page.eval_on_selector_all(".tl-tick-label", "els => els.map(e => e.textContent)")


# -- timeline ----------------------------------------------------------------


def test_timeline_draws_every_event_as_a_link_to_its_evidence(watched: Watched) -> None:
    page = watched.goto("timeline")
    page.wait_for_selector(".tl-item")
    items = page.locator("a.tl-item")
    assert items.count() == len(EVENTS)
    hrefs = sorted(items.evaluate_all("els => els.map(e => e.getAttribute('href'))"))
    expected = sorted(f"/sources/{e['source_id']}#c={e['start']}-{e['end']}" for e in EVENTS)
    assert hrefs == expected
    # exact days are points; imprecise dates are fuzzy ranges; uncertain ones say so
    for event in EVENTS:
        href = f"/sources/{event['source_id']}#c={event['start']}-{event['end']}"
        classes = set(page.get_attribute(f'a.tl-item[href="{href}"]', "class").split())
        exact = event["earliest"] == event["latest"] and not event["uncertain"]
        assert ("tl-point" in classes) == exact, event
        assert ("tl-range" in classes) == (not exact), event
        assert ("tl-fuzzy" in classes) == (not exact), event
        assert ("tl-uncertain" in classes) == event["uncertain"], event
    assert page.locator("a.tl-uncertain .tl-query").count() == sum(e["uncertain"] for e in EVENTS)
    # tooltips carry date, label and source; the hostile label is plain text
    title = page.text_content('a.tl-item[href="/sources/src-e#c=500-530"] title')
    assert "1945-11-29" in title
    assert HOSTILE in title
    assert '<b>bold</b> & "quoted" title' in title
    assert page.text_content('a.tl-item[href="/sources/src-e#c=500-530"] .tl-label') == HOSTILE
    assert page.locator("img, script:not([src])").count() == 0
    # two events on one day do not overlap: they are stacked into lanes
    same_day = page.locator('a.tl-item[href^="/sources/src-b"] .tl-mark')
    ys = {same_day.nth(i).get_attribute("cy") for i in range(2)}
    assert len(ys) == 2
    # the server-rendered list is kept, with the visual added above it
    assert page.locator("#timeline > .viz-timeline + .server-content").count() == 1
    assert page.locator(".viz-timeline .viz-legend li").count() == 3
    watched.check_clean()


def test_timeline_zooms_from_decades_to_days_and_pans(watched: Watched) -> None:
    page = watched.goto("timeline")
    page.wait_for_selector(".tl-item")
    assert axis_unit(page) == "decade"
    assert all(re.fullmatch(r"\d{4}s?", label) for label in tick_labels(page))
    page.focus(".tl-viewport")
    for _ in range(8):
        page.keyboard.press("+")
    assert axis_unit(page) == "month"
    labels = tick_labels(page)
    assert labels and all(re.fullmatch(r"[A-Z][a-z]{2} \d{4}", label) for label in labels)
    for _ in range(6):
        page.get_by_role("button", name="Zoom in (+)").click()
    assert axis_unit(page) == "day"
    labels = tick_labels(page)
    assert labels and all(re.fullmatch(r"\d{1,2} [A-Z][a-z]{2} \d{4}", label) for label in labels)
    # arrow keys pan: the same granularity, later dates
    page.focus(".tl-viewport")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert axis_unit(page) == "day"
    assert tick_labels(page) != labels
    # - zooms back out; 0 fits everything again
    page.keyboard.press("-")
    page.keyboard.press("-")
    assert axis_unit(page) in ("day", "month")
    page.keyboard.press("0")
    assert axis_unit(page) == "decade"
    # the wheel zooms around the pointer
    box = page.locator(".tl-svg").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, -1000)
    page.wait_for_function("document.querySelector('.tl-axis').dataset.unit === 'year'")
    # dragging pans without following a link
    before = tick_labels(page)
    page.mouse.move(box["x"] + 300, box["y"] + 10)
    page.mouse.down()
    page.mouse.move(box["x"] + 200, box["y"] + 10, steps=5)
    page.mouse.move(box["x"] + 100, box["y"] + 10, steps=5)
    page.mouse.up()
    page.wait_for_function(
        "(before) => JSON.stringify([...document.querySelectorAll('.tl-tick-label')]"
        ".map(e => e.textContent)) !== before",
        arg=json.dumps(before),
    )
    assert page.url.endswith("/timeline.html")
    watched.check_clean()


def test_timeline_keyboard_focus_and_enter_follow_the_evidence_link(watched: Watched) -> None:
    page = watched.goto("timeline")
    page.wait_for_selector(".tl-item")
    page.focus(".tl-viewport")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => [document.activeElement.getAttribute('class'),"
        " document.activeElement.getAttribute('href')]"
    )
    assert "tl-item" in focused[0]
    assert focused[1] == "/sources/src-a#c=10-52"  # the earliest event comes first
    # the focus ring is visible: the mark's stroke changes
    stroke = page.eval_on_selector(
        "a.tl-item:focus .tl-mark", "e => getComputedStyle(e).strokeWidth"
    )
    assert stroke == "3px"
    page.keyboard.press("Tab")
    href = page.evaluate("document.activeElement.getAttribute('href')")
    assert href.startswith("/sources/src-b#c=")
    # + zooms around the focused event, which stays in view
    for _ in range(12):
        page.keyboard.press("+")
    assert axis_unit(page) == "day"
    assert page.evaluate("document.activeElement.getAttribute('href')") == href
    assert "6 Apr 1941" in tick_labels(page)
    # panning it out of view hands the focus back to the timeline, which still listens
    for _ in range(4):
        page.keyboard.press("Shift+ArrowRight")
    assert page.evaluate("document.activeElement.classList.contains('tl-viewport')")
    page.keyboard.press("0")
    assert axis_unit(page) == "decade"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/sources/src-b#c=*")
    watched.check_clean()


def test_timeline_filter_matches_labels_and_participants(watched: Watched) -> None:
    page = watched.goto("timeline")
    page.wait_for_selector(".tl-item")
    page.fill(".viz-filter-input", "tito")
    # "Tito" is in one label and is a participant of another
    assert visible_count(page, "a.tl-item") == 2
    assert "2 of 11 events match" in page.text_content(".viz-status")
    page.fill(".viz-filter-input", "belgrade")
    assert visible_count(page, "a.tl-item") == 3
    page.fill(".viz-filter-input", "<script>")
    assert visible_count(page, "a.tl-item") == 1
    page.fill(".viz-filter-input", "")
    assert visible_count(page, "a.tl-item") == len(EVENTS)
    watched.check_clean()


def test_timeline_fetches_every_page(watched: Watched, server: tuple[str, list[str]]) -> None:
    page = watched.goto("timeline-paged")
    page.wait_for_selector(".tl-item")
    assert page.locator("a.tl-item").count() == MANY_EVENTS
    offsets = sorted(int(parse_qs(urlsplit(u).query)["offset"][0]) for u in server[1])
    assert offsets == [0, 500, 1000]
    assert all(parse_qs(urlsplit(u).query)["limit"] == ["500"] for u in server[1])
    watched.check_clean()


def test_timeline_reports_a_failed_fetch_in_one_line(watched: Watched) -> None:
    page = watched.goto("timeline-missing")
    message = page.wait_for_selector("#timeline .viz-error")
    assert message.text_content() == "Could not draw the timeline: the server answered 404"
    assert page.locator(".tl-svg").count() == 0
    watched.check_clean(allowed_errors=("404",))


# -- network -----------------------------------------------------------------


def test_network_draws_nodes_and_edges_with_links(watched: Watched) -> None:
    page = watched.goto("network")
    page.wait_for_selector(".nw-node")
    nodes = page.locator("a.nw-node")
    assert nodes.count() == len(NETWORK["nodes"])
    hrefs = sorted(nodes.evaluate_all("els => els.map(e => e.getAttribute('href'))"))
    assert hrefs == sorted(f"/entities/{n['id']}" for n in NETWORK["nodes"])
    # one edge points at an unknown node and is dropped
    assert page.locator("line.nw-edge").count() == len(NETWORK["edges"]) - 1
    for node in NETWORK["nodes"]:
        classes = page.get_attribute(f'a.nw-node[href="/entities/{node["id"]}"]', "class")
        kind = node["type"] if node["type"] != "vehicle" else "other"
        assert f"viz-type-{kind}" in classes.split()
    # colour and shape both follow the type
    person = page.locator('a.nw-node[href="/entities/34"] .nw-shape')
    org = page.locator('a.nw-node[href="/entities/31"] .nw-shape')
    assert person.evaluate("e => e.tagName") == "circle"
    assert org.evaluate("e => e.tagName") == "rect"
    fills = {s.evaluate("e => getComputedStyle(e).fill") for s in (person, org)}
    assert len(fills) == 2
    assert page.text_content('a.nw-node[href="/entities/34"] .nw-letter') == "P"
    # size follows mentions, width follows weight
    big = float(page.get_attribute('a.nw-node[href="/entities/34"] circle', "r"))
    small = float(page.get_attribute('a.nw-node[href="/entities/35"] circle', "r"))
    assert big > small
    widths = page.eval_on_selector_all(
        "line.nw-edge", "els => els.map(e => parseFloat(e.getAttribute('stroke-width')))"
    )
    assert max(widths) > min(widths)
    # the hostile name is text
    title = page.text_content('a.nw-node[href="/entities/35"] title')
    assert title.startswith("<script>alert(2)</script> (person)")
    assert page.locator("script:not([src]), img").count() == 0
    assert page.locator("#network > .viz-network + .server-content").count() == 1
    watched.check_clean()


def test_network_layout_is_deterministic(watched: Watched) -> None:
    page = watched.goto("network")
    page.wait_for_selector(".nw-node")
    script = "els => els.map(e => e.getAttribute('transform'))"
    first = page.eval_on_selector_all("a.nw-node", script)
    page.reload()
    page.wait_for_selector(".nw-node")
    assert page.eval_on_selector_all("a.nw-node", script) == first
    assert len(set(first)) == len(first)  # no two nodes on one spot
    watched.check_clean()


def test_network_filters_by_type_and_weight(watched: Watched) -> None:
    page = watched.goto("network")
    page.wait_for_selector(".nw-node")
    total_edges = len(NETWORK["edges"]) - 1
    persons = [n for n in NETWORK["nodes"] if n["type"] == "person"]
    person_edges = 5  # edges touching a person (34: 2 + 36: 2 (one shared) + 35: 1)
    page.get_by_label("Person (3)").uncheck()
    assert visible_count(page, "a.nw-node") == len(NETWORK["nodes"]) - len(persons)
    assert visible_count(page, "line.nw-edge") == total_edges - person_edges
    page.get_by_label("Person (3)").check()
    assert visible_count(page, "line.nw-edge") == total_edges
    # the slider, by keyboard: End means only the heaviest links
    page.focus(".viz-weight-input")
    page.keyboard.press("End")
    assert page.text_content(".viz-weight-value") == "5"
    assert visible_count(page, "line.nw-edge") == 1
    assert visible_count(page, "a.nw-node") == 2
    assert "2 entities, 1 links shown" in page.text_content(".viz-status")
    page.keyboard.press("Home")
    assert visible_count(page, "a.nw-node") == len(NETWORK["nodes"])
    watched.check_clean()


def test_network_zoom_pan_and_keyboard(watched: Watched) -> None:
    page = watched.goto("network")
    page.wait_for_selector(".nw-node")

    def scale() -> float:
        return float(page.get_attribute(".nw-svg", "data-scale"))

    def transform() -> str:
        return page.get_attribute(".nw-scene", "transform")

    s0 = scale()
    page.get_by_role("button", name="Zoom in (+)").click()
    assert scale() > s0
    page.get_by_role("button", name="Zoom out (-)").click()
    assert scale() == pytest.approx(s0, rel=1e-3)
    box = page.locator(".nw-svg").bounding_box()
    page.mouse.move(box["x"] + 200, box["y"] + 200)
    page.mouse.wheel(0, -300)
    page.wait_for_function(f"parseFloat(document.querySelector('.nw-svg').dataset.scale) > {s0}")
    before = transform()
    page.mouse.move(box["x"] + 20, box["y"] + 20)
    page.mouse.down()
    page.mouse.move(box["x"] + 120, box["y"] + 80, steps=6)
    page.mouse.up()
    assert transform() != before
    assert page.url.endswith("/network.html")
    page.focus(".nw-viewport")
    page.keyboard.press("0")
    assert scale() == pytest.approx(s0, rel=1e-3)
    before = transform()
    page.keyboard.press("ArrowLeft")
    assert transform() != before
    page.keyboard.press("-")
    assert scale() < s0
    # Tab reaches the nodes, most mentioned first; Enter opens the entity
    page.keyboard.press("0")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "/entities/34"
    assert page.locator("line.nw-edge.nw-edge-active").count() == 3
    page.keyboard.press("Enter")
    page.wait_for_url("**/entities/34")
    watched.check_clean()


def test_network_caps_the_number_of_nodes(watched: Watched) -> None:
    page = watched.goto("network-big")
    page.wait_for_selector(".nw-node")
    assert page.locator("a.nw-node").count() == 300
    assert page.locator('a.nw-node[href="/entities/1"]').count() == 1  # most mentioned kept
    assert page.locator('a.nw-node[href="/entities/400"]').count() == 0
    assert "(the 300 most mentioned of 400)" in page.text_content(".viz-status")
    watched.check_clean()


def test_network_refuses_a_foreign_data_source(watched: Watched) -> None:
    page = watched.goto("network-foreign")
    message = page.wait_for_selector("#network .viz-error")
    assert "not on this site" in message.text_content()
    watched.check_clean()


def test_network_shows_the_servers_error_as_text(watched: Watched) -> None:
    page = watched.goto("network-broken")
    message = page.wait_for_selector("#network .viz-error")
    assert message.text_content() == "Could not draw the network: <b>no</b> such type"
    assert page.locator("#network b").count() == 0
    watched.check_clean()


# -- map ---------------------------------------------------------------------

MAPPED = [p for p in PLACES if p["lat"] is not None]


def test_map_draws_places_on_a_graticule_without_tiles(watched: Watched) -> None:
    page = watched.goto("map")
    page.wait_for_selector(".leaflet-overlay-pane path.map-place")
    markers = page.locator(".leaflet-overlay-pane path.map-place")
    assert markers.count() == len(MAPPED)
    assert page.locator(".leaflet-overlay-pane path.map-graticule").count() >= 4
    assert page.locator(".leaflet-tile").count() == 0
    labels = page.eval_on_selector_all(".map-grat-label", "els => els.map(e => e.textContent)")
    assert "20°E" in labels
    assert any(re.fullmatch(r"4[2-6]°N", label) for label in labels)
    # every place is in view, and the biggest circle is the most mentioned place
    radii = markers.evaluate_all(
        "els => els.map(e => [e.dataset.id, e.getBoundingClientRect().width])"
    )
    assert max(radii, key=lambda r: r[1])[0] == "41"
    box = page.locator(".map-canvas").bounding_box()
    for place in markers.evaluate_all("els => els.map(e => e.getBoundingClientRect().toJSON())"):
        assert box["x"] <= place["x"] and place["x"] + place["width"] <= box["x"] + box["width"]
        assert box["y"] <= place["y"] and place["y"] + place["height"] <= box["y"] + box["height"]
    assert page.locator("#map > .viz-map + .server-content").count() == 1
    watched.check_clean()


def test_map_honours_reduced_motion(browser: Any, server: tuple[str, list[str]]) -> None:
    animated = {}
    for motion in ("no-preference", "reduce"):
        context = browser.new_context(reduced_motion=motion)
        try:
            watched = Watched(context.new_page(), server[0])
            page = watched.goto("map")
            page.wait_for_selector(".leaflet-overlay-pane path.map-place")
            animated[motion] = page.locator(".leaflet-zoom-animated").count()
            watched.check_clean()
        finally:
            context.close()
    assert animated["no-preference"] > 0
    assert animated["reduce"] == 0


def test_map_markers_open_a_text_popup_by_keyboard(watched: Watched) -> None:
    page = watched.goto("map")
    page.wait_for_selector(".leaflet-overlay-pane path.map-place")
    page.focus('path.map-place[data-id="45"]')
    page.keyboard.press("Enter")
    popup = page.wait_for_selector(".map-popup")
    assert popup.query_selector(".map-popup-name").text_content() == "<img src=x onerror=alert(3)>"
    assert "1 mention · 0 events" in popup.text_content()
    assert page.evaluate("document.activeElement.getAttribute('href')") == "/entities/45"
    assert page.locator(".leaflet-container img").count() == 0
    page.keyboard.press("Escape")
    page.wait_for_selector(".map-popup", state="detached")
    assert page.evaluate("document.activeElement.dataset.id") == "45"  # focus goes back
    page.focus('path.map-place[data-id="41"]')
    page.keyboard.press("Enter")
    page.wait_for_selector(".map-popup")
    assert "30 mentions · 4 events" in page.text_content(".map-popup")
    page.keyboard.press("Enter")  # on the focused link
    page.wait_for_url("**/entities/41")
    watched.check_clean()


def test_map_uses_same_origin_tiles_when_given(watched: Watched) -> None:
    page = watched.goto("map-tiles")
    page.wait_for_selector(".leaflet-tile-loaded")
    assert page.locator(".leaflet-overlay-pane path.map-graticule").count() == 0
    assert page.locator(".leaflet-overlay-pane path.map-place").count() == len(MAPPED)
    assert any("/tiles/" in u for u in watched.requests)
    assert page.text_content(".leaflet-control-attribution") == "Tiles <b>local</b> & test"
    watched.check_clean()


def test_map_ignores_a_foreign_tile_server(watched: Watched) -> None:
    page = watched.goto("map-foreign-tiles")
    page.wait_for_selector(".leaflet-overlay-pane path.map-place")
    assert "not on this site" in page.text_content(".viz-map .viz-message")
    assert page.locator(".leaflet-overlay-pane path.map-graticule").count() > 0
    watched.check_clean()


def test_map_without_leaflet_draws_an_svg_plot(watched: Watched) -> None:
    page = watched.goto("map-plain")
    page.wait_for_selector("svg.map-svg")
    links = page.locator("svg.map-svg a.map-place-link")
    assert links.count() == len(MAPPED)
    hrefs = sorted(links.evaluate_all("els => els.map(e => e.getAttribute('href'))"))
    assert hrefs == sorted(f"/entities/{p['id']}" for p in MAPPED)
    assert page.locator("svg.map-svg .map-graticule").count() > 4
    texts = page.eval_on_selector_all(".map-grat-text", "els => els.map(e => e.textContent)")
    assert "45°N" in texts
    assert "<img src=x onerror=alert(3)>" in page.text_content("svg.map-svg")
    page.focus("svg.map-svg a.map-place-link")
    assert page.evaluate("document.activeElement.classList.contains('map-place-link')")
    watched.check_clean()


def test_scripts_do_nothing_without_their_mounts(watched: Watched, server: Any) -> None:
    page = watched.goto("no-mounts")
    page.wait_for_load_state("networkidle")
    assert page.locator(".viz, .viz-message").count() == 0
    assert server[1] == []
    watched.check_clean()
