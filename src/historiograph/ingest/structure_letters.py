"""Multi-block forms: bibliographies, letters and diaries.

Each finder claims the lines it uses in the :class:`Doc`, so the generic
heading/paragraph pass in ``structure.py`` leaves them alone.  All of them
are anchored on a line that is cheap to recognise (a "Sources" heading, a
salutation, a date-only line) and look only a bounded distance around it, so
the whole pass stays linear in the number of lines.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from historiograph.ingest.structure_lines import (
    DATE_LINE,
    DATELINE,
    SEPARATOR,
    Doc,
    ends_sentence,
    title_like,
)
from historiograph.model import Span

_BIB_WORD = (
    r"(?:sources?|bibliography|references?|further\s+reading|(?:suggested|recommended)\s+reading"
    r"|reading\s+list|works\s+cited|literature(?:\s+cited)?|selected\s+bibliography)"
)
BIB_HEADING = re.compile(rf"{_BIB_WORD}(?:\s*(?:/|&|,|\band\b|\bor\b)\s*{_BIB_WORD})*\s*:?", re.I)
_BIB_BULLET = re.compile(r"(?:[•◦▪‣●○■►➢·*+\-–—]|\d{1,3}[.)]|\[\d{1,3}\])\s+\S")
_YEAR = re.compile(r"\b(?:1[5-9]|20)\d\d\b")
_PAGES = re.compile(r"\b(?:pp?|vol|ed|eds|no|trans)\.\s", re.I)
_SALUTATION = re.compile(
    r"(?:my\s+)?dear(?:est)?\b[^.!?]{0,50}[,:!]?|to\s+whom\s+it\s+may\s+concern\s*[,:]?"
    r"|(?:sirs?|madam|gentlemen|comrades?|friends?|colleagues?)(?:\s+\w+){0,3}\s*[,:!]",
    re.I,
)
_CLOSING = re.compile(
    r"(?:with\s+)?(?:(?:comradely|fraternal|warm|warmest|best|kind|kindest|cordial|sincere"
    r"|affectionate|revolutionary)\s+)?(?:greetings|regards|wishes|salutations)"
    r"|(?:yours|sincerely|faithfully|truly|respectfully|cordially|fraternally|affectionately)"
    r"(?:\s+(?:ever|yours|sincerely|faithfully|truly|respectfully|cordially|fraternally"
    r"|affectionately|in\s+(?:struggle|solidarity)))?"
    r"|(?:very\s+)?(?:truly|sincerely)\s+yours|(?:with\s+)?love|all\s+the\s+best|cheers"
    r"|(?:many\s+)?thanks|thank\s+you",
    re.I,
)
_POSTSCRIPT = re.compile(r"P\.?\s?(?:P\.?\s?)?S\.?(?=[\s:—–-]|$)")
_LETTER_MAX_LINES = 2000  # salutation -> closing; longer is not one letter
_DATE_CHARS = 48  # longer than "Wednesday, September 10th, 1943."
_MAX_GAP = 4  # blank lines allowed inside a letter's tail or a diary run


def find_bibliographies(doc: Doc) -> list[Span]:
    """A "Sources"/"References"/... heading and the reference lines after it."""
    spans: list[Span] = []
    for h in range(len(doc.s)):
        if not doc.free(h) or len(doc.s[h]) > 60 or not BIB_HEADING.fullmatch(doc.s[h]):
            continue
        items = _bib_items(doc, h)
        if not items:
            continue
        doc.role[h] = "heading"
        spans.append(doc.span("heading", h, h, level=2))
        spans.append(doc.span("bibliography", h, items[-1][1]))
        for first, last in items:
            for i in range(first, last + 1):
                doc.role[i] = "bibliography_item"
            spans.append(doc.span("bibliography_item", first, last))
    return spans


def _bib_items(doc: Doc, h: int) -> list[tuple[int, int]]:
    items: list[tuple[int, int]] = []
    bulleted: bool | None = None
    prev = h
    for i in range(h + 1, len(doc.s)):
        if not doc.live[i]:
            continue
        same_block = doc.block_of[i] == doc.block_of[prev]
        if not doc.free(i) or SEPARATOR.fullmatch(doc.s[i]):
            break
        if not same_block and doc.gap[doc.block_of[i]] > 2:
            break
        s = doc.s[i]
        if _BIB_BULLET.match(s) and bulleted is not False:
            bulleted = True
            items.append((i, i))
        elif (
            items
            and same_block
            and (s[0].islower() or _indent(doc, i) > _indent(doc, items[-1][0]))
        ):
            items[-1] = (items[-1][0], i)  # a wrapped reference
        elif bulleted is not True and _plain_reference(s):
            bulleted = False
            items.append((i, i))
        else:
            break
        prev = i
    return items


def _plain_reference(s: str) -> bool:
    """An unbulleted reference: dated or with a volume/page, or short and comma-split."""
    if len(s) > 400:
        return False
    return bool(_YEAR.search(s) or _PAGES.search(s)) or ("," in s and len(s.split()) <= 20)


def _indent(doc: Doc, i: int) -> int:
    return doc.cs[i] - doc.text.rfind("\n", 0, doc.cs[i]) - 1


def find_letters(doc: Doc) -> list[Span]:
    """Letters: [dateline] salutation ... closing [signature] [postscript]."""
    salutations: list[int] = []
    for first, last in doc.blocks:
        # Only a dateline or address lines (short, unfinished) may precede a
        # salutation in its block.
        for i in range(first, last + 1):
            s = doc.s[i]
            if doc.free(i) and len(s) <= 60 and _SALUTATION.fullmatch(s):
                salutations.append(i)
                break
            if len(s) > 80 or ends_sentence(s):
                break
    spans: list[Span] = []
    for n, sal in enumerate(salutations):
        stop = min(
            salutations[n + 1] if n + 1 < len(salutations) else len(doc.s), sal + _LETTER_MAX_LINES
        )
        closing = next((j for j in range(sal + 1, stop) if _closing(doc, j)), None)
        if closing is not None:
            spans.extend(_letter(doc, sal, closing))
    return spans


def _closing(doc: Doc, j: int) -> bool:
    """A short closing formula that starts its block and is not a sentence start
    ("Thanks\nfor all your help" is body text)."""
    s = doc.s[j]
    if not doc.free(j) or len(s) > 40 or not _CLOSING.fullmatch(s.rstrip(",.!")):
        return False
    first, last = doc.blocks[doc.block_of[j]]
    return first == j and (last == j or not doc.s[j + 1][0].islower())


def _letter(doc: Doc, sal: int, closing: int) -> list[Span]:
    spans = [doc.span("salutation", sal, sal), doc.span("closing", closing, closing)]
    doc.role[sal] = "salutation"
    doc.role[closing] = "closing"
    end = closing
    last = doc.blocks[doc.block_of[closing]][1]
    signature: tuple[int, int] | None = None
    if last > closing:  # "Yours sincerely,\nJ. Smith" in one block
        if _signature_like(doc, (closing + 1, last)):
            signature = (closing + 1, last)
    else:
        signature = _tail_block(doc, closing, lambda b: _signature_like(doc, b))
    if signature is not None:
        spans.append(doc.span("signature", *signature))
        for i in range(signature[0], signature[1] + 1):
            doc.role[i] = "signature"
        end = signature[1]
    postscript = _tail_block(doc, end, lambda b: bool(_POSTSCRIPT.match(doc.s[b[0]])))
    if postscript is not None:
        spans.append(doc.span("postscript", *postscript))
        for i in range(postscript[0], postscript[1] + 1):
            doc.role[i] = "postscript"
        end = postscript[1]
    start, date = sal, None
    dateline = _dateline(doc, sal)
    if dateline is not None:
        start, date = dateline, doc.s[dateline]
        for k in range(dateline, sal):
            if doc.live[k]:  # the dateline and an inside address ("To the CC")
                doc.role[k] = "letter_head"
    spans.append(doc.span("letter", start, end, date=date))
    return spans


def _dateline(doc: Doc, sal: int) -> int | None:
    """A date line shortly above the salutation, past at most a short address."""
    k, gap, seen = sal - 1, 0, 0
    while k >= 0 and gap <= _MAX_GAP and seen < 6:
        if not doc.live[k]:
            gap += 1
        elif not doc.free(k) or len(doc.s[k]) > 80 or ends_sentence(doc.s[k]):
            return None
        elif DATELINE.fullmatch(doc.s[k]):
            return k
        else:
            gap, seen = 0, seen + 1
        k -= 1
    return None


def _tail_block(
    doc: Doc, i: int, accept: Callable[[tuple[int, int]], bool]
) -> tuple[int, int] | None:
    """The free block right after line ``i`` (few blank lines between), if accepted."""
    b = doc.next_block(i)
    if b is None or doc.gap[b] > _MAX_GAP:
        return None
    block = doc.blocks[b]
    if not all(doc.free(j) for j in range(block[0], block[1] + 1)):
        return None
    return block if accept(block) else None


def _signature_like(doc: Doc, block: tuple[int, int]) -> bool:
    lines = doc.s[block[0] : block[1] + 1]
    return (
        len(lines) <= 4
        and not _POSTSCRIPT.match(lines[0])
        and not DATE_LINE.fullmatch(lines[0])
        and all(len(s) <= 80 and len(s.split()) <= 12 for s in lines)
    )


def find_diaries(doc: Doc) -> list[Span]:
    """Runs of two or more entries: a date-only line, then its own body text."""
    dates = [
        i
        for i, s in enumerate(doc.s)
        if len(s) <= _DATE_CHARS and doc.free(i) and DATE_LINE.fullmatch(s)
    ]
    entries: dict[int, tuple[list[int], int | None]] = {}
    for d in dates:
        entry = _entry(doc, d)
        if entry is not None:
            entries[d] = entry
    spans: list[Span] = []
    chained: set[int] = set()
    for d in dates:
        if d in chained or d not in entries:
            continue
        run = [d]
        while (following := entries[run[-1]][1]) in entries:
            run.append(following)
        chained.update(run)
        if len(run) >= 2:
            spans.extend(_diary(doc, run, entries))
    return spans


def _entry(doc: Doc, date: int) -> tuple[list[int], int | None] | None:
    """The body of the entry dated on line ``date``: the last line of each of
    its blocks, and the next date line if that is what ended it.

    The body runs to the next date line, or stops at claimed lines, a
    separator, a lone heading-like line, or three blank lines; a date line
    followed by a heading or another date is a caption, not an entry.
    """
    ends: list[int] = []
    gap = 0
    for j in range(date + 1, len(doc.s)):
        if not doc.live[j]:
            gap += 1
            if gap > 2:
                break
            continue
        s = doc.s[j]
        if not doc.free(j) or SEPARATOR.fullmatch(s):
            break
        if DATE_LINE.fullmatch(s):
            return (ends, j) if ends else None
        if gap or not ends:
            first, last = doc.blocks[doc.block_of[j]]
            if gap and first == last and title_like(s):
                break
            ends.append(j)
        else:
            ends[-1] = j
        gap = 0
    return (ends, None) if ends else None


def _diary(
    doc: Doc, run: list[int], entries: dict[int, tuple[list[int], int | None]]
) -> list[Span]:
    # The last entry has no next date to stop it: give it no more blocks than
    # the longest earlier entry, so the text after a diary excerpt stays out.
    longest = max(len(entries[d][0]) for d in run[:-1])
    spans = []
    for d in run:
        ends = entries[d][0][:longest] if d == run[-1] else entries[d][0]
        doc.role[d] = "diary_date"
        spans.append(doc.span("diary_entry", d, ends[-1], date=doc.s[d]))
    spans.insert(0, Span("diary", spans[0].start, spans[-1].end, {}))
    return spans
