"""The sample corpus ingested with NLP once per session, for the comparison store and CLI tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from historiograph.build import ingest_paths
from historiograph.settings import Settings
from historiograph.store.database import Store
from support import SAMPLE_DIR


@pytest.fixture(scope="session")
def compare_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample as a knowledge base with claim groups; read-only for the tests (copy to write)."""
    target = tmp_path_factory.mktemp("compare") / "sample.db"
    with Store(target) as store:
        report = ingest_paths([str(SAMPLE_DIR)], store, settings=Settings())
        assert report.ok and len(report.added) == 4, report.failed
        # Fold the WAL into the file, so copies of it are whole.
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return target


@pytest.fixture
def compare_db_copy(compare_db: Path, tmp_path: Path) -> Path:
    """A private copy of the sample base, for tests that write to it."""
    target = tmp_path / "copy.db"
    shutil.copyfile(compare_db, target)
    return target
