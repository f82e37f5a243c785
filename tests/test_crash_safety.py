"""Killing an ingest mid-write leaves the previous state intact, and a rerun completes."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from historiograph.store.database import Store
from support import SAMPLE_FILES

_CHILD = """
import sys
from historiograph.build import ingest_paths
from historiograph.settings import Settings
from historiograph.store.database import Store
with Store(sys.argv[1]) as store:
    ingest_paths([sys.argv[2]], store, settings=Settings(nlp=False))
"""


def _write_corpus(folder: Path, count: int) -> None:
    folder.mkdir()
    texts = [p.read_text(encoding="utf-8") for p in SAMPLE_FILES]
    for number in range(count):
        # Distinct content per file (so none is skipped as unchanged).
        body = texts[number % len(texts)]
        (folder / f"doc{number:04d}.txt").write_text(
            f"Document {number}\n\n{body}", encoding="utf-8"
        )


def _wait_for_group_exit(group: int, seconds: float = 30.0) -> None:
    """Wait until no process of the killed group is left (they hold database handles)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)


def _committed_sources(db: Path) -> int:
    """How many sources a reader sees committed (0 while there is no schema yet).

    Read-only and with a short timeout: a Store opened here would run the schema's
    migrations on a base caught halfway through its creation, and wait for the writer's
    lock to do it, while the ingest it should interrupt runs on.
    """
    try:
        with contextlib.closing(
            sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1.0)
        ) as conn:
            return int(conn.execute("SELECT count(*) FROM sources").fetchone()[0])
    except sqlite3.Error:
        return 0


def _consistent(db: Path) -> int:
    with Store(db) as store:
        assert store.check_integrity() == []
        for row in store.sources():
            assert store.original_text(row.id).startswith("Document ")
            passages = store.conn.execute(
                "SELECT count(*) FROM passages WHERE source_id = ?", (row.id,)
            ).fetchone()[0]
            assert passages > 0, "a source was stored without its passages"
        orphans = store.conn.execute(
            "SELECT count(*) FROM passages WHERE source_id NOT IN (SELECT id FROM sources)"
        ).fetchone()[0]
        assert orphans == 0
        return len(store.sources())


def test_kill_during_ingest_keeps_the_store_consistent(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    _write_corpus(corpus, 600)
    db = tmp_path / "kb.db"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    # Its own session, so the kill below reaches the ingest and its worker processes at once,
    # as killing a running job does.
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(db), str(corpus)], env=env, start_new_session=True
    )
    deadline = time.monotonic() + 60
    # Wait until some sources are committed, then kill without warning.
    while time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.05)
        if db.exists() and _committed_sources(db) >= 5:
            break
    os.killpg(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    _wait_for_group_exit(child.pid)
    assert child.returncode == -signal.SIGKILL, "the child finished before it could be killed"
    stored = _consistent(db)
    assert 5 <= stored < 600
    # Rerunning completes the job without duplicating anything.
    rerun = subprocess.run(
        [sys.executable, "-c", _CHILD, str(db), str(corpus)], env=env, check=False
    )
    assert rerun.returncode == 0
    assert _consistent(db) == 600


_FORKSERVER = "multiprocessing.forkserver"


def _parse_workers(me: Any) -> list[Any]:
    """The processes parsing for this one: forked by its forkserver, or spawned by it.

    Named by what they run, never by elimination: a child caught between fork
    and exec still shows this process's command line, and was once taken for
    a worker (the resource tracker on its way up, killed instead of one).
    """
    import psutil

    def line(process: Any) -> str:
        try:
            return " ".join(process.cmdline())
        except psutil.Error:  # gone (or a zombie) since it was listed
            return ""

    children = [(p, line(p)) for p in me.children()]
    servers = [p for p, command in children if _FORKSERVER in command]
    forked = [w for server in servers for w in server.children()]
    return forked or [p for p, command in children if "spawn_main" in command]


def test_a_worker_killed_mid_run_loses_nothing(tmp_path: Path) -> None:
    import threading

    import psutil

    from historiograph.build import ingest_paths
    from historiograph.settings import Settings

    corpus = tmp_path / "corpus"
    _write_corpus(corpus, 240)
    db = tmp_path / "kb.db"
    reports = []

    def ingest() -> None:
        with Store(db) as store:  # sqlite3 connections belong to their thread
            reports.append(ingest_paths([str(corpus)], store, jobs=2, settings=Settings(nlp=False)))

    run = threading.Thread(target=ingest)
    run.start()
    victim = None
    deadline = time.monotonic() + 60
    while victim is None and run.is_alive() and time.monotonic() < deadline:
        workers = _parse_workers(psutil.Process())
        victim = workers[0] if workers else None
        time.sleep(0.02)
    assert victim is not None, "no worker process was started"
    time.sleep(0.3)  # let it take a batch
    victim.kill()
    assert run.is_alive(), "the run finished before the worker could be killed"
    run.join(timeout=120)
    (report,) = reports
    assert report.ok and report.stopped is None
    assert len(report.added) == 240
    assert _consistent(db) == 240
