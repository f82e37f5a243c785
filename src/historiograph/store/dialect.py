"""One interface over a SQLite or a PostgreSQL connection, for the modules that write and
read the NLP-derived rows.

The writers and readers of those tables (store/knowledge.py, claims.py, profiles.py) keep one
copy of each statement, in SQLite's SQL; :func:`sql_connection` wraps the connection they
are given, once, in the dialect it speaks:

- SQLite: the statements run unchanged, through the same ``sqlite3`` calls as ever (so the
  SQLite store's behaviour is exactly what it was).
- PostgreSQL (psycopg 3): each statement is rewritten once (cached): ``?`` placeholders
  become ``%s`` (a literal ``%`` becomes ``%%``), outside quoted strings and identifiers;
  ``INSERT OR IGNORE INTO …`` becomes ``INSERT INTO … ON CONFLICT DO NOTHING``; a new row's
  id comes from ``RETURNING id`` instead of ``cursor.lastrowid``.

Readers (:meth:`SqlConnection.query`) get rows that read by position and by column name on
both drivers (``sqlite3.Row``, which the SQLite store sets; :class:`NamedRow` on PostgreSQL).
Where the two databases' SQL cannot be one text, the difference is kept here:
``COLLATE BINARY`` (SQLite's byte order) becomes ``COLLATE "C"``, the same order whatever the
database's locale; :meth:`SqlConnection.like` gives SQLite's ``LIKE`` (ASCII letters match
either case, no escape character unless one is named).

The steps derived from all sources together (store/resolution.py, comparison.py) write
through the same interface, with what their transactions need on either database:
:meth:`SqlConnection.defer_foreign_keys`, :meth:`SqlConnection.lock_out_writers` (SQLite's
write transaction excludes other writers already), :meth:`SqlConnection.next_id` (the id
SQLite gives a new row, max + 1, where an identity column never goes back) and
:meth:`SqlConnection.restart_identity`.

psycopg is never imported here: a connection is recognised by its type's module, so the
SQLite path needs no ``postgres`` extra.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
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

    # -- reading -----------------------------------------------------------------------

    def query(self, statement: str, params: Sequence[Any] = ()) -> Cursor:
        """Run a reader's statement; its rows read by position and by column name alike.

        SQLite: the connection's own rows (the store sets ``sqlite3.Row``), exactly as
        before. PostgreSQL: :class:`NamedRow`, which reads as ``sqlite3.Row`` does, so the
        readers index, unpack and ``dict()`` a row the same way on both.
        """
        if self.postgres:
            with _statement():
                cursor = self.conn.cursor(row_factory=_named_rows)
                return cursor.execute(to_postgres(statement), tuple(params))  # type: ignore[no-any-return]
        return self.conn.execute(statement, params)  # type: ignore[no-any-return]

    def like(self, column: str, *, escape: str | None = None) -> str:
        """``column LIKE ?`` as SQLite means it, for one ``?`` that holds the pattern.

        SQLite's LIKE folds the case of ASCII letters only (``Verlaci`` matches ``verlaci``,
        ``Ë`` never matches ``ë``) and has no escape character unless ``ESCAPE`` names one.
        PostgreSQL's is case-sensitive and takes a backslash as its escape by default; so
        there both sides are folded by ``translate`` over A-Z (not ``lower``, which folds
        every letter the locale knows) and ``ESCAPE ''`` turns the backslash off.
        """
        if not self.postgres:
            return f"{column} LIKE ?" + (f" ESCAPE '{escape}'" if escape else "")
        fold = f"'{_ASCII_UPPER}', '{_ASCII_UPPER.lower()}'"
        return f"translate({column}, {fold}) LIKE translate(?, {fold}) ESCAPE '{escape or ''}'"

    # -- the derived steps' transactions -----------------------------------------------

    def defer_foreign_keys(self) -> None:
        """Check foreign keys at commit, not per statement, for the rest of the transaction.

        The resolver rewrites entities while mentions point at them. SQLite: ``PRAGMA
        defer_foreign_keys``; PostgreSQL: ``SET CONSTRAINTS ALL DEFERRED``, which defers
        the constraints declared DEFERRABLE (mentions' entity key: store/postgres/schema.py).
        """
        if self.postgres:
            self.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            self.execute("PRAGMA defer_foreign_keys = ON")

    def lock_out_writers(self, *tables: str) -> None:
        """Make the caller's transaction the only writer of ``tables`` until it ends.

        SQLite's write transaction (``BEGIN IMMEDIATE``) excludes every other writer
        already: nothing to do. PostgreSQL lets writers run side by side, so two derived
        updates (one per ingesting process) would digest the same new sources twice, and an
        ingest committing in the middle of one would be half seen. ``SHARE ROW EXCLUSIVE``
        conflicts with itself and with every row change, never with plain reads; taken
        first in the transaction, before any row is touched, so it waits for the writers
        already running and makes later ones wait for it.
        """
        if self.postgres and tables:
            self.execute(f"LOCK TABLE {', '.join(tables)} IN SHARE ROW EXCLUSIVE MODE")

    def next_id(self, table: str) -> int:
        """The id SQLite gives the next row of ``table`` inserted without one: max + 1.

        A writer that numbers its rows by this (and counts on from it) gets the same ids on
        both stores: a PostgreSQL identity never reuses the ids of deleted rows, where
        SQLite's INTEGER PRIMARY KEY starts again after the largest one left.
        """
        row = self.query(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()
        return int(row[0])

    def restart_identity(self, table: str) -> None:
        """PostgreSQL: let the next row of ``table`` inserted without an id get max + 1, as
        on SQLite (nothing to do there).

        Run outside any transaction, after the one that deleted rows has committed: a
        sequence is not transactional, so set inside a transaction that then rolled back it
        could hand out the ids of rows that came back. The table is locked against writers
        meanwhile, so no row can take an id between the max and the setval; a writer busy
        with it (``NOWAIT``) is not waited for, and the ids just continue from where they
        were (the rows are the same, only numbered differently from SQLite's).
        """
        if not self.postgres:
            return
        import psycopg
        from psycopg.pq import TransactionStatus

        if self.conn.info.transaction_status != TransactionStatus.IDLE:
            return  # inside the caller's transaction: see above
        try:
            with self.conn.transaction():
                self.conn.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE NOWAIT")
                self.conn.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), coalesce(max(id), 0) + 1,"
                    f" false) FROM {table}",
                    (table,),
                )
        except psycopg.errors.LockNotAvailable:
            pass


class NamedRow:
    """A PostgreSQL row read as ``sqlite3.Row`` is: ``row[0]``, ``row["name"]``, ``keys()``,
    iteration over its values (so ``dict(row)`` and ``a, b = row`` work as on SQLite)."""

    __slots__ = ("_names", "_values")

    def __init__(self, values: Sequence[Any], names: dict[str, int]) -> None:
        self._values = tuple(values)
        self._names = names

    def __getitem__(self, key: int | str) -> Any:
        if isinstance(key, str):
            return self._values[self._names[key]]
        return self._values[key]

    def keys(self) -> list[str]:
        return list(self._names)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"NamedRow({dict(zip(self._names, self._values, strict=False))!r})"


def _named_rows(cursor: Any) -> Callable[[Sequence[Any]], NamedRow]:
    """psycopg's row factory for :class:`NamedRow`: the column names are read once per
    result, from the cursor's description."""
    names: dict[str, int] = {}
    for index, column in enumerate(cursor.description or ()):
        names.setdefault(column.name, index)  # a repeated name: the first, as sqlite3.Row
    return lambda values: NamedRow(values, names)


_ASCII_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


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


# A quoted string or identifier (kept as it is), or what the rewrite changes: a character,
# or SQLite's byte-order collation (PostgreSQL's "C" is the same order, whatever the locale).
_TOKENS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|[?%]|\bCOLLATE\s+BINARY\b", re.IGNORECASE)
_OR_IGNORE = re.compile(r"^(\s*)INSERT\s+OR\s+IGNORE\s+INTO\b", re.IGNORECASE)


@lru_cache(maxsize=256)
def to_postgres(statement: str) -> str:
    """``statement`` (SQLite's SQL, as the writers and readers use it) in PostgreSQL's terms."""
    ignore = _OR_IGNORE.match(statement)
    if ignore:
        statement = f"{ignore.group(1)}INSERT INTO{statement[ignore.end() :]}"

    def rewrite(match: re.Match[str]) -> str:
        token = match.group(0)
        if token[0] in "cC":
            return 'COLLATE "C"'
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
