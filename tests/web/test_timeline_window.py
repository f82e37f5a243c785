"""The timeline's date window read through span levels (migration 13) gives exactly the
events a plain overlap test gives, in the same order, however long each event lasts."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from historiograph.ingest.pipeline import parse_text
from historiograph.store.database import Store
from historiograph.store.migrations import EVENT_SPAN_LEVELS, SCHEMA_VERSION
from historiograph.web.queries import EventFilters, _bound, list_events
from support import base_at_version

# Spans in days around every level's edge, and beyond the last bounded one.
SPANS = [0, 1, 30, 31, 32, 200, 366, 367, 1000, 1096, 1097, 3653, 3654, 20000]


def _events(conn: sqlite3.Connection, source_id: str, rng: random.Random) -> None:
    day0 = date(1900, 1, 1)
    for number in range(600):
        first = day0 + timedelta(days=rng.randrange(0, 60 * 365))
        last = first + timedelta(days=rng.choice(SPANS))
        conn.execute(
            'INSERT INTO dates (id, source_id, start, "end", text, edtf, earliest, latest)'
            " VALUES (?, ?, 0, 4, 'date', 'x', ?, ?)",
            (number + 1, source_id, first.isoformat(), last.isoformat()),
        )
        conn.execute(
            "INSERT INTO events (source_id, date_id, edtf, earliest, latest, label, start,"
            ' "end") VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
            (source_id, number + 1, "x", first.isoformat(), last.isoformat(), "e", number, number),
        )


def _brute(conn: sqlite3.Connection, start: str, end: str | None) -> list[int]:
    rows = conn.execute(
        "SELECT id, earliest, latest, source_id, start FROM events ORDER BY earliest, latest,"
        " source_id, start, id"
    ).fetchall()
    return [r[0] for r in rows if r[2] >= start and (end is None or r[1] <= end)]


@pytest.fixture
def timeline_store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "kb.db") as store:
        store.save_source(parse_text("A source for the events.\n", path="a.txt"))
        source_id = store.conn.execute("SELECT id FROM sources").fetchone()[0]
        with store.transaction() as conn:
            _events(conn, source_id, random.Random(1943))
        yield store


def test_span_levels_cover_the_edges() -> None:
    assert list(EVENT_SPAN_LEVELS) == sorted(EVENT_SPAN_LEVELS)
    assert all(span in SPANS for span in EVENT_SPAN_LEVELS)


@pytest.mark.parametrize(
    ("start", "end"),
    [("1930", "1930"), ("1943-09", "1944"), ("1955", None), ("1900", "1901"), ("1899", None),
     ("2100", None), ("1912-06-15", "1912-06-15")],
)  # fmt: skip
def test_window_matches_a_plain_overlap_test(
    timeline_store: Store, start: str, end: str | None
) -> None:
    conn = timeline_store.conn
    expected = _brute(conn, _bound(start, upper=False), end and _bound(end, upper=True))
    filters = EventFilters(start=start, end=end)
    got: list[int] = []
    for offset in range(0, len(expected) + 50, 50):
        page, total = list_events(conn, filters, limit=50, offset=offset)
        assert total == len(expected)
        got.extend(e.id for e in page)
    assert got == expected
    levels = {r[0] for r in conn.execute("SELECT DISTINCT span_level FROM events")}
    assert levels == {0, 1, 2, 3, 4}


def test_an_older_base_gets_its_span_levels(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = base_at_version(path, 12)
    conn.execute(
        "INSERT INTO sources (id, sha256, path, kind, size_bytes, char_count, ingested_at,"
        " original) VALUES ('0123456789abcdef', '0123456789abcdef00', 'old.txt', 'text', 4, 4,"
        " '2024-01-01T00:00:00+00:00', 'text')"
    )
    _events(conn, "0123456789abcdef", random.Random(1944))
    conn.close()
    with Store(path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION >= 13
        expected = _brute(store.conn, "1940-01-01", "1940-12-31")
        page, total = list_events(
            store.conn, EventFilters(start="1940", end="1940"), limit=500, offset=0
        )
        assert total == len(expected) and [e.id for e in page] == expected
        # Rows written after the migration are levelled by its trigger, edits too.
        store.conn.execute("UPDATE events SET latest = earliest WHERE id = 1")
        assert store.conn.execute("SELECT span_level FROM events WHERE id = 1").fetchone()[0] == 0
