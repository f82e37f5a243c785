"""Relations, the network exports (GraphML, GEXF) and the map export (GeoJSON)."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from support import SAMPLE_DIR, CliResult


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> str:
    from historiograph.cli.main import main

    db = str(tmp_path_factory.mktemp("net") / "kb.db")
    assert main(["ingest", str(SAMPLE_DIR), "--db", db, "--quiet"]) == 0
    return db


def test_relations_in_the_json_contract(kb: str, cli: Callable[..., CliResult]) -> None:
    data = json.loads(cli("export", "json", "--db", kb).out)
    ids = {e["id"]: e for e in data["entities"]}
    originals = {s["id"]: Path(s["path"]).read_text(encoding="utf-8") for s in data["sources"]}
    assert data["relations"]
    kinds = {r["type"] for r in data["relations"]}
    assert {"co-sentence", "co-paragraph", "leader-of", "member-of"} <= kinds
    for relation in data["relations"]:
        assert relation["source"] in ids and relation["target"] in ids
        for span in relation["evidence"]:
            assert originals[span["source"]][span["start"] : span["end"]] == span["text"]
    leader = [r for r in data["relations"] if r["type"] == "leader-of"]
    pairs = {(ids[r["source"]]["name"], ids[r["target"]]["name"]) for r in leader}
    assert any(person == "Enver Hoxha" for person, _ in pairs)


def test_graphml_and_gexf_parse(kb: str, tmp_path: Path, cli: Callable[..., CliResult]) -> None:
    for kind, ns, node_tag, edge_tag in (
        ("graphml", "{http://graphml.graphdrawing.org/xmlns}", "node", "edge"),
        ("gexf", "{http://gexf.net/1.3}", "node", "edge"),
    ):
        target = tmp_path / f"net.{kind}"
        assert cli("export", kind, "--db", kb, "-o", str(target)).code == 0
        root = ET.parse(target).getroot()
        nodes = root.findall(f".//{ns}{node_tag}")
        edges = root.findall(f".//{ns}{edge_tag}")
        assert len(nodes) > 100 and len(edges) > 100
        node_ids = {n.get("id") for n in nodes}
        assert all(e.get("source") in node_ids and e.get("target") in node_ids for e in edges)


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 6371 * 2 * math.asin(math.sqrt(h))


def test_geojson_places_are_where_they_are(kb: str, cli: Callable[..., CliResult]) -> None:
    data = json.loads(cli("export", "geojson", "--db", kb).out)
    assert data["type"] == "FeatureCollection"
    by_name = {}
    for feature in data["features"]:
        assert feature["type"] == "Feature" and feature["geometry"]["type"] == "Point"
        longitude, latitude = feature["geometry"]["coordinates"]
        assert -180 <= longitude <= 180 and -90 <= latitude <= 90
        assert 0 < feature["properties"]["confidence"] <= 1
        by_name[feature["properties"]["name"]] = (latitude, longitude)
    known = {
        "Tirana": (41.3275, 19.8187),
        "Belgrade": (44.8176, 20.4633),
        "Zagreb": (45.8150, 15.9819),
    }
    for name, true in known.items():
        assert _km(by_name[name], true) < 30, name
    tirana_events = next(f for f in data["features"] if f["properties"]["name"] == "Tirana")
    assert tirana_events["properties"]["events"]


def test_unlocated_places_are_listed_not_guessed(kb: str, cli: Callable[..., CliResult]) -> None:
    places = json.loads(
        cli("entities", "--db", kb, "--type", "place", "--limit", "500", "--json").out
    )
    details = [json.loads(cli("entity", str(p["id"]), "--db", kb, "--json").out) for p in places]
    unlocated = [d for d in details if d["coordinates"] is None]
    assert unlocated and all(d["geocoding"]["reason"] for d in unlocated)
    assert any(d["name"] == "Labinot" for d in unlocated)


def test_csv_tables_round_trip(kb: str, tmp_path: Path, cli: Callable[..., CliResult]) -> None:
    import csv

    folder = tmp_path / "tables"
    assert cli("export", "csv", "--db", kb, "-o", str(folder)).code == 0
    data = json.loads(cli("export", "json", "--db", kb).out)
    with open(folder / "entities.csv", encoding="utf-8", newline="") as handle:
        entities = list(csv.DictReader(handle))
    with open(folder / "events.csv", encoding="utf-8", newline="") as handle:
        events = list(csv.DictReader(handle))
    with open(folder / "relations.csv", encoding="utf-8", newline="") as handle:
        relations = list(csv.DictReader(handle))
    assert len(entities) == len(data["entities"]) and len(events) == len(data["events"])
    assert len(relations) == len(data["relations"])
    tirana = next(row for row in entities if row["name"] == "Tirana")
    latitude, longitude = map(float, tirana["coordinates"].split(","))
    assert _km((latitude, longitude), (41.3275, 19.8187)) < 30
    assert all(row["start_date"] <= row["end_date"] for row in events)
    assert any(row["type"] == "located-in" for row in relations)
