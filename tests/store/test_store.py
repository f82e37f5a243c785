"""The SQLite store: idempotent re-ingest, replacement of changed files, migrations."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from historiograph.build import ingest_paths
from historiograph.errors import StoreError
from historiograph.ingest.pipeline import parse_text
from historiograph.store.database import Store
from historiograph.store.migrations import SCHEMA_VERSION
from support import SAMPLE_FILES


def test_every_sample_file_is_ingested_verbatim(store: Store) -> None:
    report = ingest_paths([str(p) for p in SAMPLE_FILES], store)
    assert report.ok and len(report.added) == len(SAMPLE_FILES) == 4
    for row in store.sources():
        on_disk = Path(row.path).read_text(encoding="utf-8")
        assert store.original_text(row.id) == on_disk
        assert row.char_count == len(on_disk)
        assert row.language == "en"
        assert store.spans(row.id), row.path
    assert store.check_integrity() == []


def test_reingesting_unchanged_files_does_nothing(store: Store) -> None:
    paths = [str(p) for p in SAMPLE_FILES]
    ingest_paths(paths, store)
    before = store.counts()
    stamps = [row.ingested_at for row in store.sources()]
    again = ingest_paths(paths, store)
    assert again.added == again.replaced == [] and len(again.unchanged) == 4
    assert store.counts() == before
    assert [row.ingested_at for row in store.sources()] == stamps


def test_a_changed_file_replaces_its_old_version(store: Store, sample_copy: Path) -> None:
    ingest_paths([str(sample_copy)], store)
    target = sample_copy / SAMPLE_FILES[1].name
    old_ids = {row.id for row in store.sources()}
    target.write_text(
        target.read_text(encoding="utf-8") + "\nA new closing paragraph about Tigar.\n"
    )
    report = ingest_paths([str(sample_copy)], store)
    assert report.replaced == [str(target.resolve())] and len(report.unchanged) == 3
    rows = store.sources()
    assert len(rows) == 4
    new_ids = {row.id for row in rows}
    assert len(old_ids - new_ids) == 1 and len(new_ids - old_ids) == 1
    (new_id,) = new_ids - old_ids
    assert store.original_text(new_id).endswith("Tigar.\n")
    (old_id,) = old_ids - new_ids
    for table in ("spans", "passages", "edits"):
        count = store.conn.execute(f"SELECT count(*) FROM {table} WHERE source_id = ?", (old_id,))
        assert count.fetchone()[0] == 0, table
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


def test_sidecar_overrides_metadata_and_updates_in_place(store: Store, sample_copy: Path) -> None:
    source = sample_copy / SAMPLE_FILES[1].name
    ingest_paths([str(source)], store)
    (row,) = store.sources()
    assert row.title == "Enter the Red Army" and row.authors == []
    sidecar = sample_copy / (source.name + ".meta.yaml")
    sidecar.write_text(
        "authors: [A. Traveller]\npublished: '2019'\ntitle: Red Army\n", encoding="utf-8"
    )
    report = ingest_paths([str(sample_copy)], store)
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
