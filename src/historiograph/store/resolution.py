"""Resolution over the whole knowledge base: regroup mentions into entities, apply overrides.

Runs after each ingest that changed something, and on demand. Users' overrides
(merge, split, rename) are kept apart from the automatic result and applied
after it, so they survive re-ingest and re-resolution. Overrides name
mentions by ``[source id, start, end]``, which stays true as long as the
source's content does.

Either store: every statement is SQLite's SQL, run through store/dialect.py as the
extraction's writers and the readers are (``?`` placeholders, ``COLLATE BINARY`` for byte
order, rows read by column name on both drivers), every ORDER BY that decides what is
written is total, and the rows these steps number (entities, links, relations, units) get
the ids SQLite gives them: a PostgreSQL base holds the rows a SQLite base holds.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from historiograph.errors import HistoriographError
from historiograph.nlp.names import name_key
from historiograph.resolve.resolver import (
    Cluster,
    Digest,
    Link,
    NameMention,
    canonical_name,
    mention_key,
    resolve,
    side_by_side,
    stated_aliases,
)
from historiograph.store import knowledge
from historiograph.store.dialect import SqlConnection, sql_connection

if TYPE_CHECKING:
    from historiograph.store.dialect import AnyConnection
    from historiograph.store.opening import AnyStore

MentionRef = tuple[str, int, int]


@dataclass(frozen=True, slots=True)
class ResolutionSummary:
    mentions: int
    entities: int
    merges: int
    overrides: int


def resolve_entities(store: AnyStore) -> ResolutionSummary:
    """Recompute every entity from all mentions, then apply the stored overrides."""
    update_resolution(store, full=True)
    return resolution_summary(store)


def resolution_summary(store: AnyStore) -> ResolutionSummary:
    db = sql_connection(store.conn)
    counts = [
        int(db.query(f"SELECT count(*) FROM {table}").fetchone()[0])
        for table in ("mentions", "entities", "entity_links", "entity_overrides")
    ]
    return ResolutionSummary(*counts)


def refresh_entity_summaries(conn: AnyConnection) -> None:
    """Rebuild the per-entity summaries (names, merge evidence, events) from the mentions.

    One pass over all mentions when entities change, instead of one per page view of a
    much-mentioned entity.
    """
    db = sql_connection(conn)
    for table in ("entity_aliases", "entity_merges", "entity_events"):
        db.execute(f"DELETE FROM {table}")
    _insert_summaries(db, "")


# One row per rule and pair of spellings (the best-scored link's evidence, the first by
# its span among equals, so that a partial rebuild picks what a whole one does): a merge
# of two identical spellings tells a reviewer nothing. NULLS FIRST is SQLite's order for
# a link without evidence, which PostgreSQL would list last.
_MERGES = (
    "INSERT INTO entity_merges"
    ' (entity_id, rule, score, name_a, name_b, source_id, start, "end")'
    ' SELECT entity_id, rule, score, name_a, name_b, source_id, start, "end" FROM'
    " (SELECT l.entity_id, l.rule, l.score, a.text AS name_a, b.text AS name_b, l.source_id,"
    ' l.start, l."end", row_number() OVER (PARTITION BY l.entity_id, l.rule, a.text, b.text'
    " ORDER BY l.score DESC, l.source_id COLLATE BINARY NULLS FIRST, l.start NULLS FIRST,"
    ' l."end" NULLS FIRST) AS rank'
    " FROM entity_links AS l JOIN mentions AS a ON a.id = l.mention_a"
    " JOIN mentions AS b ON b.id = l.mention_b WHERE a.text != b.text {where}) AS ranked"
    " WHERE rank = 1"
)


def _insert_summaries(db: SqlConnection, where: str, *params: Any) -> None:
    db.execute(
        "INSERT INTO entity_aliases (entity_id, text, mentions)"
        f" SELECT entity_id, text, count(*) FROM mentions WHERE 1 = 1 {where.replace('l.', '')}"
        " GROUP BY entity_id, text",
        params,
    )
    db.execute(_MERGES.format(where=where), params)
    db.execute(
        "INSERT OR IGNORE INTO entity_events"
        " (entity_id, event_id, earliest, latest, source_id, start)"
        " SELECT m.entity_id, e.id, e.earliest, e.latest, e.source_id, e.start"
        " FROM mentions AS m JOIN event_mentions AS em ON em.mention_id = m.id"
        f" JOIN events AS e ON e.id = em.event_id WHERE 1 = 1 {where.replace('l.', 'm.')}",
        params,
    )


def _refresh_summaries(db: SqlConnection, entity_ids: list[int]) -> None:
    """The summaries of these entities only (the caller deleted their old ones)."""
    for entity_id in entity_ids:
        _insert_summaries(db, "AND l.entity_id = ?", entity_id)


def _original(db: SqlConnection, source: str) -> str | None:
    row = db.query("SELECT original FROM sources WHERE id = ?", (source,)).fetchone()
    return None if row is None else str(row[0])


class _Numbering:
    """Ids for the new rows of one table in this transaction, as SQLite numbers an INTEGER
    PRIMARY KEY: max + 1 on (store/dialect.py: ``next_id``), read when the first is taken,
    after the transaction's deletions. A PostgreSQL identity would never reuse a deleted
    row's id, so its rows (and their order) would part from SQLite's after one update."""

    __slots__ = ("db", "following", "table")

    def __init__(self, db: SqlConnection, table: str) -> None:
        self.db = db
        self.table = table
        self.following: int | None = None

    def take(self, count: int = 1) -> int:
        """The first of ``count`` consecutive new ids."""
        if self.following is None:
            self.following = self.db.next_id(self.table)
        first = self.following
        self.following += count
        return first


def _link_row(entity_id: int, link: Link) -> tuple[Any, ...]:
    source, start, end = link.evidence if link.evidence else (None, None, None)
    return (entity_id, link.a, link.b, link.rule, link.score, source, start, end)


def _apply_overrides(
    clusters: list[Cluster],
    overrides: list[Any],
    by_ref: dict[MentionRef, int],
    texts: dict[int, str],
    counts: dict[int, int],
) -> list[Cluster]:
    """Apply users' merges, splits and renames, in order, to the automatic clusters.

    ``by_ref``: the mentions the overrides name; ``texts`` and ``counts``: each resolved
    mention's name and how many mentions it stands for.
    """
    home = {m: i for i, c in enumerate(clusters) for m in c.mentions}
    renamed: set[int] = set()
    for row in overrides:
        args = json.loads(row["args"])
        refs = [by_ref.get((str(r[0]), int(r[1]), int(r[2]))) for r in args.get("mentions", [])]
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
            names = [texts[i] for i in ids]
            weights = [counts[i] for i in ids]
            clusters.append(Cluster(source.type, canonical_name(names, weights), list(ids), []))
            for m in ids:
                home[m] = len(clusters) - 1
        elif row["action"] == "rename" and ids:
            clusters[home[ids[0]]].name = str(args["name"])
            renamed.add(home[ids[0]])
    for index, cluster in enumerate(clusters):
        if cluster.mentions and index not in renamed:
            cluster.name = canonical_name(
                [texts[i] for i in cluster.mentions], [counts[i] for i in cluster.mentions]
            )
    return [c for c in clusters if c.mentions]


def add_override(store: AnyStore, action: str, args: dict[str, Any]) -> None:
    with store.transaction() as conn:
        sql_connection(conn).execute(
            "INSERT INTO entity_overrides (action, args, created_at) VALUES (?, ?, ?)",
            (action, json.dumps(args, ensure_ascii=False), datetime.now(UTC).isoformat()),
        )


def find_entities(
    store: AnyStore, *, name: str | None = None, kind: str | None = None
) -> list[dict[str, Any]]:
    """Entities with their mention counts, filtered by type and by a name or alias."""
    return knowledge.find_entities(store.conn, name=name, kind=kind)


def entity_detail(store: AnyStore, entity_id: int) -> dict[str, Any]:
    """An entity's names, mentions in context, merge evidence and events."""
    return knowledge.entity_detail(store.conn, entity_id)


def mention_ref(store: AnyStore, mention_id: int) -> MentionRef:
    row = (
        sql_connection(store.conn)
        .query('SELECT source_id, start, "end" FROM mentions WHERE id = ?', (mention_id,))
        .fetchone()
    )
    if row is None:
        raise HistoriographError(f"no mention with id {mention_id}")
    return (row[0], row[1], row[2])


def entity_ref(store: AnyStore, entity_id: int) -> MentionRef:
    """A mention that stands for an entity in an override (its first one)."""
    row = (
        sql_connection(store.conn)
        .query(
            'SELECT source_id, start, "end" FROM mentions WHERE entity_id = ? ORDER BY id LIMIT 1',
            (entity_id,),
        )
        .fetchone()
    )
    if row is None:
        raise HistoriographError(f"no entity with id {entity_id}")
    return (row[0], row[1], row[2])


def compute_relations(store: AnyStore, changes: Changes | None = None) -> int:
    """Rebuild the relations from every source's mentions; return how many there are.

    With ``changes`` (from :func:`update_resolution`), only the sources added, gone or
    whose mentions changed entity are read again: each source's share is kept in
    ``relation_parts``, and a relation is the sum of its shares, its evidence the first
    ones in source order, so both ways give the same relations.
    """
    from historiograph.resolve.relations import Placed, Relation, relations_of_source

    db = sql_connection(store.conn)
    with store.transaction():
        db.lock_out_writers("sources")
        full = changes is None or changes.full
        if full:
            db.execute("DELETE FROM relation_parts")
            todo = [r[0] for r in db.query("SELECT id FROM sources ORDER BY id COLLATE BINARY")]
        else:
            assert changes is not None
            todo = sorted((set(changes.added) | changes.sources) - set(changes.gone))
        stale: set[tuple[int, int, str]] = set()
        delta: dict[tuple[int, int, str], int] = defaultdict(int)  # weight change per relation
        for source_id in sorted(set(todo) | set(() if changes is None else changes.gone)):
            for r in db.query(
                "SELECT a, b, type, weight FROM relation_parts WHERE source_id = ?", (source_id,)
            ):
                stale.add((r[0], r[1], r[2]))
                delta[(r[0], r[1], r[2])] -= r[3]
            db.execute("DELETE FROM relation_parts WHERE source_id = ?", (source_id,))
        for source_id in todo:
            found: dict[tuple[int, int, str], Relation] = {}
            # In text order, ties by id (the order of SQLite's index): which of two mentions
            # at one offset comes first decides the pairs a sentence gives.
            mentions = [
                Placed(row[0], row[1], row[2], row[3])
                for row in db.query(
                    'SELECT entity_id, type, start, "end" FROM mentions WHERE source_id = ?'
                    " ORDER BY start, id",
                    (source_id,),
                )
            ]
            if len(mentions) < 2:
                continue
            paragraphs = [
                (row[0], row[1])
                for row in db.query(
                    'SELECT start, "end" FROM spans WHERE source_id = ? AND kind IN'
                    " ('paragraph', 'footnote', 'bibliography_item', 'postscript')"
                    ' ORDER BY start, "end", id',
                    (source_id,),
                )
            ]
            text = store.original_text(source_id)
            relations_of_source(source_id, text, paragraphs, mentions, found)
            db.executemany(
                "INSERT INTO relation_parts (source_id, a, b, type, weight, evidence)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (source_id, r.source, r.target, r.type, r.weight, json.dumps(r.evidence))
                    for r in found.values()
                ],
            )
            stale.update(found)
            for key, relation in found.items():
                delta[key] += relation.weight
        old_weights: dict[tuple[int, int, str], int] = {}
        if full:
            db.execute("DELETE FROM relation_evidence")
            db.execute("DELETE FROM relations")
            stale = {
                (r[0], r[1], r[2])
                for r in db.query("SELECT DISTINCT a, b, type FROM relation_parts")
            }
        else:
            for a, b, kind in sorted(stale):
                row = db.query(
                    "SELECT coalesce(sum(weight), 0) FROM relations"
                    " WHERE source = ? AND target = ? AND type = ?",
                    (a, b, kind),
                ).fetchone()
                old_weights[(a, b, kind)] = int(row[0])  # int: PostgreSQL's sum is numeric
                db.execute(
                    "DELETE FROM relations WHERE source = ? AND target = ? AND type = ?",
                    (a, b, kind),
                )
        db.execute("DELETE FROM relations WHERE type = 'part-of'")
        ids = _Numbering(db, "relations")
        for a, b, kind in sorted(stale):
            # The weight by its change (the sum over every source would cost the corpus);
            # the evidence from the first shares in source order, read until it is whole.
            weight = 0
            evidence: list[tuple[str, int, int]] = []
            parts = db.query(
                "SELECT weight, evidence FROM relation_parts WHERE a = ? AND b = ? AND type = ?"
                " ORDER BY source_id COLLATE BINARY",
                (a, b, kind),
            )
            for part_weight, part_evidence in parts:
                weight += part_weight
                evidence.extend(tuple(e) for e in json.loads(part_evidence))
                if not full and len(evidence) >= _EVIDENCE:
                    weight = old_weights.get((a, b, kind), 0) + delta[(a, b, kind)]
                    break
            if weight:
                _insert_relation(db, ids, Relation(a, b, kind, weight, evidence[:_EVIDENCE]))
        for relation in _part_of(db).values():
            _insert_relation(db, ids, relation)
        db.execute(
            "DELETE FROM relation_evidence WHERE NOT EXISTS"
            " (SELECT 1 FROM relations WHERE relations.id = relation_evidence.relation_id)"
        )
        return int(db.query("SELECT count(*) FROM relations").fetchone()[0])


_EVIDENCE = 5  # evidence spans kept per relation (as relations_of_source keeps per source)


def _insert_relation(db: SqlConnection, ids: _Numbering, relation: Any) -> None:
    relation_id = ids.take()
    db.execute(
        "INSERT INTO relations (id, source, target, type, weight) VALUES (?, ?, ?, ?, ?)",
        (relation_id, relation.source, relation.target, relation.type, relation.weight),
    )
    db.executemany(
        'INSERT INTO relation_evidence (relation_id, position, source_id, start, "end")'
        " VALUES (?, ?, ?, ?, ?)",
        [(relation_id, position, *evidence) for position, evidence in enumerate(relation.evidence)],
    )


def _part_of(db: SqlConnection) -> dict[tuple[int, int, str], Any]:
    """Organisations named inside others' names (from the entities alone: cheap)."""
    from historiograph.resolve.relations import part_of_relations

    names: dict[int, tuple[str, str]] = {}
    keys: dict[str, list[int]] = defaultdict(list)
    # In the order of the name index (SQLite reads the entities from it), which is the
    # order the relations are numbered in.
    for row in db.query(
        "SELECT id, key, type FROM entities ORDER BY key COLLATE BINARY, type COLLATE BINARY, id"
    ):
        names[row["id"]] = (row["key"], row["type"])
        keys[row["key"]].append(row["id"])
    first_mentions = {}
    for entity_id, (key, kind) in names.items():
        if kind == "organization" and " of " in key:
            row = db.query(
                'SELECT source_id, start, "end" FROM mentions WHERE entity_id = ?'
                " ORDER BY id LIMIT 1",
                (entity_id,),
            ).fetchone()
            if row is not None:
                first_mentions[entity_id] = (row[0], row[1], row[2])
    found: dict[tuple[int, int, str], Any] = {}
    part_of_relations(names, keys, first_mentions, found)
    return found


def iter_relations(store: AnyStore) -> Iterator[dict[str, Any]]:
    """Relations in the JSON contract's shape, strongest first."""
    db = sql_connection(store.conn)
    for row in db.query(
        "SELECT id, source, target, type, weight FROM relations ORDER BY weight DESC, id"
    ).fetchall():
        evidence = [
            {
                "source": e[0],
                "start": e[1],
                "end": e[2],
                "text": store.original_text(e[0])[e[1] : e[2]],
            }
            for e in db.query(
                'SELECT source_id, start, "end" FROM relation_evidence WHERE relation_id = ?'
                " ORDER BY position",
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


def geocode_places(store: AnyStore, changes: Changes | None = None) -> tuple[int, int]:
    """Give place entities coordinates; return (resolved, unresolved) among those placed now.

    Each document's places are resolved together, so the region that document
    is about decides between same-named places ("Peza" beside Tirana and
    Elbasan); a place named in several documents takes the answer of the
    document that names it most. Nothing is guessed below the geocoder's own
    threshold. Each document's answers are kept (``geocode_parts``): with
    ``changes``, only the documents added, gone, or naming a changed entity are
    geocoded again, and the places they name decided again from the kept answers.
    """
    from historiograph.places.geocode import default_geocoder

    db = sql_connection(store.conn)
    geocoder = default_geocoder()
    with store.transaction():
        db.lock_out_writers("sources")
        full = changes is None or changes.full
        if full:
            db.execute("DELETE FROM geocode_parts")
            todo = {r[0] for r in db.query("SELECT id FROM sources")}
            decide = {r[0] for r in db.query("SELECT id FROM entities WHERE type = 'place'")}
        else:
            assert changes is not None
            todo = set(changes.added) | set(changes.sources)
            # Only a rewritten entity may have a new name; the others read as before in
            # the documents that did not change.
            decide = set(changes.rewritten)
            for chunk in _chunks(sorted(decide)):
                # A renamed place reads differently in every document naming it.
                todo.update(
                    r[0]
                    for r in db.query(
                        f"SELECT DISTINCT source_id FROM geocode_parts"
                        f" WHERE entity_id IN ({_marks(chunk)})",
                        chunk,
                    )
                    if r[0] not in changes.gone
                )
            for source_id in sorted(todo | set(changes.gone)):
                decide.update(
                    r[0]
                    for r in db.query(
                        "SELECT entity_id FROM geocode_parts WHERE source_id = ?", (source_id,)
                    )
                )
                db.execute("DELETE FROM geocode_parts WHERE source_id = ?", (source_id,))
        for source_id in sorted(todo):
            places = db.query(
                "SELECT e.id, e.name, count(*) AS n FROM mentions AS m"
                " JOIN entities AS e ON e.id = m.entity_id"
                " WHERE m.source_id = ? AND e.type = 'place' GROUP BY e.id ORDER BY e.id",
                (source_id,),
            ).fetchall()
            if not places:
                continue
            found = geocoder.geocode_all([row["name"] for row in places])
            rows = []
            for row in places:
                hit = found.get(row["name"])
                decide.add(row["id"])
                rows.append(
                    (source_id, row["id"], row["name"], row["n"], 0, None, None, None, None)
                    if hit is None
                    else (
                        source_id,
                        row["id"],
                        row["name"],
                        row["n"],
                        1,
                        hit.latitude,
                        hit.longitude,
                        round(hit.confidence, 3),
                        hit.reason,
                    )
                )
            db.executemany(
                "INSERT INTO geocode_parts (source_id, entity_id, name, n, hit, latitude,"
                " longitude, confidence, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
        resolved = unresolved = 0
        for entity_id in sorted(decide):
            # The answer of the document naming the place most, among those that found
            # it (the first such document on a tie); else not located.
            best = db.query(
                "SELECT hit, latitude, longitude, confidence, reason FROM geocode_parts"
                " WHERE entity_id = ? ORDER BY hit DESC, n DESC, source_id COLLATE BINARY"
                " LIMIT 1",
                (entity_id,),
            ).fetchone()
            if best is None:
                continue
            if not best["hit"]:
                unresolved += 1
                db.execute(
                    "UPDATE entities SET latitude = NULL, longitude = NULL, geo_confidence = NULL,"
                    " geo_reason = 'not in the offline gazetteer' WHERE id = ?",
                    (entity_id,),
                )
                continue
            resolved += 1
            db.execute(
                "UPDATE entities SET latitude = ?, longitude = ?, geo_confidence = ?,"
                " geo_reason = ? WHERE id = ?",
                (best[1], best[2], best[3], best[4], entity_id),
            )
    return resolved, unresolved


# -- incremental resolution ------------------------------------------------------------
#
# Resolution is global (a short form fits "exactly one" longer name of the corpus), but
# almost all of its cost is per mention and per source. So each source is digested once
# into its distinct spellings ("units": type, text, cleaned name, expansion, and the
# mention itself when an override names it), the name pairs it keeps apart and the
# aliases it states; the rules then run over the units of the whole corpus, a few per
# distinct name. A full resolution digests every source, an incremental one only the
# sources added or gone since the last one; both run the same rules on the same units,
# so they give the same result. Writing then touches only the entities whose units,
# links or name changed, plus the mentions of the changed sources.

# The digest tables (resolve_*), like relation_parts and geocode_parts below, are made by
# migration 14 (store/migrations.py).

_DIGEST_TABLES = (
    "resolve_rows",
    "resolve_apart",
    "resolve_aliases",
    "resolve_cooccur",
    "resolve_sources",
    "resolve_clusters",
    "resolve_meta",
)


@dataclass(slots=True)
class _Row:
    """A unit's mentions in one source."""

    source_id: str
    unit: int
    first: int
    ids: list[int]
    entity: int


@dataclass(frozen=True, slots=True)
class Changes:
    """What an incremental resolution did: sources digested and gone, entities rewritten."""

    added: tuple[str, ...]
    gone: tuple[str, ...]
    entities: frozenset[int]  # entity ids whose mentions, links or name changed
    sources: frozenset[str]  # sources whose mentions now point elsewhere (for relations)
    rewritten: frozenset[int]  # entity ids rewritten whole (their name may have changed)
    full: bool


def _override_state(db: SqlConnection) -> str:
    row = db.query("SELECT count(*), coalesce(max(id), 0) FROM entity_overrides").fetchone()
    return f"{row[0]}:{row[1]}"


def _override_refs(db: SqlConnection) -> set[MentionRef]:
    refs: set[MentionRef] = set()
    for (args,) in db.query("SELECT args FROM entity_overrides"):
        for ref in json.loads(args).get("mentions", []):
            refs.add((str(ref[0]), int(ref[1]), int(ref[2])))
    return refs


def _unit_id(
    db: SqlConnection,
    cache: dict[tuple[Any, ...], int],
    spelling: tuple[Any, ...],
    ids: _Numbering,
) -> int:
    found = cache.get(spelling)
    if found is None:
        row = db.query(
            "SELECT id FROM resolve_units WHERE type = ? AND text = ? AND clean = ?"
            " AND expansion = ? AND carve = ?",
            spelling[:5],
        ).fetchone()
        if row is None:
            found = ids.take()
            db.execute(
                "INSERT INTO resolve_units (id, type, text, clean, expansion, carve, key)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (found, *spelling),
            )
        else:
            found = int(row[0])
        cache[spelling] = found
    return found


def _digest_source(
    db: SqlConnection,
    source_id: str,
    refs: set[MentionRef],
    units: dict[tuple[Any, ...], int],
    unit_ids: _Numbering,
) -> set[tuple[str, str]]:
    """Store one source's units, kept-apart pairs and aliases; return its (type, key)s."""
    rows = db.query(
        'SELECT id, text, type, start, "end", attrs, entity_id FROM mentions'
        " WHERE source_id = ? ORDER BY id",
        (source_id,),
    ).fetchall()
    mentions = []
    grouped: dict[int, _Row] = {}
    unit_of: dict[int, int] = {}
    names: set[tuple[str, str]] = set()
    for row in rows:
        attrs = json.loads(row["attrs"])
        clean = str(attrs.get("clean", row["text"]))
        expansion = attrs.get("expansion")
        mention = NameMention(
            row["id"], source_id, clean, row["type"], row["start"], row["end"], expansion
        )
        mentions.append(mention)
        carve = row["id"] if (source_id, row["start"], row["end"]) in refs else 0
        key = mention_key(clean)
        spelling = (row["type"], row["text"], clean, expansion or "", carve, key)
        unit = _unit_id(db, units, spelling, unit_ids)
        unit_of[row["id"]] = unit
        names.add((row["type"], key))
        found = grouped.get(unit)
        if found is None:
            grouped[unit] = _Row(source_id, unit, row["id"], [row["id"]], row["entity_id"])
        else:
            found.ids.append(row["id"])
    # In the order of their first mentions: the order the rows are read back in.
    db.executemany(
        "INSERT INTO resolve_rows (source_id, unit_id, first_mention, n, entity_id, mention_ids)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [
            (source_id, r.unit, r.first, len(r.ids), r.entity, json.dumps(r.ids))
            for r in grouped.values()
        ],
    )
    text: list[str | None] = []

    def original() -> str | None:
        if not text:
            text.append(_original(db, source_id))
        return text[0]

    keys = {m.id: mention_key(m.text) for m in mentions}
    db.executemany(
        "INSERT INTO resolve_apart (source_id, a, b) VALUES (?, ?, ?)",
        [(source_id, *sorted(pair)) for pair in side_by_side(mentions, keys, original)],
    )
    db.executemany(
        'INSERT INTO resolve_aliases (source_id, mention_a, mention_b, start, "end", unit_a,'
        " unit_b) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (source_id, a, b, evidence[1], evidence[2], unit_of[a], unit_of[b])
            for a, b, evidence in stated_aliases(mentions, original)
        ],
    )
    db.execute("INSERT INTO resolve_sources (source_id) VALUES (?)", (source_id,))
    return names


# A source's resolve rows in the order they were written (by first mention; SQLite's
# rowid order through its source index).
_SOURCE_ROWS = (
    "SELECT unit_id, first_mention, entity_id, mention_ids FROM resolve_rows"
    " WHERE source_id = ? ORDER BY first_mention"
)


def _forget_source(db: SqlConnection, source_id: str) -> list[_Row]:
    """Drop a gone source's digest; return its rows (what its mentions were)."""
    rows = [
        _Row(source_id, r[0], r[1], json.loads(r[3]), r[2])
        for r in db.query(_SOURCE_ROWS, (source_id,))
    ]
    for table in ("resolve_rows", "resolve_apart", "resolve_aliases", "resolve_sources"):
        db.execute(f"DELETE FROM {table} WHERE source_id = ?", (source_id,))
    return rows


class _Cooccurrence:
    """Whether two names of a type share a source: cached, and kept true by the changes."""

    def __init__(self, db: SqlConnection) -> None:
        self.db = db
        self.known: dict[tuple[str, str, str], bool] = {
            (r[0], r[1], r[2]): bool(r[3])
            for r in db.query("SELECT type, a, b, yes FROM resolve_cooccur")
        }
        self.changed = False

    def added(self, names: set[tuple[str, str]]) -> None:
        """A new source names all of ``names``: pairs among them now co-occur."""
        for pair, yes in self.known.items():
            if not yes and (pair[0], pair[1]) in names and (pair[0], pair[2]) in names:
                self.known[pair] = self.changed = True

    def gone(self, names: set[tuple[str, str]]) -> None:
        """A source naming ``names`` is gone: pairs among them must be asked again."""
        for pair in [p for p in self.known if (p[0], p[1]) in names and (p[0], p[2]) in names]:
            del self.known[pair]
            self.changed = True

    def __call__(self, kind: str, a: str, b: str) -> bool:
        pair = (kind, *sorted((a, b)))
        found = self.known.get((pair[0], pair[1], pair[2]))
        if found is None:
            row = self.db.query(
                "SELECT 1 FROM resolve_rows AS r JOIN resolve_units AS u ON u.id = r.unit_id"
                " WHERE u.type = ? AND u.key = ? AND r.source_id IN (SELECT r2.source_id"
                " FROM resolve_rows AS r2 JOIN resolve_units AS u2 ON u2.id = r2.unit_id"
                " WHERE u2.type = ? AND u2.key = ?) LIMIT 1",
                (kind, pair[1], kind, pair[2]),
            ).fetchone()
            found = self.known[(pair[0], pair[1], pair[2])] = row is not None
            self.changed = True
        return found

    def save(self) -> None:
        if self.changed:
            self.db.execute("DELETE FROM resolve_cooccur")
            self.db.executemany(
                "INSERT INTO resolve_cooccur (type, a, b, yes) VALUES (?, ?, ?, ?)",
                [(*pair, int(yes)) for pair, yes in self.known.items()],
            )


def _names_of(db: SqlConnection, rows: list[_Row]) -> set[tuple[str, str]]:
    units = sorted({r.unit for r in rows})
    names: set[tuple[str, str]] = set()
    for chunk in _chunks(units):
        names.update(
            (r[0], r[1])
            for r in db.query(
                f"SELECT type, key FROM resolve_units WHERE id IN ({_marks(chunk)})", chunk
            )
        )
    return names


def _chunks(items: list[Any], size: int = 500) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _marks(items: list[Any]) -> str:
    return ", ".join("?" for _ in items)


@dataclass(slots=True)
class _Unit:
    mention: NameMention  # stands for all of the unit's mentions: the first of them
    count: int
    votes: dict[int, tuple[int, int]]  # previous entity -> (mentions, first mention)


def _load_units(db: SqlConnection) -> dict[int, _Unit]:
    units: dict[int, _Unit] = {}
    spellings = {
        r[0]: tuple(r) for r in db.query("SELECT id, type, clean, expansion FROM resolve_units")
    }
    # In the unit index's order, as SQLite reads it (PostgreSQL may hash the groups). The
    # count is an int: PostgreSQL's sum of a BIGINT is a numeric (a Decimal in Python).
    for unit_id, entity_id, first, n in db.query(
        "SELECT unit_id, entity_id, min(first_mention), sum(n) FROM resolve_rows"
        " GROUP BY unit_id, entity_id ORDER BY unit_id, entity_id"
    ):
        found = units.get(unit_id)
        if found is None:
            _, kind, clean, expansion = spellings[unit_id]
            mention = NameMention(first, "", clean, kind, 0, 0, expansion or None)
            found = units[unit_id] = _Unit(mention, 0, {})
        elif first < found.mention.id:
            found.mention = replace(found.mention, id=first)
        found.count += int(n)
        found.votes[entity_id] = (int(n), first)
    return units


def _resolve_units(
    db: SqlConnection, units: dict[int, _Unit], cooccur: _Cooccurrence
) -> list[Cluster]:
    by_stand = {u.mention.id: u for u in units.values()}
    stand_of = {unit_id: u.mention.id for unit_id, u in units.items()}
    apart = {frozenset(r) for r in db.query("SELECT DISTINCT a, b FROM resolve_apart")}
    aliases = [
        (r[0], r[1], (r[2], r[3], r[4]), stand_of[r[5]], stand_of[r[6]])
        for r in db.query(
            'SELECT mention_a, mention_b, source_id, start, "end", unit_a, unit_b'
            " FROM resolve_aliases ORDER BY mention_a, mention_b"
        )
    ]
    digest = Digest(apart, aliases, {m: u.count for m, u in by_stand.items()}, cooccur)
    mentions = [by_stand[m].mention for m in sorted(by_stand)]
    clusters = resolve(mentions, digest=digest)
    overrides = db.query("SELECT action, args FROM entity_overrides ORDER BY id").fetchall()
    by_ref: dict[MentionRef, int] = {}
    for ref in _override_refs(db):
        row = db.query(
            'SELECT id FROM mentions WHERE source_id = ? AND start = ? AND "end" = ?', ref
        ).fetchone()
        if row is not None and row[0] in by_stand:
            by_ref[ref] = int(row[0])
    texts = {m: u.mention.text for m, u in by_stand.items()}
    counts = {m: u.count for m, u in by_stand.items()}
    return _apply_overrides(clusters, overrides, by_ref, texts, counts)


def _choose_id(votes: dict[int, tuple[int, int]], used: set[int], top: int) -> int:
    """The id most of the cluster's mentions had (ties: the earliest mention's)."""
    for entity_id, _ in sorted(votes.items(), key=lambda kv: (-kv[1][0], kv[1][1])):
        if entity_id not in used:
            return entity_id
    return max([*used, top, 0]) + 1


def _shape(cluster: Cluster, unit_ids: list[int]) -> str:
    """What an entity is made of, compared to decide whether it needs rewriting."""
    links = sorted(
        (link.a, link.b, link.rule, link.score, list(link.evidence or ())) for link in cluster.links
    )
    return json.dumps([cluster.type, cluster.name, name_key(cluster.name), sorted(unit_ids), links])


def update_resolution(store: AnyStore, *, full: bool = False) -> Changes:
    """Bring entities up to date with the sources, digesting only what changed.

    ``full``: digest every source again (what ``historiograph resolve`` does); the
    result is the same either way, only the cost differs.
    """
    db = sql_connection(store.conn)
    with store.transaction():
        db.lock_out_writers("sources")
        db.defer_foreign_keys()  # mentions point at entities while they are rewritten
        state = db.query("SELECT value FROM resolve_meta WHERE name = 'overrides'").fetchone()
        covered = db.query("SELECT count(*) FROM resolve_sources").fetchone()[0]
        if state is None or state[0] != _override_state(db) or (covered == 0):
            full = True  # an override names mentions anew: every source is digested again
        if full:
            for table in _DIGEST_TABLES:
                db.execute(f"DELETE FROM {table}")
            db.execute("DELETE FROM resolve_units")
        gone_ids = [
            r[0]
            for r in db.query(
                "SELECT source_id FROM resolve_sources WHERE NOT EXISTS (SELECT 1 FROM sources"
                " WHERE sources.id = resolve_sources.source_id) ORDER BY source_id COLLATE BINARY"
            )
        ]
        added_ids = [
            r[0]
            for r in db.query(
                "SELECT id FROM sources WHERE NOT EXISTS (SELECT 1 FROM resolve_sources"
                " WHERE resolve_sources.source_id = sources.id) ORDER BY id COLLATE BINARY"
            )
        ]
        cooccur = _Cooccurrence(db)
        gone_rows: list[_Row] = []
        for source_id in gone_ids:
            rows = _forget_source(db, source_id)
            cooccur.gone(_names_of(db, rows))
            gone_rows.extend(rows)
        refs = _override_refs(db)
        spellings: dict[tuple[Any, ...], int] = {}
        unit_ids = _Numbering(db, "resolve_units")
        for source_id in added_ids:
            cooccur.added(_digest_source(db, source_id, refs, spellings, unit_ids))
        added_rows = [
            _Row(source_id, r[0], r[1], json.loads(r[3]), r[2])
            for source_id in ([] if full else added_ids)
            for r in db.query(_SOURCE_ROWS, (source_id,))
        ]
        units = _load_units(db)
        clusters = _resolve_units(db, units, cooccur)
        cooccur.save()
        changes = _write_entities(db, units, clusters, gone_rows, added_rows, full=full)
        db.execute(
            "INSERT INTO resolve_meta (name, value) VALUES ('overrides', ?)"
            " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            (_override_state(db),),
        )
    # The next provisional entity (an ingest's) is numbered after the largest id left, as
    # on SQLite; resolution chooses among those ids, so both stores keep choosing alike.
    db.restart_identity("entities")
    return Changes(tuple(added_ids), tuple(gone_ids), *changes, full)


def _rows_of_units(db: SqlConnection, unit_ids: list[int]) -> list[_Row]:
    rows: list[_Row] = []
    for chunk in _chunks(unit_ids):
        # In the unit index's order (SQLite reads them from it): one row per source and
        # unit, so the first mention settles ties. The links are written in this order.
        rows.extend(
            _Row(r[0], r[1], r[2], json.loads(r[4]), r[3])
            for r in db.query(
                "SELECT source_id, unit_id, first_mention, entity_id, mention_ids FROM resolve_rows"
                f" WHERE unit_id IN ({_marks(chunk)}) ORDER BY unit_id, entity_id, first_mention",
                chunk,
            )
        )
    return rows


def _write_entities(
    db: SqlConnection,
    units: dict[int, _Unit],
    clusters: list[Cluster],
    gone_rows: list[_Row],
    added_rows: list[_Row],
    *,
    full: bool,
) -> tuple[frozenset[int], frozenset[str], frozenset[int]]:
    """Write the clusters as entities, rewriting only those whose shape changed."""
    unit_of_stand = {u.mention.id: unit_id for unit_id, u in units.items()}
    top = max((e for u in units.values() for e in u.votes), default=0)
    used: set[int] = set()
    entity_of_unit: dict[int, int] = {}
    owner: dict[int, int] = {}  # unit -> entity holding the same-name links to its mentions
    first_of: dict[int, int] = {}  # unit -> first mention of its name key (those links' a)
    shapes: dict[int, str] = {}
    made: dict[int, Cluster] = {}
    for cluster in sorted(clusters, key=lambda c: min(c.mentions)):
        votes: dict[int, tuple[int, int]] = {}
        for stand in cluster.mentions:
            for entity_id, (n, first) in units[unit_of_stand[stand]].votes.items():
                had = votes.get(entity_id, (0, first))
                votes[entity_id] = (had[0] + n, min(had[1], first))
        entity_id = _choose_id(votes, used, top)
        used.add(entity_id)
        unit_ids = [unit_of_stand[m] for m in cluster.mentions]
        for unit_id in unit_ids:
            entity_of_unit[unit_id] = entity_id
        for link in cluster.links:
            if link.rule == "same-name":
                unit_id = unit_of_stand[link.b]
                owner[unit_id] = entity_id
                first_of[unit_id] = link.a
        shapes[entity_id] = _shape(cluster, unit_ids)
        made[entity_id] = cluster
    old = {r[0]: r[1] for r in db.query("SELECT entity_id, shape FROM resolve_clusters")}
    if full:
        for table in ("entity_links", "entities", "entity_aliases", "entity_merges"):
            db.execute(f"DELETE FROM {table}")
        db.execute("DELETE FROM entity_events")
        old = {}
    rewrite = {e for e, shape in shapes.items() if old.get(e) != shape}
    removed = set(old) - set(shapes)
    moved_sources: set[str] = set()
    texts = {
        r[0]: r[1]
        for chunk in _chunks(sorted({r.unit for r in [*gone_rows, *added_rows]}))
        for r in db.query(
            f"SELECT id, text FROM resolve_units WHERE id IN ({_marks(chunk)})", chunk
        )
    }
    # Mentions gone with their sources: their links and their share of the kept entities'
    # names and events. (First, as SQLite may give their ids to new mentions.)
    for row in gone_rows:
        db.executemany(
            "DELETE FROM entity_links WHERE mention_b = ? AND rule = 'same-name'",
            [(m,) for m in row.ids],
        )
        if row.entity in shapes and row.entity not in rewrite:
            db.execute(
                "UPDATE entity_aliases SET mentions = mentions - ?"
                " WHERE entity_id = ? AND text = ?",
                (len(row.ids), row.entity, texts[row.unit]),
            )
            db.execute(
                "DELETE FROM entity_events WHERE entity_id = ? AND source_id = ?",
                (row.entity, row.source_id),
            )
    db.execute("DELETE FROM entity_aliases WHERE mentions <= 0")
    for entity_id in removed | rewrite:
        for table, column in (
            ("entity_links", "entity_id"),
            ("entity_aliases", "entity_id"),
            ("entity_merges", "entity_id"),
            ("entity_events", "entity_id"),
            ("resolve_clusters", "entity_id"),
        ):
            db.execute(f"DELETE FROM {table} WHERE {column} = ?", (entity_id,))
        if entity_id in removed:
            db.execute("DELETE FROM entities WHERE id = ?", (entity_id,))
    # Links are numbered from here on, after every deletion of them (as SQLite's rowids).
    link_ids = _Numbering(db, "entity_links")
    # Mentions of the new sources, in entities that keep their shape.
    for row in added_rows:
        entity_id = entity_of_unit[row.unit]
        moved_sources.add(row.source_id)
        if entity_id in rewrite:
            continue  # rewritten whole below
        db.executemany(
            "UPDATE mentions SET entity_id = ? WHERE id = ?", [(entity_id, m) for m in row.ids]
        )
        # "+unit_id" keeps SQLite off the unit index: a common name's unit has a row in
        # nearly every source (10,000 rows on the bench base), a source a few dozen.
        db.execute(
            "UPDATE resolve_rows SET entity_id = ? WHERE source_id = ? AND +unit_id = ?",
            (entity_id, row.source_id, row.unit),
        )
        holder = owner.get(row.unit)
        if holder is not None:
            same_name = [m for m in row.ids if m != first_of[row.unit]]
            first = link_ids.take(len(same_name))
            db.executemany(
                "INSERT INTO entity_links (id, entity_id, mention_a, mention_b, rule, score)"
                " VALUES (?, ?, ?, ?, 'same-name', 1.0)",
                [(first + i, holder, first_of[row.unit], m) for i, m in enumerate(same_name)],
            )
        db.execute(
            "INSERT INTO entity_aliases (entity_id, text, mentions) VALUES (?, ?, ?)"
            " ON CONFLICT (entity_id, text)"
            " DO UPDATE SET mentions = entity_aliases.mentions + excluded.mentions",
            (entity_id, texts[row.unit], len(row.ids)),
        )
        db.execute(
            "INSERT OR IGNORE INTO entity_events"
            " (entity_id, event_id, earliest, latest, source_id, start)"
            " SELECT ?, e.id, e.earliest, e.latest, e.source_id, e.start"
            " FROM event_mentions AS em JOIN events AS e ON e.id = em.event_id"
            f" WHERE em.mention_id IN ({_marks(row.ids)})",
            (entity_id, *row.ids),
        )
    # Entities whose units, links or name changed: written whole.
    rewrite_units = sorted(u for u, e in entity_of_unit.items() if e in rewrite)
    # A split leaves the same-name links to its mentions where they were: those units'
    # mentions are needed to write the links too.
    linked = {
        unit_of_stand[link.b] for e in rewrite for link in made[e].links if link.rule == "same-name"
    }
    by_unit: dict[int, list[_Row]] = defaultdict(list)
    for row in _rows_of_units(db, sorted(set(rewrite_units) | linked)):
        by_unit[row.unit].append(row)
        entity_id = entity_of_unit[row.unit]
        if entity_id in rewrite and row.entity != entity_id:
            moved_sources.add(row.source_id)
            db.executemany(
                "UPDATE mentions SET entity_id = ? WHERE id = ?",
                [(entity_id, m) for m in row.ids],
            )
    for unit_id in rewrite_units:
        db.execute(
            "UPDATE resolve_rows SET entity_id = ? WHERE unit_id = ?",
            (entity_of_unit[unit_id], unit_id),
        )
    for entity_id in sorted(rewrite):
        cluster = made[entity_id]
        row = db.query("SELECT 1 FROM entities WHERE id = ?", (entity_id,)).fetchone()
        values = (name_key(cluster.name), cluster.type, cluster.name, entity_id)
        if row is None:
            db.execute("INSERT INTO entities (key, type, name, id) VALUES (?, ?, ?, ?)", values)
        else:
            db.execute(
                "UPDATE entities SET key = ?, type = ?, name = ?, latitude = NULL,"
                " longitude = NULL, geo_confidence = NULL, geo_reason = NULL WHERE id = ?",
                values,
            )
        links = []
        for link in cluster.links:
            if link.rule != "same-name":
                links.append(_link_row(entity_id, link))
                continue
            for row_ in by_unit[unit_of_stand[link.b]]:
                links.extend(
                    (entity_id, link.a, m, "same-name", 1.0, None, None, None)
                    for m in row_.ids
                    if m != link.a
                )
        first = link_ids.take(len(links))
        db.executemany(
            "INSERT INTO entity_links (id, entity_id, mention_a, mention_b, rule, score,"
            ' source_id, start, "end") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
            [(first + i, *link) for i, link in enumerate(links)],
        )
        db.execute(
            "INSERT INTO resolve_clusters (entity_id, shape) VALUES (?, ?)",
            (entity_id, shapes[entity_id]),
        )
    _refresh_summaries(db, sorted(rewrite))
    # Provisional entities of the new mentions, and any other no mention points at.
    db.execute(
        "DELETE FROM entities WHERE NOT EXISTS"
        " (SELECT 1 FROM resolve_clusters WHERE resolve_clusters.entity_id = entities.id)"
    )
    touched = rewrite | removed | {entity_of_unit[r.unit] for r in added_rows}
    touched |= {r.entity for r in gone_rows}
    return frozenset(touched), frozenset(moved_sources), frozenset(rewrite | removed)
