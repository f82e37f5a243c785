"""Attribution chains down to the primary document the text names.

A claim's chain is built while its attribution is read (author → embedded
document → quoting voices → reported source). This module adds the last link:
where the source says what a quoted authority relied on — "Robert’s primary
sources ... were based on the Nuremberg ... document series ... The document
that disclosed the meeting was NOKW 1088, Record Group 238." — the archival
reference becomes the primary document at the end of the chains through that
authority.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from historiograph.claims.model import Attribution, Claim
from historiograph.claims.references import ARCHIVAL

# Words that say a passage is about where a source got its evidence.
_PROVENANCE = re.compile(
    r"\b(?:sources?|documents?|archives?|archival|records?|files?|papers|based on|drawn from"
    r"|disclosed|memorandum)\b",
    re.IGNORECASE,
)
_WINDOW = 400  # characters before an archival reference in which its user is named
_MIN_KEY = 4
_KINDS_BELOW = {"document", "collective", "work", "unknown"}


def name_key(text: str | None) -> str:
    """A comparable key of a name: its last word, without diacritics, case or possessive."""
    if not text:
        return ""
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch)).lower()
    words = re.findall(r"[a-z][a-z-]+", re.sub(r"[’']s?\b", "", plain))
    return words[-1] if words else ""


def _keys_match(a: str, b: str) -> bool:
    # "Robert’s" (a typo for Roberts’) is still Roberts.
    if len(a) < _MIN_KEY or len(b) < _MIN_KEY:
        return False
    return a == b or (min(len(a), len(b)) >= 5 and (a.startswith(b) or b.startswith(a)))


def primary_sources(original: str, sources: Sequence[Attribution]) -> dict[str, Attribution]:
    """Archival references the text ties to one of ``sources``, by the source's name key."""
    keys = {name_key(s.text) for s in sources if not s.is_author and s.text}
    found: dict[str, Attribution] = {}
    for match in ARCHIVAL.finditer(original):
        window = original[max(0, match.start() - _WINDOW) : match.end()]
        if not _PROVENANCE.search(window):
            continue
        words = {name_key(w) for w in re.findall(r"[^\W\d_][\w’'-]*", window)}
        for key in keys:
            if key in found or not any(_keys_match(key, word) for word in words):
                continue
            found[key] = Attribution(
                "archival", match.group(0), match.start(), match.end(), None, cue="primary_source"
            )
    return found


def attach_primary_sources(original: str, claims: Sequence[Claim]) -> None:
    """End each chain that runs through an authority with that authority's primary document."""
    sources = [link for claim in claims for link in claim.chain]
    primary = primary_sources(original, sources)
    if not primary:
        return
    for claim in claims:
        for position, link in enumerate(claim.chain):
            reference = primary.get(name_key(link.text)) if not link.is_author else None
            if reference is None:
                continue
            below = claim.chain[position + 1 :]
            # Only claims resting on the authority's documents, not on a person it quotes.
            if all(other.kind in _KINDS_BELOW for other in below):
                claim.chain.append(reference)
            break
