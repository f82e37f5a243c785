"""The SQLite store: idempotent re-ingest, replacement of changed files, migrations."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from historiograph.build import ingest_paths
from historiograph.errors import StoreError
from historiograph.ingest.pipeline import parse_text
from historiograph.settings import Settings
from historiograph.store.database import Store
from historiograph.store.migrations import SCHEMA_VERSION
from support import SAMPLE_FILES, base_at_version


def _settings(store: Any) -> Settings:
    """The PostgreSQL store takes ingests without NLP only (so far); these tests read none."""
    return Settings() if isinstance(store, Store) else Settings(nlp=False)


def _rows_for(store: Any, table: str, source_id: str) -> int:
    mark = "?" if isinstance(store, Store) else "%s"
    query = f"SELECT count(*) FROM {table} WHERE source_id = {mark}"
    row = store.conn.execute(query, (source_id,)).fetchone()
    return int(row[0])


def test_every_sample_file_is_ingested_verbatim(any_store: Any) -> None:
    store = any_store
    report = ingest_paths([str(p) for p in SAMPLE_FILES], store, settings=_settings(store))
    assert report.ok and len(report.added) == len(SAMPLE_FILES) == 4
    for row in store.sources():
        on_disk = Path(row.path).read_text(encoding="utf-8")
        assert store.original_text(row.id) == on_disk
        assert row.char_count == len(on_disk)
        assert row.language == "en"
        assert store.spans(row.id), row.path
    assert store.check_integrity() == []


def test_reingesting_unchanged_files_does_nothing(any_store: Any) -> None:
    store = any_store
    paths = [str(p) for p in SAMPLE_FILES]
    ingest_paths(paths, store, settings=_settings(store))
    before = store.counts()
    stamps = [row.ingested_at for row in store.sources()]
    again = ingest_paths(paths, store, settings=_settings(store))
    assert again.added == again.replaced == [] and len(again.unchanged) == 4
    assert store.counts() == before
    assert [row.ingested_at for row in store.sources()] == stamps


def test_a_changed_file_replaces_its_old_version(any_store: Any, sample_copy: Path) -> None:
    store = any_store
    ingest_paths([str(sample_copy)], store, settings=_settings(store))
    target = sample_copy / SAMPLE_FILES[1].name
    old_ids = {row.id for row in store.sources()}
    target.write_text(
        target.read_text(encoding="utf-8") + "\nA new closing paragraph about Tigar.\n"
    )
    report = ingest_paths([str(sample_copy)], store, settings=_settings(store))
    assert report.replaced == [str(target.resolve())] and len(report.unchanged) == 3
    rows = store.sources()
    assert len(rows) == 4
    new_ids = {row.id for row in rows}
    assert len(old_ids - new_ids) == 1 and len(new_ids - old_ids) == 1
    (new_id,) = new_ids - old_ids
    assert store.original_text(new_id).endswith("Tigar.\n")
    (old_id,) = old_ids - new_ids
    for table in ("spans", "passages", "edits"):
        assert _rows_for(store, table, old_id) == 0, table
    assert store.check_integrity() == []


def test_a_failed_write_rolls_back_whole(store: Store) -> None:
    parsed = parse_text("Enver Hoxha was assigned to the leadership of this branch.\n")
    store.conn.execute(
        "CREATE TRIGGER refuse AFTER INSERT ON passages"
        " BEGIN SELECT RAISE(ABORT, 'disk says no'); END"
    )
    with pytest.raises(StoreError, match="nothing changed"):
        store.save_source(parsed)
    assert store.counts()["sources"] == 0 and store.counts()["spans"] == 0


def test_schema_is_versioned(tmp_path: Path) -> None:
    db = tmp_path / "kb.db"
    Store(db).close()
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match="newer historiograph"):
        Store(db)


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    bogus = tmp_path / "kb.db"
    bogus.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="cannot open knowledge base"):
        Store(bogus)


def test_reading_a_missing_database_does_not_create_it(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no knowledge base here"):
        Store(tmp_path / "nope.db", create=False)
    assert not (tmp_path / "nope.db").exists()


def test_sidecar_overrides_metadata_and_updates_in_place(any_store: Any, sample_copy: Path) -> None:
    store = any_store
    source = sample_copy / SAMPLE_FILES[1].name
    ingest_paths([str(source)], store, settings=_settings(store))
    (row,) = store.sources()
    assert row.title == "Enter the Red Army" and row.authors == []
    sidecar = sample_copy / (source.name + ".meta.yaml")
    sidecar.write_text(
        "authors: [A. Traveller]\npublished: '2019'\ntitle: Red Army\n", encoding="utf-8"
    )
    report = ingest_paths([str(sample_copy)], store, settings=_settings(store))
    assert report.updated == [str(source.resolve())]
    updated = next(r for r in store.sources() if r.path == str(source.resolve()))
    assert (updated.title, updated.authors, updated.published) == (
        "Red Army",
        ["A. Traveller"],
        "2019",
    )
    assert updated.id == row.id


def test_bad_sidecar_fails_its_source_only(store: Store, sample_copy: Path) -> None:
    source = sample_copy / SAMPLE_FILES[0].name
    (sample_copy / (source.name + ".meta.json")).write_text('{"authors": 3}', encoding="utf-8")
    report = ingest_paths([str(sample_copy)], store)
    assert len(report.failed) == 1 and "authors" in report.failed[0]
    assert len(report.added) == 3


def _indexed(store: Store, query: str) -> set[str]:
    """Source ids whose passages the full-text index finds for ``query``."""
    rows = store.conn.execute(
        "SELECT DISTINCT p.source_id FROM passages_fts"
        " JOIN passages AS p ON p.id = passages_fts.rowid WHERE passages_fts MATCH ?",
        (query,),
    )
    return {row[0] for row in rows}


def test_every_passage_is_indexed_once_by_the_store(store: Store) -> None:
    first = parse_text("Enver Hoxha met Tito at Dibra.\n\nThe partisans marched north.\n")
    second = parse_text("Mihailović stayed in the mountains.\n", path="<other>")
    assert store.save_sources([first, second]) == ["added", "added"]
    passages = store.conn.execute("SELECT count(*) FROM passages").fetchone()[0]
    indexed = store.conn.execute("SELECT count(*) FROM passages_fts_docsize").fetchone()[0]
    assert passages == indexed == 3
    assert len(_indexed(store, "partisans")) == len(_indexed(store, "mihailovic")) == 1
    assert store.check_integrity() == []


def test_a_source_replaced_mid_batch_leaves_an_exact_index(store: Store) -> None:
    # The replaced source holds the highest passage ids, so SQLite would hand the
    # ids its deleted passages free to the next new ones: the store must not.
    store.save_sources([parse_text("Kept words about Tirana.\n", path="a.txt")])
    store.save_sources([parse_text("Old words about Vlorë.\n\nMore old words.\n", path="b.txt")])
    outcomes = store.save_sources(
        [
            parse_text("New words about Vlorë.\n", path="b.txt"),
            parse_text("Fresh words about Korçë.\n\nAnd Shkodër.\n", path="c.txt"),
        ]
    )
    assert outcomes == ["replaced", "added"]
    assert store.check_integrity() == []
    assert _indexed(store, "old") == set()
    assert len(_indexed(store, "vlore")) == len(_indexed(store, "korce OR shkoder")) == 1
    assert len(_indexed(store, "words")) == 3


def test_a_version_11_base_keeps_its_index_and_indexes_new_sources(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = base_at_version(path, 11)
    # What a version-11 store wrote: a source whose passage the insert trigger indexed.
    conn.execute(
        "INSERT INTO sources (id, sha256, path, kind, size_bytes, char_count, ingested_at,"
        " original) VALUES ('0123456789abcdef', '0123456789abcdef00', 'old.txt', 'text', 24, 24,"
        " '2024-01-01T00:00:00+00:00', 'The Vërlaci family fled.')"
    )
    conn.execute(
        'INSERT INTO passages (source_id, start, "end", text)'
        " VALUES ('0123456789abcdef', 0, 24, 'The Vërlaci family fled.')"
    )
    conn.close()
    with Store(path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION >= 12
        triggers = {
            row[0]
            for row in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        }
        assert "passages_ai" not in triggers and {"passages_ad", "passages_au"} <= triggers
        store.save_source(parse_text("The Verlaci estates were seized.\n", path="new.txt"))
        assert len(_indexed(store, "verlaci")) == 2
        assert store.check_integrity() == []
        # Deleting the old source still takes its passage out of the index.
        assert store.delete_source("0123456789abcdef")
        assert len(_indexed(store, "verlaci")) == 1
        assert store.check_integrity() == []


def test_a_postgresql_url_is_refused_by_the_sqlite_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(StoreError) as caught:
        Store("postgresql://reader:secret@db.example:5432/kb")
    assert "secret" not in str(caught.value) and "open_store" in str(caught.value)
    assert list(tmp_path.iterdir()) == []  # no stray file named after the URL
