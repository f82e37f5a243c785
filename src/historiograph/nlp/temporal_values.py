"""Calendar values behind :mod:`historiograph.nlp.temporal`: points, parts, EDTF, bounds.

A :class:`Point` is one calendar unit at its own precision (a day, a month, a
season, a year, a decade, a century) whose year may still be unknown.  EDTF
strings and ISO bounds are only ever produced from points by the functions
here, so the small set of EDTF shapes the extractor emits is defined in one
place (and tested against ``edtf.parse_edtf``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

Ymd = tuple[int, int, int]

UNIT_KINDS = {
    "day": "date",
    "month": "month",
    "season": "season",
    "year": "year",
    "decade": "decade",
    "century": "century",
}
# Months of each EDTF season code. Winter (24) straddles the new year.
_SEASON_MONTHS = {21: (3, 5), 22: (6, 8), 23: (9, 11)}


@dataclass(frozen=True, slots=True)
class Point:
    """One calendar unit. ``year`` is the first year of a decade or century."""

    unit: str  # "day" | "month" | "season" | "year" | "decade" | "century"
    year: int | None
    month: int | None = None
    day: int | None = None
    season: int | None = None

    def with_year(self, year: int) -> Point:
        return replace(self, year=year)


def is_leap(year: int) -> bool:
    # Proleptic Gregorian, as EDTF (ISO 8601) uses; valid for year 0 and BCE too.
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def month_length(year: int, month: int) -> int:
    if month == 2:
        return 29 if is_leap(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def valid(point: Point) -> bool:
    """Whether a point with a known year names a real calendar unit."""
    if point.year is None:
        return False
    if point.month is not None and not 1 <= point.month <= 12:
        return False
    if point.day is not None:
        assert point.month is not None
        return 1 <= point.day <= month_length(point.year, point.month)
    return True


# --- parts: "the end of 1942", "early 1943", "the early 1930s" ---------------------
# Each part narrows a unit to a range of the next finer unit, given as
# (first, last) offsets.  The year's "beginning"/"end" are quarters (the
# spec: "At the beginning of 1940" -> 1940-01/1940-03) while "early"/"mid"/
# "late" split the year in thirds, so the three cover it without gaps.
_YEAR_PARTS = {
    "begin": (1, 3),
    "early": (1, 4),
    "mid": (5, 8),
    "late": (9, 12),
    "end": (10, 12),
    "half1": (1, 6),
    "half2": (7, 12),
}
_MONTH_PARTS = {  # days; 99 stands for the month's last day
    "begin": (1, 10),
    "early": (1, 10),
    "mid": (11, 20),
    "late": (21, 99),
    "end": (21, 99),
    "half1": (1, 15),
    "half2": (16, 99),
}
_DECADE_PARTS = {  # year offsets: "the early 1930s" -> 1930/1933
    "begin": (0, 3),
    "early": (0, 3),
    "mid": (4, 6),
    "late": (7, 9),
    "end": (7, 9),
    "half1": (0, 4),
    "half2": (5, 9),
}
_CENTURY_PARTS = {  # thirds: "the early 20th century" -> 1900/1933
    "begin": (0, 33),
    "early": (0, 33),
    "mid": (33, 66),
    "late": (66, 99),
    "end": (66, 99),
    "half1": (0, 49),
    "half2": (50, 99),
}


def narrow(point: Point, part: str | None) -> tuple[Point, Point]:
    """The first and last finer units of ``part`` of ``point`` (itself twice if none)."""
    year = point.year
    if part is None or year is None or point.unit in ("day", "season"):
        return point, point
    if point.unit == "year":
        a, b = _YEAR_PARTS[part]
        return Point("month", year, a), Point("month", year, b)
    if point.unit == "month":
        assert point.month is not None
        a, b = _MONTH_PARTS[part]
        last = min(b, month_length(year, point.month))
        return Point("day", year, point.month, a), Point("day", year, point.month, last)
    a, b = (_DECADE_PARTS if point.unit == "decade" else _CENTURY_PARTS)[part]
    return Point("year", year + a), Point("year", year + b)


# --- EDTF and bounds ---------------------------------------------------------------


def _year_text(year: int) -> str:
    return f"-{-year:04d}" if year < 0 else f"{year:04d}"


def edtf(point: Point, *, approximate: bool = False) -> str:
    """The EDTF string of a point with a known year."""
    year = point.year
    assert year is not None
    if point.unit == "decade":
        text = f"{year // 10:03d}X"
    elif point.unit == "century":
        text = f"{year // 100:02d}XX"
    elif point.unit == "season":
        # EDTF has no qualified seasons at level 1 ("1943-21~" does not parse).
        return f"{_year_text(year)}-{point.season}"
    else:
        text = _year_text(year)
        if point.month is not None:
            text += f"-{point.month:02d}"
        if point.day is not None:
            text += f"-{point.day:02d}"
    return text + "~" if approximate else text


def lower(point: Point) -> Ymd:
    year = point.year
    assert year is not None
    if point.unit == "season":
        assert point.season is not None
        # "winter 1943" may mean Jan-Feb 1943 or Dec 1943-Feb 1944: take both.
        return (year, 1, 1) if point.season == 24 else (year, _SEASON_MONTHS[point.season][0], 1)
    return (year, point.month or 1, point.day or 1)


def upper(point: Point) -> Ymd:
    year = point.year
    assert year is not None
    if point.unit == "season":
        assert point.season is not None
        if point.season == 24:
            return (year + 1, 2, month_length(year + 1, 2))
        last = _SEASON_MONTHS[point.season][1]
        return (year, last, month_length(year, last))
    if point.unit == "decade":
        year += 9
    elif point.unit == "century":
        year += 99
    month = point.month or 12
    return (year, month, point.day or month_length(year, month))


def iso(ymd: Ymd) -> str:
    year, month, day = ymd
    return f"{_year_text(year)}-{month:02d}-{day:02d}"


def ordered(first: Point, last: Point) -> bool:
    """Whether ``first`` .. ``last`` is a forward range (both years known)."""
    return lower(first) <= lower(last) and upper(first) <= upper(last)
