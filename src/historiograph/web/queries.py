"""Paginated read queries for the workbench.

Every list is cut in SQL (``LIMIT``/``OFFSET``) and counted with ``count(*)``, and per-row
details (participants, counts) are fetched only for the rows of the page, so a page costs the
same on a knowledge base of four sources as on one of a hundred thousand.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from historiograph.nlp.edtf_bounds import edtf_bounds
from historiograph.nlp.names import name_key
from historiograph.store.migrations import EVENT_SPAN_LEVELS, OPEN_SPAN_LEVEL
from historiograph.web.schemas import (
    Alias,
    EntityDetail,
    EntityRef,
    EntitySummary,
    EventOut,
    Evidence,
    MentionContext,
    MergeOut,
    NetworkEdge,
    NetworkNode,
    PlaceOut,
    RelationOut,
    SourceSummary,
)

SOURCE_SORTS = ("title", "date", "size", "entities", "events")
ORDERS = ("asc", "desc")
# Sort keys are whitelisted: user input never reaches the SQL text, only these fragments do.
_SOURCE_ORDER = {
    "title": "(s.title IS NULL), s.title COLLATE NOCASE {order}, s.path {order}",
    "date": "(s.published IS NULL), s.published {order}",
    "size": "s.size_bytes {order}",
    "entities": "entities {order}",
    "events": "events {order}",
}
_SOURCE_SELECT = (
    "SELECT s.id, s.title, s.authors, s.published, s.language, s.metadata, s.kind, s.path,"
    " s.size_bytes, s.char_count,"
    " (SELECT count(DISTINCT m.entity_id) FROM mentions AS m WHERE m.source_id = s.id)"
    " AS entities,"
    " (SELECT count(*) FROM events AS e WHERE e.source_id = s.id) AS events"
    " FROM sources AS s"
)


class BadFilter(ValueError):
    """A filter value the user gave cannot be read (an EDTF bound that is not EDTF)."""


@dataclass(frozen=True, slots=True)
class EventFilters:
    entity: str | None = None  # an entity id, or a name or alias
    source: str | None = None  # a source id
    type: str | None = None  # an entity type some participant or place has
    start: str | None = None  # EDTF: events ending on or after its earliest day
    end: str | None = None  # EDTF: events starting on or before its latest day

    def query(self) -> dict[str, str]:
        """The filters as URL query parameters (empty ones left out)."""
        pairs = {
            "entity": self.entity,
            "source": self.source,
            "type": self.type,
            "from": self.start,
            "to": self.end,
        }
        return {k: v for k, v in pairs.items() if v}


def _summary(row: sqlite3.Row) -> SourceSummary:
    metadata = json.loads(row["metadata"] or "{}")
    genre = metadata.get("genre") if isinstance(metadata, dict) else None
    return SourceSummary(
        id=row["id"],
        title=row["title"],
        authors=[str(a) for a in json.loads(row["authors"] or "[]")],
        published=row["published"],
        language=row["language"],
        genre=str(genre) if genre else None,
        kind=row["kind"],
        path=row["path"],
        size_bytes=row["size_bytes"],
        char_count=row["char_count"],
        entities=row["entities"],
        events=row["events"],
    )


def count(conn: sqlite3.Connection, sql: str, params: Sequence[Any] = ()) -> int:
    return int(conn.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0])


def list_sources(
    conn: sqlite3.Connection, *, sort: str, order: str, limit: int, offset: int
) -> tuple[list[SourceSummary], int]:
    if sort not in _SOURCE_ORDER or order not in ORDERS:
        raise BadFilter(f"sort must be one of {', '.join(SOURCE_SORTS)} and order asc or desc")
    order_by = _SOURCE_ORDER[sort].format(order=order.upper())
    total = int(conn.execute("SELECT count(*) FROM sources").fetchone()[0])
    if sort in ("entities", "events"):
        # Sorting by a count needs every source's count: one pass in SQL, still one page out.
        rows = conn.execute(
            f"{_SOURCE_SELECT} ORDER BY {order_by}, s.id LIMIT ? OFFSET ?", (limit, offset)
        ).fetchall()
        return [_summary(row) for row in rows], total
    # Otherwise pick the page's ids first, so the counts are computed for its rows only.
    ids = [
        row[0]
        for row in conn.execute(
            f"SELECT s.id FROM sources AS s ORDER BY {order_by}, s.id LIMIT ? OFFSET ?",
            (limit, offset),
        )
    ]
    if not ids:
        return [], total
    marks = ", ".join("?" for _ in ids)
    found = {
        row["id"]: _summary(row)
        for row in conn.execute(f"{_SOURCE_SELECT} WHERE s.id IN ({marks})", ids)
    }
    return [found[i] for i in ids if i in found], total


def source_summary(conn: sqlite3.Connection, source_id: str) -> SourceSummary | None:
    row = conn.execute(f"{_SOURCE_SELECT} WHERE s.id = ?", (source_id,)).fetchone()
    return _summary(row) if row else None


def source_metadata(conn: sqlite3.Connection, source_id: str) -> dict[str, Any]:
    row = conn.execute("SELECT metadata FROM sources WHERE id = ?", (source_id,)).fetchone()
    value = json.loads(row[0]) if row else {}
    return value if isinstance(value, dict) else {}


def text_window(conn: sqlite3.Connection, source_id: str, start: int, length: int) -> str:
    """Part of a source's original text, cut by SQLite (which counts characters, as Python)."""
    row = conn.execute(
        "SELECT substr(original, ?, ?) FROM sources WHERE id = ?", (start + 1, length, source_id)
    ).fetchone()
    return str(row[0]) if row else ""


def _window_sql(table: str, source_id: str, start: int, end: int) -> tuple[str, list[Any]]:
    return (
        f'FROM {table} WHERE source_id = ? AND start < ? AND "end" > ?',
        [source_id, end, start],
    )


def window_spans(
    conn: sqlite3.Connection, source_id: str, start: int, end: int
) -> list[tuple[str, int, int, dict[str, Any]]]:
    where, params = _window_sql("spans", source_id, start, end)
    rows = conn.execute(f'SELECT kind, start, "end", attrs {where} ORDER BY start', params)
    return [(r[0], r[1], r[2], json.loads(r[3] or "{}")) for r in rows]


def window_mentions(
    conn: sqlite3.Connection, source_id: str, start: int, end: int
) -> list[sqlite3.Row]:
    rows = conn.execute(
        'SELECT m.id, m.entity_id, m.start, m."end", m.text, m.type, e.name AS entity_name'
        " FROM mentions AS m JOIN entities AS e ON e.id = m.entity_id"
        ' WHERE m.source_id = ? AND m.start < ? AND m."end" > ? ORDER BY m.start',
        (source_id, end, start),
    )
    return rows.fetchall()


def window_dates(
    conn: sqlite3.Connection, source_id: str, start: int, end: int
) -> list[sqlite3.Row]:
    rows = conn.execute(
        'SELECT d.id, d.start, d."end", d.text, d.edtf, d.earliest, d.latest,'
        " (SELECT min(ev.id) FROM events AS ev WHERE ev.date_id = d.id) AS event_id"
        ' FROM dates AS d WHERE d.source_id = ? AND d.start < ? AND d."end" > ?'
        " ORDER BY d.start",
        (source_id, end, start),
    )
    return rows.fetchall()


def window_edits(
    conn: sqlite3.Connection, source_id: str, start: int, end: int
) -> list[sqlite3.Row]:
    rows = conn.execute(
        'SELECT ed.start, ed."end", ed.replacement, ed.kind,'
        ' substr(s.original, ed.start + 1, ed."end" - ed.start) AS original'
        " FROM edits AS ed JOIN sources AS s ON s.id = ed.source_id"
        ' WHERE ed.source_id = ? AND ed.start < ? AND ed."end" > ? ORDER BY ed.start',
        (source_id, end, start),
    )
    return rows.fetchall()


# -- entities -------------------------------------------------------------------------------


def list_entities(
    conn: sqlite3.Connection, *, q: str | None, kind: str | None, limit: int, offset: int
) -> tuple[list[EntitySummary], int]:
    where = ["1"]
    params: list[Any] = []
    if kind:
        where.append("e.type = ?")
        params.append(kind)
    if q and name_key(q):
        # The key has no case or diacritics: "verlaci" finds "Vërlaci". LIKE's own wildcards
        # in the user's text are escaped so they match literally.
        pattern = name_key(q).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        where.append("e.key LIKE ? ESCAPE '\\'")
        params.append(f"%{pattern}%")
    condition = " AND ".join(where)
    rows = conn.execute(
        "SELECT e.id, e.name, e.type,"
        " (SELECT count(*) FROM mentions AS m WHERE m.entity_id = e.id) AS mentions"
        f" FROM entities AS e WHERE {condition} ORDER BY mentions DESC, e.name, e.id"
        " LIMIT ? OFFSET ?",
        [*params, limit, offset],
    ).fetchall()
    total = count(conn, f"SELECT 1 FROM entities AS e WHERE {condition}", params)
    return [EntitySummary(**dict(row)) for row in rows], total


def entity_types(conn: sqlite3.Connection) -> list[str]:
    return [row[0] for row in conn.execute("SELECT DISTINCT type FROM entities ORDER BY type")]


def entity_mentions(
    conn: sqlite3.Connection, entity_id: int, *, limit: int, offset: int
) -> list[MentionContext]:
    rows = conn.execute(
        'SELECT m.id, m.source_id, s.title AS source_title, m.start, m."end", m.text,'
        ' substr(s.original, max(1, m.start - 79), m."end" - max(0, m.start - 80) + 80)'
        " AS context, max(0, m.start - 80) AS context_start"
        " FROM mentions AS m JOIN sources AS s ON s.id = m.source_id"
        " WHERE m.entity_id = ? ORDER BY m.source_id, m.start LIMIT ? OFFSET ?",
        (entity_id, limit, offset),
    ).fetchall()
    return [MentionContext(**dict(row)) for row in rows]


def entity_detail(
    conn: sqlite3.Connection, entity_id: int, *, limit: int, offset: int
) -> EntityDetail | None:
    """An entity with the first of everything: bounded, unlike the CLI's full listing."""
    row = conn.execute(
        "SELECT id, type, name, latitude, longitude, geo_reason FROM entities WHERE id = ?",
        (entity_id,),
    ).fetchone()
    if row is None:
        return None
    # Both from summaries rebuilt at resolution (refresh_entity_summaries): an entity
    # named 100,000 times costs a page no more than one named twice.
    aliases = [
        Alias(name=a[0], count=a[1])
        for a in conn.execute(
            "SELECT text, mentions FROM entity_aliases WHERE entity_id = ?"
            " ORDER BY mentions DESC, text LIMIT 50",
            (entity_id,),
        )
    ]
    merges = [
        MergeOut(
            rule=m["rule"],
            score=m["score"],
            between=[m["name_a"], m["name_b"]],
            evidence=(
                Evidence(source_id=m["source_id"], start=m["start"], end=m["end"])
                if m["source_id"]
                else None
            ),
        )
        for m in conn.execute(
            'SELECT rule, score, name_a, name_b, source_id, start, "end" FROM entity_merges'
            " WHERE entity_id = ? ORDER BY score DESC, rule, name_a, name_b LIMIT 50",
            (entity_id,),
        )
    ]
    relations = [
        RelationOut(**dict(r))
        for r in conn.execute(
            "SELECT r.type AS kind, r.weight, e.id AS other_id, e.name AS other_name,"
            " e.type AS other_type FROM relations AS r JOIN entities AS e"
            " ON e.id = CASE WHEN r.source = ? THEN r.target ELSE r.source END"
            " WHERE r.source = ? OR r.target = ? ORDER BY r.weight DESC, r.id LIMIT 50",
            (entity_id, entity_id, entity_id),
        )
    ]
    mentions_total = int(
        conn.execute("SELECT count(*) FROM mentions WHERE entity_id = ?", (entity_id,)).fetchone()[
            0
        ]
    )
    _, events_total = list_events(conn, EventFilters(entity=str(entity_id)), limit=0, offset=0)
    return EntityDetail(
        id=row["id"],
        name=row["name"],
        type=row["type"],
        lat=row["latitude"],
        lon=row["longitude"],
        geocoding_reason=row["geo_reason"],
        aliases=aliases,
        merges=merges,
        relations=relations,
        mentions_total=mentions_total,
        mentions=entity_mentions(conn, entity_id, limit=limit, offset=offset),
        events_total=events_total,
    )


# -- events ---------------------------------------------------------------------------------


def is_uncertain(edtf: str, earliest: str, latest: str) -> bool:
    """Not one plain day: a span of days, approximate, uncertain, unspecified or a range."""
    return earliest != latest or any(mark in edtf for mark in "~?%X/")


def _bound(value: str, *, upper: bool) -> str:
    try:
        earliest, latest = edtf_bounds(value.strip())
    except Exception as e:
        # The EDTF parser raises more than ValueError on odd input; any failure is the user's
        # value, not our fault.
        raise BadFilter(f"{value!r} is not an EDTF date (try 1943, 1943-09 or 1943-09-08)") from e
    return latest if upper else earliest


def _entity_ids(conn: sqlite3.Connection, entity: str) -> list[int]:
    """An entity filter's entities: an id, or every entity bearing that name or alias."""
    if entity.isdigit() and len(entity) < 19:
        return [int(entity)]
    rows = conn.execute(
        "SELECT id FROM entities WHERE key = ? UNION SELECT entity_id FROM entity_aliases"
        " WHERE text = ?",
        (name_key(entity), entity),
    )
    return sorted(row[0] for row in rows)


def _event_from(conn: sqlite3.Connection, filters: EventFilters) -> tuple[str, list[Any], int]:
    """FROM and WHERE of the matching events (``e`` the events table), and how many
    entities the filter names.

    With an entity, the rows come from ``entity_events``, which is kept in the timeline's
    order, so a much-mentioned entity's first page reads only that page's rows.
    """
    where = ["1"]
    params: list[Any] = []
    source = "events AS e"
    ids: list[int] = []
    if filters.entity:
        ids = _entity_ids(conn, filters.entity) or [-1]
        source = "entity_events AS ee JOIN events AS e ON e.id = ee.event_id"
        where.append(f"ee.entity_id IN ({', '.join('?' for _ in ids)})")
        params.extend(ids)
    if filters.start:
        where.append("e.latest >= ?")
        params.append(_bound(filters.start, upper=False))
    if filters.end:
        where.append("e.earliest <= ?")
        params.append(_bound(filters.end, upper=True))
    if filters.source:
        where.append("e.source_id = ?")
        params.append(filters.source)
    if filters.type:
        where.append(
            "e.id IN (SELECT t.event_id FROM entity_events AS t"
            " JOIN entities AS en ON en.id = t.entity_id WHERE en.type = ?)"
        )
        params.append(filters.type)
    return f"{source} WHERE {' AND '.join(where)}", params, len(ids)


_WITH_SOURCE = "JOIN sources AS s ON s.id = e.source_id"


def _span_arms(filters: EventFilters) -> list[tuple[str, list[Any]]]:
    """The events overlapping a window from ``filters.start``, as one WHERE per span level.

    An event of a bounded level starts at most that level's span before the window, so each
    arm reads one short range of the ``events_by_span`` index; together, in the timeline's
    order, they give exactly the events with ``latest >= start`` (and the other filters).
    """
    assert filters.start and not filters.entity and not filters.source
    start = _bound(filters.start, upper=False)
    rest = ["1"]
    rest_params: list[Any] = []
    if filters.end:
        rest.append("e.earliest <= ?")
        rest_params.append(_bound(filters.end, upper=True))
    if filters.type:
        rest.append(
            "e.id IN (SELECT t.event_id FROM entity_events AS t"
            " JOIN entities AS en ON en.id = t.entity_id WHERE en.type = ?)"
        )
        rest_params.append(filters.type)
    arms: list[tuple[str, list[Any]]] = []
    for level, days in enumerate(EVENT_SPAN_LEVELS):
        arms.append(
            (
                "e.span_level = ? AND e.earliest >= date(?, ?) AND e.latest >= ? AND "
                + " AND ".join(rest),
                [level, start, f"-{days} days", start, *rest_params],
            )
        )
    arms.append(
        (
            "e.span_level = ? AND e.latest >= ? AND " + " AND ".join(rest),
            [OPEN_SPAN_LEVEL, start, *rest_params],
        )
    )
    return arms


def _windowed_events(
    conn: sqlite3.Connection, filters: EventFilters, *, limit: int, offset: int
) -> tuple[list[sqlite3.Row], int]:
    """A page of the events overlapping a window, and how many, through the span levels.

    The arms are merged in the timeline's order (SQLite merges a compound SELECT's
    ordered arms instead of sorting all matches), so a page costs about its own rows.
    """
    arms = _span_arms(filters)
    total = sum(
        int(conn.execute(f"SELECT count(*) FROM events AS e WHERE {where}", params).fetchone()[0])
        for where, params in arms
    )
    if limit == 0:
        return [], total
    union = " UNION ALL ".join(
        'SELECT e.id, e.edtf, e.earliest, e.latest, e.label, e.source_id, e.start, e."end"'
        f" FROM events AS e WHERE {where}"
        for where, _ in arms
    )
    rows = conn.execute(
        "SELECT p.*, s.title AS source_title FROM"
        f" ({union} ORDER BY 3, 4, 6, 7, 1 LIMIT ? OFFSET ?) AS p"
        " JOIN sources AS s ON s.id = p.source_id"
        " ORDER BY p.earliest, p.latest, p.source_id, p.start, p.id",
        [*(value for _, params in arms for value in params), limit, offset],
    ).fetchall()
    return rows, total


def list_events(
    conn: sqlite3.Connection, filters: EventFilters, *, limit: int, offset: int
) -> tuple[list[EventOut], int]:
    """One page of events in chronological order (by earliest bound), and how many match."""
    # A source's own events are few and indexed by source: that index beats the levels.
    if filters.start and not filters.entity and not filters.source:
        rows, total = _windowed_events(conn, filters, limit=limit, offset=offset)
        return _event_items(conn, rows), total
    from_where, params, entities = _event_from(conn, filters)
    # An event naming two of the filter's entities is listed once.
    distinct = "DISTINCT " if entities > 1 else ""
    order = (
        "ee.earliest, ee.latest, ee.source_id, ee.start, ee.event_id"
        if filters.entity
        else "e.earliest, e.latest, e.source_id, e.start, e.id"
    )
    only_entity = entities == 1 and not (
        filters.start or filters.end or filters.source or filters.type
    )
    if only_entity:  # the index alone answers: no join per event
        total = count(conn, "SELECT 1 FROM entity_events WHERE entity_id = ?", params)
    else:
        total = count(conn, f"SELECT {distinct}e.id FROM {from_where}", params)
    if limit == 0:
        return [], total
    rows = conn.execute(
        f"SELECT {distinct}e.id, e.edtf, e.earliest, e.latest, e.label, e.source_id, e.start,"
        ' e."end", s.title AS source_title'
        f" FROM {from_where.replace(' WHERE ', f' {_WITH_SOURCE} WHERE ', 1)}"
        f" ORDER BY {order} LIMIT ? OFFSET ?",
        [*params, limit, offset],
    ).fetchall()
    return _event_items(conn, rows), total


def _event_items(conn: sqlite3.Connection, rows: list[sqlite3.Row]) -> list[EventOut]:
    """Events with their participants and places, from rows of the events table."""
    roles: dict[int, dict[str, list[EntityRef]]] = {
        row["id"]: {"participant": [], "place": []} for row in rows
    }
    if roles:
        marks = ", ".join("?" for _ in roles)
        seen: set[tuple[int, str, int]] = set()
        for r in conn.execute(
            "SELECT em.event_id, em.role, en.id, en.name, en.type FROM event_mentions AS em"
            " JOIN mentions AS m ON m.id = em.mention_id JOIN entities AS en ON en.id = m.entity_id"
            f" WHERE em.event_id IN ({marks}) ORDER BY m.start",
            list(roles),
        ):
            key = (r[0], r[1], r[2])
            if key in seen:
                continue  # the same entity named twice in one sentence
            seen.add(key)
            roles[r[0]][r[1]].append(EntityRef(id=r[2], name=r[3], type=r[4]))
    items = [
        EventOut(
            id=row["id"],
            edtf=row["edtf"],
            earliest=row["earliest"],
            latest=row["latest"],
            uncertain=is_uncertain(row["edtf"], row["earliest"], row["latest"]),
            label=row["label"],
            source_id=row["source_id"],
            source_title=row["source_title"],
            start=row["start"],
            end=row["end"],
            participants=roles[row["id"]]["participant"],
            places=roles[row["id"]]["place"],
        )
        for row in rows
    ]
    return items


# -- network and places -----------------------------------------------------------------------


def relation_types(conn: sqlite3.Connection) -> list[tuple[str, int]]:
    rows = conn.execute("SELECT type, count(*) FROM relations GROUP BY type ORDER BY type")
    return [(r[0], r[1]) for r in rows]


def _relation_where(types: Sequence[str], min_weight: float) -> tuple[str, list[Any]]:
    where = "r.weight >= ?"
    params: list[Any] = [min_weight]
    if types:
        where += f" AND r.type IN ({', '.join('?' for _ in types)})"
        params.extend(types)
    return where, params


def list_relations(
    conn: sqlite3.Connection,
    *,
    types: Sequence[str],
    min_weight: float,
    limit: int,
    offset: int,
) -> tuple[list[sqlite3.Row], int]:
    """The strongest relations with both ends' names."""
    where, params = _relation_where(types, min_weight)
    rows = conn.execute(
        "SELECT r.type, r.weight, a.id AS a_id, a.name AS a_name, a.type AS a_type,"
        " b.id AS b_id, b.name AS b_name, b.type AS b_type FROM relations AS r"
        " JOIN entities AS a ON a.id = r.source JOIN entities AS b ON b.id = r.target"
        f" WHERE {where} ORDER BY r.weight DESC, r.id LIMIT ? OFFSET ?",
        [*params, limit, offset],
    ).fetchall()
    return rows, count(conn, f"SELECT 1 FROM relations AS r WHERE {where}", params)


def network(
    conn: sqlite3.Connection, *, types: Sequence[str], min_weight: float, limit: int
) -> tuple[list[NetworkNode], list[NetworkEdge]]:
    """The ``limit`` strongest edges and the entities they join."""
    where, params = _relation_where(types, min_weight)
    edges = conn.execute(
        f"SELECT r.source, r.target, r.type, r.weight FROM relations AS r WHERE {where}"
        " ORDER BY r.weight DESC, r.id LIMIT ?",
        [*params, limit],
    ).fetchall()
    ids = sorted({e[0] for e in edges} | {e[1] for e in edges})
    nodes: list[NetworkNode] = []
    if ids:
        marks = ", ".join("?" for _ in ids)
        nodes = [
            NetworkNode(id=r[0], name=r[1], type=r[2], mentions=r[3])
            for r in conn.execute(
                "SELECT e.id, e.name, e.type,"
                " (SELECT count(*) FROM mentions AS m WHERE m.entity_id = e.id)"
                f" FROM entities AS e WHERE e.id IN ({marks}) ORDER BY e.id",
                ids,
            )
        ]
    known = {n.id for n in nodes}
    return nodes, [
        NetworkEdge(source=e[0], target=e[1], kind=e[2], weight=float(e[3]))
        for e in edges
        # Relations are rebuilt after resolution; an edge to a vanished entity is dropped.
        if e[0] in known and e[1] in known
    ]


def _place_filter(entity: int | None) -> tuple[str, list[Any]]:
    if entity is None:
        return "", []
    # A place stands for itself; any other entity for the places of its events.
    return (
        " AND (e.id = ? OR ((SELECT type FROM entities WHERE id = ?) != 'place'"
        " AND e.id IN (SELECT pm.entity_id FROM event_mentions AS pe"
        " JOIN mentions AS pm ON pm.id = pe.mention_id WHERE pe.role = 'place' AND pe.event_id IN"
        " (SELECT em.event_id FROM event_mentions AS em JOIN mentions AS m"
        " ON m.id = em.mention_id WHERE m.entity_id = ?))))",
        [entity, entity, entity],
    )


def list_places(
    conn: sqlite3.Connection, *, entity: int | None, limit: int, offset: int
) -> tuple[list[PlaceOut], int]:
    """Located places, most mentioned first, with their mention and event counts."""
    extra, params = _place_filter(entity)
    condition = f"e.type = 'place' AND e.latitude IS NOT NULL{extra}"
    rows = conn.execute(
        "SELECT e.id, e.name, e.latitude AS lat, e.longitude AS lon,"
        " (SELECT count(*) FROM mentions AS m WHERE m.entity_id = e.id) AS mentions,"
        " (SELECT count(DISTINCT em.event_id) FROM mentions AS m"
        " JOIN event_mentions AS em ON em.mention_id = m.id WHERE m.entity_id = e.id) AS events"
        f" FROM entities AS e WHERE {condition} ORDER BY mentions DESC, e.name, e.id"
        " LIMIT ? OFFSET ?",
        [*params, limit, offset],
    ).fetchall()
    total = count(conn, f"SELECT 1 FROM entities AS e WHERE {condition}", params)
    return [PlaceOut(**dict(row)) for row in rows], total
