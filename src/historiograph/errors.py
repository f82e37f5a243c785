"""The one exception tree of historiograph.

::

    HistoriographError            anything this package raises on purpose
    ├── SourceError               one input can't be ingested (names the input and the reason)
    ├── QueryError                a search query is malformed (carries a hint)
    ├── StoreError                the knowledge base can't be opened or written
    └── ExecutorError             a processing backend (Dask) is missing or unreachable

Messages are single lines meant for a user, not a traceback: the CLI prints
``str(error)`` and moves on.
"""

from __future__ import annotations


class HistoriographError(Exception):
    """Base class of every error historiograph raises on purpose."""


class SourceError(HistoriographError):
    """An input file could not be ingested; the rest of a batch goes on."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class QueryError(HistoriographError):
    """A search query could not be parsed."""

    def __init__(self, query: str, reason: str, hint: str) -> None:
        super().__init__(f"bad query {query!r}: {reason} (hint: {hint})")
        self.query = query
        self.reason = reason
        self.hint = hint


class StoreError(HistoriographError):
    """The knowledge base could not be opened, migrated or written."""


class ExecutorError(HistoriographError):
    """The Dask executor cannot run: the package is missing or the scheduler unreachable."""
