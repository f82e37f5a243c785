"""The workbench's search against the CLI's and against counts made by hand: the same hits and
snippets, facets over the best matches, and a page that says when ranking was bounded."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

import historiograph.store.search as searching
from historiograph.store.database import Store
from historiograph.store.query import to_fts5
from historiograph.store.search import search
from historiograph.web.searching import FACET_DEPTH


@pytest.mark.parametrize(
    ("query", "offset"),
    [("communist", 2), ("partis*", 2), ('"Red Army" OR Belgrade', 2), ("Verlaci", 0)],
)
def test_the_page_hits_are_the_cli_hits(
    client: TestClient, web_db: Path, query: str, offset: int
) -> None:
    body = client.get("/api/search", params={"q": query, "limit": 7, "offset": offset}).json()
    with Store(web_db, create=False) as store:
        expected = search(store, query, limit=7, offset=offset)
    assert body["items"], query
    got = [
        (i["source_id"], i["match_start"], i["match_end"], i["snippet"], i["score"])
        for i in body["items"]
    ]
    assert got == [(h.source_id, h.match_start, h.match_end, h.snippet, h.score) for h in expected]
    assert [[(m["start"], m["end"]) for m in i["matches"]] for i in body["items"]] == [
        h.snippet_matches for h in expected
    ]


def _facets_by_hand(store: Store, query: str) -> tuple[Counter[str], Counter[int]]:
    """Entity types (distinct entities) and entities (distinct passages) named inside the
    best FACET_DEPTH passages, counted in Python from whole tables."""
    best = [
        row[0]
        for row in store.conn.execute(
            "SELECT rowid FROM passages_fts WHERE passages_fts MATCH ?"
            " ORDER BY bm25(passages_fts), rowid LIMIT ?",
            (to_fts5(query), FACET_DEPTH),
        )
    ]
    passages = {
        row[0]: (row[1], row[2], row[3])
        for row in store.conn.execute('SELECT id, source_id, start, "end" FROM passages')
    }
    mentions = store.conn.execute('SELECT source_id, start, "end", entity_id, type FROM mentions')
    mentions_list = mentions.fetchall()
    typed: dict[str, set[int]] = {}
    named: dict[int, set[int]] = {}
    for passage_id in best:
        source, start, end = passages[passage_id]
        for m_source, m_start, m_end, entity, kind in mentions_list:
            if m_source == source and m_start >= start and m_end <= end:
                typed.setdefault(kind, set()).add(entity)
                named.setdefault(entity, set()).add(passage_id)
    return (
        Counter({k: len(v) for k, v in typed.items()}),
        Counter({k: len(v) for k, v in named.items()}),
    )


@pytest.mark.parametrize("query", ["Tito", "partis*", "the"])
def test_facets_count_the_mentions_inside_the_best_passages(
    client: TestClient, web_db: Path, query: str
) -> None:
    facets: dict[str, Any] = client.get("/api/search", params={"q": query}).json()["facets"]
    with Store(web_db, create=False) as store:
        types, entities = _facets_by_hand(store, query)
    assert types, query
    assert {f["value"]: f["count"] for f in facets["entity_types"]} == dict(types)
    # The fifteen most named (ties broken by name): their counts are the hand counts.
    assert facets["entities"]
    assert all(f["count"] == entities[int(f["value"])] for f in facets["entities"])
    assert facets["entities"][0]["count"] == max(entities.values())


def test_a_prefix_over_its_cap_says_ranking_was_bounded(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(searching, "PREFIX_RANK_CAP", 3)
    body = client.get("/api/search", params={"q": "partis*", "limit": 50}).json()
    assert body["total"] > 3 and body["ranked"] == 3
    assert len(body["items"]) == 3  # only the candidates are ranked, so only they come back
    page = client.get("/search", params={"q": "partis*"}).text
    assert "the best are chosen among the first 3 in document order" in page
    assert "a prefix stands for many words" in page
    # A whole word is not affected by the prefix cap: every match is ranked.
    word = client.get("/api/search", params={"q": "the"}).json()
    assert word["total"] > 3 and word["ranked"] == word["total"]
    assert "chosen among the first" not in client.get("/search", params={"q": "the"}).text


def test_a_common_word_over_the_rank_cap_says_so_without_the_prefix_reason(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(searching, "RANK_CAP", 4)
    body = client.get("/api/search", params={"q": "the"}).json()
    assert body["total"] > 4 and body["ranked"] == 4
    page = client.get("/search", params={"q": "the"}).text
    assert "the best are chosen among the first 4 in document order;" in page
    assert "a prefix stands for many words" not in page
