"""Which store ``--db`` names: a SQLite file, or a PostgreSQL database (``postgresql://…``).

psycopg is imported only when a PostgreSQL URL is given, so the SQLite path never needs the
``postgres`` extra.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from historiograph.errors import StoreError
from historiograph.store.database import Store
from historiograph.store.search import SearchHit, search

if TYPE_CHECKING:
    from historiograph.store.postgres.store import PostgresStore

    AnyStore = Store | PostgresStore


def is_postgres_url(db: str) -> bool:
    """Whether ``db`` names a PostgreSQL database rather than a SQLite file."""
    return db.startswith(("postgresql://", "postgres://"))


def _postgres() -> type[PostgresStore]:
    try:
        from historiograph.store.postgres.store import PostgresStore
    except ImportError as e:
        raise StoreError(
            f"a PostgreSQL --db needs psycopg 3 ({e}): pip install 'historiograph[postgres]'"
        ) from e
    return PostgresStore


def open_store(db: str, *, create: bool = True) -> AnyStore:
    """The store ``db`` names; ``create=False`` refuses to make a new knowledge base."""
    if is_postgres_url(db):
        return _postgres()(db, create=create)
    return Store(db, create=create)


def search_store(
    store: AnyStore, query: str, *, limit: int = 20, offset: int = 0
) -> list[SearchHit]:
    """Full-text search on either store (same query language, same hits)."""
    if isinstance(store, Store):
        return search(store, query, limit=limit, offset=offset)
    return store.search(query, limit=limit, offset=offset)


@contextmanager
def sqlite_view(db: str) -> Iterator[Store]:
    """A SQLite store holding what ``db`` holds, for readers that speak SQLite's SQL.

    For a SQLite ``db``, the file itself. For PostgreSQL, a verified copy in a temporary
    file (``historiograph migrate``'s copy), deleted afterwards: whole-base readers such as
    the exports then work on either store, at the cost of one copy per run.
    """
    if not is_postgres_url(db):
        with Store(db, create=False) as store:
            yield store
        return
    _postgres()  # the clear error if psycopg is missing
    from historiograph.store.postgres.copy import postgres_to_sqlite

    with tempfile.TemporaryDirectory(prefix="historiograph-") as folder:
        path = str(Path(folder) / "snapshot.db")
        postgres_to_sqlite(db, path)
        with Store(path, create=False) as store:
            yield store
