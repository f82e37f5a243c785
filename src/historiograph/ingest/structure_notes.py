"""Footnotes and the reference markers that point at them.

A *note* is a block of lines that starts with a marker at line start
(``* Resolution…``, ``** Enver Hoxha…``, ``(1) The Badoglio…``, ``[3] …``,
``¹ …``) and runs to the next note or the end of its block.  A *marker* is the
same sign inside prose (``compromise». *``, ``liberation.»**``,
``government (1) to``); OCR often loses superscripts, leaving ``arms4;``.

Markers and notes vouch for each other, which is what keeps bullet lists,
numbered lists and arithmetic out: a line-start note is kept only when some
marker with its key appears in prose, and numeric markers (whose shapes are
common in ordinary text) are kept only when a note with their key exists.
Asterisk markers after a word or punctuation are distinctive enough to keep
unmatched (``note_start`` null).  A run of several notes with the same
asterisk marker is a bullet list, not notes.

OCR of a page bottom sometimes glues a note onto a prose line (``organs of
the (4) The call of the General Staff…``): a numeric marker followed by a
capitalised word, whose key was already used by another marker, starts a note
that runs to the end of that line.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from historiograph.ingest.structure_lines import Doc, ends_sentence
from historiograph.model import Span

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_NOTE_START = re.compile(
    r"(?:\*{1,3}(?=[ \t]+[^\s\d*=+])"  # "* Resolution", not "* * *" or "* 3 = 6"
    r"|\(\s?(?:\d{1,3}|\*{1,3})\s?\)"  # "(1)", "(2 )" (OCR), "(*)"
    r"|\[\d{1,3}\]"  # "[1]"
    r"|[⁰¹²³⁴⁵⁶⁷⁸⁹]+(?=\s))"  # "¹ "
    r"\s*(?=\S)"
)
# Marker-shaped tokens anywhere; their context is checked in code.  The
# pattern starts with a character class so the regex engine can skip ahead
# with its fast prefix scan (an alternation of repeats would test every
# position, several times slower on long text).  The digits branch catches
# superscripts flattened by OCR ("arms4;"): digits right after a letter.
_REF = re.compile(
    r"[*(\[⁰¹²³⁴⁵⁶⁷⁸⁹0-9](?:(?<=\*)\*{0,2}|(?<=\()\s?(?:\d{1,3}|\*{1,3})\s?\)"
    r"|(?<=\[)\d{1,3}\]|(?<=[⁰¹²³⁴⁵⁶⁷⁸⁹])[⁰¹²³⁴⁵⁶⁷⁸⁹]*|(?<=[^\W\d_][0-9])[0-9]?(?!\w))"
)
_GLUED_NOTE = re.compile(r" [A-Z][a-z]")  # "(4) The call…" inside a prose line
_EMPHASIS = re.compile(r"\*+\w")  # markdown *emphasis* opener
_AFTER_MARKER = frozenset(".,;:!?)»”\"’'")
_BEFORE_SPACED_STAR = frozenset(".,;:!?»”\"’')]")


@dataclass(slots=True)
class _Note:
    first: int  # line index
    last: int
    start: int  # character range
    end: int
    marker: str


@dataclass(slots=True)
class _Ref:
    start: int
    end: int
    marker: str
    kind: str  # star | number | digits | super


_SPACES = re.compile(r"\s+")


# Cached: a document has few distinct markers, and a page of list items or
# starred lines asks for the same few hundreds of thousands of times.
@lru_cache(maxsize=4096)
def _norm(marker: str) -> str:
    return _SPACES.sub("", marker).translate(_SUPERSCRIPTS)


@lru_cache(maxsize=4096)
def _key(marker: str) -> str:
    """What a marker and its note share: "(4)", "4", "⁴" -> "4"; "(*)", "*" -> "*".

    Web-style "[1]" citations keep their brackets: they point at "[1]" notes,
    not at an unrelated "(1)" list.
    """
    marker = _norm(marker)
    return marker if marker.startswith("[") else marker.strip("()")


def find_notes(doc: Doc) -> list[Span]:
    """Footnote and footnote_marker spans; claims the note lines in ``doc``."""
    candidates = _note_candidates(doc)
    refs, embedded = _ref_candidates(doc, candidates)
    ref_keys = {_key(r.marker) for r in refs}
    notes = [n for n in _drop_star_lists(doc, candidates) if _key(n.marker) in ref_keys]
    notes += [n for n in embedded if _key(n.marker) in ref_keys]
    notes.sort(key=lambda n: n.start)
    note_keys = {_key(n.marker) for n in notes}
    kept = [r for r in refs if r.kind in {"star", "super"} or _key(r.marker) in note_keys]
    spans: list[Span] = []
    for note in notes:
        if note.start > doc.cs[note.first]:  # glued onto a prose line: cut it there
            cut = note.start
            while cut > doc.cs[note.first] and doc.text[cut - 1].isspace():
                cut -= 1
            doc.cuts[note.first] = cut
        else:
            for i in range(note.first, note.last + 1):
                doc.role[i] = "footnote"
        spans.append(Span("footnote", note.start, note.end, {"marker": note.marker}))
    by_marker: dict[str, list[int]] = {}
    by_key: dict[str, list[int]] = {}
    for note in notes:
        by_marker.setdefault(note.marker, []).append(note.start)
        by_key.setdefault(_key(note.marker), []).append(note.start)
    for ref in kept:
        target = _link(ref.start, by_marker.get(_norm(ref.marker), []))
        if target is None:
            target = _link(ref.start, by_key.get(_key(ref.marker), []))
        attrs = {"marker": _norm(ref.marker), "note_start": target}
        spans.append(Span("footnote_marker", ref.start, ref.end, attrs))
    return spans


def _link(position: int, starts: list[int]) -> int | None:
    """The nearest note start after ``position``, else the last one before it."""
    k = bisect_right(starts, position)
    if k < len(starts):
        return starts[k]
    return starts[-1] if starts else None


def _note_candidates(doc: Doc) -> list[_Note]:
    notes: list[_Note] = []
    for first, last in doc.blocks:
        current: _Note | None = None
        for i in range(first, last + 1):
            if not doc.free(i):
                current = None
                continue
            m = _NOTE_START.match(doc.s[i])
            if m:
                marker = _norm(m.group().strip())
                current = _Note(i, i, doc.cs[i], doc.ce[i], marker)
                notes.append(current)
            elif current is not None and _note_goes_on(doc.s[current.last], doc.s[i]):
                current.last = i
                current.end = doc.ce[i]
            else:
                current = None
    return notes


def _note_goes_on(prev: str, nxt: str) -> bool:
    """A note wraps onto ``nxt`` unless a finished sentence meets a capital.

    "…Works, vol." / "5, p. 245" goes on; "…fell in June 1944." / "Italian
    soldiers…" is prose resuming under the note on an OCR'd page.
    """
    return not ends_sentence(prev) or not nxt[0].isupper()


def _drop_star_lists(doc: Doc, notes: list[_Note]) -> list[_Note]:
    """Remove runs of adjacent same-asterisk notes: those are bullet lists."""
    bullet = [False] * len(notes)
    for k in range(1, len(notes)):
        a, b = notes[k - 1], notes[k]
        if a.marker == b.marker and a.marker.startswith("*") and _adjacent(doc, a.last, b.first):
            bullet[k - 1] = bullet[k] = True
    return [n for n, is_bullet in zip(notes, bullet, strict=True) if not is_bullet]


def _adjacent(doc: Doc, last: int, first: int) -> bool:
    if first == last + 1:
        return True
    b = doc.block_of[first]
    return b == doc.block_of[last] + 1 and doc.gap[b] <= 1


def _ref_candidates(doc: Doc, notes: list[_Note]) -> tuple[list[_Ref], list[_Note]]:
    text = doc.text
    note_lines = {i for n in notes for i in range(n.first, n.last + 1)}
    refs: list[_Ref] = []
    embedded: list[_Note] = []
    opener: dict[int, int] = {}  # line -> where markdown emphasis first opens
    for m in _REF.finditer(text):
        start, end = m.span()
        i = _prose_line(doc, start, note_lines)
        if i is None:
            continue
        token = m.group()
        line_end = doc.ce[i]
        before = text[start - 1]
        after = text[end] if end < line_end else ""
        if token[0] == "*":
            if i not in opener:  # first "*word" of the line: later asterisks close it
                found = _EMPHASIS.search(text, doc.cs[i], line_end)
                opener[i] = found.start() if found else line_end
            if opener[i] >= start and _star_ref(text, doc.cs[i], start, before, after):
                refs.append(_Ref(start, end, token, "star"))
        elif token[0] in "([":
            if before == "(" or (after and after.isalnum()) or _enumeration(text, doc.cs[i], start):
                continue
            if token[0] == "(" and _GLUED_NOTE.match(text, end, line_end):
                embedded.append(_Note(i, i, start, line_end, _norm(token)))
            else:
                refs.append(_Ref(start, end, token, "number"))
        elif token[0].isdigit():
            # "arms4;": glued to a lowercase word of 2+ letters, then a break.
            glued = before.islower() and text[start - 2 : start - 1].isalpha()
            if glued and (not after or after.isspace() or after in _AFTER_MARKER):
                refs.append(_Ref(start, end, token, "digits"))
        elif not before.isspace():
            refs.append(_Ref(start, end, token, "super"))
    return refs, embedded


def _enumeration(text: str, line_start: int, start: int) -> bool:
    """Whether a "(1)" counts points ("conditions: (1) war, (2) … and (3) …")."""
    head = text[max(line_start, start - 6) : start].rstrip()
    return not head or head[-1] in ":;,([" or head.endswith((" and", " or"))


def _prose_line(doc: Doc, position: int, note_lines: set[int]) -> int | None:
    """The free, non-note line with ``position`` inside (not at) its content."""
    i = bisect_right(doc.cs, position) - 1
    if i < 0 or i in note_lines or not doc.free(i) or not doc.cs[i] < position < doc.ce[i]:
        return None
    return i


def _star_ref(text: str, line_start: int, start: int, before: str, after: str) -> bool:
    """An asterisk run after a word or punctuation, not arithmetic."""
    if after and not (after.isspace() or after in _AFTER_MARKER):
        return False
    if before in " \t":
        # "compromise». *": only after punctuation; "a * b" is arithmetic.
        k = start - 1
        while k > line_start and text[k - 1] in " \t":
            k -= 1
        return k > line_start and text[k - 1] in _BEFORE_SPACED_STAR
    return before.isalpha() or before in _BEFORE_SPACED_STAR


__all__ = ["find_notes"]
