"""Parsed batches travel from workers through spool files, never through the result pipe."""

from __future__ import annotations

import os
import select
import tempfile
from collections import deque
from concurrent.futures import Future
from pathlib import Path

import pytest

from historiograph import build
from historiograph.build import ingest_paths
from historiograph.parse_spool import ParseSpool
from historiograph.settings import Settings
from historiograph.store.database import Store

# Linux writes a pipe message of at most PIPE_BUF bytes whole: a worker killed
# while sending one cannot leave half of it behind.
PIPE_BUF = getattr(select, "PIPE_BUF", 4096)


def test_a_batch_comes_back_whole_and_its_file_goes(tmp_path: Path) -> None:
    spool = ParseSpool(str(tmp_path))
    batch = [(Path("a.txt"), "a.txt: not UTF-8"), (Path("b.txt"), None)]
    name = spool.put(batch)
    assert name is not None and len(name) < PIPE_BUF
    assert spool.take(name) == batch
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_spool_says_so_instead_of_failing(tmp_path: Path) -> None:
    spool = ParseSpool(str(tmp_path / "gone"))
    assert spool.put([(Path("a.txt"), None)]) is None
    assert not (tmp_path / "gone").exists()


def test_names_that_leave_the_spool_are_refused(tmp_path: Path) -> None:
    spool = ParseSpool(str(tmp_path))
    for name in ("../kb.db", "sub/x.pickle", ".x.pickle.part"):
        with pytest.raises(ValueError, match="not a spool entry"):
            spool.take(name)


def test_closing_removes_what_a_killed_worker_left(tmp_path: Path) -> None:
    spool = ParseSpool.create()
    assert spool is not None
    (spool.directory / "x.pickle.part").write_bytes(b"half a pick")
    spool.close()
    assert not spool.directory.exists()


def test_a_worker_sends_back_a_name_however_large_its_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "big.txt"
    big.write_text("Tito and Djilas met in Jajce in November 1943. " * 40_000)
    with Store(tmp_path / "kb.db") as store:
        db_path = store.path
    spool = ParseSpool(str(tmp_path / "spool"))
    spool.directory.mkdir()
    monkeypatch.setattr(os, "nice", lambda increment: 0)  # this is the test process
    monkeypatch.setattr(build, "_worker_known", None)
    monkeypatch.setattr(build, "_worker_spool", None)
    build._worker_start(db_path, str(spool.directory))
    name = build._worker_prepare([big], Settings(nlp=False))
    assert name is not None and len(name.encode()) < PIPE_BUF
    ((path, rows),) = spool.take(name)
    assert path == big and rows is not None and not isinstance(rows, str)


def test_a_batch_the_worker_could_not_spool_is_parsed_by_the_writer(tmp_path: Path) -> None:
    source = tmp_path / "a.txt"
    source.write_text("Partisans entered Belgrade in October 1944.")
    unspooled: Future[str | None] = Future()
    unspooled.set_result(None)
    window: deque[tuple[list[Path], Future[str | None] | build.Prepared | None]] = deque(
        [([source], unspooled)]
    )
    parsed_here: list[list[Path]] = []

    def parse_here(batch: list[Path]) -> build.Prepared:
        parsed_here.append(batch)
        return [(path, None) for path in batch]

    prepared = build._next_prepared(window, ParseSpool(str(tmp_path)), parse_here)
    assert prepared == [(source, None)] and parsed_here == [[source]] and not window


def test_without_a_temporary_directory_the_run_parses_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(40):
        (corpus / f"doc{i:02}.txt").write_text(f"Letter {i} from Bari, written in May 1944.")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "no-such-dir"))
    assert ParseSpool.create() is None
    with Store(tmp_path / "kb.db") as store:
        report = ingest_paths([str(corpus)], store, jobs=2, settings=Settings(nlp=False))
    assert report.ok and len(report.added) == 40
