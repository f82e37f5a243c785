"""The ingest report: counts always, per-file lists only when asked for."""

from __future__ import annotations

from pathlib import Path

import pytest

from historiograph.build import ingest_paths
from historiograph.settings import Settings
from historiograph.store.database import Store


@pytest.mark.parametrize("keep_paths", [True, False])
def test_counts_match_the_lists_a_run_keeps(tmp_path: Path, keep_paths: bool) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for number in range(3):
        (corpus / f"{number}.txt").write_text(f"Letter number {number} of the run.\n", "utf-8")
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "notes.xyz").write_text("not a source\n", "utf-8")
    with Store(tmp_path / "kb.db") as store:
        settings = Settings(nlp=False)
        first = ingest_paths([str(corpus)], store, settings=settings, keep_paths=keep_paths)
        again = ingest_paths([str(corpus)], store, settings=settings, keep_paths=keep_paths)
    assert first.counts == {
        "added": 3, "replaced": 0, "updated": 0, "unchanged": 0, "skipped": 1, "failed": 1
    }  # fmt: skip
    assert again.counts["unchanged"] == 3 and again.counts["added"] == 0
    # Failures and skips are always listed: they are what a user has to act on.
    assert first.failed == [f"{corpus / 'empty.txt'}: file is empty"]
    assert first.skipped == [f"{corpus / 'notes.xyz'}: unsupported file type, skipped"]
    expected = [str(corpus / f"{number}.txt") for number in range(3)] if keep_paths else []
    assert first.added == expected
    assert again.unchanged == expected
