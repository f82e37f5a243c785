"""Hand parsed batches from worker processes to the writer through files.

A ``ProcessPoolExecutor`` worker returns its result through one pipe shared
by every worker. A worker killed while it writes a large result (a parsed
batch is megabytes) leaves half a message in that pipe; the pool's manager
thread then waits in ``recv`` for the rest, forever, and the run hangs
instead of seeing the pool broken (CPython 3.11 does not guard against it).
So a worker writes its batch to a file and returns only the file's name: a
message of a few hundred bytes, which a pipe writes whole or not at all
(below ``PIPE_BUF``). A worker killed mid-file leaves a partial temporary
file that nobody reads and the spool's cleanup removes.
"""

from __future__ import annotations

import os
import pickle
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Any

# Well below PIPE_BUF (4,096 bytes on Linux): a result message this small is one
# atomic write. A spool's file names are far shorter; the check keeps it so.
_ATOMIC_MESSAGE = 1024


class ParseSpool:
    """A private directory of parsed batches, removed with everything in it on close."""

    def __init__(self, directory: str) -> None:
        self.directory = Path(directory)

    @classmethod
    def create(cls) -> ParseSpool | None:
        """A new spool under the temporary directory; None when none can be made there."""
        try:
            return cls(tempfile.mkdtemp(prefix="historiograph-parse-"))
        except OSError:
            return None

    def put(self, batch: Any) -> str | None:
        """Write ``batch``; its name for ``take``, or None when it could not be written.

        None (a full or read-only temporary disk) is not an error of the batch:
        the writer parses it itself.
        """
        name = f"{uuid.uuid4().hex}.pickle"
        partial = self.directory / f"{name}.part"
        try:
            with open(partial, "wb") as out:
                pickle.dump(batch, out, protocol=pickle.HIGHEST_PROTOCOL)
            # Whole files only under the final name: a worker killed mid-dump leaves
            # a ``.part`` that no one will take.
            os.replace(partial, self.directory / name)
        except OSError:
            partial.unlink(missing_ok=True)
            return None
        if len(name) > _ATOMIC_MESSAGE:  # pragma: no cover - names are fixed-length
            raise AssertionError("a spool name must fit in one atomic pipe write")
        return name

    def take(self, name: str) -> Any:
        """Read the batch written as ``name``, and delete its file."""
        if os.sep in name or name.startswith("."):
            raise ValueError(f"not a spool entry: {name!r}")
        path = self.directory / name
        try:
            with open(path, "rb") as data:
                # The file was written by this run's own worker into a 0700
                # directory of this user: not untrusted input.
                return pickle.load(data)
        finally:
            path.unlink(missing_ok=True)

    def close(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)
