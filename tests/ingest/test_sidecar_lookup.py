"""The sidecar lookup caches folder listings: it must never miss a sidecar added later."""

from __future__ import annotations

import os
import time
from pathlib import Path

from historiograph.ingest.metadata import sidecar_path


def _age(folder: Path, seconds: float) -> int:
    """Set the folder's modification time ``seconds`` into the past; return it (ns)."""
    stamp = time.time_ns() - int(seconds * 1e9)
    os.utime(folder, ns=(stamp, stamp))
    return stamp


def test_a_sidecar_added_after_a_cached_listing_is_found(tmp_path: Path) -> None:
    doc = tmp_path / "letter.txt"
    doc.write_text("Dear friend,\n")
    _age(tmp_path, 60)
    assert sidecar_path(doc) is None  # the listing of a settled folder is cached now
    sidecar = tmp_path / "letter.txt.meta.json"
    sidecar.write_text("{}")  # changes the folder's mtime, so the cache key
    assert sidecar_path(doc) == sidecar


def test_a_sidecar_added_in_the_same_timestamp_tick_is_found(tmp_path: Path) -> None:
    # A coarse file-system clock can leave the folder's mtime unchanged by a new
    # file; a folder changed just now is therefore listed afresh every time.
    doc = tmp_path / "diary.txt"
    doc.write_text("12 May 1944\n")
    stamp = _age(tmp_path, 0.01)
    assert sidecar_path(doc) is None
    sidecar = tmp_path / "diary.meta.yaml"
    sidecar.write_text("title: Diary\n")
    os.utime(tmp_path, ns=(stamp, stamp))  # as if the tick had not moved on
    assert sidecar_path(doc) == sidecar


def test_every_sidecar_spelling_is_found_and_a_folder_is_not_one(tmp_path: Path) -> None:
    doc = tmp_path / "memoir.txt"
    doc.write_text("Chapter one\n")
    for name in ("memoir.meta.yml", "memoir.txt.meta.yaml", "memoir.txt.meta.json"):
        (tmp_path / name).write_text("{}")
        _age(tmp_path, 60)
        assert sidecar_path(doc) == tmp_path / name  # .meta.json first, NAME.ext before stem
    (tmp_path / "other.txt.meta.json").mkdir()
    _age(tmp_path, 60)
    assert sidecar_path(tmp_path / "other.txt") is None
