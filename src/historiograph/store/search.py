"""Full-text search over passages, with hits mapped back to original offsets."""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from historiograph.errors import QueryError
from historiograph.ingest.offsets import CleanView
from historiograph.store.database import Store
from historiograph.store.query import to_fts5

# Marker characters that cannot occur in stored text (control characters
# are never part of a passage's words), used to find the match in a highlight.
_OPEN, _CLOSE = "\x02", "\x03"
# Relevance is computed for every match ranked, which for a common word on a large base
# would mean hundreds of thousands of rows: only the first RANK_CAP matches in document
# order are ranked (callers say so). bm25 costs about 1.2 CPU-µs per ranked match (its
# document length is one lookup per row): 10,000 keeps the commonest words' ranking near
# 12 ms on a 10,000-source base, and a word in fewer passages than that, which is what
# people search for, is ranked whole. For a word in more, the first 10,000 are as fair a
# sample as the first 20,000. A prefix costs more per match (its matches are merged from
# the lists of every word it stands for) and matches more: it ranks PREFIX_RANK_CAP.
RANK_CAP = 10_000
PREFIX_RANK_CAP = 5_000
_QUOTED = re.compile(r'"(?:[^"]|"")*"')


def _marks_sql(table: str) -> str:
    """The snippet and the whole marked passage, as FTS5 makes them for ``table``'s row."""
    return (
        f"snippet({table}, 0, '{_OPEN}', '{_CLOSE}', '…', 24),"
        f" highlight({table}, 0, '{_OPEN}', '{_CLOSE}')"
    )


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
class Scored:
    """A matching passage and its relevance, without the text work a snippet costs."""

    passage_id: int
    score: float  # bm25: lower is better


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


def rank_cap(query: str) -> int:
    """How many matches of ``query`` ranking considers (the first, in document order).

    Raises QueryError if the query is malformed.
    """
    return min(RANK_CAP, PREFIX_RANK_CAP) if has_prefix(query) else RANK_CAP


def prefix_ranks_fewer(query: str) -> bool:
    """Whether ``query`` ranks fewer matches than a query of whole words would."""
    return has_prefix(query) and PREFIX_RANK_CAP < RANK_CAP


def has_prefix(query: str) -> bool:
    """Whether ``query`` has a prefix term (``partis*``). Raises QueryError if malformed."""
    # Outside its quoted words, an FTS5 expression from to_fts5 has a * only after a prefix.
    return "*" in _QUOTED.sub("", to_fts5(query))


def rank(store: Store, query: str, *, limit: int, offset: int = 0) -> list[RankedPassage]:
    """The passages matching ``query``, best first, with their snippets."""
    return marked(store, query, best(store, query, limit=limit, offset=offset))


def best(store: Store, query: str, *, limit: int, offset: int = 0) -> list[Scored]:
    """The passages ``offset`` to ``offset + limit`` for ``query``, best first: scored, with
    no snippet made (see :func:`marked`).

    Ranked in the full-text index alone: joining every match to its passage and source
    before the sort costs several times the ranking itself on a large base. The first
    rank_cap(query) matches are read in rowid order, which is the index's own, so the scan
    stops there without counting or sorting the rest. Snippets are left out because made in
    this query they are made for every row it returns: a caller wanting the best few hundred
    (facets) and the text of a page of them asks :func:`marked` for the page.
    """
    expression = to_fts5(query)
    sql = """
        SELECT rowid, score FROM (
            SELECT rowid, bm25(passages_fts) AS score FROM passages_fts
            WHERE passages_fts MATCH ? ORDER BY rowid LIMIT ?
        )
        ORDER BY score, rowid
        LIMIT ? OFFSET ?
    """
    try:
        rows = store.conn.execute(
            sql, (expression, rank_cap(query), max(limit, 0), max(offset, 0))
        ).fetchall()
    except sqlite3.OperationalError as e:
        # The parser should make this unreachable; keep the promise of a
        # one-line error if FTS5 still disagrees.
        raise QueryError(query, str(e), "simplify the query") from e
    return [Scored(row[0], float(row[1])) for row in rows]


# The tokenizer option of the full-text index, as its schema spells it (quotes and all): the
# scratch index that marks matches must split and fold words exactly as the store's does.
_TOKENIZE = re.compile(r"""\btokenize\s*=\s*('(?:[^']|'')*'|"(?:[^"]|"")*")""", re.IGNORECASE)
_scratch = threading.local()


def _scratch_index(store: Store) -> sqlite3.Connection:
    """This thread's empty in-memory FTS5 table, tokenizing as the store's index does."""
    row = store.conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'passages_fts'"
    ).fetchone()
    found = _TOKENIZE.search(str(row[0]) if row else "")
    option = f", tokenize = {found.group(1)}" if found else ""  # else FTS5's default
    indexes: dict[str, sqlite3.Connection] = _scratch.__dict__.setdefault("indexes", {})
    scratch = indexes.get(option)
    if scratch is None:
        scratch = sqlite3.connect(":memory:", isolation_level=None)
        scratch.execute(f"CREATE VIRTUAL TABLE marks USING fts5(text{option})")
        indexes[option] = scratch
    return scratch


def marked(store: Store, query: str, scored: Sequence[Scored]) -> list[RankedPassage]:
    """Snippets and highlights for passages :func:`best` returned, in the same order.

    Made by FTS5's own snippet() and highlight() over a scratch index of just these
    passages, with the store's tokenizer: both read only the passage's text and the query
    (no statistics of the whole index), so they come out as the store's index would make
    them. Asking that index for a few rows by id would instead rebuild a prefix's whole
    list of matches once per row. A passage deleted since it was ranked is left out.
    """
    if not scored:
        return []
    expression = to_fts5(query)
    marks = ", ".join("?" for _ in scored)
    texts = store.conn.execute(
        f"SELECT id, text FROM passages WHERE id IN ({marks})", [s.passage_id for s in scored]
    ).fetchall()
    scratch = _scratch_index(store)
    try:
        scratch.executemany("INSERT INTO marks (rowid, text) VALUES (?, ?)", texts)
        made = {
            row[0]: (row[1], row[2])
            for row in scratch.execute(
                f"SELECT rowid, {_marks_sql('marks')} FROM marks WHERE marks MATCH ?",
                (expression,),
            )
        }
    except sqlite3.OperationalError as e:
        raise QueryError(query, str(e), "simplify the query") from e
    finally:
        scratch.execute("DELETE FROM marks")
    return [
        RankedPassage(s.passage_id, made[s.passage_id][0], made[s.passage_id][1], s.score)
        for s in scored
        if s.passage_id in made
    ]


def hits_for(store: Store, ranked: list[RankedPassage]) -> list[SearchHit]:
    """Ranked passages as hits: their sources, and the first match in original offsets."""
    if not ranked:
        return []
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
