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
from historiograph.store.search import best, hits_for, marked
from historiograph.web.schemas import Facets, FacetValue, HitOut, Range

# Ranked hits cost work per hit (their offsets are mapped back through the source's repairs),
# so pages reach this deep and no deeper.
MAX_SEARCH_DEPTH = 1000
FACET_DEPTH = 200


def _aggregate(conn: sqlite3.Connection, query: str, sql: str, expression: str) -> list[Any]:
    try:
        return conn.execute(sql, (expression,)).fetchall()
    except sqlite3.OperationalError as e:
        raise QueryError(query, str(e), "simplify the query") from e


def search_page(
    store: Store, query: str, *, limit: int, offset: int
) -> tuple[list[HitOut], int, Facets]:
    """Hits ``offset`` to ``offset + limit``, how many passages match, and facet counts.

    One ranking serves both the page and the facets, which count over the best
    FACET_DEPTH matches: counting over every match of a common word joins tens of
    thousands of passages to their mentions and events on a large base. The ranking
    scores only; snippets are made for the page's hits alone.
    """
    expression = to_fts5(query)  # raises QueryError, with a hint, on a malformed query
    conn = store.conn
    # Counted in the index alone: a join to passages per match would cost more than the rest.
    total = int(
        _aggregate(
            conn, query, "SELECT count(*) FROM passages_fts WHERE passages_fts MATCH ?", expression
        )[0][0]
    )
    depth = min(max(offset + limit, FACET_DEPTH), MAX_SEARCH_DEPTH)
    ranked = best(store, query, limit=depth) if total else []
    page = hits_for(store, marked(store, query, ranked[offset : offset + limit]))
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
        for h in page
    ]
    return items, total, _facets(conn, [r.passage_id for r in ranked[:FACET_DEPTH]])


def _facets(conn: sqlite3.Connection, passages: list[int]) -> Facets:
    ids = ", ".join(str(int(p)) for p in passages) or "NULL"
    sources = conn.execute(
        "SELECT p.source_id, coalesce(s.title, s.path), count(*) AS n FROM passages AS p"
        f" JOIN sources AS s ON s.id = p.source_id WHERE p.id IN ({ids})"
        " GROUP BY p.source_id ORDER BY n DESC, p.source_id LIMIT 20"
    ).fetchall()
    # A mention inside a passage starts inside it too: saying so lets the index read just
    # the passage's mentions, not every mention from the passage's start to its source's end.
    inside = (
        'm.source_id = p.source_id AND m.start >= p.start AND m.start <= p."end"'
        ' AND m."end" <= p."end"'
    )
    # Entities named inside the matching passages, counted once per entity.
    types = conn.execute(
        f"SELECT m.type, count(DISTINCT m.entity_id) AS n FROM passages AS p"
        f" JOIN mentions AS m ON {inside} WHERE p.id IN ({ids})"
        " GROUP BY m.type ORDER BY n DESC, m.type"
    ).fetchall()
    # The entities named most often in the matching passages.
    entities = conn.execute(
        "SELECT e.id, e.name, count(DISTINCT p.id) AS n FROM passages AS p"
        f" JOIN mentions AS m ON {inside} JOIN entities AS e ON e.id = m.entity_id"
        f" WHERE p.id IN ({ids}) GROUP BY e.id ORDER BY n DESC, e.name LIMIT 15"
    ).fetchall()
    # Matching passages by the decade of the events they state.
    decades = conn.execute(
        "SELECT substr(e.earliest, 1, 3) || '0s' AS decade, count(DISTINCT p.id) AS n"
        " FROM passages AS p JOIN events AS e ON e.source_id = p.source_id"
        f' AND e.start < p."end" AND e."end" > p.start WHERE p.id IN ({ids})'
        " GROUP BY decade ORDER BY decade"
    ).fetchall()
    return Facets(
        sources=[FacetValue(value=r[0], label=str(r[1]), count=r[2]) for r in sources],
        entities=[FacetValue(value=str(r[0]), label=r[1], count=r[2]) for r in entities],
        entity_types=[FacetValue(value=r[0], label=r[0], count=r[1]) for r in types],
        decades=[FacetValue(value=r[0], label=r[0], count=r[1]) for r in decades],
    )
