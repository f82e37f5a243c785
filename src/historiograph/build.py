"""The one place that runs the stages in order: find files, parse each, store it."""

from __future__ import annotations

import glob
import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from historiograph.errors import SourceError, StoreError
from historiograph.ingest.metadata import is_sidecar, read_sidecar, sidecar_path
from historiograph.ingest.pipeline import parse_bytes
from historiograph.ingest.readers import kind_of, read_bytes
from historiograph.settings import Settings
from historiograph.store.database import Store

_GLOB_CHARS = frozenset("*?[")


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
) -> IngestReport:
    """Ingest every file ``inputs`` name into ``store``, one transaction per file.

    A file that fails is recorded in the report and the batch goes on; a
    failure of the store itself (disk full, read-only) stops the batch,
    because every following write would fail the same way.
    ``on_progress(path, done, total)`` is called after each file.
    """
    settings = settings or Settings()
    report = IngestReport()
    own_files = [Path(store.path + suffix) for suffix in ("", "-wal", "-shm", "-journal")]
    candidates = list(discover(inputs, exclude=own_files))
    total = len(candidates)
    for done, candidate in enumerate(candidates, start=1):
        if candidate.problem:
            (report.skipped if candidate.skip else report.failed).append(candidate.problem)
        elif candidate.path is not None:
            try:
                outcome = _ingest_file(candidate.path, store, settings)
            except SourceError as e:
                report.failed.append(str(e))
            except StoreError as e:
                report.stopped = str(e)
                break
            else:
                getattr(report, outcome).append(str(candidate.path))
        if on_progress:
            on_progress(candidate.path, done, total)
    return report


def _ingest_file(path: Path, store: Store, settings: Settings) -> str:
    # Hash first: an unchanged file costs one read and one lookup, no parsing.
    data = read_bytes(path, max_bytes=settings.max_source_bytes)
    sidecar = sidecar_path(path)
    overrides = read_sidecar(sidecar) if sidecar else {}
    sha256 = hashlib.sha256(data).hexdigest()
    stored_path = str(path.resolve())
    if store.has_content(sha256) and not overrides:
        return "unchanged"
    parsed = parse_bytes(stored_path, data, settings=settings, overrides=overrides)
    return store.save_source(parsed)
