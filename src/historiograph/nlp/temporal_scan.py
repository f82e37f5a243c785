"""The scanner of :mod:`historiograph.nlp.temporal`: text -> candidates, before context.

:func:`scan` walks the triggers of :mod:`temporal_patterns` left to right and
turns each into zero or more :class:`Candidate` s: character ranges with one
:class:`Point` (a single date) or two (a range), whose year may still be
unknown ("March 29").  Candidates never overlap and come out sorted.  Filling
in missing years from the narrative context is the caller's job.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from historiograph.nlp import temporal_patterns as tp
from historiograph.nlp.temporal_values import Point

# How far back modifiers and cues are looked for ("approximately the very
# beginning of" is 36 characters).
_LOOKBACK = 64
_MIN_YEAR, _MAX_YEAR = 1000, 2100  # a bare number is a year only in this range
_RANGE_WORDS = ("and", "or")


@dataclass(frozen=True, slots=True)
class Candidate:
    start: int
    end: int
    lo: Point
    hi: Point | None = None  # None: a single date
    lo_part: str | None = None  # a part of lo to narrow to ("end" of "the end of 1942")
    hi_part: str | None = None
    approximate: bool = False
    narrative: bool = True  # False: a citation's year, "(London 1947)": not context


@dataclass(frozen=True, slots=True)
class Prefix:
    """What precedes a core: its modifiers (kept in the span) and cue word (not kept)."""

    core: int  # where the core starts
    start: int  # where the span starts, modifiers included
    start_with_the: int  # the same, but keeping a bare "the" ("the 1930s")
    prep: str | None = None
    prep_start: int = -1
    approximate: bool = False
    part: str | None = None
    article_adjective: bool = False  # "the late ..." (possibly "the late May", a person)
    years: bool = False  # "the year 1943", "the years 1940-41"
    era: bool = False  # "A.D. 1066"


_WORD = re.compile(r"[^\W\d_]+")


def _prefix(text: str, core: int, floor: int) -> Prefix:
    lo = max(floor, core - _LOOKBACK)
    # Every prefix ends in a space, "-" ("mid-1943") or "." ("c.1943").
    if core == lo or not (text[core - 1].isspace() or text[core - 1] in "-."):
        return Prefix(core, core, core)
    # Anchored matches from each word start, leftmost (longest) first: ten
    # anchored attempts instead of a search from every character.
    for word in _WORD.finditer(text, lo, core):
        if word.group().lower() not in tp.PREFIX_FIRST_WORDS:
            continue
        m = tp.PREFIX.match(text, word.start(), core)
        if m is not None:
            break
    else:
        return Prefix(core, core, core)
    prep = m.group("prep")
    keep = m.end("prep") if prep else m.start()
    # A bare "the" belongs to some cores only ("the 1930s", not "the 1943 election").
    start = m.end("the") if m.group("the") and not m.group("approx") else keep
    part_word = m.group("part") or m.group("adj")
    return Prefix(
        core=core,
        start=start if start < core else core,
        start_with_the=keep,
        prep=prep.split()[0].lower() if prep else None,
        prep_start=m.start("prep"),
        approximate=m.group("approx") is not None,
        part=tp.PARTS[" ".join(part_word.lower().split())] if part_word else None,
        article_adjective=m.group("the2") is not None,
        years=m.group("years") is not None,
        era=m.group("era") is not None,
    )


# --- small helpers ------------------------------------------------------------


def _month(word: str) -> int:
    return tp.MONTHS[word.rstrip(".").lower()]


def _day(word: str) -> int:
    return int(word.rstrip("stndrh"))


def _ordinal_word(word: str) -> int:
    return tp.ORDINALS[" ".join(word.lower().replace("-", " ").split())]


def _opt_year(m: re.Match[str], group: str) -> int | None:
    value = m.group(group)
    return int(value) if value else None


def _sep_word(m: re.Match[str]) -> str:
    return m.group("sep").strip().lower()


def _is_list(m: re.Match[str], pre: Prefix) -> bool:
    """ "March 17 and 22": two dates, unless "between" makes it a range."""
    return _sep_word(m) in _RANGE_WORDS and pre.prep != "between"


def _day_point(year: int | None, month: int, day: int) -> Point:
    return Point("day", year, month, day)


def _single(pre: Prefix, end: int, point: Point, *, the: bool = False) -> Candidate:
    start = pre.start_with_the if the else pre.start
    return Candidate(start, end, point, None, pre.part, None, pre.approximate)


def _range(
    pre: Prefix, end: int, lo: Point, hi: Point, *, hi_part: str | None = None, the: bool = False
) -> Candidate:
    start = pre.start_with_the if the else pre.start
    if pre.prep == "between":  # "between 1941 and 1945": the range needs its "between"
        start = pre.prep_start
    return Candidate(start, end, lo, hi, pre.part, hi_part, pre.approximate)


def _p2(m: re.Match[str]) -> str | None:
    word = m.group("p2")
    if not word:
        return None
    key = re.sub(r"^(?:the\s+)?(?:very\s+)?|\s*-?\s*(?:of\s+(?:the\s+)?)?$", "", word.lower())
    return tp.PARTS.get(key)


def _reference_before(text: str, start: int) -> bool:
    return tp.REFERENCE_BEFORE.search(text, max(0, start - 12), start) is not None


def _quantity_after(text: str, end: int) -> bool:
    return tp.QUANTITY_AFTER.match(text, end) is not None


# --- family handlers: (match, text, prefix) -> candidates, or None to try the next --

Result = list[Candidate] | None


def _iso(m: re.Match[str], text: str, pre: Prefix) -> Result:
    month = int(m.group("m"))
    point = _day_point(int(m.group("y")), month, int(m.group("d")))
    return [_single(pre, m.end(), point)] if 1 <= month <= 12 else None


def _numeric(m: re.Match[str], text: str, pre: Prefix) -> Result:
    a, b = int(m.group("a")), int(m.group("b"))
    # Day first ("19/06/2021"), as in most of the world's historical sources,
    # unless only the month-first reading is possible ("06/19/2021").
    day, month = (b, a) if b > 12 >= a else (a, b)
    if not 1 <= month <= 12:
        return None
    return [_single(pre, m.end(), _day_point(int(m.group("y")), month, day))]


def _day_range(m: re.Match[str], text: str, pre: Prefix) -> Result:
    """ "July 24-25, 1942", "17 to 22 March 1943", "the night of 24/25 July"."""
    month, year = _month(m.group("m")), _opt_year(m, "y")
    d1, d2 = _day(m.group("d1")), _day(m.group("d2"))
    if _is_list(m, pre):
        day_first = m.start("d1") < m.start("m")
        first = _single(pre, m.end("d1"), _day_point(year, month, d1), the=day_first)
        return [first, Candidate(m.start("d2"), m.end(), _day_point(year, month, d2))]
    if d1 >= d2:
        return None
    lo, hi = _day_point(year, month, d1), _day_point(year, month, d2)
    return [_range(pre, m.end(), lo, hi, the=True)]


def _date_range(m: re.Match[str], text: str, pre: Prefix) -> Result:
    y1, y2 = _opt_year(m, "y1"), _opt_year(m, "y2")
    lo = _day_point(y1, _month(m.group("m1")), _day(m.group("d1")))
    hi = _day_point(y2, _month(m.group("m2")), _day(m.group("d2")))
    day_first = m.start("d1") < m.start("m1")
    if _is_list(m, pre):
        if y1 is None and y2 is not None:
            lo = lo.with_year(y2)
        end1 = m.end("y1") if y1 else max(m.end("m1"), m.end("d1"))
        second = min(m.start("d2"), m.start("m2"))
        return [_single(pre, end1, lo, the=day_first), Candidate(second, m.end(), hi)]
    return [_range(pre, m.end(), lo, hi, the=day_first)]


def _date(m: re.Match[str], text: str, pre: Prefix) -> Result:
    point = _day_point(_opt_year(m, "y"), _month(m.group("m")), _day(m.group("d")))
    # "the 7th of April" keeps its article; "the April 7, 1939 invasion" does not.
    return [_single(pre, m.end(), point, the=m.start("d") < m.start("m"))]


def _year_range(m: re.Match[str], text: str, pre: Prefix) -> Result:
    y1, raw2, sep = int(m.group("y1")), m.group("y2"), _sep_word(m)
    if sep in _RANGE_WORDS and pre.prep != "between":
        return None  # "1914 and 1915": a list of years
    if len(raw2) == 2:
        if sep not in "-–—‒−/":
            return None
        y2 = y1 // 100 * 100 + int(raw2)
    else:
        y2 = int(raw2)
    if not (_MIN_YEAR <= y1 < y2 <= min(_MAX_YEAR, y1 + 200)):
        return None
    if _reference_before(text, pre.core) or _quantity_after(text, m.end()):
        return None
    return [_range(pre, m.end(), Point("year", y1), Point("year", y2), hi_part=_p2(m))]


def _decade(m: re.Match[str], text: str, pre: Prefix) -> Result:
    year = int(m.group("y"))
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        return None
    # "the 1800s" is a century; "the 2000s" is usually the decade.
    unit = "century" if year % 100 == 0 and year < 2000 else "decade"
    return [_single(pre, m.end(), Point(unit, year), the=True)]


def _century(m: re.Match[str], text: str, pre: Prefix) -> Result:
    c2 = int(m.group("c2")) if m.group("c2") else None
    return _centuries(text, pre, m.end(), int(m.group("c1")), c2)


def _centuries(text: str, pre: Prefix, end: int, c1: int, c2: int | None) -> Result:
    """The c1-th (to c2-th) century, AD, or BC when "BC" follows."""
    if bc := tp.BC_AFTER.match(text, end):
        # "the 5th century BC" is 500-401 BC: astronomical years -499 to -400;
        # "the 5th and 4th centuries BC" run from the 5th to the end of the 4th.
        first, last = max(c1, c2 or c1), min(c1, c2 or c1)
        if first > 99:
            return None
        lo, hi = Point("year", 1 - first * 100), Point("year", -(last - 1) * 100)
        return [Candidate(pre.start_with_the, bc.end(), lo, hi, approximate=pre.approximate)]
    if not 1 <= c1 <= 21 or (c2 is not None and not c1 < c2 <= 21):
        return None
    lo = Point("century", (c1 - 1) * 100)
    if c2 is None:
        return [_single(pre, end, lo, the=True)]
    return [_range(pre, end, lo, Point("century", (c2 - 1) * 100), the=True)]


def _year_era(m: re.Match[str], text: str, pre: Prefix) -> Result:
    number = int(m.group("y"))
    if number == 0:
        return None
    # EDTF counts astronomically: 1 BC is year 0, 44 BC is -0043.
    year = 1 - number if m.group("era").startswith("B") else number
    return [_single(pre, m.end(), Point("year", year))]


def _year_list(m: re.Match[str], text: str, pre: Prefix) -> Result:
    items = [(int(x.group()), x.start(), x.end()) for x in re.finditer(r"\d+", m.group("ys"))]
    base = m.start("ys")
    items = [(y, base + s, base + e) for y, s, e in items]
    _, first_start, first_end = items[0]
    if _reference_before(text, first_start):
        return None
    in_range = all(_MIN_YEAR <= y <= _MAX_YEAR for y, _, _ in items)
    cued = (
        pre.prep in tp.YEAR_CUES or pre.approximate or pre.part is not None or pre.years or pre.era
    )
    if cued and pre.prep in ("of", "by") and pre.part is None and not pre.years:
        cued = tp.QUANTITY_BEFORE.search(text, max(0, pre.core - 40), pre.core) is None
    citation = len(items) == 1 and not cued and _parenthesised(text, first_start, first_end)
    if not (
        (cued and (in_range or pre.years or pre.era))
        or (citation and in_range)
        or (len(items) > 1 and in_range)
    ):
        return None
    if pre.prep == "between" and any(_quantity_after(text, end) for _, _, end in items):
        return None  # "between 1000 and 2000 men"
    found: list[Candidate] = []
    previous = None
    for year, start, end in items:
        # A list of years runs forwards: "in 1941, 1000 men ..." ends it.
        if _quantity_after(text, end) or (previous is not None and year <= previous):
            break
        if previous is None:
            single = _single(pre, end, Point("year", year))
            found.append(replace(single, narrative=not citation))
        else:
            found.append(Candidate(start, end, Point("year", year)))
        previous = year
    return found or None


def _parenthesised(text: str, start: int, end: int) -> bool:
    """ "(1977)", "(Globus, Zagreb, 1981)", "(London 1947)": a publication year."""
    if not tp.PAREN_YEAR_AFTER.match(text, end):
        return False
    return tp.PAREN_YEAR_BEFORE.search(text, max(0, start - 24), start) is not None


def _month_range(m: re.Match[str], text: str, pre: Prefix) -> Result:
    y1, y2 = _opt_year(m, "y1"), _opt_year(m, "y2")
    lo = Point("month", y1, _month(m.group("m1")))
    hi = Point("month", y2, _month(m.group("m2")))
    if _is_list(m, pre):
        if y2 is None:
            return None  # "March and May": bare month names
        # "in September and December 1942": two months of 1942
        first = _single(pre, m.end("y1") if y1 else m.end("m1"), lo if y1 else lo.with_year(y2))
        second = m.start("p2") if m.group("p2") else m.start("m2")
        return [first, Candidate(second, m.end(), hi, lo_part=_p2(m))]
    if y1 is None and y2 is None and pre.prep not in ("from", "between"):
        return None  # "March to May" is a range only after "from"
    return [_range(pre, m.end(), lo, hi, hi_part=_p2(m))]


def _month_year(m: re.Match[str], text: str, pre: Prefix) -> Result:
    point = Point("month", int(m.group("y")), _month(m.group("m")))
    return [_single(pre, m.end(), point)]


def _bare_month(m: re.Match[str], text: str, pre: Prefix) -> Result:
    # A month name alone is never a date ("March on Rome", "May God ..."):
    # only with a part word, "the end of June", "early March", "mid-May", and
    # not "the late May" (a person).
    if pre.part is None or pre.article_adjective:
        return None
    return [_single(pre, m.end(), Point("month", None, _month(m.group("m"))))]


_HANDLERS: dict[str, Callable[[re.Match[str], str, Prefix], Result]] = {
    "iso": _iso,
    "numeric": _numeric,
    "day_range_df": _day_range,
    "date_range_df": _date_range,
    "date_df": _date,
    "year_range": _year_range,
    "decade": _decade,
    "century": _century,
    "year_era": _year_era,
    "year_list": _year_list,
    "date_range_mf": _date_range,
    "day_range_mf": _day_range,
    "date_mf": _date,
    "month_range": _month_range,
    "month_year": _month_year,
    "month": _bare_month,
}


def _families(text: str, at: int, floor: int, families: list[tp.Family]) -> Result:
    pre: Prefix | None = None
    for name, pattern in families:
        m = pattern.match(text, at)
        if m is None:
            continue
        if pre is None:
            pre = _prefix(text, at, floor)
        found = _HANDLERS[name](m, text, pre)
        if found:
            return found
    return None


# --- seasons and century words: found backwards from their anchor -----------------


def _season(text: str, at: int, floor: int) -> Result:
    """A season before the year at ``at``: "the autumn of 1939", "summer and autumn 1943"."""
    year_match = tp.YEAR_AT.match(text, at)
    if year_match is None:
        return None
    sm = tp.SEASON_BEFORE.search(text, max(floor, at - _LOOKBACK), at)
    if sm is None:
        return None
    s1 = tp.SEASONS[sm.group("s1").lower()]
    # "prices fall in 1943": "fall" takes "of", never "in".
    if sm.group("conn") and sm.group("conn").lower() == "in" and sm.group("s1").lower() == "fall":
        return None
    year, end = int(year_match.group()), year_match.end()
    pre = _prefix(text, sm.start(), floor)
    if sm.group("s2"):
        s2 = tp.SEASONS[sm.group("s2").lower()]
        # "winter and spring 1943": the winter before
        first = Point("season", year - 1 if s1 > s2 else year, season=s1)
        return [_range(pre, end, first, Point("season", year, season=s2), the=True)]
    point = Point("season", year, season=s1)
    if s1 == 24 and (tail := tp.WINTER_TAIL.match(text, end)):
        yy = tail.group("yy")
        if (year + 1) % (100 if len(yy) == 2 else 10_000) == int(yy):
            end = tail.end()  # "winter 1941-42" is the winter of 1941
    elif tail := tp.SEASON_RANGE_TAIL.match(text, end):
        hi = Point("season", int(tail.group("y2")), season=tp.SEASONS[tail.group("s2").lower()])
        return [_range(pre, tail.end(), point, hi, the=True)]
    return [_single(pre, end, point, the=True)]


def _century_word(text: str, at: int, end: int, floor: int) -> Result:
    m = tp.CENTURY_WORDS_BEFORE.search(text, max(floor, at - _LOOKBACK), at)
    if m is None:
        return None
    c2 = _ordinal_word(m.group("c2")) if m.group("c2") else None
    return _centuries(text, _prefix(text, m.start(), floor), end, _ordinal_word(m.group("c1")), c2)


# --- the scan ------------------------------------------------------------------------


def _number_context_ok(text: str, at: int) -> bool:
    """Whether a number at ``at`` can start a date: not inside "1,500", "9:30", "$1943"."""
    if at == 0:
        return True
    before = text[at - 1]
    if before.isalnum() or before in "_$£€#§":
        return False
    return not (before in ".,:/-–" and at > 1 and text[at - 2].isdigit())


def scan(text: str) -> list[Candidate]:
    """All candidates in ``text``, sorted and non-overlapping."""
    found: list[Candidate] = []
    floor = 0  # end of the previous candidate: nothing may reach back past it
    triggers = heapq.merge(
        tp.TRIGGER.finditer(text), tp.CENTURY_WORD.finditer(text), key=lambda t: t.start()
    )
    for trigger in triggers:
        at = trigger.start()
        if at < floor or (at and (text[at - 1].isalnum() or text[at - 1] == "_")):
            continue
        first = text[at]
        result: Result
        if first.isdigit():
            if not _number_context_ok(text, at):
                continue
            result = _season(text, at, floor) or _families(text, at, floor, tp.DIGIT_FAMILIES)
        elif first in "Cc":
            result = _century_word(text, at, trigger.end(), floor)
        else:
            result = _families(text, at, floor, tp.MONTH_FAMILIES)
        if result:
            found.extend(result)
            floor = result[-1].end
    return found
