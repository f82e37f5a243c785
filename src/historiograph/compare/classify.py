"""Classify a group of aligned claims: agree, differ, contradict or contested.

The checks run from the strongest statement about the group to the weakest:

1. ``contested`` — a source hedges (the claims stage judged all its members in the
   group ``hedged``) or a member reports disagreement itself ("historians disagree",
   "the question remains"). A member hedged only by a reportative frame ("it was
   rumoured that", "reportedly", "allegedly") does not hedge: the source relays what
   was said or believed at the time, it does not weigh the point against another
   account. Its own doubt ("possibly", "one of the possible reasons") does.
2. ``contradict`` — two members of different sources say opposite things: one
   denies what the other asserts, one negates a statement the other makes
   (same content words, different polarity), or they use opposite predicates
   of a small lexicon (kept control / was put in power, accepted / rejected,
   resisted / collaborated, succeeded / failed, ...).
3. ``differ`` — they report the same thing with different details: dates that
   cannot both be right, different figures, different places (two spellings of one
   place, "Soviet" / "Soviet Union", are the same place).
4. ``agree`` — none of that; when one date is more precise than the other
   (August 1939 / 23 August 1939) the reason says so.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from itertools import combinations

from historiograph.claims.lexicon import default_lexicon
from historiograph.compare.embed import content_words
from historiograph.compare.model import GroupMember

# A source that reports disagreement contests the point even when it does not hedge.
_DISAGREEMENT = re.compile(
    r"\b(?:historians|scholars|sources|accounts|witnesses)\s+"
    r"(?:disagree|differ|dispute|are divided)"
    r"|\bsome\s+(?:historians|scholars|authors|writers)\s+(?:think|believe|argue|claim|say|doubt)"
    r"|\bothers?\s+(?:argue|claim|maintain)|\bthe question remains\b"
    r"|\b(?:disputed|contested|controversial|debated)\b|\bnot a reliable\b",
    re.IGNORECASE,
)

# Reportative evidentials: the source relays what was said, rumoured or believed. The claims
# stage counts them as hedges (the claim is not the source's own); across sources they are no
# disagreement. General English, as the claims stage's hedge lexicon is.
_REPORTATIVE = re.compile(
    r"\b(?:allegedly|reportedly|supposedly|purportedly|rumou?redly"
    r"|(?:it|this) (?:is|was|has been|had been) (?:said|rumou?red|reported|alleged|claimed"
    r"|believed|thought|supposed|assumed|expected) (?:that|to)"
    r"|rumou?rs? (?:has|have|had) (?:it|that)|(?:a|the) rumou?r (?:that|was|went))\b",
    re.IGNORECASE,
)

_NEGATION = re.compile(r"\b(?:not|never|no|none|neither|nor|without|n't)\b|\w+n't\b", re.IGNORECASE)

# Opposite predicates. Each pair is (one side, the other side); a contradiction needs one side
# in a member of one source and the other side in a member of another, and neither member
# using both. They describe autonomy, acceptance, resistance and outcome, the things
# sources on contested history most often disagree about, not any particular corpus.
_OPPOSITES: tuple[tuple[str, re.Pattern[str], re.Pattern[str]], ...] = tuple(
    (name, re.compile(a, re.IGNORECASE), re.compile(b, re.IGNORECASE))
    for name, a, b in (
        (
            "autonomy",
            r"\b(?:retain\w*|kept|keep\w*|maintain\w*)\b[^.;]{0,40}"
            r"\b(?:command|control|power|independence|autonomy)\b"
            r"|\bindependen(?:t|ce)\b",
            r"\b(?:put|placed|installed|imposed|brought)\b[^.;]{0,60}\bin(?:to)? power\b"
            r"|\b(?:puppet|auxiliar(?:y|ies)|subordinat\w+|satellite|vassal)\b"
            r"|\bunder\b[^.;]{0,30}\bcommand\b",
        ),
        (
            "acceptance",
            r"\b(?:accept\w*|agreed|approv\w*)\b",
            r"\b(?:reject\w*|refus\w*|opposed)\b",
        ),
        ("resistance", r"\b(?:resist\w*|fought against)\b", r"\bcollaborat\w*\b"),
        ("outcome", r"\b(?:succeed\w*|successful\w*|worked)\b", r"\b(?:fail\w*|got nowhere)\b"),
        ("confirmation", r"\b(?:confirm\w*|corroborat\w*)\b", r"\b(?:den(?:y|ied|ies)|refut\w*)\b"),
        (
            "volition",
            r"\b(?:voluntar\w*|willing\w*|chose)\b",
            r"\b(?:forced|compelled|reluctant\w*)\b",
        ),
    )
)

_NUMBER_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "hundred": 100,
}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000}
_FIGURE = re.compile(
    r"\b(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(hundred|thousand|million)?\b"
    r"|\b(" + "|".join(_NUMBER_WORDS) + r")\s+(hundred|thousand|million)\b",
    re.IGNORECASE,
)
_YEAR = re.compile(r"^1[5-9]\d\d$|^20\d\d$")


def figures(text: str) -> set[float]:
    """Quantities a text states ("2,000 fighters", "three thousand"), years and days left out."""
    found: set[float] = set()
    for match in _FIGURE.finditer(text):
        digits, scale, word, word_scale = match.groups()
        if digits:
            if _YEAR.match(digits) and not scale:
                continue
            value = float(digits.replace(",", ""))
            value *= _SCALES.get((scale or "").lower(), 1)
            # Small bare numbers are mostly days of months, ordinals and list items.
            if value >= 50 or scale:
                found.add(value)
        elif word:
            found.add(_NUMBER_WORDS[word.lower()] * _SCALES[word_scale.lower()])
    return found


def _polarity(text: str) -> int:
    return len(_NEGATION.findall(text)) % 2


def _overlap(a: str, b: str) -> float:
    wa, wb = set(content_words(a)), set(content_words(b))
    return len(wa & wb) / min(len(wa), len(wb)) if wa and wb else 0.0


def _quote(text: str, limit: int = 50) -> str:
    text = " ".join(text.split())
    return f"“{text[:limit]}…”" if len(text) > limit else f"“{text}”"


def _who(m: GroupMember) -> str:
    name = m.path.rsplit("/", 1)[-1] or m.source_id
    return f"{name}{f' ({m.attribution})' if m.attribution else ''}"


def _contested(members: Sequence[GroupMember]) -> str | None:
    for m in members:
        match = _DISAGREEMENT.search(m.text)
        if match:
            return f"{_who(m)} reports disagreement: “{match.group(0)}”"
    # A source hedges on the point when every one of its members in the group is hedged: a
    # source that also states the point firmly elsewhere in the group does not contest it.
    doubts = [m.modality == "hedged" and not _only_reported(m.text) for m in members]
    firm = {m.source_id for m, doubt in zip(members, doubts, strict=True) if not doubt}
    for m, doubt in zip(members, doubts, strict=True):
        if doubt and m.source_id not in firm:
            return f"{_who(m)} hedges: {_quote(m.text)}"
    return None


def _only_reported(text: str) -> bool:
    """Whether every hedge of ``text`` is a reportative frame ("it was rumoured that")."""
    if not _REPORTATIVE.search(text):
        return False
    rest = _REPORTATIVE.sub(" ", text)
    return not default_lexicon().hedges.search(rest)


def _place_key(name: str) -> frozenset[str]:
    return frozenset(content_words(name)) or frozenset(name.lower().split())


def _same_place(a: str, b: str) -> bool:
    """The same place under two spellings the resolver kept apart ("Soviet" / "Soviet Union"),
    or one place inside the other ("Yugoslavia" / "the Balkans", "Sicily" / "Italy"): a
    source that names the region where another names the country does not differ on where."""
    ka, kb = _place_key(a), _place_key(b)
    if ka and kb and (ka <= kb or kb <= ka):
        return True
    (area_a, ca), (area_b, cb) = _coverage(a), _coverage(b)
    # Inside: what one spans lies within an area the other names. Two towns of one country
    # are two places, not one inside the other.
    return bool(ca and cb) and ((area_b and ca <= cb) or (area_a and cb <= ca))


# Gazetteer features that name an area other places lie in (not a town, a river, a sea).
_AREAS = frozenset({"country", "historical country", "region", "island", "state"})


@lru_cache(maxsize=4096)
def _coverage(name: str) -> tuple[bool, frozenset[str]]:
    """Whether the gazetteer has ``name`` as an area, and the countries (ISO codes) it spans
    (empty when it lacks the name)."""
    # A Geocode carries only the country of the representative point, too little to tell
    # that Yugoslavia lies in the Balkans: the gazetteer's coverage says what an area spans.
    from historiograph.places.geocode import coverage

    found = coverage(name)
    if found is None:
        return False, frozenset()
    return found.feature in _AREAS, found.countries


def _contradiction(a: GroupMember, b: GroupMember) -> str | None:
    firm = {"asserted", "quoted"}
    if {a.modality, b.modality} in ({"denied", "asserted"}, {"denied", "quoted"}):
        denier, other = (a, b) if a.modality == "denied" else (b, a)
        if other.modality in firm:
            return f"{_who(denier)} denies what {_who(other)} asserts"
    for name, left, right in _OPPOSITES:
        for x, y in ((a, b), (b, a)):
            if (
                left.search(x.text)
                and right.search(y.text)
                and not right.search(x.text)
                and not left.search(y.text)
            ):
                return (
                    f"opposite {name}: {_who(x)} “{left.search(x.text).group(0)}” vs"  # type: ignore[union-attr]
                    f" {_who(y)} “{right.search(y.text).group(0)}”"  # type: ignore[union-attr]
                )
    # The same statement with and without a negation. Needs a strong word overlap, or any
    # two sentences with a stray "not" would contradict each other.
    if _polarity(a.text) != _polarity(b.text) and _overlap(a.text, b.text) >= 0.6:
        negated = a if _polarity(a.text) else b
        return f"{_who(negated)} negates the statement the other makes"
    return None


def _interval(m: GroupMember) -> tuple[str, str] | None:
    return (m.earliest, m.latest) if m.earliest and m.latest else None


def _date_relation(members: Sequence[GroupMember]) -> tuple[str, str] | None:
    """("differ"|"precision"|"same", reason) over dated members of different sources."""
    pairs = [
        (a, b)
        for a, b in combinations(members, 2)
        if a.source_id != b.source_id and _interval(a) and _interval(b)
    ]
    if not pairs:
        return None
    compatible = []
    for a, b in pairs:
        (ea, la), (eb, lb) = _interval(a), _interval(b)  # type: ignore[misc]
        if ea <= lb and eb <= la:
            compatible.append((a, b))
    if not compatible:
        a, b = pairs[0]
        return "differ", f"dates differ: {a.date} ({_who(a)}) vs {b.date} ({_who(b)})"
    for a, b in compatible:
        if a.date != b.date:
            wide, narrow = (
                (a, b)
                if (a.latest or "") >= (b.latest or "") and (a.earliest or "") <= (b.earliest or "")
                else (b, a)
            )
            return (
                "precision",
                f"same date, {_who(narrow)} more precise: {narrow.date} within {wide.date}",
            )
    a, b = compatible[0]
    return "same", f"same date {a.date}"


def classify(members: Sequence[GroupMember]) -> tuple[str, str]:
    """``(classification, one-line reason)`` of a group's members."""
    reason = _contested(members)
    if reason:
        return "contested", reason
    for a, b in combinations(members, 2):
        if a.source_id != b.source_id:
            reason = _contradiction(a, b)
            if reason:
                return "contradict", reason
    dates = _date_relation(members)
    if dates and dates[0] == "differ":
        return "differ", dates[1]
    by_source: dict[str, set[float]] = {}
    for m in members:
        by_source.setdefault(m.source_id, set()).update(figures(m.text))
    stated = [(s, f) for s, f in by_source.items() if f]
    for (_, fa), (_, fb) in combinations(stated, 2):
        if not fa & fb:
            return "differ", f"figures differ: {_fmt(fa)} vs {_fmt(fb)}"
    places: dict[str, set[str]] = {}
    for m in members:
        places.setdefault(m.source_id, set()).update(m.places)
    named = [p for p in places.values() if p]
    if len(named) >= 2 and all(
        not any(_same_place(p, q) for p in x for q in y) for x, y in combinations(named, 2)
    ):
        return "differ", "places differ: " + " vs ".join(", ".join(sorted(p)) for p in named)
    if dates:
        return "agree", dates[1]
    return "agree", "same assertion, no conflicting date, figure or place"


def _fmt(values: set[float]) -> str:
    return ", ".join(f"{v:,.0f}" for v in sorted(values))
