"""``extract`` (NLP on files, no database) and ``timeline`` (events in date order)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from historiograph.errors import HistoriographError, SourceError
from historiograph.store.opening import open_store


def register(commands: Any, add_db: Callable[[argparse.ArgumentParser], None]) -> None:
    extract = commands.add_parser(
        "extract",
        help="print the mentions and dates found in files (no database)",
        description="Run ingest and NLP on files and print one JSON line per mention "
        '{"source", "start", "end", "text", "type"} and per date (with "edtf"). '
        "Offsets point into each file's original text.",
    )
    extract.add_argument("paths", nargs="+", metavar="FILE")
    extract.add_argument("--format", choices=["jsonl"], default="jsonl", help="output format")
    extract.add_argument("--gazetteer", action="append", default=[], metavar="FILE")
    extract.set_defaults(run=run_extract)

    timeline = commands.add_parser(
        "timeline",
        help="events in chronological order",
        description="Print events in date order; dates sort by their earliest bound, and "
        "uncertain, approximate or ranged dates are marked with ~.",
    )
    add_db(timeline)
    timeline.add_argument("--from", dest="start", metavar="EDTF", help="events ending after this")
    timeline.add_argument("--to", dest="end", metavar="EDTF", help="events starting before this")
    timeline.add_argument("--entity", metavar="NAME", help="events this entity takes part in")
    timeline.add_argument("--source", metavar="ID", help="events of one source (id or prefix)")
    timeline.add_argument("--json", action="store_true", help="print JSON lines")
    timeline.set_defaults(run=run_timeline)


def run_extract(args: argparse.Namespace) -> int:
    from historiograph.ingest.discover import discover
    from historiograph.ingest.pipeline import parse_file
    from historiograph.nlp.extract import extract
    from historiograph.nlp.pipeline import default_pipeline

    nlp = default_pipeline(tuple(args.gazetteer), dates=False)
    failed = False
    for candidate in discover(args.paths):
        if candidate.problem or candidate.path is None:
            print(
                f"{'skipped' if candidate.skip else 'failed'}: {candidate.problem}", file=sys.stderr
            )
            failed = failed or not candidate.skip
            continue
        try:
            parsed = parse_file(candidate.path)
        except SourceError as e:
            print(f"failed: {e}", file=sys.stderr)
            failed = True
            continue
        found = extract(parsed, nlp)
        source = str(candidate.path)
        lines: list[tuple[int, dict[str, Any]]] = [
            (
                m.start,
                {"source": source, "start": m.start, "end": m.end, "text": m.text, "type": m.type},
            )
            for m in found.mentions
        ]
        lines.extend(
            (
                d.start,
                {
                    "source": source,
                    "start": d.start,
                    "end": d.end,
                    "text": d.text,
                    "type": "date",
                    "edtf": d.edtf,
                },
            )
            for d in found.dates
        )
        for _, record in sorted(lines, key=lambda pair: pair[0]):
            print(json.dumps(record, ensure_ascii=False))
    return 1 if failed else 0


def uncertain(edtf: str) -> bool:
    """Approximate, uncertain, unspecified digits or a range: not one plain date."""
    return any(mark in edtf for mark in "?~%X/")


def _bound(value: str | None, *, upper: bool) -> str | None:
    """An EDTF bound as an ISO day ('1943' -> 1943-01-01 or 1943-12-31)."""
    if value is None:
        return None
    from historiograph.nlp.edtf_bounds import edtf_bounds

    try:
        earliest, latest = edtf_bounds(value)
    except ValueError as e:
        raise HistoriographError(f"--from/--to: {value!r} is not an EDTF date ({e})") from e
    return latest if upper else earliest


def run_timeline(args: argparse.Namespace) -> int:
    from historiograph.store.knowledge import query_events

    # Either store: the readers speak both dialects (store/dialect.py).
    with open_store(args.db, create=False) as store:
        events = query_events(
            store.conn,
            earliest=_bound(args.start, upper=False),
            latest=_bound(args.end, upper=True),
            entity=args.entity,
            source=args.source,
        )
        titles = {row.id: row.title or Path(row.path).name for row in store.sources()}
    if args.json:
        for event in events:
            print(
                json.dumps(
                    {
                        "date": event.edtf,
                        "earliest": event.earliest,
                        "latest": event.latest,
                        "label": event.label,
                        "source": event.source_id,
                        "start": event.start,
                        "end": event.end,
                    },
                    ensure_ascii=False,
                )
            )
        return 0
    console = Console(highlight=False, soft_wrap=True)
    for event in events:
        marker = "~" if uncertain(event.edtf) else " "
        console.print(
            f"{marker}[bold]{escape(event.edtf):<23}[/bold] {escape(event.label)}  "
            f"[dim]— {escape(titles.get(event.source_id, event.source_id))} "
            f"{event.source_id}:{event.start}-{event.end}[/dim]"
        )
    if not events:
        console.print("no events match")
    return 0
