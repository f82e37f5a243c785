"""The tables incremental updates keep per source come from migration 14, on old bases too."""

from __future__ import annotations

from pathlib import Path

from historiograph.store.database import Store
from historiograph.store.migrations import SCHEMA_VERSION
from support import base_at_version

SIDE_TABLES = {
    "resolve_units",
    "resolve_rows",
    "resolve_apart",
    "resolve_aliases",
    "resolve_cooccur",
    "resolve_sources",
    "resolve_clusters",
    "resolve_meta",
    "relation_parts",
    "geocode_parts",
}


def _tables(store: Store) -> set[str]:
    rows = store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    return {row[0] for row in rows}


def test_a_new_base_has_them_before_any_update(tmp_path: Path) -> None:
    with Store(tmp_path / "kb.db") as store:
        assert SCHEMA_VERSION >= 14
        assert _tables(store) >= SIDE_TABLES


def test_a_base_that_made_them_on_first_use_migrates_keeping_their_rows(tmp_path: Path) -> None:
    # Before migration 14 the tables were made by the first update that needed them.
    conn = base_at_version(tmp_path / "kb.db", 13)
    conn.executescript(
        "CREATE TABLE resolve_sources (source_id TEXT PRIMARY KEY) WITHOUT ROWID;"
        "INSERT INTO resolve_sources VALUES ('0123456789abcdef');"
        "CREATE TABLE relation_parts (source_id TEXT NOT NULL, a INTEGER NOT NULL,"
        " b INTEGER NOT NULL, type TEXT NOT NULL, weight INTEGER NOT NULL,"
        " evidence TEXT NOT NULL);"
    )
    conn.close()
    with Store(tmp_path / "kb.db") as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert _tables(store) >= SIDE_TABLES
        kept = store.conn.execute("SELECT source_id FROM resolve_sources").fetchall()
        assert [row[0] for row in kept] == ["0123456789abcdef"]
