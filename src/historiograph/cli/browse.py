"""``sources``, ``search`` and ``summary``: look at what the knowledge base holds."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from historiograph.store.opening import open_store, search_store
from historiograph.store.search import SearchHit


def register(commands: Any, add_db: Callable[[argparse.ArgumentParser], None]) -> None:
    sources = commands.add_parser(
        "sources", help="list sources with their metadata", description="List every source."
    )
    add_db(sources)
    sources.add_argument("--json", action="store_true", help="print JSON instead of a table")
    sources.set_defaults(run=run_sources)

    finder = commands.add_parser(
        "search",
        help="full-text search",
        description='Search passages. Words, "phrases", AND / OR / NOT, prefix* and ( ). '
        "Diacritics are ignored: Verlaci finds Vërlaci.",
    )
    finder.add_argument("query", metavar="QUERY")
    add_db(finder)
    finder.add_argument("--limit", type=int, default=10, metavar="N", help="at most N hits (10)")
    finder.add_argument("--json", action="store_true", help="print JSON instead of text")
    finder.set_defaults(run=run_search)

    summary = commands.add_parser(
        "summary", help="what the knowledge base holds", description="Counts and sources."
    )
    add_db(summary)
    summary.set_defaults(run=run_summary)


def _console() -> Console:
    # Wide enough that paths and titles are not cut when output is piped.
    return Console(highlight=False, soft_wrap=False, width=None if Console().is_terminal else 160)


def run_sources(args: argparse.Namespace) -> int:
    with open_store(args.db, create=False) as store:
        rows = store.sources()
    if args.json:
        print(json.dumps([asdict(row) for row in rows], ensure_ascii=False, indent=1))
        return 0
    table = Table("id", "title", "authors", "published", "lang", "kind", "chars", "path")
    for row in rows:
        table.add_row(
            row.id,
            escape(row.title or ""),
            escape(", ".join(row.authors)),
            row.published or "",
            row.language or "",
            row.kind,
            str(row.char_count),
            escape(_short_path(row.path)),
        )
    _console().print(table)
    return 0


def _short_path(path: str) -> str:
    """A path relative to the working directory when it lies below it."""
    try:
        return str(Path(path).relative_to(Path.cwd()))
    except ValueError:
        return path


def run_search(args: argparse.Namespace) -> int:
    with open_store(args.db, create=False) as store:
        hits = search_store(store, args.query, limit=args.limit)
    if args.json:
        print(json.dumps([asdict(hit) for hit in hits], ensure_ascii=False, indent=1))
        return 0
    console = _console()
    if not hits:
        console.print(f"no passages match {escape(args.query)!r}")
    for rank, hit in enumerate(hits, start=1):
        console.print(
            f"[bold]{rank}. {escape(hit.title or hit.path)}[/bold]  "
            f"[dim]{hit.source_id} chars {hit.match_start}-{hit.match_end} "
            f"(passage {hit.start}-{hit.end})[/dim]"
        )
        console.print(_marked(hit))
    return 0


def _marked(hit: SearchHit) -> Text:
    """The snippet as rich Text with its matches highlighted (never parsed as markup)."""
    text = Text("   " + hit.snippet.replace("\n", " "))
    for start, end in hit.snippet_matches:
        text.stylize("bold yellow", start + 3, end + 3)
    return text


def run_summary(args: argparse.Namespace) -> int:
    with open_store(args.db, create=False) as store:
        counts = store.counts()
    console = _console()
    console.print(
        f"[bold]{args.db}[/bold]: {counts['sources']} sources, "
        f"{counts['passages']} searchable passages, {counts['edits']} repairs, "
        f"{counts['entities']} entities in {counts['mentions']} mentions, "
        f"{counts['dates']} dates, {counts['events']} events"
    )
    kinds = {k.removeprefix("spans."): v for k, v in counts.items() if k.startswith("spans.")}
    console.print("spans: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    run_sources(argparse.Namespace(db=args.db, json=False))
    db = escape(args.db)
    console.print(f'try: historiograph search "Vërlaci" --db {db}')
    console.print(f"     historiograph timeline --entity Tito --db {db}")
    return 0
