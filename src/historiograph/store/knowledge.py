"""Writing and reading what the NLP stage found: entities, mentions, dates, events."""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from historiograph.errors import HistoriographError
from historiograph.model import Extraction
from historiograph.nlp.names import name_key
from historiograph.store.claims import delete_claims, save_claims
from historiograph.store.dialect import SqlConnection, span_level, sql_connection
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


# --- reading ----------------------------------------------------------------------------------
# One SQL text for both stores, run through store/dialect.py (``conn``: either store's
# connection). Every ORDER BY is total (ties broken by an id, in the order SQLite's indexes
# gave them before), and text sorts and compares in byte order, so both stores list the same
# rows in the same order whatever the PostgreSQL database's locale.


def iter_entities(conn: AnyConnection) -> Iterator[dict[str, Any]]:
    """Entities with their aliases and mentions, in the JSON contract's shape."""
    db = sql_connection(conn)
    entities = db.query(
        "SELECT id, type, name, latitude, longitude, geo_confidence FROM entities"
        " ORDER BY type COLLATE BINARY, key COLLATE BINARY, id"
    )
    for entity in entities.fetchall():
        mentions = db.query(
            'SELECT id, source_id, start, "end", text FROM mentions WHERE entity_id = ?'
            " ORDER BY source_id COLLATE BINARY, start, id",
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
                for link in _entity_links(db, entity["id"], "rule, score, mention_a, mention_b")
                # A merge of two identical spellings says nothing a reviewer needs.
                if spans.get(link["mention_a"], {}).get("text")
                != spans.get(link["mention_b"], {}).get("text")
            ],
        }


def _entity_links(db: SqlConnection, entity_id: int, columns: str) -> list[Any]:
    """An entity's merge links in the order the resolver wrote them (their ids: SQLite's
    rowids before migration 15 made them a column both stores fill)."""
    return db.query(
        f"SELECT {columns} FROM entity_links WHERE entity_id = ? ORDER BY id", (entity_id,)
    ).fetchall()


def find_entities(
    conn: AnyConnection, *, name: str | None = None, kind: str | None = None
) -> list[dict[str, Any]]:
    """Entities with their mention counts, filtered by type and by a name or alias.

    The ``entities`` and ``entity`` commands' reader, on either store; what
    ``store/resolution.py: find_entities`` returns for a SQLite store (a test keeps the two
    equal).
    """
    db = sql_connection(conn)
    sql = (
        "SELECT e.id, e.type, e.name, count(m.id) AS mentions, e.latitude, e.longitude,"
        " e.geo_confidence FROM entities AS e"
        " JOIN mentions AS m ON m.entity_id = e.id WHERE 1 = 1"
    )
    params: list[Any] = []
    if kind:
        sql += " AND e.type = ?"
        params.append(kind)
    if name:
        key = name_key(name)
        sql += (
            " AND e.id IN (SELECT entity_id FROM mentions WHERE text = ? UNION"
            f" SELECT id FROM entities WHERE key = ? OR {db.like('key')})"
        )
        params.extend([name, key, f"%{key}%"])
    # GROUP BY e.id alone: the other columns depend on the key (PostgreSQL checks that).
    sql += " GROUP BY e.id ORDER BY mentions DESC, e.name COLLATE BINARY, e.id"
    return [dict(row) for row in db.query(sql, params)]


def entity_detail(conn: AnyConnection, entity_id: int) -> dict[str, Any]:
    """An entity's names, mentions in context, merge evidence and relations, on either store.

    What ``store/resolution.py: entity_detail`` returns for a SQLite store (a test keeps the
    two equal).
    """
    db = sql_connection(conn)
    row = db.query(
        "SELECT id, type, name, latitude, longitude, geo_confidence, geo_reason FROM entities"
        " WHERE id = ?",
        (entity_id,),
    ).fetchone()
    if row is None:
        raise HistoriographError(f"no entity with id {entity_id}")
    # 60 characters of context either side: substr counts from 1, and a mention near the
    # start of its source gets its context from the first character (CASE, not SQLite's
    # max() scalar, which PostgreSQL spells greatest()). CAST: PostgreSQL's substr takes
    # integers, not the BIGINT offsets.
    mentions = db.query(
        'SELECT m.id, m.source_id, m.start, m."end", m.text,'
        " substr(s.original, CAST(CASE WHEN m.start > 59 THEN m.start - 59 ELSE 1 END"
        ' AS INTEGER), CAST(m."end" - m.start + 120 AS INTEGER)) AS context,'
        " CASE WHEN m.start > 60 THEN m.start - 60 ELSE 0 END AS context_start"
        " FROM mentions AS m JOIN sources AS s ON s.id = m.source_id"
        " WHERE m.entity_id = ? ORDER BY m.source_id COLLATE BINARY, m.start, m.id",
        (entity_id,),
    ).fetchall()
    aliases: dict[str, int] = defaultdict(int)
    for m in mentions:
        aliases[m["text"]] += 1
    links = _entity_links(
        db, entity_id, 'mention_a, mention_b, rule, score, source_id, start, "end"'
    )
    texts = {m["id"]: m["text"] for m in mentions}
    return {
        "id": row["id"],
        "type": row["type"],
        "name": row["name"],
        "aliases": dict(sorted(aliases.items(), key=lambda kv: -kv[1])),
        "coordinates": (
            [row["latitude"], row["longitude"]] if row["latitude"] is not None else None
        ),
        "geocoding": (
            {"confidence": row["geo_confidence"], "reason": row["geo_reason"]}
            if row["type"] == "place"
            else None
        ),
        "relations": [
            dict(r)
            for r in db.query(
                "SELECT r.type, r.weight, e.id AS other, e.name AS other_name FROM relations AS r"
                " JOIN entities AS e"
                " ON e.id = CASE WHEN r.source = ? THEN r.target ELSE r.source END"
                " WHERE r.source = ? OR r.target = ?"
                # Ties as SQLite listed them before the order was spelled out: the
                # relations from the entity first, then those to it, each by id.
                " ORDER BY r.weight DESC, CASE WHEN r.source = ? THEN 0 ELSE 1 END, r.id"
                " LIMIT 50",
                (entity_id, entity_id, entity_id, entity_id),
            )
        ],
        "mentions": [dict(m) for m in mentions],
        "merges": [
            {
                "rule": link["rule"],
                "score": link["score"],
                "between": [texts.get(link["mention_a"]), texts.get(link["mention_b"])],
                "evidence": (
                    [link["source_id"], link["start"], link["end"]] if link["source_id"] else None
                ),
            }
            for link in links
        ],
    }


def query_events(
    conn: AnyConnection,
    *,
    earliest: str | None = None,
    latest: str | None = None,
    entity: str | None = None,
    source: str | None = None,
    entity_id: int | None = None,
) -> list[EventRow]:
    """Events in chronological order (uncertain dates by their earliest bound), on either
    store."""
    db = sql_connection(conn)
    # CAST: PostgreSQL's substr takes integers, not the BIGINT offsets.
    sql = [
        'SELECT e.id, e.source_id, e.edtf, e.earliest, e.latest, e.label, e.start, e."end",'
        ' substr(s.original, CAST(e.start + 1 AS INTEGER), CAST(e."end" - e.start AS INTEGER))'
        " AS text FROM events AS e JOIN sources AS s ON s.id = e.source_id WHERE 1 = 1"
    ]
    params: list[Any] = []
    # The bounds are ISO days compared as text, so in byte order on both stores.
    if earliest:
        sql.append("AND e.latest COLLATE BINARY >= ?")
        params.append(earliest)
    if latest:
        sql.append("AND e.earliest COLLATE BINARY <= ?")
        params.append(latest)
    if source:
        sql.append(f"AND (e.source_id = ? OR {db.like('e.source_id')})")
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
    sql.append(
        "ORDER BY e.earliest COLLATE BINARY, e.latest COLLATE BINARY,"
        " e.source_id COLLATE BINARY, e.start, e.id"
    )
    rows = db.query(" ".join(sql), params).fetchall()
    # Neither row type is a dict: keys() is the way to its column names.
    events = [EventRow(**{key: row[key] for key in row.keys()}) for row in rows]  # noqa: SIM118
    for event in events:
        for role, entity_id in db.query(
            "SELECT em.role, m.entity_id FROM event_mentions AS em"
            " JOIN mentions AS m ON m.id = em.mention_id WHERE em.event_id = ?"
            " ORDER BY m.start, em.mention_id, em.role COLLATE BINARY",
            (event.id,),
        ):
            (event.participants if role == "participant" else event.places).append(entity_id)
    return events


def source_dates(conn: AnyConnection, source_id: str) -> list[dict[str, Any]]:
    """A source's temporal expressions with their EDTF values, in text order."""
    rows = sql_connection(conn).query(
        'SELECT start, "end", text, edtf FROM dates WHERE source_id = ? ORDER BY start, id',
        (source_id,),
    )
    return [dict(zip(("start", "end", "text", "edtf"), row, strict=True)) for row in rows]
