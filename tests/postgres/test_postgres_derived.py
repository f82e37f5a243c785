"""What is derived after an ingest (entity resolution, relations, geocoding, the claim
comparison) and what rewrites it (resolve, merge, split, rename, compare --rebuild) gives a
PostgreSQL base the rows, ids included, and the output it gives a SQLite base.

Both stores are written from the same prepared sample (``prepared_sample``: one spaCy run)
and compared table by table with the checksums ``migrate`` verifies copies by. The
PostgreSQL databases sort text by ICU's en-US rules where the server can, so that an ORDER
BY which forgot its byte-order collation shows.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from historiograph.build import Prepared, update_derived, write_batch
from historiograph.cli.main import main
from historiograph.store.database import Store
from historiograph.store.knowledge import find_entities
from historiograph.store.postgres.schema import MIGRATIONS, TABLES
from historiograph.store.postgres.store import PostgresStore
from postgres.tables import create_database, different, digests, drop_database
from support import SAMPLE_FILES, CliResult, base_at_version

_numbers = itertools.count(1)

# What the steps after an ingest write (besides mentions' entity ids), each filled by the
# sample: a table left empty on both stores would compare equal and prove nothing.
DERIVED = (
    "entities",
    "entity_links",
    "relations",
    "relation_evidence",
    "entity_aliases",
    "entity_merges",
    "entity_events",
    "claim_groups",
    "claim_group_members",
    "resolve_units",
    "resolve_rows",
    "resolve_apart",
    "resolve_cooccur",
    "resolve_sources",
    "resolve_clusters",
    "resolve_meta",
    "relation_parts",
    "geocode_parts",
)


def _run(*args: str) -> CliResult:
    """The CLI in-process, its output captured (a module fixture cannot use capsys)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as e:
            code = int(e.code or 0)
    return CliResult(code, out.getvalue(), err.getvalue())


def _ingest(store: Any, prepared: Prepared) -> None:
    """What ``historiograph ingest`` does with a written batch: write it, then derive."""
    result = write_batch(store, prepared)
    assert result.stopped is None
    update_derived(store)


@pytest.fixture
def pg_icu(pg_server: str) -> Iterator[str]:
    """A fresh database sorting by ICU's en-US rules (where the server can)."""
    name = f"hg_derived_{os.getpid()}_{next(_numbers)}"
    yield create_database(pg_server, name)
    drop_database(pg_server, name)


@pytest.fixture(scope="module")
def bases(
    prepared_sample: Prepared, pg_server: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Path, str]]:
    """The sample ingested with NLP, steps after it included, into a SQLite file and into a
    PostgreSQL database (its name) sorting by ICU's rules; tests that write use copies.
    Made once: the claim comparison alone takes minutes on this machine."""
    folder = tmp_path_factory.mktemp("derived")
    lite_db = folder / "kb.db"
    name = f"hg_derived_base_{os.getpid()}_{next(_numbers)}"
    url = create_database(pg_server, name)
    with Store(lite_db) as lite, PostgresStore(url) as pg:
        for store in (lite, pg):
            _ingest(store, prepared_sample)
        lite.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # so that a copy is whole
    yield lite_db, name
    drop_database(pg_server, name)


@pytest.fixture
def copies(bases: tuple[Path, str], pg_server: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Writable copies of both bases: a file, and a database made from the other."""
    lite_db, template = bases
    target = tmp_path / "copy.db"
    shutil.copyfile(lite_db, target)
    name = f"hg_derived_copy_{os.getpid()}_{next(_numbers)}"
    url = create_database(pg_server, name, template=template)
    yield str(target), url
    drop_database(pg_server, name)


def test_the_steps_after_an_ingest_derive_the_same_rows_on_both_stores(
    bases: tuple[Path, str], pg_server: str
) -> None:
    url = f"{pg_server.rpartition('/')[0]}/{bases[1]}"
    with Store(bases[0], create=False) as lite, PostgresStore(url, create=False) as pg:
        expected = digests(lite)
        # Every table: entities and their ids, mentions' entity ids, links in their order,
        # relations with their evidence, coordinates, claim groups, the resolver's digest.
        assert different(expected, digests(pg)) == []
        empty = [table for table in DERIVED if expected[table].rows == 0]
        assert empty == [], "the sample fills every derived table"
        merges = pg.conn.execute("SELECT count(*) FROM entity_links WHERE rule <> 'same-name'")
        assert merges.fetchone()[0] > 0, "resolution merged different names"
        located = pg.conn.execute("SELECT count(*) FROM entities WHERE latitude IS NOT NULL")
        assert located.fetchone()[0] > 0


def test_an_update_or_a_full_recompute_on_postgresql_changes_nothing_derived(
    copies: tuple[str, str],
) -> None:
    """Nothing changed since the ingest: an incremental update keeps every row; a full one
    (``historiograph resolve``) deletes every entity while mentions point at them, which
    the mention key allows until the commit (DEFERRABLE, deferred by the resolver), and
    writes the same rows again."""
    from historiograph.store.resolution import (
        compute_relations,
        geocode_places,
        resolve_entities,
        update_resolution,
    )

    with PostgresStore(copies[1], create=False) as pg:
        before = digests(pg)
        changes = update_resolution(pg)
        assert (changes.added, changes.gone, changes.full) == ((), (), False)
        compute_relations(pg, changes)
        geocode_places(pg, changes)
        assert different(before, digests(pg)) == []
        resolve_entities(pg)
        compute_relations(pg)
        geocode_places(pg)
        assert different(before, digests(pg)) == []
        deferrable = pg.conn.execute(
            "SELECT conrelid::regclass::text, condeferrable FROM pg_constraint"
            " WHERE confrelid = 'entities'::regclass ORDER BY 1"
        ).fetchall()
        assert deferrable == [("entity_links", True), ("mentions", True)]


def _mentions_of(store: Any, entity_id: int) -> list[tuple[str, int, int]]:
    rows = store.conn.execute(
        'SELECT source_id, start, "end" FROM mentions WHERE entity_id = '
        + ("?" if isinstance(store, Store) else "%s")
        + " ORDER BY id",
        (entity_id,),
    ).fetchall()
    return [(r[0], r[1], r[2]) for r in rows]


def _entity_at(store: Any, ref: tuple[str, int, int]) -> tuple[int, str]:
    mark = "?" if isinstance(store, Store) else "%s"
    row = store.conn.execute(
        f"SELECT e.id, e.name FROM mentions AS m JOIN entities AS e ON e.id = m.entity_id"
        f' WHERE m.source_id = {mark} AND m.start = {mark} AND m."end" = {mark}',
        ref,
    ).fetchone()
    return int(row[0]), str(row[1])


def test_overrides_survive_an_incremental_ingest_on_postgresql_as_on_sqlite(
    prepared_sample: Prepared, pg_icu: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The claim comparison is rebuilt whole, overrides or not (and compared in the tests
    # above); it would cost minutes per ingest here.
    monkeypatch.setattr("historiograph.build._compare", lambda store: None)
    first, rest = prepared_sample[:3], prepared_sample[3:]
    lite_db = tmp_path / "kb.db"
    with Store(lite_db) as lite, PostgresStore(pg_icu) as pg:
        for store in (lite, pg):
            _ingest(store, first)
        assert different(digests(lite), digests(pg)) == []
        people = find_entities(lite.conn, kind="person")
        places = find_entities(lite.conn, kind="place")
        merged = [int(people[0]["id"]), int(people[1]["id"])]
        parted = next(e for e in people[2:] if e["mentions"] >= 3)
        parted_mentions = _mentions_of(lite, int(parted["id"]))
        renamed = int(places[0]["id"])
        merge_refs = [_mentions_of(lite, e)[0] for e in merged]
        rename_ref = _mentions_of(lite, renamed)[0]
        split_id = lite.conn.execute(  # the same id on both stores (compared above)
            'SELECT id FROM mentions WHERE source_id = ? AND start = ? AND "end" = ?',
            parted_mentions[-1],
        ).fetchone()[0]
    commands = [
        ("merge", *map(str, merged)),
        ("split", str(parted["id"]), str(split_id)),
        ("rename", str(renamed), "Renamed Place"),
    ]
    for command in commands:
        on_sqlite = _run(*command, "--db", str(lite_db))
        on_pg = _run(*command, "--db", pg_icu)
        assert on_sqlite.code == 0, on_sqlite.err
        assert (on_pg.code, on_pg.out, on_pg.err) == (on_sqlite.code, on_sqlite.out, on_sqlite.err)
    with Store(lite_db) as lite, PostgresStore(pg_icu) as pg:
        assert different(digests(lite), digests(pg)) == []
        overrides = pg.conn.execute("SELECT action FROM entity_overrides ORDER BY id").fetchall()
        assert [row[0] for row in overrides] == ["merge", "split", "rename"]
        for store in (lite, pg):
            _ingest(store, rest)  # incremental: one source added to a resolved base
        assert different(digests(lite), digests(pg)) == []
        covered = pg.conn.execute("SELECT count(*) FROM resolve_sources").fetchone()[0]
        assert covered == len(SAMPLE_FILES)
        # The overrides still hold on PostgreSQL after the update.
        assert _entity_at(pg, merge_refs[0])[0] == _entity_at(pg, merge_refs[1])[0]
        assert _entity_at(pg, parted_mentions[-1])[0] != _entity_at(pg, parted_mentions[0])[0]
        assert _entity_at(pg, rename_ref)[1] == "Renamed Place"


# -- the commands, on a copy of the same base in each store --------------------------------


@pytest.fixture(scope="module")
def facts(bases: tuple[Path, str]) -> dict[str, str]:
    """Arguments taken from the base: entity and mention ids, source ids."""
    with Store(bases[0], create=False) as store:
        people = find_entities(store.conn, kind="person")
        sources = sorted(row.id for row in store.sources())
        mention = store.conn.execute(
            "SELECT max(id) FROM mentions WHERE entity_id = ?", (people[0]["id"],)
        ).fetchone()[0]
        # Two sources that share a group (the best one's first two).
        grouped = store.conn.execute(
            "SELECT source_id FROM claim_group_members WHERE group_id = 1 ORDER BY position"
        ).fetchall()
        pair = sorted({row[0] for row in grouped})[:2]
    return {
        "person": str(people[0]["id"]),
        "person2": str(people[1]["id"]),
        "person3": str(people[2]["id"]),
        "mention": str(mention),
        "source": pair[0],
        "source2": pair[1],
        "prefix": sources[0][:3],
        "PREFIX": sources[0][:3].upper(),
    }


COMPARE_CASES = [
    ("compare",),
    ("compare", "--format", "jsonl"),
    ("compare", "--classification", "agree"),
    ("compare", "--classification", "differ", "--format", "jsonl"),
    ("compare", "--source", "{prefix}"),
    ("compare", "--source", "{PREFIX}", "--format", "jsonl"),  # SQLite's LIKE folds ASCII
    ("compare", "--source", "{source}", "--source", "{source2}"),
    ("compare", "--entity", "Tito"),
    ("compare", "--entity", "{person}", "--format", "jsonl"),
    ("compare", "--limit", "2"),
    ("compare", "--entity", "nobody"),
    ("compare", "--source", "nothing"),
]


@pytest.mark.parametrize("case", COMPARE_CASES, ids=[" ".join(c) for c in COMPARE_CASES])
def test_compare_prints_the_same_on_both_stores(
    case: tuple[str, ...], bases: tuple[Path, str], pg_server: str, facts: dict[str, str]
) -> None:
    base, _, _ = pg_server.rpartition("/")
    args = [arg.format(**facts) for arg in case]
    on_sqlite = _run(*args, "--db", str(bases[0]))
    on_pg = _run(*args, "--db", f"{base}/{bases[1]}")
    assert (on_pg.code, on_pg.err) == (on_sqlite.code, on_sqlite.err)
    assert on_pg.out == on_sqlite.out
    if on_sqlite.code == 0 and "nobody" not in args:
        assert len(on_sqlite.out) > 100, on_sqlite.out  # something was compared


# Each writes; then the two copies must hold the same rows and read the same.
WRITE_CASES = [
    ("resolve",),
    ("merge", "{person}", "{person2}"),
    ("merge", "{person}", "{person2}", "{person3}"),
    ("split", "{person}", "{mention}"),
    ("rename", "{person}", "Josip Broz, renamed"),
    ("compare", "--rebuild", "--format", "jsonl"),
    ("merge", "{person}"),  # an error: one id
    ("split", "{person}", "999999"),  # no such mention
    ("rename", "999999", "Nobody"),  # no such entity
]


@pytest.mark.parametrize("case", WRITE_CASES, ids=[" ".join(c) for c in WRITE_CASES])
def test_commands_that_rewrite_entities_do_on_postgresql_what_they_do_on_sqlite(
    case: tuple[str, ...], copies: tuple[str, str], facts: dict[str, str]
) -> None:
    lite_db, url = copies
    args = [arg.format(**facts) for arg in case]
    on_sqlite = _run(*args, "--db", lite_db)
    on_pg = _run(*args, "--db", url)
    assert "does not work on a PostgreSQL" not in on_pg.err
    assert (on_pg.code, on_pg.out, on_pg.err) == (on_sqlite.code, on_sqlite.out, on_sqlite.err)
    with Store(lite_db, create=False) as lite, PostgresStore(url, create=False) as pg:
        assert different(digests(lite), digests(pg)) == []
    for reading in (
        ("entities", "--limit", "1000", "--json"),
        ("entity", facts["person"], "--json"),
        ("export", "json"),
    ):
        assert _run(*reading, "--db", url) == _run(*reading, "--db", lite_db), reading


# -- the order columns ---------------------------------------------------------------------


def test_sqlite_migration_15_numbers_links_and_evidence_in_their_rowid_order(
    tmp_path: Path,
) -> None:
    path = tmp_path / "kb.db"
    conn = base_at_version(path, 14)
    conn.executescript(
        "INSERT INTO sources (id, sha256, path, kind, size_bytes, char_count, ingested_at,"
        " original) VALUES ('s', 'h', '/a', 'text', 1, 1, 'now', 'x');"
        "INSERT INTO entities (id, key, type, name) VALUES (7, 'k', 'person', 'K'), (8, 'l',"
        " 'person', 'L');"
        # Rowids out of the entities' order, and a gap: the ids keep them.
        "INSERT INTO entity_links (rowid, entity_id, mention_a, mention_b, rule, score)"
        " VALUES (5, 8, 1, 2, 'same-name', 1.0), (2, 7, 3, 4, 'variant', 0.9),"
        " (9, 7, 3, 5, 'same-name', 1.0);"
        "INSERT INTO relations (id, source, target, type, weight) VALUES (1, 7, 8, 'x', 2),"
        " (2, 8, 7, 'y', 1);"
        'INSERT INTO relation_evidence (rowid, relation_id, source_id, start, "end")'
        " VALUES (4, 1, 's', 9, 10), (1, 1, 's', 5, 6), (2, 2, 's', 0, 1), (3, 1, 's', 0, 1);"
    )
    conn.close()
    with Store(path) as store:
        links = store.conn.execute(
            "SELECT id, entity_id, mention_b FROM entity_links ORDER BY entity_id, id"
        ).fetchall()
        assert [tuple(r) for r in links] == [(2, 7, 4), (9, 7, 5), (5, 8, 2)]
        evidence = store.conn.execute(
            "SELECT relation_id, position, start FROM relation_evidence"
            " ORDER BY relation_id, position"
        ).fetchall()
        assert [tuple(r) for r in evidence] == [(1, 0, 5), (1, 1, 0), (1, 2, 9), (2, 0, 0)]


def test_postgresql_migration_3_numbers_links_and_evidence_in_their_copied_order(
    pg_url: str,
) -> None:
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as conn:
        # A base at schema 2, its rows written as migrate's COPY wrote them (in order).
        conn.execute("CREATE TABLE schema_version (version INTEGER)")
        for number, migration in enumerate(MIGRATIONS[:2], start=1):
            conn.execute(migration)
            conn.execute("INSERT INTO schema_version VALUES (%s)", (number,))
        conn.execute(
            "INSERT INTO entities (id, key, type, name) VALUES (7, 'k', 'person', 'K'),"
            " (8, 'l', 'person', 'L')"
        )
        conn.execute(
            "INSERT INTO entity_links (entity_id, mention_a, mention_b, rule, score)"
            " VALUES (8, 1, 2, 'same-name', 1.0), (7, 3, 4, 'variant', 0.9),"
            " (7, 3, 5, 'same-name', 1.0)"
        )
        conn.execute(
            "INSERT INTO relations (id, source, target, type, weight) VALUES (1, 7, 8, 'x', 2),"
            " (2, 8, 7, 'y', 1)"
        )
        conn.execute(
            'INSERT INTO relation_evidence (relation_id, source_id, start, "end")'
            " VALUES (1, 's', 9, 10), (2, 's', 0, 1), (1, 's', 5, 6)"
        )
    with PostgresStore(pg_url) as store:
        assert store.schema_version() == len(MIGRATIONS)
        links = store.conn.execute(
            "SELECT id, entity_id, mention_b FROM entity_links ORDER BY id"
        ).fetchall()
        assert links == [(1, 8, 2), (2, 7, 4), (3, 7, 5)]
        evidence = store.conn.execute(
            "SELECT relation_id, position, start FROM relation_evidence"
            " ORDER BY relation_id, position"
        ).fetchall()
        assert evidence == [(1, 0, 9), (1, 1, 5), (2, 0, 0)]
        # Every table both stores hold is there, with its columns.
        for table, columns in TABLES.items():
            found = store.conn.execute(
                "SELECT count(*) FROM information_schema.columns WHERE table_name = %s"
                " AND column_name = ANY(%s)",
                (table, list(columns)),
            ).fetchone()
            assert found is not None and found[0] == len(columns), table


# -- the dialect's helpers for the derived steps ------------------------------------------


def test_ids_continue_after_the_largest_left_as_on_sqlite(pg_url: str, tmp_path: Path) -> None:
    import psycopg

    from historiograph.store.dialect import sql_connection

    with Store(tmp_path / "kb.db") as lite, PostgresStore(pg_url) as pg:
        for store in (lite, pg):
            db = sql_connection(store.conn)
            for name in "abcde":
                db.execute(
                    "INSERT INTO entities (key, type, name) VALUES (?, 'person', ?)", (name, name)
                )
            db.execute("DELETE FROM entities WHERE id >= 4")
            assert db.next_id("entities") == 4
            db.restart_identity("entities")  # PostgreSQL's identity would give 6
            db.execute("INSERT INTO entities (key, type, name) VALUES ('f', 'person', 'f')")
            assert [r[0] for r in db.query("SELECT id FROM entities ORDER BY id")] == [1, 2, 3, 4]
        db = sql_connection(pg.conn)
        db.execute("DELETE FROM entities WHERE id = 4")
        with pg.transaction():  # inside a transaction: left alone (a rollback would lie)
            db.restart_identity("entities")
        with psycopg.connect(pg_url) as other:  # a writer busy with the table: not waited for
            other.execute("INSERT INTO entities (key, type, name) VALUES ('g', 'person', 'g')")
            db.restart_identity("entities")
            other.rollback()
        db.execute("INSERT INTO entities (key, type, name) VALUES ('h', 'person', 'h')")
        assert [r[0] for r in db.query("SELECT id FROM entities ORDER BY id")] == [1, 2, 3, 6]


def test_a_derived_update_keeps_other_writers_out_until_it_ends(pg_url: str) -> None:
    import psycopg

    from historiograph.store.dialect import sql_connection

    with PostgresStore(pg_url) as pg, psycopg.connect(pg_url, autocommit=True) as other:
        other.execute("SET lock_timeout = '200ms'")
        insert = (
            "INSERT INTO sources (id, sha256, path, kind, size_bytes, char_count, ingested_at,"
            " original) VALUES ('s', 'h', '/a', 'text', 1, 1, 'now', 'x')"
        )
        with pg.transaction():
            sql_connection(pg.conn).lock_out_writers("sources")
            other.execute("SELECT count(*) FROM sources")  # readers are not kept out
            with pytest.raises(psycopg.errors.LockNotAvailable):
                other.execute(insert)
        other.execute(insert)  # after it: the writer goes on
