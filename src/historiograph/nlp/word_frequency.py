"""How common an English word is (pyspellchecker's shipped frequency list), loaded once."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def _table() -> object:
    from spellchecker import SpellChecker

    return SpellChecker(language="en").word_frequency


def english_frequency(word: str) -> int:
    """Occurrences of ``word`` (lower-cased) in the list; 0 when unknown."""
    return int(_table()[word.lower()])  # type: ignore[index]
