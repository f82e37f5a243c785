"""What a request handler needs from the application: its settings and the knowledge base."""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from fastapi import Request
from jinja2 import Environment

from historiograph.store.database import Store
from historiograph.store.opening import is_postgres_url
from historiograph.store.opening import open_store as open_any_store
from historiograph.web.security import Access

if TYPE_CHECKING:
    from historiograph.store.opening import AnyStore
    from historiograph.store.postgres.store import PostgresStore


@dataclass(frozen=True, slots=True)
class WebConfig:
    db_path: str
    tile_url: str | None
    access: Access


def config(request: Request) -> WebConfig:
    value: WebConfig = request.app.state.config
    return value


def environment(request: Request) -> Environment:
    value: Environment = request.app.state.env
    return value


# Connections kept per worker thread (sqlite3 connections belong to their thread) and per
# file: a fresh connection per request would start with an empty page cache and re-read the
# schema every time, which costs more than most queries the pages make.
_pool = threading.local()


@contextmanager
def _postgres_store(url: str) -> Iterator[PostgresStore]:
    """This thread's connection to a PostgreSQL base, opened on first use.

    A connection that failed (a lost server, a restart) is closed and the next request opens
    a new one: psycopg's connections do not reconnect by themselves.
    """
    stores: dict[str, PostgresStore] = _pool.__dict__.setdefault("postgres", {})
    store = stores.get(url)
    if store is None or store.conn.closed:
        store = stores[url] = cast("PostgresStore", open_any_store(url, create=False))
    try:
        yield store
    finally:
        if store.conn.broken or store.conn.closed:
            stores.pop(url, None)
            store.close()


@contextmanager
def open_store(request: Request) -> Iterator[AnyStore]:
    """The knowledge base for one request, on a connection this thread keeps.

    FastAPI runs a request's dependencies and its handler in different worker threads, so
    handlers open the store themselves. The file is checked on every request: one deleted or
    replaced since is noticed (a one-line error, or a new connection to the new file).
    """
    path = config(request).db_path
    if is_postgres_url(path):
        with _postgres_store(path) as store:
            yield store
        return
    try:
        identity = os.stat(path)
    except OSError:
        identity = None
    if identity is None or not stat.S_ISREG(identity.st_mode):
        with Store(path, create=False) as store:  # raises the store's own one-line error
            yield store
        return
    stores: dict[str, tuple[tuple[int, int], Store]] = _pool.__dict__.setdefault("stores", {})
    key = (identity.st_dev, identity.st_ino)
    kept = stores.get(path)
    if kept is None or kept[0] != key:
        if kept is not None:
            kept[1].close()
        kept = stores[path] = (key, Store(path, create=False))
    try:
        yield kept[1]
    except sqlite3.DatabaseError:
        # A connection that failed may be in any state: the next request opens a new one.
        stores.pop(path, None)
        kept[1].close()
        raise
