"""The command line: help, version, exit codes and the JSON contract."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from historiograph import __version__
from support import SAMPLE_DIR, CliResult

COMMANDS = [["ingest"], ["sources"], ["search"], ["export"], ["export", "json"], ["summary"]]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(cli: Callable[..., CliResult], command: list[str]) -> None:
    result = cli(*command, "--help")
    assert result.code == 0
    assert result.out.startswith("usage: historiograph")


def test_version(cli: Callable[..., CliResult]) -> None:
    result = cli("--version")
    assert result.code == 0 and result.out.strip() == f"historiograph {__version__}"


@pytest.fixture
def built(tmp_path: Path, cli: Callable[..., CliResult]) -> str:
    db = str(tmp_path / "kb.db")
    result = cli("ingest", str(SAMPLE_DIR), "--db", db)
    assert result.code == 0, result.err
    assert "4 added" in result.out
    return db


def test_sources_table_and_json(built: str, cli: Callable[..., CliResult]) -> None:
    table = cli("sources", "--db", built)
    assert table.code == 0 and "Balkan Headquarters" in table.out
    rows = json.loads(cli("sources", "--db", built, "--json").out)
    assert {row["title"] for row in rows} >= {"Balkan Headquarters", "Enter the Red Army"}


def test_search_prints_offsets_and_bad_queries_exit_2(
    built: str, cli: Callable[..., CliResult]
) -> None:
    result = cli("search", "Tigar", "--db", built)
    assert result.code == 0 and "Enter the Red Army" in result.out and "chars " in result.out
    hits = json.loads(cli("search", "Tigar", "--db", built, "--json").out)
    assert hits[0]["match_end"] - hits[0]["match_start"] == len("Tigar")
    bad = cli("search", '"unclosed', "--db", built)
    assert bad.code == 2
    assert bad.err.count("\n") == 1 and "hint:" in bad.err and "Traceback" not in bad.err


def test_reading_commands_need_an_existing_database(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    result = cli("sources", "--db", str(tmp_path / "none.db"))
    assert result.code == 1 and "no knowledge base here" in result.err
    assert not (tmp_path / "none.db").exists()


def test_export_json_contract(built: str, tmp_path: Path, cli: Callable[..., CliResult]) -> None:
    target = tmp_path / "kb.json"
    result = cli("export", "json", "--db", built, "-o", str(target))
    assert result.code == 0
    kb = json.loads(target.read_text(encoding="utf-8"))
    assert kb["format"] == "historiograph-kb/1"
    assert set(kb) >= {"sources", "entities", "events", "claims"}
    assert len(kb["sources"]) == 4
    for source in kb["sources"]:
        assert {"id", "path", "title", "authors", "published", "language", "sha256"} <= set(source)
        original = Path(source["path"]).read_text(encoding="utf-8")
        for span in source["spans"]:
            assert 0 <= span["start"] <= span["end"] <= len(original)
        for repair in source["repairs"]:
            assert original[repair["start"] : repair["end"]] == repair["text"]
    stdout = cli("export", "json", "--db", built, "--include-text")
    streamed = json.loads(stdout.out)
    assert [s["id"] for s in streamed["sources"]] == [s["id"] for s in kb["sources"]]
    for source in streamed["sources"]:
        assert source["text"] == Path(source["path"]).read_text(encoding="utf-8")


def test_globs_are_expanded(tmp_path: Path, cli: Callable[..., CliResult]) -> None:
    db = str(tmp_path / "kb.db")
    result = cli("ingest", str(SAMPLE_DIR / "00[01]_*.txt"), "--db", db, "--quiet")
    assert result.code == 0 and result.out == ""
    assert len(json.loads(cli("sources", "--db", db, "--json").out)) == 2
    none = cli("ingest", str(SAMPLE_DIR / "*.nothing"), "--db", db)
    assert none.code == 1 and "no files match" in none.err


def test_export_has_entities_and_events(built: str, cli: Callable[..., CliResult]) -> None:
    kb = json.loads(cli("export", "json", "--db", built).out)
    originals = {s["id"]: Path(s["path"]).read_text(encoding="utf-8") for s in kb["sources"]}
    assert len(kb["entities"]) > 50 and len(kb["events"]) > 50
    types = {entity["type"] for entity in kb["entities"]}
    assert types <= {"person", "organization", "place", "group", "work", "other"}
    assert {"person", "place", "organization"} <= types
    ids = {entity["id"] for entity in kb["entities"]}
    for entity in kb["entities"]:
        for mention in entity["mentions"]:
            original = originals[mention["source"]]
            assert original[mention["start"] : mention["end"]] == mention["text"]
    dates = [event["date"] for event in kb["events"]]
    for event in kb["events"]:
        assert set(event["participants"]) <= ids and set(event["places"]) <= ids
        for evidence in event["evidence"]:
            original = originals[evidence["source"]]
            assert original[evidence["start"] : evidence["end"]] == evidence["text"]
    assert "1939-04-07" in dates and "1943-03-11" in dates
    tito = [e for e in kb["entities"] if "Tito" in [e["name"], *e["aliases"]]]
    assert len(tito) == 1 and tito[0]["type"] == "person" and len(tito[0]["mentions"]) > 30
    assert {"Tito", "Josip Broz Tito"} <= {tito[0]["name"], *tito[0]["aliases"]}


def test_timeline_is_chronological_and_filters(built: str, cli: Callable[..., CliResult]) -> None:
    lines = [json.loads(line) for line in cli("timeline", "--db", built, "--json").out.splitlines()]
    assert len(lines) > 50
    assert [e["earliest"] for e in lines] == sorted(e["earliest"] for e in lines)
    window = cli("timeline", "--db", built, "--json", "--from", "1943-03", "--to", "1943-03")
    march = [json.loads(line) for line in window.out.splitlines()]
    assert march and all(
        e["latest"] >= "1943-03-01" and e["earliest"] <= "1943-03-31" for e in march
    )
    tempo = cli("timeline", "--db", built, "--entity", "Tempo")
    assert tempo.code == 0 and "Tempo" in tempo.out
    text = cli("timeline", "--db", built)
    assert "~1943-22/1943-23" in text.out.replace(" ", "") or "~" in text.out
    bad = cli("timeline", "--db", built, "--from", "last spring")
    assert bad.code == 1 and "not an EDTF date" in bad.err


def test_extract_prints_jsonl_without_a_database(
    tmp_path: Path, cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    source = SAMPLE_DIR / "001_774506ce885f2c32.txt"
    result = cli("extract", str(source), "--format", "jsonl")
    assert result.code == 0
    records = [json.loads(line) for line in result.out.splitlines()]
    original = source.read_text(encoding="utf-8")
    assert any(r["type"] == "date" and r["edtf"] == "1944-09-21/1944-09-30" for r in records)
    assert any(r["type"] == "person" and r["text"] == "Josip Broz Tito" for r in records)
    for record in records:
        assert original[record["start"] : record["end"]] == record["text"]
    assert not list(tmp_path.glob("*.db"))
