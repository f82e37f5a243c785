"""The JSON API: shapes (the visualisations' contract), pagination, filters, errors."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from historiograph.web import searching
from support import api_error

ALBANIA = "b338341207bd98f7"


def test_sources_paginate_and_sort(client: TestClient) -> None:
    body = client.get("/api/sources?limit=2").json()
    assert body["ok"] is True and body["total"] == 4 and body["limit"] == 2
    rest = client.get("/api/sources?limit=2&offset=2").json()["items"]
    assert len(body["items"]) == len(rest) == 2
    assert not {s["id"] for s in body["items"]} & {s["id"] for s in rest}
    sizes = [
        s["size_bytes"] for s in client.get("/api/sources?sort=size&order=desc").json()["items"]
    ]
    assert sizes == sorted(sizes, reverse=True)
    by_events = client.get("/api/sources?sort=events&order=desc").json()["items"]
    assert [s["events"] for s in by_events] == sorted(
        (s["events"] for s in by_events), reverse=True
    )
    assert all(s["entities"] > 0 for s in by_events)
    api_error(client.get("/api/sources?sort=sha256"), 422)
    api_error(client.get("/api/sources?limit=0"), 422)
    api_error(client.get("/api/sources?limit=100000"), 422)


def test_source_detail(client: TestClient) -> None:
    body = client.get(f"/api/sources/{ALBANIA}").json()
    assert body["source"]["id"] == ALBANIA
    assert len(body["text"]) == body["source"]["char_count"]
    kinds = {s["kind"] for s in body["spans"]}
    assert {"paragraph", "footnote", "footnote_marker"} <= kinds
    for mention in body["mentions"][:50]:
        assert body["text"][mention["start"] : mention["end"]] == mention["text"]
    assert body["dates"] and body["edits"]
    edit = body["edits"][0]
    assert body["text"][edit["start"] : edit["end"]] == edit["original"]


def test_events_contract(client: TestClient) -> None:
    body = client.get("/api/events").json()
    assert set(body) == {"ok", "items", "total", "limit", "offset"}
    assert body["ok"] is True and body["total"] == len(body["items"]) > 50
    keys = {
        "id", "edtf", "earliest", "latest", "uncertain", "label", "source_id", "source_title",
        "start", "end", "participants", "places",
    }  # fmt: skip
    for event in body["items"]:
        assert set(event) == keys
        assert len(event["earliest"]) == len(event["latest"]) == 10
        for who in event["participants"] + event["places"]:
            assert set(who) == {"id", "name", "type"}
        for place in event["places"]:
            assert place["type"] == "place"
        plain = event["earliest"] == event["latest"] and not any(
            c in event["edtf"] for c in "~?/X%"
        )
        assert event["uncertain"] is (not plain)
    earliest = [e["earliest"] for e in body["items"]]
    assert earliest == sorted(earliest)
    assert any(e["uncertain"] for e in body["items"]) and not all(
        e["uncertain"] for e in body["items"]
    )


def test_events_filters_and_pages(client: TestClient) -> None:
    everything = client.get("/api/events").json()
    page = client.get("/api/events?limit=5&offset=5").json()
    assert page["items"] == everything["items"][5:10]
    assert page["total"] == everything["total"] and page["offset"] == 5
    tito = client.get("/api/entities?q=tito").json()["items"][0]["id"]
    by_id = client.get(f"/api/events?entity={tito}").json()
    by_name = client.get("/api/events?entity=Tito").json()
    assert by_id["total"] == by_name["total"] > 0
    assert all(tito in [p["id"] for p in e["participants"]] for e in by_id["items"])
    from_source = client.get(f"/api/events?source={ALBANIA}").json()["items"]
    assert from_source and all(e["source_id"] == ALBANIA for e in from_source)
    ranged = client.get("/api/events?from=1943&to=1943").json()["items"]
    assert ranged and all(
        e["latest"] >= "1943-01-01" and e["earliest"] <= "1943-12-31" for e in ranged
    )
    placed = client.get("/api/events?type=place").json()["items"]
    assert placed and all(
        any(p["type"] == "place" for p in e["participants"] + e["places"]) for e in placed
    )
    assert "not an EDTF date" in api_error(client.get("/api/events?from=soon"), 400)
    api_error(client.get("/api/events?source=../etc"), 422)


def test_network_contract_and_filters(client: TestClient) -> None:
    body = client.get("/api/network?limit=30").json()
    assert set(body) == {"ok", "nodes", "edges"}
    assert 0 < len(body["edges"]) <= 30
    ids = {n["id"] for n in body["nodes"]}
    for node in body["nodes"]:
        assert set(node) == {"id", "name", "type", "mentions"}
    for edge in body["edges"]:
        assert set(edge) == {"source", "target", "kind", "weight"}
        assert edge["source"] in ids and edge["target"] in ids
        assert isinstance(edge["weight"], float)
    weights = [e["weight"] for e in body["edges"]]
    assert weights == sorted(weights, reverse=True)
    typed = client.get("/api/network?types=member-of,leader-of").json()["edges"]
    assert typed and {e["kind"] for e in typed} <= {"member-of", "leader-of"}
    heavy = client.get("/api/network?min_weight=5").json()["edges"]
    assert heavy and all(e["weight"] >= 5 for e in heavy)


def test_places_contract(client: TestClient) -> None:
    body = client.get("/api/places").json()
    assert set(body) == {"ok", "items"}
    assert body["items"]
    for place in body["items"]:
        assert set(place) == {"id", "name", "lat", "lon", "mentions", "events"}
        assert -90 <= place["lat"] <= 90 and -180 <= place["lon"] <= 180
    albania = next(p for p in body["items"] if p["name"] == "Albania")
    assert client.get(f"/api/places?entity={albania['id']}").json()["items"] == [albania]
    tito = client.get("/api/entities?q=tito").json()["items"][0]["id"]
    assert client.get(f"/api/places?entity={tito}").json()["items"]  # his events' places


def test_entities_and_entity(client: TestClient) -> None:
    body = client.get("/api/entities?type=person&limit=3").json()
    assert body["total"] > 3 and len(body["items"]) == 3
    assert all(e["type"] == "person" for e in body["items"])
    counts = [e["mentions"] for e in body["items"]]
    assert counts == sorted(counts, reverse=True)
    assert client.get("/api/entities?q=100%25").json()["items"] == []  # LIKE wildcards are literal
    tito = client.get("/api/entities?q=tito").json()["items"][0]
    detail = client.get(f"/api/entities/{tito['id']}?limit=3").json()
    assert detail["name"] == "Josip Broz Tito" and detail["mentions_total"] == tito["mentions"]
    assert len(detail["mentions"]) == 3 and detail["events_total"] > 0
    assert {a["name"] for a in detail["aliases"]} >= {"Tito"}
    assert detail["relations"]
    mention = detail["mentions"][0]
    assert mention["context"][mention["start"] - mention["context_start"] :].startswith(
        mention["text"]
    )


def test_search_api(client: TestClient) -> None:
    body = client.get("/api/search?q=communist&limit=3").json()
    assert body["ok"] is True and body["total"] >= 3 and len(body["items"]) == 3
    hit = body["items"][0]
    assert hit["matches"] and hit["snippet"]
    assert {f["label"] for f in body["facets"]["entity_types"]} & {"person", "place"}
    assert sum(f["count"] for f in body["facets"]["sources"]) == body["total"]
    assert body["facets"]["decades"]
    assert body["ranked"] == body["total"]  # few matches: all ranked by relevance
    assert body["total_exact"] is True
    entities = body["facets"]["entities"]
    assert entities and all(
        client.get(f"/api/entities/{f['value']}").status_code == 200 for f in entities
    )
    assert entities == sorted(entities, key=lambda f: -f["count"])
    # Same syntax as the CLI: diacritics ignored, prefixes, phrases.
    assert client.get("/api/search?q=Verlaci").json()["total"] > 0
    assert client.get('/api/search?q="Red Army" OR partis*').json()["total"] > 0
    assert "bad query" in api_error(client.get("/api/search?q=NOT tito"), 400)
    assert "quotation mark" in api_error(client.get('/api/search?q="open'), 400)
    api_error(client.get("/api/search"), 422)


def test_search_counts_up_to_a_cap_and_says_so(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    exact = client.get("/api/search?q=communist&limit=3").json()
    monkeypatch.setattr(searching, "COUNT_CAP", 4)
    capped = client.get("/api/search?q=communist&limit=3").json()
    assert exact["total"] > 4
    assert capped["total"] == 4 and capped["total_exact"] is False
    # The cap is on the count only: the same hits and facets come back.
    assert capped["items"] == exact["items"] and capped["facets"] == exact["facets"]
    assert "More than 4 passages match." in client.get("/search?q=communist").text
    few = client.get("/api/search?q=Verlaci").json()
    assert few["total"] <= 4 and few["total_exact"] is True


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("GET", "/api/sources/0123456789abcdef", 404),
        ("GET", "/api/entities/999999", 404),
        ("GET", "/api/nothing-here", 404),
        ("GET", "/api/entities/abc", 422),
        ("GET", "/api/entities/99999999999999999999999", 422),
        ("GET", "/api/sources/XYZ", 422),
        ("POST", "/api/sources", 405),
        ("POST", "/api/entities/merge", 403),
        ("POST", "/api/entities/1/rename", 403),
    ],
)
def test_api_errors_have_one_shape(client: TestClient, method: str, url: str, status: int) -> None:
    api_error(client.request(method, url, json={"name": "x", "ids": [1, 2]}), status)


@pytest.mark.parametrize(
    ("url", "status"),
    [("/sources/0123456789abcdef", 404), ("/entities/999999", 404), ("/nowhere", 404),
     ("/entities/x", 422), ("/timeline?page=0", 422)],
)  # fmt: skip
def test_page_errors_are_small_pages(client: TestClient, url: str, status: int) -> None:
    page = client.get(url)
    assert page.status_code == status
    assert page.headers["content-type"].startswith("text/html")
    assert f"<h1>{status}" in page.text and 'role="alert"' in page.text


def test_openapi_documents_the_api_only(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = set(spec["paths"])
    assert {
        "/api/sources", "/api/sources/{source_id}", "/api/entities", "/api/entities/{entity_id}",
        "/api/events", "/api/network", "/api/places", "/api/search",
        "/api/entities/{entity_id}/rename", "/api/entities/merge", "/api/claim-groups",
    } == paths  # fmt: skip
    schemas = spec["components"]["schemas"]
    assert {"EventsPage", "EventOut", "NetworkOut", "PlacesOut", "ErrorBody"} <= set(schemas)
    events = spec["paths"]["/api/events"]["get"]["responses"]
    assert events["422"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorBody")
    assert client.get("/docs").status_code == 404  # the docs UI would need a CDN


def test_store_failure_is_a_503_in_the_error_shape(web_db: Any, tmp_path: Any) -> None:
    import shutil

    from historiograph.web import create_app

    copy = tmp_path / "gone.db"
    shutil.copyfile(web_db, copy)
    with TestClient(create_app(copy)) as gone:
        copy.unlink()
        assert "no knowledge base" in api_error(gone.get("/api/sources"), 503)
        assert not copy.exists()  # serving never creates a base


def test_unexpected_crash_is_a_500_with_headers(client: TestClient, monkeypatch: Any) -> None:
    from historiograph.web import queries

    def explode(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom\nsecret traceback")

    monkeypatch.setattr(queries, "list_sources", explode)
    response = client.get("/api/sources")
    assert "boom" not in api_error(response, 500)
    assert "default-src 'self'" in response.headers["content-security-policy"]
    page = client.get("/")
    assert page.status_code == 500 and "<h1>500" in page.text
