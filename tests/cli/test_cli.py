"""The command line: help, version, exit codes and the JSON contract."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import SAMPLE_DIR, CliResult
from historiograph import __version__

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
