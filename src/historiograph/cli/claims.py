"""``claims``: what the sources assert, how firmly, and on whose authority."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from historiograph.store.claims import VoiceRow, count_claims, entity_names, query_claims
from historiograph.store.opening import open_store

# historiograph.claims.model.MODALITIES, spelled out: importing the claims package
# loads spaCy, seconds a command that only reads the base should not pay (a test
# keeps the two lists equal).
MODALITIES = ("asserted", "hedged", "denied", "quoted")
_TEXT_LIMIT = 240  # characters of a claim shown in the table; --format jsonl has it all


def register(commands: Any, add_db: Callable[[argparse.ArgumentParser], None]) -> None:
    claims = commands.add_parser(
        "claims",
        help="claims with their attribution, modality and chain",
        description="List claims: what each source asserts, how firmly (asserted, hedged, "
        "denied, quoted), on whose authority (the source's own voice or someone it "
        "reports), and the chain of voices down to a primary document. Offsets point "
        "into each source's original text.",
    )
    add_db(claims)
    claims.add_argument("--source", metavar="ID", help="claims of one source (id or prefix)")
    claims.add_argument(
        "--entity",
        metavar="NAME|ID",
        help="claims about an entity or voiced by it (any of its names)",
    )
    claims.add_argument("--modality", choices=MODALITIES, help="claims of this modality")
    claims.add_argument(
        "--attributed",
        action="store_true",
        help="only claims the source reports from another voice",
    )
    claims.add_argument("--limit", type=int, metavar="N", help="at most N claims (default: all)")
    claims.add_argument(
        "--format",
        choices=["table", "jsonl"],
        default="table",
        help="a table (default) or one JSON object per line, as in export json",
    )
    claims.set_defaults(run=run_claims)


def run_claims(args: argparse.Namespace) -> int:
    # Either store: the readers speak both dialects (store/dialect.py).
    with open_store(args.db, create=False) as store:
        rows = query_claims(
            store.conn,
            source=args.source,
            entity=args.entity,
            modality=args.modality,
            attributed=True if args.attributed else None,
            limit=args.limit,
        )
        if args.format == "jsonl":
            for row in rows:
                print(json.dumps(row.as_json(), ensure_ascii=False))
            return 0
        names = entity_names(store.conn, (entity for row in rows for entity in row.subjects))
        stored = count_claims(store.conn)["total"]
    console = Console(
        highlight=False, soft_wrap=False, width=None if Console().is_terminal else 200
    )
    if not rows:
        console.print(
            "no claims match"
            if stored
            else "no claims stored (they are extracted at ingest, unless it runs with --no-nlp)"
        )
        return 0
    table = Table("where", "modality", "voice", "chain", "about", "date", "claim")
    for row in rows:
        table.add_row(
            f"{row.source_id[:8]}:{row.start}-{row.end}",
            row.modality,
            escape(_voice(row.attribution)),
            escape(" → ".join(link.label() for link in row.chain)),
            escape(", ".join(names.get(e, str(e)) for e in row.subjects[:4])),
            escape(row.date or ""),
            escape(_short(row.text)),
        )
    console.print(table)
    attributed = sum(row.attributed for row in rows)
    console.print(f"{len(rows)} claims, {attributed} attributed to another voice")
    return 0


def _voice(voice: VoiceRow) -> str:
    return (
        voice.kind
        if voice.kind == "author" and not voice.text
        else f"{voice.label()} ({voice.kind})"
    )


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _TEXT_LIMIT else flat[: _TEXT_LIMIT - 1] + "…"
