"""Schema migrations, applied in order; ``PRAGMA user_version`` records the last one.

Append a new entry to MIGRATIONS to change the schema; never edit a shipped one.
"""

from __future__ import annotations

MIGRATIONS: list[str] = [
    # 1: sources, their typed spans, cleaning edits, and passages with an
    # FTS5 external-content index kept in sync by triggers.
    """
    CREATE TABLE sources (
        id          TEXT PRIMARY KEY,            -- first 16 hex digits of sha256
        sha256      TEXT NOT NULL UNIQUE,        -- of the file's bytes: its identity
        path        TEXT NOT NULL UNIQUE,
        kind        TEXT NOT NULL,               -- text | markdown | html | pdf
        title       TEXT,
        authors     TEXT NOT NULL DEFAULT '[]',  -- JSON list
        published   TEXT,                        -- EDTF
        language    TEXT,
        size_bytes  INTEGER NOT NULL,
        char_count  INTEGER NOT NULL,
        metadata    TEXT NOT NULL DEFAULT '{}',  -- JSON: anything else known
        ingested_at TEXT NOT NULL,
        original    TEXT NOT NULL                -- verbatim; every offset points here
    );
    CREATE TABLE spans (
        id        INTEGER PRIMARY KEY,
        source_id TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        kind      TEXT NOT NULL,
        start     INTEGER NOT NULL,
        "end"     INTEGER NOT NULL,
        attrs     TEXT NOT NULL DEFAULT '{}',
        CHECK (0 <= start AND start <= "end")
    );
    CREATE INDEX spans_by_source ON spans(source_id, kind, start);
    CREATE TABLE edits (
        source_id   TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        start       INTEGER NOT NULL,
        "end"       INTEGER NOT NULL,
        replacement TEXT NOT NULL,
        kind        TEXT NOT NULL,
        PRIMARY KEY (source_id, start, "end")
    ) WITHOUT ROWID;
    CREATE TABLE passages (
        id        INTEGER PRIMARY KEY,
        source_id TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        start     INTEGER NOT NULL,
        "end"     INTEGER NOT NULL,
        text      TEXT NOT NULL                  -- cleaned view, boilerplate excluded
    );
    CREATE INDEX passages_by_source ON passages(source_id, start);
    CREATE VIRTUAL TABLE passages_fts USING fts5(
        text, content='passages', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER passages_ai AFTER INSERT ON passages BEGIN
        INSERT INTO passages_fts(rowid, text) VALUES (new.id, new.text);
    END;
    CREATE TRIGGER passages_ad AFTER DELETE ON passages BEGIN
        INSERT INTO passages_fts(passages_fts, rowid, text) VALUES ('delete', old.id, old.text);
    END;
    CREATE TRIGGER passages_au AFTER UPDATE ON passages BEGIN
        INSERT INTO passages_fts(passages_fts, rowid, text) VALUES ('delete', old.id, old.text);
        INSERT INTO passages_fts(rowid, text) VALUES (new.id, new.text);
    END;
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)
