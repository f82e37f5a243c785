"""Shared fixtures: the sample corpus and its knowledge base, fresh stores, a CLI runner."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from historiograph.build import ingest_paths
from historiograph.cli.main import main
from historiograph.settings import Settings
from historiograph.store.database import Store
from postgres.fixtures import any_store, pg_server, pg_url, store_kind  # noqa: F401
from support import SAMPLE_DIR, CliResult


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    """A writable copy of the sample corpus."""
    target = tmp_path / "corpus"
    shutil.copytree(SAMPLE_DIR, target)
    for path in target.iterdir():
        path.chmod(0o644)
    return target


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "kb.db") as opened:
        yield opened


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """Run the CLI in-process and capture what it prints."""

    def run(*args: str) -> CliResult:
        try:
            code = main(list(args))
        except SystemExit as e:  # argparse's --help, --version and usage errors
            code = int(e.code or 0)
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample ingested with NLP (entities, events, claims, profiles, claim groups), built
    once per session because a build costs tens of seconds; read-only for the tests."""
    target = tmp_path_factory.mktemp("sample") / "sample.db"
    with Store(target) as store:
        report = ingest_paths([str(SAMPLE_DIR)], store, settings=Settings())
        assert report.ok and len(report.added) == 4, report.failed
        # Fold the WAL into the file, so copies of it are whole.
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return target


@pytest.fixture
def sample_db_copy(sample_db: Path, tmp_path: Path) -> Path:
    """A private copy of the sample base, for tests that write to it."""
    target = tmp_path / "copy.db"
    shutil.copyfile(sample_db, target)
    return target
