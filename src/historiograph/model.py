"""Plain data passed between the stages: ingest -> store -> cli/export.

Every character offset in these classes is a Python string index into a
source's ORIGINAL text (what was read from the file, before any cleaning),
so ``original[start:end]`` is always the evidence for a span.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    # Only for the annotation: importing the claims package at run time would load
    # spaCy into every process, --no-nlp runs included.
    from historiograph.claims.model import ClaimSet


@dataclass(frozen=True, slots=True)
class Span:
    """A typed character range of a source's original text.

    ``kind`` names what the range is: ``boilerplate``, ``paragraph``,
    ``heading``, ``footnote``, ``footnote_marker``, ``letter``, ... ;
    ``attrs`` holds kind-specific details (a footnote's marker, the reason a
    line was judged boilerplate).
    """

    kind: str
    start: int
    end: int
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace ``original[start:end]`` with ``replacement`` in the cleaned view.

    ``kind`` says which repair made it (``encoding``, ``ocr``, ``whitespace``).
    """

    start: int
    end: int
    replacement: str
    kind: str


@dataclass(slots=True)
class SourceMetadata:
    """What is known about a source beyond its text; any field may be None."""

    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None  # EDTF string
    language: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class ParsedSource:
    """Everything ingest learned about one file, ready for the store."""

    path: str
    kind: str  # text | markdown | html | pdf
    sha256: str
    size_bytes: int
    original: str
    metadata: SourceMetadata
    spans: list[Span]
    edits: list[Edit]
    passages: list[Passage]
    extraction: Extraction | None = None  # filled by the NLP stage

    def __getstate__(self) -> dict[str, Any]:
        # Parsed sources travel from worker processes to the writer; most
        # passages are verbatim slices of the original, so only their offsets
        # need to travel (this halves what is pickled).
        state = {name: getattr(self, name) for name in self.__dataclass_fields__}
        state["passages"] = [
            (p.start, p.end, None if p.text == self.original[p.start : p.end] else p.text)
            for p in self.passages
        ]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        original = state["original"]
        state["passages"] = [
            Passage(start, end, original[start:end] if text is None else text)
            for start, end, text in state["passages"]
        ]
        for name, value in state.items():
            object.__setattr__(self, name, value)


@dataclass(frozen=True, slots=True)
class Passage:
    """A searchable unit: a stretch of original text and its cleaned form.

    ``text`` is the cleaned view of ``original[start:end]`` with boilerplate
    removed; it is what the full-text index sees.
    """

    start: int
    end: int
    text: str


ENTITY_TYPES = ("person", "organization", "place", "group", "work", "other")


@dataclass(frozen=True, slots=True)
class Mention:
    """A typed name in a source: ``original[start:end] == text``.

    ``attrs`` records how it was found (``rule``: model, gazetteer, cue,
    acronym, consistency) so a reviewer can see why it is there.
    """

    start: int
    end: int
    text: str
    type: str
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DateMention:
    """A temporal expression and its EDTF value; ``earliest``/``latest`` bound it (ISO days)."""

    start: int
    end: int
    text: str
    edtf: str
    earliest: str
    latest: str
    anchored: bool = False


@dataclass(slots=True)
class Event:
    """A dated statement: what happened, when (EDTF), who took part, where, and the evidence.

    ``participants`` and ``places`` are indexes into the extraction's mentions;
    ``start``/``end`` delimit the evidence (the clause) in the original text.
    """

    edtf: str
    earliest: str
    latest: str
    label: str
    start: int
    end: int
    date: int  # index into the extraction's dates
    participants: list[int] = field(default_factory=list)
    places: list[int] = field(default_factory=list)


@dataclass(slots=True)
class Extraction:
    """What the NLP stage found in one source; every offset is into the original text."""

    mentions: list[Mention] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    # What the claims stage found (None: it did not run). Its mention indexes point
    # into ``mentions`` above, so the two travel and are stored together. After a trip
    # between processes it is in its packed form (see pack_claims).
    claims: ClaimSet | PackedClaims | None = None
    # Profiles of the source and of the documents embedded in it (letters, diaries), as
    # plain JSON-ready dicts, host first (see historiograph.claims.profiles).
    profiles: list[dict[str, Any]] = field(default_factory=list)

    def __getstate__(self) -> dict[str, Any]:
        # Extractions travel from worker processes to the writer, the run's one serial
        # step: claims as nested dataclasses unpickle about 6x slower than the rest of
        # a source, as plain tuples they cost little more than its mentions.
        state = {name: getattr(self, name) for name in self.__dataclass_fields__}
        if state["claims"] is not None and not isinstance(state["claims"], list):
            state["claims"] = pack_claims(state["claims"])
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            setattr(self, name, value)


# Claims as the store writes them: one tuple per claim, of plain values only
#   (start, end, modality, attribution, date, quotation, cues, chain, subjects, citations)
# with a voice (the attribution, each link of the chain) as
#   (kind, text, start, end, mention, cue, work),
# a work (a voice's work, each citation) as (kind, start, end, title, mention), a
# quotation as (start, end, block) or None, a cue as (kind, start, end), subjects as
# mention indexes. Texts that are slices of the original are left out: the store
# takes them from the original itself.
PackedClaims = list[tuple[Any, ...]]


def pack_claims(claims: ClaimSet) -> PackedClaims:
    """``claims`` as plain tuples; a claim too malformed to read is left out.

    Duck-typed on :mod:`historiograph.claims.model`, which is not imported here
    (it would load spaCy into processes that never run the claims stage).
    """
    quotations = [(q.start, q.end, q.block) for q in claims.quotations]
    voices: dict[int, tuple[Any, ...]] = {}  # one tuple per voice object: pickle shares it

    def work(w: Any) -> tuple[Any, ...]:
        return (w.kind, w.start, w.end, w.title, w.mention)

    def voice(a: Any) -> tuple[Any, ...]:
        packed = voices.get(id(a))
        if packed is None:
            packed = voices[id(a)] = (
                a.kind,
                a.text,
                a.start,
                a.end,
                a.mention,
                a.cue,
                None if a.work is None else work(a.work),
            )
        return packed

    result: PackedClaims = []
    for claim in claims.claims:
        try:
            quotation = (
                quotations[claim.quotation]
                if claim.quotation is not None and 0 <= claim.quotation < len(quotations)
                else None
            )
            result.append(
                (
                    claim.start,
                    claim.end,
                    claim.modality,
                    voice(claim.attribution),
                    claim.date,
                    quotation,
                    tuple((cue.kind, cue.start, cue.end) for cue in claim.cues),
                    tuple(voice(link) for link in claim.chain),
                    tuple(claim.subjects),
                    tuple(work(w) for w in claim.citations),
                )
            )
        except (AttributeError, TypeError):
            # A bug upstream must not fail the whole source on its way to the store.
            continue
    return result
