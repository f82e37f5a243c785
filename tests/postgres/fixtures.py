"""PostgreSQL fixtures, imported by tests/conftest.py so every test folder can use them.

``pg_server``: the URL of a server for the session. $HISTORIOGRAPH_TEST_PG when set (its
role must be allowed to create databases), else a throwaway cluster started here (see
pgcluster.py) and stopped at the end. When none can be had, the PostgreSQL half of the
suite is skipped with the reason, except in CI (CI=true), where it is an error: CI must
never pass on the SQLite half alone.

``pg_url``: a fresh, empty database on that server for one test, dropped after it.
``any_store``: an open store of each kind in turn (tests using it run once per store).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from historiograph.store.database import Store

from .pgcluster import ClusterError, start, stop, wait_ready

_IN_CI = os.environ.get("CI", "").lower() == "true"
_numbers = itertools.count(1)


def _unavailable(reason: str) -> None:
    message = f"PostgreSQL half of the suite not run: {reason}"
    if _IN_CI:
        pytest.fail(f"{message} (CI=true: the PostgreSQL tests must run in CI)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    try:
        import psycopg  # noqa: F401
    except ImportError as e:
        _unavailable(f"psycopg is not installed ({e}); install the 'postgres' extra")
    if url := os.environ.get("HISTORIOGRAPH_TEST_PG"):
        try:
            wait_ready(url)
        except ClusterError as e:
            pytest.fail(f"HISTORIOGRAPH_TEST_PG is set but {e}", pytrace=False)
        yield url
        return
    # Not under pytest's basetemp: another pytest run resets its top folder to 0700, which
    # would lock the server's user (postgres, when we are root) out of its data.
    folder = Path(tempfile.mkdtemp(prefix="historiograph-pg-"))
    try:
        url = start(folder)
        wait_ready(url)
    except (ClusterError, OSError) as e:
        stop_quietly(folder)
        shutil.rmtree(folder, ignore_errors=True)
        _unavailable(f"no server could be started ({e})")
    try:
        yield url
    finally:
        stop(folder)
        shutil.rmtree(folder, ignore_errors=True)


def stop_quietly(folder: Path) -> None:
    with contextlib.suppress(ClusterError, OSError):
        stop(folder)


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    import psycopg
    from psycopg import sql

    name = f"hg_test_{os.getpid()}_{next(_numbers)}"
    with psycopg.connect(pg_server, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        admin.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(
                sql.Identifier(name)
            )
        )
    base, _, _ = pg_server.rpartition("/")
    yield f"{base}/{name}"
    with psycopg.connect(pg_server, autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@pytest.fixture(params=["sqlite", "postgresql"])
def store_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def any_store(store_kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """A fresh store of each kind; the PostgreSQL one only asks for a server when used."""
    if store_kind == "sqlite":
        with Store(tmp_path / "kb.db") as opened:
            yield opened
        return
    from historiograph.store.postgres.store import PostgresStore

    with PostgresStore(request.getfixturevalue("pg_url")) as pg:
        yield pg
