"""The voice a stretch of a source is in before any cue is read: its author's or an embedded one's.

A source may carry documents in its body — a letter with its signature, diary
excerpts — and editorial notes. Text inside an embedded letter speaks for its
signatory, a diary for its diarist, a footnote for the source's own editor
(even when the note is printed inside the letter).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from historiograph.claims.model import Attribution
from historiograph.model import Mention, ParsedSource, Span

_SIGNATURE_PREFIX = re.compile(
    r"^\s*(?:for|on behalf of|in the name of|signed|sgd\.?|yours[\w ,]*?)[\s,:]+(?:the\s+)?",
    re.IGNORECASE,
)
# "Ciano’s Diaries", "The Diary of Anne Frank", "Djilas' Letters": a writer named in the title.
_OWNER_TITLE = re.compile(
    r"([A-Z][\w-]+(?:\s+[A-Z][\w-]+){0,3})[’']s?\s+(?:war[- ]?time\s+|private\s+|secret\s+)?"
    r"(?:diary|diaries|journal|journals|notebooks?|letters?|memoirs?)\b"
    r"|(?:diary|diaries|journal|journals|letters?|memoirs?)\s+of\s+([A-Z][\w-]+(?:\s+[A-Z][\w-]+){0,3})",
    re.IGNORECASE,
)
_TITLE_LOOKBACK = 800  # characters before a diary in which its heading names the diarist


@dataclass(frozen=True)
class Voice:
    """A range of the original text and the voice it is written in."""

    start: int
    end: int
    attribution: Attribution
    kind: str  # letter | diary | footnote


def author_voice(parsed: ParsedSource) -> Attribution:
    """The source's own voice, named after its author when the metadata knows one."""
    authors = parsed.metadata.authors
    return Attribution("author", ", ".join(authors) if authors else None, cue="author")


def document_voices(parsed: ParsedSource, mentions: Sequence[Mention]) -> list[Voice]:
    """Embedded letters, diaries and footnotes with their voices, innermost last when nested."""
    original = parsed.original
    spans = parsed.spans
    voices: list[Voice] = []
    author = author_voice(parsed)
    for span in spans:
        if span.kind == "letter":
            signer = _signatory(original, span, spans, mentions)
            voices.append(Voice(span.start, span.end, signer or author, "letter"))
        elif span.kind == "diary":
            diarist = _diarist(original, span, mentions)
            voices.append(Voice(span.start, span.end, diarist or author, "diary"))
    for span in spans:
        if span.kind == "footnote":
            voices.append(Voice(span.start, span.end, author, "footnote"))
    return voices


def voice_at(
    voices: Sequence[Voice], start: int, end: int, default: Attribution
) -> tuple[Attribution, Voice | None]:
    """The voice of ``original[start:end]``: the smallest embedding range that holds it."""
    best: Voice | None = None
    for voice in voices:
        holds = voice.start <= start and end <= voice.end + 1
        if holds and (best is None or voice.end - voice.start < best.end - best.start):
            best = voice
    return (best.attribution, best) if best is not None else (default, None)


def _mention_in(mentions: Sequence[Mention], start: int, end: int) -> int | None:
    for index, mention in enumerate(mentions):
        if start <= mention.start and mention.end <= end:
            return index
    return None


def _signatory(
    original: str, letter: Span, spans: Sequence[Span], mentions: Sequence[Mention]
) -> Attribution | None:
    signature = next(
        (
            s
            for s in spans
            if s.kind == "signature" and letter.start <= s.start and s.end <= letter.end
        ),
        None,
    )
    if signature is None:
        return None
    raw = original[signature.start : signature.end]
    prefix = _SIGNATURE_PREFIX.match(raw)
    start = signature.start + (prefix.end() if prefix else 0)
    end = signature.start + len(raw.rstrip(" .,\n"))
    if start >= end:
        return None
    mention = _mention_in(mentions, start, end)
    kind = mentions[mention].type if mention is not None else "document"
    kind = kind if kind in ("person", "organization", "group") else "document"
    return Attribution(kind, original[start:end], start, end, mention, cue="document_voice")


def _diarist(original: str, diary: Span, mentions: Sequence[Mention]) -> Attribution | None:
    window_start = max(0, diary.start - _TITLE_LOOKBACK)
    best: re.Match[str] | None = None
    for match in _OWNER_TITLE.finditer(original, window_start, diary.start):
        best = match  # the nearest heading wins
    if best is None:
        return None
    group = 1 if best.group(1) else 2
    start, end = best.span(group)
    mention = _mention_in(mentions, start, end)
    return Attribution("person", original[start:end], start, end, mention, cue="document_voice")
