"""Resolution in the knowledge base: after ingest, with evidence, and overrides that last."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from historiograph.build import ingest_paths
from historiograph.store.database import Store
from historiograph.store.resolution import entity_detail, find_entities
from support import SAMPLE_FILES, CliResult


def _entity(store: Store, name: str) -> dict[str, object]:
    (found, *_) = find_entities(store, name=name)
    return entity_detail(store, int(found["id"]))


def test_ingest_resolves_names_across_sources(store: Store) -> None:
    ingest_paths([str(p) for p in SAMPLE_FILES], store)
    tito = _entity(store, "Tito")
    assert tito["type"] == "person" and {"Tito", "Josip Broz Tito"} <= set(tito["aliases"])  # type: ignore[arg-type]
    sources = {m["source_id"] for m in tito["mentions"]}  # type: ignore[attr-defined]
    assert len(sources) >= 3
    djilas = _entity(store, "Djilas")
    assert "Markovic" in djilas["aliases"]  # type: ignore[operator]
    alias = [m for m in djilas["merges"] if m["rule"] == "alias"]  # type: ignore[attr-defined]
    assert alias and alias[0]["evidence"] is not None
    source, start, end = alias[0]["evidence"]
    assert "in reality" in store.original_text(source)[start:end]
    popovic = _entity(store, "Koca Popovic")
    assert "Petrovic" not in popovic["aliases"]  # type: ignore[operator]


def test_overrides_survive_reingest_and_reresolution(
    tmp_path: Path, sample_copy: Path, cli: Callable[..., CliResult]
) -> None:
    db = str(tmp_path / "kb.db")
    assert cli("ingest", str(sample_copy), "--db", db, "--quiet").code == 0
    with Store(db) as store:
        kasche = int(find_entities(store, name="Kasche")[0]["id"])
        ribbentrop = int(find_entities(store, name="Ribbentrop")[0]["id"])
        hitler = int(find_entities(store, name="Hitler")[0]["id"])
    assert cli("merge", str(kasche), str(ribbentrop), "--db", db).code == 0
    assert cli("rename", str(hitler), "Adolf Hitler", "--db", db).code == 0
    # Change another source: it is re-ingested and everything is resolved again.
    other = sample_copy / SAMPLE_FILES[0].name
    other.write_text(other.read_text(encoding="utf-8") + "\nA closing line.\n", encoding="utf-8")
    assert "1 replaced" in cli("ingest", str(sample_copy), "--db", db).out
    assert cli("resolve", "--db", db).code == 0
    with Store(db) as store:
        merged = _entity(store, "Kasche")
        assert {"Kasche", "Ribbentrop"} <= set(merged["aliases"])  # type: ignore[arg-type]
        assert any(m["rule"] == "override" for m in merged["merges"])  # type: ignore[attr-defined]
        assert find_entities(store, name="Adolf Hitler")[0]["name"] == "Adolf Hitler"


def test_split_moves_mentions_out(tmp_path: Path, cli: Callable[..., CliResult]) -> None:
    db = str(tmp_path / "kb.db")
    assert cli("ingest", *map(str, SAMPLE_FILES), "--db", db, "--quiet").code == 0
    with Store(db) as store:
        djilas = _entity(store, "Djilas")
        markovic = [m["id"] for m in djilas["mentions"] if m["text"] == "Markovic"]  # type: ignore[attr-defined]
    result = cli("split", str(djilas["id"]), *map(str, markovic), "--db", db)
    assert result.code == 0
    with Store(db) as store:
        assert "Markovic" not in _entity(store, "Djilas")["aliases"]  # type: ignore[operator]
        assert find_entities(store, name="Markovic")
    shown = cli("entity", "Djilas", "--db", db)
    assert shown.code == 0 and "Milovan Djilas" in shown.out
