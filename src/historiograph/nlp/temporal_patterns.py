"""Vocabulary and compiled regular expressions for :mod:`historiograph.nlp.temporal`.

The scanner works in three steps, each with its own patterns here:

1. :data:`TRIGGER` (and :data:`CENTURY_WORD`) find the few places where a
   date's core can start: a number, a capitalised month name, "century".
   Plain prose has one every few hundred characters, so the rest runs rarely.
2. A *family* pattern (:data:`DIGIT_FAMILIES`, :data:`MONTH_FAMILIES`) is
   matched at the trigger, forwards: "April 7, 1939", "July 24-25, 1942",
   "September to December 1942", ...  Seasons and ordinal words are found
   backwards from the year or "century" they need (:data:`SEASON_BEFORE`,
   :data:`CENTURY_WORDS_BEFORE`).
3. :data:`PREFIX` is matched on the few words before the core, for those
   that modify it ("the end of", "early", "c.", "the night of") or cue it
   ("in" before a bare year).

Month names are case-sensitive on purpose: "May" and "March" are also a
modal and a verb, so only their capitalised forms count, and lowercase forms
only after a day ("7 july") and only for months that are not ordinary words.
"""

from __future__ import annotations

import re

# --- vocabulary -----------------------------------------------------------------

_FULL_MONTHS = (
    "january february march april may june july august september october november december"
).split()
_ABBREVIATIONS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
# Full and abbreviated forms, lowercase and without the dot -> month number.
MONTHS: dict[str, int] = {name: n for n, name in enumerate(_FULL_MONTHS, start=1)}
MONTHS.update(_ABBREVIATIONS)
# "may" and "march" are common lowercase words; their lowercase forms never count.
_LOWERCASE_AMBIGUOUS = frozenset({"may", "march"})

SEASONS: dict[str, int] = {"spring": 21, "summer": 22, "autumn": 23, "fall": 23, "winter": 24}

_ORDINAL_WORDS = (
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth"
).split()
ORDINALS: dict[str, int] = {word: n for n, word in enumerate(_ORDINAL_WORDS, start=1)}
ORDINALS["twenty-first"] = ORDINALS["twenty first"] = 21

# Words that narrow a date to a part of it ("the end of 1942", "early 1943").
# Each maps to a key of PART_FRACTIONS in temporal.py.
PARTS: dict[str, str] = {
    "beginning": "begin",
    "start": "begin",
    "early part": "early",
    "first part": "early",
    "first days": "begin",
    "first weeks": "begin",
    "first months": "begin",
    "early": "early",
    "middle": "mid",
    "mid": "mid",
    "end": "end",
    "close": "end",
    "last days": "end",
    "last weeks": "end",
    "last months": "end",
    "late": "late",
    "latter part": "late",
    "later part": "late",
    "last part": "late",
    "first half": "half1",
    "second half": "half2",
    "latter half": "half2",
    "last half": "half2",
}


def _alternation(words: list[str]) -> str:
    # Longest first, so "Sept" is tried before "Sep" and "June" before "Jun".
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _case_forms(word: str, *, lowercase: bool) -> list[str]:
    return [word.title(), word.upper(), *([word] if lowercase else [])]


_NOT_LETTER = r"(?![^\W\d_])"
_FULL_FORMS = [
    form for w in _FULL_MONTHS for form in _case_forms(w, lowercase=w not in _LOWERCASE_AMBIGUOUS)
]
_ABBREVIATION_FORMS = [form for w in _ABBREVIATIONS for form in _case_forms(w, lowercase=False)]
# Only abbreviations take a dot: after a full name it ends the sentence.
MONTH = (
    rf"(?:(?:{_alternation(_FULL_FORMS)}){_NOT_LETTER}"
    rf"|(?:{_alternation(_ABBREVIATION_FORMS)}){_NOT_LETTER}\.?)"
)
SEASON = rf"(?i:{_alternation(list(SEASONS))}){_NOT_LETTER}"
_ORDINAL_WORD = rf"\b(?i:twenty[- ]first|{_alternation(_ORDINAL_WORDS)})"

# --- building blocks ------------------------------------------------------------

_SP = r"[ \t\u00a0]"
# Whitespace that may wrap onto the next line (OCR, hard-wrapped prose) but
# never crosses a blank line: a paragraph break ends an expression.
W = rf"{_SP}*(?:\r?\n{_SP}*)?"
W1 = rf"(?:{_SP}+(?:\r?\n{_SP}*)?|\r?\n{_SP}*)"
_DAY = rf"(?:[12]\d|3[01]|0?[1-9])(?!\d)(?:st|nd|rd|th|d)?{_NOT_LETTER}"
_YEAR = r"\d{4}(?!\d)(?!,\d{3})"
# Years a list may run to in one match. Unbounded, a list that does not run
# forwards ("1914, 1914, ...") was matched whole again from each of its years:
# quadratic. A longer real list goes on in a second match where this one ends.
_LIST_YEARS = 31
_CENTURY_SUFFIX = rf"(?:{_SP}+|{_SP}*-{_SP}*)(?i:centur(?:y|ies)){_NOT_LETTER}"


def _g(name: str, body: str) -> str:
    return f"(?P<{name}>{body})"


def _sep(words: str, punctuation: str) -> str:
    return _g("sep", rf"{W}[{punctuation}]{W}|{W1}(?i:{words}){W1}")


_DASHES = "\\-–—‒−"
# Between the two ends of a range. "and"/"or" are captured so the handler can
# tell "between March and May" (a range) from "in March and May" (two dates).
RANGE_SEP = _sep("to|until|till|through|thru|and|or", _DASHES)
DAY_SEP = _sep("to|until|till|through|thru|and|or", _DASHES + "/")
LIST_SEP = _sep("and|or|to", _DASHES + "/")
# A part word on the far end of a range: "from June to the end of July 1943".
PART2 = _g(
    "p2",
    rf"(?i:(?:the{W1})?(?:very{W1})?(?:beginning|start|end|close|middle){W1}of{W1}(?:the{W1})?"
    rf"|(?:early|mid|late)(?:{W}-{W}|{W1}))",
)


def _month(name: str) -> str:
    return _g(name, MONTH)


def _day(name: str) -> str:
    return _g(name, _DAY)


def _year(name: str) -> str:
    return _g(name, _YEAR)


def _day_first(d: str, m: str, y: str) -> str:
    # "7 April 1939", "7. April 1976", "28th of September", "4th July, 1941"
    return rf"{_day(d)}\.?{W1}(?:(?i:of){W1})?{_month(m)}(?:,?{W1}{_year(y)})?"


def _month_first(m: str, d: str, y: str) -> str:
    # "April 7, 1939", "November 8 1941", "April 12th", "March the 5th"
    return rf"{_month(m)}{W1}(?:(?i:the){W1})?{_day(d)}(?:,?{W1}{_year(y)})?"


# --- families: (name, pattern), tried in order at a trigger ---------------------
# Longer, more specific shapes come first: the first family whose handler
# accepts the match wins.

_DIGIT_SOURCES: list[tuple[str, str]] = [
    # "1939-04-07", "1939/04/07", "1939.04.07"
    ("iso", r"(?P<y>\d{4})(?P<s>[-/.])(?P<m>\d\d)(?P=s)(?P<d>\d\d)(?![\d-])"),
    ("numeric", r"(?P<a>\d{1,2})(?P<s>[./-])(?P<b>\d{1,2})(?P=s)(?P<y>\d{4})(?![\d])(?![./-]\d)"),
    ("day_range_df", rf"{_day('d1')}\.?{DAY_SEP}{_day_first('d2', 'm', 'y')}"),
    ("date_range_df", rf"{_day_first('d1', 'm1', 'y1')}{RANGE_SEP}{_day_first('d2', 'm2', 'y2')}"),
    ("date_df", _day_first("d", "m", "y")),
    (
        "year_range",
        rf"(?P<y1>\d{{3,4}})(?!\d)"
        rf"(?P<sep>{W}[-–—‒−/]{W}|{W1}(?i:to|until|till|through|thru|and){W1})"
        rf"{PART2}?(?P<y2>\d{{4}}|\d\d)(?!\d)(?![-/.]\d)",
    ),
    ("decade", rf"(?P<y>\d{{3}}0)['’]?s{_NOT_LETTER}"),
    (
        "century",
        rf"(?P<c1>\d{{1,2}})(?i:st|nd|rd|th)"
        rf"(?:{LIST_SEP}(?:(?i:the){W1})?(?P<c2>\d{{1,2}})(?i:st|nd|rd|th))?"
        rf"{_CENTURY_SUFFIX}",
    ),
    (
        "year_era",
        rf"(?P<y>\d{{1,4}})(?!\d){_SP}*"
        rf"(?P<era>B\.{_SP}?C\.(?:{_SP}?E\.)?|BCE?|A\.{_SP}?D\.|AD|C\.{_SP}?E\.|CE)(?!\w)",
    ),
    (
        "year_list",
        rf"(?P<ys>\d{{3,4}}(?!\d)(?!,\d{{3}})"
        rf"(?:(?:{W}[,;]{W}(?:(?i:and|or){W1})?|{W1}(?i:and|or|&){W1}){_YEAR}){{0,{_LIST_YEARS}}})",
    ),
]
_MONTH_SOURCES: list[tuple[str, str]] = [
    (
        "date_range_mf",
        rf"{_month_first('m1', 'd1', 'y1')}{RANGE_SEP}{_month_first('m2', 'd2', 'y2')}",
    ),
    ("day_range_mf", rf"{_month('m')}{W1}{_day('d1')}{DAY_SEP}{_day('d2')}(?:,?{W1}{_year('y')})?"),
    ("date_mf", _month_first("m", "d", "y")),
    (
        "month_range",
        rf"{_month('m1')}(?:,?{W1}{_year('y1')})?{RANGE_SEP}{PART2}?"
        rf"{_month('m2')}(?:,?{W1}(?:(?i:of){W1})?{_year('y2')})?",
    ),
    ("month_year", rf"{_month('m')},?{W1}(?:(?i:of){W1})?{_year('y')}"),
    ("month", _month("m")),
]
Family = tuple[str, re.Pattern[str]]


def _compile(sources: list[tuple[str, str]]) -> list[Family]:
    return [(name, re.compile(source)) for name, source in sources]


# Which families to try depends on what the trigger found.
DIGIT_FAMILIES = _compile(_DIGIT_SOURCES)
MONTH_FAMILIES = _compile(_MONTH_SOURCES)
# Seasons always come with a year, so they are found from the year backwards
# ("summer and autumn 1943", "the autumn of 1939", "Spring in 1943"): lowercase
# season words in the trigger would slow the scan down eightfold.
SEASON_BEFORE = re.compile(
    rf"\b(?P<s1>{SEASON})(?:{RANGE_SEP}(?:(?i:the){W1})?(?P<s2>{SEASON}))?"
    rf",?{W1}(?:(?P<conn>(?i:of|in)){W1})?\Z"
)
# "winter 1941-42", "the winter of 1941/42": one winter across two years.
WINTER_TAIL = re.compile(rf"{W}[-–/]{W}(?P<yy>\d{{4}}|\d\d)(?!\d)")
# "autumn 1942 to spring 1943"
SEASON_RANGE_TAIL = re.compile(
    rf"{RANGE_SEP}(?:(?i:the){W1})?(?P<s2>{SEASON}),?{W1}(?:(?i:of|in){W1})?{_year('y2')}"
)
YEAR_AT = re.compile(_YEAR)
# Before "century": "the nineteenth century", "the eighteenth and nineteenth centuries".
CENTURY_WORDS_BEFORE = re.compile(
    rf"(?P<c1>{_ORDINAL_WORD})(?:{LIST_SEP}(?:(?i:the){W1})?(?P<c2>{_ORDINAL_WORD}))?"
    rf"(?:{_SP}+|{_SP}*-{_SP}*)\Z"
)
# A second trigger, scanned separately: "[Cc]entur" starts with a class too.
CENTURY_WORD = re.compile(rf"[Cc](?i:entur(?:y|ies)){_NOT_LETTER}")

# --- trigger --------------------------------------------------------------------
# One character class first, then the rest of the word behind a look-behind on
# that character: the regex engine then skips in C over every position whose
# character cannot start a trigger, which makes the scan ~20x faster than a
# plain alternation of words.  Word boundaries are checked in Python.


def _trigger_words() -> list[str]:
    # Capitalised month names only: a lowercase first letter in the class
    # would let most positions of ordinary prose through.
    return [w for w in [*_FULL_FORMS, *_ABBREVIATION_FORMS] if not w.islower()]


def _trigger_pattern() -> str:
    tails: dict[str, list[str]] = {}
    for word in _trigger_words():
        tails.setdefault(word[0], []).append(word[1:])
    branches = [r"(?<=[0-9])[0-9]*"] + [
        rf"(?<={re.escape(first)})(?:{_alternation(rest)}){_NOT_LETTER}"
        for first, rest in sorted(tails.items())
    ]
    first_chars = "".join(sorted(tails))
    return rf"[0-9{first_chars}](?:{'|'.join(branches)})"


TRIGGER = re.compile(_trigger_pattern())

# --- backward context -----------------------------------------------------------
# Matched against the text just before a core, anchored at its end. Groups:
#   prep    a preposition: cues a bare year, and "from"/"between" make ranges
#   approx  "around", "about", "c.", "circa": the value is approximate
#   near    "near"/"towards" in "near the end of": kept in the span
#   part    a part word: "the end of", "early", "mid-"
#   night   "the night of": kept in the span, value unchanged
#   years   "the year(s)": cues a bare year
#   the     a bare article, kept only before decades, centuries, seasons
#   era     "A.D." before a year
#   wd      a weekday before a day date
_PREPOSITIONS = (
    "in|on|at|by|from|since|until|till|between|during|of|for|after|before|through|"
    "throughout|within|to|and|or|than"
)
_PART_WORDS = "|".join(
    re.escape(p).replace(r"\ ", r"\s+") for p in sorted(PARTS, key=len, reverse=True)
)
_WEEKDAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
PREFIX = re.compile(
    rf"(?P<prep>\b(?:{_PREPOSITIONS})\s+)?"
    r"(?P<approx>\b(?:around|about|circa|approximately|roughly|some\s*time\s+in)\s+"
    r"|\bc(?:a|irc)?\.\s*)?"
    r"(?:(?P<near>\b(?:near|nearer|towards?|toward)\s+)?(?P<the1>\bthe\s+)(?:very\s+)?"
    rf"(?P<part>{_PART_WORDS})\s+of\s+(?:the\s+)?"
    r"|(?P<the2>\bthe\s+)?(?P<adj>\b(?:early|mid|late))(?:\s*-\s*|\s+)(?P<adjin>in\s+)?"
    r"|(?P<night>\bthe\s+(?:night|nights|morning|evening|afternoon|day|days)\s+of\s+)"
    r"|(?P<years>\b(?:the\s+)?years?\s+(?:of\s+our\s+lord\s+)?)"
    r"|(?P<the>\bthe\s+))?"
    r"(?P<era>(?-i:A\.\s?D\.|AD)\s*)?"
    rf"(?P<wd>\b{_WEEKDAY},?\s+(?:the\s+)?)?\Z",
    re.IGNORECASE,
)
# The words a PREFIX match can start with: other words are skipped unmatched.
PREFIX_FIRST_WORDS = frozenset(
    _PREPOSITIONS.split("|")
    + "around about circa approximately roughly some sometime c ca circ near nearer toward towards"
    " the early mid late year years a ad monday tuesday wednesday thursday friday saturday"
    " sunday".split()
)
# Prepositions that make a bare number a year: "in 1935", "by 1942", "of 1939".
YEAR_CUES = frozenset(
    "in by from since until till between during of after before through throughout".split()
)
# Before a number: a reference, not a date ("p. 17", "vol. 1", "No 2", "NOKW 1088").
# An all-capitals word is an archival signature unless it is a word of the
# date itself, as in a headline ("IN 1943", "THE YEARS 1940-41").
REFERENCE_BEFORE = re.compile(
    r"(?:\b(?i:pp?|vols?|nos?|nr|nrs|art|arts|fol|ff|page|pages|number|numbers|ch|chap|chapter"
    r"|sec|section|para|tel|fig|figs|table|plate|group|file|box|doc|ref)\.?|[#§№]"
    rf"|\b(?!(?:{_PREPOSITIONS.upper()}|THE|YEARS?|EARLY|MID|LATE|AD|CE|CIRCA|ABOUT|AROUND)\b)"
    r"[A-Z]{2,})"
    rf"{_SP}*\Z"
)
# Before "of"/"by" and a number: a quantity ("a force of 1500", "rose by 1200").
QUANTITY_BEFORE = re.compile(
    r"(?i:\b(?:a|an)\s+[\w-]+\s+of|\b(?:total|sum|population|strength|number|figure|loss"
    r"|losses|height|altitude|depth|distance|length|weight|price|cost|majority)\s+of"
    r"|\b(?:increased|decreased|rose|risen|fell|fallen|grew|grown|dropped|reduced|raised"
    r"|multiplied|divided|outnumbered)\s+by)\s+\Z"
)
# After a century: before Christ ("the 5th century BC").
BC_AFTER = re.compile(rf"{_SP}*(?:B\.{_SP}?C\.(?:{_SP}?E\.)?|BCE?)(?!\w)")
# After a number: a quantity, not a year ("2,000 fighters", "1500 men").
QUANTITY_AFTER = re.compile(
    rf"{W}(?:%|(?i:per{_SP}*cent|percent|men|women|people|persons|soldiers|troops|fighters"
    r"|partisans|prisoners|casualties|dead|wounded|killed|tons|tonnes|km|kilometres|kilometers"
    r"|miles|metres|meters|feet|ft|yards|pounds|lbs|dollars|francs|lire|marks|roubles|rubles"
    r"|pages|copies|votes|acres|hectares|guns|rifles|tanks|aircraft|planes|ships|vessels"
    r"|houses|homes|families|villages|inhabitants|members|workers|strong|head|horses|cattle"
    r"|sheep|times|hours|minutes|seconds|days|weeks|months|years|cases|pieces|units|items"
    r"|volumes|books|documents|letters|names|deaths|shillings|pence|guineas|crowns|ducats"
    r"|florins|livres|thalers|dinars|drachmas|inches|leagues|fathoms)\b)"
)
# "(1977)", "(Globus, Zagreb, 1981)", "(London 1947)": a year closing a parenthesis.
PAREN_YEAR_BEFORE = re.compile(rf"(?:\(|,{_SP}*|\([A-Z][a-z]+{_SP}+)\Z")
PAREN_YEAR_AFTER = re.compile(rf"{_SP}*\)")
# A line holding nothing but one date (and dashes, bullets, punctuation).
DATE_ONLY_REST = re.compile(r"[\s\-–—•*·,.;:()\[\]]*\Z")
# A footnote or endnote line: "* Resolution ...", "(1) The Badoglio ...", "[3] ...".
NOTE_LINE = re.compile(rf"{_SP}*(?:\*{{1,3}}|\(\d{{1,3}}\)|\(\*+\)|\[\d{{1,3}}\]|[¹²³⁴-⁹]+){_SP}")
PARAGRAPH_BREAK = re.compile(r"\n[ \t\u00a0]*\r?\n|\f")
