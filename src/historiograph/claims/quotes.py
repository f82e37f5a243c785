"""Find quotations: paired quotation marks of every kind, nested, and block quotations.

Works on any string with its paragraph ranges (``blocks``); offsets are into
that string. The conventions it knows:

- English “…” and ‘…’, German „…“ and ‚…‘, guillemets «…» and ‹…›, straight
  "…" and '…' (an opening mark follows a space or the start, a closing mark
  precedes one);
- ’ and ' between two letters are apostrophes (Tito’s, you’re); after a letter
  they close a single quotation only when one is open (Djilas’ stays one);
- a quotation over several paragraphs opens every paragraph with a mark and
  closes only the last; a paragraph that does not open with a mark ends it;
- a closing mark at the end of a paragraph with nothing open closes a block
  quotation introduced by a colon a few paragraphs before ("... the main points
  of its decisions:" ... "prefectures”.").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from historiograph.claims.model import Quotation

_DOUBLE_OPEN = "“„«‟"
_DOUBLE_CLOSE = "”»“"
_SINGLE_OPEN = "‘‚‹"
_SINGLE_CLOSE = "’›"
_ALL_MARKS = set(_DOUBLE_OPEN + _DOUBLE_CLOSE + _SINGLE_OPEN + _SINGLE_CLOSE + "\"'")
_PAIRS = {"«": "»", "‹": "›"}
_SINGLE_LIMIT = 600  # a single-quoted passage longer than this is a misread apostrophe
_MIN_WORDS = 4  # "Mother Russia", «social democratic compromise»: scare quotes, not speech
_BLOCK_LOOKBACK = 15  # paragraphs to look back for the colon of an orphan closing mark
_WORD = re.compile(r"[^\W\d_][\w’'-]*")
_LIST_ITEM = re.compile(r"\s*(?:\d{1,2}[).]|[a-z][).]|[-•*–])\s")


@dataclass
class _Open:
    index: int  # position of the mark
    mark: str
    family: str  # "double" | "single"
    block: int
    continued: bool = False


def _is_letter(ch: str) -> bool:
    return ch.isalpha()


def _opening_context(text: str, i: int, block_start: int) -> bool:
    """A mark opens after the start, a space or an opening bracket, and before a non-space."""
    before = text[i - 1] if i > block_start else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return (
        before.isspace() or before in "([{—–-:/" or before in _ALL_MARKS
    ) and not after.isspace()


def _classify(text: str, i: int, block_start: int, stack: list[_Open]) -> tuple[str, str] | None:
    """``(role, family)`` of the mark at ``i`` — role is open/close — or None (an apostrophe)."""
    ch = text[i]
    before = text[i - 1] if i > block_start else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    opens = _opening_context(text, i, block_start)
    if ch in "«‹":
        return ("open", "double" if ch == "«" else "single")
    if ch in "»›":
        return ("close", "double" if ch == "»" else "single")
    if ch == "„" or ch == "‟":
        return ("open", "double")
    if ch == "“":
        # Closes a German „…“; otherwise opens, unless it plainly ends a word.
        if stack and stack[-1].mark == "„":
            return ("close", "double")
        if not opens and (after.isspace() or after in ".,;:!?)") and before.strip():
            return ("close", "double")
        return ("open", "double")
    if ch == "”":
        # A paragraph may open with a reversed mark (”No wonder ...).
        if i == block_start and _is_letter(after):
            return ("open", "double")
        return ("close", "double")
    if ch == '"':
        return ("open", "double") if opens else ("close", "double")
    if ch == "‘" or ch == "‚":
        return ("open", "single")
    if ch in "’'":
        if _is_letter(before) and _is_letter(after):
            return None  # Tito’s, you’re
        if ch == "'" and opens and _is_letter(after):
            return ("open", "single")
        if any(o.family == "single" for o in stack) and not _is_letter(after):
            return ("close", "single")
        return None  # Djilas’ (possessive), or noise
    return None


def find_quotations(text: str, blocks: Sequence[tuple[int, int]]) -> list[Quotation]:
    """Quotations in ``text`` by start; ``blocks`` are paragraph ranges in reading order."""
    found: list[Quotation] = []
    carried: _Open | None = None  # a double quotation still open at the end of a block
    ordered = sorted(blocks)
    for number, (block_start, block_end) in enumerate(ordered):
        stack: list[_Open] = []
        lead = block_start
        while lead < block_end and text[lead].isspace():
            lead += 1
        if carried is not None:
            if lead < block_end and text[lead] in _DOUBLE_OPEN + '”"':
                # The next paragraph of a block quotation reopens with a mark.
                carried.continued = True
                stack.append(carried)
                lead += 1
            carried = None
        i = lead
        while i < block_end:
            ch = text[i]
            if ch not in _ALL_MARKS:
                i += 1
                continue
            role = _classify(text, i, lead, stack)
            if role is None:
                i += 1
                continue
            kind, family = role
            if kind == "open":
                stack.append(_Open(i, ch, family, number))
            else:
                depth = next(
                    (k for k in range(len(stack) - 1, -1, -1) if stack[k].family == family), None
                )
                if depth is None:
                    if family == "double":
                        quotation = _orphan_block(text, ordered, number, i)
                        if quotation is not None:
                            found.append(quotation)
                else:
                    opened = stack[depth]
                    del stack[depth:]
                    if family == "double" or i - opened.index <= _SINGLE_LIMIT:
                        found.append(_make(text, opened, i, ch, lead))
            i += 1
        # Still open at the paragraph's end: a double quotation either goes on
        # in the next paragraph or ends here (a quotation without its closing mark).
        # Only a quotation that opens its paragraph (or follows a colon) is a
        # block quotation; a stray mark mid-paragraph («liberal- government) is noise.
        for opened in stack:
            if opened.family != "double":
                continue
            if not (
                opened.index == lead
                or opened.continued
                or text[lead : opened.index].rstrip().endswith(":")
            ):
                break
            nxt = ordered[number + 1] if number + 1 < len(ordered) else None
            if nxt is not None and _reopens(text, nxt):
                carried = opened
            else:
                found.append(_make(text, opened, _trim_end(text, block_start, block_end), "", lead))
            break
    found.sort(key=lambda q: (q.start, -q.end))
    _nest(found)
    return found


def _reopens(text: str, block: tuple[int, int]) -> bool:
    start, end = block
    while start < end and text[start].isspace():
        start += 1
    return start < end and text[start] in _DOUBLE_OPEN + '”"'


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def _make(text: str, opened: _Open, close: int, close_mark: str, lead: int) -> Quotation:
    start = opened.index + 1
    quotation = Quotation(start, close, opened.mark, close_mark)
    quotation.direct = _is_speech(text[start:close])
    # A block quotation fills its paragraph(s): it opens the paragraph and
    # closes at its end (or never closes there).
    quotation.block = opened.continued or (
        opened.index == lead and (close_mark == "" or _fills_paragraph(text, close))
    )
    return quotation


def _fills_paragraph(text: str, close: int) -> bool:
    rest = text[close + 1 : close + 4]
    return not rest.strip(" .,*") or rest.startswith("\n")


def _is_speech(inner: str) -> bool:
    """Words someone said or wrote, not a scare-quoted term or a title."""
    words = _WORD.findall(inner)
    if len(words) < _MIN_WORDS:
        return False
    long_words = [w for w in words if len(w) > 3]
    # "The Sword and the Shield", «Equality of Civil and Political Rights»: a title.
    return not (long_words and all(w[0].isupper() for w in long_words) and len(words) <= 12)


def _orphan_block(
    text: str, blocks: Sequence[tuple[int, int]], number: int, close: int
) -> Quotation | None:
    """A closing mark ending a paragraph with nothing open: look back for the introducing colon."""
    block_end = blocks[number][1]
    if text[close + 1 : block_end].strip(" .,;*0123456789()\n"):
        return None  # not at the end of the paragraph
    for back in range(number - 1, max(-1, number - 1 - _BLOCK_LOOKBACK), -1):
        start, end = blocks[back]
        body = text[start:end].rstrip()
        if not body.endswith(":"):
            continue
        following = blocks[back + 1]
        if _LIST_ITEM.match(text[following[0] : following[1]]):
            continue  # "... the following conditions:" introduces a list, not the quotation
        quote_start = following[0]
        while quote_start < close and text[quote_start].isspace():
            quote_start += 1
        return Quotation(quote_start, close, "", text[close], block=True, direct=True)
    return None


def _nest(quotations: list[Quotation]) -> None:
    """Set each quotation's parent: the smallest one that contains it."""
    for k, inner in enumerate(quotations):
        best: int | None = None
        for j, outer in enumerate(quotations):
            if j == k or not (outer.start <= inner.start and inner.end <= outer.end):
                continue
            if (outer.start, outer.end) == (inner.start, inner.end) and j > k:
                continue
            if (
                best is None
                or outer.end - outer.start < quotations[best].end - quotations[best].start
            ):
                best = j
        inner.parent = best
