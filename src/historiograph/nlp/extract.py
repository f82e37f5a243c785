"""Run the NLP stage on a parsed source: mentions, dates and events, in original offsets.

Extraction reads the cleaned view (OCR and encoding repaired, run-together
words split) with boilerplate blanked out, and maps every span it finds back
to the original text through the view's offset map.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence

from spacy.language import Language
from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from historiograph.ingest.offsets import CleanView
from historiograph.model import DateMention, Edit, Event, Extraction, Mention, ParsedSource, Span
from historiograph.nlp.temporal import TemporalExpression, find_temporal_expressions

_CHUNK = 100_000  # characters per spaCy doc; long books are cut at paragraph breaks
_PARTICIPANT_TYPES = {"person", "organization", "group"}
_WORDS = re.compile(r"[^\W\d_]{2,}")
_LABEL_LIMIT = 200


def nlp_view(
    original: str, edits: Sequence[Edit], boilerplate: Sequence[Span]
) -> tuple[str, CleanView]:
    """The text NLP reads: the cleaned view with boilerplate replaced by spaces."""
    view = CleanView(original, edits)
    text = view.text
    pieces: list[str] = []
    position = 0
    for span in sorted(boilerplate, key=lambda s: s.start):
        start, end = view.to_clean(span.start), view.to_clean(span.end, end=True)
        if start < position:
            continue
        pieces.append(text[position:start])
        pieces.append(" " * (end - start))
        position = end
    pieces.append(text[position:])
    return "".join(pieces), view


def _chunks(text: str) -> Iterator[tuple[int, str]]:
    """``(offset, piece)`` parts of ``text`` of about _CHUNK characters, cut at blank lines."""
    start = 0
    while start < len(text):
        end = min(len(text), start + _CHUNK)
        if end < len(text):
            cut = text.rfind("\n\n", start + _CHUNK // 2, end)
            cut = cut if cut > start else text.rfind("\n", start + _CHUNK // 2, end)
            end = cut + 1 if cut > start else end
        yield start, text[start:end]
        start = end


def extract(parsed: ParsedSource, nlp: Language) -> Extraction:
    """Mentions, dates and events of one parsed source."""
    boilerplate = [s for s in parsed.spans if s.kind == "boilerplate"]
    text, view = nlp_view(parsed.original, parsed.edits, boilerplate)
    result = Extraction()
    sentences: list[tuple[int, int]] = []  # clean offsets
    mention_clean: list[tuple[int, int]] = []
    offsets = list(_chunks(text))
    for (offset, _), doc in zip(offsets, nlp.pipe(piece for _, piece in offsets), strict=True):
        _collect(doc, offset, view, result, sentences, mention_clean)
    _bibliography_works(parsed, view, result, mention_clean)
    original = parsed.original
    for expression in find_temporal_expressions(text, published=parsed.metadata.published):
        start, end = view.span_to_original(expression.start, expression.end)
        result.dates.append(
            DateMention(
                start,
                end,
                original[start:end],
                expression.edtf,
                expression.earliest,
                expression.latest,
                expression.anchored,
            )
        )
        event = _event(
            text,
            view,
            original,
            expression,
            len(result.dates) - 1,
            sentences,
            mention_clean,
            result.mentions,
        )
        if event is not None:
            result.events.append(event)
    return result


# A title in quotes, and a translation of it in brackets right after it.
_QUOTED_TITLE = re.compile(r"[„“«\"]([^„“”«»\"\n]{3,120})[“”»\"](?:\s*\(([^()\n]{3,120})\))?")


def _bibliography_works(
    parsed: ParsedSource, view: CleanView, result: Extraction, mention_clean: list[tuple[int, int]]
) -> None:
    """In a reference list, a quoted title (and its bracketed translation) is a work."""
    items = [s for s in parsed.spans if s.kind == "bibliography_item"]
    if not items:
        return
    original = parsed.original
    works: list[tuple[int, int]] = []
    for item in items:
        for match in _QUOTED_TITLE.finditer(original, item.start, item.end):
            works.append(match.span(1))
            if match.group(2) and match.group(2)[:1].isupper():
                works.append(match.span(2))
    if not works:
        return
    keep = [
        i
        for i, m in enumerate(result.mentions)
        if not any(start < m.end and m.start < end for start, end in works)
    ]
    mentions = [result.mentions[i] for i in keep]
    clean = [mention_clean[i] for i in keep]
    for start, end in works:
        mentions.append(Mention(start, end, original[start:end], "work", {"rule": "bibliography"}))
        clean.append((view.to_clean(start), view.to_clean(end, end=True)))
    order = sorted(range(len(mentions)), key=lambda i: mentions[i].start)
    result.mentions[:] = [mentions[i] for i in order]
    mention_clean[:] = [clean[i] for i in order]


def _collect(
    doc: Doc,
    offset: int,
    view: CleanView,
    result: Extraction,
    sentences: list[tuple[int, int]],
    mention_clean: list[tuple[int, int]],
) -> None:
    original = view.original
    for sentence in doc.sents:
        sentences.append((offset + sentence.start_char, offset + sentence.end_char))
    for ent in doc.ents:
        clean_start, clean_end = offset + ent.start_char, offset + ent.end_char
        start, end = view.span_to_original(clean_start, clean_end)
        if start >= end:
            continue
        attrs = {"rule": ent._.hg_rule}
        if SpacySpan.has_extension("hg_expansion") and ent._.hg_expansion:
            attrs["expansion"] = ent._.hg_expansion
        if ent.text != original[start:end]:
            attrs["clean"] = ent.text
        result.mentions.append(Mention(start, end, original[start:end], ent.label_, attrs))
        mention_clean.append((clean_start, clean_end))


def _event(
    text: str,
    view: CleanView,
    original: str,
    expression: TemporalExpression,
    date_index: int,
    sentences: list[tuple[int, int]],
    mention_clean: list[tuple[int, int]],
    mentions: list[Mention],
) -> Event | None:
    """The dated statement around a temporal expression, or None for a bare date line."""
    start, end = expression.start, expression.end
    k = bisect_right(sentences, (start, len(text) + 1)) - 1
    if k < 0 or sentences[k][1] < end:
        sentence = (text.rfind("\n", 0, start) + 1, _line_end(text, end))
    else:
        sentence = sentences[k]
    clause_start, clause_end = _clause(text, sentence, start, end)
    clause = text[clause_start:clause_end]
    rest = clause[: start - clause_start] + clause[end - clause_start :]
    if len(_WORDS.findall(rest)) < 3:
        return None  # a dateline, a diary heading, a date in a list: no statement
    in_sentence = [
        i
        for i, (m_start, m_end) in enumerate(mention_clean)
        if sentence[0] <= m_start and m_end <= sentence[1]
    ]
    evidence_start, evidence_end = view.span_to_original(clause_start, clause_end)
    return Event(
        edtf=expression.edtf,
        earliest=expression.earliest,
        latest=expression.latest,
        label=_label(clause),
        start=evidence_start,
        end=evidence_end,
        date=date_index,
        participants=[i for i in in_sentence if mentions[i].type in _PARTICIPANT_TYPES],
        places=[i for i in in_sentence if mentions[i].type == "place"],
    )


def _line_end(text: str, index: int) -> int:
    end = text.find("\n", index)
    return len(text) if end < 0 else end


def _clause(text: str, sentence: tuple[int, int], start: int, end: int) -> tuple[int, int]:
    """The part of the sentence between semicolons that holds the date."""
    left = text.rfind(";", sentence[0], start)
    right = text.find(";", end, sentence[1])
    clause_start = left + 1 if left >= 0 else sentence[0]
    clause_end = right if right >= 0 else sentence[1]
    while clause_start < clause_end and text[clause_start].isspace():
        clause_start += 1
    while clause_end > clause_start and text[clause_end - 1].isspace():
        clause_end -= 1
    return clause_start, clause_end


def _label(clause: str) -> str:
    """A short, one-line label for an event: the clause, whitespace collapsed."""
    label = " ".join(clause.split()).strip(" “”\"'«»")
    if len(label) > _LABEL_LIMIT:
        label = label[: _LABEL_LIMIT - 1].rsplit(" ", 1)[0] + "…"
    return label
