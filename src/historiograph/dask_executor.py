"""Parsing and NLP on a Dask cluster, for corpora that outgrow one machine's cores.

The division of work is the same as with local worker processes: Dask workers
read, parse and extract (the costly, embarrassingly parallel part) and return
plain data; this process writes each batch to the store in the order of the
input, one transaction per batch. Because a source is keyed by the sha256 of
its bytes, a task that Dask retries (its worker died, say) can never store
anything twice: the writer takes exactly one result per batch, and a source
already stored is "unchanged".

``dask.distributed`` is an optional dependency (``pip install historiograph[dask]``),
imported only when this executor is used.
"""

from __future__ import annotations

import logging
import os
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from historiograph.errors import ExecutorError
from historiograph.settings import Settings
from historiograph.store.known import KnownContents

if TYPE_CHECKING:
    from historiograph.build import BatchResult, Prepared
    from historiograph.store.database import Store

_log = logging.getLogger(__name__)

_WINDOW_PER_WORKER = 2  # batches in flight per worker: enough to hide latency, memory bounded
_RETRIES = 3  # a batch whose worker died is run again elsewhere, up to this many times


@contextmanager
def dask_client(scheduler: str | None, workers: int | None) -> Iterator[Any]:
    """A client of the cluster at ``scheduler``, or of a ``LocalCluster`` of ``workers``
    single-threaded processes on 127.0.0.1 (spaCy holds the GIL: threads would not help)."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as e:
        raise ExecutorError(
            "--executor dask needs dask.distributed: pip install 'historiograph[dask]'"
        ) from e
    cluster = None
    try:
        if scheduler:
            client = Client(scheduler, timeout="30s")
        else:
            cluster = LocalCluster(
                n_workers=workers or max(1, min(os.cpu_count() or 1, 4)),
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,  # no web server nobody asked for
            )
            client = Client(cluster)
    except (OSError, TimeoutError) as e:
        if cluster is not None:
            cluster.close()
        raise ExecutorError(f"dask scheduler {scheduler or 'LocalCluster'}: {e}") from e
    try:
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def run_batches_on_dask(
    batches: Iterable[list[Path]],
    store: Store,
    settings: Settings,
    *,
    scheduler: str | None,
    workers: int | None,
    write: Callable[[Store, Prepared], BatchResult],
    prepare_here: Callable[[list[Path]], Prepared],
) -> Generator[BatchResult, None, None]:
    """Parse ``batches`` on the cluster, a bounded window ahead, and write them here in order.

    A batch that fails on the cluster for good (every retry's worker died, or
    the cluster went away) is parsed in this process instead, so the run
    still finishes with every file.
    """
    with dask_client(scheduler, workers) as client:
        slots = max(1, len(client.scheduler_info().get("workers", {})) or (workers or 1))
        window: deque[tuple[list[Path], Any]] = deque()
        pending = iter(batches)
        db_path = None if store.path == ":memory:" else store.path
        while True:
            while len(window) < _WINDOW_PER_WORKER * slots and (batch := next(pending, None)):
                future = client.submit(
                    prepare_on_worker,
                    [str(path) for path in batch],
                    settings,
                    db_path,
                    pure=False,
                    retries=_RETRIES,
                )
                window.append((batch, future))
            if not window:
                break
            batch, future = window.popleft()
            try:
                prepared: Prepared = future.result()
            except Exception as e:  # KilledWorker, a lost scheduler: do it here
                _log.warning("%d files failed on the cluster (%s); parsing here", len(batch), e)
                prepared = prepare_here(batch)
            yield write(store, prepared)


# --- on the worker ------------------------------------------------------------------------------

_known: dict[str | None, KnownContents] = {}


def prepare_on_worker(paths: list[str], settings: Settings, db_path: str | None) -> Prepared:
    """Run on a Dask worker: parse (and extract) the files; plain data comes back."""
    from historiograph.build import prepare_batch

    # One read-only connection per worker process and base, kept across batches.
    known = _known.get(db_path)
    if known is None:
        known = _known[db_path] = KnownContents(db_path)
    return prepare_batch([Path(p) for p in paths], settings, known)
