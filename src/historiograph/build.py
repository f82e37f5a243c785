"""The one place that runs the stages in order: find files, parse each, store it."""

from __future__ import annotations

import glob
import hashlib
import multiprocessing
import os
import sqlite3
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from historiograph.errors import SourceError, StoreError
from historiograph.ingest.metadata import is_sidecar, read_sidecar, sidecar_path
from historiograph.ingest.pipeline import parse_bytes
from historiograph.ingest.readers import kind_of, read_bytes
from historiograph.model import ParsedSource
from historiograph.settings import Settings
from historiograph.store.database import Store

_GLOB_CHARS = frozenset("*?[")
_PARALLEL_FROM = 16  # files; fewer are parsed in-process
_WINDOW_PER_JOB = 4


@dataclass(slots=True)
class IngestReport:
    """What happened to each input of one ingest run."""

    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)  # same content, new sidecar metadata
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "path: reason" (unsupported types)
    failed: list[str] = field(default_factory=list)  # "path: reason"
    stopped: str | None = None  # why the batch stopped early (the store failed)

    @property
    def ok(self) -> bool:
        return not self.failed and self.stopped is None


@dataclass(frozen=True, slots=True)
class Candidate:
    """A file to ingest, or a reason an input named no usable file."""

    path: Path | None
    problem: str | None = None
    skip: bool = False


def discover(inputs: Iterable[str], *, exclude: Iterable[Path] = ()) -> Iterator[Candidate]:
    """Files named by ``inputs`` (files, folders searched recursively, globs), in order.

    Each file is yielded once; inputs that name nothing are yielded as problems.
    Folder searches leave out hidden files and folders and the ``exclude``
    paths (the knowledge base's own files, when it lives among the sources).
    """
    seen: set[Path] = {path.resolve() for path in exclude}
    for raw in inputs:
        path = Path(raw)
        if path.is_dir():
            matches = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            explicit = False
        elif path.exists() or path.is_symlink():
            matches, explicit = [path], True
        elif _GLOB_CHARS & set(raw):
            matches = sorted(Path(p) for p in glob.glob(raw, recursive=True) if Path(p).is_file())
            explicit = False
            if not matches:
                yield Candidate(None, f"{raw}: no files match this pattern")
                continue
        else:
            yield Candidate(None, f"{raw}: no such file or directory")
            continue
        for match in matches:
            key = match.resolve()
            if key in seen:
                continue
            seen.add(key)
            if is_sidecar(match) and not explicit:
                continue  # read together with the source it describes
            if kind_of(match) is None:
                yield Candidate(match, f"{match}: unsupported file type, skipped", skip=True)
            else:
                yield Candidate(match)


def ingest_paths(
    inputs: Sequence[str],
    store: Store,
    *,
    settings: Settings | None = None,
    on_progress: Callable[[Path | None, int, int], None] | None = None,
    jobs: int | None = None,
) -> IngestReport:
    """Ingest every file ``inputs`` name into ``store``, one transaction per file.

    A file that fails is recorded in the report and the batch goes on; a
    failure of the store itself (disk full, read-only) stops the batch,
    because every following write would fail the same way.
    ``on_progress(path, done, total)`` is called after each file.
    ``jobs`` worker processes parse files while this one writes (default:
    one fewer than the CPUs for large batches, none for small ones).
    """
    settings = settings or Settings()
    report = IngestReport()
    own_files = [Path(store.path + suffix) for suffix in ("", "-wal", "-shm", "-journal")]
    candidates = list(discover(inputs, exclude=own_files))
    total = len(candidates)
    if jobs is None:
        jobs = default_jobs(sum(1 for c in candidates if c.problem is None))
    if store.path == ":memory:":
        jobs = 0  # workers could not see an in-memory base
    results = _prepare_all(candidates, store, settings, jobs)
    try:
        for done, (candidate, result) in enumerate(results, start=1):
            if candidate.problem:
                (report.skipped if candidate.skip else report.failed).append(candidate.problem)
            elif isinstance(result, str):
                report.failed.append(result)
            else:
                try:
                    outcome = "unchanged" if result is None else store.save_source(result)
                except StoreError as e:
                    report.stopped = str(e)
                    break
                getattr(report, outcome).append(str(candidate.path))
            if on_progress:
                on_progress(candidate.path, done, total)
    finally:
        results.close()
    return report


def default_jobs(files: int) -> int:
    """Parsing processes for a batch: none for a few files (start-up costs more)."""
    if files < _PARALLEL_FROM:
        return 0
    return max(0, min((os.cpu_count() or 1) - 1, 4))


# A prepared file: its parsed record, None when its content is stored already,
# or the one-line reason it failed.
Prepared = ParsedSource | None | str


def _prepare_all(
    candidates: list[Candidate], store: Store, settings: Settings, jobs: int
) -> Generator[tuple[Candidate, Prepared], None, None]:
    """Prepare candidates in order, in this process or in ``jobs`` workers."""
    if jobs < 1:
        for candidate in candidates:
            if candidate.path is None or candidate.problem:
                yield candidate, None
            else:
                yield candidate, _prepare_or_reason(candidate.path, settings, store.has_content)
        return
    context = multiprocessing.get_context("spawn")  # no forked SQLite connections
    pool = ProcessPoolExecutor(
        jobs, mp_context=context, initializer=_worker_start, initargs=(store.path,)
    )
    # A bounded window of files in flight keeps memory flat however large the batch.
    window: deque[tuple[Candidate, Future[Prepared] | None]] = deque()
    try:
        for candidate in candidates:
            if candidate.path is None or candidate.problem:
                window.append((candidate, None))
            else:
                window.append((candidate, pool.submit(_worker_prepare, candidate.path, settings)))
            while len(window) > _WINDOW_PER_JOB * jobs:
                yield _resolve(window.popleft())
        while window:
            yield _resolve(window.popleft())
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _resolve(item: tuple[Candidate, Future[Prepared] | None]) -> tuple[Candidate, Prepared]:
    candidate, future = item
    if future is None:
        return candidate, None
    try:
        return candidate, future.result()
    except BrokenProcessPool:
        return candidate, f"{candidate.path}: the parsing process died (out of memory?)"


def _prepare_or_reason(path: Path, settings: Settings, known: Callable[[str], bool]) -> Prepared:
    try:
        return prepare_file(path, settings, known)
    except SourceError as e:
        return str(e)


def prepare_file(
    path: Path, settings: Settings, known: Callable[[str], bool]
) -> ParsedSource | None:
    """Parse one file; None when ``known(sha256)`` says its exact bytes are stored already.

    The hash comes first: an unchanged file costs one read and one lookup.
    A file with a sidecar is always parsed, so edited metadata is picked up.
    """
    data = read_bytes(path, max_bytes=settings.max_source_bytes)
    sidecar = sidecar_path(path)
    overrides = read_sidecar(sidecar) if sidecar else {}
    if not overrides and known(hashlib.sha256(data).hexdigest()):
        return None
    return parse_bytes(str(path.resolve()), data, settings=settings, overrides=overrides)


_worker_db: sqlite3.Connection | None = None


def _worker_start(db_path: str) -> None:
    global _worker_db
    _worker_db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30.0)


def _worker_known(sha256: str) -> bool:
    assert _worker_db is not None
    row = _worker_db.execute("SELECT 1 FROM sources WHERE sha256 = ?", (sha256,)).fetchone()
    return row is not None


def _worker_prepare(path: Path, settings: Settings) -> Prepared:
    return _prepare_or_reason(path, settings, _worker_known)
