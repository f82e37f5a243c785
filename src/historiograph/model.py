"""Plain data passed between the stages: ingest -> store -> cli/export.

Every character offset in these classes is a Python string index into a
source's ORIGINAL text (what was read from the file, before any cleaning),
so ``original[start:end]`` is always the evidence for a span.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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
