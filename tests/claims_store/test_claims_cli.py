"""``historiograph claims``: the table, JSON lines, and every filter."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from historiograph.claims import MODALITIES
from historiograph.cli import claims as claims_cli
from historiograph.store.database import Store, source_id_for
from support import SAMPLE_DIR, CliResult

SAVICH = SAMPLE_DIR / "002_82ff1b24559abff5.txt"


def _jsonl(result: CliResult) -> list[dict[str, Any]]:
    assert result.code == 0, result.err
    return [json.loads(line) for line in result.out.splitlines() if line.strip()]


def test_the_cli_lists_the_same_modalities_as_the_claims_stage() -> None:
    assert claims_cli.MODALITIES == MODALITIES


def test_help_names_every_option(cli: Callable[..., CliResult]) -> None:
    result = cli("claims", "--help")
    assert result.code == 0 and result.out.startswith("usage: historiograph claims")
    for option in ("--source", "--entity", "--modality", "--attributed", "--format", "--db"):
        assert option in result.out
    assert "claims" in cli("--help").out


def test_table_shows_attribution_and_chain(sample_db: Path, cli: Callable[..., CliResult]) -> None:
    source = source_id_for(hashlib.sha256(SAVICH.read_bytes()).hexdigest())
    result = cli("claims", "--db", str(sample_db), "--source", source, "--attributed")
    assert result.code == 0, result.err
    flat = " ".join(result.out.split())
    assert "Walter R. Roberts (person)" in flat
    assert "NOKW 1088, Record Group 238" in flat and "→" in flat
    assert "A German memorandum (document)" in flat
    assert "attributed to another voice" in result.out and "Traceback" not in result.err


def test_jsonl_matches_the_export_shape_and_filters(
    sample_db: Path, cli: Callable[..., CliResult]
) -> None:
    db = str(sample_db)
    everything = _jsonl(cli("claims", "--db", db, "--format", "jsonl"))
    assert len(everything) >= 400
    assert {"source", "start", "end", "text", "modality", "attribution", "chain"} <= set(
        everything[0]
    )
    for modality in ("hedged", "quoted"):
        some = _jsonl(cli("claims", "--db", db, "--modality", modality, "--format", "jsonl"))
        assert some and all(c["modality"] == modality for c in some)
    attributed = _jsonl(cli("claims", "--db", db, "--attributed", "--format", "jsonl"))
    assert attributed and all(c["attribution"]["kind"] != "author" for c in attributed)
    assert len(attributed) < len(everything)
    djilas = _jsonl(cli("claims", "--db", db, "--entity", "Djilas", "--format", "jsonl"))
    assert djilas and len(djilas) < len(everything)
    with Store(sample_db, create=False) as store:
        ids = {
            row[0]
            for row in store.conn.execute("SELECT entity_id FROM mentions WHERE text = 'Djilas'")
        }
    for claim in djilas:
        voices = {claim["attribution"]["entity"], *(v["entity"] for v in claim["chain"])}
        assert ids & (voices | set(claim["subjects"])), claim["text"]
    limited = _jsonl(cli("claims", "--db", db, "--limit", "2", "--format", "jsonl"))
    assert limited == everything[:2]


def test_nothing_to_show(sample_db: Path, tmp_path: Path, cli: Callable[..., CliResult]) -> None:
    none = cli("claims", "--db", str(sample_db), "--entity", "Nobody Ever Named")
    assert none.code == 0 and "no claims match" in none.out
    plain = tmp_path / "plain.db"
    assert cli("ingest", str(SAMPLE_DIR), "--db", str(plain), "--no-nlp", "--quiet").code == 0
    empty = cli("claims", "--db", str(plain))
    assert empty.code == 0 and "no claims stored" in empty.out
    missing = cli("claims", "--db", str(tmp_path / "none.db"))
    assert missing.code == 1 and "no knowledge base here" in missing.err


@pytest.mark.parametrize("bad", [["--modality", "probable"], ["--format", "csv"]])
def test_bad_options_are_usage_errors(
    sample_db: Path, cli: Callable[..., CliResult], bad: list[str]
) -> None:
    assert cli("claims", "--db", str(sample_db), *bad).code == 2
