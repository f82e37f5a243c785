"""Full-text search for the workbench: a page of the CLI's ranked hits, a total, and facets.

The hits come from :func:`historiograph.store.search.search` (same syntax, same ranking, same
offsets into the original text); totals and facets are aggregates over the same FTS5 match.
On a PostgreSQL base the hits come from its store's ``search`` and the total and the facets'
passages from the same ``tsvector`` match and ranking (docs/postgresql.md); the facet
queries are the same SQL on both.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from historiograph.errors import QueryError, StoreError
from historiograph.store.database import Store
from historiograph.store.dialect import sql_connection
from historiograph.store.query import to_fts5
from historiograph.store.search import SearchHit, best, hits_for, marked, rank_cap
from historiograph.web.schemas import Facets, FacetValue, HitOut, Range

if TYPE_CHECKING:
    from historiograph.store.dialect import AnyConnection
    from historiograph.store.opening import AnyStore
    from historiograph.store.postgres.store import PostgresStore

# Ranked hits cost work per hit (their offsets are mapped back through the source's repairs),
# so pages reach this deep and no deeper.
MAX_SEARCH_DEPTH = 1000
FACET_DEPTH = 200
# Counting every match reads a common word's whole posting list: 17.5 CPU-ms for 318,000 matches
# on a 10,000-source base, so about 1.8 s on a million sources, on every view of the page.
# Counting stops here instead, and the page says "more than"; nobody pages past 1,000 hits.
COUNT_CAP = 100_000


@dataclass(frozen=True, slots=True)
class SearchPage:
    """One page of hits, how many passages match, and the facets of the best matches."""

    items: list[HitOut]
    total: int  # COUNT_CAP when more match (then ``exact`` is False)
    exact: bool
    facets: Facets

    @classmethod
    def counted(cls, items: list[HitOut], counted: int, facets: Facets) -> SearchPage:
        """The page for a count taken with ``LIMIT COUNT_CAP + 1``: one past the cap says more."""
        return cls(items, min(counted, COUNT_CAP), counted <= COUNT_CAP, facets)


def _aggregate(conn: sqlite3.Connection, query: str, sql: str, expression: str) -> list[Any]:
    try:
        return conn.execute(sql, (expression,)).fetchall()
    except sqlite3.OperationalError as e:
        raise QueryError(query, str(e), "simplify the query") from e


def search_page(store: AnyStore, query: str, *, limit: int, offset: int) -> SearchPage:
    """Hits ``offset`` to ``offset + limit``, how many passages match (up to COUNT_CAP), and
    facet counts.

    One ranking serves both the page and the facets, which count over the best
    FACET_DEPTH matches: counting over every match of a common word joins tens of
    thousands of passages to their mentions and events on a large base. The ranking
    scores only; snippets are made for the page's hits alone.
    """
    if not isinstance(store, Store):
        return _postgres_page(store, query, limit=limit, offset=offset)
    expression = to_fts5(query)  # raises QueryError, with a hint, on a malformed query
    conn = store.conn
    # Counted in the index alone: a join to passages per match would cost more than the rest.
    # The LIMIT stops FTS5's walk of the posting lists one past the cap.
    counted = int(
        _aggregate(
            conn,
            query,
            "SELECT count(*) FROM (SELECT 1 FROM passages_fts WHERE passages_fts MATCH ?"
            f" LIMIT {COUNT_CAP + 1})",
            expression,
        )[0][0]
    )
    depth = min(max(offset + limit, FACET_DEPTH), MAX_SEARCH_DEPTH)
    ranked = best(store, query, limit=depth) if counted else []
    page = hits_for(store, marked(store, query, ranked[offset : offset + limit]))
    return SearchPage.counted(
        _items(page), counted, _facets(conn, [r.passage_id for r in ranked[:FACET_DEPTH]])
    )


def _postgres_page(store: PostgresStore, query: str, *, limit: int, offset: int) -> SearchPage:
    """search_page on PostgreSQL: its store's hits, and the total and facets of the match."""
    import psycopg

    from historiograph.store.postgres.tsquery import to_tsquery

    tsquery = to_tsquery(query)  # raises QueryError, with a hint, on a malformed query
    q = tsquery.sql
    words = tsquery.params
    try:
        with store.conn.transaction():
            # The top-N sort of rank_cap (id, tsvector) rows stays in memory, as the store's
            # own search keeps it.
            store.conn.execute("SET LOCAL work_mem = '64MB'")
            row = store.conn.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM passages WHERE tsv @@ {q}"
                f" LIMIT {COUNT_CAP + 1}) AS m",
                words,
                prepare=False,
            ).fetchone()
            counted = int(row[0]) if row else 0
            # The facets' passages: the best FACET_DEPTH by the ranking the hits have.
            ranked = (
                [
                    int(r[0])
                    for r in store.conn.execute(
                        f"SELECT m.id FROM (SELECT id, tsv FROM passages WHERE tsv @@ {q}"
                        f" ORDER BY id LIMIT %s) AS m ORDER BY ts_rank(m.tsv, {q}) DESC, m.id"
                        " LIMIT %s",
                        (*words, rank_cap(query), *words, FACET_DEPTH),
                        prepare=False,
                    )
                ]
                if counted
                else []
            )
    except psycopg.Error as e:
        raise StoreError(f"{store.path}: search failed ({e})") from e
    reach = min(offset + limit, MAX_SEARCH_DEPTH) - offset
    page = store.search(query, limit=reach, offset=offset) if counted and reach > 0 else []
    return SearchPage.counted(_items(page), counted, _facets(store.conn, ranked))


def _items(page: list[SearchHit]) -> list[HitOut]:
    return [
        HitOut(
            source_id=h.source_id,
            title=h.title,
            start=h.start,
            end=h.end,
            match_start=h.match_start,
            match_end=h.match_end,
            snippet=h.snippet,
            matches=[Range(start=s, end=e) for s, e in h.snippet_matches],
            score=h.score,
        )
        for h in page
    ]


def _facets(conn: AnyConnection, passages: list[int]) -> Facets:
    db = sql_connection(conn)
    ids = ", ".join(str(int(p)) for p in passages) or "NULL"
    # Grouped by the source's id and what is shown of it (PostgreSQL asks for every
    # column selected that is not aggregated); text in byte order on both stores.
    sources = db.query(
        "SELECT p.source_id, coalesce(s.title, s.path), count(*) AS n FROM passages AS p"
        f" JOIN sources AS s ON s.id = p.source_id WHERE p.id IN ({ids})"
        " GROUP BY p.source_id, s.title, s.path ORDER BY n DESC, p.source_id COLLATE BINARY"
        " LIMIT 20"
    ).fetchall()
    # A mention inside a passage starts inside it too: saying so lets the index read just
    # the passage's mentions, not every mention from the passage's start to its source's end.
    inside = (
        'm.source_id = p.source_id AND m.start >= p.start AND m.start <= p."end"'
        ' AND m."end" <= p."end"'
    )
    # Entities named inside the matching passages, counted once per entity.
    types = db.query(
        f"SELECT m.type, count(DISTINCT m.entity_id) AS n FROM passages AS p"
        f" JOIN mentions AS m ON {inside} WHERE p.id IN ({ids})"
        " GROUP BY m.type ORDER BY n DESC, m.type COLLATE BINARY"
    ).fetchall()
    # The entities named most often in the matching passages.
    entities = db.query(
        "SELECT e.id, e.name, count(DISTINCT p.id) AS n FROM passages AS p"
        f" JOIN mentions AS m ON {inside} JOIN entities AS e ON e.id = m.entity_id"
        f" WHERE p.id IN ({ids}) GROUP BY e.id ORDER BY n DESC, e.name COLLATE BINARY, e.id"
        " LIMIT 15"
    ).fetchall()
    # Matching passages by the decade of the events they state.
    decades = db.query(
        "SELECT substr(e.earliest, 1, 3) || '0s' AS decade, count(DISTINCT p.id) AS n"
        " FROM passages AS p JOIN events AS e ON e.source_id = p.source_id"
        f' AND e.start < p."end" AND e."end" > p.start WHERE p.id IN ({ids})'
        # By the expression, not its name: PostgreSQL takes a name alone, not with COLLATE.
        " GROUP BY substr(e.earliest, 1, 3) ORDER BY substr(e.earliest, 1, 3) COLLATE BINARY"
    ).fetchall()
    return Facets(
        sources=[FacetValue(value=r[0], label=str(r[1]), count=r[2]) for r in sources],
        entities=[FacetValue(value=str(r[0]), label=r[1], count=r[2]) for r in entities],
        entity_types=[FacetValue(value=r[0], label=r[0], count=r[1]) for r in types],
        decades=[FacetValue(value=r[0], label=r[0], count=r[1]) for r in decades],
    )
