"""The one place that runs the stages in order: find files, parse each, store it."""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import logging
import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from historiograph.errors import SourceError, StoreError
from historiograph.ingest.discover import Candidate, count_candidates, discover
from historiograph.ingest.metadata import read_sidecar, sidecar_path
from historiograph.ingest.pipeline import parse_bytes
from historiograph.ingest.readers import read_bytes
from historiograph.model import ParsedSource
from historiograph.parse_spool import ParseSpool
from historiograph.settings import Settings
from historiograph.store.database import SourceRows, Store, as_rows
from historiograph.store.known import KnownContents

if TYPE_CHECKING:
    from spacy.language import Language

    from historiograph.claims.model import ClaimSet

_log = logging.getLogger(__name__)

_PARALLEL_FROM = 16  # files; fewer are parsed in-process
_WINDOW_PER_JOB = 2
_WORKER_NICENESS = 5
_LOCAL_AHEAD_PER_JOB = 4  # batches the writer may parse ahead while it waits
_BATCH_FILES = 16
_BATCH_BYTES = 32 * 1024 * 1024
EXECUTORS = ("local", "dask")  # worker processes of this machine, or a Dask cluster


OUTCOMES = ("added", "replaced", "updated", "unchanged", "skipped", "failed")


@dataclass(slots=True)
class IngestReport:
    """What happened to each input of one ingest run.

    ``counts`` has how many inputs had each outcome. The lists name them; with
    ``keep_paths`` off (``ingest_paths(..., keep_paths=False)``), only failures
    and skips are listed, so a run over millions of files keeps no per-file state.
    """

    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)  # same content, new sidecar metadata
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "path: reason" (unsupported types)
    failed: list[str] = field(default_factory=list)  # "path: reason"
    stopped: str | None = None  # why the batch stopped early (the store failed)
    resolution: object | None = None  # ResolutionSummary of the entity resolution that followed
    keep_paths: bool = True
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))

    @property
    def ok(self) -> bool:
        return not self.failed and self.stopped is None

    def note(self, outcome: str, detail: str) -> None:
        """Record one input's outcome (one of ``OUTCOMES``)."""
        self.counts[outcome] += 1
        if self.keep_paths or outcome in ("skipped", "failed"):
            getattr(self, outcome).append(detail)


def ingest_paths(
    inputs: Sequence[str],
    store: Store,
    *,
    settings: Settings | None = None,
    on_progress: Callable[[Path | None, int, int], None] | None = None,
    jobs: int | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    keep_paths: bool = True,
) -> IngestReport:
    """Ingest every file ``inputs`` name into ``store``.

    Files are parsed in batches and each batch is written in one transaction,
    so a killed process leaves whole batches or nothing. A file that fails is
    recorded in the report and the run goes on; a failure of the store itself
    (disk full, read-only) stops the run, because every following write would
    fail the same way. ``on_progress(path, done, total)`` is called as files
    are done. ``jobs`` worker processes parse batches ahead while this process
    writes them (SQLite takes one writer); default: one per CPU for large runs,
    none for small. ``executor="dask"`` parses on a Dask cluster instead: the
    one at ``scheduler`` (``tcp://host:8786``), or a local one of ``jobs``
    worker processes.

    Files are found as the run goes (folders are searched one listing at a
    time) and only a bounded window of batches is in flight, so memory does
    not grow with the number of files; ``keep_paths=False`` keeps the report
    to counts (and the failures), for runs over millions of files.
    """
    if executor not in EXECUTORS:
        raise ValueError(f"unknown executor {executor!r} (one of: {', '.join(EXECUTORS)})")
    settings = settings or Settings()
    report = IngestReport(keep_paths=keep_paths)
    own_files = [Path(store.path + suffix) for suffix in ("", "-wal", "-shm", "-journal")]
    # The total is only for the progress display: one more pass over the inputs, cheap
    # next to parsing them, and only when someone shows it.
    total = count_candidates(inputs, exclude=own_files) if on_progress else 0
    progress = _Progress(on_progress, total)
    files = _files(discover(inputs, exclude=own_files), report, progress)
    head = list(itertools.islice(files, _PARALLEL_FROM))  # enough to choose the workers
    requested_jobs = jobs
    if jobs is None:
        jobs = default_jobs(len(head))
    if store.path == ":memory:":
        jobs = 0  # workers could not see an in-memory base
    batches = _batches(itertools.chain(head, files))
    if executor == "dask":
        from historiograph.dask_executor import run_batches_on_dask

        results = run_batches_on_dask(
            batches,
            store,
            settings,
            scheduler=scheduler,
            workers=requested_jobs or None,
            write=write_batch,
            prepare_here=lambda batch: prepare_batch(batch, settings, store.has_content),
        )
    else:
        results = _run_batches(batches, store, settings, jobs)
    with store.bulk_load():
        _record(results, report, progress)
    changed = report.counts["added"] or report.counts["replaced"]
    if settings.nlp and changed and report.stopped is None:
        try:
            report.resolution = update_derived(store)
        except StoreError as e:
            report.stopped = str(e)
    return report


def update_derived(store: Store) -> object:
    """Bring entities, relations, coordinates and claim groups up to date with the sources.

    Incremental: only the sources added or gone since the last update (a replaced source
    is both) are read again, with the same result as ``historiograph resolve``'s full
    recompute. Returns the ResolutionSummary.
    """
    from historiograph.store.resolution import (
        compute_relations,
        geocode_places,
        resolution_summary,
        update_resolution,
    )

    changes = update_resolution(store)
    compute_relations(store, changes)
    geocode_places(store, changes)
    _compare(store)
    return resolution_summary(store)


def delete_sources(store: Store, source_ids: Iterable[str]) -> int:
    """Delete sources and update what was derived from them; return how many were found."""
    deleted = sum(store.delete_source(source_id) for source_id in source_ids)
    if deleted:
        update_derived(store)
    return deleted


def _compare(store: Store) -> None:
    """Rebuild the cross-source claim groups.

    The comparison reads what is stored already: a bug in it is logged and
    costs the groups (the old ones stay), never the ingest. A failure of the
    store itself is raised, as for resolution.
    """
    from historiograph.store.comparison import compute_claim_groups

    try:
        compute_claim_groups(store)
    except StoreError:
        raise
    except Exception:
        _log.exception("%s: sources not compared", store.path)


class _Progress:
    """Calls ``on_progress(path, done, total)`` as inputs are done, if anyone listens."""

    def __init__(self, on_progress: Callable[[Path | None, int, int], None] | None, total: int):
        self.on_progress, self.total, self.done = on_progress, total, 0

    def advance(self, path: Path | None, count: int) -> None:
        self.done += count
        if self.on_progress and count:
            self.on_progress(path, self.done, max(self.total, self.done))


def _files(
    candidates: Iterable[Candidate], report: IngestReport, progress: _Progress
) -> Iterator[Path]:
    """The files to parse; inputs that name none are reported as they are met."""
    for candidate in candidates:
        if candidate.problem:
            report.note("skipped" if candidate.skip else "failed", candidate.problem)
            progress.advance(None, 1)
        elif candidate.path is not None:
            yield candidate.path


def _record(
    results: Generator[BatchResult, None, None], report: IngestReport, progress: _Progress
) -> None:
    """Add each batch's outcomes to the report as the batches are written."""
    try:
        for result in results:
            for outcome, detail in result.outcomes:
                report.note(outcome, detail)
            progress.advance(result.last, result.files)
            if result.stopped:
                report.stopped = result.stopped
                break
    finally:
        results.close()


def _batches(files: Iterable[Path]) -> Iterator[list[Path]]:
    """Consecutive runs of at most _BATCH_FILES files and about _BATCH_BYTES, as needed."""
    batch: list[Path] = []
    size = 0
    for path in files:
        try:
            length = path.stat().st_size
        except OSError:
            length = 0  # reading it will fail and say why
        if batch and (len(batch) >= _BATCH_FILES or size + length > _BATCH_BYTES):
            yield batch
            batch, size = [], 0
        batch.append(path)
        size += length
    if batch:
        yield batch


def default_jobs(files: int) -> int:
    """Worker processes for a run: none for a few files (start-up costs more)."""
    if files < _PARALLEL_FROM:
        return 0
    return max(1, min(os.cpu_count() or 1, 4))


@dataclass(slots=True)
class BatchResult:
    """What became of a batch: ``(report field, path or failure line)`` pairs."""

    outcomes: list[tuple[str, str]] = field(default_factory=list)
    stopped: str | None = None
    files: int = 0  # in the batch
    last: Path | None = None  # the batch's last file, for the progress display


# A parsed batch: each file's parsed record (None: its content is stored
# already) or the one-line reason it failed.
Prepared = list[tuple[Path, SourceRows | str | None]]


def prepare_batch(
    paths: Sequence[Path], settings: Settings, known: Callable[[str], bool]
) -> Prepared:
    """Parse (and, with NLP on, extract) each file; never raises for a bad file."""
    prepared: Prepared = []
    for path in paths:
        try:
            parsed = prepare_file(path, settings, known)
            prepared.append((path, None if parsed is None else as_rows(parsed)))
        except SourceError as e:
            prepared.append((path, str(e)))
    return prepared


def write_batch(store: Store, prepared: Prepared) -> BatchResult:
    """Write a parsed batch in one transaction: all of its sources, or none.

    A failure here is the store's own (disk full, read-only): it is reported
    once as ``stopped`` and nothing of the batch is kept.
    """
    result = BatchResult(files=len(prepared), last=prepared[-1][0] if prepared else None)
    parsed = [source for _, source in prepared if isinstance(source, SourceRows)]
    try:
        outcomes = iter(store.save_sources(parsed))
    except StoreError as e:
        lost = ""
        if parsed:
            # Name what was not stored, so the user knows what to ingest again.
            names = [str(path) for path, source in prepared if isinstance(source, SourceRows)]
            shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
            lost = f"; not stored: {shown}"
        result.stopped = f"{e}{lost}"
        return result
    for path, source in prepared:
        if isinstance(source, str):
            result.outcomes.append(("failed", source))
        else:
            outcome = "unchanged" if source is None else next(outcomes)
            result.outcomes.append((outcome, str(path)))
    return result


def _run_batches(
    batches: Iterable[list[Path]], store: Store, settings: Settings, jobs: int
) -> Generator[BatchResult, None, None]:
    """Run batches in order: parsed here or in ``jobs`` worker processes, written here.

    SQLite takes one writer at a time, so workers only parse (the costly
    part) and this process writes, while they parse the next batches.
    """
    # Workers hand their batches over through files (see parse_spool): without a
    # temporary directory for them, the run parses here.
    spool = ParseSpool.create() if jobs >= 1 else None
    if spool is None:
        for batch in batches:
            yield write_batch(store, prepare_batch(batch, settings, store.has_content))
        return
    try:
        pool = ProcessPoolExecutor(
            jobs,
            mp_context=_worker_context(),
            initializer=_worker_start,
            initargs=(store.path, str(spool.directory)),
        )
    except BaseException:
        spool.close()
        raise

    def parse_here(batch: list[Path]) -> Prepared:
        return prepare_batch(batch, settings, store.has_content)

    # Batches in order, each parsed by a worker (a Future of its spool entry) or here
    # (already Prepared). A bounded window of them keeps memory flat however large the run.
    window: deque[tuple[list[Path], Future[str | None] | Prepared | None]] = deque()
    pending = iter(batches)
    in_pool = 0
    starting: _PoolStart | None = None
    try:
        # A worker takes about a second to be ready (the forkserver's imports and tables
        # come first). Until one answers, the writer parses and writes the first batches
        # itself, in order: batches queued for the pool meanwhile would hold back every
        # write behind them. The pool then takes the batches ahead of the writer.
        starting = _PoolStart(pool, jobs)
        while not starting.ready() and (first := next(pending, None)):
            yield write_batch(store, parse_here(first))
        starting.thread.join()
        while True:
            while in_pool < _WINDOW_PER_JOB * jobs and (ahead := next(pending, None)):
                try:
                    future = pool.submit(_worker_prepare, ahead, settings)
                except (EOFError, OSError, BrokenProcessPool) as e:
                    # A worker died since the last submit, or the pool could not start a
                    # replacement (its forkserver lost the child it forked). The batch
                    # taken is in no one's hands: it joins the window unparsed, and the
                    # rest goes as for a broken pool.
                    window.append((ahead, None))
                    raise BrokenProcessPool(f"cannot start a parse worker ({e})") from e
                window.append((ahead, future))
                in_pool += 1
            if not window:
                break
            head = window[0][1]
            if (
                isinstance(head, Future)
                and not head.done()
                and len(window) - in_pool < _LOCAL_AHEAD_PER_JOB * jobs
                and (ahead := next(pending, None))
            ):
                # The oldest batch is not parsed yet (workers still starting, or busy):
                # rather than wait, parse the next one here.
                window.append((ahead, parse_here(ahead)))
                continue
            in_pool -= isinstance(head, Future)
            yield write_batch(store, _next_prepared(window, spool, parse_here))
    except BrokenProcessPool:
        # A worker died (killed, out of memory): finish what is left here.
        for batch, item in [*window, *((b, None) for b in pending)]:
            prepared = item if isinstance(item, list) else None
            yield write_batch(store, prepared or parse_here(batch))
    finally:
        if starting is not None:
            starting.thread.join()  # its submits must be over before the pool shuts
        pool.shutdown(wait=True, cancel_futures=True)
        spool.close()  # with what killed workers left half-written


class _PoolStart:
    """Starts the pool's workers from a thread, and says when the first is ready.

    The first worker's start waits for the forkserver to import and load what
    workers need (about a second of CPU): in ``submit``, which would block the
    writer for that long. From a thread, the writer spends it parsing.
    """

    def __init__(self, pool: ProcessPoolExecutor, jobs: int) -> None:
        self.probes: list[Future[bool]] = []
        self.error: BaseException | None = None
        self.thread = threading.Thread(
            target=self._start, args=(pool, jobs), name="historiograph-workers", daemon=True
        )
        self.thread.start()

    def _start(self, pool: ProcessPoolExecutor, jobs: int) -> None:
        try:
            for _ in range(jobs):
                self.probes.append(pool.submit(_worker_ready))
        except BaseException as e:  # the pool could not start a worker: the writer is told
            self.error = e

    def ready(self) -> bool:
        """Whether a worker answered; a pool that could not start raises BrokenProcessPool."""
        if self.error is not None:
            raise BrokenProcessPool(f"cannot start a parse worker ({self.error})") from self.error
        return any(probe.done() for probe in self.probes)


def _next_prepared(
    window: deque[tuple[list[Path], Future[str | None] | Prepared | None]],
    spool: ParseSpool,
    parse_here: Callable[[list[Path]], Prepared],
) -> Prepared:
    """The oldest batch's parse; it leaves the window only once it has one."""
    batch, item = window[0]
    if isinstance(item, list):
        window.popleft()
        return item
    assert item is not None  # unparsed batches are only left for the broken-pool path
    try:
        name = item.result()
    except BrokenProcessPool:
        raise
    except Exception as e:  # a bug in a worker must not lose the run's report
        prepared: Prepared = [(path, f"{path}: internal error ({e})") for path in batch]
    else:
        # None: the worker could not write to the temporary disk; parsed here instead.
        prepared = parse_here(batch) if name is None else spool.take(name)
    window.popleft()
    return prepared


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
    parsed = parse_bytes(str(path.resolve()), data, settings=settings, overrides=overrides)
    if settings.nlp:
        # Imported here: loading spaCy costs seconds that a --no-nlp run never pays.
        from historiograph.nlp.extract import extract
        from historiograph.nlp.pipeline import default_pipeline

        nlp = default_pipeline(settings.gazetteers, dates=False)
        parsed.extraction = extract(parsed, nlp)
        claims = _claims(parsed, nlp)
        parsed.extraction.claims = claims
        if claims is not None:
            parsed.extraction.profiles = _profiles(parsed, claims)
    return parsed


def _profiles(parsed: ParsedSource, claims: ClaimSet) -> list[dict[str, Any]]:
    """The source's profile and its embedded documents' (a failure costs only these)."""
    from historiograph.claims.profiles import profile_parts

    assert parsed.extraction is not None
    try:
        parts = profile_parts(parsed, parsed.extraction, claims)
    except Exception:
        _log.exception("%s: source not profiled", parsed.path)
        return []
    return [
        {key: value for key, value in part.to_dict().items() if key != "embedded"} for part in parts
    ]


def _claims(parsed: ParsedSource, nlp: Language) -> ClaimSet | None:
    """The claims of an extracted source, through the pipeline extraction used (loaded once).

    Claims are a reading of the text on top of its mentions: a failure here is
    logged and costs this source its claims, never its mentions or the batch.
    """
    from historiograph.claims import extract_claim_set

    try:
        return extract_claim_set(parsed, parsed.extraction, nlp)
    except Exception:
        _log.exception("%s: claims not extracted", parsed.path)
        return None


_worker_known: KnownContents | None = None
_worker_spool: ParseSpool | None = None


def _worker_context() -> multiprocessing.context.BaseContext:
    """How parse workers start: forked from a clean, preloaded forkserver.

    Never forked from this process, which holds SQLite connections (a forked
    connection must not be used, nor closed, by the child). The forkserver is
    a fresh interpreter that imports ``historiograph.ingest.preload`` once;
    each worker forked from it starts warm in milliseconds, where a spawned
    one spent about a second of CPU importing and loading the OCR vocabulary.
    Where there is no forkserver (not POSIX), workers are spawned.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["historiograph.build", "historiograph.ingest.preload"])
    return context


def _worker_start(db_path: str, spool_dir: str) -> None:
    global _worker_known, _worker_spool
    # The writer is the run's one serial step: workers yield the CPU to it,
    # so it never waits for a core while they parse batches ahead. Niceness 5
    # (a third of the writer's CPU share), not 19: at 19 any other busy
    # process on the machine starves the workers and the writer parses alone.
    with contextlib.suppress(OSError):
        os.nice(_WORKER_NICENESS)
    _worker_known = KnownContents(db_path)
    _worker_spool = ParseSpool(spool_dir)


def _worker_ready() -> bool:
    return _worker_known is not None


def _worker_prepare(paths: list[Path], settings: Settings) -> str | None:
    """Parse a batch into the spool; only the entry's short name goes back (see parse_spool)."""
    assert _worker_known is not None and _worker_spool is not None
    try:
        prepared = prepare_batch(paths, settings, _worker_known)
    except Exception as e:  # a bug: reported per file, and its traceback kept off the pipe
        _log.exception("parse worker failed on a batch")
        prepared = [(path, f"{path}: internal error ({e})") for path in paths]
    return _worker_spool.put(prepared)
