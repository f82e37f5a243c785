"""Ingest on a Dask cluster: the same knowledge base as one process, and no loss when a worker dies.

A real ``distributed.LocalCluster`` of two worker processes on 127.0.0.1, started
by the executor itself or by the test (to find and kill a worker).
"""

from __future__ import annotations

import json
import os
import signal
import threading
from pathlib import Path

import pytest
from distributed import Client, LocalCluster

from historiograph.build import ingest_paths
from historiograph.errors import ExecutorError
from historiograph.export.json_export import export_json
from historiograph.settings import Settings
from historiograph.store.database import Store
from support import SAMPLE_DIR, write_generated_corpus


def _export(db: Path) -> str:
    with Store(db, create=False) as store:
        data = export_json(store)
    # Ingest times are the one thing two runs may not share.
    return json.dumps(data, sort_keys=True, ensure_ascii=False)


def _ingest(db: Path, inputs: list[str], settings: Settings, **how: object) -> list[str]:
    with Store(db) as store:
        report = ingest_paths(inputs, store, settings=settings, **how)  # type: ignore[arg-type]
    assert report.ok, (report.failed, report.stopped)
    return sorted(report.added)


@pytest.fixture(scope="module")
def cluster() -> object:
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as local:
        yield local


def test_dask_with_nlp_equals_one_process(tmp_path: Path, sample_db: Path) -> None:
    # The sample with the whole pipeline (entities, events, claims, profiles, comparison) and
    # a LocalCluster the executor starts itself, as `ingest --executor dask --workers 2` does;
    # the session's sample base was built in one process.
    spread = _ingest(tmp_path / "dask.db", [str(SAMPLE_DIR)], Settings(), executor="dask", jobs=2)
    assert len(spread) == 4
    assert _export(tmp_path / "dask.db") == _export(sample_db)


def test_dask_on_a_generated_corpus_equals_one_process(tmp_path: Path, cluster: object) -> None:
    assert isinstance(cluster, LocalCluster)
    corpus = tmp_path / "corpus"
    write_generated_corpus(corpus, 120)
    inputs = [str(SAMPLE_DIR), str(corpus)]
    plain = Settings(nlp=False)
    alone = _ingest(tmp_path / "alone.db", inputs, plain, jobs=0)
    spread = _ingest(
        tmp_path / "dask.db", inputs, plain, executor="dask", scheduler=cluster.scheduler_address
    )
    assert spread == alone and len(spread) == 124
    assert _export(tmp_path / "dask.db") == _export(tmp_path / "alone.db")
    # A second run over the same files stores nothing new: every file is unchanged.
    with Store(tmp_path / "dask.db") as store:
        again = ingest_paths(
            inputs, store, settings=plain, executor="dask", scheduler=cluster.scheduler_address
        )
    assert again.ok and not again.added and len(again.unchanged) == 124


def test_a_worker_killed_mid_run_loses_and_duplicates_nothing(
    tmp_path: Path, cluster: object
) -> None:
    assert isinstance(cluster, LocalCluster)
    corpus = tmp_path / "corpus"
    files = write_generated_corpus(corpus, 400, seed=1945)
    with Client(cluster.scheduler_address) as client:
        pids = sorted(client.run(os.getpid).values())
    assert len(pids) == 2
    killed: list[tuple[int, int, int]] = []
    lock = threading.Lock()

    def kill_one(_path: Path | None, done: int, total: int) -> None:
        # At the first batch written, while most of the run is still to go, kill -9 a worker.
        with lock:
            if not killed and done < total:
                os.kill(pids[0], signal.SIGKILL)
                killed.append((pids[0], done, total))

    db = tmp_path / "dask.db"
    with Store(db) as store:
        report = ingest_paths(
            [str(corpus)],
            store,
            settings=Settings(nlp=False),
            executor="dask",
            scheduler=cluster.scheduler_address,
            on_progress=kill_one,
        )
    assert killed and killed[0][1] < len(files) // 2, killed
    assert report.ok, (report.failed, report.stopped)
    assert len(report.added) == len(files)
    with Store(db, create=False) as store:
        paths = [row[0] for row in store.conn.execute("SELECT path FROM sources")]
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert sorted(paths) == sorted(str(p.resolve()) for p in files)  # each once


def test_an_unreachable_scheduler_is_one_clear_error(tmp_path: Path) -> None:
    with Store(tmp_path / "kb.db") as store, pytest.raises(ExecutorError, match=r"127\.0\.0\.1:9"):
        ingest_paths(
            [str(SAMPLE_DIR)],
            store,
            settings=Settings(nlp=False),
            executor="dask",
            scheduler="tcp://127.0.0.1:9",
        )
    with Store(tmp_path / "kb.db", create=False) as store:
        assert store.conn.execute("SELECT count(*) FROM sources").fetchone()[0] == 0


def test_the_cli_takes_the_executor(tmp_path: Path, cli: object, cluster: object) -> None:
    assert isinstance(cluster, LocalCluster)
    run = cli  # the root conftest's in-process CLI runner
    db = str(tmp_path / "kb.db")
    result = run(  # type: ignore[operator]
        "ingest", str(SAMPLE_DIR), "--db", db, "--no-nlp", "--executor", "dask",
        "--scheduler", cluster.scheduler_address,
    )  # fmt: skip
    assert result.code == 0, result.err
    assert "4 added" in result.out
    bad = run("ingest", str(SAMPLE_DIR), "--db", db, "--scheduler", "tcp://127.0.0.1:9")  # type: ignore[operator]
    assert bad.code == 2 and "--scheduler needs --executor dask" in bad.err
