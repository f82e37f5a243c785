"""The knowledge base in a PostgreSQL database, through psycopg 3.

It offers the SQLite ``Store``'s public API for what the commands use (ingest, with or
without NLP, sources, original text, spans, edits, counts, search, transactions). A source's
extraction (mentions, provisional entities, dates, events, claims, profiles) is written by
the same code as in SQLite (store/knowledge.py, claims.py, profiles.py, through
store/dialect.py), and so is what is derived after an ingest from all sources together
(entity resolution, relations, coordinates, claim groups: store/resolution.py,
comparison.py, which build.update_derived runs on either store): the rows are the SQLite
store's rows.

Every write runs in one transaction (PostgreSQL's own atomicity: a killed client leaves the
previous state). A source is keyed by the sha256 of its bytes: writing the same bytes again
is "unchanged", or "updated" when only its metadata differs, and the insert is an
``ON CONFLICT (sha256) DO NOTHING``, so two processes ingesting the same file at once store
it once.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import TupleRow

from historiograph.errors import QueryError, StoreError
from historiograph.ingest.offsets import CleanView
from historiograph.model import Edit, ParsedSource, Span
from historiograph.store import search as searching
from historiograph.store.database import (
    SaveOutcome,
    SourceRow,
    SourceRows,
    as_rows,
    source_id_for,
)
from historiograph.store.dialect import SqlConnection
from historiograph.store.knowledge import save_extraction
from historiograph.store.postgres.schema import MIGRATIONS, PG_SCHEMA_VERSION, TABLES, TS_CONFIG
from historiograph.store.postgres.tsquery import to_tsquery
from historiograph.store.search import SearchHit, _match_span, _unmark

_OPEN, _CLOSE = "\x02", "\x03"  # the markers search.py reads; never part of stored words
# The snippet's length in words, as FTS5's snippet(…, 24) gives in tokens.
_SNIPPET_OPTIONS = f"StartSel={_OPEN}, StopSel={_CLOSE}, MaxWords=24, MinWords=12, MaxFragments=1"
_MARK_ALL_OPTIONS = f"StartSel={_OPEN}, StopSel={_CLOSE}, HighlightAll=true"
# ts_headline marks each word of a phrase on its own; FTS5 marks the phrase as one range.
_BETWEEN_MARKS = re.compile(f"{_CLOSE}(\\s+){_OPEN}")
# Enough for the top-N sort of rank_cap rows of (id, tsvector) to stay in memory (about
# 1 kB each); 4 MB, the default, sent the 20,000 of a common word to disk.
_SEARCH_WORK_MEM = "64MB"
_MIGRATION_LOCK = 0x68697374  # pg_advisory_xact_lock key: one migrating process at a time
_SOURCE_COLUMNS = (
    "id, path, kind, title, authors, published, language, sha256, size_bytes, char_count, "
    "ingested_at, metadata"
)
_COUNTED = ("sources", "passages", "edits", "spans", "entities", "mentions", "dates", "events")
# The tables an extraction and the steps after an ingest write.
DERIVED_TABLES = tuple(
    name for name in TABLES if name not in {"sources", "spans", "edits", "passages"}
)

Connection = psycopg.Connection[TupleRow]


def redact(url: str) -> str:
    """``url`` without its password, for messages and ``store.path``."""
    return re.sub(r"^(postgres(?:ql)?://[^:/@]*):[^@/]*@", r"\1:***@", url)


def _source_row(row: tuple[Any, ...]) -> SourceRow:
    return SourceRow(
        id=row[0],
        path=row[1],
        kind=row[2],
        title=row[3],
        authors=json.loads(row[4]),
        published=row[5],
        language=row[6],
        sha256=row[7],
        size_bytes=row[8],
        char_count=row[9],
        ingested_at=row[10],
        metadata=json.loads(row[11]),
    )


class PostgresStore:
    """A knowledge base in one PostgreSQL database (its current schema)."""

    def __init__(self, url: str, *, create: bool = True) -> None:
        self.url = url
        self.path = redact(url)  # what messages name; build.py also reads it
        try:
            self.conn: Connection = psycopg.connect(
                url, autocommit=True, connect_timeout=10, application_name="historiograph"
            )
        except psycopg.Error as e:
            raise StoreError(f"{self.path}: cannot open knowledge base ({_reason(e)})") from e
        self._dialect = SqlConnection(self.conn, postgres=True)  # once per connection
        try:
            self._migrate(create)
        except BaseException as e:
            self.conn.close()
            if isinstance(e, psycopg.Error):
                raise StoreError(f"{self.path}: cannot open knowledge base ({_reason(e)})") from e
            raise

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> PostgresStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def schema_version(self) -> int:
        """The last migration applied (0: none, no knowledge base here)."""
        exists = self.conn.execute("SELECT to_regclass('schema_version') IS NOT NULL").fetchone()
        if not exists or not exists[0]:
            return 0
        row = self.conn.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()
        return int(row[0]) if row else 0

    def _migrate(self, create: bool) -> None:
        version = self.schema_version()
        if version == 0 and not create:
            raise StoreError(
                f"{self.path}: no knowledge base here "
                f"(build one with: historiograph ingest PATH --db {self.path})"
            )
        if version > PG_SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: made by a newer historiograph "
                f"(schema {version} > {PG_SCHEMA_VERSION})"
            )
        if version == PG_SCHEMA_VERSION:
            return
        with self.conn.transaction():
            # Two processes opening a new base at once: the second waits, then finds it done.
            self.conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
            self.conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER)")
            version = self.schema_version()
        for number in range(version + 1, PG_SCHEMA_VERSION + 1):
            # One transaction per migration: DDL is transactional in PostgreSQL.
            with self.conn.transaction():
                self.conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
                if self.schema_version() >= number:
                    continue
                self.conn.execute(MIGRATIONS[number - 1])
                self.conn.execute("INSERT INTO schema_version (version) VALUES (%s)", (number,))

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A write transaction: committed whole, or rolled back whole (nested: a savepoint)."""
        try:
            with self.conn.transaction():
                yield self.conn
        except psycopg.Error as e:
            raise StoreError(f"{self.path}: write failed, nothing changed ({_reason(e)})") from e

    @contextmanager
    def bulk_load(self) -> Iterator[None]:
        """The SQLite store's hook for tuning a long write; PostgreSQL needs none (the GIN
        index takes new entries through its pending list)."""
        yield

    # -- writing ---------------------------------------------------------------

    def has_content(self, sha256: str) -> bool:
        row = self.conn.execute("SELECT 1 FROM sources WHERE sha256 = %s", (sha256,)).fetchone()
        return row is not None

    def save_source(self, parsed: ParsedSource | SourceRows) -> SaveOutcome:
        return self.save_sources([parsed])[0]

    def save_sources(self, sources: Sequence[ParsedSource | SourceRows]) -> list[SaveOutcome]:
        """Store several sources in one transaction: all of them, or none."""
        rows = [as_rows(source) for source in sources]
        with self.transaction() as conn:
            return [self._write_source(conn, r) for r in rows]

    def _write_source(self, conn: Connection, rows: SourceRows) -> SaveOutcome:
        stored = conn.execute(
            "SELECT title, authors, published, language, metadata FROM sources"
            " WHERE sha256 = %s FOR UPDATE",
            (rows.sha256,),
        ).fetchone()
        if stored is not None:
            if tuple(stored) == rows.metadata:
                return "unchanged"
            conn.execute(
                "UPDATE sources SET title = %s, authors = %s, published = %s, language = %s,"
                " metadata = %s WHERE sha256 = %s",
                (*rows.metadata, rows.sha256),
            )
            return "updated"
        source_id = source_id_for(rows.sha256)
        old = conn.execute("SELECT id FROM sources WHERE path = %s", (rows.path,)).fetchone()
        if old is not None:
            self._delete(conn, old[0])
        inserted = conn.execute(
            "INSERT INTO sources (id, sha256, path, kind, title, authors, published, language,"
            " metadata, size_bytes, char_count, ingested_at, original)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
            " ON CONFLICT (sha256) DO NOTHING RETURNING id",
            (
                source_id,
                rows.sha256,
                rows.path,
                rows.kind,
                *rows.metadata,
                rows.size_bytes,
                len(rows.original),
                datetime.now(UTC).isoformat(timespec="seconds"),
                rows.original,
            ),
        ).fetchone()
        if inserted is None:
            # Another process stored these bytes after our look-up, with its rows: ours
            # would be the same rows again.
            return "unchanged"
        with conn.cursor() as cursor:
            # COPY: one round trip per table instead of one per row.
            with cursor.copy(
                'COPY spans (source_id, kind, start, "end", attrs) FROM STDIN'
            ) as copy:
                for span in rows.spans:
                    copy.write_row((source_id, *span))
            with cursor.copy(
                'COPY edits (source_id, start, "end", replacement, kind) FROM STDIN'
            ) as copy:
                for edit in rows.edits:
                    copy.write_row((source_id, *edit))
            with cursor.copy('COPY passages (source_id, start, "end", text) FROM STDIN') as copy:
                for passage in rows.passages:
                    copy.write_row((source_id, *passage))
        if rows.extraction is not None:
            # The SQLite store's writer, statement for statement, in PostgreSQL's dialect.
            save_extraction(self._dialect, source_id, rows.extraction)
        return "replaced" if old is not None else "added"

    def delete_source(self, source_id: str) -> bool:
        with self.transaction() as conn:
            return self._delete(conn, source_id)

    @staticmethod
    def _delete(conn: Connection, source_id: str) -> bool:
        # A group that compared this source no longer stands (as in the SQLite store).
        conn.execute(
            "DELETE FROM claim_groups WHERE id IN"
            " (SELECT group_id FROM claim_group_members WHERE source_id = %s)",
            (source_id,),
        )
        # Spans, passages, edits and the source's NLP rows go by ON DELETE CASCADE, which
        # PostgreSQL always enforces; then, as in SQLite, entities no source mentions.
        cursor = conn.execute("DELETE FROM sources WHERE id = %s", (source_id,))
        if cursor.rowcount:
            conn.execute(
                "DELETE FROM entities WHERE NOT EXISTS"
                " (SELECT 1 FROM mentions WHERE mentions.entity_id = entities.id)"
            )
        return cursor.rowcount > 0

    # -- reading ---------------------------------------------------------------

    def sources(self) -> list[SourceRow]:
        return list(self.iter_sources())

    def iter_sources(self) -> Iterator[SourceRow]:
        """All sources in path order (byte order, as SQLite sorts), fetched in pages."""
        rows = self.conn.execute(f'SELECT {_SOURCE_COLUMNS} FROM sources ORDER BY path COLLATE "C"')
        for row in rows:
            yield _source_row(row)

    def source(self, source_id: str) -> SourceRow | None:
        row = self.conn.execute(
            f"SELECT {_SOURCE_COLUMNS} FROM sources WHERE id = %s",
            (source_id,),
        ).fetchone()
        return _source_row(row) if row else None

    def original_text(self, source_id: str) -> str:
        row = self.conn.execute(
            "SELECT original FROM sources WHERE id = %s", (source_id,)
        ).fetchone()
        if row is None:
            raise StoreError(f"{self.path}: no source with id {source_id!r}")
        return str(row[0])

    def spans(self, source_id: str, kinds: tuple[str, ...] = ()) -> list[Span]:
        query = 'SELECT kind, start, "end", attrs FROM spans WHERE source_id = %s'
        params: list[Any] = [source_id]
        if kinds:
            query += " AND kind = ANY(%s)"
            params.append(list(kinds))
        rows = self.conn.execute(
            query + ' ORDER BY start, "end" DESC, id',
            params,
        )
        return [Span(r[0], r[1], r[2], json.loads(r[3])) for r in rows]

    def edits(self, source_id: str) -> list[Edit]:
        rows = self.conn.execute(
            'SELECT start, "end", replacement, kind FROM edits WHERE source_id = %s ORDER BY start',
            (source_id,),
        )
        return [Edit(r[0], r[1], r[2], r[3]) for r in rows]

    def counts(self) -> dict[str, int]:
        """Row counts of the main tables (sources, spans by kind, passages, edits)."""
        result: dict[str, int] = {}
        for table in _COUNTED:
            row = self.conn.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            ).fetchone()
            result[table] = int(row[0]) if row else 0
        for kind, count in self.conn.execute("SELECT kind, count(*) FROM spans GROUP BY kind"):
            result[f"spans.{kind}"] = int(count)
        return result

    def database_bytes(self) -> int:
        """The database's size on disk: tables, indexes (the GIN index too) and TOAST."""
        row = self.conn.execute("SELECT pg_database_size(current_database())").fetchone()
        return int(row[0]) if row else 0

    def derived_rows(self) -> int:
        """How many rows the NLP-derived tables hold (0 for a base ingested without NLP)."""
        total = 0
        for table in DERIVED_TABLES:
            row = self.conn.execute(
                sql.SQL("SELECT count(*) FROM (SELECT 1 FROM {} LIMIT 1) AS t").format(
                    sql.Identifier(table)
                )
            ).fetchone()
            total += int(row[0]) if row else 0
        return total

    def check_integrity(self) -> list[str]:
        """Problems found: a passage whose stored tsvector is not what its text gives now
        (the configuration changed under it), or offsets outside their source's text."""
        problems = []
        stale = self.conn.execute(
            f"SELECT count(*) FROM passages WHERE tsv <> to_tsvector('{TS_CONFIG}', text)"
        ).fetchone()
        if stale and stale[0]:
            problems.append(f"full-text index: {stale[0]} passages indexed differently")
        for table in ("spans", "passages", "edits"):
            outside = self.conn.execute(
                sql.SQL(
                    "SELECT count(*) FROM {} AS t JOIN sources AS s ON s.id = t.source_id"
                    ' WHERE t.start < 0 OR t."end" > s.char_count OR t.start > t."end"'
                ).format(sql.Identifier(table))
            ).fetchone()
            if outside and outside[0]:
                problems.append(f"{table}: {outside[0]} rows outside their source's text")
        return problems

    # -- searching -------------------------------------------------------------

    def search(self, query: str, *, limit: int = 20, offset: int = 0) -> list[SearchHit]:
        """The best passages ``offset`` to ``offset + limit`` for ``query``, best first.

        As in SQLite, at most the first rank_cap(query) matches in passage order are ranked, so a
        common word costs the same however large the base. Ranked by ts_rank (higher is
        better: ``score`` has the same sense as the SQLite store's negated bm25).

        The tsquery is written into the statement (its words still bound parameters) and
        planned for these values (``prepare=False``: never a generic plan), so the planner
        sees from the tsvector statistics how common the words are: a word in most passages
        is read in id order from the primary key and the scan stops after rank_cap matches,
        where the GIN index would hand over every match for a sort. Headlines are made for
        the page's rows only.
        """
        if limit < 1:
            raise QueryError(query, f"limit must be at least 1, not {limit}", "use --limit 10")
        tsquery = to_tsquery(query)
        q = tsquery.sql
        statement = f"""
            SELECT r.id, r.score, p.source_id, p.start, p."end", s.title, s.path,
                   ts_headline('{TS_CONFIG}', p.text, {q}, %s),
                   ts_headline('{TS_CONFIG}', p.text, {q}, %s),
                   p.text
            FROM (
                SELECT m.id, ts_rank(m.tsv, {q}) AS score FROM (
                    SELECT id, tsv FROM passages WHERE tsv @@ {q} ORDER BY id LIMIT %s
                ) AS m
                ORDER BY score DESC, m.id LIMIT %s OFFSET %s
            ) AS r
            JOIN passages AS p ON p.id = r.id
            JOIN sources AS s ON s.id = p.source_id
            ORDER BY r.score DESC, r.id
        """
        words = tsquery.params
        params = (
            *words,
            _SNIPPET_OPTIONS,
            *words,
            _MARK_ALL_OPTIONS,
            *words,
            *words,
            searching.rank_cap(query),  # read per call (tests lower the caps); as SQLite ranks
            limit,
            max(offset, 0),
        )
        try:
            with self.conn.transaction():
                # The GIN plan sorts up to rank_cap (id, tsvector) rows: in memory, not on disk.
                self.conn.execute(f"SET LOCAL work_mem = '{_SEARCH_WORK_MEM}'")
                rows = self.conn.execute(statement, params, prepare=False).fetchall()
                located = self._locate(tsquery.operands, [(row[0], row[9]) for row in rows])
                views = self._views({row[2] for row in rows})
        except psycopg.errors.SyntaxError as e:
            # The parser should make this unreachable; keep the promise of a one-line error.
            raise QueryError(query, _reason(e), "simplify the query") from e
        except psycopg.Error as e:
            raise StoreError(f"{self.path}: search failed ({_reason(e)})") from e
        hits = []
        for passage_id, score, source_id, start, end, title, path, snippet, marked, text in rows:
            if marked.replace(_OPEN, "").replace(_CLOSE, "") != text:
                # ts_headline rebuilt the text differently: its marker offsets would lie.
                marked = text
            if (span := located.get(passage_id)) is not None:
                match_start, match_end = _to_original(span, start, views[source_id])
            else:
                match_start, match_end = _match_span(
                    _BETWEEN_MARKS.sub(r"\1", marked), start, views[source_id]
                )
            plain, matches = _unmark(_BETWEEN_MARKS.sub(r"\1", snippet))
            # FTS5's snippet says where it cut the passage; ts_headline does not.
            if not text.startswith(plain):
                plain, matches = "…" + plain, [(a + 1, b + 1) for a, b in matches]
            if not text.endswith(plain.removeprefix("…")):
                plain += "…"
            hits.append(
                SearchHit(
                    source_id=source_id,
                    title=title,
                    path=path,
                    start=start,
                    end=end,
                    match_start=match_start,
                    match_end=match_end,
                    snippet=plain,
                    snippet_matches=matches,
                    score=float(score),
                    passage_id=int(passage_id),
                )
            )
        return hits

    def _views(self, source_ids: set[str]) -> dict[str, CleanView | None]:
        """Each source's clean view (None: no edits, offsets are the original's), read in two
        statements for all of them: one per hit's source was most of a rare word's search."""
        edits: dict[str, list[Edit]] = {source_id: [] for source_id in source_ids}
        if not source_ids:
            return {}
        for source_id, start, end, replacement, kind in self.conn.execute(
            'SELECT source_id, start, "end", replacement, kind FROM edits'
            ' WHERE source_id = ANY(%s) ORDER BY source_id, start, "end"',
            (sorted(source_ids),),
        ):
            edits[source_id].append(Edit(start, end, replacement, kind))
        edited = sorted(source_id for source_id, found in edits.items() if found)
        views: dict[str, CleanView | None] = dict.fromkeys(source_ids)
        if edited:
            for source_id, original in self.conn.execute(
                "SELECT id, original FROM sources WHERE id = ANY(%s)", (edited,)
            ):
                views[source_id] = CleanView(original, edits[source_id])
        return views

    def _locate(
        self, operands: tuple[tuple[str, bool], ...], passages: list[tuple[int, str]]
    ) -> dict[int, tuple[int, int]]:
        """Where in each passage's text the query first matches, as (start, end).

        ts_headline marks every query word wherever it stands, so for "red army" it can
        mark a lone "army" first. The match is located here instead, from the parser's own
        tokens (ts_debug) of the passages and of the query's operands: the first place
        where a word, a whole phrase, or a prefix occurs, as FTS5's highlight gives.
        """
        if not operands or not passages:
            return {}
        tokenized = self._tokens([text for text, _ in operands] + [text for _, text in passages])
        words = tokenized[: len(operands)]
        found: dict[int, tuple[int, int]] = {}
        for (passage_id, text), tokens in zip(passages, tokenized[len(operands) :], strict=True):
            if not _tiles(tokens, text):
                continue  # offsets unknown: the caller falls back to ts_headline's marks
            spans = _positions(tokens)
            best: tuple[int, int] | None = None
            for (_, prefix), operand in zip(operands, words, strict=True):
                wanted = [lexemes for _, _, lexemes in _positions(operand)]
                for span in _occurrences(spans, wanted, prefix=prefix):
                    if best is None or span < best:
                        best = span
                    break
            if best is not None:
                found[passage_id] = best
        return found

    def _tokens(self, texts: list[str]) -> list[list[tuple[str, str, list[str] | None]]]:
        """ts_debug's tokens of each text, in one statement for all (one round trip per
        passage cost more than the search's own query on a rare word)."""
        tokens: list[list[tuple[str, str, list[str] | None]]] = [[] for _ in texts]
        # WITH ORDINALITY numbers each text's tokens in the parser's order, which the
        # positions are counted in; it also keeps ts_debug a function scan of its own.
        rows = self.conn.execute(
            "SELECT t.n, d.alias, d.token, d.lexemes"
            " FROM unnest(%s::text[]) WITH ORDINALITY AS t(text, n),"
            f" LATERAL ts_debug('{TS_CONFIG}', t.text) WITH ORDINALITY"
            "   AS d(alias, description, token, dictionaries, dictionary, lexemes, k)"
            " ORDER BY t.n, d.k",
            (texts,),
            prepare=False,
        )
        for n, alias, token, lexemes in rows:
            tokens[n - 1].append((alias, token, lexemes))
        return tokens


# ts_debug gives a compound token (tito-stalin, a URL) and then its parts: the compound
# takes a word position but its characters are the parts'.
_COMPOUNDS = frozenset({"asciihword", "hword", "numhword", "url"})


def _tiles(tokens: list[tuple[str, str, list[str] | None]], text: str) -> bool:
    """Whether the tokens, compounds aside, are exactly ``text`` cut in pieces."""
    return "".join(token for alias, token, _ in tokens if alias not in _COMPOUNDS) == text


def _positions(
    tokens: list[tuple[str, str, list[str] | None]],
) -> list[tuple[int, int, frozenset[str]]]:
    """The word positions of a text as the tsvector numbers them: (start, end, lexemes)."""
    positions = []
    offset = 0
    for alias, token, lexemes in tokens:
        if lexemes is not None:
            # ts_debug shows the first dictionary's output (unaccent's, not yet lower-cased).
            folded = frozenset(lexeme.lower() for lexeme in lexemes)
            positions.append((offset, offset + len(token), folded))
        if alias not in _COMPOUNDS:
            offset += len(token)
    return positions


def _occurrences(
    spans: list[tuple[int, int, frozenset[str]]], wanted: list[frozenset[str]], *, prefix: bool
) -> Iterator[tuple[int, int]]:
    """Where ``wanted`` occurs at consecutive positions (the last one as a prefix)."""
    if not wanted:
        return
    last = len(wanted) - 1
    for first in range(len(spans) - last):
        for j, lexemes in enumerate(wanted):
            have = spans[first + j][2]
            if prefix and j == last:
                if not any(h.startswith(w) for h in have for w in lexemes):
                    break
            elif not have & lexemes:
                break
        else:
            yield spans[first][0], spans[first + last][1]


def _to_original(
    span: tuple[int, int], passage_start: int, view: CleanView | None
) -> tuple[int, int]:
    """A span of a passage's cleaned text in the original's offsets (as search.py maps)."""
    if view is None:
        return passage_start + span[0], passage_start + span[1]
    base = view.to_clean(passage_start)
    return view.span_to_original(base + span[0], base + span[1])


def _reason(error: psycopg.Error) -> str:
    """A driver error's first line (psycopg's messages carry context lines after it)."""
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]
