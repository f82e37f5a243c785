"""Places with coordinates, and the events that happened there, as GeoJSON (RFC 7946)."""

from __future__ import annotations

import json
from typing import Any, TextIO

from historiograph.store.database import Store
from historiograph.store.knowledge import iter_entities, query_events


def geojson(store: Store) -> dict[str, Any]:
    """A FeatureCollection of located places (longitude before latitude, as RFC 7946 says)."""
    events_at: dict[int, list[dict[str, Any]]] = {}
    for event in query_events(store.conn):
        for place in set(event.places):
            events_at.setdefault(place, []).append(
                {
                    "id": event.id,
                    "date": event.edtf,
                    "label": event.label,
                    "source": event.source_id,
                }
            )
    features = []
    for entity in iter_entities(store.conn):
        if entity["type"] != "place" or entity["coordinates"] is None:
            continue
        latitude, longitude = entity["coordinates"]
        features.append(
            {
                "type": "Feature",
                "id": entity["id"],
                "geometry": {"type": "Point", "coordinates": [longitude, latitude]},
                "properties": {
                    "name": entity["name"],
                    "aliases": entity["aliases"],
                    "confidence": entity["coordinates_confidence"],
                    "mentions": len(entity["mentions"]),
                    "events": events_at.get(entity["id"], []),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def write_geojson(store: Store, out: TextIO) -> tuple[int, int]:
    collection = geojson(store)
    json.dump(collection, out, ensure_ascii=False, indent=1)
    out.write("\n")
    return len(collection["features"]), 0
