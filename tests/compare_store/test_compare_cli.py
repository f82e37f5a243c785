"""``historiograph compare``: the readable groups, JSON lines, filters, and empty bases."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from historiograph.store.comparison import save_groups
from historiograph.store.database import Store
from support import SAMPLE_DIR, CliResult

RED_ARMY = "001_774506ce885f2c32.txt"
SAVICH = "002_82ff1b24559abff5.txt"


def _jsonl(result: CliResult) -> list[dict[str, Any]]:
    assert result.code == 0, result.err
    return [json.loads(line) for line in result.out.splitlines() if line.strip()]


def test_help_names_every_option(cli: Callable[..., CliResult]) -> None:
    result = cli("compare", "--help")
    assert result.code == 0
    for option in ("--entity", "--source", "--classification", "--limit", "--db", "--format"):
        assert option in result.out
    assert "compare" in cli("--help").out


def test_table_shows_both_sides(cli: Callable[..., CliResult], sample_db: Path) -> None:
    result = cli("compare", "--db", str(sample_db), "--classification", "contradict")
    assert result.code == 0, result.err
    out = " ".join(result.out.split())
    assert "✗ contradict" in out and "reason: opposite autonomy" in out
    assert "Enter the Red Army" in out  # the source's title
    assert "retain command" in out and "Soviet tanks" in out
    assert "groups shown" in out


def test_jsonl_and_filters(cli: Callable[..., CliResult], sample_db: Path) -> None:
    db = str(sample_db)
    everything = _jsonl(cli("compare", "--db", db, "--format", "jsonl"))
    # The sample gives 9 groups (see tests/compare/test_compare_gate.py): the store shows them all.
    assert len(everything) >= 5
    assert all(len(g["sources"]) >= 2 for g in everything)
    agree = _jsonl(cli("compare", "--db", db, "--classification", "agree", "--format", "jsonl"))
    assert agree and {g["classification"] for g in agree} == {"agree"}
    pact = [g for g in agree if any("August 23, 1939" in e["text"] for e in g["evidence"])]
    assert pact and "more precise" in pact[0]["reason"]

    tito = _jsonl(cli("compare", "--db", db, "--entity", "Tito", "--format", "jsonl"))
    assert tito and len(tito) < len(everything)
    # Sources by file name or by id prefix; two of them: the groups between them.
    with Store(sample_db, create=False) as store:
        ids = {Path(row.path).name: row.id for row in store.sources()}
    between = _jsonl(
        cli(
            "compare",
            "--db",
            db,
            "--source",
            RED_ARMY,
            "--source",
            ids[SAVICH][:6],
            "--format",
            "jsonl",
        )
    )
    assert between
    assert all({ids[RED_ARMY], ids[SAVICH]} <= set(g["sources"]) for g in between)
    limited = _jsonl(cli("compare", "--db", db, "--limit", "2", "--format", "jsonl"))
    assert [g["id"] for g in limited] == [g["id"] for g in everything[:2]]


def test_nothing_matches(cli: Callable[..., CliResult], sample_db: Path) -> None:
    result = cli("compare", "--db", str(sample_db), "--entity", "Nobody Ever Named")
    assert result.code == 0 and result.out.strip() == "no groups match"
    bad = cli("compare", "--db", str(sample_db), "--classification", "maybe")
    assert bad.code == 2
    unknown = cli("compare", "--db", str(sample_db), "--source", "no-such-source")
    assert unknown.code == 1 and "no such source" in unknown.err


def test_a_base_without_nlp_says_nothing_was_compared(
    cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    db = str(tmp_path / "plain.db")
    assert cli("ingest", str(SAMPLE_DIR), "--db", db, "--no-nlp", "--quiet").code == 0
    result = cli("compare", "--db", db)
    assert result.code == 0
    assert result.out.strip().startswith("nothing compared")
    assert "--no-nlp" in result.out
    missing = cli("compare", "--db", str(tmp_path / "none.db"))
    assert missing.code == 1 and "no knowledge base" in missing.err


def test_export_json_has_claim_groups(
    cli: Callable[..., CliResult], sample_db: Path, tmp_path: Path
) -> None:
    out = tmp_path / "kb.json"
    assert cli("export", "json", "--db", str(sample_db), "-o", str(out)).code == 0
    kb = json.loads(out.read_text(encoding="utf-8"))
    assert kb["claim_groups"] and kb["claim_groups"][0]["id"] == 1
    assert {"claims", "profiles", "claim_groups"} <= set(kb)


def test_rebuild_compares_a_base_made_before_comparison(
    cli: Callable[..., CliResult], sample_db_copy: Path
) -> None:
    db = str(sample_db_copy)
    with Store(sample_db_copy) as store:
        expected = int(store.conn.execute("SELECT count(*) FROM claim_groups").fetchone()[0])
        save_groups(store, [])  # as a base from before migration 11 has it
    assert "compare --rebuild" in cli("compare", "--db", db).out
    assert len(_jsonl(cli("compare", "--db", db, "--rebuild", "--format", "jsonl"))) == expected
