"""Source profiles in the store: one row per profiled document, its data as JSON."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from historiograph.store.dialect import sql_connection

if TYPE_CHECKING:
    from historiograph.store.dialect import AnyConnection


def save_profiles(conn: AnyConnection, source_id: str, profiles: list[dict[str, Any]]) -> None:
    """Store a source's profiles (host first, then its embedded documents), on either store."""
    sql_connection(conn).executemany(
        'INSERT INTO profiles (source_id, position, kind, start, "end", genre, data)'
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (
                source_id,
                position,
                str(profile.get("kind", "source")),
                int(profile.get("start", 0)),
                int(profile.get("end", 0)),
                str(profile.get("genre", "other")),
                json.dumps(profile, ensure_ascii=False, default=str),
            )
            for position, profile in enumerate(profiles)
        ],
    )


def source_profiles(conn: AnyConnection, source_id: str) -> list[dict[str, Any]]:
    """A source's profiles, host first; empty when it was ingested without NLP. ``conn``:
    either store's connection (store/dialect.py)."""
    rows = sql_connection(conn).query(
        "SELECT data FROM profiles WHERE source_id = ? ORDER BY position", (source_id,)
    )
    return [json.loads(row[0]) for row in rows]


def all_profiles(conn: AnyConnection) -> dict[str, list[dict[str, Any]]]:
    """Every source's profiles, by source id."""
    found: dict[str, list[dict[str, Any]]] = {}
    for source_id, data in sql_connection(conn).query(
        "SELECT source_id, data FROM profiles ORDER BY source_id COLLATE BINARY, position"
    ):
        found.setdefault(source_id, []).append(json.loads(data))
    return found
