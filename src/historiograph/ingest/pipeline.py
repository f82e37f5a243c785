"""One file through every ingest step: read, clean, find chrome, structure and metadata."""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from historiograph.errors import SourceError
from historiograph.ingest.boilerplate import detect_boilerplate, split_lines
from historiograph.ingest.encoding import find_encoding_repairs
from historiograph.ingest.joins import find_join_repairs
from historiograph.ingest.metadata import (
    apply_overrides,
    extract_metadata,
    parse_dateline,
    read_sidecar,
    sidecar_path,
)
from historiograph.ingest.ocr import find_ocr_repairs
from historiograph.ingest.offsets import CleanView, merge_edits
from historiograph.ingest.readers import RawSource, read_bytes, read_source
from historiograph.ingest.structure import detect_structure
from historiograph.model import Edit, ParsedSource, Passage, SourceMetadata, Span
from historiograph.settings import Settings

# Structure kinds that are self-contained blocks of text a reader would search.
PASSAGE_KINDS = frozenset(
    {
        "paragraph",
        "heading",
        "footnote",
        "bibliography_item",
        "salutation",
        "closing",
        "signature",
        "postscript",
    }
)
_MAX_PASSAGE = 4000
# Search marks matches with STX/ETX; a source's own control characters become
# spaces in the indexed text (same length, so offsets inside a passage hold).
_INDEX_SAFE = str.maketrans({chr(c): " " for c in range(32) if chr(c) not in "\t\n\r"})
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def parse_file(path: Path, *, settings: Settings | None = None) -> ParsedSource:
    """Read and analyse one file; raise SourceError naming it and the reason."""
    settings = settings or Settings()
    sidecar = sidecar_path(path)
    overrides = read_sidecar(sidecar) if sidecar else {}
    data = read_bytes(path, max_bytes=settings.max_source_bytes)
    return parse_bytes(str(path), data, settings=settings, overrides=overrides)


def parse_bytes(
    path: str,
    data: bytes,
    *,
    settings: Settings | None = None,
    overrides: dict[str, Any] | None = None,
) -> ParsedSource:
    """Analyse a file's bytes; its kind comes from ``path``'s extension."""
    overrides = overrides or {}
    raw = read_source(Path(path), data, encoding=overrides.get("encoding"))
    parsed = _analyse(path, raw, settings or Settings())
    apply_overrides(parsed.metadata, overrides)
    return parsed


def parse_text(
    text: str, *, path: str = "<text>", settings: Settings | None = None
) -> ParsedSource:
    """Analyse a string as if it were a UTF-8 ``.txt`` file (for notebooks and tests)."""
    data = text.encode("utf-8")
    return _analyse(path, RawSource("text", data, text), settings or Settings())


def _analyse(path: str, raw: RawSource, settings: Settings) -> ParsedSource:
    text = raw.text
    if not text.strip():
        raise SourceError(path, "no text in file")
    boilerplate = detect_boilerplate(text, extra_patterns=settings.boilerplate_patterns)
    edits = merge_edits(
        find_encoding_repairs(text) if settings.encoding_repair else [],
        find_ocr_repairs(text, skip=boilerplate) if settings.ocr_repair else [],
        find_join_repairs(text, skip=boilerplate) if settings.ocr_repair else [],
    )
    structure = detect_structure(text, boilerplate=boilerplate)
    metadata = extract_metadata(text, boilerplate=boilerplate, structure=structure)
    _merge_format_hints(metadata, raw)
    view = CleanView(text, edits)
    return ParsedSource(
        path=path,
        kind=raw.kind,
        sha256=hashlib.sha256(raw.data).hexdigest(),
        size_bytes=len(raw.data),
        original=text,
        metadata=metadata,
        spans=sorted([*boilerplate, *structure], key=lambda s: (s.start, -s.end, s.kind)),
        edits=list(edits),
        passages=build_passages(view, boilerplate, structure),
    )


def _merge_format_hints(metadata: SourceMetadata, raw: RawSource) -> None:
    """Metadata the format declares (HTML meta tags, PDF info) beats text heuristics."""
    hints = raw.hints
    if hints.get("title"):
        metadata.title = str(hints["title"])
    if hints.get("author"):
        metadata.authors = [a.strip() for a in str(hints["author"]).split(";") if a.strip()]
    if hints.get("date"):
        metadata.published = parse_dateline(str(hints["date"])) or metadata.published
    if hints.get("language"):
        metadata.language = str(hints["language"])
    for key in ("url", "sitename"):
        if hints.get(key):
            metadata.extra[key] = hints[key]


def build_passages(
    view: CleanView, boilerplate: Sequence[Span], structure: Sequence[Span]
) -> list[Passage]:
    """Searchable passages: structural blocks, plus any other non-chrome line."""
    text = view.original
    blocks = sorted(
        (s.start, s.end) for s in structure if s.kind in PASSAGE_KINDS and s.end > s.start
    )
    chrome = sorted((s.start, s.end) for s in boilerplate)
    covered = _merge_ranges([*blocks, *chrome])
    ranges = list(blocks)
    ranges.extend(
        (line.start, line.end)
        for line in split_lines(text)
        if not _inside(covered, line.start, line.end)
    )
    passages = []
    unsafe = _UNSAFE.search(view.text) is not None  # rare: then each passage is checked
    for start, end in _dedupe(sorted(ranges)):
        for piece_start, piece_end in _split_long(text, start, end):
            clean = view.text[view.to_clean(piece_start) : view.to_clean(piece_end, end=True)]
            if unsafe and _UNSAFE.search(clean):
                clean = clean.translate(_INDEX_SAFE)
            if clean.strip():
                passages.append(Passage(piece_start, piece_end, clean))
    return passages


def _merge_ranges(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _inside(merged: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) overlaps any merged range."""
    k = bisect_right(merged, (start, float("inf"))) - 1
    candidates = merged[max(k, 0) : k + 2]
    return any(a < end and start < b for a, b in candidates)


def _dedupe(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Drop ranges nested in an earlier one, so no text is indexed twice."""
    kept: list[tuple[int, int]] = []
    for start, end in ranges:
        if kept and start < kept[-1][1]:
            continue
        kept.append((start, end))
    return kept


def _split_long(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Cut passages longer than _MAX_PASSAGE at a whitespace boundary."""
    pieces = []
    while end - start > _MAX_PASSAGE:
        cut = text.rfind(" ", start + _MAX_PASSAGE // 2, start + _MAX_PASSAGE)
        cut = cut if cut > start else start + _MAX_PASSAGE
        pieces.append((start, cut))
        start = cut + 1 if text[cut : cut + 1] == " " else cut
    pieces.append((start, end))
    return pieces


__all__ = ["PASSAGE_KINDS", "Edit", "build_passages", "parse_bytes", "parse_file", "parse_text"]
