"""``compare``: where the sources report the same thing, and whether they agree."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from historiograph.cli.profile import find_source
from historiograph.store.comparison import (
    CLASSIFICATIONS,
    GroupRow,
    compute_claim_groups,
    count_groups,
    list_groups,
)
from historiograph.store.dialect import sql_connection
from historiograph.store.opening import open_store

_TEXT_LIMIT = 300  # characters of a claim shown; --format jsonl has it all
# A cue besides colour for each classification (the table is read in plain terminals too).
MARKS = {"agree": "=", "differ": "≠", "contradict": "✗", "contested": "?"}
_STYLES = {"agree": "green", "differ": "yellow", "contradict": "red", "contested": "magenta"}


def register(commands: Any, add_db: Callable[[argparse.ArgumentParser], None]) -> None:
    compare = commands.add_parser(
        "compare",
        help="where sources report the same thing: agree, differ, contradict, contested",
        description="List the cross-source groups found at ingest: claims of several sources "
        "that report the same happening or make the same assertion, each classified as "
        "agree, differ (in a date, figure or place), contradict or contested (a source "
        "reports disagreement or hedges), with the reason and every side's evidence. "
        "Offsets point into each source's original text.",
    )
    add_db(compare)
    compare.add_argument(
        "--entity", metavar="NAME|ID", help="groups that mention an entity (any of its names)"
    )
    compare.add_argument(
        "--source",
        metavar="ID",
        action="append",
        default=[],
        help="groups with a member from this source (id, id prefix, path or file name); "
        "repeat it (--source A --source B) for the groups between them",
    )
    compare.add_argument("--classification", choices=CLASSIFICATIONS, help="groups of this kind")
    compare.add_argument("--limit", type=int, metavar="N", help="at most N groups (default: all)")
    compare.add_argument(
        "--rebuild",
        action="store_true",
        help="compare the stored sources again first (ingest does it after every change; a "
        "base made before comparison existed needs it once)",
    )
    compare.add_argument(
        "--format",
        choices=["table", "jsonl"],
        default="table",
        help="readable groups (default) or one JSON object per line, as in export json",
    )
    compare.set_defaults(run=run_compare)


def run_compare(args: argparse.Namespace) -> int:
    # Either store: store/comparison.py speaks both dialects (store/dialect.py).
    with open_store(args.db, create=False) as store:
        sources = [find_source(store, name) for name in args.source]
        if args.rebuild:
            compute_claim_groups(store)
        groups, total = list_groups(
            store.conn,
            entity=args.entity,
            sources=sources,
            classification=args.classification,
            limit=None if args.limit is None else max(0, args.limit),
        )
        stored = count_groups(store.conn)
        with_claims = int(
            sql_connection(store.conn)
            .query("SELECT count(DISTINCT source_id) FROM claims")
            .fetchone()[0]
        )
    if args.format == "jsonl":
        for group in groups:
            print(json.dumps(group.as_json(), ensure_ascii=False))
        return 0
    console = Console(
        highlight=False, soft_wrap=False, width=None if Console().is_terminal else 200
    )
    if not groups:
        console.print(_nothing(stored["total"], with_claims))
        return 0
    for group in groups:
        _print_group(console, group)
    shown = f"{len(groups)} of {total}" if len(groups) < total else str(total)
    kinds = ", ".join(f"{stored.get(c, 0)} {c}" for c in CLASSIFICATIONS)
    console.print(f"{shown} groups shown ({stored['total']} stored: {kinds})")
    return 0


def _nothing(stored: int, with_claims: int) -> str:
    if stored:
        return "no groups match"
    if with_claims < 2:
        return (
            "nothing compared: it needs claims of at least two sources, extracted at ingest"
            " (not with --no-nlp)"
        )
    return (
        "no groups stored: the sources share no claims, or the base was made before sources"
        " were compared (compare them with: historiograph compare --rebuild)"
    )


def _print_group(console: Console, group: GroupRow) -> None:
    mark = MARKS.get(group.classification, "·")
    style = _STYLES.get(group.classification, "bold")
    console.print(
        f"[bold]#{group.id}[/bold] [{style}]{mark} {group.classification}[/{style}]"
        f" · {group.kind} · score {group.score:.2f}"
    )
    console.print(f"  [bold]{escape(group.label)}[/bold]")
    console.print(f"  reason: {escape(group.reason)}")
    if group.entities:
        console.print(f"  about: {escape(', '.join(group.entities))}")
    table = Table("source", "where", "date", "modality", "voice", "claim", show_lines=False)
    for member in group.members:
        table.add_row(
            escape(member.source_title or member.source_id),
            f"{member.source_id[:8]}:{member.start}-{member.end}",
            escape(member.date or ""),
            member.modality,
            escape(member.attribution or "author"),
            escape(_short(member.text)),
        )
    console.print(table)
    console.print()


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _TEXT_LIMIT else flat[: _TEXT_LIMIT - 1] + "…"
