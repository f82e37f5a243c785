"""Judging one token in two steps, so that texts share all the work they can.

``Judge.analyse`` does everything that needs no document and caches it per
token across texts: most tokens end there, as a ``Verdict``. A token whose
repair depends on what its document says (is the candidate word used there?
does the token itself recur, like a name?) becomes a ``Question`` that lists
the words whose counts it needs; ``Judge.decide`` answers it from one
document's counts.

The rules: a token is repaired only when it is not an English word, not a
name or code (ALL CAPS, camelCase; a capitalised token needs a common-word
repair that the document itself uses), one candidate is frequent (or used by
the document) and far ahead of the rest, and, if the token recurs, its repair
recurs far more often in the document.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import product
from typing import Protocol, TypeAlias

from historiograph.ingest.ocr_vocabulary import SHORT, Candidates, Vocabulary

_SEPARATORS_RE = re.compile(r"[-.:'’)!]+")  # the inner marks that may part two words
_CLITIC_RE = re.compile(r"(.*[^\W\d_])(['’](?:s|d|m|t|ll|re|ve))", re.IGNORECASE)
_FOOTNOTE_RE = re.compile(r"(.*[^\W\d_])\d+")  # "prospect5": a note marker, not damage
_HYPHENATED_RE = re.compile(r"[a-z]+(?:-[a-z]+)+")  # the hyphens are the only damage
_PIECE_RE = re.compile(r"[^-]+")

_MIN_FREQ = (100, 1000, 2000)  # per kind of change, for words the document lacks
_TITLE_MIN_FREQ = 1000  # a capitalised token is only mended into a common word
_DOC_BOOST = 20  # a word the document uses elsewhere is that much likelier
_MARGIN = 10  # the winner must outscore the runner-up this many times
_REPEAT_MARGIN = 5  # a recurring token's repair must recur this many times more
_MAX_TOKENS = 1 << 16  # token analyses kept across texts
_MAX_CASES = 6  # candidates few enough to try which of them a document may use

Fix = tuple[int, int, str]  # (start, end, replacement), relative to a token or chunk


@dataclass(frozen=True, slots=True)
class Verdict:
    """What to do with a token: its fixes, and whether it may be half a split word."""

    fixes: tuple[Fix, ...] = ()
    fragment: bool = False  # a lowercase non-word that may be half of a split word


FINE = Verdict()


@dataclass(frozen=True, slots=True, eq=False)  # eq=False: hashed by identity, for memos
class Question:
    """A token whose verdict depends on its document's word counts."""

    word: str  # the token, lowercased: a recurring token is likely a name or a term
    length: int  # the token's length: a repair replaces all of it
    title: bool
    fragment: bool  # the verdict's ``fragment``, whatever the answer
    found: Candidates | None  # the repairs to weigh, if any ...
    sure: str | None  # ... the winner whichever of them the document uses, if one is
    pieces: tuple[tuple[int, Analysis], ...]  # ... else (or if none wins) its pieces' fixes
    evidence: frozenset[str]  # every word whose count the answer may read


Analysis: TypeAlias = Verdict | Question


class Evidence(Protocol):
    """What one document says about its own (lowercased) words."""

    def __getitem__(self, word: str, /) -> int: ...  # how often it uses ``word``

    def uses(self, word: str, /) -> bool: ...  # whether it does at all: often cheaper to tell


class Judge:
    """Analyses tokens once for all texts and answers their questions per text."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        self._freq = vocabulary.freq
        self._analyses: dict[str, Analysis] = {}

    def analyse(self, token: str) -> Analysis:
        """The verdict on ``token``, or the question that a document's counts answer."""
        analysis = self._analyses.get(token)
        if analysis is None:
            if len(self._analyses) >= _MAX_TOKENS:
                self._analyses.clear()
            analysis = self._analyses[token] = self._analyse(token)
        return analysis

    def _analyse(self, token: str) -> Analysis:
        vocabulary = self.vocabulary
        word = token.lower().replace("’", "'")
        if word in self._freq or token.lstrip("`")[0].isdigit():
            return FINE
        if (match := _CLITIC_RE.fullmatch(token)) or (match := _FOOTNOTE_RE.fullmatch(token)):
            stem = self.analyse(match.group(1))  # judge the stem alone
            return _by_piece(((0, stem),), fragment=False, word=word, length=len(token))
        letters = [ch for ch in token if ch.isalpha()]
        parts = tuple(part for part in _SEPARATORS_RE.split(word.lstrip("`")) if part)
        if (
            sum(ch.isalnum() for ch in token) < 2
            or not letters
            or any(ch.isupper() for ch in letters[1:])  # ALL CAPS, camelCase, "Tirana-Elbasan"
            or all(len(p) < 2 and p.isalpha() for p in parts)  # abbreviations: e.g, a.m
            or vocabulary.is_word(word, parts)  # known compounds, derived and British spellings
            or (word[0] == "`" and (len(letters) < 5 or vocabulary.is_word(word[1:], parts)))
        ):  # (the last: a Markdown code span, not a lost first letter)
            return FINE
        title = letters[0].isupper()
        # A lowercase non-word may be half of a word split by a stray space.
        fragment = not title and word.isascii() and word.isalpha()
        # A compound whose pieces are words once specks and accents are resolved
        # keeps its hyphens ("cease-firë"); else the hyphen may be the speck
        # ("ava-ilable", "s-hedding"); else its pieces are mended one by one.
        matches = list(_PIECE_RE.finditer(token)) if "-" in token else []
        pieces = tuple((m.start(), self.analyse(m.group())) for m in matches)
        if matches and all(len(m.group()) > 1 and vocabulary.resolves(m.group()) for m in matches):
            return _by_piece(pieces, fragment=fragment, word=word, length=len(token))
        found = None
        if not pieces or _HYPHENATED_RE.fullmatch(word):  # never "war-ti%e" into "wartime"
            found = vocabulary.candidates(word, title, len(letters), parts, 0 if pieces else 2)
            if found is None and not pieces:
                return Verdict(fragment=fragment)
        if not found or (outcomes := self._outcomes(found, title)) == {None}:
            # No repair, whatever the document says: the pieces decide.
            return _by_piece(pieces, fragment=fragment, word=word, length=len(token))
        # When one repair wins whichever candidates the document uses, the
        # answer reads only the token's own count (cheap: the token's chunks
        # are among the few a text keeps), and its repair's if the token recurs.
        sure = next(iter(outcomes)) if outcomes and len(outcomes) == 1 else None
        evidence = {word, *([sure] if sure else found[1])}.union(*(_evidence(a) for _, a in pieces))
        return Question(word, len(token), title, fragment, found, sure, pieces, frozenset(evidence))

    def _outcomes(self, found: Candidates, title: bool) -> set[str | None] | None:
        """Every repair ``_choose`` may make, whichever candidates the document uses
        (None: too many candidates to try every case)."""
        kind, words, least = found
        if len(words) > _MAX_CASES:
            return None
        ordered = sorted(words)
        outcomes: set[str | None] = set()
        for used in product((False, True), repeat=len(ordered)):
            fix = self._choose(
                words, kind, title, dict(zip(ordered, used, strict=True)).__getitem__
            )
            outcomes.add(fix if fix and self._freq[fix] >= least else None)
        return outcomes

    def decide(
        self, analysis: Analysis, counts: Evidence, memo: dict[Question, Verdict]
    ) -> Verdict:
        """The verdict, given one document's ``counts`` (``memo``: that document's answers)."""
        if isinstance(analysis, Verdict):
            return analysis
        verdict = memo.get(analysis)
        if verdict is None:
            verdict = memo[analysis] = self._answer(analysis, counts, memo)
        return verdict

    def _answer(
        self, question: Question, counts: Evidence, memo: dict[Question, Verdict]
    ) -> Verdict:
        if question.found:
            kind, found, least = question.found
            fix = question.sure or self._choose(found, kind, question.title, counts.uses)
            if fix and self._freq[fix] >= least:
                # A name recurs; a lowercase term ("inode") recurs more.
                seen = counts[question.word]
                if seen < (2 if question.title else 3) or counts[fix] >= _REPEAT_MARGIN * seen:
                    fix = fix[:1].upper() + fix[1:] if question.title else fix
                    return Verdict(((0, question.length, fix),), question.fragment)
        fixes = [
            (at + s, at + e, r)
            for at, piece in question.pieces
            for s, e, r in self.decide(piece, counts, memo).fixes
        ]
        return Verdict(tuple(fixes), question.fragment)

    def _choose(
        self, found: frozenset[str], kind: int, title: bool, uses: Callable[[str], bool]
    ) -> str | None:
        """The clear winner among candidate words, if it is likely enough."""
        scored = sorted(
            ((self._freq[w] * (_DOC_BOOST if uses(w) else 1), w) for w in found),
            reverse=True,
        )
        if not scored or (len(scored) > 1 and scored[0][0] < _MARGIN * scored[1][0]):
            return None
        best = scored[0][1]
        if uses(best):
            return best if not title or self._freq[best] >= _TITLE_MIN_FREQ else None
        if title or len(best) < SHORT or self._freq[best] < _MIN_FREQ[kind]:
            return None
        return best


def _by_piece(
    pieces: tuple[tuple[int, Analysis], ...], *, fragment: bool, word: str, length: int
) -> Analysis:
    """The fixes of a compound's pieces (or a clitic's stem), each judged on its own;
    a question if any piece's verdict needs the document."""
    if all(isinstance(a, Verdict) for _, a in pieces):
        fixes = tuple(
            (at + s, at + e, r) for at, a in pieces if isinstance(a, Verdict) for s, e, r in a.fixes
        )
        return Verdict(fixes, fragment) if fixes or fragment else FINE
    evidence = frozenset().union(*(_evidence(a) for _, a in pieces))
    return Question(word, length, False, fragment, None, None, pieces, evidence)


def _evidence(analysis: Analysis) -> frozenset[str]:
    return analysis.evidence if isinstance(analysis, Question) else frozenset()
