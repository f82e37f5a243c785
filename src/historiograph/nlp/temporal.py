"""Temporal expressions in historical English, normalised to EDTF.

:func:`find_temporal_expressions` finds dates, ranges, seasons, decades and
centuries ("April 7, 1939", "the night of July 24-25, 1942", "the autumn of
1939", "the early 1930s", "c. 1943") and gives each an EDTF value
(https://www.loc.gov/standards/datetime/) with ISO bounds for sorting.  Pure
Python and regular expressions; no model.

Spans
    A span covers the words that carry the value, modifiers included ("the
    end of 1942", "near the end of September 1944", "early 1943", "c. 1943",
    "the night of July 24-25, 1942", "the years 1940-41") but not a leading
    preposition ("in", "on", "at", "by", "from"), except the "between" of
    "between 1941 and 1945", which is what makes it a range.  A bare "the"
    is kept before decades, centuries, seasons and "the 7th of April".
    "and" joins a list, not a range ("in 1914 and 1915", "in September and
    December 1942" give two expressions), except between seasons ("summer
    and autumn 1943" is one interval).

Context (incomplete dates)
    "On March 29" has no year.  It takes the year of the running context:
    the last year named in the text before it, in reading order (a full date,
    a month and year, a year, a season, a range's end; not a decade or
    century).  The context is the ``anchor`` until the text names a year.  It
    lapses back to the ``anchor`` when the text has gone ``CONTEXT_REACH``
    characters without naming a year *and* a paragraph break lies in between:
    a long stretch without dates usually means the narrative moved on, while a
    short one across paragraphs does not.  With no context and no anchor an
    incomplete date is skipped, never guessed, and never resolved to today.
    Years do not roll over ("On January 5" after December 1942 stays 1942).

    Not narrative, so they never set the context:
    - a dateline: the first line among the first three non-blank lines that
      holds nothing but a date ("19/06/2021", "April 7, 2014"), and any
      date-only line whose value equals ``published``;
    - dates on footnote lines ("* ...", "(1) ...", "[2] ..."); they may set
      the context of the rest of their own line;
    - publication years in parentheses: "Wartime (1977)", "(London 1947)".
    Quotations are NOT set apart: long quotations in historical writing are
    narrative (documents, memoirs, diaries), and their opening quote mark
    often never closes ("“On March 29, Ribbentrop ..." continues a quoted
    book over several paragraphs), so the dates inside them count.

Not dates
    A month name needs a day, a year or a part word next to it ("the end of
    June"); it must be capitalised ("May", "MAY") unless a day comes first
    ("7 july 1941"), since "may" and "march" are ordinary words.  A bare
    number needs a cue to be a year (a preposition such as "in"/"by"/"of"/
    "since", "the year(s)", a part word, "c.", an era, a parenthesis, or
    another year in a list or range) and must lie within 1000-2100.
    References ("p. 17", "vol. 1", "NOKW 1088") and quantities ("2,000
    fighters", "1500 men", "a force of 1500") are never dates.  Times of day
    are ignored.  Numeric dates read day first ("19/06/2021") unless only the
    month-first reading is a date ("06/19/2021"); two-digit years are never
    read ("19/06/21"), as their century is a guess.

EDTF
    Values use EDTF levels 0-1: "1939-04-07", "1942-09", "1939-23" (seasons
    21-24), "193X", "18XX", "1943~", and intervals of those.  Years BC are
    astronomical ("44 B.C." is "-0043"), so ``earliest``/``latest`` strings
    sort as dates only for years AD.  Seasons are never marked approximate
    ("1943-21~" is not valid EDTF).  Winter's bounds take in both readings of
    "winter 1943" (Jan-Feb 1943, Dec 1943-Feb 1944).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from historiograph.nlp import temporal_patterns as tp
from historiograph.nlp import temporal_values as tv
from historiograph.nlp.temporal_scan import Candidate, scan

__all__ = ["CONTEXT_REACH", "TemporalExpression", "find_temporal_expressions"]

CONTEXT_REACH = 4000  # characters without a year, plus a paragraph break, end a context
_HEAD_LINES = 3  # a dateline is among the first three non-blank lines
_LINE_REACH = 1000  # how far a footnote marker or a date-only line is looked for
_SIMPLE_EDTF = re.compile(r"(-?\d{4})(?:-(\d\d)(?:-(\d\d))?)?")


@dataclass(frozen=True, slots=True)
class TemporalExpression:
    """One temporal expression: ``text == source[start:end]``, valued in EDTF."""

    start: int
    end: int
    text: str
    edtf: str  # valid for edtf.parse_edtf
    kind: str  # "date" | "month" | "year" | "season" | "decade" | "century" | "interval"
    anchored: bool  # the year came from the context, not from the expression
    earliest: str  # ISO "YYYY-MM-DD" of the lower bound
    latest: str  # ISO "YYYY-MM-DD" of the upper bound


def _anchor_year(anchor: str | None) -> int | None:
    """The year an EDTF ``anchor`` names ("1943", "1943-03-29", "1943~", "1943-21")."""
    if anchor is None:
        return None
    value = anchor.strip()
    m = _SIMPLE_EDTF.match(value)
    if m is None:
        raise ValueError(f"anchor must be an EDTF date with a year, got {anchor!r}")
    month = int(m.group(2) or 1)
    if m.end() != len(value) or not (1 <= month <= 12 or 21 <= month <= 24):
        # Rarer shapes go through the full (slow) parser, once per call.
        from edtf import is_valid_edtf

        if not is_valid_edtf(value):
            raise ValueError(f"anchor is not valid EDTF: {anchor!r}")
    return int(m.group(1))


def _published_value(published: str | None) -> str | None:
    # Only compared with datelines, so a malformed value is ignored, not an
    # error: it comes from sidecars and page metadata, not from the caller.
    # Qualifiers go: a dateline "19/06/2021" is the published "2021-06-19?".
    return published.strip().rstrip("?~%") if published else None


def _line_start(text: str, start: int) -> int | None:
    """Where the line holding ``start`` begins; None if over _LINE_REACH before it.

    Bounded, so that a text without line breaks is not scanned once per date.
    """
    floor = max(0, start - _LINE_REACH)
    line_start = text.rfind("\n", floor, start) + 1
    return line_start if line_start or floor == 0 else None


def _date_only_line(text: str, start: int, end: int, line_start: int | None) -> bool:
    if line_start is None:
        return False
    line_end = text.find("\n", end, end + _LINE_REACH)
    if line_end < 0:
        line_end = len(text) if len(text) - end < _LINE_REACH else end + _LINE_REACH
    rest = text[line_start:start] + " " + text[end:line_end]
    return tp.DATE_ONLY_REST.match(rest) is not None


def _in_head(text: str, position: int) -> bool:
    """Whether ``position`` lies on one of the first few non-blank lines."""
    if position > 2000:
        return False
    before = text[:position].split("\n")[:-1]
    return sum(1 for line in before if line.strip()) < _HEAD_LINES


class _Context:
    """The running year of the narrative, with the rules of the module docstring."""

    def __init__(self, text: str, anchor_year: int | None) -> None:
        self.text = text
        self.anchor_year = anchor_year
        self.year = anchor_year
        self.from_text = False
        self.last_end = 0
        self.note_line = -1  # the footnote line with a local year, and that year
        self.note_year: int | None = None

    def year_at(self, start: int, note_line: int | None) -> int | None:
        if (
            self.from_text
            and start - self.last_end > CONTEXT_REACH
            and tp.PARAGRAPH_BREAK.search(self.text, self.last_end, start)
        ):
            self.year, self.from_text = self.anchor_year, False
        if note_line is not None and note_line == self.note_line:
            return self.note_year
        return self.year

    def update(self, year: int, end: int, note_line: int | None) -> None:
        if note_line is not None:
            self.note_line, self.note_year = note_line, year
        else:
            self.year, self.from_text, self.last_end = year, True, end


def _resolve(cand: Candidate, year: int | None) -> tuple[tv.Point, tv.Point | None, bool] | None:
    """Fill in missing years: from the range's other end, else from ``year``."""
    lo, hi = cand.lo, cand.hi
    anchored = False
    if hi is None:
        if lo.year is None:
            if year is None:
                return None
            lo, anchored = lo.with_year(year), True
        return (lo, None, anchored) if tv.valid(lo) else None
    if lo.year is None and hi.year is None:
        if year is None:
            return None
        lo, hi, anchored = lo.with_year(year), hi.with_year(year), True
        if tv.lower(lo) > tv.lower(hi):  # "from December 20 to January 5"
            hi = hi.with_year(year + 1)
    elif lo.year is None:
        assert hi.year is not None
        lo = lo.with_year(hi.year)
        if tv.lower(lo) > tv.lower(hi):  # "from December to February 1943"
            lo = lo.with_year(hi.year - 1)
    elif hi.year is None:
        hi = hi.with_year(lo.year)
        if tv.lower(lo) > tv.lower(hi):
            hi = hi.with_year(lo.year + 1)
    if not (tv.valid(lo) and tv.valid(hi)) or lo == hi or not tv.ordered(lo, hi):
        return None
    return lo, hi, anchored


def _value(
    cand: Candidate, lo: tv.Point, hi: tv.Point | None
) -> tuple[str, str, tv.Point, tv.Point]:
    """EDTF, kind and the outermost points of a resolved candidate."""
    approximate = cand.approximate
    if hi is None:
        first, last = tv.narrow(lo, cand.lo_part)
        if first == last:
            return tv.edtf(lo, approximate=approximate), tv.UNIT_KINDS[lo.unit], first, last
    else:
        first, last = tv.narrow(lo, cand.lo_part)[0], tv.narrow(hi, cand.hi_part)[1]
    text = f"{tv.edtf(first, approximate=approximate)}/{tv.edtf(last, approximate=approximate)}"
    return text, "interval", first, last


def find_temporal_expressions(
    text: str, *, anchor: str | None = None, published: str | None = None
) -> list[TemporalExpression]:
    """All temporal expressions in `text`, sorted, non-overlapping. `anchor` (EDTF) is the context
    date to resolve incomplete dates against before any date in the text is seen; `published` is the
    source's publication date (EDTF) — used only to avoid treating it as narrative context."""
    context = _Context(text, _anchor_year(anchor))
    published_value = _published_value(published)
    dateline_seen = False
    found: list[TemporalExpression] = []
    for cand in scan(text):
        line_start = _line_start(text, cand.start)
        note = line_start is not None and tp.NOTE_LINE.match(text, line_start) is not None
        note_line = line_start if note else None
        resolved = _resolve(cand, context.year_at(cand.start, note_line))
        if resolved is None:
            continue
        lo, hi, anchored = resolved
        value, kind, first, last = _value(cand, lo, hi)
        found.append(
            TemporalExpression(
                cand.start,
                cand.end,
                text[cand.start : cand.end],
                value,
                kind,
                anchored,
                tv.iso(tv.lower(first)),
                tv.iso(tv.upper(last)),
            )
        )
        coarse = {lo.unit, (hi or lo).unit} & {"decade", "century"}  # before narrowing
        narrative = cand.narrative and not coarse and not anchored
        if narrative and _date_only_line(text, cand.start, cand.end, line_start):
            if not dateline_seen and _in_head(text, cand.start):
                dateline_seen, narrative = True, False
            elif value == published_value:
                narrative = False
        if narrative and last.year is not None:
            context.update(last.year, cand.end, note_line)
    return found
