"""Document structure of plain text (web captures, OCR'd books) as typed spans.

:func:`detect_structure` returns character spans over the ORIGINAL text:

* ``paragraph`` -- prose blocks.  Blank lines always separate; inside a block
  web captures have one paragraph per line, while OCR'd books hard-wrap
  mid-sentence, so a line is joined to the next when it ends without terminal
  punctuation and the next continues the sentence (see
  :func:`~historiograph.ingest.structure_lines.continues`).
* ``heading`` (``level`` 1 before the first prose, else 2) -- short title-like
  lines that stand alone and are followed by more text.
* ``separator`` -- ``* * *``, ``----`` and the like.
* ``footnote`` / ``footnote_marker`` -- see :mod:`.structure_notes`.
* ``letter`` with ``salutation``, ``closing``, ``signature``, ``postscript``;
  ``diary`` with ``diary_entry``; ``bibliography`` with ``bibliography_item``
  -- see :mod:`.structure_letters`.

Date-only lines, a letter's dateline and inside address, and an author's name
alone after the last prose (the article's byline, which metadata reads) are
plain paragraphs; a diary's date lines are covered by their ``diary_entry``
only.  ``quotation_block`` is not produced.

Detectors run from the most specific to the most generic and claim the lines
they use, so each line gets one block-level type.  Lines inside the caller's
boilerplate spans behave like blank lines.  Everything is line-based with
pre-compiled, start-anchored regexes, so the cost is linear in the text.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from historiograph.ingest.structure_letters import find_bibliographies, find_diaries, find_letters
from historiograph.ingest.structure_lines import (
    DATE_LINE,
    SEPARATOR,
    Doc,
    continues,
    ends_sentence,
    name_like,
    title_case,
    title_like,
)
from historiograph.ingest.structure_notes import find_notes
from historiograph.model import Span

_PROSE_CHARS = 80  # a line this long that ends a sentence is prose, not a title


def detect_structure(text: str, *, boilerplate: Sequence[Span] = ()) -> list[Span]:
    """Typed spans for the structure of `text`, sorted by (start, -end).

    Lines inside boilerplate spans are ignored.
    """
    doc = Doc(text, boilerplate)
    spans: list[Span] = []
    for i, s in enumerate(doc.s):
        if doc.live[i] and not s[0].isalnum() and SEPARATOR.fullmatch(s):
            doc.role[i] = "separator"
            spans.append(doc.span("separator", i, i))
    # Order matters: a bibliography's "* item" lines must not become notes, a
    # note must not end a letter, and a letter's dateline is no diary entry.
    spans += find_bibliographies(doc)
    spans += find_notes(doc)
    spans += find_letters(doc)
    spans += find_diaries(doc)
    spans += _headings_and_paragraphs(doc)
    spans.sort(key=lambda span: (span.start, -span.end, span.kind))
    return spans


def _headings_and_paragraphs(doc: Doc) -> list[Span]:
    spans: list[Span] = []
    seen_prose = False
    prev_heading = False  # the previous block ended with a heading
    for b, (first, last) in enumerate(doc.blocks):
        heads = set(_block_headings(doc, b, prev_heading and doc.gap[b] <= 3))
        prev_heading = last in heads or doc.role[last] == "heading"
        para: list[int] = []
        for i in range(first, last + 2):
            free = i <= last and doc.free(i) and i not in heads
            if para and not (free and continues(doc.s[para[-1]], doc.s[i], doc.wrapped)):
                end = doc.cuts.get(para[-1], doc.ce[para[-1]])
                spans.append(Span("paragraph", doc.cs[para[0]], end, {}))
                seen_prose = seen_prose or not DATE_LINE.fullmatch(doc.s[para[0]])
                para = []
            if i in heads:
                spans.append(doc.span("heading", i, i, level=2 if seen_prose else 1))
                doc.role[i] = "heading"
            elif free:
                para.append(i)
            elif i <= last and doc.role[i] == "letter_head":
                spans.append(doc.span("paragraph", i, i))
            elif i <= last and doc.role[i] in {"footnote", "salutation", "bibliography_item"}:
                seen_prose = True
    return spans


def _block_headings(doc: Doc, b: int, after_heading: bool) -> list[int]:
    """Lines of block ``b`` that are headings."""
    first, last = doc.blocks[b]
    free = [i for i in range(first, last + 1) if doc.free(i)]
    if not free:
        return []
    lines = [doc.s[i] for i in free]
    whole = len(free) == last - first + 1
    if whole and len(free) <= 3 and all(title_like(s) for s in lines):
        if not _followed_by_text(doc, b):
            return []
        if len(free) == 1:
            first_letter = next(c for c in lines[0] if c.isalpha())
            # A lowercase fragment ("by fascist Italia") only continues a title.
            if first_letter.islower() and not after_heading:
                return []
            return [] if _trailing_name(doc, b) else free
        joined = any(continues(a, c, doc.wrapped) for a, c in pairwise(lines))
        # Several title lines in a row head text ("The Beginning of the Movement."
        # / "On the Order of the Day: Unity"); before another title they are a list.
        if all(title_case(s) for s in lines) and not joined and not _title_follows(doc, b):
            return free
    # A title line glued to the text after it (web captures without blank
    # lines): Title Case, after a finished sentence, before a non-title line
    # that does not continue it.
    heads: list[int] = []
    for i in free:
        s = doc.s[i]
        if i == last or not doc.free(i + 1) or not title_like(s) or not title_case(s):
            continue
        if i > first and doc.free(i - 1) and not ends_sentence(doc.s[i - 1]):
            continue
        nxt = doc.s[i + 1]
        if not continues(s, nxt, doc.wrapped) and not title_like(nxt):
            heads.append(i)
    return heads


def _followed_by_text(doc: Doc, b: int) -> bool:
    """A heading heads something: the next block exists and is not a separator."""
    return b + 1 < len(doc.blocks) and doc.role[doc.blocks[b + 1][0]] != "separator"


def _title_follows(doc: Doc, b: int) -> bool:
    if b + 1 >= len(doc.blocks):
        return False
    first = doc.blocks[b + 1][0]
    return doc.role[first] == "heading" or (doc.free(first) and title_like(doc.s[first]))


def _trailing_name(doc: Doc, b: int) -> bool:
    """An author's name after the last prose, before a bibliography or the end.

    It is a byline-like signature of the article (metadata reads it), not a
    heading; letters' signatures are found by :func:`find_letters` instead.
    """
    first = doc.blocks[b][0]
    if b == 0 or not name_like(doc.s[first]):
        return False
    prev = doc.s[doc.blocks[b - 1][1]]
    if len(prev) < _PROSE_CHARS or not ends_sentence(prev):
        return False
    return b + 1 == len(doc.blocks) or doc.role[doc.blocks[b + 1][0]] in {"heading", "separator"}


__all__ = ["detect_structure"]
