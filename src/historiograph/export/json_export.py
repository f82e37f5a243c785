"""The knowledge-base JSON contract (``historiograph-kb/1``), written as a stream.

Sources are written one at a time, so exporting a large base does not hold
it in memory. See the README for the contract.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, TextIO

from historiograph.store.claims import iter_claims
from historiograph.store.comparison import iter_group_records
from historiograph.store.database import SourceRow, Store
from historiograph.store.knowledge import iter_entities, query_events, source_dates
from historiograph.store.profiles import all_profiles
from historiograph.store.resolution import iter_relations

FORMAT = "historiograph-kb/1"


def _source_record(store: Store, row: SourceRow, *, include_text: bool) -> dict[str, Any]:
    original = store.original_text(row.id)
    record: dict[str, Any] = {
        "id": row.id,
        "path": row.path,
        "title": row.title,
        "authors": row.authors,
        "published": row.published,
        "language": row.language,
        "sha256": row.sha256,
        "kind": row.kind,
        "chars": row.char_count,
        "spans": [
            {"kind": s.kind, "start": s.start, "end": s.end, "attrs": s.attrs}
            for s in store.spans(row.id)
        ],
        "repairs": [
            {
                "start": e.start,
                "end": e.end,
                "text": original[e.start : e.end],
                "replacement": e.replacement,
                "kind": e.kind,
            }
            for e in store.edits(row.id)
        ],
    }
    record["dates"] = source_dates(store.conn, row.id)
    if include_text:
        record["text"] = original
    return record


def iter_source_records(store: Store, *, include_text: bool = False) -> Iterator[dict[str, Any]]:
    for row in store.iter_sources():
        yield _source_record(store, row, include_text=include_text)


def write_json(store: Store, out: TextIO, *, include_text: bool = False) -> int:
    """Write the whole knowledge base to ``out``; return the number of sources."""
    out.write('{"format": ' + json.dumps(FORMAT) + ',\n "sources": [')
    count = 0
    for record in iter_source_records(store, include_text=include_text):
        out.write(("\n  " if count == 0 else ",\n  ") + json.dumps(record, ensure_ascii=False))
        count += 1
    for key, records in (("entities", iter_entities(store.conn)), ("events", iter_events(store))):
        out.write(f'\n ],\n "{key}": [')
        for number, record in enumerate(records):
            out.write(("\n  " if number == 0 else ",\n  ") + json.dumps(record, ensure_ascii=False))
    out.write('\n ],\n "relations": [')
    for number, record in enumerate(iter_relations(store)):
        out.write(("\n  " if number == 0 else ",\n  ") + json.dumps(record, ensure_ascii=False))
    out.write('\n ],\n "claims": [')
    for number, record in enumerate(iter_claim_records(store)):
        out.write(("\n  " if number == 0 else ",\n  ") + json.dumps(record, ensure_ascii=False))
    out.write('\n ],\n "profiles": [')
    for number, record in enumerate(iter_profile_records(store)):
        out.write(("\n  " if number == 0 else ",\n  ") + json.dumps(record, ensure_ascii=False))
    out.write('\n ],\n "claim_groups": [')
    for number, record in enumerate(iter_group_records(store.conn)):
        out.write(("\n  " if number == 0 else ",\n  ") + json.dumps(record, ensure_ascii=False))
    out.write("\n ]}\n")
    return count


def iter_claim_records(store: Store) -> Iterator[dict[str, Any]]:
    """Claims in the contract's shape, source by source in text order.

    Entity ids (attribution, chain, subjects, citations) are those the claims'
    mentions belong to now, so they agree with ``entities`` after any re-resolution.
    """
    for claim in iter_claims(store.conn):
        yield claim.as_json()


def iter_profile_records(store: Store) -> Iterator[dict[str, Any]]:
    """Each source's profile, then those of the documents embedded in it, with its source id."""
    for source_id, profiles in all_profiles(store.conn).items():
        for profile in profiles:
            yield {"source": source_id, **profile}


def iter_events(store: Store) -> Iterator[dict[str, Any]]:
    """Events in the contract's shape, in chronological order."""
    for event in query_events(store.conn):
        yield {
            "id": event.id,
            "date": event.edtf,
            "label": event.label,
            "participants": sorted(set(event.participants)),
            "places": sorted(set(event.places)),
            "evidence": [
                {
                    "source": event.source_id,
                    "start": event.start,
                    "end": event.end,
                    "text": event.text,
                }
            ],
        }


def export_json(store: Store, *, include_text: bool = False) -> dict[str, Any]:
    """The whole knowledge base as one dict (for notebooks and small bases)."""
    return {
        "format": FORMAT,
        "sources": list(iter_source_records(store, include_text=include_text)),
        "entities": list(iter_entities(store.conn)),
        "events": list(iter_events(store)),
        "relations": list(iter_relations(store)),
        "claims": list(iter_claim_records(store)),
        "profiles": list(iter_profile_records(store)),
        "claim_groups": iter_group_records(store.conn),
    }
