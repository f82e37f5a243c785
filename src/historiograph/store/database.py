"""The SQLite knowledge base: the only module (with search.py) that speaks SQL.

Every write happens inside one ``BEGIN IMMEDIATE`` transaction, so a process
killed at any moment leaves the previous state intact (SQLite's journal rolls
an interrupted transaction back on the next open).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from historiograph.errors import StoreError
from historiograph.model import Edit, Extraction, ParsedSource, Span
from historiograph.store.knowledge import delete_extraction, save_extraction
from historiograph.store.migrations import MIGRATIONS, SCHEMA_VERSION

DEFAULT_DB = "historiograph.db"
_FTS_AUTOMERGE = 4  # FTS5's default
_FTS_MERGE_PAGES = 2000
_BULK_CACHE_KIB = -16384  # negative: KiB, so 16 MiB
_BULK_CHECKPOINT_PAGES = 16384  # 64 MiB of WAL between checkpoints
SaveOutcome = Literal["added", "replaced", "updated", "unchanged"]


def _attrs_json(attrs: dict[str, Any]) -> str:
    # Most spans carry no attributes: skip the encoder for them.
    return json.dumps(attrs, ensure_ascii=False) if attrs else "{}"


@dataclass(frozen=True, slots=True)
class SourceRows:
    """A parsed source as the plain rows the store writes.

    Worker processes build these and the writer only executes them: plain
    tuples unpickle several times faster than the dataclasses they come from,
    and the writer is an ingest run's one serial step.
    """

    sha256: str
    path: str
    kind: str
    size_bytes: int
    original: str
    metadata: tuple[Any, ...]  # title, authors, published, language, extra (JSON)
    spans: list[tuple[str, int, int, str]]  # kind, start, end, attrs (JSON)
    edits: list[tuple[int, int, str, str]]  # start, end, replacement, kind
    passages: list[tuple[int, int, str]]  # start, end, cleaned text
    extraction: Extraction | None = None


def as_rows(source: ParsedSource | SourceRows) -> SourceRows:
    """The rows to store for ``source``."""
    if isinstance(source, SourceRows):
        return source
    meta = source.metadata
    return SourceRows(
        sha256=source.sha256,
        path=source.path,
        kind=source.kind,
        size_bytes=source.size_bytes,
        original=source.original,
        metadata=(
            meta.title,
            json.dumps(meta.authors, ensure_ascii=False),
            meta.published,
            meta.language,
            json.dumps(meta.extra, ensure_ascii=False, default=str),
        ),
        spans=[(s.kind, s.start, s.end, _attrs_json(s.attrs)) for s in source.spans],
        edits=[(e.start, e.end, e.replacement, e.kind) for e in source.edits],
        passages=[(p.start, p.end, p.text) for p in source.passages],
        extraction=source.extraction,
    )


@dataclass(frozen=True, slots=True)
class SourceRow:
    """A stored source's metadata (without its text)."""

    id: str
    path: str
    kind: str
    title: str | None
    authors: list[str]
    published: str | None
    language: str | None
    sha256: str
    size_bytes: int
    char_count: int
    ingested_at: str
    metadata: dict[str, Any]


_SOURCE_COLUMNS = (
    "id, path, kind, title, authors, published, language, sha256, size_bytes, char_count, "
    "ingested_at, metadata"
)


def _source_row(row: sqlite3.Row) -> SourceRow:
    return SourceRow(
        id=row["id"],
        path=row["path"],
        kind=row["kind"],
        title=row["title"],
        authors=json.loads(row["authors"]),
        published=row["published"],
        language=row["language"],
        sha256=row["sha256"],
        size_bytes=row["size_bytes"],
        char_count=row["char_count"],
        ingested_at=row["ingested_at"],
        metadata=json.loads(row["metadata"]),
    )


def source_id_for(sha256: str) -> str:
    """A source's public id: content-addressed, so rebuilding gives the same ids."""
    return sha256[:16]


class _PassageIndexer:
    """Adds one transaction's new passages to the full-text index, all in one statement.

    Passages used to be indexed by an AFTER INSERT trigger, row by row; the
    same index built by one ``INSERT INTO passages_fts ... SELECT`` per batch
    costs the writer (the ingest's one serial step) about a third of the CPU
    time: measured on the bench corpus, SQLite's share of the writes went from
    about 4 to 11 MB of source text per CPU-second.
    New passages get ids from the first free one up, so the rows still to
    index are exactly those from ``pending_from`` on; ids are chosen as
    SQLite would (max + 1) but by us, because a replaced source's passages
    are deleted mid-batch and SQLite would reuse the ids they free.
    """

    __slots__ = ("conn", "next_id", "pending_from")

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        row = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM passages").fetchone()
        self.next_id = self.pending_from = int(row[0])

    def reserve(self, count: int) -> range:
        """Ids for ``count`` new passages."""
        ids = range(self.next_id, self.next_id + count)
        self.next_id += count
        return ids

    def flush(self) -> None:
        """Index the passages inserted since the last flush."""
        if self.next_id > self.pending_from:
            self.conn.execute(
                "INSERT INTO passages_fts (rowid, text)"
                " SELECT id, text FROM passages WHERE id >= ? AND id < ?",
                (self.pending_from, self.next_id),
            )
        self.pending_from = self.next_id


class Store:
    """A knowledge base in one SQLite file."""

    def __init__(self, path: str | Path = DEFAULT_DB, *, create: bool = True) -> None:
        self.path = str(path)
        if self.path.startswith(("postgresql://", "postgres://")):
            # A library caller's URL would otherwise become a local file of that name.
            raise StoreError(
                f"{self.path.split('@')[-1]}: a PostgreSQL URL is no SQLite file"
                " (open it with historiograph.store.opening.open_store)"
            )
        if not create and self.path != ":memory:" and not Path(self.path).is_file():
            raise StoreError(
                f"{self.path}: no knowledge base here "
                f"(build one with: historiograph ingest PATH --db {self.path})"
            )
        try:
            self.conn = sqlite3.connect(self.path, isolation_level=None, timeout=30.0)
        except sqlite3.DatabaseError as e:
            raise StoreError(f"{self.path}: cannot open knowledge base ({e})") from e
        try:
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA foreign_keys = ON")
            if self.path != ":memory:":
                self.conn.execute("PRAGMA journal_mode = WAL")
                # NORMAL is durable against a killed process in WAL mode (the
                # last commits may only be lost on power failure).
                self.conn.execute("PRAGMA synchronous = NORMAL")
            self._migrate()
        except BaseException as e:
            # A half-opened connection must not linger: it would hold the file's locks.
            self.conn.close()
            if isinstance(e, sqlite3.DatabaseError):
                raise StoreError(f"{self.path}: cannot open knowledge base ({e})") from e
            raise

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _migrate(self) -> None:
        version = int(self.conn.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: made by a newer historiograph (schema {version} > {SCHEMA_VERSION})"
            )
        for number in range(version + 1, SCHEMA_VERSION + 1):
            # One transaction per migration: DDL is transactional in SQLite.
            self.conn.executescript(
                f"BEGIN IMMEDIATE;\n{MIGRATIONS[number - 1]}\n"
                f"PRAGMA user_version = {number};\nCOMMIT;"
            )

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: committed whole, or rolled back whole.

        Nested inside another transaction it is a savepoint: it rolls back
        alone, and commits only when the outer transaction does.
        """
        nested = self.conn.in_transaction
        begin, commit, rollback = (
            ("SAVEPOINT inner", "RELEASE inner", "ROLLBACK TO inner; RELEASE inner")
            if nested
            else ("BEGIN IMMEDIATE", "COMMIT", "ROLLBACK")
        )
        try:
            self.conn.execute(begin)
        except sqlite3.OperationalError as e:
            raise StoreError(f"{self.path}: cannot write ({e})") from e
        try:
            yield self.conn
            self.conn.execute(commit)
        except sqlite3.Error as e:
            self._undo(rollback)
            raise StoreError(f"{self.path}: write failed, nothing changed ({e})") from e
        except BaseException:
            self._undo(rollback)
            raise

    def _undo(self, rollback: str) -> None:
        for statement in rollback.split("; "):
            if self.conn.in_transaction:
                self.conn.execute(statement)

    @contextmanager
    def bulk_load(self) -> Iterator[None]:
        """Write many sources faster: full-text segments are merged once at the end.

        FTS5 merges index segments as it goes (``automerge``); during a bulk
        load that work is redone again and again. It is switched off for the
        load and one bounded merge runs after it. If the process dies midway,
        the index is still correct, only less merged (FTS5's crisis merges
        still bound the number of segments).
        """
        # A larger page cache keeps the b-trees being appended to in memory,
        # and rarer checkpoints mean fewer fsyncs; both are restored after. 16 MiB
        # wrote as fast as 64 MiB on the bench corpus (6.10 vs 6.07 MB/s at 10,000
        # documents) and is full after a few hundred documents, so the writer's
        # memory is the same for a small run and a large one.
        cache, checkpoint = (
            self.conn.execute(f"PRAGMA {name}").fetchone()[0]
            for name in ("cache_size", "wal_autocheckpoint")
        )
        self.conn.execute(f"PRAGMA cache_size = {_BULK_CACHE_KIB}")
        self.conn.execute(f"PRAGMA wal_autocheckpoint = {_BULK_CHECKPOINT_PAGES}")
        self._fts_setting("automerge", 0)
        try:
            yield
        finally:
            self._fts_setting("automerge", _FTS_AUTOMERGE)
            self._fts_setting("merge", _FTS_MERGE_PAGES)
            self.conn.execute(f"PRAGMA cache_size = {int(cache)}")
            self.conn.execute(f"PRAGMA wal_autocheckpoint = {int(checkpoint)}")

    def _fts_setting(self, name: str, value: int) -> None:
        try:
            with self.transaction() as conn:
                conn.execute(
                    "INSERT INTO passages_fts(passages_fts, rank) VALUES (?, ?)", (name, value)
                )
        except StoreError:
            pass  # a read-only or full store: the load itself reports why

    # -- writing ---------------------------------------------------------------

    def has_content(self, sha256: str) -> bool:
        """Whether a source with exactly these bytes is stored already."""
        row = self.conn.execute("SELECT 1 FROM sources WHERE sha256 = ?", (sha256,)).fetchone()
        return row is not None

    def save_source(self, parsed: ParsedSource | SourceRows) -> SaveOutcome:
        """Store a parsed source, replacing an older version at the same path."""
        return self.save_sources([parsed])[0]

    def save_sources(self, sources: Sequence[ParsedSource | SourceRows]) -> list[SaveOutcome]:
        """Store several sources in one transaction: all of them, or none.

        Faster than a savepoint per source: FTS5 flushes its pending index data
        at every savepoint, so per-source savepoints write one tiny index
        segment per source. For the same reason the new passages are added to
        the full-text index by one statement for the whole batch (see
        _PassageIndexer), inside the same transaction.
        """
        with self.transaction() as conn:
            indexer = _PassageIndexer(conn)
            outcomes = [self._write_source(conn, as_rows(source), indexer) for source in sources]
            indexer.flush()
            return outcomes

    def _write_source(
        self, conn: sqlite3.Connection, rows: SourceRows, indexer: _PassageIndexer
    ) -> SaveOutcome:
        source_id = source_id_for(rows.sha256)
        stored = conn.execute(
            "SELECT title, authors, published, language, metadata FROM sources WHERE sha256 = ?",
            (rows.sha256,),
        ).fetchone()
        if stored is not None:
            if tuple(stored) == rows.metadata:
                return "unchanged"
            conn.execute(
                "UPDATE sources SET title = ?, authors = ?, published = ?, language = ?,"
                " metadata = ? WHERE sha256 = ?",
                (*rows.metadata, rows.sha256),
            )
            return "updated"
        old = conn.execute("SELECT id FROM sources WHERE path = ?", (rows.path,)).fetchone()
        if old:
            # Index what is pending first: the delete trigger removes passages from the
            # index, and must never meet one that was inserted but not indexed yet.
            indexer.flush()
            self._delete(conn, old["id"])
        conn.execute(
            "INSERT INTO sources (id, sha256, path, kind, title, authors, published, language,"
            " metadata, size_bytes, char_count, ingested_at, original)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
        )
        conn.executemany(
            'INSERT INTO spans (source_id, kind, start, "end", attrs) VALUES (?, ?, ?, ?, ?)',
            [(source_id, *span) for span in rows.spans],
        )
        conn.executemany(
            'INSERT INTO edits (source_id, start, "end", replacement, kind) VALUES (?, ?, ?, ?, ?)',
            [(source_id, *edit) for edit in rows.edits],
        )
        conn.executemany(
            'INSERT INTO passages (id, source_id, start, "end", text) VALUES (?, ?, ?, ?, ?)',
            [
                (passage_id, source_id, *passage)
                for passage_id, passage in zip(
                    indexer.reserve(len(rows.passages)), rows.passages, strict=True
                )
            ],
        )
        if rows.extraction is not None:
            save_extraction(conn, source_id, rows.extraction)
        return "replaced" if old else "added"

    def delete_source(self, source_id: str) -> bool:
        with self.transaction() as conn:
            return self._delete(conn, source_id)

    @staticmethod
    def _delete(conn: sqlite3.Connection, source_id: str) -> bool:
        delete_extraction(conn, source_id)
        # A group that compared this source no longer stands; the others are rebuilt after
        # an ingest with NLP, and must not keep a member whose text is gone meanwhile.
        conn.execute(
            "DELETE FROM claim_groups WHERE id IN"
            " (SELECT group_id FROM claim_group_members WHERE source_id = ?)",
            (source_id,),
        )
        # Passages explicitly, so the FTS delete trigger fires for each.
        conn.execute("DELETE FROM passages WHERE source_id = ?", (source_id,))
        conn.execute("DELETE FROM spans WHERE source_id = ?", (source_id,))
        conn.execute("DELETE FROM edits WHERE source_id = ?", (source_id,))
        return conn.execute("DELETE FROM sources WHERE id = ?", (source_id,)).rowcount > 0

    # -- reading ---------------------------------------------------------------

    def sources(self) -> list[SourceRow]:
        rows = self.conn.execute(f"SELECT {_SOURCE_COLUMNS} FROM sources ORDER BY path")
        return [_source_row(row) for row in rows]

    def iter_sources(self) -> Iterator[SourceRow]:
        """All sources in path order, without holding them all in memory."""
        for row in self.conn.execute(f"SELECT {_SOURCE_COLUMNS} FROM sources ORDER BY path"):
            yield _source_row(row)

    def source(self, source_id: str) -> SourceRow | None:
        row = self.conn.execute(
            f"SELECT {_SOURCE_COLUMNS} FROM sources WHERE id = ?", (source_id,)
        ).fetchone()
        return _source_row(row) if row else None

    def original_text(self, source_id: str) -> str:
        row = self.conn.execute(
            "SELECT original FROM sources WHERE id = ?", (source_id,)
        ).fetchone()
        if row is None:
            raise StoreError(f"{self.path}: no source with id {source_id!r}")
        return str(row["original"])

    def spans(self, source_id: str, kinds: tuple[str, ...] = ()) -> list[Span]:
        sql = 'SELECT kind, start, "end", attrs FROM spans WHERE source_id = ?'
        params: list[Any] = [source_id]
        if kinds:
            sql += f" AND kind IN ({', '.join('?' for _ in kinds)})"
            params.extend(kinds)
        rows = self.conn.execute(sql + ' ORDER BY start, "end" DESC', params)
        return [Span(r["kind"], r["start"], r["end"], json.loads(r["attrs"])) for r in rows]

    def edits(self, source_id: str) -> list[Edit]:
        rows = self.conn.execute(
            'SELECT start, "end", replacement, kind FROM edits WHERE source_id = ? ORDER BY start',
            (source_id,),
        )
        return [Edit(r["start"], r["end"], r["replacement"], r["kind"]) for r in rows]

    def counts(self) -> dict[str, int]:
        """Row counts of the main tables (sources, spans by kind, passages, edits)."""
        result = {
            table: int(self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
            for table in (
                "sources",
                "passages",
                "edits",
                "spans",
                "entities",
                "mentions",
                "dates",
                "events",
            )
        }
        for row in self.conn.execute("SELECT kind, count(*) AS n FROM spans GROUP BY kind"):
            result[f"spans.{row['kind']}"] = int(row["n"])
        return result

    def check_integrity(self) -> list[str]:
        """Problems found by SQLite's and FTS5's own checks (empty when sound)."""
        problems = [
            str(row[0])
            for row in self.conn.execute("PRAGMA integrity_check")
            if str(row[0]) != "ok"
        ]
        try:
            self.conn.execute("INSERT INTO passages_fts(passages_fts) VALUES ('integrity-check')")
        except sqlite3.DatabaseError as e:
            problems.append(f"full-text index: {e}")
        return problems
