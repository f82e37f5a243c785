"""Plain data of the cross-source comparison.

Offsets are, as everywhere, Python string indexes into a source's ORIGINAL
text, so ``original[member.start:member.end]`` is a member's evidence.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import PurePath
from typing import Any

from historiograph.claims.model import ClaimSet
from historiograph.model import Extraction, ParsedSource

GROUP_KINDS = ("event", "assertion")
CLASSIFICATIONS = ("agree", "differ", "contradict", "contested")


@dataclass(frozen=True, slots=True)
class ComparedSource:
    """One source as the comparison needs it: its text, extraction and claims."""

    source_id: str
    parsed: ParsedSource
    extraction: Extraction
    claims: ClaimSet

    @property
    def path(self) -> str:
        return self.parsed.path


@dataclass(frozen=True, slots=True)
class GroupMember:
    """One claim of one source inside a group, with what the comparison read from it."""

    source_id: str
    path: str
    start: int
    end: int
    text: str
    modality: str
    date: str | None = None  # EDTF of the claim's first date, if any
    earliest: str | None = None
    latest: str | None = None
    attribution: str | None = None  # who the source says asserts it (None: the source itself)
    entities: tuple[str, ...] = ()  # canonical names of the resolved entities it mentions
    participants: tuple[str, ...] = ()  # the persons, groups and organizations among them
    places: tuple[str, ...] = ()  # the places among them
    event: bool = False  # the claim carries a dated event of the extraction


@dataclass(slots=True)
class ClaimGroup:
    """Claims of at least two sources that report the same happening or make the same assertion.

    ``classification`` is one of :data:`CLASSIFICATIONS`; ``reason`` says in one
    line what decided it; ``score`` (0..1) is how sure the alignment is;
    ``entities`` are the resolved entities the members share.
    """

    kind: str
    label: str
    classification: str
    reason: str
    score: float
    members: list[GroupMember] = field(default_factory=list)
    entities: list[str] = field(default_factory=list)

    @property
    def sources(self) -> list[str]:
        return sorted({m.source_id for m in self.members})

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["sources"] = self.sources
        return data

    def names_source(self, name: str) -> bool:
        """Whether ``name`` (a source id or prefix, a path, a file name) is a member's source."""
        return any(_is_source(m, name) for m in self.members)


def _is_source(member: GroupMember, name: str) -> bool:
    if not name:
        return False
    if member.source_id == name or member.source_id.startswith(name):
        return True
    path = PurePath(member.path)
    return member.path == name or path.name == name or path.stem == name
