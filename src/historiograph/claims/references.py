"""Bibliographic and archival references: citing footnotes, reference lists, publication lines.

A footnote cites a work when it reads like a citation (volume, page, edition,
"Works", a year beside a page); an explanatory note ("Reactionary British
economist ...") is not a reference. Archival signatures are upper-case series
with a number ("NOKW 1088", "T-501"), record groups, fonds, files and rolls.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from historiograph.claims.model import WorkReference
from historiograph.model import Mention, ParsedSource, Span

_CITATION = re.compile(
    r"\b(?:vol|vols|no|nr|pp?|ed|eds|trans|cf|ibid|op\. cit)\.\s*\d*|\bWorks\b|\bpages?\s+\d"
    r"|\b(?:1[5-9]|20)\d\d\b.*\bp\.",
    re.IGNORECASE,
)
_MARKER = re.compile(r"^\s*(?:\(\s*[\d*]+\s*\)|\*+|\d{1,3}[.)]?|[•\-–])\s*")
_QUOTED_TITLE = re.compile(r"[„“«\"]([^„“”«»\"\n]{3,160})[“”»\"]")
_BEFORE_VOLUME = re.compile(r"([A-Z][^.,;:]{3,120}?),\s*(?:vol|vols|no|pp?)\.", re.IGNORECASE)
ARCHIVAL = re.compile(
    r"\b(?:[A-Z]{3,6}[- ]?\d{1,6}(?:/\d+)?(?:,\s*Record Group \d+)?"
    r"|Record Group \d+|RG \d+"
    r"|(?:[Ff]onds?|[Ff]ile|[Ff]older|[Bb]ox|[Rr]oll|[Rr]eel|[Mm]icrofilm)\s+(?:no\.\s*)?\d+)\b"
)
_PUBLICATION_LINE = re.compile(
    r"\s*(?:first published|published|reprinted|source|from)\b", re.IGNORECASE
)
_PUBLICATION_LOOKAHEAD = (
    400  # characters after an embedded document where its provenance line may stand
)


def _title(text: str) -> str | None:
    quoted = _QUOTED_TITLE.search(text)
    if quoted:
        return quoted.group(1).strip()
    before = _BEFORE_VOLUME.search(text)
    if before:
        # The last sentence-like piece before ", vol." names the work.
        piece = re.split(r"\.\s+", before.group(1))[-1].strip()
        return piece or None
    return None


def _work_mention(mentions: Sequence[Mention], start: int, end: int) -> int | None:
    for index, mention in enumerate(mentions):
        if mention.type == "work" and start <= mention.start and mention.end <= end:
            return index
    return None


def _reference(
    kind: str, original: str, start: int, end: int, mentions: Sequence[Mention]
) -> WorkReference:
    marker = _MARKER.match(original, start, end)
    if marker and kind in ("footnote", "bibliography"):
        start = marker.end()
    while end > start and original[end - 1].isspace():
        end -= 1
    text = original[start:end]
    return WorkReference(kind, text, start, end, _title(text), _work_mention(mentions, start, end))


def footnote_references(
    parsed: ParsedSource, mentions: Sequence[Mention]
) -> dict[int, WorkReference]:
    """Citing footnotes by their start offset (what a marker's ``note_start`` points at)."""
    original = parsed.original
    found: dict[int, WorkReference] = {}
    for span in parsed.spans:
        if span.kind == "footnote" and _CITATION.search(original, span.start, span.end):
            found[span.start] = _reference("footnote", original, span.start, span.end, mentions)
    return found


def bibliography_references(
    parsed: ParsedSource, mentions: Sequence[Mention]
) -> list[WorkReference]:
    original = parsed.original
    return [
        _reference("bibliography", original, s.start, s.end, mentions)
        for s in parsed.spans
        if s.kind == "bibliography_item"
    ]


def publication_references(
    parsed: ParsedSource, mentions: Sequence[Mention]
) -> dict[tuple[int, int], WorkReference]:
    """ "First published in ..." lines right after an embedded letter or diary, by its range."""
    original = parsed.original
    found: dict[tuple[int, int], WorkReference] = {}
    for span in parsed.spans:
        if span.kind not in ("letter", "diary"):
            continue
        window = original[span.end : span.end + _PUBLICATION_LOOKAHEAD]
        offset = len(window) - len(window.lstrip())
        match = _PUBLICATION_LINE.match(window, offset)
        if match is None:
            continue
        line_end = window.find("\n", offset)
        line_end = len(window) if line_end < 0 else line_end
        start, end = span.end + offset, span.end + line_end
        found[(span.start, span.end)] = _reference("publication", original, start, end, mentions)
    return found


def archival_references(original: str, start: int, end: int) -> list[WorkReference]:
    """Archival signatures in ``original[start:end]``."""
    return [
        WorkReference("archival", m.group(0), m.start(), m.end(), m.group(0))
        for m in ARCHIVAL.finditer(original, start, end)
    ]


def footnote_marker_spans(spans: Sequence[Span]) -> list[Span]:
    return sorted((s for s in spans if s.kind == "footnote_marker"), key=lambda s: s.start)
