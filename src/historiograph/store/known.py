"""Which contents are stored already, asked from a parse worker through a read-only connection."""

from __future__ import annotations

import sqlite3
from pathlib import Path


class KnownContents:
    """``known(sha256)``: whether a source with these exact bytes is stored.

    Workers (local processes or Dask workers) ask it before parsing a file, so
    an unchanged file costs one read and one lookup. The connection is
    read-only: a worker never writes, and can never hold the writer's lock.
    Where the base cannot be opened (another machine, no shared file system)
    every content is unknown, and the writer finds the stored ones unchanged.
    """

    def __init__(self, db_path: str | None) -> None:
        self._conn: sqlite3.Connection | None = None
        if db_path and db_path != ":memory:" and Path(db_path).is_file():
            try:
                conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30.0)
                conn.execute("SELECT 1 FROM sources LIMIT 1")
                self._conn = conn
            except sqlite3.Error:
                self._conn = None

    def __call__(self, sha256: str) -> bool:
        if self._conn is None:
            return False
        row = self._conn.execute("SELECT 1 FROM sources WHERE sha256 = ?", (sha256,)).fetchone()
        return row is not None
