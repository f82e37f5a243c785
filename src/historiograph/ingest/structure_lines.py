"""The line model and line-level tests shared by the structure detectors.

:func:`historiograph.ingest.structure.detect_structure` works on lines, not
characters: a :class:`Doc` splits the text once, records each line's content
range (without its newline and surrounding whitespace), hides lines inside
boilerplate spans, and groups the remaining lines into *blocks* (runs of
non-blank lines).  Detectors then *claim* lines by giving them a role, so a
line is typed once and later, more generic detectors skip it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from historiograph.model import Span

# --- dates ------------------------------------------------------------------
# A date-only line: "April 7, 1939", "7 April 1939", "JULY 27, 1939",
# "7. April 1976", "September 1942", "19/06/2021", "1939-04-07", optionally
# with a weekday and a leading dash (the second half of a date range).
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?\.?"
_YEAR = r"\d{3,4}"
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_DATE = (
    rf"{_WEEKDAY}(?:{_MONTH}\s+{_DAY},?(?:\s+{_YEAR})?"
    rf"|{_DAY}\s+(?:of\s+)?{_MONTH},?(?:\s+{_YEAR})?"
    rf"|{_MONTH},?\s+{_YEAR}"
    r"|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2})"
)
DATE_LINE = re.compile(rf"[-–—]?\s*{_DATE}\s*[.:]?", re.I)
# A letter's dateline may name the place first: "Tirana, September 10, 1943".
DATELINE = re.compile(rf"(?:[^\W\d_][\w.'’ -]{{1,40}},\s*)?{_DATE}\s*\.?", re.I)

# --- line shapes --------------------------------------------------------------
# Bullets and enumerations at line start (list items, never headings).
LIST_START = re.compile(r"(?:[•◦▪‣●○■□►➢·*+\-–—]|\d{1,3}[.)]|\(\d{1,3}\)|[a-z][.)])\s+\S")
SEPARATOR = re.compile(r"(?:[*∗•·~#=_-]\s*){3,}|[-–—_=~]{3,}|§+")
BYLINE = re.compile(r"(?i:by)\s+[A-Z]")
_NAME_PARTICLES = frozenset(
    ["van", "von", "de", "da", "del", "der", "di", "du", "la", "le", "bin", "ibn"]
)
OPENERS = "\"'“‘«„([¡¿"
CLOSERS = "\"'”’»)]"
_BULLETS = "•◦▪‣●○■□►➢·*+-–—"
_NON_LETTERS = re.compile(r"[\W\d_]+")
_TWO_LETTERS = re.compile(r"[^\W\d_].*?[^\W\d_]")
_NUMBERED_HEADING = re.compile(r"\d{1,3}(?:\.\d{1,3})*[.)]?\s+[A-Z]")
TERMINAL = ".!?…"
HEADING_MAX_CHARS = 100
HEADING_MAX_WORDS = 16
# Words a sentence almost never ends on: a line ending with one was wrapped.
_FUNCTION_WORDS = frozenset(
    re.findall(
        r"\w+",
        "a an the of to in on at by for from with into onto upon and or nor but that which who"
        " whom whose than as its their his her our your my this these those is are was were be"
        " been being has have had not no",
    )
)


def title_case(s: str) -> bool:
    """Whether most significant words (4+ letters) start with a capital."""
    significant = 0
    capital = 0
    for word in s.split():
        letters = _NON_LETTERS.sub("", word)
        if len(letters) >= 4:
            significant += 1
            capital += letters[0].isupper()
    return significant > 0 and capital >= 0.75 * significant


def title_like(s: str) -> bool:
    """Could this (stripped) line be a heading on its own shape alone?

    Short, no sentence-final punctuation (unless it is strict Title Case, as in
    an OCR'd "The Beginning of the Movement."), not a date, list item, byline
    or parenthetical; a quoted line must be Title Case ("“Ciano’s Diaries”")
    so that a one-sentence quotation stays prose.  Cheap tests come first: most
    lines fail on length.
    """
    if not 2 <= len(s) <= HEADING_MAX_CHARS or len(s.split()) > HEADING_MAX_WORDS:
        return False
    c0 = s[0]
    if c0 in _BULLETS or (c0 in "([" and s.rstrip(".,;:")[-1] in ")]"):
        return False
    tail = _tail(s)
    if not tail or tail[-1] in ",;:" or not _TWO_LETTERS.search(s):
        return False
    if c0.isdigit():
        if not _NUMBERED_HEADING.match(s):  # "1. Introduction", not "1) war"
            return False
    elif LIST_START.match(s) or BYLINE.match(s):
        return False
    # "7 April 1939", "Moscow, 12 March 1948": datelines, not titles.
    if DATE_LINE.fullmatch(s) or DATELINE.fullmatch(s):
        return False
    if tail[-1] in TERMINAL or c0 in OPENERS:
        return title_case(s) and not tail.endswith("..")
    return True


def name_like(s: str) -> bool:
    """A bare personal name: "Nedim Pustahija", "J. B. Tito", "Šime Balen"."""
    words = s.lstrip("-–— ").split()
    if not 2 <= len(words) <= 4:
        return False
    for word in words:
        if word in _NAME_PARTICLES:
            continue
        bare = word.rstrip(".").replace("-", "").replace("'", "").replace("’", "")
        if not (bare.isalpha() and bare[0].isupper()):
            return False
    return True


def _tail(s: str) -> str:
    """``s`` without closing quotes/brackets and reference markers at its end.

    "liberation.»**" and "resistance.[1]" end sentences; look before the marks.
    """
    end = len(s)
    while end:
        c = s[end - 1]
        if c == "]":
            k = s.rfind("[", max(0, end - 5), end)
            end = k if k >= 0 and s[k + 1 : end - 1].isdigit() else end - 1
        elif c in CLOSERS or c in "*⁰¹²³⁴⁵⁶⁷⁸⁹" or c.isspace():
            end -= 1
        else:
            break
    return s[:end]


def ends_sentence(s: str) -> bool:
    tail = _tail(s)
    return bool(tail) and tail[-1] in TERMINAL


def continues(prev: str, nxt: str, wrapped: bool = True) -> bool:
    """Whether ``nxt`` continues the sentence of the hard-wrapped line ``prev``.

    Web captures put one paragraph per line and end it with punctuation; OCR'd
    books wrap mid-sentence.  A line that ends without terminal punctuation is
    joined with the next when the next starts lowercase, or when it ends on a
    comma, dash, hyphen or function word.  In a ``wrapped`` document (one that
    shows such lowercase continuations elsewhere) a line too long to be a
    heading also joins a next line going on with a capital ("the Soviet" /
    "Union, in August 1939"); in web text that would merge paragraphs.
    """
    if not prev or not nxt or ends_sentence(prev):
        return False
    if LIST_START.match(nxt) or DATE_LINE.fullmatch(nxt):
        return False
    first = nxt.lstrip(OPENERS)[:1]
    if first.islower():
        return True
    last = prev[-1]
    if last in ",-–—(«“‘„":
        return True
    if prev.rsplit(None, 1)[-1].lower() in _FUNCTION_WORDS:
        return True
    long_line = len(prev) > HEADING_MAX_CHARS and last.isalnum()
    return wrapped and long_line and (first.isupper() or first.isdigit())


# --- the document -----------------------------------------------------------


class Doc:
    """Lines of ``text`` with content ranges, boilerplate masked, grouped in blocks."""

    __slots__ = (
        "block_of",
        "blocks",
        "ce",
        "cs",
        "cuts",
        "gap",
        "live",
        "role",
        "s",
        "text",
        "wrapped",
    )

    def __init__(self, text: str, boilerplate: Sequence[Span]) -> None:
        self.text = text
        self.cs: list[int] = []  # content start of each line
        self.ce: list[int] = []  # content end (== cs for a blank line)
        self.s: list[str] = []  # the stripped content
        position = 0
        for raw in text.splitlines(keepends=True):
            content = raw.strip()
            start = position + (len(raw) - len(raw.lstrip()) if content else 0)
            self.cs.append(start)
            self.ce.append(start + len(content))
            self.s.append(content)
            position += len(raw)
        hidden = _merge(boilerplate)
        self.live: list[bool] = []
        k = 0
        for start, end in zip(self.cs, self.ce, strict=True):
            while k < len(hidden) and hidden[k][1] < end:
                k += 1
            inside = k < len(hidden) and hidden[k][0] <= start and end <= hidden[k][1]
            self.live.append(end > start and not inside)
        # Blocks: maximal runs of live lines; gap[b] = non-live lines before block b.
        self.blocks: list[tuple[int, int]] = []
        self.gap: list[int] = []
        self.block_of: list[int] = [-1] * len(self.s)
        run_gap = 0
        for i, live in enumerate(self.live):
            if not live:
                run_gap += 1
                continue
            if i > 0 and self.live[i - 1]:
                first, _ = self.blocks[-1]
                self.blocks[-1] = (first, i)
            else:
                self.blocks.append((i, i))
                self.gap.append(run_gap)
                run_gap = 0
            self.block_of[i] = len(self.blocks) - 1
        # Hard-wrapped (OCR) text shows lines running on in lowercase.
        runs_on = 0
        for i in range(len(self.s) - 1):
            if self.live[i + 1] and self.live[i] and self.s[i + 1][0].islower():
                runs_on += not ends_sentence(self.s[i])
        self.wrapped = runs_on >= 2
        self.role: list[str | None] = [None] * len(self.s)
        # Where a prose line's own text ends when a glued-on note follows it.
        self.cuts: dict[int, int] = {}

    def free(self, i: int) -> bool:
        """A live line no detector has claimed yet."""
        return self.live[i] and self.role[i] is None

    def span(self, kind: str, first: int, last: int, **attrs: object) -> Span:
        """A span over lines ``first..last`` (inclusive)."""
        return Span(kind, self.cs[first], self.ce[last], dict(attrs))

    def next_block(self, i: int) -> int | None:
        """Index of the block after line ``i``'s block, if any."""
        b = self.block_of[i] + 1
        return b if 0 < b < len(self.blocks) else None


def _merge(spans: Sequence[Span]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted((s.start, s.end) for s in spans if s.end > s.start):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
