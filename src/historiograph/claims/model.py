"""Plain data of the claims stage: who asserts what, how firmly, and on whose authority.

Like everything in :mod:`historiograph.model`, every offset here is a Python
string index into the source's ORIGINAL text, so ``original[start:end]`` is the
evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MODALITIES = ("asserted", "hedged", "denied", "quoted")

# What an attribution points at. "author" is the source's own voice; the rest
# name someone or something the source reports.
ATTRIBUTION_KINDS = (
    "author",  # the source itself (its author, or no author known)
    "person",
    "organization",
    "group",
    "collective",  # "some historians", "the delegation": a role or body not named
    "document",  # a memorandum, a telegram, an embedded letter or diary
    "work",  # a cited publication (a footnote, a bibliography item)
    "archival",  # an archival reference ("NOKW 1088, Record Group 238")
    "unknown",  # a quotation whose speaker the text does not name
)


@dataclass(frozen=True, slots=True)
class WorkReference:
    """A bibliographic or archival reference the source gives.

    ``kind``: ``footnote`` (a citing note), ``bibliography`` (an item of a
    reference list), ``publication`` (a "First published in ..." line under an
    embedded document), ``inline`` (a work named in the text beside its
    author) or ``archival``. ``title`` is the work's title where one
    can be told apart; ``mention`` the index of a ``work`` mention of the
    extraction that lies inside the reference, if any.
    """

    kind: str
    text: str
    start: int
    end: int
    title: str | None = None
    mention: int | None = None


@dataclass(frozen=True, slots=True)
class Attribution:
    """Whose voice a claim (or a link of its chain) is.

    ``text`` is the attributed-to span as written (for a pronoun, its
    antecedent; for the author voice, the source's author if known);
    ``start``/``end`` locate it in the original text when it is written there;
    ``mention`` is the index of the extraction's mention it overlaps, if any.
    ``cue`` names the evidence: ``author``, ``reporting_verb:<lemma>``,
    ``according_to``, ``claim_noun:<lemma>``, ``quotation``, ``block_quotation``,
    ``resumed_quotation``, ``trailing_speaker``, ``footnote``, ``document_voice``,
    ``primary_source``. ``work`` is a work of this source the text names beside
    it ("In his 1973 analysis ..., Roberts").
    """

    kind: str
    text: str | None = None
    start: int | None = None
    end: int | None = None
    mention: int | None = None
    cue: str = "author"
    work: WorkReference | None = None

    @property
    def is_author(self) -> bool:
        return self.kind == "author"


@dataclass(frozen=True, slots=True)
class Cue:
    """A word or phrase that decided something: a hedge, a denial, a reporting verb."""

    kind: str  # hedge | denial | reporting_verb | according_to | claim_noun | quotation
    text: str
    start: int
    end: int


@dataclass(slots=True)
class Quotation:
    """Quoted text (between its marks), possibly over several paragraphs.

    ``start``/``end`` delimit the words inside the marks; ``parent`` is the
    index of the quotation it sits in; ``direct`` is False for scare quotes and
    quoted titles (too short, or Title Case), which attribute nothing.
    """

    start: int
    end: int
    open_mark: str
    close_mark: str
    block: bool = False  # spans paragraphs, or fills one from its start
    parent: int | None = None
    direct: bool = True
    speaker: Attribution | None = None


@dataclass(slots=True)
class Claim:
    """An assertion in a source, with its attribution, modality and chain.

    ``chain`` runs from the source's own voice down to the claim's attribution
    (last element), through every quoting voice between, and ends with the
    primary document where the text names one. ``subjects`` and ``dates`` are
    indexes into the extraction's mentions and dates that lie inside the claim;
    ``date`` is the EDTF of the first of them. ``quotation`` is the index (into
    :attr:`ClaimSet.quotations`) of the quotation the claim sits in or carries.
    """

    start: int
    end: int
    text: str
    attribution: Attribution
    modality: str
    chain: list[Attribution] = field(default_factory=list)
    cues: list[Cue] = field(default_factory=list)
    subjects: list[int] = field(default_factory=list)
    dates: list[int] = field(default_factory=list)
    date: str | None = None
    quotation: int | None = None
    citations: list[WorkReference] = field(default_factory=list)


@dataclass(slots=True)
class ClaimSet:
    """Everything the claims stage found in one source."""

    claims: list[Claim] = field(default_factory=list)
    quotations: list[Quotation] = field(default_factory=list)  # original offsets
    references: list[WorkReference] = field(default_factory=list)
