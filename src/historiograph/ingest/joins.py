"""Repair words that OCR or scraping ran together, as edits of the cleaned view.

Two patterns are common and safe to split:

* lowercase-to-capital inside a token: ``DrazaMihailovich`` -> ``Draza Mihailovich``,
  ``NezavisnaDrzavaHrvatska`` -> ``Nezavisna Drzava Hrvatska``; name prefixes
  such as Mc/Mac/De/Van and brand-like runs of capitals (``iPhone``) are left alone;
* a full stop with no space before a capitalised word: ``Zagreb.Horstenau`` ->
  ``Zagreb. Horstenau`` (not in abbreviations like ``U.S.A``, URLs or e-mail addresses).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from historiograph.model import Edit, Span

_LOWER = "a-zà-öø-ÿāăąćĉċčďđēĕėęěĝğġģĥħĩīĭįıĵķĺļľŀłńņňŉŋōŏőœŕŗřśŝşšţťŧũūŭůűųŵŷźżž"
_UPPER = "A-ZÀ-ÖØ-ÞĀĂĄĆĈĊČĎĐĒĔĖĘĚĜĞĠĢĤĦĨĪĬĮİĴĶĹĻĽĿŁŃŅŇŊŌŎŐŒŔŖŘŚŜŞŠŢŤŦŨŪŬŮŰŲŴŶŸŹŻŽ"
# A lowercase letter directly followed by a capitalised word of 3+ letters.
_BOUNDARY = re.compile(rf"(?<=[{_LOWER}])(?=[{_UPPER}][{_LOWER}]{{2,}})")
_TOKEN = re.compile(r"\S+")
_DOT = re.compile(rf"(?<=[{_LOWER}]{{3}})\.(?=[{_UPPER}][{_LOWER}]{{2,}}\b)")
_NAME_PREFIXES = {"Mac", "Van", "Von", "Della", "Fitz", "Mc", "De", "Di", "Da", "La", "Le", "Du"}
_URLISH = re.compile(r"\S*(?:://|www\.|@)\S*")


def find_join_repairs(text: str, *, skip: Sequence[Span] = ()) -> list[Edit]:
    """Edits (kind ``join``) inserting the missing space between run-together words."""
    blocked = [(m.start(), m.end()) for m in _URLISH.finditer(text)]
    blocked.extend((s.start, s.end) for s in skip)
    edits = []
    for token in _TOKEN.finditer(text):
        word = token.group()
        if len(word) < 6 or word.isupper() or word.islower():
            continue
        segment_start = 0
        for boundary in _BOUNDARY.finditer(word):
            segment = word[segment_start : boundary.start()].lstrip("([«“\"'")
            # Only split after a capitalised word of 3+ letters that is not a name prefix.
            if len(segment) >= 3 and segment[0].isupper() and segment not in _NAME_PREFIXES:
                edits.append(
                    Edit(
                        token.start() + boundary.start(),
                        token.start() + boundary.start(),
                        " ",
                        "join",
                    )
                )
            segment_start = boundary.start()
    edits.extend(Edit(m.end(), m.end(), " ", "join") for m in _DOT.finditer(text))
    return sorted(
        (e for e in edits if not any(a <= e.start < b for a, b in blocked)),
        key=lambda e: e.start,
    )
