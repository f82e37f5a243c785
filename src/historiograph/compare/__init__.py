"""Cross-source comparison: where sources report the same thing, and whether they agree.

``compare_sources(sources)`` aligns the claims and dated events of several
sources (same happening: overlapping EDTF dates and shared resolved
participants or places; same assertion: sentence-embedding similarity plus
entity overlap) into :class:`ClaimGroup` s, each classified as ``agree``,
``differ``, ``contradict`` or ``contested``. ``for_entity`` and ``between``
filter the result.
"""

from historiograph.compare.align import AlignSettings, between, compare_sources, for_entity
from historiograph.compare.embed import (
    Embedder,
    LexicalEmbedder,
    MiniLMEmbedder,
    default_embedder,
    packaged_model_dir,
)
from historiograph.compare.model import (
    CLASSIFICATIONS,
    GROUP_KINDS,
    ClaimGroup,
    ComparedSource,
    GroupMember,
)

__all__ = [
    "CLASSIFICATIONS",
    "GROUP_KINDS",
    "AlignSettings",
    "ClaimGroup",
    "ComparedSource",
    "Embedder",
    "GroupMember",
    "LexicalEmbedder",
    "MiniLMEmbedder",
    "between",
    "compare_sources",
    "default_embedder",
    "for_entity",
    "packaged_model_dir",
]
