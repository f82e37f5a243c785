"""``entities``, ``entity``, ``merge``, ``split``, ``rename``, ``resolve``: review and correct
how mentions were grouped into entities. Corrections are stored as overrides and survive
re-ingest and re-resolution."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from historiograph.errors import HistoriographError
from historiograph.store.knowledge import entity_detail, find_entities, query_events
from historiograph.store.opening import open_store
from historiograph.store.resolution import (
    ResolutionSummary,
    add_override,
    compute_relations,
    entity_ref,
    geocode_places,
    mention_ref,
    resolve_entities,
)

if TYPE_CHECKING:
    from historiograph.store.dialect import AnyConnection
    from historiograph.store.opening import AnyStore


def register(commands: Any, add_db: Callable[[argparse.ArgumentParser], None]) -> None:
    listing = commands.add_parser("entities", help="list entities", description="List entities.")
    add_db(listing)
    listing.add_argument("--type", dest="kind", metavar="T", help="person, organization, place, …")
    listing.add_argument("--name", metavar="N", help="entities with this name or alias")
    listing.add_argument("--limit", type=int, default=50, metavar="N", help="at most N (50)")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(run=run_entities)

    detail = commands.add_parser(
        "entity",
        help="one entity: aliases, merge evidence, mentions, events",
        description="Show an entity by id or name.",
    )
    detail.add_argument("entity", metavar="NAME|ID")
    add_db(detail)
    detail.add_argument("--json", action="store_true", help="print JSON")
    detail.set_defaults(run=run_entity)

    merge = commands.add_parser(
        "merge", help="merge entities", description="Merge entity B (and more) into A."
    )
    merge.add_argument("entities", nargs="+", metavar="ID", type=int)
    add_db(merge)
    merge.set_defaults(run=run_merge)

    split = commands.add_parser(
        "split",
        help="split mentions off an entity",
        description="Move the given mentions (ids, see `entity --json`) into a new entity.",
    )
    split.add_argument("entity", type=int, metavar="ENTITY")
    split.add_argument("mentions", nargs="+", type=int, metavar="MENTION")
    add_db(split)
    split.set_defaults(run=run_split)

    rename = commands.add_parser("rename", help="rename an entity", description="Rename.")
    rename.add_argument("entity", type=int, metavar="ID")
    rename.add_argument("name", metavar="NEW_NAME")
    add_db(rename)
    rename.set_defaults(run=run_rename)

    again = commands.add_parser(
        "resolve", help="recompute entities", description="Re-run entity resolution."
    )
    add_db(again)
    again.set_defaults(run=run_resolve)


def _console() -> Console:
    return Console(highlight=False, soft_wrap=True)


def run_entities(args: argparse.Namespace) -> int:
    # Either store: the readers speak both dialects (store/dialect.py).
    with open_store(args.db, create=False) as store:
        rows = find_entities(store.conn, name=args.name, kind=args.kind)[: args.limit]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    places = args.kind == "place"
    table = Table(
        "id", "type", "name", "mentions", *(["coordinates", "confidence"] if places else [])
    )
    for row in rows:
        cells = [str(row["id"]), row["type"], escape(row["name"]), str(row["mentions"])]
        if places:
            located = row["latitude"] is not None
            cells.append(
                f"{row['latitude']:.4f}, {row['longitude']:.4f}" if located else "not located"
            )
            cells.append(f"{row['geo_confidence']:.2f}" if located else "")
        table.add_row(*cells)
    _console().print(table)
    return 0


def _entity_id(conn: AnyConnection, value: str) -> int:
    if value.isdigit():
        return int(value)
    found = find_entities(conn, name=value)
    if not found:
        raise HistoriographError(f"no entity named {value!r} (try: historiograph entities --name)")
    return int(found[0]["id"])


def run_entity(args: argparse.Namespace) -> int:
    with open_store(args.db, create=False) as store:
        detail = entity_detail(store.conn, _entity_id(store.conn, args.entity))
        events = query_events(store.conn, entity_id=detail["id"])
    if args.json:
        detail["events"] = [asdict(e) for e in events]
        print(json.dumps(detail, ensure_ascii=False, indent=1, default=str))
        return 0
    console = _console()
    console.print(f"[bold]{escape(detail['name'])}[/bold] ({detail['type']}, id {detail['id']})")
    console.print(
        "aliases: " + ", ".join(f"{escape(a)} ×{n}" for a, n in detail["aliases"].items())
    )
    shown: set[tuple[str, str, str]] = set()
    for merge in detail["merges"]:
        first, second = (str(n) for n in merge["between"])
        if first == second or (merge["rule"], first, second) in shown:
            continue  # the same name again: nothing to review
        shown.add((merge["rule"], first, second))
        evidence = f" — stated at {merge['evidence']}" if merge["evidence"] else ""
        console.print(
            f"  merged by {merge['rule']} ({merge['score']}): "
            f"{escape(first)} = {escape(second)}{evidence}"
        )
    if detail["geocoding"]:
        where = detail["coordinates"] or "not located"
        console.print(f"coordinates: {where} ({escape(str(detail['geocoding']['reason']))})")
    if detail["relations"]:
        console.print("relations:")
        for relation in detail["relations"][:15]:
            console.print(
                f"  {relation['type']:<13} {escape(relation['other_name'])} (×{relation['weight']})"
            )
    console.print(f"mentions ({len(detail['mentions'])}):")
    for m in detail["mentions"][:20]:
        context = " ".join(m["context"].split())
        console.print(f"  {m['source_id']}:{m['start']}-{m['end']}  …{escape(context)}…")
    if events:
        console.print("events:")
        for event in events:
            console.print(f"  {event.edtf:<23} {escape(event.label)}")
    return 0


def _refresh(store: AnyStore) -> ResolutionSummary:
    """Resolve again with the overrides, then rebuild relations and locate places."""
    summary = resolve_entities(store)
    compute_relations(store)
    geocode_places(store)
    return summary


# merge, split, rename and resolve work on either store: the overrides and the resolution
# (store/resolution.py) speak both dialects.


def run_merge(args: argparse.Namespace) -> int:
    if len(args.entities) < 2:
        raise HistoriographError("merge needs at least two entity ids")
    with open_store(args.db, create=False) as store:
        refs = [list(entity_ref(store, e)) for e in args.entities]
        add_override(store, "merge", {"mentions": refs})
        summary = _refresh(store)
    print(f"merged; {summary.entities} entities")
    return 0


def run_split(args: argparse.Namespace) -> int:
    with open_store(args.db, create=False) as store:
        refs = [list(mention_ref(store, m)) for m in args.mentions]
        add_override(store, "split", {"entity": args.entity, "mentions": refs})
        summary = _refresh(store)
    print(f"split; {summary.entities} entities")
    return 0


def run_rename(args: argparse.Namespace) -> int:
    with open_store(args.db, create=False) as store:
        ref = list(entity_ref(store, args.entity))
        add_override(store, "rename", {"mentions": [ref], "name": args.name})
        _refresh(store)
    print(f"renamed {args.entity} to {args.name!r}")
    return 0


def run_resolve(args: argparse.Namespace) -> int:
    with open_store(args.db, create=False) as store:
        summary = resolve_entities(store)
        relations = compute_relations(store)
        located, unlocated = geocode_places(store)
    print(
        f"{summary.mentions} mentions -> {summary.entities} entities, {relations} relations "
        f"({summary.merges} merges, {summary.overrides} overrides); "
        f"{located} places located, {unlocated} not in the gazetteer"
    )
    return 0
