"""Cross-source comparison in the knowledge base: rebuild the claim groups, and read them.

:func:`compute_claim_groups` rebuilds every group from what is stored. Each
source is reconstructed from its rows (text, spans, edits, metadata; mentions,
dates and events in the order they were saved; its claims), so no file is read
again and no spaCy pipeline runs: the comparison (:mod:`historiograph.compare`)
sees what the extraction saw at ingest. Groups are stored whole as JSON, with
their members' spans in rows of their own for filtering by source.

Either store: the statements are SQLite's SQL, run through store/dialect.py (byte order
for the sources' path order, which decides the groups and their ids; SQLite's LIKE for id
prefixes; rows read by column name on both drivers).
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from historiograph.model import (
    DateMention,
    Event,
    Extraction,
    Mention,
    ParsedSource,
    SourceMetadata,
)
from historiograph.nlp.names import name_key
from historiograph.store.dialect import SqlConnection, sql_connection

if TYPE_CHECKING:
    from historiograph.claims.model import ClaimSet
    from historiograph.compare import ClaimGroup, ComparedSource, Embedder
    from historiograph.store.dialect import AnyConnection
    from historiograph.store.opening import AnyStore

_log = logging.getLogger(__name__)

CLASSIFICATIONS = ("agree", "differ", "contradict", "contested")  # = compare.CLASSIFICATIONS
# The alignment compares every pair of claims (quadratic, in Python): past this many
# claims one rebuild would take minutes, so the comparison is skipped with a warning.
MAX_COMPARED_CLAIMS = 20_000
# LIMIT for "no limit": SQLite takes -1 for it, PostgreSQL refuses a negative LIMIT.
_NO_LIMIT = 2**63 - 1
_ESCAPE = "\\"  # of LIKE patterns: a backslash


# --- rebuilding --------------------------------------------------------------------------------


def compute_claim_groups(store: AnyStore, *, embedder: Embedder | None = None) -> int:
    """Rebuild every claim group from the stored sources and claims; return how many.

    Sources without claims (ingested with ``--no-nlp``) take no part. Fewer
    than two sources with claims leave no groups. The old groups are replaced
    in one transaction, so a failure keeps them.
    """
    from historiograph.compare import compare_sources

    db = sql_connection(store.conn)
    # In byte order of their paths (the comparison's input order: it numbers the groups).
    ids = [
        str(row[0])
        for row in db.query(
            "SELECT id FROM sources WHERE EXISTS"
            " (SELECT 1 FROM claims WHERE claims.source_id = sources.id)"
            " ORDER BY path COLLATE BINARY"
        )
    ]
    claims = int(db.query("SELECT count(*) FROM claims").fetchone()[0])
    groups: list[ClaimGroup] = []
    if claims > MAX_COMPARED_CLAIMS:
        _log.warning(
            "%s: %d claims, more than the %d compared at once: sources not compared",
            store.path,
            claims,
            MAX_COMPARED_CLAIMS,
        )
    elif len(ids) >= 2:
        sources = [compared_source(store, source_id) for source_id in ids]
        groups = compare_sources(sources, embedder=embedder)
    save_groups(store, groups)
    return len(groups)


def save_groups(store: AnyStore, groups: Sequence[ClaimGroup]) -> None:
    """Replace the stored groups with ``groups`` (ids 1.. in the given order)."""
    with store.transaction() as conn:
        db = sql_connection(conn)
        # Two rebuilds at once (two ingesting processes) would both insert group 1.
        db.lock_out_writers("claim_groups")
        db.execute("DELETE FROM claim_group_members")
        db.execute("DELETE FROM claim_groups")
        for number, group in enumerate(groups, start=1):
            db.execute(
                "INSERT INTO claim_groups (id, kind, label, classification, reason, score, data)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    number,
                    group.kind,
                    group.label,
                    group.classification,
                    group.reason,
                    group.score,
                    json.dumps(group.to_dict(), ensure_ascii=False),
                ),
            )
            db.executemany(
                'INSERT INTO claim_group_members (group_id, position, source_id, start, "end",'
                " text, modality, date) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (number, position, m.source_id, m.start, m.end, m.text, m.modality, m.date)
                    for position, m in enumerate(group.members)
                ],
            )


def compared_source(store: AnyStore, source_id: str) -> ComparedSource:
    """A stored source as the comparison takes it: text, extraction and claims from its rows."""
    from historiograph.compare import ComparedSource

    db = sql_connection(store.conn)
    row = db.query(
        "SELECT path, kind, sha256, size_bytes, title, authors, published, language, metadata,"
        " original FROM sources WHERE id = ?",
        (source_id,),
    ).fetchone()
    parsed = ParsedSource(
        path=row["path"],
        kind=row["kind"],
        sha256=row["sha256"],
        size_bytes=row["size_bytes"],
        original=row["original"],
        metadata=SourceMetadata(
            title=row["title"],
            authors=json.loads(row["authors"]),
            published=row["published"],
            language=row["language"],
            extra=json.loads(row["metadata"]),
        ),
        spans=store.spans(source_id),
        edits=store.edits(source_id),
        passages=[],  # search's view; the comparison never reads it
    )
    extraction, mention_index = _extraction(db, source_id)
    claims = _claim_set(db, source_id, extraction, mention_index)
    extraction.claims = claims
    parsed.extraction = extraction
    return ComparedSource(source_id, parsed, extraction, claims)


def _extraction(db: SqlConnection, source_id: str) -> tuple[Extraction, dict[int, int]]:
    """The source's extraction, lists in the order they were saved (by id, as indexes were),
    and stored mention id -> index into ``mentions``."""
    mentions: list[Mention] = []
    mention_index: dict[int, int] = {}
    for row in db.query(
        'SELECT id, start, "end", text, type, attrs FROM mentions WHERE source_id = ? ORDER BY id',
        (source_id,),
    ):
        mention_index[int(row["id"])] = len(mentions)
        mentions.append(
            Mention(row["start"], row["end"], row["text"], row["type"], json.loads(row["attrs"]))
        )
    dates: list[DateMention] = []
    date_index: dict[int, int] = {}
    for row in db.query(
        'SELECT id, start, "end", text, edtf, earliest, latest, anchored FROM dates'
        " WHERE source_id = ? ORDER BY id",
        (source_id,),
    ):
        date_index[int(row["id"])] = len(dates)
        dates.append(
            DateMention(
                row["start"],
                row["end"],
                row["text"],
                row["edtf"],
                row["earliest"],
                row["latest"],
                bool(row["anchored"]),
            )
        )
    roles: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for row in db.query(
        "SELECT em.event_id, em.mention_id, em.role FROM event_mentions AS em"
        " JOIN events AS e ON e.id = em.event_id WHERE e.source_id = ?"
        " ORDER BY em.event_id, em.mention_id",
        (source_id,),
    ):
        if row["mention_id"] in mention_index:
            roles[row["event_id"]][row["role"]].append(mention_index[row["mention_id"]])
    events = [
        Event(
            edtf=row["edtf"],
            earliest=row["earliest"],
            latest=row["latest"],
            label=row["label"],
            start=row["start"],
            end=row["end"],
            date=date_index.get(row["date_id"], 0),
            participants=roles[row["id"]]["participant"],
            places=roles[row["id"]]["place"],
        )
        for row in db.query(
            'SELECT id, date_id, edtf, earliest, latest, label, start, "end" FROM events'
            " WHERE source_id = ? ORDER BY id",
            (source_id,),
        )
    ]
    return Extraction(mentions=mentions, dates=dates, events=events), mention_index


def _claim_set(
    db: SqlConnection,
    source_id: str,
    extraction: Extraction,
    mention_index: dict[int, int],
) -> ClaimSet:
    """The source's stored claims as a ClaimSet: span, text, modality, attribution, chain,
    cues, subjects and dates (what the comparison reads); quotations and citations are left
    out."""
    from historiograph.claims.model import Attribution, Claim, ClaimSet, Cue

    def index(mention_id: int | None) -> int | None:
        return None if mention_id is None else mention_index.get(mention_id)

    chains: dict[int, list[Attribution]] = defaultdict(list)
    for row in db.query(
        'SELECT l.claim_id, l.kind, l.text, l.start, l."end", l.cue, l.mention_id'
        " FROM claim_chain AS l JOIN claims AS c ON c.id = l.claim_id"
        " WHERE c.source_id = ? ORDER BY l.claim_id, l.position",
        (source_id,),
    ):
        chains[row["claim_id"]].append(
            Attribution(
                row["kind"],
                row["text"],
                row["start"],
                row["end"],
                index(row["mention_id"]),
                row["cue"],
            )
        )
    subjects: dict[int, list[int]] = defaultdict(list)
    for row in db.query(
        "SELECT s.claim_id, s.mention_id FROM claim_subjects AS s"
        " JOIN claims AS c ON c.id = s.claim_id WHERE c.source_id = ?",
        (source_id,),
    ):
        found = index(row["mention_id"])
        if found is not None:
            subjects[row["claim_id"]].append(found)
    claims: list[Claim] = []
    for row in db.query(
        'SELECT id, start, "end", text, modality, attribution_kind, attribution_text,'
        " attribution_start, attribution_end, attribution_mention_id, cue, date_edtf, attrs"
        " FROM claims WHERE source_id = ? ORDER BY id",
        (source_id,),
    ):
        start, end = int(row["start"]), int(row["end"])
        attrs = json.loads(row["attrs"])
        claims.append(
            Claim(
                start=start,
                end=end,
                text=row["text"],
                attribution=Attribution(
                    row["attribution_kind"],
                    row["attribution_text"],
                    row["attribution_start"],
                    row["attribution_end"],
                    index(row["attribution_mention_id"]),
                    row["cue"],
                ),
                modality=row["modality"],
                chain=chains.get(row["id"], []),
                cues=[
                    Cue(c["kind"], c["text"], c["start"], c["end"]) for c in attrs.get("cues", [])
                ],
                subjects=sorted(subjects.get(row["id"], [])),
                # As the claims stage computes them: the dates that lie inside the claim.
                dates=[
                    i for i, d in enumerate(extraction.dates) if start <= d.start and d.end <= end
                ],
                date=row["date_edtf"],
            )
        )
    return ClaimSet(claims=claims)


# --- reading -----------------------------------------------------------------------------------


@dataclass(slots=True)
class MemberRow:
    """One side of a group: a claim of one source, with the source's title."""

    source_id: str
    source_title: str | None
    source_path: str
    start: int
    end: int
    text: str
    modality: str
    date: str | None
    attribution: str | None = None  # who the source says asserts it (None: itself)

    def as_json(self) -> dict[str, Any]:
        return {
            "source": self.source_id,
            "source_title": self.source_title,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "modality": self.modality,
            "date": self.date,
            "attribution": self.attribution,
        }


@dataclass(slots=True)
class GroupRow:
    """A stored claim group with its members in order."""

    id: int
    kind: str
    label: str
    classification: str
    reason: str
    score: float
    entities: list[str] = field(default_factory=list)
    members: list[MemberRow] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def sources(self) -> list[str]:
        return sorted({m.source_id for m in self.members})

    def as_json(self) -> dict[str, Any]:
        """The export's record: the library's ``to_dict`` plus the stored id and sources."""
        return {
            "id": self.id,
            **self.data,
            "sources": self.sources,
            "evidence": [m.as_json() for m in self.members],
        }


class BadGroupFilter(ValueError):
    """A filter that cannot match anything by construction (an unknown classification)."""


def _where(
    db: SqlConnection,
    *,
    entity: str | None,
    sources: Sequence[str],
    classification: str | None,
) -> tuple[str, list[Any]]:
    sql = ["WHERE 1 = 1"]
    params: list[Any] = []
    if classification:
        if classification not in CLASSIFICATIONS:
            raise BadGroupFilter(
                f"unknown classification {classification!r} (one of: {', '.join(CLASSIFICATIONS)})"
            )
        sql.append("AND g.classification = ?")
        params.append(classification)
    for source in sources:
        # Every named source must be a member's (``between`` for two). An id or its prefix.
        prefix = source.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        sql.append(
            "AND g.id IN (SELECT group_id FROM claim_group_members"
            f" WHERE source_id = ? OR {db.like('source_id', escape=_ESCAPE)})"
        )
        params.extend([source, prefix])
    if entity:
        # An entity id, or any of its names ("Tito" finds "Josip Broz Tito"), as in
        # ``claims --entity``: the groups one of whose members contains a mention of it.
        value = entity.strip()
        # isdecimal, not isdigit: int() reads every decimal digit, but not "²".
        is_id = value.isdecimal() and int(value) < 2**63
        entities = (
            "SELECT ?"
            if is_id
            else "SELECT id FROM entities WHERE key = ? UNION SELECT entity_id FROM mentions"
            " WHERE text = ?"
        )
        sql.append(
            "AND g.id IN (SELECT gm.group_id FROM claim_group_members AS gm"
            " JOIN mentions AS m ON m.source_id = gm.source_id AND m.start >= gm.start"
            f' AND m."end" <= gm."end" WHERE m.entity_id IN ({entities}))'
        )
        params.extend([int(value)] if is_id else [name_key(value), value])
    return " ".join(sql), params


def list_groups(
    conn: AnyConnection,
    *,
    entity: str | None = None,
    sources: Sequence[str] = (),
    classification: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> tuple[list[GroupRow], int]:
    """Groups most confident first, filtered, one page of them; and how many match in all.

    ``entity``: an entity id or any of its names; ``sources``: ids or id
    prefixes that must all have a member in the group; ``classification``: one
    of :data:`CLASSIFICATIONS` (anything else raises :class:`BadGroupFilter`).
    """
    db = sql_connection(conn)
    where, params = _where(db, entity=entity, sources=sources, classification=classification)
    total = int(db.query(f"SELECT count(*) FROM claim_groups AS g {where}", params).fetchone()[0])
    rows = db.query(
        "SELECT g.id, g.kind, g.label, g.classification, g.reason, g.score, g.data"
        f" FROM claim_groups AS g {where} ORDER BY g.score DESC, g.id LIMIT ? OFFSET ?",
        [*params, _NO_LIMIT if limit is None else max(0, limit), max(0, offset)],
    ).fetchall()
    groups = [_group_row(row) for row in rows]
    _fill_members(db, groups)
    return groups, total


def group_detail(conn: AnyConnection, group_id: int) -> GroupRow | None:
    db = sql_connection(conn)
    row = db.query(
        "SELECT id, kind, label, classification, reason, score, data FROM claim_groups"
        " WHERE id = ?",
        (group_id,),
    ).fetchone()
    if row is None:
        return None
    group = _group_row(row)
    _fill_members(db, [group])
    return group


def iter_group_records(conn: AnyConnection) -> list[dict[str, Any]]:
    """Every group in the export's shape, most confident first."""
    groups, _ = list_groups(conn)
    return [group.as_json() for group in groups]


def count_groups(conn: AnyConnection) -> dict[str, int]:
    """Groups by classification, plus ``total``."""
    counts = {
        str(row[0]): int(row[1])
        for row in sql_connection(conn).query(
            "SELECT classification, count(*) FROM claim_groups GROUP BY classification"
        )
    }
    counts["total"] = sum(counts.values())
    return counts


def _group_row(row: Any) -> GroupRow:
    data = json.loads(row["data"])
    return GroupRow(
        id=row["id"],
        kind=row["kind"],
        label=row["label"],
        classification=row["classification"],
        reason=row["reason"],
        score=row["score"],
        entities=list(data.get("entities", [])),
        data=data,
    )


def _fill_members(db: SqlConnection, groups: list[GroupRow]) -> None:
    for first in range(0, len(groups), 500):
        batch = {group.id: group for group in groups[first : first + 500]}
        marks = ", ".join("?" for _ in batch)
        attributions = {
            group.id: [m.get("attribution") for m in group.data.get("members", [])]
            for group in batch.values()
        }
        for row in db.query(
            'SELECT gm.group_id, gm.position, gm.source_id, gm.start, gm."end", gm.text,'
            " gm.modality, gm.date, s.title, s.path FROM claim_group_members AS gm"
            " JOIN sources AS s ON s.id = gm.source_id"
            f" WHERE gm.group_id IN ({marks}) ORDER BY gm.group_id, gm.position",
            list(batch),
        ):
            said = attributions[row["group_id"]]
            batch[row["group_id"]].members.append(
                MemberRow(
                    source_id=row["source_id"],
                    source_title=row["title"],
                    source_path=row["path"],
                    start=row["start"],
                    end=row["end"],
                    text=row["text"],
                    modality=row["modality"],
                    date=row["date"],
                    attribution=said[row["position"]] if row["position"] < len(said) else None,
                )
            )
