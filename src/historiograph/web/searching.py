"""Full-text search for the workbench: a page of the CLI's ranked hits, a total, and facets.

The hits come from :func:`historiograph.store.search.search` (same syntax, same ranking, same
offsets into the original text); totals and facets are aggregates over the same FTS5 match.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from historiograph.errors import QueryError
from historiograph.store.database import Store
from historiograph.store.query import to_fts5
from historiograph.store.search import search
from historiograph.web.schemas import Facets, FacetValue, HitOut, Range

# Ranked hits cost work per hit (their offsets are mapped back through the source's repairs),
# so pages reach this deep and no deeper.
MAX_SEARCH_DEPTH = 1000


def _matched(joins: str = "") -> str:
    """The FROM clause of the passages matching the query (bound as the only parameter)."""
    return (
        " FROM passages_fts JOIN passages AS p ON p.id = passages_fts.rowid"
        f" {joins} WHERE passages_fts MATCH ?"
    )


def _aggregate(conn: sqlite3.Connection, query: str, sql: str, expression: str) -> list[Any]:
    try:
        return conn.execute(sql, (expression,)).fetchall()
    except sqlite3.OperationalError as e:
        raise QueryError(query, str(e), "simplify the query") from e


def search_page(
    store: Store, query: str, *, limit: int, offset: int
) -> tuple[list[HitOut], int, Facets]:
    """Hits ``offset`` to ``offset + limit``, how many passages match, and facet counts."""
    expression = to_fts5(query)  # raises QueryError, with a hint, on a malformed query
    conn = store.conn
    total = int(_aggregate(conn, query, f"SELECT count(*){_matched()}", expression)[0][0])
    hits = []
    if offset < min(total, MAX_SEARCH_DEPTH):
        depth = min(offset + limit, MAX_SEARCH_DEPTH)
        hits = search(store, query, limit=depth)[offset:depth]
    items = [
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
        for h in hits
    ]
    return items, total, _facets(conn, query, expression)


def _facets(conn: sqlite3.Connection, query: str, expression: str) -> Facets:
    sources = _aggregate(
        conn,
        query,
        "SELECT p.source_id, coalesce(s.title, s.path), count(*) AS n"
        f"{_matched('JOIN sources AS s ON s.id = p.source_id')}"
        " GROUP BY p.source_id ORDER BY n DESC, p.source_id LIMIT 20",
        expression,
    )
    # Entities named inside the matching passages, counted once per entity.
    types = _aggregate(
        conn,
        query,
        "SELECT m.type, count(DISTINCT m.entity_id) AS n"
        + _matched(
            "JOIN mentions AS m ON m.source_id = p.source_id AND m.start >= p.start"
            ' AND m."end" <= p."end"'
        )
        + " GROUP BY m.type ORDER BY n DESC, m.type",
        expression,
    )
    # Matching passages by the decade of the events they state.
    decades = _aggregate(
        conn,
        query,
        "SELECT substr(e.earliest, 1, 3) || '0s' AS decade, count(DISTINCT p.id) AS n"
        + _matched(
            'JOIN events AS e ON e.source_id = p.source_id AND e.start < p."end"'
            ' AND e."end" > p.start'
        )
        + " GROUP BY decade ORDER BY decade",
        expression,
    )
    return Facets(
        sources=[FacetValue(value=r[0], label=str(r[1]), count=r[2]) for r in sources],
        entity_types=[FacetValue(value=r[0], label=r[0], count=r[1]) for r in types],
        decades=[FacetValue(value=r[0], label=r[0], count=r[1]) for r in decades],
    )
