"""Claim groups in the knowledge base: rebuilt at ingest, stored, filtered, replaced."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from historiograph.build import ingest_paths
from historiograph.compare import ComparedSource, compare_sources
from historiograph.errors import StoreError
from historiograph.export.json_export import export_json
from historiograph.settings import Settings
from historiograph.store import comparison
from historiograph.store.comparison import (
    BadGroupFilter,
    GroupRow,
    compared_source,
    compute_claim_groups,
    count_groups,
    group_detail,
    list_groups,
)
from historiograph.store.database import Store
from support import SAMPLE_DIR

RED_ARMY = "001_774506ce885f2c32.txt"  # "Enter the Red Army": Tito kept command
SAVICH = "002_82ff1b24559abff5.txt"  # Savich: Soviet tanks put Tito in power


def _groups(db: Path, **filters: object) -> list[GroupRow]:
    with Store(db, create=False) as store:
        groups, total = list_groups(store.conn, **filters)  # type: ignore[arg-type]
    assert total == len(groups)
    return groups


def _with(groups: list[GroupRow], *texts: str) -> list[GroupRow]:
    """The groups some member of which contains each of ``texts``."""
    return [g for g in groups if all(any(t in m.text for m in g.members) for t in texts)]


def test_ingest_stores_groups_with_their_evidence(sample_db: Path) -> None:
    groups = _groups(sample_db)
    # The sample gives 9 groups (see tests/compare/test_compare_gate.py): all of them stored.
    assert len(groups) >= 5
    with Store(sample_db, create=False) as store:
        for group in groups:
            assert len(group.sources) >= 2
            assert group.classification in comparison.CLASSIFICATIONS
            assert 0 < group.score <= 1 and group.reason and group.label
            for member in group.members:
                original = store.original_text(member.source_id)
                assert original[member.start : member.end] == member.text
                assert member.source_title
        counts = count_groups(store.conn)
    assert counts["total"] == len(groups)
    assert [g.score for g in groups] == sorted((g.score for g in groups), reverse=True)


def test_the_pact_dated_to_the_day_and_to_the_month_agrees(sample_db: Path) -> None:
    [pact] = _with(_groups(sample_db), "August 23, 1939", "in August 1939")
    assert pact.classification == "agree"
    assert "1939-08-23 within 1939-08" in pact.reason
    assert {m.date for m in pact.members} == {"1939-08-23", "1939-08"}


def test_tito_keeping_command_contradicts_soviet_tanks(sample_db: Path) -> None:
    [tito] = _with(_groups(sample_db), "retain command", "put Tito into power")
    assert tito.classification == "contradict"
    assert "opposite autonomy" in tito.reason
    assert "Josip Broz Tito" in tito.entities


def test_filters(sample_db: Path) -> None:
    everything = _groups(sample_db)
    by_kind = {c: _groups(sample_db, classification=c) for c in comparison.CLASSIFICATIONS}
    assert sum(len(v) for v in by_kind.values()) == len(everything)
    assert by_kind["agree"] and by_kind["contradict"]
    assert all(g.classification == "contradict" for g in by_kind["contradict"])

    tito = _groups(sample_db, entity="Tito")  # any of the entity's names
    assert tito and len(tito) < len(everything)
    assert _with(tito, "retain command")
    assert _groups(sample_db, entity="Nobody Ever Named") == []

    ids = {g.id for g in everything}
    with Store(sample_db, create=False) as store:
        by_name = {Path(row.path).name: row.id for row in store.sources()}
    between = _groups(sample_db, sources=[by_name[RED_ARMY][:6], by_name[SAVICH]])
    assert between and {g.id for g in between} <= ids
    for group in between:
        assert {by_name[RED_ARMY], by_name[SAVICH]} <= set(group.sources)

    with Store(sample_db, create=False) as store:
        page, total = list_groups(store.conn, limit=2, offset=1)
        assert total == len(everything)
        assert [g.id for g in page] == [g.id for g in everything[1:3]]
        detail = group_detail(store.conn, everything[0].id)
        assert detail is not None and detail.members == everything[0].members
        assert group_detail(store.conn, 10**9) is None
        with pytest.raises(BadGroupFilter, match="classification"):
            list_groups(store.conn, classification="maybe")


def test_unchanged_reingest_keeps_the_groups(sample_db_copy: Path) -> None:
    before = [g.data for g in _groups(sample_db_copy)]
    with Store(sample_db_copy) as store:
        report = ingest_paths([str(SAMPLE_DIR)], store, settings=Settings())
        assert report.ok and len(report.unchanged) == 4
        # A rebuild gives the same groups, not more of them.
        compute_claim_groups(store)
    assert [g.data for g in _groups(sample_db_copy)] == before


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    """The two sources that disagree about Tito, ingested alone into a fresh base."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in (RED_ARMY, SAVICH):
        shutil.copyfile(SAMPLE_DIR / name, corpus / name)
    db = tmp_path / "pair.db"
    with Store(db) as store:
        assert ingest_paths([str(corpus)], store, settings=Settings()).ok
    return corpus, db


def test_a_replaced_source_replaces_its_groups(pair: tuple[Path, Path]) -> None:
    corpus, db = pair
    assert _with(_groups(db), "retain command", "put Tito into power")
    path = corpus / RED_ARMY
    text = path.read_text(encoding="utf-8")
    sentence = text[text.index("Further, not only") : text.index("Yugoslav territory.") + 19]
    path.write_text(text.replace(sentence, "Further, the Red Army came."), encoding="utf-8")
    with Store(db) as store:
        report = ingest_paths([str(corpus)], store, settings=Settings())
        assert report.ok and report.replaced == [str(path)]
        current = {row.id for row in store.sources()}
    groups = _groups(db)
    assert groups
    assert all(set(g.sources) <= current for g in groups)
    assert not _with(groups, "retain command")


def test_stored_sources_compare_as_freshly_read_ones(pair: tuple[Path, Path]) -> None:
    # The store rebuilds each source from its rows; the comparison must see what ingest saw.
    from historiograph.claims import extract_claim_set
    from historiograph.ingest.pipeline import parse_file
    from historiograph.nlp.extract import extract
    from historiograph.nlp.pipeline import default_pipeline

    corpus, db = pair
    nlp = default_pipeline(dates=False)
    fresh = []
    for path in sorted(corpus.iterdir()):
        parsed = parse_file(path.resolve())
        extraction = extract(parsed, nlp)
        parsed.extraction = extraction
        claims = extract_claim_set(parsed, extraction, nlp)
        fresh.append(ComparedSource(parsed.sha256[:16], parsed, extraction, claims))
    expected = [json.loads(json.dumps(g.to_dict())) for g in compare_sources(fresh)]
    with Store(db, create=False) as store:
        stored = [compared_source(store, s.source_id) for s in fresh]
        assert [len(s.claims.claims) for s in stored] == [len(s.claims.claims) for s in fresh]
        rebuilt = [json.loads(json.dumps(g.to_dict())) for g in compare_sources(stored)]
    assert expected and rebuilt == expected
    assert [g.data for g in _groups(db)] == expected


def test_no_nlp_sources_are_not_compared(tmp_path: Path) -> None:
    with Store(tmp_path / "plain.db") as store:
        report = ingest_paths([str(SAMPLE_DIR)], store, settings=Settings(nlp=False))
        assert report.ok
        assert compute_claim_groups(store) == 0
        assert count_groups(store.conn) == {"total": 0}


def _two_texts(tmp_path: Path) -> list[str]:
    paths = []
    for name, text in (
        ("a.txt", "On August 23, 1939, Germany and the Soviet Union signed the pact in Moscow."),
        ("b.txt", "In August 1939 the Soviet Union signed the pact with Germany in Moscow."),
    ):
        (tmp_path / name).write_text(text, encoding="utf-8")
        paths.append(str(tmp_path / name))
    return paths


def test_a_failing_comparison_keeps_the_ingest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(store: Store) -> int:
        raise RuntimeError("a bug in the comparison")

    monkeypatch.setattr(comparison, "compute_claim_groups", broken)
    with Store(tmp_path / "kb.db") as store:
        report = ingest_paths(_two_texts(tmp_path), store, settings=Settings())
        assert report.ok and len(report.added) == 2
        assert int(store.conn.execute("SELECT count(*) FROM claims").fetchone()[0]) >= 2
    assert "sources not compared" in caplog.text


def test_a_store_failure_in_the_comparison_stops_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(store: Store) -> int:
        raise StoreError("disk full")

    monkeypatch.setattr(comparison, "compute_claim_groups", full)
    with Store(tmp_path / "kb.db") as store:
        report = ingest_paths(_two_texts(tmp_path), store, settings=Settings())
    assert report.stopped == "disk full" and len(report.added) == 2


def test_export_json_carries_the_groups(sample_db: Path) -> None:
    with Store(sample_db, create=False) as store:
        kb = export_json(store)
    groups = kb["claim_groups"]
    assert groups and {"claims", "profiles"} <= set(kb)
    source_ids = {s["id"] for s in kb["sources"]}
    for group in groups:
        assert {"id", "kind", "label", "classification", "reason", "score"} <= set(group)
        assert {"members", "entities", "sources", "evidence"} <= set(group)
        assert set(group["sources"]) <= source_ids and len(group["sources"]) >= 2
        for member, evidence in zip(group["members"], group["evidence"], strict=True):
            assert (member["source_id"], member["start"], member["end"]) == (
                evidence["source"],
                evidence["start"],
                evidence["end"],
            )
