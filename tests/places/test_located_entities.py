"""The knowledge base's place entities: located where they are, or left unlocated."""

from __future__ import annotations

from test_geocode import NOT_IN_GAZETTEER, TRUE_POINTS

from historiograph.build import ingest_paths
from historiograph.places.geocode import distance_km
from historiograph.store.database import Store
from support import SAMPLE_FILES


def test_sample_places_in_geonames_are_within_30_km(store: Store) -> None:
    ingest_paths([str(p) for p in SAMPLE_FILES], store)
    rows = store.conn.execute(
        "SELECT name, latitude, longitude, geo_confidence FROM entities WHERE type = 'place'"
    ).fetchall()
    checked = 0
    for name, latitude, longitude, confidence in rows:
        if name in TRUE_POINTS:
            assert latitude is not None, f"{name} is in GeoNames but was not located"
            assert distance_km(latitude, longitude, *TRUE_POINTS[name]) < 30, name
            assert 0 < confidence <= 1
            checked += 1
        elif name in NOT_IN_GAZETTEER and latitude is not None:
            assert distance_km(latitude, longitude, *NOT_IN_GAZETTEER[name]) < 50, name
    assert checked >= 20
