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


@dataclass(frozen=True, slots=True)
class Passage:
    """A searchable unit: a stretch of original text and its cleaned form.

    ``text`` is the cleaned view of ``original[start:end]`` with boilerplate
    removed; it is what the full-text index sees.
    """

    start: int
    end: int
    text: str
