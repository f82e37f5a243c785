"""One interface over a SQLite or a PostgreSQL connection, for the modules that write rows.

The writers of the NLP-derived tables (store/knowledge.py, claims.py, profiles.py) keep one
copy of each statement, in SQLite's SQL; :func:`sql_connection` wraps the connection they
are given, once, in the dialect it speaks:

- SQLite: the statements run unchanged, through the same ``sqlite3`` calls as ever (so the
  SQLite store's behaviour is exactly what it was).
- PostgreSQL (psycopg 3): each statement is rewritten once (cached): ``?`` placeholders
  become ``%s`` (a literal ``%`` becomes ``%%``), outside quoted strings and identifiers;
  ``INSERT OR IGNORE INTO …`` becomes ``INSERT INTO … ON CONFLICT DO NOTHING``; a new row's
  id comes from ``RETURNING id`` instead of ``cursor.lastrowid``.

psycopg is never imported here: a connection is recognised by its type's module, so the
SQLite path needs no ``postgres`` extra.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias

from historiograph.store.migrations import EVENT_SPAN_LEVELS, OPEN_SPAN_LEVEL

if TYPE_CHECKING:
    import psycopg

    # What a writer accepts: either store's connection, or one already wrapped.
    AnyConnection: TypeAlias = "sqlite3.Connection | psycopg.Connection[Any] | SqlConnection"


class Cursor(Protocol):
    """What the writers read back from a statement, on either driver."""

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class SqlConnection:
    """A connection and the dialect it speaks; see the module docstring."""

    __slots__ = ("bad_row_errors", "conn", "postgres")

    def __init__(self, conn: Any, *, postgres: bool) -> None:
        self.conn = conn
        self.postgres = postgres
        # The driver's errors that mean "this row's values do not fit" (a constraint, a
        # value the column's type refuses, a parameter the driver cannot adapt): a writer
        # may skip such a row. A disk, a lost server, a lock or a missing table is never
        # among them (psycopg's ProgrammingError also covers the last: see _statement).
        if postgres:
            import psycopg

            self.bad_row_errors: tuple[type[Exception], ...] = (
                psycopg.IntegrityError,
                psycopg.DataError,
                UnfitValue,
            )
        else:
            self.bad_row_errors = (
                sqlite3.IntegrityError,
                sqlite3.InterfaceError,
                sqlite3.ProgrammingError,
            )

    def execute(self, statement: str, params: Sequence[Any] = ()) -> Cursor:
        if self.postgres:
            with _statement():
                return self.conn.execute(to_postgres(statement), tuple(params))  # type: ignore[no-any-return]
        return self.conn.execute(statement, params)  # type: ignore[no-any-return]

    def executemany(self, statement: str, rows: Iterable[Sequence[Any]]) -> None:
        if self.postgres:
            rows = list(rows)
            if rows:  # none: no round trip at all
                with _statement(), self.conn.cursor() as cursor:
                    cursor.executemany(to_postgres(statement), rows)
            return
        self.conn.executemany(statement, rows)

    def insert_id(self, statement: str, params: Sequence[Any]) -> int:
        """Run an ``INSERT`` of one row into a table with an ``id`` column; the new id."""
        if self.postgres:
            with _statement():
                row = self.conn.execute(to_postgres(statement) + " RETURNING id", tuple(params))
                return int(row.fetchone()[0])
        cursor = self.conn.execute(statement, params)
        return int(cursor.lastrowid or 0)

    def savepoint(self) -> Any:
        """A context in which a failed statement undoes only what ran inside it.

        PostgreSQL aborts the whole transaction at a failed statement unless it ran under a
        savepoint; SQLite undoes just that statement, so there this is no savepoint at all
        (the SQLite path stays as it was: no extra statements).
        """
        if self.postgres:
            return self.conn.transaction()  # nested in the caller's transaction: a SAVEPOINT
        return nullcontext()


class UnfitValue(ValueError):
    """A parameter psycopg could not send (a type it cannot adapt, a count that is wrong):
    what sqlite3 reports as InterfaceError or ProgrammingError, a bad row's fault."""


@contextmanager
def _statement() -> Iterator[None]:
    """Tell psycopg's client-side ProgrammingErrors (about the values, before anything
    reached the server) from the server's (an unknown table, a privilege): only the first
    are a row's fault."""
    import psycopg

    try:
        yield
    except psycopg.ProgrammingError as e:
        if e.sqlstate is None:
            raise UnfitValue(str(e)) from e
        raise


def sql_connection(conn: AnyConnection) -> SqlConnection:
    """``conn`` in its dialect (a SqlConnection is returned as it is)."""
    if isinstance(conn, SqlConnection):
        return conn
    if isinstance(conn, sqlite3.Connection):
        return SqlConnection(conn, postgres=False)
    if type(conn).__module__.startswith("psycopg"):
        return SqlConnection(conn, postgres=True)
    raise TypeError(f"not a SQLite or psycopg connection: {type(conn).__name__}")


# A quoted string or identifier (kept as it is), or a character the rewrite changes.
_TOKENS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|[?%]")
_OR_IGNORE = re.compile(r"^(\s*)INSERT\s+OR\s+IGNORE\s+INTO\b", re.IGNORECASE)


@lru_cache(maxsize=256)
def to_postgres(statement: str) -> str:
    """``statement`` (SQLite's SQL, as the writers use it) in PostgreSQL's terms."""
    ignore = _OR_IGNORE.match(statement)
    if ignore:
        statement = f"{ignore.group(1)}INSERT INTO{statement[ignore.end() :]}"

    def rewrite(match: re.Match[str]) -> str:
        token = match.group(0)
        return {"?": "%s", "%": "%%"}.get(token, token)

    statement = _TOKENS.sub(rewrite, statement)
    if ignore:
        statement = statement.rstrip().removesuffix(";") + " ON CONFLICT DO NOTHING"
    return statement


# events.span_level is kept by SQLite's triggers (migration 13) from julianday(), which
# PostgreSQL lacks; its calendar arithmetic and what it refuses (a negative year, say) are
# SQLite's own. So a PostgreSQL writer asks SQLite, through a private in-memory database:
# the two stores can never disagree on a level.
_SPAN_LEVEL_SQL = (
    "SELECT CASE "
    + " ".join(
        f"WHEN julianday(?2) - julianday(?1) <= {days} THEN {level}"
        for level, days in enumerate(EVENT_SPAN_LEVELS)
    )
    + f" ELSE {OPEN_SPAN_LEVEL} END"
)
_julian: sqlite3.Connection | None = None
_julian_lock = threading.Lock()


def span_level(earliest: str, latest: str) -> int:
    """The span level migration 13's trigger gives an event bounded by these days."""
    global _julian
    with _julian_lock:
        if _julian is None:
            _julian = sqlite3.connect(":memory:", check_same_thread=False)
        row = _julian.execute(_SPAN_LEVEL_SQL, (earliest, latest)).fetchone()
    return int(row[0])
