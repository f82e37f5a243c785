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
# A capital after a lowercase letter, starting a capitalised word of 3+ letters. The
# capital comes first in the pattern: most characters are not capitals, so most
# positions fail at one class test (about three times faster than starting with the
# lowercase letter, which most positions pass and then fail the lookahead).
_BOUNDARY = re.compile(rf"[{_UPPER}](?<=[{_LOWER}][{_UPPER}])(?=[{_LOWER}]{{2}})")
# The capitalised word that ends at a boundary.
_SEGMENT = re.compile(rf"[{_UPPER}][{_LOWER}]+$")
# A literal first lets the scan skip ahead; the three letters before are checked after.
_DOT = re.compile(rf"\.(?=[{_UPPER}][{_LOWER}]{{2,}}\b)")
_NAME_PREFIXES = {"Mac", "Van", "Von", "Della", "Fitz", "Mc", "De", "Di", "Da", "La", "Le", "Du"}
_URL_MARK = re.compile(r"://|www\.|@")


def find_join_repairs(text: str, *, skip: Sequence[Span] = ()) -> list[Edit]:
    """Edits (kind ``join``) inserting the missing space between run-together words."""
    blocked = [_around(text, m.start()) for m in _URL_MARK.finditer(text)]
    blocked.extend((s.start, s.end) for s in skip)
    edits = []
    # One C-level scan finds the rare candidate boundaries; only those get Python work.
    for boundary in _BOUNDARY.finditer(text):
        position = boundary.start()
        segment = _SEGMENT.search(text, max(0, position - 40), position)
        # Split only after a capitalised word of 3+ letters that is not a name
        # prefix ("McDonald", "MacArthur").
        if segment is None or len(segment.group()) < 3 or segment.group() in _NAME_PREFIXES:
            continue
        edits.append(Edit(position, position, " ", "join"))
    for dot in _DOT.finditer(text):
        before = text[max(0, dot.start() - 3) : dot.start()]
        if len(before) == 3 and before.isalpha() and before.islower():
            edits.append(Edit(dot.end(), dot.end(), " ", "join"))
    return sorted(
        (e for e in edits if not any(a <= e.start < b for a, b in blocked)),
        key=lambda e: e.start,
    )


def _around(text: str, index: int) -> tuple[int, int]:
    """The whitespace-delimited chunk of ``text`` around ``index`` (a URL, an address)."""
    start = max(text.rfind(" ", 0, index), text.rfind("\n", 0, index)) + 1
    ends = [e for e in (text.find(" ", index), text.find("\n", index)) if e >= 0]
    return start, min(ends, default=len(text))
