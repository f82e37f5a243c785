"""Incremental updates after ingest and delete equal a full recompute, and keep overrides."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from historiograph.build import delete_sources, ingest_paths
from historiograph.store.database import Store, source_id_for
from historiograph.store.resolution import (
    add_override,
    compute_relations,
    entity_ref,
    find_entities,
    geocode_places,
    resolve_entities,
)
from support import SAMPLE_FILES


def _derived(store: Store) -> dict[str, Any]:
    """Everything resolution, relations and geocoding write, ids included."""
    conn = store.conn
    queries = {
        "entities": "SELECT id, key, type, name, latitude, longitude, geo_confidence, geo_reason"
        " FROM entities",
        "mentions": "SELECT id, entity_id FROM mentions",
        "links": 'SELECT entity_id, mention_a, mention_b, rule, score, source_id, start, "end"'
        " FROM entity_links",
        "aliases": "SELECT entity_id, text, mentions FROM entity_aliases",
        "merges": 'SELECT entity_id, rule, score, name_a, name_b, source_id, start, "end"'
        " FROM entity_merges",
        "events": "SELECT * FROM entity_events",
        # Relation row ids are renumbered by a full recompute: compare them by content.
        "relations": "SELECT r.source, r.target, r.type, r.weight, group_concat(e.source_id"
        " || ':' || e.start || '-' || e.\"end\", ' ') FROM relations AS r"
        " LEFT JOIN relation_evidence AS e ON e.relation_id = r.id GROUP BY r.id",
    }
    return {
        name: sorted((tuple(row) for row in conn.execute(sql)), key=repr)
        for name, sql in queries.items()
    }


def _by_refs(store: Store) -> set[tuple[Any, ...]]:
    """Entities as the sets of mention spans they group, with names (ids left out)."""
    groups: dict[int, list[tuple[str, int, int]]] = {}
    for row in store.conn.execute('SELECT entity_id, source_id, start, "end" FROM mentions'):
        groups.setdefault(row[0], []).append((row[1], row[2], row[3]))
    names = dict(store.conn.execute("SELECT id, name FROM entities").fetchall())
    return {(names[e], tuple(sorted(refs))) for e, refs in groups.items()}


def _full(store: Store) -> None:
    resolve_entities(store)
    compute_relations(store)
    geocode_places(store)


def test_incremental_equals_full_recompute_and_keeps_overrides(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in SAMPLE_FILES:
        shutil.copy(path, corpus / path.name)
    first, second = SAMPLE_FILES[:2], SAMPLE_FILES[2:]
    db = tmp_path / "kb.db"
    with Store(db) as store:
        ingest_paths([str(corpus / p.name) for p in first], store)
        # Overrides made before the change: they must hold after it.
        kasche = find_entities(store, name="Kasche") or find_entities(store, name="Tito")
        kept_source = source_id_for(
            __import__("hashlib").sha256((corpus / first[0].name).read_bytes()).hexdigest()
        )
        # Named by mentions of the source that stays, so that the overrides still apply.
        others = [
            e
            for e in find_entities(store, kind="person")
            if e["id"] != kasche[0]["id"] and entity_ref(store, int(e["id"]))[0] == kept_source
        ]
        target = int(kasche[0]["id"])
        merged = int(others[0]["id"])
        merged_refs = {entity_ref(store, target), entity_ref(store, merged)}
        add_override(store, "merge", {"mentions": [list(ref) for ref in merged_refs]})
        renamed = int(others[1]["id"])
        add_override(
            store, "rename", {"mentions": [entity_ref(store, renamed)], "name": "Renamed One"}
        )
        _full(store)
        ingest_paths([str(corpus / p.name) for p in second], store)
        # A changed file (replaced) and a deleted one.
        changed = corpus / second[0].name
        changed.write_text(
            changed.read_text(encoding="utf-8") + "\nTito met Djilas in Belgrade.\n",
            encoding="utf-8",
        )
        ingest_paths([str(changed)], store)
        gone = source_id_for(
            __import__("hashlib").sha256((corpus / first[1].name).read_bytes()).hexdigest()
        )
        assert delete_sources(store, [gone]) == 1
        incremental = _derived(store)
        shapes = _by_refs(store)
        # Overrides still in force: the merged mentions share an entity, the rename holds.
        owners = {
            store.conn.execute(
                'SELECT entity_id FROM mentions WHERE source_id = ? AND start = ? AND "end" = ?',
                ref,
            ).fetchone()[0]
            for ref in merged_refs
            if ref[0] != gone
        }
        assert len(owners) == 1
        assert find_entities(store, name="Renamed One")
    assert incremental["links"] and incremental["relations"] and incremental["events"]
    # The same store, everything recomputed: identical, ids included.
    copy = tmp_path / "full.db"
    shutil.copy(db, copy)
    with Store(copy) as store:
        _full(store)
        assert _derived(store) == incremental
    # The same files ingested in one go (with the same overrides): the same entities.
    scratch = tmp_path / "scratch.db"
    with Store(scratch) as store:
        kept = [corpus / p.name for p in SAMPLE_FILES if p != first[1]]
        ingest_paths([str(p) for p in kept], store)
        with Store(db) as old:
            overrides = old.conn.execute("SELECT action, args FROM entity_overrides").fetchall()
        for action, args in overrides:
            add_override(store, action, __import__("json").loads(args))
        _full(store)
        assert _by_refs(store) == shapes


def test_nothing_changed_means_nothing_rewritten(tmp_path: Path) -> None:
    from historiograph.store.resolution import update_resolution

    db = tmp_path / "kb.db"
    with Store(db) as store:
        ingest_paths([str(p) for p in SAMPLE_FILES], store)
        before = _derived(store)
        changes = update_resolution(store)
        assert not changes.full and not changes.added and not changes.rewritten
        assert _derived(store) == before
