"""Modality: how firmly a claim is put — asserted, hedged (or contested), denied, quoted.

Cues come from the shipped, extensible lexicons (``data/hedges.txt``,
``data/denials.txt``) and from the reporting frame (a belief verb such as
"think" reports an opinion; "deny" a denial). A quotation outranks the rest —
the words are someone else's, whatever they hedge — then a denial, then a hedge.
Plain negation ("did not agree") is an assertion about the world, not a denial.
"""

from __future__ import annotations

from historiograph.claims.lexicon import Lexicon
from historiograph.claims.model import Cue

_RANK = {"asserted": 0, "hedged": 1, "denied": 2}


def modality_cues(text: str, start: int, end: int, lexicon: Lexicon) -> list[Cue]:
    """Hedge and denial cues in ``text[start:end]`` (offsets into ``text``)."""
    cues: list[Cue] = []
    for kind, pattern in (("denial", lexicon.denials), ("hedge", lexicon.hedges)):
        for match in pattern.finditer(text, start, end):
            cues.append(Cue(kind, match.group(0), match.start(), match.end()))
    return sorted(cues, key=lambda c: c.start)


def decide_modality(cues: list[Cue], frame_modality: str | None, *, quoted: bool) -> str:
    """One modality from the cues, the reporting frame's own modality and whether it is quoted."""
    if quoted:
        return "quoted"
    modality = frame_modality if frame_modality in _RANK else "asserted"
    for cue in cues:
        found = (
            "denied" if cue.kind == "denial" else "hedged" if cue.kind == "hedge" else "asserted"
        )
        if _RANK[found] > _RANK[modality]:
            modality = found
    return modality
