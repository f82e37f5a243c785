"""An ingest with NLP into PostgreSQL stores the rows a SQLite ingest stores.

The sample is parsed and extracted once (spaCy costs tens of seconds: ``prepared_sample``,
tests/postgres/conftest.py); the same prepared batch is then written by each store's writer,
and the tables are compared row for row with the checksums ``historiograph migrate``
verifies copies by (store/postgres/copy.py). What is derived after the ingest is compared in
test_postgres_derived.py.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from historiograph.build import Prepared, write_batch
from historiograph.claims import Claim, ClaimSet
from historiograph.errors import StoreError
from historiograph.ingest.pipeline import parse_text
from historiograph.model import Extraction, Mention, PackedClaims, ParsedSource, pack_claims
from historiograph.store.database import SourceRows, Store
from historiograph.store.dialect import span_level, sql_connection, to_postgres
from historiograph.store.postgres.store import PostgresStore
from postgres.tables import different, digests, select
from support import SAMPLE_FILES, djilas_claim

# What save_extraction, claims.py and profiles.py write, besides the source's own rows.
EXTRACTION_TABLES = (
    "entities",
    "mentions",
    "dates",
    "events",
    "event_mentions",
    "claims",
    "claim_chain",
    "claim_subjects",
    "claim_citations",
    "profiles",
)


# -- the dialect (no server needed) -----------------------------------------------------


@pytest.mark.parametrize(
    ("sqlite", "postgres"),
    [
        ("SELECT id FROM t WHERE a = ? AND b = ?", "SELECT id FROM t WHERE a = %s AND b = %s"),
        # Quoted strings and identifiers keep their ? and %; a bare % is escaped for psycopg.
        (
            """SELECT '?%', "odd?" FROM t WHERE a LIKE ? || '%' AND b % 2 = ?""",
            """SELECT '?%', "odd?" FROM t WHERE a LIKE %s || '%' AND b %% 2 = %s""",
        ),
        ("SELECT 'it''s ?' , ?", "SELECT 'it''s ?' , %s"),
        (
            "INSERT OR IGNORE INTO event_mentions (event_id, role) VALUES (?, ?)",
            "INSERT INTO event_mentions (event_id, role) VALUES (%s, %s) ON CONFLICT DO NOTHING",
        ),
        (
            'INSERT INTO spans (start, "end") VALUES (?, ?)',
            'INSERT INTO spans (start, "end") VALUES (%s, %s)',
        ),
    ],
)
def test_statements_in_postgresql_terms(sqlite: str, postgres: str) -> None:
    assert to_postgres(sqlite) == postgres


def test_span_levels_are_sqlites_own() -> None:
    # The levels of migration 13's trigger, bounds included; unreadable days are open-ended.
    assert span_level("1943-03-01", "1943-03-31") == 0
    assert span_level("1943-01-01", "1944-01-01") == 1  # 365 days
    assert span_level("1943-01-01", "1945-12-31") == 2
    assert span_level("1940-01-01", "1949-12-31") == 3
    assert span_level("1900-01-01", "1999-12-31") == 4
    assert span_level("1943-XX-01", "1943-12-31") == 4  # a day julianday() cannot read
    with sqlite3.connect(":memory:") as conn:
        conn.executescript(
            "CREATE TABLE e (earliest TEXT, latest TEXT, level INTEGER);"
            "CREATE TRIGGER t AFTER INSERT ON e BEGIN UPDATE e SET level = CASE"
            " WHEN julianday(NEW.latest) - julianday(NEW.earliest) <= 31 THEN 0"
            " WHEN julianday(NEW.latest) - julianday(NEW.earliest) <= 366 THEN 1"
            " WHEN julianday(NEW.latest) - julianday(NEW.earliest) <= 1096 THEN 2"
            " WHEN julianday(NEW.latest) - julianday(NEW.earliest) <= 3653 THEN 3"
            " ELSE 4 END WHERE rowid = NEW.rowid; END;"
        )
        bounds = [
            ("1943-02-28", "1943-03-31"),
            ("1943-01-01", "1944-01-02"),
            ("-0043-03-01", "-0043-03-15"),  # years BC, which PostgreSQL's dates spell apart
            ("0000-01-01", "0000-02-01"),  # a year 0, which PostgreSQL's dates refuse
            ("1943-02-30", "1943-03-31"),  # a day no calendar has
        ]
        conn.executemany("INSERT INTO e (earliest, latest) VALUES (?, ?)", bounds)
        triggered = [row[0] for row in conn.execute("SELECT level FROM e ORDER BY rowid")]
    assert [span_level(*b) for b in bounds] == triggered


def test_a_connection_of_neither_driver_is_refused() -> None:
    with pytest.raises(TypeError, match="not a SQLite or psycopg connection"):
        sql_connection(object())  # type: ignore[arg-type]


# -- the sample, both ways ----------------------------------------------------------------


def test_an_nlp_ingest_stores_in_postgresql_what_it_stores_in_sqlite(
    prepared_sample: Prepared, pg_url: str, tmp_path: Path
) -> None:
    with Store(tmp_path / "kb.db") as lite, PostgresStore(pg_url) as pg:
        for store in (lite, pg):
            result = write_batch(store, prepared_sample)  # type: ignore[arg-type]
            assert result.stopped is None
            assert [outcome for outcome, _ in result.outcomes] == ["added"] * len(SAMPLE_FILES)
        expected, found = digests(lite), digests(pg)
        # Every table, row for row (ids, foreign keys, JSON, offsets, span levels).
        assert different(expected, found) == []
        for table in EXTRACTION_TABLES:
            assert expected[table].rows > 0, f"the sample fills {table}"
        levels = pg.conn.execute("SELECT DISTINCT span_level FROM events").fetchall()
        assert len(levels) > 1  # the levels are computed, not the column's default
        assert pg.check_integrity() == []
        # Writing the same batch again is "unchanged" on both, and changes nothing.
        again = write_batch(pg, prepared_sample)  # type: ignore[arg-type]
        assert [outcome for outcome, _ in again.outcomes] == ["unchanged"] * len(SAMPLE_FILES)
        assert digests(pg) == expected


def _extraction_counts(conn: Any) -> dict[str, int]:
    return {
        t: int(conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]) for t in EXTRACTION_TABLES
    }


def test_replacing_and_deleting_a_source_take_its_extraction_on_both_stores(
    prepared_sample: Prepared, pg_url: str, tmp_path: Path
) -> None:
    (path, first), (_, second) = prepared_sample[:2]
    assert isinstance(first, SourceRows) and isinstance(second, SourceRows)
    # The second file's rows under the first file's path: a changed file, replaced.
    changed: Prepared = [(path, replace(second, path=first.path))]
    with Store(tmp_path / "kb.db") as lite, PostgresStore(pg_url) as pg:
        for store in (lite, pg):
            assert write_batch(store, prepared_sample[:1]).stopped is None  # type: ignore[arg-type]
            outcome = write_batch(store, changed)  # type: ignore[arg-type]
            assert [o for o, _ in outcome.outcomes] == ["replaced"]
        # Ids may differ (SQLite reuses the highest freed rowids, an identity never does);
        # what each table holds may not.
        counts = _extraction_counts(pg.conn)
        assert counts == _extraction_counts(lite.conn)
        assert counts["mentions"] > 0 and counts["claims"] > 0
        # No row of the replaced version is left, nor an entity only it named.
        (source,) = pg.sources()
        for table in ("mentions", "dates", "events", "claims", "profiles"):
            stale = pg.conn.execute(
                f'SELECT count(*) FROM "{table}" WHERE source_id <> %s', (source.id,)
            ).fetchone()
            assert stale is not None and stale[0] == 0, table
        orphans = pg.conn.execute(
            "SELECT count(*) FROM entities WHERE id NOT IN (SELECT entity_id FROM mentions)"
        ).fetchone()
        assert orphans is not None and orphans[0] == 0
        assert pg.delete_source(source.id)
        assert _extraction_counts(pg.conn) == dict.fromkeys(EXTRACTION_TABLES, 0)


# -- malformed claims: skipped on both stores alike, the batch goes on ----------------------


def _source_with(text: str, claims: list[Claim] | PackedClaims, path: str) -> ParsedSource:
    parsed = parse_text(text, path=path)
    mention = Mention(text.index("Djilas"), text.index("Djilas") + 6, "Djilas", "person")
    packed = claims if all(isinstance(c, tuple) for c in claims) else None
    parsed.extraction = Extraction(
        mentions=[mention],
        claims=packed if packed is not None else ClaimSet(claims=claims),  # type: ignore[arg-type]
    )
    return parsed


def _claim(start: int, end: int, text: str, **changes: Any) -> Claim:
    # One mention twice: INSERT OR IGNORE / ON CONFLICT DO NOTHING.
    return djilas_claim(start, end, text, **{"subjects": [0, 0], **changes})


def test_bad_claims_are_skipped_alike_and_never_abort_the_batch(
    pg_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    text = "According to Djilas, the Partisans reached the river in March 1943.\n"
    good = pack_claims(ClaimSet(claims=[_claim(0, len(text) - 1, text)]))[0]
    # Packed claims, as worker processes send them: malformed in ways ClaimSets cannot be.
    claims: PackedClaims = [
        (10, len(text) + 50, *good[2:]),  # span past the end: refused before any statement
        (0, 5, None, *good[3:]),  # NOT NULL modality: the claims row fails in the database
        # A link with no kind: its claim_chain row fails after the claims row went in,
        # which must go again (SQLite: deleted; PostgreSQL: the savepoint's rollback).
        (0, 6, *good[2:7], [(None, *good[7][0][1:])], *good[8:]),
        (0, 7, *good[2:7], [("author",)], *good[8:]),  # a link that does not unpack
        good,
        (0, 5, *good[2:8], [0, 7, -1], [("inline", 0, 999, "x", None)]),  # dropped parts
    ]
    batch = [
        _source_with(text, claims, "/corpus/a.txt"),
        _source_with("Djilas " + text, [_claim(0, 10, "Djilas " + text)], "/corpus/b.txt"),
    ]
    with Store(tmp_path / "kb.db") as lite, PostgresStore(pg_url) as pg:
        for store in (lite, pg):
            caplog.clear()
            with caplog.at_level(logging.WARNING, logger="historiograph.store.claims"):
                assert store.save_sources(batch) == ["added", "added"]
            skipped = sorted(r.getMessage().split(" (")[0] for r in caplog.records)
            assert [s.split(": ")[1] for s in skipped] == [
                f"claim at {where} not stored" for where in ("0-5", "0-6", "0-7", "10-118")
            ]
        expected, found = digests(lite), digests(pg)
        claim_tables = ("claims", "claim_chain", "claim_subjects", "claim_citations")
        # A claim taken back keeps its id on PostgreSQL (an identity never goes back),
        # where SQLite gives it to the next claim: the claims agree up to their numbering.
        assert {t: d for t, d in found.items() if t not in claim_tables} == {
            t: d for t, d in expected.items() if t not in claim_tables
        }
        assert _claims_numbered_in_order(pg.conn) == _claims_numbered_in_order(lite.conn)
        stored = pg.conn.execute('SELECT start, "end" FROM claims ORDER BY id').fetchall()
        assert stored == [(0, len(text) - 1), (0, 5), (0, 10)]
        chains = pg.conn.execute("SELECT DISTINCT claim_id FROM claim_chain").fetchall()
        assert len(chains) == 3  # no link of a claim that was taken back
        subjects = pg.conn.execute("SELECT count(*) FROM claim_subjects").fetchone()
        assert subjects is not None and subjects[0] == 3  # the repeated mention stored once


def _claims_numbered_in_order(conn: Any) -> dict[str, list[tuple[Any, ...]]]:
    """The claim tables' rows, each claim id replaced by its claim's rank in id order."""
    rank = {row[0]: n for n, row in enumerate(conn.execute("SELECT id FROM claims ORDER BY id"))}
    tables: dict[str, list[tuple[Any, ...]]] = {}
    for table in ("claims", "claim_chain", "claim_subjects", "claim_citations"):
        rows = conn.execute(select(table)).fetchall()  # the claim id first in each table
        tables[table] = sorted(((rank[row[0]], *row[1:]) for row in rows), key=repr)
    return tables


def test_a_failing_store_still_stops_the_batch(pg_url: str) -> None:
    """A database error that is no bad value (here: a table gone) is the store's failure."""
    text = "According to Djilas, the Partisans reached the river in March 1943.\n"
    with PostgresStore(pg_url) as pg:
        pg.conn.execute("DROP TABLE claim_citations")
        with pytest.raises(StoreError, match="nothing changed"):
            pg.save_sources([_source_with(text, [_claim(0, 10, text)], "/corpus/a.txt")])
        assert pg.counts()["sources"] == 0


# -- the CLI ------------------------------------------------------------------------------


def test_ingest_with_nlp_on_postgresql_derives_what_it_derives_on_sqlite(
    cli: Any, sample_db: Path, pg_url: str
) -> None:
    """The command, steps after the extraction included (resolution, relations, geocoding,
    comparison): every table holds what the session's SQLite sample base holds."""
    result = cli("ingest", str(SAMPLE_FILES[0].parent), "--db", pg_url)
    assert result.code == 0 and "4 added" in result.out, result.err
    assert result.err == ""
    with Store(sample_db, create=False) as lite, PostgresStore(pg_url, create=False) as pg:
        expected = digests(lite)
        assert different(expected, digests(pg)) == []
        for table in ("entity_links", "relations", "claim_groups", "resolve_units"):
            assert expected[table].rows > 0, f"the sample fills {table}"
    again = cli("ingest", str(SAMPLE_FILES[0].parent), "--db", pg_url)
    assert again.code == 0 and "4 unchanged" in again.out and again.err == ""
