"""What the PostgreSQL tests compare stores by: each table's rows as ``migrate`` checksums them,
and databases made to sort text unlike byte order.

Imported as ``from postgres.tables import …`` (``tests/`` is on the path through its conftest).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

from historiograph.store.postgres.copy import TableDigest, digest
from historiograph.store.postgres.schema import TABLES

# Columns the clock fills, which two stores written at different moments never share.
CLOCK_COLUMNS = {"sources": "ingested_at", "entity_overrides": "created_at"}


def _without_clock(table: str, rows: Iterable[tuple[Any, ...]]) -> Iterable[tuple[Any, ...]]:
    if table not in CLOCK_COLUMNS:
        return rows
    skip = TABLES[table].index(CLOCK_COLUMNS[table])
    return (row[:skip] + row[skip + 1 :] for row in rows)


def select(table: str) -> str:
    """Every column of ``table`` that both stores hold, in TABLES' order."""
    return "SELECT {} FROM {}".format(", ".join(f'"{c}"' for c in TABLES[table]), f'"{table}"')


def digests(store: Any) -> dict[str, TableDigest]:
    """Each table's row count and checksum (``migrate``'s), clock columns left out; ``store``
    a SQLite Store or a PostgresStore."""
    conn = store.conn
    found = {}
    for table in TABLES:
        if isinstance(conn, sqlite3.Connection):
            rows: Iterable[tuple[Any, ...]] = (tuple(r) for r in conn.execute(select(table)))
        else:
            rows = conn.execute(select(table)).fetchall()
        found[table] = digest(_without_clock(table, rows))
    return found


def different(expected: dict[str, TableDigest], found: dict[str, TableDigest]) -> list[str]:
    """The tables whose rows differ, with their counts (an empty list: the same rows)."""
    return [
        f"{table}: {expected[table].rows} rows expected, {found[table].rows} found"
        for table in TABLES
        if expected[table] != found[table]
    ]


def create_database(server: str, name: str, *, template: str | None = None) -> str:
    """A new database on ``server``; its URL.

    From ``template`` (a database no one is connected to), a copy of it; else an empty one
    that sorts text by ICU's en-US rules where the server can, so that an ORDER BY or a
    comparison which forgot its byte-order collation shows.
    """
    import psycopg
    from psycopg import sql

    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        if template is not None:
            admin.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(name), sql.Identifier(template)
                )
            )
        else:
            try:
                admin.execute(
                    sql.SQL(
                        "CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'"
                        " LOCALE_PROVIDER icu ICU_LOCALE 'en-US'"
                        " LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
                    ).format(sql.Identifier(name))
                )
            except psycopg.Error:  # no ICU, or a server before PostgreSQL 15
                admin.execute(
                    sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(
                        sql.Identifier(name)
                    )
                )
    base, _, _ = server.rpartition("/")
    return f"{base}/{name}"


def drop_database(server: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
