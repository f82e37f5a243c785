"""Palladio-ready CSV tables: entities (with coordinates as "lat,lon"), events, relations."""

from __future__ import annotations

import csv
from pathlib import Path

from historiograph.store.database import Store
from historiograph.store.knowledge import iter_entities, query_events
from historiograph.store.resolution import iter_relations


def write_csv_tables(store: Store, folder: Path) -> dict[str, int]:
    """Write entities.csv, events.csv and relations.csv into ``folder``; return row counts."""
    folder.mkdir(parents=True, exist_ok=True)
    names: dict[int, str] = {}
    counts: dict[str, int] = {}
    with open(folder / "entities.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "name", "type", "aliases", "mentions", "coordinates"])
        rows = 0
        for entity in iter_entities(store.conn):
            names[entity["id"]] = entity["name"]
            where = entity["coordinates"]
            writer.writerow(
                [
                    entity["id"],
                    entity["name"],
                    entity["type"],
                    "; ".join(entity["aliases"]),
                    len(entity["mentions"]),
                    f"{where[0]},{where[1]}" if where else "",
                ]
            )
            rows += 1
        counts["entities"] = rows
    events = query_events(store.conn)
    with open(folder / "events.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["id", "date", "start_date", "end_date", "label", "participants", "places", "source"]
        )
        for event in events:
            writer.writerow(
                [
                    event.id,
                    event.edtf,
                    event.earliest,
                    event.latest,
                    event.label,
                    "; ".join(names.get(i, str(i)) for i in sorted(set(event.participants))),
                    "; ".join(names.get(i, str(i)) for i in sorted(set(event.places))),
                    event.source_id,
                ]
            )
        counts["events"] = len(events)
    with open(folder / "relations.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["source", "target", "type", "weight"])
        rows = 0
        for relation in iter_relations(store):
            writer.writerow(
                [
                    names.get(relation["source"]),
                    names.get(relation["target"]),
                    relation["type"],
                    relation["weight"],
                ]
            )
            rows += 1
        counts["relations"] = rows
    return counts
