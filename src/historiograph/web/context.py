"""What a request handler needs from the application: its settings and the knowledge base."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from fastapi import Request
from jinja2 import Environment

from historiograph.store.database import Store
from historiograph.web.security import Access


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


@contextmanager
def open_store(request: Request) -> Iterator[Store]:
    """The knowledge base for one request, opened in the thread that uses it.

    sqlite3 connections belong to their thread, and FastAPI runs a request's dependencies and
    its handler in different worker threads, so handlers open the store themselves.
    """
    with Store(config(request).db_path, create=False) as store:
        yield store
