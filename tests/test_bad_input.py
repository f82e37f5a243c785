"""Every kind of bad input gets one clear line; the batch goes on; nothing is half-written."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from historiograph.build import ingest_paths
from historiograph.settings import Settings
from historiograph.store.database import Store
from support import SAMPLE_FILES, CliResult, make_pdf


def _bad_files(folder: Path) -> dict[str, str]:
    """Write one bad file of each kind; return {file name: words its error must contain}."""
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.md").write_bytes(b"   \n\n  ")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 64)
    (folder / "latin1.txt").write_bytes("Vërlaci and Korça".encode("latin-1"))
    (folder / "scanned.pdf").write_bytes(make_pdf([""]))
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\nthis is not really a pdf")
    (folder / "nothing.html").write_bytes(
        b"<html><head><title>x</title></head><body></body></html>"
    )
    (folder / "notes.docx").write_bytes(b"PK\x03\x04")
    with open(folder / "huge.txt", "wb") as handle:
        handle.truncate(200 * 1024 * 1024)  # sparse: 200 MB on paper, nothing on disk
    return {
        "empty.txt": "empty",
        "blank.md": "empty",
        "binary.txt": "binary",
        "latin1.txt": "not valid utf-8",
        "scanned.pdf": "no text layer",
        "broken.pdf": "not a readable pdf",
        "nothing.html": "no main text",
        "huge.txt": "over the",
    }


def test_each_bad_file_fails_alone_with_a_clear_line(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    folder = tmp_path / "pile"
    folder.mkdir()
    expected = _bad_files(folder)
    good = folder / "good.txt"
    good.write_bytes(SAMPLE_FILES[0].read_bytes())
    db = str(tmp_path / "kb.db")
    result = cli("ingest", str(folder), str(tmp_path / "missing.txt"), "--db", db)
    assert result.code == 1
    failures = [line for line in result.err.splitlines() if line.startswith("failed: ")]
    for name, words in expected.items():
        lines = [line for line in failures if f"{name}:" in line]
        assert len(lines) == 1, (name, result.err)
        assert words in lines[0].lower(), lines[0]
    assert any("missing.txt: no such file" in line for line in failures)
    assert any("notes.docx: unsupported file type" in line for line in result.err.splitlines())
    assert "Traceback" not in result.err
    assert "1 added" in result.out
    with Store(db) as store:
        assert [Path(row.path).name for row in store.sources()] == ["good.txt"]
        assert store.check_integrity() == []


def test_unreadable_file_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Callable[..., CliResult]
) -> None:
    locked = tmp_path / "locked.txt"
    locked.write_text("A letter from 1943.", encoding="utf-8")
    locked.chmod(0)
    if os.geteuid() == 0:
        # root reads anything; make the read itself fail as it would for a user.
        original = Path.read_bytes

        def deny(self: Path) -> bytes:
            if self.name == "locked.txt":
                raise PermissionError(13, "Permission denied", str(self))
            return original(self)

        monkeypatch.setattr(Path, "read_bytes", deny)
    result = cli("ingest", str(locked), "--db", str(tmp_path / "kb.db"))
    assert result.code == 1
    assert f"failed: {locked}: permission denied" in result.err


def test_nothing_stored_is_lost_when_a_later_batch_fails(tmp_path: Path) -> None:
    db = tmp_path / "kb.db"
    with Store(db) as store:
        first = ingest_paths([str(p) for p in SAMPLE_FILES], store)
        assert len(first.added) == 4
        before = store.counts()
        bad = tmp_path / "bad.txt"
        bad.write_bytes(b"\x00\x01\x02")
        report = ingest_paths([str(bad)], store)
        assert not report.ok and len(report.failed) == 1
        assert store.counts() == before


def test_size_limit_is_a_setting(tmp_path: Path) -> None:
    path = tmp_path / "small.txt"
    path.write_text("Tito met Stalin in September 1944. " * 10, encoding="utf-8")
    with Store(tmp_path / "kb.db") as store:
        report = ingest_paths([str(path)], store, settings=Settings(max_source_bytes=100))
        assert "over the" in report.failed[0]
        assert ingest_paths([str(path)], store).added == [str(path)]


def test_invalid_utf8_can_be_declared_in_a_sidecar(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("Shefqet Vërlaci headed the puppet government.".encode("latin-1"))
    (tmp_path / "latin1.txt.meta.json").write_text('{"encoding": "latin-1"}', encoding="utf-8")
    with Store(tmp_path / "kb.db") as store:
        report = ingest_paths([str(tmp_path)], store)
        assert report.ok, report.failed
        assert len(report.added) == 1 and not report.skipped
        (row,) = store.sources()
        assert "Vërlaci" in store.original_text(row.id)


def test_read_only_database_gives_a_clear_error(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    db = tmp_path / "kb.db"
    assert cli("ingest", str(SAMPLE_FILES[0]), "--db", str(db)).code == 0
    extra = tmp_path / "new.txt"
    extra.write_text("Enver Hoxha was assigned to the leadership of this branch.", encoding="utf-8")
    uri_db = f"{db}"
    with Store(db) as store:
        store.conn.execute("PRAGMA query_only = ON")
        report = ingest_paths([str(extra)], store)
        assert report.stopped is not None and "cannot write" in report.stopped
    with Store(uri_db) as store:
        assert len(store.sources()) == 1
        assert store.check_integrity() == []
