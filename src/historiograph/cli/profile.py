"""``profile``: what kind of source it is, when written, what it rests on, how it speaks."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from historiograph.errors import HistoriographError
from historiograph.store.dialect import sql_connection
from historiograph.store.opening import open_store
from historiograph.store.profiles import source_profiles

if TYPE_CHECKING:
    from historiograph.store.opening import AnyStore


def register(commands: Any, add_db: Callable[[argparse.ArgumentParser], None]) -> None:
    profile = commands.add_parser(
        "profile",
        help="a source's profile: genre, dates, citations, voices, loaded terms",
        description="Print a source's profile: its genre (with the evidence for it), author, "
        "when it was written against the dates it describes, what it cites (primary, "
        "secondary), the share of its claims that are attributed, quoted or hedged, and the "
        "loaded terms it uses (reported, not judged). Documents embedded in it (a letter, a "
        "diary and its entries) get profiles of their own.",
    )
    add_db(profile)
    profile.add_argument("source", metavar="SOURCE", help="a source id (or its prefix) or path")
    profile.add_argument(
        "--format",
        choices=["text", "json"],
        default="text",
        help="readable text (default) or the profiles as JSON, as in export json",
    )
    profile.set_defaults(run=run_profile)


_ESCAPE = "\\"  # LIKE's escape character in find_source's patterns


def find_source(store: AnyStore, given: str) -> str:
    """The id of the one source ``given`` names: an id or its prefix, a path, or the start of
    a file name. Either store: SQLite's LIKE on both (store/dialect.py)."""
    db = sql_connection(store.conn)
    rows = db.query(
        f"SELECT id FROM sources WHERE id = ? OR path = ? OR {db.like('id', escape=_ESCAPE)}",
        (given, str(Path(given).resolve()), given.replace("\\", "\\\\").replace("%", "\\%") + "%"),
    ).fetchall()
    if not rows:
        rows = db.query(
            f"SELECT id FROM sources WHERE {db.like('path', escape=_ESCAPE)}",
            ("%/" + given.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%",),
        ).fetchall()
    ids = sorted({row[0] for row in rows})
    if not ids:
        raise HistoriographError(f"{given}: no such source (see: historiograph sources)")
    if len(ids) > 1:
        raise HistoriographError(f"{given}: names {len(ids)} sources; give more of the id")
    return str(ids[0])


def run_profile(args: argparse.Namespace) -> int:
    with open_store(args.db, create=False) as store:
        source_id = find_source(store, args.source)
        profiles = source_profiles(store.conn, source_id)
        title = store.source(source_id)
    if args.format == "json":
        print(json.dumps({"source": source_id, "profiles": profiles}, ensure_ascii=False))
        return 0
    console = Console(highlight=False, width=None if Console().is_terminal else 120)
    heading = title.title or title.path if title else source_id
    if not profiles:
        console.print(
            f"{escape(str(heading))}: no profile stored (profiles are made at ingest, "
            "unless it runs with --no-nlp)"
        )
        return 0
    for profile in profiles:
        console.print(_table(profile, source_id if profile.get("kind") == "source" else None))
    return 0


def _table(profile: dict[str, Any], source_id: str | None) -> Table:
    kind = str(profile.get("kind", "source"))
    where = f"{profile.get('start')}–{profile.get('end')}"
    caption = f"source {source_id}" if source_id else f"{kind} at characters {where}"
    table = Table(title=escape(caption), show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column()

    def row(label: str, value: object) -> None:
        if value not in (None, "", [], {}):
            table.add_row(label, escape(str(value)))

    row("genre", profile.get("genre"))
    row("why", "; ".join(str(e) for e in profile.get("genre_evidence", [])))
    row("author", profile.get("author"))
    row("written", profile.get("written"))
    described = profile.get("described")
    if described:
        count = int(profile.get("described_dates") or 0)
        row("describes", f"{described} ({count} date{'' if count == 1 else 's'})")
    if profile.get("distance_years") is not None:
        row("distance", f"{profile['distance_years']} years after the events it describes")
    cites = profile.get("cites")
    if cites:
        primary, secondary = profile.get("cites_primary", 0), profile.get("cites_secondary", 0)
        row("cites", f"{cites} ({primary} primary, {secondary} secondary)")
    if profile.get("claims"):
        row(
            "claims",
            f"{profile['claims']}: {_share(profile.get('attributed_share'))} attributed, "
            f"{_share(profile.get('quoted_share'))} quoted, "
            f"{_share(profile.get('hedged_share'))} hedged",
        )
    terms = profile.get("loaded_terms") or []
    if terms:
        listed = ", ".join(f"{t.get('term')} ×{t.get('count')}" for t in terms[:12])
        more = f" and {len(terms) - 12} more" if len(terms) > 12 else ""
        rate = profile.get("loaded_per_1000_words")
        row("loaded terms", f"{listed}{more} ({rate} per 1,000 words)")
    return table


def _share(value: object) -> str:
    return f"{float(value):.0%}" if isinstance(value, int | float) else "?"
