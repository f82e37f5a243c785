"""Copy a knowledge base between SQLite and PostgreSQL, verified by counts and checksums.

The copy is one transaction on the target, and verified before it commits: every table's
row count and an order-independent checksum of its rows must be the same on both sides,
else nothing of the copy is kept. The checksum is computed by this module, in Python, from
the rows each driver returns (the same function for both sides), so it cannot drift with
either database's formatting of numbers or text: a row's canonical JSON is hashed with
BLAKE2b, and the digests are summed modulo 2**128 (a sum, not an XOR, so duplicate rows
count).

Re-running is idempotent: a target that already holds exactly the source (same checksums)
is left untouched; a target holding something else is replaced only with ``replace=True``.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import sql

from historiograph.errors import StoreError
from historiograph.store.database import Store
from historiograph.store.postgres.schema import IDENTITY_TABLES, TABLES
from historiograph.store.postgres.store import PostgresStore, _reason

BATCH_ROWS = 5000
_MODULUS = 1 << 128


@dataclass(frozen=True, slots=True)
class TableDigest:
    rows: int
    checksum: str  # 32 hex digits


@dataclass(slots=True)
class CopyReport:
    """What a copy did: per table, the rows and checksum both sides agreed on."""

    source: str
    target: str
    outcome: str = ""  # copied | unchanged
    tables: dict[str, TableDigest] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables.values())


class _Digester:
    """Adds rows up, one at a time, into a TableDigest."""

    __slots__ = ("count", "total")

    def __init__(self) -> None:
        self.count = self.total = 0

    def add(self, row: Iterable[Any]) -> None:
        encoded = json.dumps(list(row), ensure_ascii=False, separators=(",", ":"))
        self.total += int.from_bytes(hashlib.blake2b(encoded.encode(), digest_size=16).digest())
        self.count += 1

    def result(self) -> TableDigest:
        return TableDigest(self.count, f"{self.total % _MODULUS:032x}")


def digest(rows: Iterable[Iterable[Any]]) -> TableDigest:
    """The count and order-independent checksum of ``rows``."""
    digester = _Digester()
    for row in rows:
        digester.add(row)
    return digester.result()


def _columns(table: str) -> sql.Composed:
    return sql.SQL(", ").join(sql.Identifier(c) for c in TABLES[table])


def _sqlite_select(table: str) -> str:
    columns = ", ".join(f'"{c}"' for c in TABLES[table])
    return f'SELECT {columns} FROM "{table}"'


def _sqlite_rows(conn: sqlite3.Connection, table: str) -> Iterator[tuple[Any, ...]]:
    cursor = conn.execute(_sqlite_select(table))
    while batch := cursor.fetchmany(BATCH_ROWS):
        yield from (tuple(row) for row in batch)


def _pg_rows(conn: psycopg.Connection[Any], table: str) -> Iterator[tuple[Any, ...]]:
    """A table's rows through a server-side cursor (the caller holds a transaction)."""
    with conn.cursor(name=f"read_{table}") as cursor:
        cursor.itersize = BATCH_ROWS
        cursor.execute(sql.SQL("SELECT {} FROM {}").format(_columns(table), sql.Identifier(table)))
        yield from (tuple(row) for row in cursor)


def _sqlite_digests(conn: sqlite3.Connection) -> dict[str, TableDigest]:
    return {table: digest(_sqlite_rows(conn, table)) for table in TABLES}


def _pg_digests(conn: psycopg.Connection[Any]) -> dict[str, TableDigest]:
    return {table: digest(_pg_rows(conn, table)) for table in TABLES}


def _mismatches(expected: dict[str, TableDigest], found: dict[str, TableDigest]) -> list[str]:
    return [
        f"{table}: {expected[table].rows} rows {expected[table].checksum} in the source, "
        f"{found[table].rows} rows {found[table].checksum} in the copy"
        for table in TABLES
        if expected[table] != found[table]
    ]


def _is_empty(digests: dict[str, TableDigest]) -> bool:
    return all(d.rows == 0 for d in digests.values())


def sqlite_to_postgres(path: str, url: str, *, replace: bool = False) -> CopyReport:
    """Copy the SQLite base at ``path`` into the PostgreSQL database at ``url``."""
    # Opening through Store upgrades an older base first, as every command does.
    with Store(path, create=False) as source, PostgresStore(url) as target:
        report = CopyReport(source.path, target.path)
        conn = target.conn
        # One read transaction on the source: a consistent snapshot even while an ingest
        # writes to it (WAL readers see the last commit before they began).
        source.conn.execute("BEGIN")
        try:
            with target.transaction():
                # First: no other writer may change the target while we compare and copy.
                conn.execute(
                    sql.SQL("LOCK TABLE {} IN EXCLUSIVE MODE").format(
                        sql.SQL(", ").join(sql.Identifier(t) for t in TABLES)
                    )
                )
                before = _pg_digests(conn)
                if not _is_empty(before):
                    expected = _sqlite_digests(source.conn)
                    if not _mismatches(expected, before):
                        report.outcome, report.tables = "unchanged", expected
                        return report
                    if not replace:
                        raise StoreError(
                            f"{target.path}: holds a different knowledge base "
                            f"({sum(d.rows for d in before.values())} rows); "
                            "add --replace to overwrite it with the copy"
                        )
                conn.execute(
                    sql.SQL("TRUNCATE {} RESTART IDENTITY").format(
                        sql.SQL(", ").join(sql.Identifier(t) for t in TABLES)
                    )
                )
                copied = {t: _copy_table(source.conn, conn, t) for t in TABLES}
                for table in IDENTITY_TABLES:
                    # Later inserts must not reuse a copied id.
                    conn.execute(
                        sql.SQL(
                            "SELECT setval(pg_get_serial_sequence(%s, 'id'),"
                            " coalesce(max(id), 0) + 1, false) FROM {}"
                        ).format(sql.Identifier(table)),
                        (table,),
                    )
                _accept(report, target.path, copied, _pg_digests(conn))
        except psycopg.Error as e:
            raise StoreError(f"{target.path}: copy failed, nothing kept ({_reason(e)})") from e
        finally:
            source.conn.execute("COMMIT")
        conn.execute("ANALYZE")  # fresh planner statistics for the copied tables
        return report


def _copy_table(
    source: sqlite3.Connection, target: psycopg.Connection[Any], table: str
) -> TableDigest:
    """COPY one table's rows across; the digest of what was read from the source."""
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(sql.Identifier(table), _columns(table))
    # Rows flow to COPY and into the digest in one pass; one batch is held at a time.
    digester = _Digester()
    with target.cursor() as cursor, cursor.copy(statement) as copy:
        for row in _sqlite_rows(source, table):
            copy.write_row(row)
            digester.add(row)
    return digester.result()


def postgres_to_sqlite(url: str, path: str, *, replace: bool = False) -> CopyReport:
    """Copy the PostgreSQL base at ``url`` into the SQLite file at ``path`` (made if new)."""
    with PostgresStore(url, create=False) as source, Store(path) as target:
        report = CopyReport(source.path, target.path)
        conn = source.conn
        try:
            # A snapshot of the source for reading, copying and checking alike.
            with conn.transaction():
                conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                with target.transaction() as out:
                    before = _sqlite_digests(out)
                    if not _is_empty(before):
                        expected = _pg_digests(conn)
                        if not _mismatches(expected, before):
                            report.outcome, report.tables = "unchanged", expected
                            return report
                        if not replace:
                            raise StoreError(
                                f"{target.path}: holds a different knowledge base; "
                                "add --replace to overwrite it with the copy"
                            )
                        # Children first; deleting passages keeps the FTS index in step.
                        for table in reversed(TABLES):
                            out.execute(f'DELETE FROM "{table}"')
                    copied = {table: _insert_table(conn, out, table) for table in TABLES}
                    # Passages were inserted without the index (SQLite's store indexes per
                    # batch itself): build it from the table in one go.
                    out.execute("INSERT INTO passages_fts(passages_fts) VALUES ('rebuild')")
                    _accept(report, target.path, copied, _sqlite_digests(out))
        except psycopg.Error as e:
            raise StoreError(f"{source.path}: copy failed, nothing kept ({_reason(e)})") from e
        return report


def _accept(
    report: CopyReport, where: str, copied: dict[str, TableDigest], found: dict[str, TableDigest]
) -> None:
    """Record a verified copy, or refuse it (raising inside the copy's transaction keeps
    nothing) when what the target holds now differs from what was read."""
    if problems := _mismatches(copied, found):
        raise StoreError(
            f"{where}: the copy does not match its source, nothing kept ({'; '.join(problems)})"
        )
    report.outcome, report.tables = "copied", found


def _insert_table(
    source: psycopg.Connection[Any], target: sqlite3.Connection, table: str
) -> TableDigest:
    """Insert one table's rows into SQLite in batches; the digest of what was read."""
    names = ", ".join(f'"{c}"' for c in TABLES[table])
    marks = ", ".join("?" for _ in TABLES[table])
    insert = f'INSERT INTO "{table}" ({names}) VALUES ({marks})'
    digester = _Digester()
    batch: list[tuple[Any, ...]] = []
    for row in _pg_rows(source, table):
        batch.append(row)
        digester.add(row)
        if len(batch) >= BATCH_ROWS:
            target.executemany(insert, batch)
            batch.clear()
    target.executemany(insert, batch)
    return digester.result()
