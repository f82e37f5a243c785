"""The cue lists of the claims stage, shipped as data files users can extend.

Each list lives in ``claims/data/`` (loaded through :mod:`importlib.resources`
so it works from a source tree, an editable install and a wheel). A user file
of the same shape is added with ``Lexicon.load(extra={"hedges": [path]})``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

_FILES = {
    "reporting_verbs": "reporting_verbs.tsv",
    "claim_nouns": "claim_nouns.txt",
    "source_nouns": "source_nouns.txt",
    "hedges": "hedges.txt",
    "denials": "denials.txt",
}


def _lines(text: str) -> Iterable[str]:
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            yield line


def _read_shipped(name: str) -> str:
    return (
        resources.files("historiograph.claims").joinpath("data", name).read_text(encoding="utf-8")
    )


def _pairs(lines: Iterable[str]) -> dict[str, str]:
    """``lemma<TAB>modality`` lines; a bare lemma is ``asserted``."""
    table: dict[str, str] = {}
    for line in lines:
        lemma, _, modality = line.partition("\t")
        table[lemma.strip().lower()] = (modality.strip() or "asserted").lower()
    return table


def _patterns(lines: Iterable[str]) -> re.Pattern[str]:
    # One alternation, each pattern on word boundaries: a cue never matches
    # inside a longer word ("mayor" is not "may").
    alternatives = [f"(?:{line})" for line in lines]
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


@dataclass(frozen=True)
class Lexicon:
    """Reporting verbs and claim nouns (with the modality they give), source nouns, cue patterns."""

    reporting_verbs: Mapping[str, str]
    claim_nouns: Mapping[str, str]
    source_nouns: frozenset[str]
    hedges: re.Pattern[str]
    denials: re.Pattern[str]

    @classmethod
    def load(cls, extra: Mapping[str, Iterable[str | Path]] | None = None) -> Lexicon:
        """The shipped lists, plus the user files in ``extra`` (keyed like the shipped ones)."""
        texts: dict[str, list[str]] = {key: [_read_shipped(name)] for key, name in _FILES.items()}
        for key, paths in (extra or {}).items():
            if key not in texts:
                raise ValueError(f"unknown lexicon {key!r}; known: {', '.join(sorted(texts))}")
            texts[key].extend(Path(p).read_text(encoding="utf-8") for p in paths)

        def lines(key: str) -> list[str]:
            return [line for text in texts[key] for line in _lines(text)]

        return cls(
            reporting_verbs=_pairs(lines("reporting_verbs")),
            claim_nouns=_pairs(lines("claim_nouns")),
            source_nouns=frozenset(line.lower() for line in lines("source_nouns")),
            hedges=_patterns(lines("hedges")),
            denials=_patterns(lines("denials")),
        )


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The shipped lexicon, read once per process."""
    return Lexicon.load()
