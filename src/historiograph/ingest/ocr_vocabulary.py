"""What the OCR repairer knows about English words, whatever text they occur in.

A word is known when pyspellchecker's frequency list has it, or it is a
derived or British spelling of a listed word, or a protected loanword (see
``data/ocr_*.txt``). For a non-word, ``Vocabulary.candidates`` lists the known
words it may have been, by the cheapest kind of change that yields any: (0)
dropping specks, resolving marks and digits, stripping accents; (1) one glyph
confusion; (2) swapping two adjacent letters or, inside plain lowercase words
of six letters or more, one letter. None of this depends on the document, so
every answer is cached across texts.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterator, Mapping, Set
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import product
from string import ascii_lowercase

WILDCARDS = frozenset("%•·`")  # marks that stand for a lost letter, not a speck
SHORT = 5  # words shorter than this are too easy to hit by chance
CACHE = 1 << 16  # answers kept per question, across texts

_GLYPH_HYPHEN_RE = re.compile(r"([a-z])-([a-z]{3,})")  # "r-arty": a split first glyph
_LOANWORD_END_RE = re.compile(r"[éèê]s?$")  # "passé", "exposés": accents English keeps
_MAX_ODD = 3  # a token with more odd characters is junk, not a damaged word
_MAX_FORMS = 8  # confusions and edits only run on a few resolved spellings
_COMPOUND_MIN_FREQ = 1000  # "hotkey" is hot+key, not a typo of "hockey"
_MAX_COMPLETIONS = 64  # listing a prefix's completions beats checking this many ends

# Candidate words: (kind of change, the words, the least frequency to accept).
Candidates = tuple[int, frozenset[str], int]


@dataclass(frozen=True, slots=True)
class OcrRules:
    """Language knowledge beside the vocabulary; see ``data/ocr_*.txt``."""

    confusions: tuple[tuple[str, str], ...] = ()  # (seen, meant)
    protected: frozenset[str] = frozenset()  # words never to touch
    suffixes: tuple[str, ...] = ()  # derived words count as known ...
    prefixes: tuple[str, ...] = ()
    british: tuple[tuple[str, str], ...] = ()  # ... and so do British spellings


class Vocabulary:
    """Word frequencies and OCR rules, with cached answers about single words."""

    def __init__(self, frequencies: Mapping[str, int], rules: OcrRules) -> None:
        self.freq = dict(frequencies)
        self._rules = rules
        # Confusions of one non-letter (digits, marks) resolve odd characters;
        # the letter confusions make the kind-1 candidates.
        self.odd: dict[str, tuple[str, ...]] = {}
        self._letters = tuple(pair for pair in rules.confusions if pair[0].isalpha())
        for seen, meant in rules.confusions:
            if len(seen) == 1 and not seen.isalpha():
                self.odd[seen] = (*self.odd.get(seen, ()), meant)
        self.is_word = lru_cache(CACHE)(self._check_word)
        self.resolves = lru_cache(CACHE)(self._check_resolves)
        self.candidates = lru_cache(CACHE)(self._find_candidates)
        self._completions = lru_cache(CACHE)(self._find_completions)
        self._sorted: list[str] = []  # the known words, for finding those with a prefix
        # No token longer than this can be, or be near, a known word: the longest word
        # plus what affixes, specks and confusions may add. Longer tokens (base64, run-
        # together text) are answered at once: listing their neighbours costs their
        # length squared, minutes for one 100 kB token.
        self._reach = (
            max(map(len, self.freq), default=0)
            + max(map(len, rules.prefixes), default=0)
            + 2 * max(map(len, rules.suffixes), default=0)
            + max((len(seen) for seen, _ in rules.confusions), default=0)
            + max((len(uk) for uk, _ in rules.british), default=0)
            + _MAX_ODD
        )

    def endings(self, start: str, ends: Set[str]) -> Set[str]:
        """Those of ``ends`` that make a known word after ``start`` ("resis", "tance")."""
        completions = self._completions(start)
        if completions is None:
            return {end for end in ends if start + end in self.freq}
        return ends & completions

    def _find_completions(self, start: str) -> frozenset[str] | None:
        """What follows ``start`` in the known words that begin with it; None if too
        many to list (then checking each end costs less)."""
        if not self._sorted:
            self._sorted = sorted(self.freq)
        at = bisect_left(self._sorted, start)
        completions: list[str] = []
        for word in self._sorted[at : at + _MAX_COMPLETIONS + 1]:
            if not word.startswith(start):
                return frozenset(completions)
            completions.append(word[len(start) :])
        return None if len(completions) > _MAX_COMPLETIONS else frozenset(completions)

    def _check_word(self, word: str, parts: tuple[str, ...]) -> bool:
        """Known words, compounds of them, derived and British spellings."""
        if len(parts) > 1:
            return all(len(p) >= 2 and self.is_word(p, (p,)) for p in parts)
        if word in self.freq or word in self._rules.protected or word in self._rules.prefixes:
            return True
        if not word.isascii():
            return bool(_LOANWORD_END_RE.search(word))
        if len(word) > self._reach:
            return False
        british = (v for uk, us in self._rules.british for v in swaps(word, uk, us))
        return self._derived(word, 2) or any(self._derived(v, 1) for v in british)

    def _derived(self, word: str, depth: int) -> bool:
        if word in self.freq:
            return True
        if depth == 0:
            return False
        for suffix in self._rules.suffixes:
            stem = word[: -len(suffix)]
            if word.endswith(suffix) and len(stem) >= 3:
                stems = [stem, stem + "e", stem[:-1] + "y" if stem[-1] == "i" else stem]
                if stem[-1] == stem[-2]:
                    stems.append(stem[:-1])  # "planned"
                if suffix.startswith(("iz", "is")):
                    stems += [stem + "ism", stem + "ist"]  # "fascize": fascism
                if any(self._derived(s, depth - 1) for s in stems):
                    return True
        return any(
            word.startswith(p) and len(word) - len(p) >= 4 and word[len(p) :] in self.freq
            for p in self._rules.prefixes
        )

    def _check_resolves(self, piece: str) -> bool:
        """Is ``piece`` a word once its odd characters are resolved?"""
        return any(self.is_word(form, (form,)) for form in forms(piece.lower(), self.odd) or ())

    def _find_candidates(
        self, word: str, title: bool, letters: int, parts: tuple[str, ...], kinds: int
    ) -> Candidates | None:
        """Known words ``word`` may have been, by the cheapest kind of change (up to
        ``kinds``) that reaches any."""
        resolved = forms(word, self.odd)
        if resolved is None:
            return None
        if "-" in word and all(self.is_word(p, (p,)) for p in parts):
            # "e-mail", "r-arty": the hyphen is real unless a split first glyph
            # ("r-" for "p") turns a rare word into a far commoner one.
            if (glyph := _GLYPH_HYPHEN_RE.fullmatch(word)) is None or title:
                return None
            first, rest = glyph.groups()
            found = {c + rest for c in ascii_lowercase if c != first} & self.freq.keys()
            return (1, frozenset(found), 100 * max(self.freq.get(rest, 0), 50))
        if len(word) > self._reach:
            return None
        plain = word.isascii() and word.isalpha()
        for kind in range(kinds + 1):
            if kind and (letters < (5 if title else 4) or (title and kind == 2)):
                return None
            if kind == 2 and plain and self._compound(word):
                return None
            if kind == 0:
                found = set(resolved) & self.freq.keys()
            else:
                found = self._near(resolved, kind, plain)
            found = {w for w in found if len(w) >= 2}
            if found:
                return (kind, frozenset(found), 0)
        return None

    def _compound(self, word: str) -> bool:
        """Is ``word`` two common words run together ("hotkey", "armymen")?"""
        return any(
            self.freq.get(word[:i], 0) >= _COMPOUND_MIN_FREQ
            and self.freq.get(word[i:], 0) >= _COMPOUND_MIN_FREQ
            for i in range(3, len(word) - 2)
        )

    def _near(self, resolved: list[str], kind: int, plain: bool) -> set[str]:
        """Known words one confusion (kind 1) or one edit (kind 2) from ``resolved``."""
        if len(resolved) > _MAX_FORMS:
            return set()
        found: set[str] = set()
        for form in resolved:
            if not (form.isascii() and form.isalpha()):
                continue
            if kind == 1:
                found.update(v for seen, meant in self._letters for v in swaps(form, seen, meant))
                continue
            for i in range(len(form)):
                found.add(form[:i] + form[i + 1 : i + 2] + form[i] + form[i + 2 :])
                # Any one letter misread: only inside longer words, whose
                # neighbourhoods are sparse; a first letter misread is a
                # glyph confusion or a different word ("xrange", "orange").
                if plain and i and len(form) > SHORT:
                    found.update(form[:i] + c + form[i + 1 :] for c in ascii_lowercase)
        return found & self.freq.keys()


def forms(word: str, odd: Mapping[str, tuple[str, ...]]) -> list[str] | None:
    """Spellings of ``word`` with its odd characters resolved; None for junk."""
    options: list[tuple[str, ...]] = []
    for ch in word:
        if "a" <= ch <= "z":
            options.append((ch,))
        elif ch.isalpha():
            base = unicodedata.normalize("NFD", ch)[0]  # the letter under an accent
            options.append((base if base.isascii() and base.isalpha() else ch,))
        else:
            choices = set(odd.get(ch, ()))
            if not ch.isdigit() and ch not in "`|":  # those stand for letters
                choices.add("")  # a speck: drop it
            if ch in WILDCARDS:
                if len(word) <= SHORT:
                    return None  # "su%e": sue, sure, suve ... a short word is a guess
                choices.add("?")  # a lost letter: any letter
            options.append(tuple(sorted(choices)) or (ch,))
    if sum(len(o) > 1 or o[0] != word[i] for i, o in enumerate(options)) > _MAX_ODD:
        return None
    resolved: list[str] = []
    for combo in product(*options):
        form = "".join(combo)
        if form.count("?") == 1:
            resolved += [form.replace("?", letter) for letter in ascii_lowercase]
        elif "?" not in form:
            resolved.append(form)
    return resolved


def swaps(word: str, old: str, new: str) -> Iterator[str]:
    """``word`` with one occurrence of ``old`` replaced by ``new``, for each occurrence."""
    at = word.find(old)
    while at >= 0:
        yield word[:at] + new + word[at + len(old) :]
        at = word.find(old, at + 1)


def _data_lines(name: str) -> list[str]:
    """The non-blank, non-comment lines of a shipped data file."""
    text = resources.files("historiograph").joinpath(f"data/{name}").read_text("utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()[:1] not in ("", "#")]


def load_rules() -> OcrRules:
    """The shipped rules: ``data/ocr_confusions.txt``, ``_protected`` and ``_morphology``."""
    table: dict[str, list[str]] = {}
    for line in _data_lines("ocr_morphology.txt"):
        key, _, values = line.partition(":")
        table.setdefault(key.strip(), []).extend(values.split())
    pairs = [line.split() for line in _data_lines("ocr_confusions.txt")]
    british = [rule.split(">") for rule in table.get("british", [])]
    return OcrRules(
        confusions=tuple((p[0], p[1]) for p in pairs if len(p) == 2),
        protected=frozenset(_data_lines("ocr_protected.txt")),
        suffixes=tuple(table.get("suffix", [])),
        prefixes=tuple(table.get("prefix", [])),
        british=tuple((p[0], p[1]) for p in british if len(p) == 2),
    )
