"""Resolution over the whole knowledge base: regroup mentions into entities, apply overrides.

Runs after each ingest that changed something, and on demand. Users' overrides
(merge, split, rename) are kept apart from the automatic result and applied
after it, so they survive re-ingest and re-resolution. Overrides name
mentions by ``[source id, start, end]``, which stays true as long as the
source's content does.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from historiograph.errors import HistoriographError
from historiograph.nlp.names import name_key
from historiograph.resolve.resolver import Cluster, Link, NameMention, canonical_name, resolve
from historiograph.store.database import Store

MentionRef = tuple[str, int, int]


@dataclass(frozen=True, slots=True)
class ResolutionSummary:
    mentions: int
    entities: int
    merges: int
    overrides: int


def _load_mentions(conn: sqlite3.Connection) -> list[NameMention]:
    rows = conn.execute('SELECT id, source_id, text, type, start, "end", attrs FROM mentions')
    result = []
    for row in rows:
        attrs = json.loads(row["attrs"])
        result.append(
            NameMention(
                id=row["id"],
                source=row["source_id"],
                text=str(attrs.get("clean", row["text"])),
                type=row["type"],
                start=row["start"],
                end=row["end"],
                expansion=attrs.get("expansion"),
            )
        )
    return result


def resolve_entities(store: Store) -> ResolutionSummary:
    """Recompute every entity from all mentions, then apply the stored overrides."""
    conn = store.conn
    mentions = _load_mentions(conn)
    clusters = resolve(mentions, texts=lambda source: _original(conn, source))
    overrides = conn.execute("SELECT action, args FROM entity_overrides ORDER BY id").fetchall()
    by_id = {m.id: m for m in mentions}
    clusters = _apply_overrides(clusters, overrides, by_id)
    previous = dict(conn.execute("SELECT id, entity_id FROM mentions").fetchall())
    with store.transaction():
        conn.execute("PRAGMA defer_foreign_keys = ON")
        conn.execute("DELETE FROM entity_links")
        conn.execute("DELETE FROM entities")
        used: set[int] = set()
        merges = 0
        for cluster in sorted(clusters, key=lambda c: min(c.mentions)):
            entity_id = _stable_id(cluster, previous, used)
            used.add(entity_id)
            conn.execute(
                "INSERT INTO entities (id, key, type, name) VALUES (?, ?, ?, ?)",
                (entity_id, name_key(cluster.name), cluster.type, cluster.name),
            )
            conn.executemany(
                "UPDATE mentions SET entity_id = ? WHERE id = ?",
                [(entity_id, m) for m in cluster.mentions],
            )
            conn.executemany(
                "INSERT INTO entity_links (entity_id, mention_a, mention_b, rule, score,"
                ' source_id, start, "end") VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
                [_link_row(entity_id, link) for link in cluster.links],
            )
            merges += len(cluster.links)
        refresh_entity_summaries(conn)
    return ResolutionSummary(len(mentions), len(clusters), merges, len(overrides))


def refresh_entity_summaries(conn: sqlite3.Connection) -> None:
    """Rebuild the per-entity summaries (names, merge evidence, events) from the mentions.

    One pass over all mentions when entities change, instead of one per page view of a
    much-mentioned entity.
    """
    conn.execute("DELETE FROM entity_aliases")
    conn.execute(
        "INSERT INTO entity_aliases (entity_id, text, mentions)"
        " SELECT entity_id, text, count(*) FROM mentions GROUP BY entity_id, text"
    )
    conn.execute("DELETE FROM entity_merges")
    # One row per rule and pair of spellings (the best-scored link's evidence): a merge of
    # two identical spellings tells a reviewer nothing.
    conn.execute(
        "INSERT INTO entity_merges"
        ' (entity_id, rule, score, name_a, name_b, source_id, start, "end")'
        ' SELECT l.entity_id, l.rule, max(l.score), a.text, b.text, l.source_id, l.start, l."end"'
        " FROM entity_links AS l JOIN mentions AS a ON a.id = l.mention_a"
        " JOIN mentions AS b ON b.id = l.mention_b WHERE a.text != b.text"
        " GROUP BY l.entity_id, l.rule, a.text, b.text"
    )
    conn.execute("DELETE FROM entity_events")
    conn.execute(
        "INSERT OR IGNORE INTO entity_events"
        " (entity_id, event_id, earliest, latest, source_id, start)"
        " SELECT m.entity_id, e.id, e.earliest, e.latest, e.source_id, e.start"
        " FROM event_mentions AS em JOIN mentions AS m ON m.id = em.mention_id"
        " JOIN events AS e ON e.id = em.event_id"
    )


def _original(conn: sqlite3.Connection, source: str) -> str | None:
    row = conn.execute("SELECT original FROM sources WHERE id = ?", (source,)).fetchone()
    return None if row is None else str(row[0])


def _stable_id(cluster: Cluster, previous: dict[int, int], used: set[int]) -> int:
    """Keep the id most of the cluster's mentions had, so links to entities stay valid."""
    for entity_id, _ in Counter(previous[m] for m in cluster.mentions).most_common():
        if entity_id not in used:
            return int(entity_id)
    return max([*used, *previous.values(), 0]) + 1


def _link_row(entity_id: int, link: Link) -> tuple[Any, ...]:
    source, start, end = link.evidence if link.evidence else (None, None, None)
    return (entity_id, link.a, link.b, link.rule, link.score, source, start, end)


def _apply_overrides(
    clusters: list[Cluster], overrides: list[sqlite3.Row], mentions: dict[int, NameMention]
) -> list[Cluster]:
    by_ref = {(m.source, m.start, m.end): m.id for m in mentions.values()}
    home = {m: i for i, c in enumerate(clusters) for m in c.mentions}
    renamed: set[int] = set()
    for row in overrides:
        args = json.loads(row["args"])
        refs = [by_ref.get(tuple(ref)) for ref in args.get("mentions", [])]
        if any(ref is None for ref in refs):
            continue  # the source changed since: the override no longer applies
        ids = [r for r in refs if r is not None]
        if row["action"] == "merge" and len(ids) >= 2:
            target = clusters[home[ids[0]]]
            for other in {home[i] for i in ids[1:]} - {home[ids[0]]}:
                moved = clusters[other].mentions
                target.mentions.extend(moved)
                target.links.append(Link(ids[0], moved[0], "override", 1.0))
                clusters[other].mentions = []
                for m in moved:
                    home[m] = home[ids[0]]
        elif row["action"] == "split" and ids:
            source = clusters[home[ids[0]]]
            source.mentions = [m for m in source.mentions if m not in ids]
            names = [mentions[i].text for i in ids]
            clusters.append(Cluster(source.type, canonical_name(names), list(ids), []))
            for m in ids:
                home[m] = len(clusters) - 1
        elif row["action"] == "rename" and ids:
            clusters[home[ids[0]]].name = str(args["name"])
            renamed.add(home[ids[0]])
    for index, cluster in enumerate(clusters):
        if cluster.mentions and index not in renamed:
            cluster.name = canonical_name([mentions[i].text for i in cluster.mentions])
    return [c for c in clusters if c.mentions]


def add_override(store: Store, action: str, args: dict[str, Any]) -> None:
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO entity_overrides (action, args, created_at) VALUES (?, ?, ?)",
            (action, json.dumps(args, ensure_ascii=False), datetime.now(UTC).isoformat()),
        )


def find_entities(
    store: Store, *, name: str | None = None, kind: str | None = None
) -> list[dict[str, Any]]:
    """Entities with their mention counts, filtered by type and by a name or alias."""
    sql = (
        "SELECT e.id, e.type, e.name, count(m.id) AS mentions, e.latitude, e.longitude,"
        " e.geo_confidence FROM entities AS e"
        " JOIN mentions AS m ON m.entity_id = e.id WHERE 1"
    )
    params: list[Any] = []
    if kind:
        sql += " AND e.type = ?"
        params.append(kind)
    if name:
        key = name_key(name)
        sql += (
            " AND e.id IN (SELECT entity_id FROM mentions WHERE text = ? UNION"
            " SELECT id FROM entities WHERE key = ? OR key LIKE ?)"
        )
        params.extend([name, key, f"%{key}%"])
    sql += " GROUP BY e.id ORDER BY mentions DESC, e.name"
    return [dict(row) for row in store.conn.execute(sql, params)]


def entity_detail(store: Store, entity_id: int) -> dict[str, Any]:
    """An entity's names, mentions in context, merge evidence and events."""
    conn = store.conn
    row = conn.execute(
        "SELECT id, type, name, latitude, longitude, geo_confidence, geo_reason FROM entities"
        " WHERE id = ?",
        (entity_id,),
    ).fetchone()
    if row is None:
        raise HistoriographError(f"no entity with id {entity_id}")
    mentions = conn.execute(
        'SELECT m.id, m.source_id, m.start, m."end", m.text,'
        ' substr(s.original, max(1, m.start - 59), m."end" - m.start + 120) AS context,'
        " max(0, m.start - 60) AS context_start"
        " FROM mentions AS m JOIN sources AS s ON s.id = m.source_id"
        " WHERE m.entity_id = ? ORDER BY m.source_id, m.start",
        (entity_id,),
    ).fetchall()
    aliases: dict[str, int] = defaultdict(int)
    for m in mentions:
        aliases[m["text"]] += 1
    links = conn.execute(
        'SELECT mention_a, mention_b, rule, score, source_id, start, "end" FROM entity_links'
        " WHERE entity_id = ?",
        (entity_id,),
    ).fetchall()
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
            for r in conn.execute(
                "SELECT r.type, r.weight, e.id AS other, e.name AS other_name FROM relations AS r"
                " JOIN entities AS e"
                " ON e.id = CASE WHEN r.source = ? THEN r.target ELSE r.source END"
                " WHERE r.source = ? OR r.target = ? ORDER BY r.weight DESC LIMIT 50",
                (entity_id, entity_id, entity_id),
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


def mention_ref(store: Store, mention_id: int) -> MentionRef:
    row = store.conn.execute(
        'SELECT source_id, start, "end" FROM mentions WHERE id = ?', (mention_id,)
    ).fetchone()
    if row is None:
        raise HistoriographError(f"no mention with id {mention_id}")
    return (row[0], row[1], row[2])


def entity_ref(store: Store, entity_id: int) -> MentionRef:
    """A mention that stands for an entity in an override (its first one)."""
    row = store.conn.execute(
        'SELECT source_id, start, "end" FROM mentions WHERE entity_id = ? ORDER BY id LIMIT 1',
        (entity_id,),
    ).fetchone()
    if row is None:
        raise HistoriographError(f"no entity with id {entity_id}")
    return (row[0], row[1], row[2])


def compute_relations(store: Store) -> int:
    """Rebuild the relations table from every source's mentions; return how many."""
    from historiograph.resolve.relations import (
        Placed,
        Relation,
        part_of_relations,
        relations_of_source,
    )

    conn = store.conn
    found: dict[tuple[int, int, str], Relation] = {}
    for (source_id,) in conn.execute("SELECT id FROM sources").fetchall():
        mentions = [
            Placed(row[0], row[1], row[2], row[3])
            for row in conn.execute(
                'SELECT entity_id, type, start, "end" FROM mentions WHERE source_id = ?',
                (source_id,),
            )
        ]
        if len(mentions) < 2:
            continue
        paragraphs = [
            (row[0], row[1])
            for row in conn.execute(
                'SELECT start, "end" FROM spans WHERE source_id = ? AND kind IN'
                " ('paragraph', 'footnote', 'bibliography_item', 'postscript') ORDER BY start",
                (source_id,),
            )
        ]
        relations_of_source(source_id, store.original_text(source_id), paragraphs, mentions, found)
    names: dict[int, tuple[str, str]] = {}
    keys: dict[str, list[int]] = defaultdict(list)
    for row in conn.execute("SELECT id, key, type FROM entities"):
        names[row["id"]] = (row["key"], row["type"])
        keys[row["key"]].append(row["id"])
    first_mentions = {
        row[0]: (row[1], row[2], row[3])
        for row in conn.execute(
            # With min() in the select list, SQLite takes the bare columns from that row.
            'SELECT entity_id, source_id, start, "end", min(id) FROM mentions GROUP BY entity_id'
        )
    }
    part_of_relations(names, keys, first_mentions, found)
    with store.transaction():
        conn.execute("DELETE FROM relation_evidence")
        conn.execute("DELETE FROM relations")
        for relation in found.values():
            cursor = conn.execute(
                "INSERT INTO relations (source, target, type, weight) VALUES (?, ?, ?, ?)",
                (relation.source, relation.target, relation.type, relation.weight),
            )
            conn.executemany(
                'INSERT INTO relation_evidence (relation_id, source_id, start, "end")'
                " VALUES (?, ?, ?, ?)",
                [(cursor.lastrowid, *evidence) for evidence in relation.evidence],
            )
    return len(found)


def iter_relations(store: Store) -> Iterator[dict[str, Any]]:
    """Relations in the JSON contract's shape, strongest first."""
    conn = store.conn
    for row in conn.execute(
        "SELECT id, source, target, type, weight FROM relations ORDER BY weight DESC, id"
    ).fetchall():
        evidence = [
            {
                "source": e[0],
                "start": e[1],
                "end": e[2],
                "text": store.original_text(e[0])[e[1] : e[2]],
            }
            for e in conn.execute(
                'SELECT source_id, start, "end" FROM relation_evidence WHERE relation_id = ?',
                (row["id"],),
            )
        ]
        yield {
            "source": row["source"],
            "target": row["target"],
            "type": row["type"],
            "weight": row["weight"],
            "evidence": evidence,
        }


def geocode_places(store: Store) -> tuple[int, int]:
    """Give place entities coordinates; return (resolved, unresolved).

    Each document's places are resolved together, so the region that document
    is about decides between same-named places ("Peza" beside Tirana and
    Elbasan); a place named in several documents takes the answer of the
    document that names it most. Nothing is guessed below the geocoder's own
    threshold.
    """
    from historiograph.places.geocode import Geocode, default_geocoder

    conn = store.conn
    geocoder = default_geocoder()
    rows = conn.execute(
        "SELECT m.source_id, e.id, e.name, count(*) AS n FROM mentions AS m"
        " JOIN entities AS e ON e.id = m.entity_id WHERE e.type = 'place'"
        " GROUP BY m.source_id, e.id"
    ).fetchall()
    by_source: dict[str, list[tuple[int, str, int]]] = defaultdict(list)
    for row in rows:
        by_source[row["source_id"]].append((row["id"], row["name"], row["n"]))
    best: dict[int, tuple[int, Geocode | None]] = {}
    for places in by_source.values():
        found = geocoder.geocode_all([name for _, name, _ in places])
        for entity_id, name, count in places:
            hit = found.get(name)
            current = best.get(entity_id)
            if current is None or (hit is not None and (current[1] is None or count > current[0])):
                best[entity_id] = (count, hit)
    resolved = 0
    with store.transaction():
        for entity_id, (_, hit) in best.items():
            if hit is None:
                conn.execute(
                    "UPDATE entities SET latitude = NULL, longitude = NULL, geo_confidence = NULL,"
                    " geo_reason = 'not in the offline gazetteer' WHERE id = ?",
                    (entity_id,),
                )
                continue
            resolved += 1
            conn.execute(
                "UPDATE entities SET latitude = ?, longitude = ?, geo_confidence = ?,"
                " geo_reason = ? WHERE id = ?",
                (hit.latitude, hit.longitude, round(hit.confidence, 3), hit.reason, entity_id),
            )
    return resolved, len(best) - resolved
