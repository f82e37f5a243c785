"""The cleaned view of a text and the map from its offsets back to the original.

Cleaning never rewrites the original: it is a sorted list of non-overlapping
:class:`~historiograph.model.Edit` records. :class:`CleanView` applies them
and answers "which original characters does this cleaned range come from?".
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable

from historiograph.model import Edit


def merge_edits(*groups: Iterable[Edit]) -> list[Edit]:
    """Sort edits from several repairers; drop any that overlap an earlier one.

    Earlier groups win, so pass the most trusted repairer first.
    """
    taken: list[Edit] = []
    for group in groups:
        taken.extend(group)
    # Stable sort keeps group order for edits starting at the same index.
    ordered = sorted(enumerate(taken), key=lambda pair: (pair[1].start, pair[0]))
    result: list[Edit] = []
    last_end = -1
    for _, edit in ordered:
        if edit.start < last_end or (edit.start == last_end == edit.end and result):
            continue
        if edit.end < edit.start:
            continue
        result.append(edit)
        last_end = edit.end
    return result


class CleanView:
    """The original text with edits applied, plus the offset map back."""

    __slots__ = ("_clean_starts", "_edits", "_orig_starts", "original", "text")

    def __init__(self, original: str, edits: Iterable[Edit] = ()) -> None:
        self.original = original
        self._edits: list[Edit] = merge_edits(edits)
        pieces: list[str] = []
        self._clean_starts: list[int] = []
        position = 0  # in original
        length = 0  # of clean text so far
        for edit in self._edits:
            pieces.append(original[position : edit.start])
            length += edit.start - position
            self._clean_starts.append(length)
            pieces.append(edit.replacement)
            length += len(edit.replacement)
            position = edit.end
        pieces.append(original[position:])
        self.text = "".join(pieces)
        self._orig_starts = [edit.start for edit in self._edits]

    @property
    def edits(self) -> list[Edit]:
        return list(self._edits)

    def to_original(self, index: int, *, end: bool = False) -> int:
        """Map a cleaned-text boundary to an original-text boundary.

        ``end`` says the boundary closes a span (it looks at the characters
        before it); otherwise it opens one. A boundary strictly inside a
        replacement snaps outward, so a mapped span always covers its evidence;
        at a deletion, a start lies after the removed text and an end before it.
        """
        if index < 0 or index > len(self.text):
            raise IndexError(f"offset {index} outside cleaned text of length {len(self.text)}")
        if end:
            k = bisect_left(self._clean_starts, index) - 1  # edits starting before index
        else:
            k = bisect_right(self._clean_starts, index) - 1  # edits starting at or before it
        if k < 0:
            return index
        edit = self._edits[k]
        clean_end = self._clean_starts[k] + len(edit.replacement)
        if index < clean_end:
            return edit.end if end else edit.start
        return edit.end + (index - clean_end)

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a cleaned ``[start, end)`` range to the original range it came from."""
        if start > end:
            raise ValueError(f"span start {start} is after its end {end}")
        orig_start = self.to_original(start)
        orig_end = self.to_original(end, end=True)
        return orig_start, max(orig_start, orig_end)

    def to_clean(self, index: int, *, end: bool = False) -> int:
        """Map an original boundary into the cleaned text.

        Like :meth:`to_original` it covers: a start inside (or at) an edit
        maps to before the edit's replacement, an end inside (or at) one to
        after it, so a mapped span always includes what the edit made.
        """
        if index < 0 or index > len(self.original):
            raise IndexError(f"offset {index} outside original text of length {len(self.original)}")
        if end:
            k = bisect_right(self._orig_starts, index) - 1
        else:
            k = bisect_left(self._orig_starts, index) - 1
        if k < 0:
            return index
        edit = self._edits[k]
        clean_end = self._clean_starts[k] + len(edit.replacement)
        if index < edit.end:
            return clean_end if end else self._clean_starts[k]
        return index + clean_end - edit.end
