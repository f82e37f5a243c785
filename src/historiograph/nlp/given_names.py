"""Given names, as evidence that a capitalised sequence names a person.

The list comes from the ``gender-guesser`` package's name dictionary (about
45,000 given names from many countries, the Balkans included). Names that are
also common English words ("Will", "Mark", "General") are left out, so
"General Staff" is not taken for a person.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from importlib import resources

from historiograph.nlp.word_frequency import english_frequency

_COMMON_WORD_FREQUENCY = 5_000  # occurrences in pyspellchecker's English list


@lru_cache(maxsize=1)
def given_names() -> frozenset[str]:
    raw = resources.files("gender_guesser").joinpath("data/nam_dict.txt").read_bytes()
    names = set()
    # The file is UTF-8 in fixed-width byte columns: cut the columns from the
    # bytes, then decode, or every name with a diacritic ("Miloš") is lost.
    for line in raw.splitlines():
        if line.startswith(b"#") or len(line) < 30:
            continue
        for word in line[3:29].split():
            try:
                name = word.decode("utf-8").replace("+", "-")
            except UnicodeDecodeError:
                continue
            if name[:1].isupper() and english_frequency(name) < _COMMON_WORD_FREQUENCY:
                names.add(name)
                # Texts often drop diacritics: "Milos" for "Miloš".
                names.add(_fold(name))
    return frozenset(names)


def _fold(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
