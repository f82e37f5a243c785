"""Points of contention: the page, its filters, the /api/claim-groups contract and its errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from historiograph import Store
from historiograph.web import contention
from support import api_error

RED_ARMY = "b15ec8df0089f452"  # "Enter the Red Army"
SAVICH = "b9c9eff099c23c9b"  # "Tito's Communist Partisans Collaborated with the Nazis"


def test_the_page_lists_groups_side_by_side(client: TestClient) -> None:
    page = client.get("/contention")
    assert page.status_code == 200
    html = page.text
    assert "<h1>Points of contention</h1>" in html
    assert '<a href="/contention" aria-current="page">' in html  # in the site's nav
    assert html.count('class="group cls-') == min(
        20, client.get("/api/claim-groups").json()["total"]
    )
    # Each classification reads without colour: a mark and the word.
    assert "✗ contradict" in html and "= agree" in html
    assert re.search(r'href="/sources/[0-9a-f]{16}(\?part=\d+)?#c=\d+-\d+"', html)
    assert "Enter the Red Army" in html  # a member's source title
    assert '<figure class="side">' in html


def test_the_page_filters(client: TestClient) -> None:
    contradict = client.get("/contention?classification=contradict").text
    assert 'class="group cls-contradict"' in contradict
    assert 'class="group cls-agree"' not in contradict
    assert "retain command" in contradict and "Soviet tanks" in contradict
    between = client.get(f"/contention?source={RED_ARMY}&source={SAVICH[:6]}")
    assert between.status_code == 200 and "retain command" in between.text
    assert f'<option value="{RED_ARMY}" selected>' in between.text
    nobody = client.get("/contention?entity=Nobody+Ever+Named")
    assert nobody.status_code == 200 and "No groups match." in nobody.text
    bad = client.get("/contention?classification=maybe")
    assert bad.status_code == 400 and 'role="alert"' in bad.text
    assert client.get("/contention?source=xyz").status_code == 400
    pages = client.get("/contention?limit=2&page=2").text
    assert 'rel="prev"' in pages and 'start="3"' in pages


def test_the_api_contract(client: TestClient) -> None:
    body = client.get("/api/claim-groups").json()
    assert set(body) == {"ok", "items", "total", "limit", "offset"}
    # The sample gives 9 groups (tests/compare/test_compare_gate.py).
    assert body["ok"] is True and body["total"] >= 5 and body["limit"] == 50
    group = body["items"][0]
    assert set(group) == {
        "id", "kind", "label", "classification", "reason", "score", "entities", "sources",
        "members",
    }  # fmt: skip
    scores = [g["score"] for g in body["items"]]
    assert scores == sorted(scores, reverse=True)
    for g in body["items"]:
        assert len(g["sources"]) >= 2
        for m in g["members"]:
            assert m["link"].startswith(f"/sources/{m['source']}")
            assert m["link"].endswith(f"#c={m['start']}-{m['end']}")
            text = client.get(f"/api/sources/{m['source']}").json()["text"]
            assert text[m["start"] : m["end"]] == m["text"]
            break  # one member per group is enough to check the offsets


def test_the_api_filters_and_paginates(client: TestClient) -> None:
    total = client.get("/api/claim-groups").json()["total"]
    counts = [
        client.get(f"/api/claim-groups?classification={c}").json()["total"]
        for c in ("agree", "differ", "contradict", "contested")
    ]
    assert sum(counts) == total
    [tito] = [
        g
        for g in client.get("/api/claim-groups?classification=contradict&entity=Tito").json()[
            "items"
        ]
        if any("retain command" in m["text"] for m in g["members"])
    ]
    assert "opposite autonomy" in tito["reason"]
    between = client.get(f"/api/claim-groups?source={RED_ARMY}&source={SAVICH}").json()
    assert between["total"] >= 1
    assert all({RED_ARMY, SAVICH} <= set(g["sources"]) for g in between["items"])
    first = client.get("/api/claim-groups?limit=2").json()["items"]
    second = client.get("/api/claim-groups?limit=2&offset=2").json()["items"]
    assert len(first) == len(second) == 2
    assert not {g["id"] for g in first} & {g["id"] for g in second}


def test_the_api_errors_have_the_one_shape(client: TestClient) -> None:
    assert "classification" in api_error(client.get("/api/claim-groups?classification=maybe"), 422)
    assert "not a source id" in api_error(client.get("/api/claim-groups?source=xyz"), 400)
    api_error(client.get("/api/claim-groups?limit=0"), 422)
    api_error(client.get("/api/claim-groups?entity=" + "x" * 301), 422)


def test_the_api_is_documented(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    operation = spec["paths"]["/api/claim-groups"]["get"]
    assert operation["summary"].startswith("Points of contention")
    assert {p["name"] for p in operation["parameters"]} >= {
        "classification", "entity", "source", "limit", "offset"
    }  # fmt: skip
    assert "ClaimGroupsPage" in str(operation["responses"]["200"])
    assert "ErrorBody" in str(operation["responses"]["400"])


def test_hostile_text_is_inert_on_the_page(hostile_client: TestClient) -> None:
    for url in ("/contention", "/contention?entity=<script>alert(1)</script>"):
        html = hostile_client.get(url).text
        assert "<script>alert" not in html and "<img" not in html
        assert "style=" not in html and "<script>" not in html


def test_the_menus_offer_only_sources_with_groups_and_stay_bounded(
    client: TestClient, web_db: Path
) -> None:
    with Store(web_db, create=False) as store:
        grouped = {
            str(r[0]) for r in store.conn.execute("SELECT source_id FROM claim_group_members")
        }
        everyone = {str(r[0]) for r in store.conn.execute("SELECT id FROM sources")}
        offered, cut = contention.source_choices(store.conn)
        assert {i for i, _ in offered} == grouped and not cut
        # Cut to one: the first by id, and a source chosen by prefix joins it so the URL's
        # filter still shows as selected; an ambiguous or unknown prefix adds nothing.
        first, other = sorted(grouped)[:2]
        one, cut = contention.source_choices(store.conn, limit=1)
        assert [i for i, _ in one] == [first] and cut
        two, _ = contention.source_choices(store.conn, [other[:5]], limit=1)
        assert {i for i, _ in two} == {first, other}
        assert len(contention.source_choices(store.conn, ["", "f" * 16], limit=1)[0]) == 1
    html = client.get("/contention").text
    for source in everyone - grouped:
        assert f'<option value="{source}"' not in html
    assert "The menus offer the first" not in html  # the sample's menus are whole


def test_a_cut_menu_says_so(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(contention, "MENU_SOURCES", 1)
    page = client.get(f"/contention?source={SAVICH}")
    assert "The menus offer the first 1 sources with groups" in page.text
    assert f'<option value="{SAVICH}" selected>' in page.text
