"""The read commands (entities, entity, timeline, claims, profile) print on a PostgreSQL base
exactly what they print on the SQLite base it was copied from.

The PostgreSQL base is ``historiograph migrate``'s copy of the session's SQLite sample (built
with NLP, so entity resolution, relations and coordinates are filled; an NLP ingest into
PostgreSQL derives the same rows: test_postgres_derived.py). Its database sorts text by
ICU's en-US rules where the server has ICU, so that an ORDER BY or a comparison which forgot
its byte-order collation shows.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from historiograph.cli.main import main
from historiograph.store.database import Store
from historiograph.store.dialect import NamedRow, SqlConnection, sql_connection, to_postgres
from historiograph.store.knowledge import find_entities
from support import SAMPLE_DIR, CliResult

_numbers = itertools.count(1)


def _run(*args: str) -> CliResult:
    """The CLI in-process, its output captured (a module fixture cannot use capsys)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as e:
            code = int(e.code or 0)
    return CliResult(code, out.getvalue(), err.getvalue())


def _create_database(server: str, name: str) -> str:
    """A new database on ``server``, sorting by ICU's en-US rules when the server can."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
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


@pytest.fixture(scope="module")
def pg_sample(pg_server: str, sample_db: Path) -> Iterator[str]:
    """The SQLite sample base, migrated into a PostgreSQL database of its own."""
    import psycopg
    from psycopg import sql

    name = f"hg_readers_{os.getpid()}_{next(_numbers)}"
    url = _create_database(pg_server, name)
    copied = _run("migrate", "--from", str(sample_db), "--to", url)
    assert copied.code == 0 and "verified" in copied.out, copied.err
    yield url
    with psycopg.connect(pg_server, autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@pytest.fixture(scope="module")
def sample_facts(sample_db: Path) -> dict[str, str]:
    """Arguments taken from the base itself (ids are content-addressed, entity ids are not
    promised): a source id, the most mentioned person and place."""
    with Store(sample_db, create=False) as store:
        sources = sorted(row.id for row in store.sources())
        person = find_entities(store.conn, kind="person")[0]
        place = find_entities(store.conn, kind="place")[0]
        source = sources[-1]
    return {
        "source": source,
        "prefix": source[:3],
        "PREFIX": source[:3].upper(),
        "person": str(person["id"]),
        "place": str(place["id"]),
        "place_name": str(place["name"]),
        "path": str(SAMPLE_DIR / "002_82ff1b24559abff5.txt"),
    }


# Each command with the arguments its --help offers; {…} are sample_facts. Failures count
# too: the same message and exit code on both stores.
CASES = [
    ("entities",),
    ("entities", "--json"),
    ("entities", "--limit", "500", "--json"),
    ("entities", "--type", "person"),
    ("entities", "--type", "place", "--limit", "100"),
    ("entities", "--type", "group", "--json"),
    ("entities", "--name", "Tito"),
    ("entities", "--name", "Verlaci"),  # the key folds diacritics: Vërlaci
    ("entities", "--name", "a", "--limit", "500"),  # LIKE '%a%': many, ties in count
    ("entities", "--name", "nobody"),
    ("entity", "Tito"),
    ("entity", "Tito", "--json"),
    ("entity", "{person}", "--json"),
    ("entity", "{place}"),
    ("entity", "{place}", "--json"),  # coordinates, 50 relations with tied weights
    ("entity", "{place_name}"),
    ("entity", "Mihailovich"),
    ("entity", "Balli Kombëtar", "--json"),
    ("entity", "Djilas", "--json"),
    ("entity", "99999"),
    ("entity", "nobody"),
    ("timeline",),
    ("timeline", "--json"),
    ("timeline", "--from", "1941", "--to", "1943"),
    ("timeline", "--from", "1944-06", "--json"),
    ("timeline", "--entity", "Tito"),
    ("timeline", "--entity", "Albania", "--from", "1939", "--to", "1940-12"),
    ("timeline", "--source", "{prefix}"),
    ("timeline", "--source", "{PREFIX}", "--json"),  # SQLite's LIKE ignores ASCII case
    ("timeline", "--source", "nothing"),
    ("timeline", "--from", "bad"),
    ("claims",),
    ("claims", "--format", "jsonl"),
    ("claims", "--source", "{prefix}"),
    ("claims", "--source", "{PREFIX}", "--format", "jsonl"),
    ("claims", "--source", "{source}", "--modality", "quoted", "--format", "jsonl"),
    ("claims", "--entity", "Tito"),
    ("claims", "--entity", "{person}", "--format", "jsonl"),
    ("claims", "--modality", "hedged"),
    ("claims", "--attributed", "--format", "jsonl"),
    ("claims", "--limit", "5"),
    ("claims", "--entity", "nobody"),
    ("profile", "{prefix}"),
    ("profile", "{source}", "--format", "json"),
    ("profile", "{PREFIX}"),
    ("profile", "003"),  # the start of a file name
    ("profile", "{path}"),  # a path
    ("profile", "b"),  # several sources
    ("profile", "nothing"),
]


@pytest.mark.parametrize("case", CASES, ids=[" ".join(case) for case in CASES])
def test_read_commands_print_the_same_on_both_stores(
    case: tuple[str, ...], sample_db: Path, pg_sample: str, sample_facts: dict[str, str]
) -> None:
    args = [arg.format(**sample_facts) for arg in case]
    on_sqlite = _run(*args, "--db", str(sample_db))
    on_pg = _run(*args, "--db", pg_sample)
    assert "does not work on a PostgreSQL" not in on_pg.err
    assert (on_pg.code, on_pg.err) == (on_sqlite.code, on_sqlite.err)
    assert on_pg.out == on_sqlite.out
    if on_sqlite.code == 0 and "nobody" not in args and "nothing" not in args:
        assert len(on_sqlite.out) > 200, on_sqlite.out  # something was compared


# -- the dialect's reading side ----------------------------------------------------------


def test_byte_order_collation_in_postgresql_terms() -> None:
    assert to_postgres("SELECT a FROM t ORDER BY a COLLATE BINARY, b collate binary") == (
        'SELECT a FROM t ORDER BY a COLLATE "C", b COLLATE "C"'
    )
    assert to_postgres("SELECT 'COLLATE BINARY' FROM t") == "SELECT 'COLLATE BINARY' FROM t"


def test_rows_read_alike_on_both_drivers() -> None:
    row = NamedRow((1, "Tito", None), {"id": 0, "name": 1, "lat": 2})
    with sqlite3.connect(":memory:") as conn:
        conn.row_factory = sqlite3.Row
        lite = conn.execute("SELECT 1 AS id, 'Tito' AS name, NULL AS lat").fetchone()
    for read in (row, lite):
        assert (read[0], read["name"], read[-1], len(read)) == (1, "Tito", None, 3)
        assert dict(read) == {"id": 1, "name": "Tito", "lat": None}
        assert list(read) == [1, "Tito", None] and read.keys() == ["id", "name", "lat"]


# (value, pattern, escape): SQLite folds ASCII letters only and knows no escape unasked.
_LIKES: list[tuple[str, str, str | None]] = [
    ("b338341207bd98f7", "B33%", None),
    ("Vërlaci", "vërlaci", None),
    ("VËRLACI", "vërlaci", None),  # Ë is not ASCII: no match
    ("a\\b", "a\\b%", None),  # a backslash is a plain character
    ("a%b", "a\\%b", "\\"),
    ("axb", "a\\%b", "\\"),
    ("a_b", "a_b", None),
    ("a_b", "a\\_b", "\\"),
    ("axb", "a\\_b", "\\"),
    ("/corpus/003_x.txt", "%/003\\_%", "\\"),
]


def test_like_means_what_it_means_in_sqlite(pg_url: str) -> None:
    import psycopg

    def matches(db: SqlConnection, value: str, pattern: str, escape: str | None) -> bool:
        statement = f"SELECT {db.like('v', escape=escape)} FROM (SELECT CAST(? AS TEXT) AS v) AS t"
        # The pattern's ? comes first in the text.
        return bool(db.query(statement, (pattern, value)).fetchone()[0])

    with sqlite3.connect(":memory:") as lite, psycopg.connect(pg_url) as pg:
        expected = [matches(sql_connection(lite), *like) for like in _LIKES]
        assert [matches(sql_connection(pg), *like) for like in _LIKES] == expected
    assert expected == [True, True, False, True, True, False, True, True, False, True]
