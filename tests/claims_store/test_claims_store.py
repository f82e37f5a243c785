"""Claims in the store: written at ingest, replaced with their source, read through mentions."""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import historiograph.claims
from historiograph.build import ingest_paths
from historiograph.claims import MODALITIES, Attribution, Claim, ClaimSet, WorkReference
from historiograph.export.json_export import export_json
from historiograph.ingest.pipeline import parse_text
from historiograph.model import Extraction, Mention, ParsedSource
from historiograph.settings import Settings
from historiograph.store.claims import ClaimRow, count_claims, query_claims
from historiograph.store.database import Store, as_rows, source_id_for
from historiograph.store.migrations import SCHEMA_VERSION
from support import SAMPLE_DIR, CliResult, base_at_version, djilas_claim

SAVICH = SAMPLE_DIR / "002_82ff1b24559abff5.txt"
BALKAN_HQ = SAMPLE_DIR / "000_1b34a971712b6640.txt"
CLAIM_TABLES = ("claims", "claim_chain", "claim_subjects", "claim_citations")

SMALL = (
    "The Bridge\n\nBy Ana Kovac\n\n"
    "According to Djilas, the Partisans reached the river in March 1943. "
    "Some historians think that the bridge was never destroyed.\n"
)
OTHER = "Harbour Notes\n\nThe harbour of Durazzo was closed in April 1939 by the navy.\n"


def _id(path: Path) -> str:
    return source_id_for(hashlib.sha256(path.read_bytes()).hexdigest())


def _rows(db: Path, **filters: Any) -> list[ClaimRow]:
    with Store(db, create=False) as store:
        return query_claims(store.conn, **filters)


def _one(rows: list[ClaimRow], words: str) -> ClaimRow:
    found = [row for row in rows if words in row.text]
    assert len(found) == 1, [row.text for row in found]
    return found[0]


def _table_counts(store: Store) -> dict[str, int]:
    return {t: store.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in CLAIM_TABLES}


def _orphans(store: Store) -> int:
    """Rows of the claim tables whose claim (or whose subject mention) is gone."""
    conn = store.conn
    return sum(
        conn.execute(sql).fetchone()[0]
        for sql in [
            f"SELECT count(*) FROM {t} WHERE claim_id NOT IN (SELECT id FROM claims)"
            for t in CLAIM_TABLES[1:]
        ]
        + [
            "SELECT count(*) FROM claims WHERE source_id NOT IN (SELECT id FROM sources)",
            "SELECT count(*) FROM claim_subjects WHERE mention_id NOT IN (SELECT id FROM mentions)",
        ]
    )


# --- the sample, ingested once -----------------------------------------------------------------


def test_sample_claims_are_stored_with_every_offset_in_the_original(sample_db: Path) -> None:
    rows = _rows(sample_db)
    with Store(sample_db, create=False) as store:
        counts = count_claims(store.conn)
        originals = {row.id: store.original_text(row.id) for row in store.sources()}
        assert store.check_integrity() == []
        assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []
    # Measured 470 claims, 178 attributed, on the sample; floors leave the extractor room.
    assert len(rows) == counts["total"] >= 400
    assert counts["attributed"] >= 120
    assert {row.source_id for row in rows} == set(originals)
    assert {row.modality for row in rows} <= set(MODALITIES)
    assert counts.get("hedged", 0) >= 5 and counts.get("quoted", 0) >= 30
    for row in rows:
        original = originals[row.source_id]
        assert original[row.start : row.end] == row.text
        assert row.chain and row.chain[0].kind == "author"
        assert row.attributed == (row.attribution.kind != "author")
        for voice in [row.attribution, *row.chain]:
            if voice.start is not None:
                assert voice.end is not None and original[voice.start : voice.end] == voice.text
        for cue in row.cues:
            assert original[cue["start"] : cue["end"]] == cue["text"]
        for citation in row.citations:
            assert original[citation.start : citation.end] == citation.text
        if row.quotation is not None:
            assert 0 <= row.quotation[0] <= row.quotation[1] <= len(original)


def test_the_nokw_1088_chain_of_the_savich_text(sample_db: Path) -> None:
    rows = _rows(sample_db, source=_id(SAVICH))
    claim = _one(rows, "A German memorandum states that the German-Partisan conversation")
    assert claim.attribution.kind == "document" and claim.attribution.text == "A German memorandum"
    assert [(link.kind, link.text) for link in claim.chain] == [
        ("author", "Carl Savich"),
        ("person", "Walter R. Roberts"),
        ("document", "A German memorandum"),
        ("archival", "NOKW 1088, Record Group 238"),
    ]
    assert claim.chain[-1].cue == "primary_source"
    roberts = claim.chain[1]
    assert roberts.mention_id is not None and roberts.entity_id is not None
    with Store(sample_db, create=False) as store:
        name = store.conn.execute(
            "SELECT name FROM entities WHERE id = ?", (roberts.entity_id,)
        ).fetchone()[0]
    assert "Roberts" in name
    assert claim.date is not None and claim.date.startswith("1943-03-11")
    # The block quotation's own sentences are quoted, in Roberts's voice, from the same document.
    quoted = _one(rows, "Only Popovic, an army commander, used his real name.")
    assert quoted.modality == "quoted" and quoted.quotation is not None
    assert quoted.attribution.text == "Walter R. Roberts"
    assert quoted.chain[-1].text == "NOKW 1088, Record Group 238"


def test_hedged_and_asserted_claims_keep_their_cues(sample_db: Path) -> None:
    rows = _rows(sample_db, source=_id(BALKAN_HQ))
    hedged = _one(rows, "the question remains if Tempo had ever received a mandate")
    assert hedged.modality == "hedged" and not hedged.attributed
    assert hedged.attribution.text == "Nedim Pustahija" and hedged.attribution.start is None
    assert {"kind": "hedge", "text": "the question remains if"} in [
        {"kind": c["kind"], "text": c["text"]} for c in hedged.cues
    ]
    assert _rows(sample_db, modality="hedged") and all(
        row.modality == "hedged" for row in _rows(sample_db, modality="hedged")
    )


def test_filters_by_source_prefix_entity_and_attribution(sample_db: Path) -> None:
    savich = _id(SAVICH)
    by_prefix = _rows(sample_db, source=savich[:6])
    assert by_prefix and {row.source_id for row in by_prefix} == {savich}
    attributed = _rows(sample_db, attributed=True)
    assert attributed and all(row.attribution.kind != "author" for row in attributed)
    own = _rows(sample_db, attributed=False)
    assert len(own) + len(attributed) == len(_rows(sample_db))
    about = _rows(sample_db, entity="Roberts")
    with Store(sample_db, create=False) as store:
        ids = {
            r[0]
            for r in store.conn.execute(
                "SELECT DISTINCT entity_id FROM mentions WHERE text LIKE '%Roberts%'"
            )
        }
    assert about
    for row in about:
        voices = {row.attribution.entity_id, *(link.entity_id for link in row.chain)}
        assert ids & (voices | set(row.subjects)), row.text
    by_id = _rows(sample_db, entity=str(next(iter(ids))))
    assert by_id and {row.id for row in by_id} <= {row.id for row in about}
    assert _rows(sample_db, entity="Nobody Ever Named") == []
    assert len(_rows(sample_db, limit=3)) == 3


def test_json_export_claims(sample_db: Path) -> None:
    with Store(sample_db, create=False) as store:
        kb = export_json(store)
        originals = {row.id: store.original_text(row.id) for row in store.sources()}
    entity_ids = {entity["id"] for entity in kb["entities"]}
    claims = kb["claims"]
    assert len(claims) >= 400
    for claim in claims:
        assert set(claim) == {
            "id",
            "source",
            "start",
            "end",
            "text",
            "modality",
            "attribution",
            "chain",
            "subjects",
            "date",
            "quotation",
            "cues",
            "citations",
        }
        assert originals[claim["source"]][claim["start"] : claim["end"]] == claim["text"]
        assert set(claim["attribution"]) == {
            "kind",
            "text",
            "start",
            "end",
            "entity",
            "cue",
            "work",
        }
        assert set(claim["subjects"]) <= entity_ids
        for voice in [claim["attribution"], *claim["chain"]]:
            assert voice["entity"] is None or voice["entity"] in entity_ids
        for citation in claim["citations"]:
            assert set(citation) == {"kind", "text", "start", "end", "title", "entity"}
    nokw = next(c for c in claims if c["text"].startswith("“A German memorandum states"))
    assert [link["text"] for link in nokw["chain"]][-1] == "NOKW 1088, Record Group 238"
    assert nokw["attribution"]["kind"] == "document"


def test_claims_survive_re_resolution_and_follow_merges(
    sample_db_copy: Path, cli: Callable[..., CliResult]
) -> None:
    before = {row.id: row for row in _rows(sample_db_copy)}
    with Store(sample_db_copy, create=False) as store:
        entity = {
            name: store.conn.execute(
                "SELECT entity_id FROM mentions WHERE text = ? LIMIT 1", (name,)
            ).fetchone()[0]
            for name in ("Walter R. Roberts", "Velebit")
        }
    assert entity["Walter R. Roberts"] != entity["Velebit"]
    assert cli("resolve", "--db", str(sample_db_copy)).code == 0
    after = {row.id: row for row in _rows(sample_db_copy)}
    assert {i: r.as_json() for i, r in after.items()} == {i: r.as_json() for i, r in before.items()}
    # A user's merge moves mentions to one entity: the claims follow through their mentions.
    result = cli(
        "merge",
        str(entity["Walter R. Roberts"]),
        str(entity["Velebit"]),
        "--db",
        str(sample_db_copy),
    )
    assert result.code == 0, result.err
    merged = {row.id: row for row in _rows(sample_db_copy)}
    assert set(merged) == set(before)
    with Store(sample_db_copy, create=False) as store:
        now = store.conn.execute(
            "SELECT entity_id FROM mentions WHERE text = 'Velebit' LIMIT 1"
        ).fetchone()[0]
    moved = [i for i, row in before.items() if entity["Velebit"] in row.subjects]
    assert moved
    for claim_id in moved:
        assert now in merged[claim_id].subjects


def test_reingesting_the_sample_adds_no_claims(sample_db_copy: Path) -> None:
    with Store(sample_db_copy, create=False) as store:
        before = _table_counts(store)
        report = ingest_paths([str(SAMPLE_DIR)], store)
        assert report.ok and len(report.unchanged) == 4 and not report.added
        assert _table_counts(store) == before


# --- small texts: replacement, cascades, --no-nlp, bad input -----------------------------------


def _corpus(tmp_path: Path, **files: str) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_a_changed_file_replaces_its_claims(store: Store, tmp_path: Path) -> None:
    folder = _corpus(tmp_path, **{"bridge.txt": SMALL, "harbour.txt": OTHER})
    assert ingest_paths([str(folder)], store).ok
    old = {row.text: row for row in query_claims(store.conn)}
    djilas = next(row for text, row in old.items() if text.startswith("According to Djilas"))
    assert djilas.attribution.text == "Djilas" and djilas.attribution.cue == "according_to"
    assert djilas.attribution.entity_id is not None
    historians = next(row for text, row in old.items() if text.startswith("Some historians"))
    assert historians.attribution.kind == "collective"
    harbour = {row.id for row in query_claims(store.conn) if "harbour" in row.text}

    (folder / "bridge.txt").write_text(
        SMALL.replace("never destroyed", "blown up twice"), encoding="utf-8"
    )
    report = ingest_paths([str(folder)], store)
    assert report.ok and len(report.replaced) == 1 and len(report.unchanged) == 1
    new = query_claims(store.conn)
    texts = [row.text for row in new]
    assert any("blown up twice" in text for text in texts)
    assert not any("never destroyed" in text for text in texts)
    assert len(new) == len(old)  # the old version's claims went with it, none doubled
    assert {row.id for row in new if "harbour" in row.text} == harbour  # the other file untouched
    assert _orphans(store) == 0


def test_deleting_a_source_deletes_its_claims(store: Store, tmp_path: Path) -> None:
    folder = _corpus(tmp_path, **{"bridge.txt": SMALL, "harbour.txt": OTHER})
    assert ingest_paths([str(folder)], store).ok
    bridge = _id(folder / "bridge.txt")
    assert query_claims(store.conn, source=bridge)
    assert store.delete_source(bridge)
    assert query_claims(store.conn, source=bridge) == []
    assert query_claims(store.conn)  # the other source keeps its claims
    assert _orphans(store) == 0


def test_no_nlp_ingest_stores_no_claims(store: Store, tmp_path: Path) -> None:
    folder = _corpus(tmp_path, **{"bridge.txt": SMALL})
    report = ingest_paths([str(folder)], store, settings=Settings(nlp=False))
    assert report.ok and len(report.added) == 1
    assert _table_counts(store) == dict.fromkeys(CLAIM_TABLES, 0)


def _source_with(text: str, claims: list[Claim], path: str) -> ParsedSource:
    parsed = parse_text(text, path=path)
    mention = Mention(text.index("Djilas"), text.index("Djilas") + 6, "Djilas", "person")
    parsed.extraction = Extraction(mentions=[mention], claims=ClaimSet(claims=claims))
    return parsed


def _claim(start: int, end: int, text: str, **changes: Any) -> Claim:
    return djilas_claim(start, end, text, **changes)


def test_bad_claims_are_skipped_and_never_abort_the_batch(store: Store) -> None:
    text = "According to Djilas, the Partisans reached the river in March 1943.\n"
    good = _claim(0, len(text) - 1, text)
    bad = [
        _claim(10, len(text) + 50, text),  # span past the end of the text
        _claim(-3, 5, text),  # negative start
        _claim(20, 10, text),  # end before start
        _claim(0, 5, text, modality=None),  # NOT NULL fails in SQLite, after validation
        _claim(0, 5, text, chain=[None]),  # a link that is no attribution
    ]
    odd = _claim(
        0,
        5,
        text,
        subjects=[0, 7, -1],  # mention indexes out of range: dropped
        attribution=Attribution("person", "Djilas", 3, 900, 42),  # located nowhere
        citations=[WorkReference("inline", "x", 0, 9999)],
    )
    first = _source_with(text, [*bad, good, odd], "/corpus/a.txt")
    second = _source_with("Djilas " + text, [_claim(0, 10, "Djilas " + text)], "/corpus/b.txt")
    assert store.save_sources([first, second]) == ["added", "added"]
    rows = query_claims(store.conn)
    assert len(store.sources()) == 2
    assert sorted((row.start, row.end) for row in rows) == [(0, 5), (0, 10), (0, len(text) - 1)]
    (weird,) = [row for row in rows if (row.start, row.end) == (0, 5)]
    assert weird.attribution.start is None and weird.attribution.text == "Djilas"
    assert weird.attribution.mention_id is None and len(weird.subjects) == 1
    assert weird.citations == []
    assert _orphans(store) == 0 and store.check_integrity() == []


def test_a_failing_claims_stage_costs_one_source_its_claims_only(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = historiograph.claims.extract_claim_set

    def flaky(parsed: ParsedSource, *args: Any, **kwargs: Any) -> ClaimSet:
        if parsed.path.endswith("bridge.txt"):
            raise RuntimeError("a bug in the claims stage")
        return real(parsed, *args, **kwargs)

    monkeypatch.setattr(historiograph.claims, "extract_claim_set", flaky)
    folder = _corpus(tmp_path, **{"bridge.txt": SMALL, "harbour.txt": OTHER})
    report = ingest_paths([str(folder)], store, jobs=0)
    assert report.ok and len(report.added) == 2
    assert query_claims(store.conn, source=_id(folder / "bridge.txt")) == []
    assert query_claims(store.conn, source=_id(folder / "harbour.txt"))
    # The source itself, and its mentions, are stored.
    assert store.conn.execute("SELECT count(*) FROM mentions").fetchone()[0] > 0


def test_claims_travel_between_processes_as_plain_tuples(store: Store) -> None:
    from historiograph.nlp.extract import extract
    from historiograph.nlp.pipeline import default_pipeline

    nlp = default_pipeline((), dates=False)
    parsed = parse_text(SMALL, path="/corpus/bridge.txt")
    parsed.extraction = extract(parsed, nlp)
    parsed.extraction.claims = historiograph.claims.extract_claim_set(
        parsed, parsed.extraction, nlp
    )
    assert parsed.extraction.claims.claims
    travelled = pickle.loads(pickle.dumps(as_rows(parsed)))
    assert travelled.extraction is not None and isinstance(travelled.extraction.claims, list)
    store.save_sources([travelled])
    from_tuples = [row.as_json() for row in query_claims(store.conn)]
    store.delete_source(source_id_for(parsed.sha256))
    store.save_sources([parsed])  # the ClaimSet itself, as a library caller passes it
    direct = [row.as_json() for row in query_claims(store.conn)]
    strip = ("id",)
    assert [{k: v for k, v in c.items() if k not in strip} for c in from_tuples] == [
        {k: v for k, v in c.items() if k not in strip} for c in direct
    ]


def test_a_version_8_base_gains_the_claim_tables(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = base_at_version(path, 8)
    conn.close()
    with Store(path) as store:
        version = store.conn.execute("PRAGMA user_version").fetchone()[0]
        assert version == SCHEMA_VERSION >= 9
        assert _table_counts(store) == dict.fromkeys(CLAIM_TABLES, 0)
