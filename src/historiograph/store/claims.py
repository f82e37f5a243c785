"""Writing and reading claims: what each source asserts, how firmly, and on whose authority.

Claims reference mentions (their attribution, the voices of their chain, their
subjects, the works they cite), never entities: entity resolution rewrites
entities but leaves mentions alone, so claims survive it, and the entity ids a
reader sees are looked up through the mentions when claims are read.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from historiograph.model import PackedClaims, pack_claims
from historiograph.nlp.names import name_key
from historiograph.store.dialect import SqlConnection, sql_connection

if TYPE_CHECKING:
    # Annotations only: the claims package imports spaCy, which reading a base never needs.
    from historiograph.claims.model import ClaimSet
    from historiograph.store.dialect import AnyConnection

_log = logging.getLogger(__name__)


# --- writing -----------------------------------------------------------------------------------


def save_claims(
    conn: AnyConnection,
    source_id: str,
    claims: ClaimSet | PackedClaims,
    mention_ids: Sequence[int],
) -> int:
    """Insert one source's claims (inside the caller's transaction); return how many.

    ``claims`` is the claims stage's ClaimSet or its packed form
    (:func:`historiograph.model.pack_claims`); ``mention_ids[i]`` is the stored
    id of the extraction's mention ``i``. A claim whose own span does not fit
    the source's text, or that is malformed, is skipped and logged; any other
    offset or index that does not fit is dropped (stored as NULL). So a bug in
    the claims stage costs that claim at most, never the transaction that
    stores the source and the rest of its batch. ``conn``: either store's connection
    (store/dialect.py).
    """
    db = sql_connection(conn)
    row = db.execute("SELECT original FROM sources WHERE id = ?", (source_id,)).fetchone()
    if row is None:
        return 0
    original = str(row[0])
    packed = claims if isinstance(claims, list) else pack_claims(claims)
    stored = 0
    for claim in packed:
        try:
            if not _fits(original, claim[0], claim[1]):
                raise ValueError("its span lies outside the text")
            # PostgreSQL: a savepoint, without which a failed statement would abort the
            # caller's whole transaction. SQLite: none (a failed statement undoes itself).
            with db.savepoint():
                _insert_claim(db, source_id, original, claim, mention_ids)
        except (*_BAD_CLAIM, *db.bad_row_errors) as e:
            # One statement failed at most; the transaction goes on without this claim.
            where = f"{claim[0]!r}-{claim[1]!r}" if len(claim) > 1 else "?"
            _log.warning("%s: claim at %s not stored (%s)", source_id, where, e)
            continue
        stored += 1
    return stored


# What a malformed claim can raise: these, and the driver's errors for values that do not
# fit (SqlConnection.bad_row_errors). Not sqlite3.OperationalError: a full disk or a
# read-only file is the store's failure, and must stop the batch as it always does.
_BAD_CLAIM: tuple[type[Exception], ...] = (IndexError, TypeError, ValueError)


def _fits(original: str, start: object, end: object) -> bool:
    return type(start) is int and type(end) is int and 0 <= start <= end <= len(original)


def _mention(mention_ids: Sequence[int], index: object) -> int | None:
    if type(index) is int and 0 <= index < len(mention_ids):
        return mention_ids[index]
    return None


def _located(original: str, start: object, end: object) -> tuple[int | None, int | None]:
    """``(start, end)`` when they locate a range of the original; else no location."""
    if _fits(original, start, end):
        assert isinstance(start, int) and isinstance(end, int)
        return start, end
    return None, None


def _insert_claim(
    db: SqlConnection,
    source_id: str,
    original: str,
    claim: tuple[Any, ...],
    mention_ids: Sequence[int],
) -> None:
    start, end, modality, attribution, date, quotation, cues, chain, subjects, citations = claim
    kind, text, a_start, a_end, mention, cue, _ = attribution
    a_start, a_end = _located(original, a_start, a_end)
    attrs: dict[str, Any] = {}
    q_start, q_end = _located(original, *quotation[:2]) if quotation else (None, None)
    if q_start is not None and quotation[2]:
        attrs["quotation_block"] = True
    located_cues = [
        {"kind": c_kind, "text": original[c_start:c_end], "start": c_start, "end": c_end}
        for c_kind, c_start, c_end in cues
        if _fits(original, c_start, c_end)
    ]
    if located_cues:
        attrs["cues"] = located_cues
    claim_id = db.insert_id(
        'INSERT INTO claims (source_id, start, "end", text, modality, attribution_kind,'
        " attribution_text, attribution_start, attribution_end, attribution_mention_id, cue,"
        " date_edtf, quotation_start, quotation_end, attrs)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            source_id,
            start,
            end,
            original[start:end],
            modality,
            kind,
            _voice_text(original, text, a_start, a_end),
            a_start,
            a_end,
            _mention(mention_ids, mention),
            cue,
            date,
            q_start,
            q_end,
            json.dumps(attrs, ensure_ascii=False) if attrs else "{}",
        ),
    )
    try:
        db.executemany(
            'INSERT INTO claim_chain (claim_id, position, kind, text, start, "end", cue, work,'
            " mention_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (claim_id, position, *_link_row(original, link, mention_ids))
                for position, link in enumerate(chain)
            ],
        )
        db.executemany(
            "INSERT OR IGNORE INTO claim_subjects (claim_id, mention_id) VALUES (?, ?)",
            [
                (claim_id, mention_id)
                for index in subjects
                if (mention_id := _mention(mention_ids, index)) is not None
            ],
        )
        located_works = [w for w in citations if _fits(original, w[1], w[2])]
        db.executemany(
            'INSERT INTO claim_citations (claim_id, position, kind, text, start, "end", title,'
            " mention_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    claim_id,
                    position,
                    w_kind,
                    original[w_start:w_end],
                    w_start,
                    w_end,
                    title,
                    _mention(mention_ids, w_mention),
                )
                for position, (w_kind, w_start, w_end, title, w_mention) in enumerate(located_works)
            ],
        )
    except (*_BAD_CLAIM, *db.bad_row_errors):
        if db.postgres:
            raise  # the caller's savepoint takes back what was inserted of the claim
        # Leave no half-stored claim behind: what was inserted of it goes again.
        for table in ("claim_chain", "claim_subjects", "claim_citations"):
            db.execute(f"DELETE FROM {table} WHERE claim_id = ?", (claim_id,))
        db.execute("DELETE FROM claims WHERE id = ?", (claim_id,))
        raise


def _voice_text(original: str, text: str | None, start: int | None, end: int | None) -> str | None:
    """A voice's words: where the text names the voice, exactly the characters there.

    The JSON contract promises ``text == original[start:end]`` wherever both are
    given; a voice without a location (the author's name from the metadata) keeps its text.
    """
    if start is None or end is None:
        return text
    return original[start:end]


def _link_row(original: str, link: tuple[Any, ...], mention_ids: Sequence[int]) -> tuple[Any, ...]:
    kind, text, start, end, mention, cue, work = link
    start, end = _located(original, start, end)
    return (
        kind,
        _voice_text(original, text, start, end),
        start,
        end,
        cue,
        _work_json(original, work) if work is not None else None,
        _mention(mention_ids, mention),
    )


def _work_json(original: str, work: tuple[Any, ...]) -> str | None:
    kind, start, end, title, _ = work
    if not _fits(original, start, end):
        return None
    return json.dumps(
        {"kind": kind, "text": original[start:end], "start": start, "end": end, "title": title},
        ensure_ascii=False,
    )


def delete_claims(conn: sqlite3.Connection, source_id: str) -> None:
    """Remove a source's claims (before its mentions go, which they reference)."""
    claim_ids = "SELECT id FROM claims WHERE source_id = ?"
    for table in ("claim_chain", "claim_subjects", "claim_citations"):
        conn.execute(f"DELETE FROM {table} WHERE claim_id IN ({claim_ids})", (source_id,))
    conn.execute("DELETE FROM claims WHERE source_id = ?", (source_id,))


# --- reading -----------------------------------------------------------------------------------
# Either store's connection, through store/dialect.py: one SQL text, rows read by column
# name on both drivers, ORDER BYs total and in byte order (see store/knowledge.py).


@dataclass(slots=True)
class VoiceRow:
    """An attribution or a link of a chain: who speaks, where the text names them."""

    kind: str
    text: str | None
    start: int | None
    end: int | None
    cue: str
    mention_id: int | None = None
    entity_id: int | None = None  # looked up through the mention when read
    work: dict[str, Any] | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "entity": self.entity_id,
            "cue": self.cue,
            "work": self.work,
        }

    def label(self) -> str:
        """How a reader names the voice: its words, else its kind."""
        return self.text or self.kind


@dataclass(slots=True)
class CitationRow:
    kind: str
    text: str
    start: int
    end: int
    title: str | None
    mention_id: int | None = None
    entity_id: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "title": self.title,
            "entity": self.entity_id,
        }


@dataclass(slots=True)
class ClaimRow:
    """A stored claim with its attribution, chain, subjects (entity ids) and citations."""

    id: int
    source_id: str
    start: int
    end: int
    text: str
    modality: str
    attribution: VoiceRow
    date: str | None
    quotation: tuple[int, int] | None
    cues: list[dict[str, Any]] = field(default_factory=list)
    chain: list[VoiceRow] = field(default_factory=list)
    subjects: list[int] = field(default_factory=list)  # entity ids, in text order
    citations: list[CitationRow] = field(default_factory=list)

    @property
    def attributed(self) -> bool:
        """Whether the source reports someone else's voice rather than asserting it."""
        return self.attribution.kind != "author"

    def as_json(self) -> dict[str, Any]:
        """The claim in the JSON contract's shape."""
        return {
            "id": self.id,
            "source": self.source_id,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "modality": self.modality,
            "attribution": self.attribution.as_json(),
            "chain": [link.as_json() for link in self.chain],
            "subjects": self.subjects,
            "date": self.date,
            "quotation": (
                {"start": self.quotation[0], "end": self.quotation[1]} if self.quotation else None
            ),
            "cues": self.cues,
            "citations": [citation.as_json() for citation in self.citations],
        }


_CLAIM_COLUMNS = (
    'c.id, c.source_id, c.start, c."end", c.text, c.modality, c.attribution_kind,'
    " c.attribution_text, c.attribution_start, c.attribution_end, c.attribution_mention_id,"
    " c.cue, c.date_edtf, c.quotation_start, c.quotation_end, c.attrs,"
    " am.entity_id AS attribution_entity_id"
)
_BATCH = 500  # claim ids per IN (...) list, well under SQLite's variable limit


def query_claims(
    conn: AnyConnection,
    *,
    source: str | None = None,
    entity: str | None = None,
    modality: str | None = None,
    attributed: bool | None = None,
    limit: int | None = None,
    exact_source: bool = False,
) -> list[ClaimRow]:
    """Claims in source and text order, filtered.

    ``source``: an id or its prefix; ``entity``: an entity id, or any name of
    an entity ("Tito" finds those of "Josip Broz Tito"), matching claims about
    it (a subject) or voiced by it (the attribution or a link of the chain);
    ``attributed``: True for claims the source reports from another voice,
    False for its own; ``exact_source``: ``source`` is a whole id, not a prefix. ``conn``:
    either store's connection (store/dialect.py).
    """
    db = sql_connection(conn)
    sql = [
        f"SELECT {_CLAIM_COLUMNS} FROM claims AS c"
        " LEFT JOIN mentions AS am ON am.id = c.attribution_mention_id WHERE 1 = 1"
    ]
    params: list[Any] = []
    if source and exact_source:
        sql.append("AND c.source_id = ?")  # the index's order: no sort, no scan
        params.append(source)
    elif source:
        sql.append(f"AND (c.source_id = ? OR {db.like('c.source_id')})")
        params.extend([source, source.replace("%", "").replace("_", "") + "%"])
    if modality:
        sql.append("AND c.modality = ?")
        params.append(modality)
    if attributed is not None:
        sql.append("AND c.attribution_kind " + ("!=" if attributed else "=") + " 'author'")
    if entity:
        entities = (
            "SELECT ?"
            if entity.strip().isdigit()
            else "SELECT id FROM entities WHERE key = ? UNION SELECT entity_id FROM mentions"
            " WHERE text = ?"
        )
        params_entity: list[Any] = (
            [int(entity)] if entity.strip().isdigit() else [name_key(entity), entity]
        )
        mentions = f"SELECT id FROM mentions WHERE entity_id IN ({entities})"
        sql.append(
            f"AND (c.attribution_mention_id IN ({mentions})"
            f" OR c.id IN (SELECT claim_id FROM claim_subjects WHERE mention_id IN ({mentions}))"
            f" OR c.id IN (SELECT claim_id FROM claim_chain WHERE mention_id IN ({mentions})))"
        )
        params.extend(params_entity * 3)
    sql.append('ORDER BY c.source_id COLLATE BINARY, c.start, c."end", c.id')
    if limit is not None:
        sql.append("LIMIT ?")
        params.append(max(0, limit))
    rows = db.query(" ".join(sql), params).fetchall()
    claims = [_claim_row(row) for row in rows]
    _fill(db, claims)
    return claims


def iter_claims(conn: AnyConnection) -> Iterator[ClaimRow]:
    """Every claim, one source at a time, so a large base is never held in memory."""
    db = sql_connection(conn)
    sources = [row[0] for row in db.query("SELECT id FROM sources ORDER BY path COLLATE BINARY")]
    for source_id in sources:
        yield from query_claims(db, source=source_id, exact_source=True)


def count_claims(conn: AnyConnection) -> dict[str, int]:
    """Claims by modality, plus ``total`` and ``attributed``."""
    db = sql_connection(conn)
    counts = {
        str(row[0]): int(row[1])
        for row in db.query("SELECT modality, count(*) FROM claims GROUP BY modality")
    }
    counts["total"] = sum(counts.values())
    counts["attributed"] = int(
        db.query("SELECT count(*) FROM claims WHERE attribution_kind != 'author'").fetchone()[0]
    )
    return counts


def entity_names(conn: AnyConnection, entity_ids: Iterable[int]) -> dict[int, str]:
    """The names of these entities (the subjects of claims, say), by id."""
    db = sql_connection(conn)
    ids = sorted(set(entity_ids))
    names: dict[int, str] = {}
    for first in range(0, len(ids), _BATCH):
        batch = ids[first : first + _BATCH]
        marks = ", ".join("?" for _ in batch)
        names.update(
            (int(row[0]), str(row[1]))
            for row in db.query(f"SELECT id, name FROM entities WHERE id IN ({marks})", batch)
        )
    return names


def _claim_row(row: Any) -> ClaimRow:
    """``row``: a ``sqlite3.Row`` or a ``dialect.NamedRow``, read by column name."""
    attrs = json.loads(row["attrs"])
    quotation = (
        (int(row["quotation_start"]), int(row["quotation_end"]))
        if row["quotation_start"] is not None
        else None
    )
    return ClaimRow(
        id=row["id"],
        source_id=row["source_id"],
        start=row["start"],
        end=row["end"],
        text=row["text"],
        modality=row["modality"],
        attribution=VoiceRow(
            kind=row["attribution_kind"],
            text=row["attribution_text"],
            start=row["attribution_start"],
            end=row["attribution_end"],
            cue=row["cue"],
            mention_id=row["attribution_mention_id"],
            entity_id=row["attribution_entity_id"],
        ),
        date=row["date_edtf"],
        quotation=quotation,
        cues=list(attrs.get("cues", [])),
    )


def _fill(db: SqlConnection, claims: list[ClaimRow]) -> None:
    """Add chains, subjects and citations, a few queries per batch of claims."""
    for first in range(0, len(claims), _BATCH):
        batch = {claim.id: claim for claim in claims[first : first + _BATCH]}
        marks = ", ".join("?" for _ in batch)
        ids = list(batch)
        chains: dict[int, list[VoiceRow]] = defaultdict(list)
        for row in db.query(
            'SELECT l.claim_id, l.kind, l.text, l.start, l."end", l.cue, l.work, l.mention_id,'
            " m.entity_id FROM claim_chain AS l LEFT JOIN mentions AS m ON m.id = l.mention_id"
            f" WHERE l.claim_id IN ({marks}) ORDER BY l.claim_id, l.position",
            ids,
        ):
            chains[row["claim_id"]].append(
                VoiceRow(
                    kind=row["kind"],
                    text=row["text"],
                    start=row["start"],
                    end=row["end"],
                    cue=row["cue"],
                    mention_id=row["mention_id"],
                    entity_id=row["entity_id"],
                    work=json.loads(row["work"]) if row["work"] else None,
                )
            )
        for row in db.query(
            "SELECT s.claim_id, m.entity_id FROM claim_subjects AS s"
            " JOIN mentions AS m ON m.id = s.mention_id"
            f" WHERE s.claim_id IN ({marks}) ORDER BY s.claim_id, m.start, s.mention_id",
            ids,
        ):
            subjects = batch[row["claim_id"]].subjects
            if row["entity_id"] not in subjects:  # one entity named twice is one subject
                subjects.append(row["entity_id"])
        for row in db.query(
            'SELECT c.claim_id, c.kind, c.text, c.start, c."end", c.title, c.mention_id,'
            " m.entity_id FROM claim_citations AS c LEFT JOIN mentions AS m ON m.id = c.mention_id"
            f" WHERE c.claim_id IN ({marks}) ORDER BY c.claim_id, c.position",
            ids,
        ):
            batch[row["claim_id"]].citations.append(
                CitationRow(
                    kind=row["kind"],
                    text=row["text"],
                    start=row["start"],
                    end=row["end"],
                    title=row["title"],
                    mention_id=row["mention_id"],
                    entity_id=row["entity_id"],
                )
            )
        for claim_id, claim in batch.items():
            claim.chain = chains.get(claim_id, [])
            # The attribution is one link of the chain (not always the last: a primary
            # document may close it); its work reference is stored there.
            for link in claim.chain:
                if (
                    link.kind == claim.attribution.kind
                    and link.text == claim.attribution.text
                    and link.start == claim.attribution.start
                ):
                    claim.attribution.work = link.work
                    break
