"""Full-text search over passages, with hits mapped back to original offsets."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from historiograph.errors import QueryError
from historiograph.ingest.offsets import CleanView
from historiograph.store.database import Store
from historiograph.store.query import to_fts5

# Marker characters that cannot occur in stored text (control characters
# are never part of a passage's words), used to find the match in a highlight.
_OPEN, _CLOSE = "\x02", "\x03"
RANK_CAP = 20_000  # matches ranked by relevance; see rank()


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One ranked passage. Offsets point into the source's original text."""

    source_id: str
    title: str | None
    path: str
    start: int  # the passage
    end: int
    match_start: int  # the first matched term
    match_end: int
    snippet: str  # cleaned text around the match
    snippet_matches: list[tuple[int, int]]  # matched ranges within ``snippet``
    score: float
    passage_id: int = 0  # the passage's row, for callers that aggregate over hits


@dataclass(frozen=True, slots=True)
class RankedPassage:
    """A matching passage as the full-text index ranks it, before it becomes a SearchHit."""

    passage_id: int
    snippet: str  # with match markers
    marked: str  # the whole passage with match markers
    score: float  # bm25: lower is better


def search(store: Store, query: str, *, limit: int = 20, offset: int = 0) -> list[SearchHit]:
    """The best passages ``offset`` to ``offset + limit`` for ``query``.

    Raises QueryError if the query is malformed.
    """
    if limit < 1:
        raise QueryError(query, f"limit must be at least 1, not {limit}", "use --limit 10")
    return hits_for(store, rank(store, query, limit=limit, offset=offset))


def rank(store: Store, query: str, *, limit: int, offset: int = 0) -> list[RankedPassage]:
    """The passages matching ``query``, best first, with their snippets.

    Ranked in the full-text index alone: joining every match to its passage and source
    before the sort costs several times the ranking itself on a large base. Snippets are
    made for the returned rows only.
    """
    expression = to_fts5(query)
    # Relevance is computed for every match before sorting, which for a common word on a
    # large base means hundreds of thousands of rows; beyond RANK_CAP matches, ranking
    # covers the first RANK_CAP of them in document order (callers say so).
    bound = _rank_bound(store, query, expression)
    sql = f"""
        SELECT rowid,
               snippet(passages_fts, 0, '{_OPEN}', '{_CLOSE}', '…', 24),
               highlight(passages_fts, 0, '{_OPEN}', '{_CLOSE}'),
               bm25(passages_fts) AS score
        FROM passages_fts
        WHERE passages_fts MATCH ? AND rowid <= ?
        ORDER BY score
        LIMIT ? OFFSET ?
    """
    try:
        rows = store.conn.execute(
            sql, (expression, bound, max(limit, 0), max(offset, 0))
        ).fetchall()
    except sqlite3.OperationalError as e:
        # The parser should make this unreachable; keep the promise of a
        # one-line error if FTS5 still disagrees.
        raise QueryError(query, str(e), "simplify the query") from e
    return [RankedPassage(row[0], row[1], row[2], float(row[3])) for row in rows]


def _rank_bound(store: Store, query: str, expression: str) -> int:
    """The largest passage id ranking considers: all of them, unless over RANK_CAP match."""
    try:
        row = store.conn.execute(
            "SELECT rowid FROM passages_fts WHERE passages_fts MATCH ?"
            " ORDER BY rowid LIMIT 1 OFFSET ?",
            (expression, RANK_CAP - 1),
        ).fetchone()
    except sqlite3.OperationalError as e:
        raise QueryError(query, str(e), "simplify the query") from e
    return (1 << 63) - 1 if row is None else int(row[0])


def hits_for(store: Store, ranked: list[RankedPassage]) -> list[SearchHit]:
    """Ranked passages as hits: their sources, and the first match in original offsets."""
    marks = ", ".join("?" for _ in ranked)
    passages = {
        row["id"]: row
        for row in store.conn.execute(
            'SELECT p.id, p.source_id, p.start, p."end", s.title, s.path FROM passages AS p'
            f" JOIN sources AS s ON s.id = p.source_id WHERE p.id IN ({marks})",
            [r.passage_id for r in ranked],
        )
    }
    views: dict[str, CleanView | None] = {}
    hits = []
    for r in ranked:
        passage = passages[r.passage_id]
        source_id = passage["source_id"]
        if source_id not in views:
            edits = store.edits(source_id)
            views[source_id] = CleanView(store.original_text(source_id), edits) if edits else None
        match_start, match_end = _match_span(r.marked, passage["start"], views[source_id])
        snippet, matches = _unmark(r.snippet)
        hits.append(
            SearchHit(
                source_id=source_id,
                title=passage["title"],
                path=passage["path"],
                start=passage["start"],
                end=passage["end"],
                match_start=match_start,
                match_end=match_end,
                snippet=snippet,
                snippet_matches=matches,
                score=-r.score,
                passage_id=r.passage_id,
            )
        )
    return hits


def _match_span(marked: str, passage_start: int, view: CleanView | None) -> tuple[int, int]:
    """Original offsets of the first highlighted match in a passage."""
    opening = marked.find(_OPEN)
    closing = marked.find(_CLOSE, opening)
    if opening < 0 or closing < 0:
        return passage_start, passage_start
    start_in_passage = opening
    end_in_passage = closing - 1  # minus the opening marker
    if view is None:
        return passage_start + start_in_passage, passage_start + end_in_passage
    base = view.to_clean(passage_start)
    return view.span_to_original(base + start_in_passage, base + end_in_passage)


def _unmark(marked: str) -> tuple[str, list[tuple[int, int]]]:
    """Strip match markers from a snippet, returning the text and the matched ranges."""
    text: list[str] = []
    matches: list[tuple[int, int]] = []
    length = 0
    opened = -1
    for piece in marked:
        if piece == _OPEN:
            opened = length
        elif piece == _CLOSE and opened >= 0:
            matches.append((opened, length))
            opened = -1
        else:
            text.append(piece)
            length += 1
    return "".join(text), matches
