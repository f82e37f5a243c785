"""Hostile sources stay inert text; headers, tokens, hosts, edits and paths are locked down."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from historiograph.errors import HistoriographError
from historiograph.web import create_app

TOKEN = "read-token-123"
EDIT = "edit-token-456"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
# The only script tags a page may have: external files of our own origin, no inline code.
ALLOWED_SCRIPT = re.compile(r'<script (?:type="module" )?src="/static/[\w/.-]+\.js"></script>')


class _Tags(HTMLParser):
    """Every element and attribute a browser would build from a page."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self.scripts: list[dict[str, str | None]] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("img", "iframe", "object", "embed", "style", "base", "svg", "math"):
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in ("style", "srcdoc", "formaction"):
                self.problems.append(f"{tag} {name}=")
            external = ("javascript:", "data:", "//", "http")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith(
                external
            ):
                self.problems.append(f"{tag} {name}={value}")
        if tag == "script":
            self.scripts.append(dict(attrs))
            self._in_script = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.problems.append(f"inline script {data[:40]!r}")


def _hostile_urls(client: TestClient) -> list[str]:
    sources = client.get("/api/sources").json()["items"]
    entities = client.get("/api/entities?limit=500").json()["items"]
    urls = ["/", "/entities", "/timeline", "/network", "/map"]
    urls += [f"/sources/{s['id']}" for s in sources]
    urls += [f"/entities/{e['id']}" for e in entities]
    urls += [
        "/search?q=alert",
        "/search?q=script",
        "/search?q=" + "<script>alert(1)</script>",
        '/search?q="><img src=x onerror=alert(1)>',
        "/timeline?entity=<script>alert(1)</script>&from=<b>",
        '/entities?q="><img src=x onerror=alert(1)>',
    ]
    return urls


def test_hostile_sources_are_stored_as_given(hostile_client: TestClient) -> None:
    sources = hostile_client.get("/api/sources").json()["items"]
    assert len(sources) == 3
    titles = {s["title"] for s in sources}
    assert "<script>alert(1)</script>" in titles  # from the sidecar
    texts = "".join(hostile_client.get(f"/api/sources/{s['id']}").json()["text"] for s in sources)
    assert "<script>alert(1)</script>" in texts
    assert 'href="javascript:alert(1)"' in texts
    assert "&lt;b&gt;" in texts


def test_hostile_text_is_inert_on_every_page(hostile_client: TestClient) -> None:
    urls = _hostile_urls(hostile_client)
    assert len(urls) > 12
    for url in urls:
        response = hostile_client.get(url)
        assert response.status_code in (200, 400), url
        html = response.text
        assert "<script>alert" not in html, url
        assert "<img" not in html, url
        assert 'href="javascript:' not in html.lower(), url
        assert "<b>" not in html, url
        for tag in re.findall(r"<script[^>]*>.*?</script>", html, flags=re.S):
            assert ALLOWED_SCRIPT.fullmatch(tag), (url, tag)
        tags = _Tags()
        tags.feed(html)
        assert not tags.problems, (url, tags.problems)
        assert all(str(s.get("src", "")).startswith("/static/") for s in tags.scripts), url


def test_hostile_text_reads_as_text(hostile_client: TestClient) -> None:
    source = next(
        s
        for s in hostile_client.get("/api/sources").json()["items"]
        if s["path"].endswith("hostile.txt")
    )
    page = hostile_client.get(f"/sources/{source['id']}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;a href=&#34;javascript:alert(1)&#34;&gt;x&lt;/a&gt;" in page
    assert "&amp;lt;b&amp;gt;Partisans" in page  # the literal "&lt;b&gt;" of the source
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    library = hostile_client.get("/").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in library  # the sidecar title


def test_every_response_has_the_security_headers(client: TestClient) -> None:
    for url in (
        "/", "/timeline", "/api/events?limit=1", "/static/app.css", "/nowhere", "/api/nowhere",
        "/static/vendor/leaflet/leaflet.css", "/openapi.json", "/entities/x",
    ):  # fmt: skip
        headers = client.get(url).headers
        assert headers["content-security-policy"] == CSP, url
        assert headers["x-content-type-options"] == "nosniff", url
        assert headers["referrer-policy"] == "no-referrer", url


def test_tile_host_is_allowed_for_images_only(web_db: Path) -> None:
    app = create_app(web_db, tile_url="https://{s}.tiles.example.org/{z}/{x}/{y}.png")
    with TestClient(app) as tiles:
        csp = tiles.get("/map").headers["content-security-policy"]
        assert "img-src 'self' data: https://*.tiles.example.org;" in csp
        assert csp.count("example.org") == 1
        page = tiles.get("/map").text
        assert 'data-tile-url="https://{s}.tiles.example.org/{z}/{x}/{y}.png"' in page
    for bad in ("javascript:alert(1)", "https://x.org; script-src *", "ftp://x.org/{z}"):
        with pytest.raises(HistoriographError):
            create_app(web_db, tile_url=bad)


def test_leaflet_is_served_locally(client: TestClient) -> None:
    assert client.get("/static/vendor/leaflet/leaflet.js").status_code == 200
    assert client.get("/static/vendor/leaflet/leaflet.css").status_code == 200
    for url in ("/", "/map", "/timeline", "/network"):
        html = client.get(url).text
        assert not re.search(r'(?:src|href)="(?:https?:)?//', html), url


@pytest.mark.parametrize(
    "url",
    [
        "/sources/..%2F..%2Fetc%2Fpasswd",
        "/sources/%2e%2e%2f%2e%2e%2fpyproject.toml",
        "/api/sources/..%2F..%2Fetc%2Fpasswd",
        "/api/sources/..%5c..%5cwin.ini",
        "/api/sources/%00",
        "/api/entities/1%2F..%2F..",
        "/api/entities/-1",
        "/static/..%2F..%2F..%2Fpyproject.toml",
        "/static/%2e%2e/%2e%2e/store/database.py",
        "/static/vendor/leaflet/..%2F..%2F__init__.py",
        "/api/events?source=..%2F..%2Fetc",
    ],
)
def test_paths_cannot_escape(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code in (404, 422), url
    assert "root:" not in response.text and "[project]" not in response.text
    assert "import " not in response.text


def test_dns_rebinding_is_refused_without_a_token(client: TestClient) -> None:
    response = client.get("/api/sources", headers={"host": "evil.example:8000"})
    assert response.status_code == 400
    assert response.json()["ok"] is False
    assert client.get("/api/sources", headers={"host": "127.0.0.1:8000"}).status_code == 200
    assert client.get("/", headers={"host": "localhost:8000"}).status_code == 200


@pytest.fixture
def locked(web_db: Path) -> TestClient:
    return TestClient(create_app(web_db, token=TOKEN), base_url="http://192.0.2.7:8000")


def test_token_is_needed_everywhere(locked: TestClient) -> None:
    for url in ("/", "/api/sources", "/static/app.css", "/openapi.json", "/nowhere"):
        response = locked.get(url)
        assert response.status_code == 401, url
        assert "content-security-policy" in response.headers
    body = locked.get("/api/events").json()
    assert body == {"ok": False, "error": body["error"], "status": 401}
    assert "<h1>401" in locked.get("/").text
    assert locked.get("/", headers={"authorization": "Bearer wrong-token"}).status_code == 401
    assert locked.get("/?token=wrong-token").status_code == 401


def test_bearer_token_opens(locked: TestClient) -> None:
    auth = {"authorization": f"Bearer {TOKEN}"}
    assert locked.get("/api/sources", headers=auth).json()["total"] == 4
    assert locked.get("/", headers=auth).status_code == 200


def test_query_token_sets_a_strict_cookie_once(locked: TestClient) -> None:
    first = locked.get(f"/timeline?token={TOKEN}&entity=Tito", follow_redirects=False)
    assert first.status_code == 303
    assert first.headers["location"] == "/timeline?entity=Tito"
    cookie = first.headers["set-cookie"]
    assert f"historiograph_token={TOKEN}" in cookie
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    # The client keeps the cookie: later requests need nothing else.
    assert locked.get("/timeline?entity=Tito").status_code == 200
    assert locked.get("/api/places").status_code == 200
    assert locked.get("/static/app.css").status_code == 200


def test_query_token_redirect_stays_on_this_site(locked: TestClient) -> None:
    response = locked.get(f"//evil.example/?token={TOKEN}", follow_redirects=False)
    location = response.headers.get("location", "")
    assert not location.startswith("//") and "evil.example" not in location.split("?")[0][:20]


def test_malformed_tokens_are_refused(web_db: Path) -> None:
    for bad in ("short", "has space in it", "semi;colon-token"):
        with pytest.raises(HistoriographError):
            create_app(web_db, token=bad)


def _entity(client: TestClient, name: str) -> dict[str, Any]:
    found = client.get("/api/entities", params={"q": name}).json()["items"]
    return dict(found[0])


def test_edits_need_the_edit_token(db_copy: Path) -> None:
    with TestClient(create_app(db_copy)) as read_only:
        tito = _entity(read_only, "Tito")
        response = read_only.post(f"/api/entities/{tito['id']}/rename", json={"name": "Broz"})
        assert response.status_code == 403 and "read-only" in response.json()["error"]
    with TestClient(create_app(db_copy, edit_token=EDIT)) as editable:
        url = f"/api/entities/{tito['id']}/rename"
        assert editable.post(url, json={"name": "Broz"}).status_code == 403
        wrong = editable.post(url, json={"name": "Broz"}, headers={"x-edit-token": "nope-nope"})
        assert wrong.status_code == 403
        assert editable.get(f"/api/entities/{tito['id']}").json()["name"] == "Josip Broz Tito"


def test_rename_and_merge_with_the_edit_token(db_copy: Path) -> None:
    headers = {"x-edit-token": EDIT}
    with TestClient(create_app(db_copy, edit_token=EDIT)) as editable:
        tito = _entity(editable, "Tito")
        renamed = editable.post(
            f"/api/entities/{tito['id']}/rename", json={"name": "Marshal Tito"}, headers=headers
        )
        assert renamed.status_code == 200, renamed.text
        assert renamed.json()["ok"] is True
        assert editable.get(f"/api/entities/{tito['id']}").json()["name"] == "Marshal Tito"
        stalin = _entity(editable, "Stalin")
        merged = editable.post(
            "/api/entities/merge", json={"ids": [tito["id"], stalin["id"]]}, headers=headers
        )
        assert merged.status_code == 200, merged.text
        after = editable.get(f"/api/entities/{tito['id']}").json()
        assert after["mentions_total"] == tito["mentions"] + stalin["mentions"]
        missing = editable.post(
            "/api/entities/merge", json={"ids": [tito["id"], 999999]}, headers=headers
        )
        assert missing.status_code == 404 and missing.json()["ok"] is False
        invalid = editable.post("/api/entities/merge", json={"ids": [1]}, headers=headers)
        assert invalid.status_code == 422 and invalid.json()["ok"] is False
        form = editable.post(
            "/api/entities/merge",
            content="ids=1&ids=2",
            headers={**headers, "content-type": "application/x-www-form-urlencoded"},
        )
        assert form.status_code == 422  # only JSON bodies: no cross-site form can edit
