"""Paginated read queries for the workbench.

Every list is cut in SQL (``LIMIT``/``OFFSET``) and counted with ``count(*)``, and per-row
details (participants, counts) are fetched only for the rows of the page, so a page costs the
same on a knowledge base of four sources as on one of a hundred thousand.

Each function takes either store's connection (SQLite's, or PostgreSQL's through psycopg)
and runs one SQL text through :mod:`historiograph.store.dialect`, so both stores give the
same rows in the same order: text is ordered and compared as ``COLLATE BINARY`` (byte
order, ``COLLATE "C"`` on PostgreSQL, whatever the database's locale), ``max(a, b)`` is a
``CASE``, offsets handed to ``substr`` are cast to ``INTEGER`` (PostgreSQL's are BIGINT).
Where one text cannot serve both (SQLite's case-folding ``NOCASE``, its ``date()``
arithmetic, a compound SELECT's ordering) the difference is spelled out where it arises.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from historiograph.nlp.edtf_bounds import edtf_bounds
from historiograph.nlp.names import name_key
from historiograph.store.dialect import SqlConnection, sql_connection
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

if TYPE_CHECKING:
    from historiograph.store.dialect import AnyConnection

SOURCE_SORTS = ("title", "date", "size", "entities", "events")
ORDERS = ("asc", "desc")
# Sort keys are whitelisted: user input never reaches the SQL text, only these fragments do.
_SOURCE_ORDER = {
    "title": "(s.title IS NULL), {title} {order}, s.path COLLATE BINARY {order}",
    "date": "(s.published IS NULL), s.published COLLATE BINARY {order}",
    "size": "s.size_bytes {order}",
    "entities": "entities {order}",
    "events": "events {order}",
}
# SQLite's NOCASE folds ASCII letters and compares bytes; on PostgreSQL the same order is
# the title with A-Z folded by translate (lower() would fold every letter), in byte order.
_ASCII_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_NOCASE_TITLE = {
    False: "s.title COLLATE NOCASE",
    True: f"translate(s.title, '{_ASCII_UPPER}', '{_ASCII_UPPER.lower()}') COLLATE BINARY",
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


def _summary(row: Any) -> SourceSummary:
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


def count(conn: AnyConnection, sql: str, params: Sequence[Any] = ()) -> int:
    # PostgreSQL before 16 wants every subquery in FROM named.
    return int(
        sql_connection(conn).query(f"SELECT count(*) FROM ({sql}) AS c", params).fetchone()[0]
    )


def list_sources(
    conn: AnyConnection, *, sort: str, order: str, limit: int, offset: int
) -> tuple[list[SourceSummary], int]:
    if sort not in _SOURCE_ORDER or order not in ORDERS:
        raise BadFilter(f"sort must be one of {', '.join(SOURCE_SORTS)} and order asc or desc")
    db = sql_connection(conn)
    order_by = _SOURCE_ORDER[sort].format(order=order.upper(), title=_NOCASE_TITLE[db.postgres])
    total = int(db.query("SELECT count(*) FROM sources").fetchone()[0])
    if sort in ("entities", "events"):
        # Sorting by a count needs every source's count: one pass in SQL, still one page out.
        rows = db.query(
            f"{_SOURCE_SELECT} ORDER BY {order_by}, s.id COLLATE BINARY LIMIT ? OFFSET ?",
            (limit, offset),
        ).fetchall()
        return [_summary(row) for row in rows], total
    # Otherwise pick the page's ids first, so the counts are computed for its rows only.
    ids = [
        row[0]
        for row in db.query(
            f"SELECT s.id FROM sources AS s ORDER BY {order_by}, s.id COLLATE BINARY"
            " LIMIT ? OFFSET ?",
            (limit, offset),
        )
    ]
    if not ids:
        return [], total
    marks = ", ".join("?" for _ in ids)
    found = {
        row["id"]: _summary(row)
        for row in db.query(f"{_SOURCE_SELECT} WHERE s.id IN ({marks})", ids)
    }
    return [found[i] for i in ids if i in found], total


def source_summary(conn: AnyConnection, source_id: str) -> SourceSummary | None:
    row = sql_connection(conn).query(f"{_SOURCE_SELECT} WHERE s.id = ?", (source_id,)).fetchone()
    return _summary(row) if row else None


def source_metadata(conn: AnyConnection, source_id: str) -> dict[str, Any]:
    row = (
        sql_connection(conn)
        .query("SELECT metadata FROM sources WHERE id = ?", (source_id,))
        .fetchone()
    )
    value = json.loads(row[0]) if row else {}
    return value if isinstance(value, dict) else {}


def text_window(conn: AnyConnection, source_id: str, start: int, length: int) -> str:
    """Part of a source's original text, cut by the database (which counts characters, as
    Python does)."""
    row = (
        sql_connection(conn)
        .query(
            "SELECT substr(original, CAST(? AS INTEGER), CAST(? AS INTEGER)) FROM sources"
            " WHERE id = ?",
            (start + 1, length, source_id),
        )
        .fetchone()
    )
    return str(row[0]) if row else ""


def _window_sql(table: str, source_id: str, start: int, end: int) -> tuple[str, list[Any]]:
    return (
        f'FROM {table} WHERE source_id = ? AND start < ? AND "end" > ?',
        [source_id, end, start],
    )


def window_spans(
    conn: AnyConnection, source_id: str, start: int, end: int
) -> list[tuple[str, int, int, dict[str, Any]]]:
    where, params = _window_sql("spans", source_id, start, end)
    # Ties in start are ordered as SQLite lists them (by rowid: the order they were written).
    rows = sql_connection(conn).query(
        f'SELECT kind, start, "end", attrs {where} ORDER BY start, id', params
    )
    return [(r[0], r[1], r[2], json.loads(r[3] or "{}")) for r in rows]


def window_mentions(conn: AnyConnection, source_id: str, start: int, end: int) -> list[Any]:
    rows = sql_connection(conn).query(
        'SELECT m.id, m.entity_id, m.start, m."end", m.text, m.type, e.name AS entity_name'
        " FROM mentions AS m JOIN entities AS e ON e.id = m.entity_id"
        ' WHERE m.source_id = ? AND m.start < ? AND m."end" > ? ORDER BY m.start, m.id',
        (source_id, end, start),
    )
    return rows.fetchall()


def window_dates(conn: AnyConnection, source_id: str, start: int, end: int) -> list[Any]:
    rows = sql_connection(conn).query(
        'SELECT d.id, d.start, d."end", d.text, d.edtf, d.earliest, d.latest,'
        " (SELECT min(ev.id) FROM events AS ev WHERE ev.date_id = d.id) AS event_id"
        ' FROM dates AS d WHERE d.source_id = ? AND d.start < ? AND d."end" > ?'
        " ORDER BY d.start, d.id",
        (source_id, end, start),
    )
    return rows.fetchall()


def window_edits(conn: AnyConnection, source_id: str, start: int, end: int) -> list[Any]:
    rows = sql_connection(conn).query(
        'SELECT ed.start, ed."end", ed.replacement, ed.kind,'
        ' substr(s.original, CAST(ed.start + 1 AS INTEGER), CAST(ed."end" - ed.start AS INTEGER))'
        " AS original FROM edits AS ed JOIN sources AS s ON s.id = ed.source_id"
        ' WHERE ed.source_id = ? AND ed.start < ? AND ed."end" > ? ORDER BY ed.start, ed."end"',
        (source_id, end, start),
    )
    return rows.fetchall()


# -- entities -------------------------------------------------------------------------------


def list_entities(
    conn: AnyConnection, *, q: str | None, kind: str | None, limit: int, offset: int
) -> tuple[list[EntitySummary], int]:
    db = sql_connection(conn)
    where = ["1 = 1"]
    params: list[Any] = []
    if kind:
        where.append("e.type = ?")
        params.append(kind)
    if q and name_key(q):
        # The key has no case or diacritics: "verlaci" finds "Vërlaci". LIKE's own wildcards
        # in the user's text are escaped so they match literally.
        pattern = name_key(q).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        where.append(db.like("e.key", escape="\\"))
        params.append(f"%{pattern}%")
    condition = " AND ".join(where)
    rows = db.query(
        "SELECT e.id, e.name, e.type,"
        " (SELECT count(*) FROM mentions AS m WHERE m.entity_id = e.id) AS mentions"
        f" FROM entities AS e WHERE {condition}"
        " ORDER BY mentions DESC, e.name COLLATE BINARY, e.id LIMIT ? OFFSET ?",
        [*params, limit, offset],
    ).fetchall()
    total = count(db, f"SELECT 1 FROM entities AS e WHERE {condition}", params)
    return [EntitySummary(**dict(row)) for row in rows], total


def entity_types(conn: AnyConnection) -> list[str]:
    return [
        row[0]
        for row in sql_connection(conn).query(
            "SELECT type FROM entities GROUP BY type ORDER BY type COLLATE BINARY"
        )
    ]


# The 80 characters either side of a mention, cut where its source starts.
_CONTEXT_START = "CASE WHEN m.start > 80 THEN m.start - 80 ELSE 0 END"


def entity_mentions(
    conn: AnyConnection, entity_id: int, *, limit: int, offset: int
) -> list[MentionContext]:
    rows = (
        sql_connection(conn)
        .query(
            'SELECT m.id, m.source_id, s.title AS source_title, m.start, m."end", m.text,'
            f" substr(s.original, CAST({_CONTEXT_START} + 1 AS INTEGER),"
            f' CAST(m."end" - {_CONTEXT_START} + 80 AS INTEGER))'
            f" AS context, {_CONTEXT_START} AS context_start"
            " FROM mentions AS m JOIN sources AS s ON s.id = m.source_id"
            " WHERE m.entity_id = ? ORDER BY m.source_id COLLATE BINARY, m.start, m.id"
            " LIMIT ? OFFSET ?",
            (entity_id, limit, offset),
        )
        .fetchall()
    )
    return [MentionContext(**dict(row)) for row in rows]


def entity_detail(
    conn: AnyConnection, entity_id: int, *, limit: int, offset: int
) -> EntityDetail | None:
    """An entity with the first of everything: bounded, unlike the CLI's full listing."""
    db = sql_connection(conn)
    row = db.query(
        "SELECT id, type, name, latitude, longitude, geo_reason FROM entities WHERE id = ?",
        (entity_id,),
    ).fetchone()
    if row is None:
        return None
    # Both from summaries rebuilt at resolution (refresh_entity_summaries): an entity
    # named 100,000 times costs a page no more than one named twice.
    aliases = [
        Alias(name=a[0], count=a[1])
        for a in db.query(
            "SELECT text, mentions FROM entity_aliases WHERE entity_id = ?"
            " ORDER BY mentions DESC, text COLLATE BINARY LIMIT 50",
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
        for m in db.query(
            'SELECT rule, score, name_a, name_b, source_id, start, "end" FROM entity_merges'
            " WHERE entity_id = ? ORDER BY score DESC, rule COLLATE BINARY,"
            " name_a COLLATE BINARY, name_b COLLATE BINARY LIMIT 50",
            (entity_id,),
        )
    ]
    relations = [
        RelationOut(**dict(r))
        for r in db.query(
            "SELECT r.type AS kind, r.weight, e.id AS other_id, e.name AS other_name,"
            " e.type AS other_type FROM relations AS r JOIN entities AS e"
            " ON e.id = CASE WHEN r.source = ? THEN r.target ELSE r.source END"
            " WHERE r.source = ? OR r.target = ? ORDER BY r.weight DESC, r.id LIMIT 50",
            (entity_id, entity_id, entity_id),
        )
    ]
    mentions_total = int(
        db.query("SELECT count(*) FROM mentions WHERE entity_id = ?", (entity_id,)).fetchone()[0]
    )
    _, events_total = list_events(db, EventFilters(entity=str(entity_id)), limit=0, offset=0)
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
        mentions=entity_mentions(db, entity_id, limit=limit, offset=offset),
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


def _entity_ids(db: SqlConnection, entity: str) -> list[int]:
    """An entity filter's entities: an id, or every entity bearing that name or alias."""
    if entity.isdigit() and len(entity) < 19:
        return [int(entity)]
    rows = db.query(
        "SELECT id FROM entities WHERE key = ? UNION SELECT entity_id FROM entity_aliases"
        " WHERE text = ?",
        (name_key(entity), entity),
    )
    return sorted(row[0] for row in rows)


def _event_from(db: SqlConnection, filters: EventFilters) -> tuple[str, list[Any], int]:
    """FROM and WHERE of the matching events (``e`` the events table), and how many
    entities the filter names.

    With an entity, the rows come from ``entity_events``, which is kept in the timeline's
    order, so a much-mentioned entity's first page reads only that page's rows.
    """
    where = ["1 = 1"]
    params: list[Any] = []
    source = "events AS e"
    ids: list[int] = []
    if filters.entity:
        ids = _entity_ids(db, filters.entity) or [-1]
        source = "entity_events AS ee JOIN events AS e ON e.id = ee.event_id"
        where.append(f"ee.entity_id IN ({', '.join('?' for _ in ids)})")
        params.extend(ids)
    if filters.start:
        where.append("e.latest >= ? COLLATE BINARY")
        params.append(_bound(filters.start, upper=False))
    if filters.end:
        where.append("e.earliest <= ? COLLATE BINARY")
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


def _days_before(day: str, days: int) -> str | None:
    """The ISO day ``days`` before ``day``, or None where Python's calendar cannot say (a
    year before 1)."""
    try:
        return (date.fromisoformat(day) - timedelta(days=days)).isoformat()
    except (ValueError, OverflowError):
        return None


def _span_arms(filters: EventFilters, *, postgres: bool) -> list[tuple[str, list[Any]]]:
    """The events overlapping a window from ``filters.start``, as one WHERE per span level.

    An event of a bounded level starts at most that level's span before the window, so each
    arm reads one short range of the ``events_by_span`` index; together, in the timeline's
    order, they give exactly the events with ``latest >= start`` (and the other filters).
    The lower bound on ``earliest`` only narrows the range read (``latest >= start`` is what
    selects): SQLite computes it with ``date()``; on PostgreSQL it is computed here, and
    left out for a day Python's calendar cannot shift.
    """
    assert filters.start and not filters.entity and not filters.source
    start = _bound(filters.start, upper=False)
    rest = ["1 = 1"]
    rest_params: list[Any] = []
    if filters.end:
        rest.append("e.earliest <= ? COLLATE BINARY")
        rest_params.append(_bound(filters.end, upper=True))
    if filters.type:
        rest.append(
            "e.id IN (SELECT t.event_id FROM entity_events AS t"
            " JOIN entities AS en ON en.id = t.entity_id WHERE en.type = ?)"
        )
        rest_params.append(filters.type)
    arms: list[tuple[str, list[Any]]] = []
    for level, days in enumerate(EVENT_SPAN_LEVELS):
        if not postgres:
            narrow, narrow_params = "e.earliest >= date(?, ?) AND ", [start, f"-{days} days"]
        elif (before := _days_before(start, days)) is not None:
            narrow, narrow_params = "e.earliest >= ? COLLATE BINARY AND ", [before]
        else:
            narrow, narrow_params = "", []
        arms.append(
            (
                f"e.span_level = ? AND {narrow}e.latest >= ? COLLATE BINARY AND "
                + " AND ".join(rest),
                [level, *narrow_params, start, *rest_params],
            )
        )
    arms.append(
        (
            "e.span_level = ? AND e.latest >= ? COLLATE BINARY AND " + " AND ".join(rest),
            [OPEN_SPAN_LEVEL, start, *rest_params],
        )
    )
    return arms


# The timeline's order; text in byte order on either store.
_EVENT_ORDER = (
    "{p}earliest COLLATE BINARY, {p}latest COLLATE BINARY, {p}source_id COLLATE BINARY,"
    " {p}start, {p}id"
)


def _windowed_events(
    db: SqlConnection, filters: EventFilters, *, limit: int, offset: int
) -> tuple[list[Any], int]:
    """A page of the events overlapping a window, and how many, through the span levels.

    The arms are merged in the timeline's order (SQLite merges a compound SELECT's
    ordered arms instead of sorting all matches), so a page costs about its own rows.
    PostgreSQL orders a compound SELECT only by its output columns, not by an expression
    such as a column with a collation: there the union is ordered from outside.
    """
    arms = _span_arms(filters, postgres=db.postgres)
    total = sum(
        int(db.query(f"SELECT count(*) FROM events AS e WHERE {where}", params).fetchone()[0])
        for where, params in arms
    )
    if limit == 0:
        return [], total
    union = " UNION ALL ".join(
        'SELECT e.id, e.edtf, e.earliest, e.latest, e.label, e.source_id, e.start, e."end"'
        f" FROM events AS e WHERE {where}"
        for where, _ in arms
    )
    if db.postgres:
        page = f"SELECT * FROM ({union}) AS u ORDER BY {_EVENT_ORDER.format(p='u.')}"
    else:
        page = f"{union} ORDER BY 3, 4, 6, 7, 1"
    rows = db.query(
        f"SELECT p.*, s.title AS source_title FROM ({page} LIMIT ? OFFSET ?) AS p"
        f" JOIN sources AS s ON s.id = p.source_id ORDER BY {_EVENT_ORDER.format(p='p.')}",
        [*(value for _, params in arms for value in params), limit, offset],
    ).fetchall()
    return rows, total


def list_events(
    conn: AnyConnection, filters: EventFilters, *, limit: int, offset: int
) -> tuple[list[EventOut], int]:
    """One page of events in chronological order (by earliest bound), and how many match."""
    db = sql_connection(conn)
    # A source's own events are few and indexed by source: that index beats the levels.
    if filters.start and not filters.entity and not filters.source:
        rows, total = _windowed_events(db, filters, limit=limit, offset=offset)
        return _event_items(db, rows), total
    from_where, params, entities = _event_from(db, filters)
    # An event naming two of the filter's entities is listed once.
    distinct = "DISTINCT " if entities > 1 else ""
    order = (
        _EVENT_ORDER.format(p="ee.").replace("ee.id", "ee.event_id")
        if filters.entity
        else _EVENT_ORDER.format(p="e.")
    )
    only_entity = entities == 1 and not (
        filters.start or filters.end or filters.source or filters.type
    )
    if only_entity:  # the index alone answers: no join per event
        total = count(db, "SELECT 1 FROM entity_events WHERE entity_id = ?", params)
    else:
        total = count(db, f"SELECT {distinct}e.id FROM {from_where}", params)
    if limit == 0:
        return [], total
    select = (
        f"SELECT {distinct}e.id, e.edtf, e.earliest, e.latest, e.label, e.source_id, e.start,"
        ' e."end", s.title AS source_title'
        f" FROM {from_where.replace(' WHERE ', f' {_WITH_SOURCE} WHERE ', 1)}"
    )
    if distinct and db.postgres:
        # PostgreSQL orders a SELECT DISTINCT only by what it selects; an entity_events row
        # repeats its event's own bounds, source and start, so the order is the same.
        statement = f"SELECT * FROM ({select}) AS d ORDER BY {_EVENT_ORDER.format(p='d.')}"
    else:
        statement = f"{select} ORDER BY {order}"
    rows = db.query(f"{statement} LIMIT ? OFFSET ?", [*params, limit, offset]).fetchall()
    return _event_items(db, rows), total


def _event_items(db: SqlConnection, rows: list[Any]) -> list[EventOut]:
    """Events with their participants and places, from rows of the events table."""
    roles: dict[int, dict[str, list[EntityRef]]] = {
        row["id"]: {"participant": [], "place": []} for row in rows
    }
    if roles:
        marks = ", ".join("?" for _ in roles)
        seen: set[tuple[int, str, int]] = set()
        for r in db.query(
            "SELECT em.event_id, em.role, en.id, en.name, en.type FROM event_mentions AS em"
            " JOIN mentions AS m ON m.id = em.mention_id JOIN entities AS en ON en.id = m.entity_id"
            f" WHERE em.event_id IN ({marks}) ORDER BY m.start, m.id",
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


def relation_types(conn: AnyConnection) -> list[tuple[str, int]]:
    rows = sql_connection(conn).query(
        "SELECT type, count(*) FROM relations GROUP BY type ORDER BY type COLLATE BINARY"
    )
    return [(r[0], r[1]) for r in rows]


def _relation_where(types: Sequence[str], min_weight: float) -> tuple[str, list[Any]]:
    where = "r.weight >= ?"
    params: list[Any] = [min_weight]
    if types:
        where += f" AND r.type IN ({', '.join('?' for _ in types)})"
        params.extend(types)
    return where, params


def list_relations(
    conn: AnyConnection,
    *,
    types: Sequence[str],
    min_weight: float,
    limit: int,
    offset: int,
) -> tuple[list[Any], int]:
    """The strongest relations with both ends' names."""
    db = sql_connection(conn)
    where, params = _relation_where(types, min_weight)
    rows = db.query(
        "SELECT r.type, r.weight, a.id AS a_id, a.name AS a_name, a.type AS a_type,"
        " b.id AS b_id, b.name AS b_name, b.type AS b_type FROM relations AS r"
        " JOIN entities AS a ON a.id = r.source JOIN entities AS b ON b.id = r.target"
        f" WHERE {where} ORDER BY r.weight DESC, r.id LIMIT ? OFFSET ?",
        [*params, limit, offset],
    ).fetchall()
    return rows, count(db, f"SELECT 1 FROM relations AS r WHERE {where}", params)


def network(
    conn: AnyConnection, *, types: Sequence[str], min_weight: float, limit: int
) -> tuple[list[NetworkNode], list[NetworkEdge]]:
    """The ``limit`` strongest edges and the entities they join."""
    db = sql_connection(conn)
    where, params = _relation_where(types, min_weight)
    edges = db.query(
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
            for r in db.query(
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
    conn: AnyConnection, *, entity: int | None, limit: int, offset: int
) -> tuple[list[PlaceOut], int]:
    """Located places, most mentioned first, with their mention and event counts."""
    db = sql_connection(conn)
    extra, params = _place_filter(entity)
    condition = f"e.type = 'place' AND e.latitude IS NOT NULL{extra}"
    rows = db.query(
        "SELECT e.id, e.name, e.latitude AS lat, e.longitude AS lon,"
        " (SELECT count(*) FROM mentions AS m WHERE m.entity_id = e.id) AS mentions,"
        " (SELECT count(DISTINCT em.event_id) FROM mentions AS m"
        " JOIN event_mentions AS em ON em.mention_id = m.id WHERE m.entity_id = e.id) AS events"
        f" FROM entities AS e WHERE {condition}"
        " ORDER BY mentions DESC, e.name COLLATE BINARY, e.id LIMIT ? OFFSET ?",
        [*params, limit, offset],
    ).fetchall()
    total = count(db, f"SELECT 1 FROM entities AS e WHERE {condition}", params)
    return [PlaceOut(**dict(row)) for row in rows], total
