"""Ranking in the SQLite store: scores apart from snippets, snippets made in a scratch index,
and the bounded candidate set of very common queries (a smaller one for prefixes)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import historiograph.store.search as searching
from historiograph.store.database import Store
from historiograph.store.query import to_fts5
from historiograph.store.search import (
    PREFIX_RANK_CAP,
    RANK_CAP,
    best,
    marked,
    rank_cap,
    search,
)

QUERIES = [
    "Tito",
    "Verlaci",  # the text says Vërlaci: the scratch index must fold diacritics too
    '"Red Army"',
    "partis*",
    "Mihailovi*",
    '"Red Army" OR Belgrade OR Hoxha',
    "Tito NOT Stalin",
    "(Tito OR Stalin) AND Belgrade",
    "the",
]


@pytest.fixture(scope="module")
def store(sample_db: Path) -> Iterator[Store]:
    with Store(sample_db, create=False) as opened:
        yield opened


def _full_ranking(store: Store, query: str, bound: int | None = None) -> list[int]:
    """Every match (or every match up to passage ``bound``) by bm25, straight from FTS5."""
    rows = store.conn.execute(
        "SELECT rowid FROM passages_fts WHERE passages_fts MATCH ? AND rowid <= ?"
        " ORDER BY bm25(passages_fts), rowid",
        (to_fts5(query), (1 << 63) - 1 if bound is None else bound),
    )
    return [row[0] for row in rows]


def _matches_in_document_order(store: Store, query: str) -> list[int]:
    rows = store.conn.execute(
        "SELECT rowid FROM passages_fts WHERE passages_fts MATCH ? ORDER BY rowid",
        (to_fts5(query),),
    )
    return [row[0] for row in rows]


@pytest.mark.parametrize("query", QUERIES)
def test_snippets_from_the_scratch_index_are_the_store_index_own(store: Store, query: str) -> None:
    ranked = best(store, query, limit=50)
    assert ranked, query
    made = marked(store, query, ranked)
    assert [m.passage_id for m in made] == [r.passage_id for r in ranked]
    assert [m.score for m in made] == [r.score for r in ranked]
    for m in made:
        snippet, highlight = store.conn.execute(
            "SELECT snippet(passages_fts, 0, ?, ?, '…', 24), highlight(passages_fts, 0, ?, ?)"
            " FROM passages_fts WHERE passages_fts MATCH ? AND rowid = ?",
            ("\x02", "\x03", "\x02", "\x03", to_fts5(query), m.passage_id),
        ).fetchone()
        assert (m.snippet, m.marked) == (snippet, highlight)
        assert "\x02" in m.marked  # something is marked in every matching passage


@pytest.mark.parametrize("query", QUERIES)
def test_below_the_caps_every_match_is_ranked_by_bm25(store: Store, query: str) -> None:
    # The sample is small: no query reaches a cap, so the order is FTS5's full ranking.
    expected = _full_ranking(store, query)
    assert len(expected) < PREFIX_RANK_CAP
    assert [s.passage_id for s in best(store, query, limit=1000)] == expected
    assert [h.passage_id for h in search(store, query, limit=1000)] == expected
    # Pages of it are slices of the same order.
    assert [h.passage_id for h in search(store, query, limit=3, offset=2)] == expected[2:5]


def test_rank_cap_is_smaller_for_a_prefix() -> None:
    assert PREFIX_RANK_CAP < RANK_CAP
    assert rank_cap("partisans") == RANK_CAP
    assert rank_cap('"red army" OR tito') == RANK_CAP
    assert rank_cap("partis*") == PREFIX_RANK_CAP
    assert rank_cap('"red army" OR partis*') == PREFIX_RANK_CAP
    assert rank_cap("(tito AND partis*) NOT stalin") == PREFIX_RANK_CAP
    # A * inside a phrase is punctuation, not a prefix.
    assert rank_cap('"partis*"') == RANK_CAP


def test_a_prefix_over_its_cap_ranks_its_first_matches_by_bm25(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    query = "th*"
    matches = _matches_in_document_order(store, query)
    assert len(matches) > 12
    monkeypatch.setattr(searching, "PREFIX_RANK_CAP", 8)
    assert rank_cap(query) == 8
    hits = search(store, query, limit=1000)
    # The candidates are the first eight matches in document order...
    assert sorted(h.passage_id for h in hits) == matches[:8]
    # ...in bm25 order among themselves, as FTS5 ranks them.
    assert [h.passage_id for h in hits] == _full_ranking(store, query, bound=matches[7])
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    # A rare word ranks every match: its best hits are unchanged by the prefix cap.
    rare = "Mihailović"
    assert [h.passage_id for h in search(store, rare, limit=5)] == _full_ranking(store, rare)[:5]


def test_a_common_word_over_the_rank_cap_keeps_the_prefix_cap_below_it(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Lowering RANK_CAP under PREFIX_RANK_CAP lowers both: a prefix never ranks more.
    monkeypatch.setattr(searching, "RANK_CAP", 5)
    assert rank_cap("th*") == 5 and rank_cap("the") == 5
    first = _matches_in_document_order(store, "the")[:5]
    assert sorted(h.passage_id for h in search(store, "the", limit=100)) == first


def test_a_passage_gone_since_ranking_is_left_out(store: Store) -> None:
    ranked = best(store, "Tito", limit=5)
    ghost = searching.Scored(passage_id=10**9, score=ranked[0].score)
    made = marked(store, "Tito", [ranked[0], ghost, *ranked[1:]])
    assert [m.passage_id for m in made] == [r.passage_id for r in ranked]
    assert marked(store, "Tito", []) == []
