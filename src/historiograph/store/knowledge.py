"""Writing and reading what the NLP stage found: entities, mentions, dates, events."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from historiograph.model import Extraction
from historiograph.nlp.names import name_key
from historiograph.store.claims import delete_claims, save_claims
from historiograph.store.dialect import span_level, sql_connection
from historiograph.store.profiles import save_profiles

if TYPE_CHECKING:
    from historiograph.store.dialect import AnyConnection

_EVENT_COLUMNS = 'source_id, date_id, edtf, earliest, latest, label, start, "end"'


def save_extraction(conn: AnyConnection, source_id: str, extraction: Extraction) -> None:
    """Insert one source's mentions, dates, events and claims (inside the caller's transaction).

    ``conn``: the SQLite store's connection or the PostgreSQL store's (store/dialect.py).
    """
    db = sql_connection(conn)
    mention_ids: list[int] = []
    for mention in extraction.mentions:
        name = str(mention.attrs.get("clean", mention.text))
        key = name_key(name)
        # A provisional entity per name and type; resolution regroups them.
        row = db.execute(
            "SELECT id FROM entities WHERE key = ? AND type = ? ORDER BY id LIMIT 1",
            (key, mention.type),
        ).fetchone()
        if row is None:
            entity_id = db.insert_id(
                "INSERT INTO entities (key, type, name) VALUES (?, ?, ?)",
                (key, mention.type, " ".join(name.split())),
            )
        else:
            entity_id = int(row[0])
        mention_id = db.insert_id(
            'INSERT INTO mentions (source_id, entity_id, start, "end", text, type, attrs)'
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                source_id,
                entity_id,
                mention.start,
                mention.end,
                mention.text,
                mention.type,
                json.dumps(mention.attrs, ensure_ascii=False),
            ),
        )
        mention_ids.append(mention_id)
    date_ids: list[int] = []
    for date in extraction.dates:
        date_id = db.insert_id(
            'INSERT INTO dates (source_id, start, "end", text, edtf, earliest, latest, anchored)'
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                source_id,
                date.start,
                date.end,
                date.text,
                date.edtf,
                date.earliest,
                date.latest,
                int(date.anchored),
            ),
        )
        date_ids.append(date_id)
    for event in extraction.events:
        values = (
            source_id,
            date_ids[event.date],
            event.edtf,
            event.earliest,
            event.latest,
            event.label,
            event.start,
            event.end,
        )
        if db.postgres:
            # SQLite's trigger derives span_level; PostgreSQL has none (store/dialect.py).
            event_id = db.insert_id(
                f"INSERT INTO events ({_EVENT_COLUMNS}, span_level)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*values, span_level(event.earliest, event.latest)),
            )
        else:
            event_id = db.insert_id(
                f"INSERT INTO events ({_EVENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", values
            )
        db.executemany(
            "INSERT OR IGNORE INTO event_mentions (event_id, mention_id, role) VALUES (?, ?, ?)",
            [(event_id, mention_ids[i], "participant") for i in event.participants]
            + [(event_id, mention_ids[i], "place") for i in event.places],
        )
    if extraction.claims is not None:
        save_claims(db, source_id, extraction.claims, mention_ids)
    save_profiles(db, source_id, extraction.profiles)


def delete_extraction(conn: sqlite3.Connection, source_id: str) -> None:
    """Remove a source's NLP results, and entities no source mentions any more."""
    delete_claims(conn, source_id)  # first: claims reference the mentions deleted below
    conn.execute("DELETE FROM profiles WHERE source_id = ?", (source_id,))
    conn.execute(
        "DELETE FROM event_mentions WHERE event_id IN (SELECT id FROM events WHERE source_id = ?)",
        (source_id,),
    )
    conn.execute("DELETE FROM events WHERE source_id = ?", (source_id,))
    conn.execute("DELETE FROM dates WHERE source_id = ?", (source_id,))
    conn.execute("DELETE FROM mentions WHERE source_id = ?", (source_id,))
    conn.execute(
        "DELETE FROM entities WHERE NOT EXISTS"
        " (SELECT 1 FROM mentions WHERE mentions.entity_id = entities.id)"
    )


@dataclass(slots=True)
class EventRow:
    """An event as the timeline and the exports show it."""

    id: int
    source_id: str
    edtf: str
    earliest: str
    latest: str
    label: str
    start: int
    end: int
    text: str
    participants: list[int] = field(default_factory=list)  # entity ids
    places: list[int] = field(default_factory=list)


def iter_entities(conn: sqlite3.Connection) -> Iterator[dict[str, Any]]:
    """Entities with their aliases and mentions, in the JSON contract's shape."""
    entities = conn.execute(
        "SELECT id, type, name, latitude, longitude, geo_confidence FROM entities"
        " ORDER BY type, key, id"
    )
    for entity in entities.fetchall():
        mentions = conn.execute(
            'SELECT id, source_id, start, "end", text FROM mentions WHERE entity_id = ?'
            " ORDER BY source_id, start",
            (entity["id"],),
        ).fetchall()
        aliases = sorted({m["text"] for m in mentions} - {entity["name"]})
        spans = {
            m["id"]: {
                "source": m["source_id"],
                "start": m["start"],
                "end": m["end"],
                "text": m["text"],
            }
            for m in mentions
        }
        yield {
            "id": entity["id"],
            "type": entity["type"],
            "name": entity["name"],
            "aliases": aliases,
            "coordinates": (
                [entity["latitude"], entity["longitude"]]
                if entity["latitude"] is not None
                else None
            ),
            "coordinates_confidence": entity["geo_confidence"],
            "mentions": list(spans.values()),
            "merges": [
                {
                    "rule": link["rule"],
                    "score": link["score"],
                    "mentions": [spans.get(link["mention_a"]), spans.get(link["mention_b"])],
                }
                for link in conn.execute(
                    "SELECT rule, score, mention_a, mention_b FROM entity_links"
                    " WHERE entity_id = ?",
                    (entity["id"],),
                )
                # A merge of two identical spellings says nothing a reviewer needs.
                if spans.get(link["mention_a"], {}).get("text")
                != spans.get(link["mention_b"], {}).get("text")
            ],
        }


def query_events(
    conn: sqlite3.Connection,
    *,
    earliest: str | None = None,
    latest: str | None = None,
    entity: str | None = None,
    source: str | None = None,
    entity_id: int | None = None,
) -> list[EventRow]:
    """Events in chronological order (uncertain dates by their earliest bound)."""
    sql = [
        'SELECT e.id, e.source_id, e.edtf, e.earliest, e.latest, e.label, e.start, e."end",'
        ' substr(s.original, e.start + 1, e."end" - e.start) AS text'
        " FROM events AS e JOIN sources AS s ON s.id = e.source_id WHERE 1"
    ]
    params: list[Any] = []
    if earliest:
        sql.append("AND e.latest >= ?")
        params.append(earliest)
    if latest:
        sql.append("AND e.earliest <= ?")
        params.append(latest)
    if source:
        sql.append("AND (e.source_id = ? OR e.source_id LIKE ?)")
        params.extend([source, source + "%"])
    if entity_id is not None:
        sql.append(
            "AND e.id IN (SELECT em.event_id FROM event_mentions AS em"
            " JOIN mentions AS m ON m.id = em.mention_id WHERE m.entity_id = ?)"
        )
        params.append(entity_id)
    if entity:
        sql.append(
            # Any name of the entity finds all its events ("Tito" those of "Josip Broz Tito").
            "AND e.id IN (SELECT em.event_id FROM event_mentions AS em"
            " JOIN mentions AS m ON m.id = em.mention_id WHERE m.entity_id IN"
            " (SELECT id FROM entities WHERE key = ? UNION SELECT entity_id FROM mentions"
            " WHERE text = ?))"
        )
        params.extend([name_key(entity), entity])
    sql.append("ORDER BY e.earliest, e.latest, e.source_id, e.start")
    rows = conn.execute(" ".join(sql), params).fetchall()
    # sqlite3.Row is no dict: its keys() is the way to its column names.
    events = [EventRow(**{key: row[key] for key in row.keys()}) for row in rows]  # noqa: SIM118
    for event in events:
        for role, entity_id in conn.execute(
            "SELECT em.role, m.entity_id FROM event_mentions AS em"
            " JOIN mentions AS m ON m.id = em.mention_id WHERE em.event_id = ? ORDER BY m.start",
            (event.id,),
        ):
            (event.participants if role == "participant" else event.places).append(entity_id)
    return events


def source_dates(conn: sqlite3.Connection, source_id: str) -> list[dict[str, Any]]:
    """A source's temporal expressions with their EDTF values, in text order."""
    rows = conn.execute(
        'SELECT start, "end", text, edtf FROM dates WHERE source_id = ? ORDER BY start',
        (source_id,),
    )
    return [dict(zip(("start", "end", "text", "edtf"), row, strict=True)) for row in rows]
