"""End to end in a real browser: Playwright drives Debian's Chromium over a live server.

The workbench runs under uvicorn on 127.0.0.1 over the sample knowledge base. Each test
watches the page for console errors, uncaught exceptions, dialogs (an injected ``alert``)
and any request that would leave 127.0.0.1, and fails on any of them.

Screenshots of every page go to a temporary folder, or to the folder named by
``HISTORIOGRAPH_SCREENSHOTS`` (``docs/screenshots`` refreshes the README's pictures).
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import uvicorn

from historiograph.store.database import Store
from historiograph.web import create_app

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    if os.environ.get("CI"):
        raise RuntimeError(f"{CHROMIUM} is missing: CI installs it with apt-get (see .ci/run)")
    pytest.skip(f"browser tests need Debian's chromium at {CHROMIUM}", allow_module_level=True)

from playwright.sync_api import ConsoleMessage, Page, Request, Response, sync_playwright  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def server(web_db: Path) -> Iterator[str]:
    config = uvicorn.Config(
        create_app(web_db), host="127.0.0.1", port=_free_port(), log_level="warning"
    )
    live = uvicorn.Server(config)
    thread = threading.Thread(target=live.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not live.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the workbench did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{config.port}"
    live.should_exit = True
    thread.join(timeout=10)


@dataclass
class Watch:
    """What a page did that it must not: errors, dialogs, requests off this machine."""

    problems: list[str] = field(default_factory=list)
    expected_status: set[int] = field(default_factory=set)  # e.g. a bad query's 400

    def console(self, message: ConsoleMessage) -> None:
        if message.type == "error" and not any(
            f"status of {status}" in message.text for status in self.expected_status
        ):
            self.problems.append(f"console error: {message.text}")

    def response(self, response: Response) -> None:
        if response.status >= 400 and response.status not in self.expected_status:
            self.problems.append(f"{response.status} for {response.url}")

    def request(self, request: Request) -> None:
        host = urlsplit(request.url).hostname
        if request.url.startswith(("data:", "blob:", "about:")):
            return
        if host != "127.0.0.1":
            self.problems.append(f"request left 127.0.0.1: {request.url}")


@pytest.fixture(scope="module")
def browser_page(server: str) -> Iterator[tuple[Page, Watch]]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM))
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        watch = Watch()
        page.on("console", watch.console)
        page.on("request", watch.request)
        page.on("response", watch.response)
        page.on("pageerror", lambda error: watch.problems.append(f"page error: {error}"))
        page.on("dialog", lambda dialog: watch.problems.append(f"dialog: {dialog.message}"))
        yield page, watch
        browser.close()


@pytest.fixture
def watch(browser_page: tuple[Page, Watch]) -> Iterator[Watch]:
    _, watch = browser_page
    watch.problems.clear()
    watch.expected_status.clear()
    yield watch
    assert watch.problems == []


@pytest.fixture
def page(browser_page: tuple[Page, Watch], watch: Watch) -> Page:
    return browser_page[0]


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = os.environ.get("HISTORIOGRAPH_SCREENSHOTS")
    target = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    target.mkdir(parents=True, exist_ok=True)
    return target


def _ids(web_db: Path) -> dict[str, str]:
    """A source with the most events and the entity with the most mentions in it."""
    with Store(web_db, create=False) as store:
        source = store.conn.execute(
            "SELECT source_id FROM events GROUP BY source_id ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()[0]
        person = store.conn.execute(
            "SELECT e.id FROM entities AS e JOIN mentions AS m ON m.entity_id = e.id"
            " WHERE e.type = 'person' GROUP BY e.id ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()[0]
        place = store.conn.execute(
            "SELECT id FROM entities WHERE type = 'place' AND latitude IS NOT NULL LIMIT 1"
        ).fetchone()[0]
    return {"source": source, "person": str(person), "place": str(place)}


PAGES = {
    "library": "/",
    "reader": "/sources/{source}",
    "entity": "/entities/{person}",
    "place": "/entities/{place}",
    "timeline": "/timeline",
    "network": "/network",
    "map": "/map",
    "search": "/search?q=Tito",
}


@pytest.mark.parametrize("name", PAGES)
def test_every_page_loads_cleanly(
    name: str, page: Page, server: str, web_db: Path, shots: Path
) -> None:
    response = page.goto(server + PAGES[name].format(**_ids(web_db)))
    assert response is not None and response.status == 200
    page.wait_for_load_state("networkidle")
    assert page.locator("main h1").count() == 1
    if name in {"timeline", "entity"}:
        page.locator("#timeline svg").first.wait_for()
    if name == "network":
        assert page.locator("#network svg a").count() > 5
    if name in {"map", "place"}:
        assert page.locator("#map .leaflet-interactive").count() >= 1
    page.screenshot(path=str(shots / f"{name}.png"), full_page=False)


def test_from_a_highlight_to_its_entity_to_the_timeline_and_back_to_the_evidence(
    page: Page, server: str, web_db: Path
) -> None:
    page.goto(f"{server}/sources/{_ids(web_db)['source']}")
    highlight = page.locator("#text a.mention.t-person").first
    name = highlight.inner_text()
    highlight.click()
    page.wait_for_url(re.compile(r"/entities/\d+$"))
    assert page.locator("main h1").inner_text().strip()
    assert name in page.locator(".aliases").inner_text()

    page.get_by_role("link", name="On the timeline").click()
    page.wait_for_url(re.compile(r"/timeline\?entity=\d+"))
    evidence = page.locator("ol.timeline-list a.evidence").first
    start, end = map(int, re.findall(r"\d+", evidence.inner_text())[-2:])
    evidence.click()
    page.wait_for_url(re.compile(rf"/sources/[0-9a-f]+.*#c={start}-{end}$"))
    marked = page.locator("#text mark.range")
    marked.first.wait_for()
    assert marked.first.is_visible()
    shown = "".join(marked.all_inner_texts())
    with Store(web_db, create=False) as store:
        source = re.search(r"/sources/([0-9a-f]+)", page.url)
        assert source is not None
        original = store.original_text(source.group(1))
    assert shown == original[start:end]


def test_search_from_the_form(page: Page, watch: Watch, server: str) -> None:
    page.goto(server + "/search")
    page.fill("#q", '"Red Army" OR partis*')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert re.search(r"/search\?q=", page.url)
    assert page.locator("main mark, main .snippet mark").count() > 0
    watch.expected_status.add(400)  # a bad query is the user's error, shown as a message
    page.fill("#q", '"unclosed')
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    response = navigation.value
    assert response is not None and response.status == 400
    assert "quote" in page.locator("main").inner_text().lower()


def test_filter_the_timeline(page: Page, server: str, web_db: Path) -> None:
    page.goto(server + "/timeline")
    everything = page.locator("ol.timeline-list > li").count()
    page.fill("input[name=from]", "1943")
    page.fill("input[name=to]", "1943")
    with page.expect_navigation():
        page.get_by_role("button", name="Filter").click()
    assert "from=1943" in page.url
    badges = page.locator("ol.timeline-list > li .badge, ol.timeline-list > li time")
    filtered = page.locator("ol.timeline-list > li").count()
    assert 0 < filtered <= everything
    assert all("1943" in text for text in badges.all_inner_texts() if re.search(r"\d{4}", text))
    page.locator("#timeline svg").first.wait_for()
    drawn = page.locator("#timeline svg a").count()
    assert drawn >= filtered
