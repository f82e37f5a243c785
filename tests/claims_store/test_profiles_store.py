"""Source profiles made at ingest: stored, shown by ``historiograph profile``, exported, served."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient

from historiograph.store.database import Store
from historiograph.store.profiles import all_profiles, source_profiles
from historiograph.web import create_app
from support import CliResult


def _ids(db: Path) -> dict[str, str]:
    with Store(db, create=False) as store:
        return {Path(row.path).name[:3]: row.id for row in store.sources()}


def test_every_source_has_a_profile_and_embedded_documents_their_own(sample_db: Path) -> None:
    ids = _ids(sample_db)
    with Store(sample_db, create=False) as store:
        stored = all_profiles(store.conn)
        assert set(stored) == set(ids.values())
        history = source_profiles(store.conn, ids["003"])
        original = store.original_text(ids["003"])
    host, *embedded = history
    assert host["kind"] == "source" and host["start"] == 0
    kinds = [p["kind"] for p in embedded]
    assert "letter" in kinds and "diary" in kinds
    letter = embedded[kinds.index("letter")]
    assert letter["written"] == "1943-09-10"
    assert "September 10, 1943" in original[letter["start"] : letter["end"]]
    for profile in history:
        assert 0 <= profile["start"] <= profile["end"] <= len(original)
        for term in profile["loaded_terms"]:
            for start, end in term["examples"]:
                stem = term["term"].split("*")[0][:4].lower()
                assert original[start:end].lower().startswith(stem)


def test_profile_command(sample_db: Path, cli: Callable[..., CliResult]) -> None:
    shown = cli("profile", "003", "--db", str(sample_db))
    assert shown.code == 0, shown.err
    assert "letter" in shown.out and "1943-09-10" in shown.out and "diary" in shown.out
    as_json = cli("profile", _ids(sample_db)["002"], "--db", str(sample_db), "--format", "json")
    body = json.loads(as_json.out)
    assert body["profiles"][0]["genre"] and body["profiles"][0]["written"] == "2021-06-19"
    missing = cli("profile", "nope", "--db", str(sample_db))
    assert missing.code == 1 and "nope: no such source" in missing.err


def test_profiles_without_nlp_are_absent_not_an_error(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    (tmp_path / "note.txt").write_text("A short note about Belgrade in 1944.\n", encoding="utf-8")
    db = str(tmp_path / "plain.db")
    assert cli("ingest", str(tmp_path / "note.txt"), "--db", db, "--no-nlp", "--quiet").code == 0
    shown = cli("profile", "note", "--db", db)
    assert shown.code == 0 and "no profile stored" in shown.out


def test_profiles_in_the_export_and_the_workbench(
    sample_db: Path, cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    out = tmp_path / "kb.json"
    assert cli("export", "json", "--db", str(sample_db), "-o", str(out)).code == 0
    exported = json.loads(out.read_text(encoding="utf-8"))["profiles"]
    ids = _ids(sample_db)
    assert {p["source"] for p in exported} == set(ids.values())
    with TestClient(create_app(sample_db)) as client:
        detail = client.get(f"/api/sources/{ids['003']}").json()
        assert detail["profiles"][0]["kind"] == "source"
        page = client.get(f"/sources/{ids['003']}").text
    assert "Source profile" in page and "Embedded letter" in page
