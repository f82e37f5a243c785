"""Finding the files an ingest names: files, folders searched recursively, and globs.

Folders are walked lazily, one directory listing at a time, so a run over a
million files holds one folder's names in memory, never the whole list. The
order is the order of ``sorted(folder.rglob("*"))`` (each directory's entries
by name, depth first), so a run is reproducible.

Each file is yielded once, however the inputs overlap (a folder named twice,
a file inside a folder also named, a symbolic link to a file found anyway).
That is decided from the inputs themselves and the few symbolic links met,
not from a set of every path seen, which would grow with the corpus.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from historiograph.ingest.metadata import is_sidecar
from historiograph.ingest.readers import kind_of

_GLOB_CHARS = frozenset("*?[")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A file to ingest, or a reason an input named no usable file."""

    path: Path | None
    problem: str | None = None
    skip: bool = False


def discover(inputs: Iterable[str], *, exclude: Iterable[Path] = ()) -> Iterator[Candidate]:
    """Files named by ``inputs`` (files, folders searched recursively, globs), in order.

    Each file is yielded once; inputs that name nothing, and folders that
    cannot be read, are yielded as problems. Folder searches leave out hidden
    files and folders, sidecar files (read with the source they describe) and
    the ``exclude`` paths (the knowledge base's own files, when it lives among
    the sources).
    """
    seen = _Seen({path.resolve() for path in exclude})
    for raw in inputs:
        path = Path(raw)
        if path.is_dir():
            yield from _search_folder(path, seen)
        elif path.exists() or path.is_symlink():
            yield from _named(path, seen, explicit=True)
        elif _GLOB_CHARS & set(raw):
            matches = sorted(glob.glob(raw, recursive=True))  # a glob's matches come as a list
            found = False
            for match in matches:
                if os.path.isfile(match):
                    found = True
                    yield from _named(Path(match), seen, explicit=False)
            if not found:
                yield Candidate(None, f"{raw}: no files match this pattern")
        else:
            yield Candidate(None, f"{raw}: no such file or directory")


def count_candidates(inputs: Iterable[str], *, exclude: Iterable[Path] = ()) -> int:
    """How many candidates ``discover`` yields: a progress bar's total, one cheap pass."""
    return sum(1 for _ in discover(inputs, exclude=exclude))


class _Seen:
    """What the inputs so far have yielded, kept as a few roots and names.

    A file was yielded already when it is one of the files named (explicitly
    or by a glob), or lies inside a folder searched before at a path that
    search did not leave out as hidden, or is the target of a symbolic link
    already followed.
    """

    def __init__(self, excluded: set[Path]) -> None:
        self.excluded = {str(path) for path in excluded}
        self.named: set[str] = set()  # resolved files named by the inputs
        self.roots: list[str] = []  # resolved folders searched
        self.linked: set[str] = set()  # resolved targets of symbolic links met in searches

    def covered(self, key: str, roots: Iterable[str]) -> bool:
        for root in roots:
            root = root.rstrip(os.sep)  # the file system's root is "" here: "/" + rest
            rest = key[len(root) :] if key.startswith(root) else ""
            if rest.startswith(os.sep) and f"{os.sep}." not in rest:
                return True
        return False

    def first(self, key: str, *, searching: str | None = None, link: bool = False) -> bool:
        """Whether ``key`` (a resolved path) is met for the first time; note it if so."""
        if key in self.excluded or key in self.named or key in self.linked:
            return False
        if self.covered(key, self.roots):
            return False
        if link:
            # A link to a file the current search reaches by its own path: that path
            # is the one recorded (it is where the file is).
            if searching is not None and self.covered(key, (searching,)):
                return False
            self.linked.add(key)
        elif searching is None:
            self.named.add(key)
        return True


def _named(path: Path, seen: _Seen, *, explicit: bool) -> Iterator[Candidate]:
    """A file named by an input: explicitly, or as a glob's match."""
    if not seen.first(str(path.resolve())):
        return
    if is_sidecar(path) and not explicit:
        return  # read together with the source it describes
    yield _candidate(path)


def _search_folder(folder: Path, seen: _Seen) -> Iterator[Candidate]:
    root = str(folder.resolve())
    listing = _listing(folder)
    if isinstance(listing, str):
        yield Candidate(None, listing)
        return
    # Depth first, each directory's entries in name order: one listing per level is held.
    stack: list[tuple[Path, str, Iterator[os.DirEntry[str]]]] = [(folder, root, iter(listing))]
    while stack:
        directory, real, entries = stack[-1]
        entry = next(entries, None)
        if entry is None:
            stack.pop()
            continue
        if entry.name.startswith("."):
            continue
        path = directory / entry.name
        try:
            if entry.is_dir(follow_symlinks=False):
                inner = _listing(path)
                if isinstance(inner, str):
                    yield Candidate(None, inner)
                else:
                    stack.append((path, os.path.join(real, entry.name), iter(inner)))
                continue
            if not entry.is_file():
                continue  # a broken link, a link to a folder, a socket
            link = entry.is_symlink()
        except OSError:
            continue
        # Without links, a file's real path is its folder's plus its name: no system call.
        key = str(path.resolve()) if link else os.path.join(real, entry.name)
        if seen.first(key, searching=root, link=link) and not is_sidecar(path):
            yield _candidate(path)
    seen.roots.append(root)


def _listing(directory: Path) -> list[os.DirEntry[str]] | str:
    """The folder's entries by name, or why it cannot be searched."""
    try:
        with os.scandir(directory) as entries:
            return sorted(entries, key=lambda entry: entry.name)
    except OSError as e:
        return f"{directory}: folder not searched ({e.strerror or e})"


def _candidate(path: Path) -> Candidate:
    if kind_of(path) is None:
        return Candidate(path, f"{path}: unsupported file type, skipped", skip=True)
    return Candidate(path)
