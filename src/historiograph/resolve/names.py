"""Name normalisation for matching: script, case, diacritics, titles and possessives."""

from __future__ import annotations

import re
from functools import lru_cache

from anyascii import anyascii

# Forms of address and ranks that precede a name but are not part of it.
TITLES = frozenset(
    """general lieutenant colonel major captain marshal admiral commander sergeant corporal
    brigadier commissar king queen prince princess emperor empress tsar czar president premier
    chancellor ambassador consul envoy count countess baron duke lord lady sir dr mr mrs ms
    comrade comrades bishop archbishop pope father professor prof minister secretary governor
    mayor senator deputy viceroy regent foreign obergruppenfuehrer obergruppenfuhrer
    feldmarschall generaloberst voivode vojvoda bey pasha""".split()
)
_SMALL = frozenset("of the and for de la le von van di da du i".split())
_NON_WORD = re.compile(r"[^a-z0-9]+")
_POSSESSIVE = re.compile(r"['’]s?\b")


@lru_cache(maxsize=65536)
def normalise(name: str) -> str:
    """``Draža Mihailović`` -> ``draza mihailovic``; titles and possessives dropped."""
    # The possessive goes before the apostrophes do ("Tito’s" -> "tito").
    ascii_name = _POSSESSIVE.sub("", anyascii(name.strip()).casefold())
    words = _NON_WORD.sub(" ", ascii_name.replace("'", "")).split()
    while len(words) > 1 and words[0] in TITLES:
        words = words[1:]
    return " ".join(w for w in words if w)


def words(key: str) -> list[str]:
    return key.split()


def initials(key: str) -> str:
    """Initials of the significant words: ``communist party of yugoslavia`` -> ``cpy``."""
    return "".join(w[0] for w in key.split() if w not in _SMALL)


def split_camel(name: str) -> str:
    """``DrazaMihailovich`` -> ``Draza Mihailovich`` (names OCR ran together).

    A space goes before a capital that follows a lower-case letter and starts a word of
    three or more letters. Cases are Unicode's: a range such as À-Ž would also hold
    lower-case letters like "ë" and turn "Kombëtar" into "Komb ëtar".
    """
    pieces = []
    start = 0
    for i in range(1, len(name) - 2):
        if (
            name[i - 1].islower()
            and name[i].isupper()
            and name[i + 1].islower()
            and name[i + 2].islower()
        ):
            pieces.append(name[start:i])
            start = i
    pieces.append(name[start:])
    return " ".join(pieces)
