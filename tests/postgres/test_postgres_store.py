"""The PostgreSQL store: schema, upserts, search translation, the CLI on a postgresql:// URL,
and ``historiograph migrate`` (counts and checksums both ways, idempotent, all or nothing).

The tests that need a server get one from the pg_url fixture (tests/postgres/fixtures.py).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from historiograph.errors import QueryError, StoreError
from historiograph.ingest.pipeline import parse_text
from historiograph.store.postgres import copy as copying
from historiograph.store.postgres.schema import PG_SCHEMA_VERSION, TABLES
from historiograph.store.postgres.store import PostgresStore, redact
from historiograph.store.postgres.tsquery import to_tsquery
from historiograph.store.query import to_fts5
from support import SAMPLE_DIR, SAMPLE_FILES, CliResult

Cli = Callable[..., CliResult]
PHRASE = "phraseto_tsquery('historiograph', %s)"
PREFIX = "to_tsquery('historiograph', %s)"


# -- the query language as tsquery (no server needed) -----------------------------------


@pytest.mark.parametrize(
    ("query", "sql", "params"),
    [
        ("tito", PHRASE, ("tito",)),
        ("tito stalin", f"({PHRASE} && {PHRASE})", ("tito", "stalin")),
        ('"red army" OR partis*', f"({PHRASE} || {PREFIX})", ("red army", "'partis':*")),
        ("tito NOT stalin", f"({PHRASE} && !!{PHRASE})", ("tito", "stalin")),
        (
            "(tito OR stalin) AND belgrade",
            f"(({PHRASE} || {PHRASE}) && {PHRASE})",
            ("tito", "stalin", "belgrade"),
        ),
        ("tito's\\*", PREFIX, ("'tito''s\\\\':*",)),  # quotes and backslashes escaped
        ("and or not", f"({PHRASE} && {PHRASE} && {PHRASE})", ("and", "or", "not")),
    ],
)
def test_query_translation(query: str, sql: str, params: tuple[str, ...]) -> None:
    translated = to_tsquery(query)
    assert (translated.sql, translated.params) == (sql, params)
    assert "%s" not in query and translated.sql.count("%s") == len(params)


def test_excluded_words_are_not_where_a_hit_points() -> None:
    assert to_tsquery("tito NOT stalin partis*").operands == (("tito", False), ("partis", True))


@pytest.mark.parametrize("query", ["", '"red army', "(tito", "tito)", "NOT tito", "tito AND", "*"])
def test_malformed_queries_are_refused_as_for_sqlite(query: str) -> None:
    with pytest.raises(QueryError) as sqlite_error:
        to_fts5(query)
    with pytest.raises(QueryError) as pg_error:
        to_tsquery(query)
    assert str(pg_error.value) == str(sqlite_error.value)


def test_passwords_never_reach_messages() -> None:
    assert redact("postgresql://kb:s3cret@db.example/kb") == "postgresql://kb:***@db.example/kb"
    with pytest.raises(StoreError) as caught:
        PostgresStore("postgresql://kb:s3cret@127.0.0.1:1/kb")  # nothing listens on port 1
    assert "cannot open knowledge base" in str(caught.value)
    assert "s3cret" not in str(caught.value)


# -- the store ----------------------------------------------------------------------------


def test_schema_is_versioned(pg_url: str) -> None:
    with pytest.raises(StoreError, match="no knowledge base here"):
        PostgresStore(pg_url, create=False)
    with PostgresStore(pg_url) as store:
        assert store.schema_version() == PG_SCHEMA_VERSION
    with PostgresStore(pg_url, create=False) as store:  # opening again changes nothing
        assert store.schema_version() == PG_SCHEMA_VERSION
        store.conn.execute("INSERT INTO schema_version VALUES (%s)", (PG_SCHEMA_VERSION + 1,))
    with pytest.raises(StoreError, match="newer historiograph"):
        PostgresStore(pg_url)


def test_an_extraction_is_stored_not_refused(pg_url: str) -> None:
    from historiograph.model import Extraction, Mention

    parsed = parse_text("Tito met Stalin. Tito left.\n")
    mentions = [Mention(0, 4, "Tito", "person"), Mention(9, 15, "Stalin", "person")]
    parsed.extraction = Extraction(mentions=[*mentions, Mention(17, 21, "Tito", "person")])
    with PostgresStore(pg_url) as store:
        assert store.save_source(parsed) == "added"
        counts = store.counts()
        # One provisional entity per name and type, as in SQLite.
        assert (counts["mentions"], counts["entities"]) == (3, 2)


def test_a_failed_batch_keeps_nothing(pg_url: str) -> None:
    with PostgresStore(pg_url) as store:
        store.conn.execute(
            "ALTER TABLE passages ADD CONSTRAINT no_dibra CHECK (text NOT LIKE '%Dibra%')"
        )
        good = parse_text("Enver Hoxha met Tito.\n", path="a.txt")
        bad = parse_text("They met at Dibra.\n", path="b.txt")
        with pytest.raises(StoreError, match="nothing changed"):
            store.save_sources([good, bad])
        assert store.counts()["sources"] == store.counts()["passages"] == 0


def test_two_writers_of_the_same_bytes_store_them_once(pg_url: str) -> None:
    parsed = parse_text("The partisans marched north.\n", path="same.txt")
    with PostgresStore(pg_url) as first, PostgresStore(pg_url) as second:
        outcomes: list[Any] = []
        with first.transaction():
            assert first.save_source(parsed) == "added"
            # The second writer's insert waits for the first's transaction, then finds the
            # same content hash stored: "unchanged", and no second copy of the rows.
            writer = threading.Thread(target=lambda: outcomes.append(second.save_source(parsed)))
            writer.start()
            time.sleep(0.5)
            assert writer.is_alive()
        writer.join(10)
        assert outcomes == ["unchanged"]
        assert second.counts()["sources"] == 1 and second.counts()["passages"] == 1


def test_deleting_a_source_takes_its_rows_and_its_passages_out_of_search(pg_url: str) -> None:
    with PostgresStore(pg_url) as store:
        store.save_sources([parse_text("Vërlaci fled.\n\nThe estates were seized.\n")])
        (row,) = store.sources()
        assert store.search("verlaci")
        assert store.delete_source(row.id) and not store.delete_source(row.id)
        counts = store.counts()
        assert counts["sources"] == counts["passages"] == counts["spans"] == 0
        assert store.search("verlaci") == []
        assert store.check_integrity() == []


# -- the CLI on a postgresql:// URL -------------------------------------------------------


def test_core_commands_work_on_postgresql_as_on_sqlite(
    cli: Cli, pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = str(tmp_path / "kb.db")
    for target in (db, pg_url):
        result = cli("ingest", str(SAMPLE_DIR), "--no-nlp", "--db", target)
        assert result.code == 0 and "4 added" in result.out, result.err
    again = cli("ingest", str(SAMPLE_DIR), "--no-nlp", "--db", pg_url)
    assert again.code == 0 and "4 unchanged" in again.out

    def output(*args: str, db: str) -> Any:
        result = cli(*args, "--db", db)
        assert result.code == 0, result.err
        return json.loads(result.out)

    def without_times(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{k: v for k, v in row.items() if k != "ingested_at"} for row in rows]

    assert without_times(output("sources", "--json", db=pg_url)) == without_times(
        output("sources", "--json", db=db)
    )
    for query in ("Vërlaci", '"Red Army"', "Mihailovi*", "Tito NOT Stalin", "Conference"):
        on_pg = output("search", query, "--json", "--limit", "50", db=pg_url)
        on_sqlite = output("search", query, "--json", "--limit", "50", db=db)

        # Rankings differ (ts_rank, bm25); the matched passages and where they match do not.
        def located(hits: list[dict[str, Any]]) -> set[tuple[Any, ...]]:
            return {(h["source_id"], h["start"], h["match_start"], h["match_end"]) for h in hits}

        assert on_pg and located(on_pg) == located(on_sqlite), query
    monkeypatch.setenv("HISTORIOGRAPH_DB", pg_url)
    summary = cli("summary")
    assert summary.code == 0 and "4 sources" in summary.out
    bad = cli("search", "(tito")
    assert bad.code == 2 and "not closed" in bad.err
    # compare runs there too (no claims without NLP: no groups).
    compared = cli("compare")
    assert compared.code == 0 and "nothing compared" in compared.out, compared.err


# -- migrate ------------------------------------------------------------------------------


def _table_counts(store: PostgresStore) -> dict[str, int]:
    return {t: store.conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in TABLES}


def test_migrate_copies_every_table_verified_and_idempotently(
    cli: Cli, sample_db: Path, pg_url: str, tmp_path: Path
) -> None:
    first = cli("migrate", "--from", str(sample_db), "--to", pg_url)
    assert first.code == 0 and "now holds" in first.out and "verified" in first.out, first.err
    import sqlite3

    with sqlite3.connect(sample_db) as conn:
        expected = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in TABLES}
    assert expected["claims"] and expected["claim_groups"]  # the NLP tables are in the test
    with PostgresStore(pg_url) as store:
        assert _table_counts(store) == expected
        assert store.check_integrity() == []
        # New rows after a copy get fresh ids, not copied ones.
        store.conn.execute(
            "INSERT INTO entity_overrides (action, args, created_at) VALUES ('merge', '{}', 'now')"
        )
        store.conn.execute("DELETE FROM entity_overrides")
        # Search works on the copied passages (the tsvector is generated on COPY).
        assert store.search("Verlaci")
    again = cli("migrate", "--from", str(sample_db), "--to", pg_url)
    assert again.code == 0 and "already holds" in again.out
    first_sums = [line for line in first.out.splitlines() if " rows  checksum " in line]
    assert [line for line in again.out.splitlines() if " rows  checksum " in line] == first_sums
    # And back: the same checksums, and the export of the PostgreSQL base (which reads a
    # verified SQLite copy) is the export of the original, byte for byte.
    back = tmp_path / "back.db"
    returned = cli("migrate", "--from", pg_url, "--to", str(back))
    assert returned.code == 0, returned.err
    assert [line for line in returned.out.splitlines() if " rows  checksum " in line] == first_sums
    exported = {}
    for db in (str(sample_db), pg_url):
        result = cli("export", "json", "--db", db)
        assert result.code == 0, result.err
        exported[db] = result.out
    assert exported[pg_url] == exported[str(sample_db)]
    assert json.loads(exported[pg_url])["claims"]


def test_migrate_never_overwrites_a_different_base_unasked(
    cli: Cli, pg_url: str, tmp_path: Path
) -> None:
    source = tmp_path / "kb.db"
    assert cli("ingest", str(SAMPLE_FILES[0]), "--no-nlp", "--db", str(source)).code == 0
    assert cli("ingest", str(SAMPLE_FILES[1]), "--no-nlp", "--db", pg_url).code == 0
    refused = cli("migrate", "--from", str(source), "--to", pg_url)
    assert refused.code == 1 and "--replace" in refused.err
    with PostgresStore(pg_url) as store:
        assert [Path(r.path).name for r in store.sources()] == [SAMPLE_FILES[1].name]
    replaced = cli("migrate", "--from", str(source), "--to", pg_url, "--replace")
    assert replaced.code == 0, replaced.err
    with PostgresStore(pg_url) as store:
        assert [Path(r.path).name for r in store.sources()] == [SAMPLE_FILES[0].name]
    usage = cli("migrate", "--from", str(source), "--to", str(tmp_path / "other.db"))
    assert usage.code == 2


def test_a_copy_that_does_not_verify_keeps_nothing(
    cli: Cli, pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "kb.db"
    assert cli("ingest", str(SAMPLE_DIR), "--no-nlp", "--db", str(source)).code == 0
    real_copy = copying._copy_table

    def lossy(sqlite_conn: Any, pg_conn: Any, table: str) -> copying.TableDigest:
        found = real_copy(sqlite_conn, pg_conn, table)
        if table == "passages":  # a row lost on the way, as a broken pipe might
            pg_conn.execute("DELETE FROM passages WHERE id = (SELECT max(id) FROM passages)")
        return found

    monkeypatch.setattr(copying, "_copy_table", lossy)
    failed = cli("migrate", "--from", str(source), "--to", pg_url)
    assert failed.code == 1 and "does not match" in failed.err and "passages" in failed.err
    with PostgresStore(pg_url) as store:
        assert store.counts()["sources"] == 0
