"""Loaded and evaluative wording: a shipped, extensible lexicon and the terms it finds in a text.

The lexicon is ``claims/data/loaded_terms.txt`` (one term per line, TAB and a
category optional); users add their own files of the same shape with
``LoadedLexicon.load(extra=[path])``. What it finds is reported as counts and
offsets — the profile says which words a text uses, never how biased it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

_SHIPPED = "loaded_terms.txt"
_DEFAULT_CATEGORY = "evaluative"
# Regular inflections a term may carry: plural, possessive, plural possessive.
_ENDING = r"(?:s|es)?(?:['’]s?)?"
_CONSONANT_Y = re.compile(r"[^aeiou]y$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class LexiconTerm:
    """One entry: the term as written in the list, its category and its pattern."""

    term: str
    category: str
    pattern: str


@dataclass(frozen=True, slots=True)
class TermHit:
    """One occurrence of a lexicon term: ``original[start:end]`` is the matched word(s)."""

    term: str
    category: str
    start: int
    end: int


def _term_pattern(term: str) -> str:
    """The regex of one term: words over any whitespace, with its last word's inflections."""
    prefix = term.endswith("*")
    words = term.rstrip("*").split()
    parts = [re.escape(word).replace(r"\-", r"[-‐]?") for word in words]
    last = words[-1]
    if prefix:
        parts[-1] += r"\w*"
    elif _CONSONANT_Y.search(last):
        # "atrocity" -> "atrocities": the y turns into ies, so the stem drops its y.
        parts[-1] = re.escape(last[:-1]) + r"(?:y|ies)(?:['’]s?)?"
    else:
        parts[-1] += _ENDING
    return r"\s+".join(parts)


def _entries(text: str) -> Iterable[tuple[str, str]]:
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        term, _, category = line.partition("\t")
        term = " ".join(term.split())
        if term:
            yield term, category.strip().lower() or _DEFAULT_CATEGORY


@dataclass(frozen=True)
class LoadedLexicon:
    """Loaded terms with their categories, matched as one case-insensitive alternation."""

    terms: tuple[LexiconTerm, ...]
    regex: re.Pattern[str]

    @classmethod
    def from_entries(cls, entries: Iterable[tuple[str, str]]) -> LoadedLexicon:
        """A lexicon of ``(term, category)`` pairs; a later entry of the same term wins."""
        table: dict[str, tuple[str, str]] = {}
        for term, category in entries:
            table[term.lower()] = (term, category)
        # Longest terms first, so a phrase ("heroic struggle") wins over its first word.
        ordered = sorted(table.values(), key=lambda pair: (-len(pair[0]), pair[0].lower()))
        terms = tuple(LexiconTerm(term, cat, _term_pattern(term)) for term, cat in ordered)
        if not terms:
            return cls((), re.compile(r"(?!)"))
        groups = "|".join(f"(?P<t{i}>{t.pattern})" for i, t in enumerate(terms))
        # (?<!\w) and (?!\w): a term never matches inside a longer word.
        return cls(terms, re.compile(rf"(?<![\w-])(?:{groups})(?![\w-])", re.IGNORECASE))

    @classmethod
    def load(cls, extra: Sequence[str | Path] = ()) -> LoadedLexicon:
        """The shipped list plus the user files in ``extra`` (same line format)."""
        shipped = resources.files("historiograph.claims").joinpath("data", _SHIPPED)
        texts = [shipped.read_text(encoding="utf-8")]
        texts.extend(Path(path).read_text(encoding="utf-8") for path in extra)
        return cls.from_entries(entry for text in texts for entry in _entries(text))

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[TermHit]:
        """Every occurrence of a term in ``text[start:end]``, with offsets into ``text``."""
        hits: list[TermHit] = []
        for match in self.regex.finditer(text, start, len(text) if end is None else end):
            group = match.lastgroup
            if group is None:
                continue
            entry = self.terms[int(group[1:])]
            hits.append(TermHit(entry.term, entry.category, match.start(), match.end()))
        return hits


@lru_cache(maxsize=1)
def default_loaded_lexicon() -> LoadedLexicon:
    """The shipped lexicon, read once per process."""
    return LoadedLexicon.load()
