"""Source profiles: what kind of text a source is, when it was written, what it describes.

``profile_source(parsed, extraction, claims)`` gives one :class:`SourceProfile`
for the whole source with the embedded documents it carries (a letter, a diary
and its entries) profiled inside it, in ``embedded``. A profile reports: genre
(with the cues behind it), author, the date of writing against the dates the
text describes (and the distance between them), what it cites (primary,
secondary), how many of its claims rest on someone else's word, are quoted or
hedged, and which loaded terms it uses. It describes; it scores nothing.

Every offset is into the source's ORIGINAL text, like everywhere else.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any

from historiograph.claims.chains import name_key
from historiograph.claims.genre import (
    BYLINE,
    FIRST_PLURAL,
    FIRST_SINGULAR,
    INSTITUTION,
    INTERACTIVE_CHROME,
    PARTY_REGISTER,
    GenreCues,
    classify,
)
from historiograph.claims.loaded import LoadedLexicon, default_loaded_lexicon
from historiograph.claims.model import Attribution, ClaimSet, Quotation, WorkReference
from historiograph.claims.voices import document_voices
from historiograph.model import DateMention, Extraction, ParsedSource, Span
from historiograph.nlp.edtf_bounds import edtf_bounds

Range = tuple[int, int]

# Words that say a work is itself a document of the period (an edition of
# documents, a leader's collected works, a diary, a memoir, a report) rather than
# a later study of it. Several languages of the region's document editions.
PRIMARY_WORK = re.compile(
    r"\b(?:documents?|dokument\w*|documenti|dokumente|archiv\w*|papers|diar(?:y|ies|io)|tagebuch"
    r"|journals?|memoirs?|m[ée]moires|recollections|reminiscences|letters|correspondence"
    r"|telegrams?|memorand(?:um|a)|reports?|resolutions?|minutes|proceedings|protocols?"
    r"|records|speech(?:es)?|testimony|interviews?|broadcast|programme|program"
    r"|(?:collected|selected)\s+works|works,\s*vol|orders?\s+of\s+the\s+day|communiqu[ée]s?)\b",
    re.IGNORECASE,
)
# Words that introduce a later scholar or a study.
SCHOLARLY_WORK = re.compile(
    r"\b(?:historians?|scholars?|professor|researchers?|analysis|study|studies|monograph"
    r"|biography|biographer|dissertation|thesis|journal\s+of|review\s+of|history\s+of)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_NOTE_KINDS = {"footnote", "footnote_marker"}
_HEAD_CHARS = 400  # a dateline or byline stands in the first lines of a page
_INTRO_CHARS = 300  # before a quotation, where its speaker is introduced
_TAIL = 10  # the described period drops the earliest and latest tenth of the dates (middle 80%)
_EXAMPLES = 5


@dataclass(frozen=True, slots=True)
class LoadedTermCount:
    """How often a loaded term occurs; ``examples`` are (start, end) of the first few.

    ``quoted`` counts the occurrences inside quotations or embedded documents,
    i.e. in someone else's words rather than the profile's own voice.
    """

    term: str
    category: str
    count: int
    quoted: int
    examples: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class Citation:
    """One thing a text cites, and why it counts as primary or secondary."""

    cls: str  # primary | secondary
    # footnote | bibliography | publication | inline | archival | letter | diary | quotation
    kind: str
    text: str
    start: int
    end: int
    reason: str


@dataclass(frozen=True, slots=True)
class SourceProfile:
    """A source (or an embedded document) described: genre, dating, citations, voice, wording."""

    start: int
    end: int
    kind: str  # source | letter | diary | diary_entry
    genre: str
    genre_evidence: tuple[str, ...]
    author: str | None
    written: str | None  # EDTF
    written_earliest: str | None
    written_latest: str | None
    described: str | None  # EDTF interval of the middle 80% of the described dates
    described_earliest: str | None
    described_latest: str | None
    described_dates: int
    distance_years: int | None  # written minus the median described year
    cites: str  # primary | secondary | both | none
    cites_primary: int
    cites_secondary: int
    citations: tuple[Citation, ...]
    words: int
    claims: int
    attributed_share: float | None
    quoted_share: float | None
    hedged_share: float | None
    loaded_terms: tuple[LoadedTermCount, ...]
    loaded_per_1000_words: float
    embedded: tuple[SourceProfile, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (tuples become lists)."""
        data = asdict(self)
        data["embedded"] = [child.to_dict() for child in self.embedded]
        return _listify(data)  # type: ignore[no-any-return]


def _listify(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _listify(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_listify(item) for item in value]
    return value


@dataclass
class _Part:
    """What one profile covers: its range, what inside is not its text, whose voice is its own."""

    start: int
    end: int
    kind: str
    excluded: list[Range]  # boilerplate, and for an embedded document its editor's notes
    others: list[Range]  # embedded documents inside (not the part's own voice)
    own_voice: Attribution | None  # the document voice of an embedded document
    written: DateMention | None = None
    written_span: Range | None = None  # where the date of writing stands (not a described date)


def profile_source(
    parsed: ParsedSource,
    extraction: Extraction,
    claims: ClaimSet,
    *,
    lexicon: LoadedLexicon | None = None,
) -> SourceProfile:
    """The profile of a whole source, with its embedded documents' profiles in ``embedded``."""
    lexicon = lexicon or default_loaded_lexicon()
    context = _Context(parsed, extraction, claims, lexicon)
    children = [context.profile(part) for part in context.embedded_parts()]
    host = context.profile(context.host_part())
    return _with_embedded(host, children)


def profile_parts(
    parsed: ParsedSource,
    extraction: Extraction,
    claims: ClaimSet,
    *,
    lexicon: LoadedLexicon | None = None,
) -> list[SourceProfile]:
    """The source's profile followed by every embedded one, flattened in text order."""
    flat: list[SourceProfile] = []

    def walk(profile: SourceProfile) -> None:
        flat.append(profile)
        for child in profile.embedded:
            walk(child)

    walk(profile_source(parsed, extraction, claims, lexicon=lexicon))
    return flat


def _with_embedded(host: SourceProfile, children: Sequence[SourceProfile]) -> SourceProfile:
    """Nest ``children`` under ``host`` (a diary entry under its diary)."""
    top: list[SourceProfile] = []
    for child in sorted(children, key=lambda p: (p.start, -(p.end - p.start))):
        parent = next(
            (p for p in reversed(top) if p.start <= child.start and child.end <= p.end), None
        )
        if parent is None:
            top.append(child)
        else:
            top[top.index(parent)] = _with_embedded(parent, [*parent.embedded, child])
    return replace(host, embedded=tuple(top))


class _Context:
    def __init__(
        self,
        parsed: ParsedSource,
        extraction: Extraction,
        claims: ClaimSet,
        lexicon: LoadedLexicon,
    ) -> None:
        self.parsed = parsed
        self.original = parsed.original
        self.extraction = extraction
        self.claims = claims
        self.lexicon = lexicon
        self.boilerplate = [(s.start, s.end) for s in parsed.spans if s.kind == "boilerplate"]
        self.notes = [(s.start, s.end) for s in parsed.spans if s.kind in _NOTE_KINDS]
        self.documents = [s for s in parsed.spans if s.kind in ("letter", "diary")]
        self.voices = {
            (v.start, v.end): v.attribution
            for v in document_voices(parsed, extraction.mentions)
            if v.kind != "footnote"
        }

    # -- parts -------------------------------------------------------------------------

    def host_part(self) -> _Part:
        others = [(s.start, s.end) for s in self.documents]
        part = _Part(0, len(self.original), "source", list(self.boilerplate), others, None)
        part.written, part.written_span = self._dateline()
        return part

    def embedded_parts(self) -> list[_Part]:
        parts: list[_Part] = []
        for span in self.parsed.spans:
            if span.kind not in ("letter", "diary", "diary_entry"):
                continue
            # Notes inside an embedded document were added by its editor: they are
            # the host's voice, not the letter writer's or the diarist's.
            excluded = [*self.boilerplate, *self.notes]
            voice = self._voice_of(span)
            part = _Part(span.start, span.end, span.kind, excluded, [], voice)
            part.written = self._date_at(span)
            if part.written is not None and span.kind == "letter":
                part.written_span = (part.written.start, part.written.end)
            parts.append(part)
        return parts

    def _voice_of(self, span: Span) -> Attribution | None:
        best: Attribution | None = None
        size = len(self.original) + 1
        for (start, end), voice in self.voices.items():
            if start <= span.start and span.end <= end and end - start < size:
                best, size = voice, end - start
        return best

    def _date_at(self, span: Span) -> DateMention | None:
        """The date a letter or a diary entry is dated by (its dateline)."""
        label = str(span.attrs.get("date") or "").strip()
        inside = [d for d in self.extraction.dates if span.start <= d.start < span.end]
        if label:
            for mention in inside:
                if " ".join(mention.text.split()) == " ".join(label.split()):
                    return mention
        return inside[0] if inside and span.kind != "diary" else None

    def _dateline(self) -> tuple[DateMention | None, Range | None]:
        """The publication date of the whole source, and the date mention that states it."""
        published = self.parsed.metadata.published
        head = self._head_end()
        for mention in self.extraction.dates:
            if mention.start >= head:
                break
            if published is None or mention.edtf.rstrip("?~%") == published.rstrip("?~%"):
                if published is None and not _alone_on_line(self.original, mention):
                    continue
                return mention, (mention.start, mention.end)
        return None, None

    def _head_end(self) -> int:
        paragraphs = [s.start for s in self.parsed.spans if s.kind == "paragraph"]
        first = min(paragraphs) if paragraphs else 0
        return max(first, min(_HEAD_CHARS, len(self.original)))

    # -- the profile ---------------------------------------------------------------------

    def profile(self, part: _Part) -> SourceProfile:
        claims = [
            c
            for c in self.claims.claims
            if part.start <= c.start < part.end and not _inside_any(part.excluded, c.start)
        ]
        own = [c for c in claims if self._own_voice(part, c.attribution)]
        total = len(claims)
        words = self._words(part, part.excluded)
        loaded = self._loaded(part)
        loaded_count = sum(t.count for t in loaded)
        written, w_low, w_high = self._written(part)
        described = self._described(part)
        distance = None
        if written is not None and w_low and w_high and described is not None:
            distance = _year(w_low, w_high) - described[3]
        citations = self._citations(part)
        primary = sum(1 for c in citations if c.cls == "primary")
        secondary = len(citations) - primary
        genre, evidence = self._genre(part)
        return SourceProfile(
            start=part.start,
            end=part.end,
            kind=part.kind,
            genre=genre,
            genre_evidence=tuple(evidence),
            author=self._author(part),
            written=written,
            written_earliest=w_low,
            written_latest=w_high,
            described=described[0] if described else None,
            described_earliest=described[1] if described else None,
            described_latest=described[2] if described else None,
            described_dates=described[4] if described else 0,
            distance_years=distance,
            cites=_cites_class(primary, secondary),
            cites_primary=primary,
            cites_secondary=secondary,
            citations=tuple(citations),
            words=words,
            claims=total,
            attributed_share=_share(total - len(own), total),
            quoted_share=_share(sum(1 for c in claims if c.modality == "quoted"), total),
            hedged_share=_share(sum(1 for c in claims if c.modality == "hedged"), total),
            loaded_terms=tuple(loaded),
            loaded_per_1000_words=round(1000.0 * loaded_count / words, 2) if words else 0.0,
        )

    def _own_voice(self, part: _Part, attribution: Attribution) -> bool:
        if part.own_voice is None:
            return attribution.is_author
        # Inside an embedded document its writer's voice is the own voice, however the
        # claims stage reached it (the document's voice, or a quotation of its writer).
        if attribution.is_author or attribution.cue == "document_voice":
            return True
        own = name_key(part.own_voice.text)
        return bool(own) and name_key(attribution.text) == own

    def _author(self, part: _Part) -> str | None:
        if part.own_voice is not None:
            return part.own_voice.text
        authors = self.parsed.metadata.authors
        return ", ".join(authors) if authors else None

    # -- dating ----------------------------------------------------------------------------

    def _written(self, part: _Part) -> tuple[str | None, str | None, str | None]:
        if part.kind == "source":
            published = self.parsed.metadata.published
            if published:
                try:
                    low, high = edtf_bounds(published)
                except ValueError:
                    return published, None, None
                return published, low, high
            mention = part.written
            covering = self._covering_document()
            if mention is None and covering is not None:
                mention = self._date_at(covering)
            if mention is None:
                return None, None, None
            return mention.edtf, mention.earliest, mention.latest
        if part.kind == "diary":
            entries = [
                self._date_at(s)
                for s in self.parsed.spans
                if s.kind == "diary_entry" and part.start <= s.start and s.end <= part.end
            ]
            dated = [d for d in entries if d is not None]
            if not dated:
                return None, None, None
            low = min(d.earliest for d in dated)
            high = max(d.latest for d in dated)
            return _interval(low, high), low, high
        if part.written is None:
            return None, None, None
        return part.written.edtf, part.written.earliest, part.written.latest

    def _covering_document(self) -> Span | None:
        size = len(self.original)
        for span in self.documents:
            if span.kind == "letter" and (span.end - span.start) >= 0.6 * size:
                return span
        return None

    def _described(self, part: _Part) -> tuple[str, str, str, int, int] | None:
        """(EDTF, earliest, latest, median year, number of dates) of what the part describes."""
        skip = [*part.excluded, *self._reference_ranges()]
        if part.written_span is not None:
            skip.append(part.written_span)
        indexes = sorted({e.date for e in self.extraction.events})
        mentions = [self.extraction.dates[i] for i in indexes] or list(self.extraction.dates)
        dates = [
            d
            for d in mentions
            if part.start <= d.start < part.end and not _inside_any(skip, d.start)
        ]
        if part.kind in ("diary", "diary_entry"):
            # A diary entry describes the day it is dated by, whether or not a
            # statement in it carries a date of its own.
            entries = [
                self._date_at(s)
                for s in self.parsed.spans
                if s.kind == "diary_entry" and part.start <= s.start < part.end
            ]
            dates.extend(d for d in entries if d is not None and d not in dates)
        if not dates:
            return None
        dates.sort(key=_midpoint)
        trim = len(dates) // _TAIL  # whole dates only: 10% off each end
        middle = dates[trim : len(dates) - trim] if len(dates) - 2 * trim > 0 else dates
        low = min(d.earliest for d in middle)
        high = max(d.latest for d in middle)
        median = int(statistics.median_low(_year(d.earliest, d.latest) for d in dates))
        return _interval(low, high), low, high, median, len(dates)

    def _reference_ranges(self) -> list[Range]:
        # Dates in a reference say when a work appeared, not what the text describes.
        ranges = [(r.start, r.end) for r in self.claims.references]
        ranges.extend((s.start, s.end) for s in self.parsed.spans if s.kind in ("bibliography",))
        return ranges

    # -- citations ---------------------------------------------------------------------

    def _citations(self, part: _Part) -> list[Citation]:
        def mine(start: int) -> bool:
            return (
                part.start <= start < part.end
                and not _inside_any(part.excluded, start)
                and not _inside_any(part.others, start)
            )

        voices = self._voice_classes(part, mine)
        found: list[Citation] = []
        seen: set[tuple[str, int, int]] = set()
        for ref in self._references():
            key = (ref.kind, ref.start, ref.end)
            if key in seen or not mine(ref.start):
                continue
            seen.add(key)
            cls, reason = self._classify_reference(ref, voices)
            found.append(Citation(cls, ref.kind, ref.text, ref.start, ref.end, reason))
        for span in self.documents:
            if (span.start, span.end) in [(s, e) for s, e in part.others] and (
                part.start <= span.start < part.end
            ):
                label = f"embedded {span.kind}"
                text = " ".join(self.original[span.start : span.end].split()[:8])
                found.append(Citation("primary", span.kind, text, span.start, span.end, label))
        quoted: dict[str, Citation] = {}
        for quotation in self.claims.quotations:
            speaker = quotation.speaker
            if not quotation.direct or speaker is None or not mine(quotation.start):
                continue
            if self._own_voice(part, speaker) or speaker.kind == "unknown":
                continue
            if (
                speaker.work is not None
                and (
                    speaker.work.kind,
                    speaker.work.start,
                    speaker.work.end,
                )
                in seen
            ):
                continue  # the note that carries it is already counted
            voice_key = name_key(speaker.text) or (speaker.text or "")
            if voice_key in quoted:
                continue
            cls, reason = self._classify_speaker(speaker, voices)
            quoted[voice_key] = Citation(
                cls,
                "quotation",
                _snippet(self.original, quotation),
                quotation.start,
                quotation.end,
                f"quotes {speaker.text}: {reason}",
            )
        found.extend(quoted.values())
        found.sort(key=lambda c: c.start)
        return found

    def _references(self) -> Iterable[WorkReference]:
        yield from self.claims.references
        for claim in self.claims.claims:
            yield from claim.citations
            for link in [claim.attribution, *claim.chain]:
                if link.work is not None:
                    yield link.work
                if link.kind == "archival" and link.start is not None and link.end is not None:
                    yield WorkReference("archival", link.text or "", link.start, link.end)

    def _classify_reference(self, ref: WorkReference, voices: dict[str, str]) -> tuple[str, str]:
        if ref.kind == "archival":
            return "primary", "archival reference"
        if ref.kind == "publication":
            return "primary", "where an embedded document was published"
        match = PRIMARY_WORK.search(ref.text)
        if match:
            return "primary", f"a document of the period ({match.group(0)!r})"
        for word in _WORD.findall(ref.text):
            if voices.get(name_key(word)) == "primary":
                return "primary", f"written by {word}, a voice of the period the text quotes"
        return "secondary", "a book or article"

    def _voice_classes(self, part: _Part, mine: Callable[[int], bool]) -> dict[str, str]:
        """Each quoted or reporting voice, by name key: primary (of the period) or secondary."""
        texts: dict[str, list[str]] = {}
        for claim in self.claims.claims:
            a = claim.attribution
            if a.is_author or a.text is None or not mine(claim.start):
                continue
            if claim.modality == "quoted" and claim.quotation is not None:
                # The words of a quotation are the voice's matter, not what the text says
                # about the voice; only the sentence around it introduces the speaker.
                q = self.claims.quotations[claim.quotation]
                texts.setdefault(name_key(a.text), []).append(self.original[claim.start : q.start])
            else:
                texts.setdefault(name_key(a.text), []).append(claim.text)
        for q in self.claims.quotations:
            if q.speaker is not None and q.speaker.text and mine(q.start):
                start = self.original.rfind("\n", 0, q.start - 1) + 1
                intro = self.original[max(start, q.start - _INTRO_CHARS) : q.start]
                texts.setdefault(name_key(q.speaker.text), []).append(intro)
        classes: dict[str, str] = {}
        for key, pieces in texts.items():
            joined = " ".join(pieces)
            if SCHOLARLY_WORK.search(joined):
                classes[key] = "secondary"
            else:
                classes[key] = "primary"
        return classes

    def _classify_speaker(self, speaker: Attribution, voices: dict[str, str]) -> tuple[str, str]:
        if speaker.kind in ("document", "archival"):
            return "primary", "a document of the period"
        if speaker.kind == "work" and speaker.work is not None:
            return self._classify_reference(speaker.work, voices)
        if voices.get(name_key(speaker.text)) == "secondary":
            return "secondary", "introduced as a scholar or a study"
        return "primary", "a voice of the period"

    # -- words, loaded terms, genre ---------------------------------------------------

    def _words(self, part: _Part, skip: Sequence[Range]) -> int:
        return sum(
            len(_WORD.findall(self.original, a, b)) for a, b in _gaps(part.start, part.end, skip)
        )

    def _loaded(self, part: _Part) -> list[LoadedTermCount]:
        foreign = [*part.others, *self._quotation_ranges(part)]
        table: dict[str, list[tuple[int, int]]] = {}
        categories: dict[str, str] = {}
        quoted: dict[str, int] = {}
        for a, b in _gaps(part.start, part.end, part.excluded):
            for hit in self.lexicon.find(self.original, a, b):
                table.setdefault(hit.term, []).append((hit.start, hit.end))
                categories[hit.term] = hit.category
                if _inside_any(foreign, hit.start):
                    quoted[hit.term] = quoted.get(hit.term, 0) + 1
        counts = [
            LoadedTermCount(
                term, categories[term], len(spots), quoted.get(term, 0), tuple(spots[:_EXAMPLES])
            )
            for term, spots in table.items()
        ]
        counts.sort(key=lambda t: (-t.count, t.term.lower()))
        return counts

    def _quotation_ranges(self, part: _Part) -> list[Range]:
        return [
            (q.start, q.end)
            for q in self.claims.quotations
            if q.direct and q.speaker is not None and not self._own_voice(part, q.speaker)
        ]

    def _genre(self, part: _Part) -> tuple[str, list[str]]:
        if part.kind == "letter":
            return "letter", self._letter_evidence(part)
        if part.kind in ("diary", "diary_entry"):
            label = "dated diary entry" if part.kind == "diary_entry" else "dated diary entries"
            entries = sum(
                1
                for s in self.parsed.spans
                if s.kind == "diary_entry" and part.start <= s.start < part.end
            )
            return "diary", [f"{label} ({entries})"]
        return classify(self._cues(part))

    def _letter_evidence(self, part: _Part) -> list[str]:
        evidence = []
        if part.written is not None:
            evidence.append(f"dateline {part.written.text!r}")
        for kind in ("salutation", "closing", "signature", "postscript"):
            span = next(
                (
                    s
                    for s in self.parsed.spans
                    if s.kind == kind and part.start <= s.start < part.end
                ),
                None,
            )
            if span is not None:
                evidence.append(f"{kind} {self.original[span.start : span.end][:40]!r}")
        return evidence

    def _cues(self, part: _Part) -> GenreCues:
        original = self.original
        spans = self.parsed.spans
        own_skip = [*part.excluded, *part.others, *self._quotation_ranges(part), *self.notes]
        cues = GenreCues()
        text_chars = sum(b - a for a, b in _gaps(part.start, part.end, part.excluded)) or 1
        for a, b in _gaps(part.start, part.end, own_skip):
            piece = original[a:b]
            cues.words += len(_WORD.findall(piece))
            cues.first_singular += len(FIRST_SINGULAR.findall(piece))
            cues.first_plural += len(FIRST_PLURAL.findall(piece))
            cues.register_terms.extend(m.group(0) for m in PARTY_REGISTER.finditer(piece))

        def share(kind: str) -> float:
            return sum(s.end - s.start for s in spans if s.kind == kind) / text_chars

        cues.bibliography_share = min(1.0, share("bibliography"))
        cues.letter_share = min(1.0, share("letter"))
        cues.diary_share = min(1.0, share("diary"))
        cues.diary_entries = sum(1 for s in spans if s.kind == "diary_entry")
        size = len(original) or 1
        cues.salutation_at_top = any(
            s.kind == "salutation" and s.start <= 0.2 * size for s in spans
        )
        cues.signature_at_end = any(
            s.kind in ("closing", "signature") and s.end >= 0.75 * size for s in spans
        )
        for a, b in self.boilerplate:
            match = INTERACTIVE_CHROME.search(original, a, b)
            if match:
                cues.interactive_chrome.append(original[a:b].strip()[:40])
        head_end = self._head_end()
        if part.written_span is not None and part.written_span[0] < head_end:
            cues.dateline = original[part.written_span[0] : part.written_span[1]]
        byline = BYLINE.search(original, 0, min(len(original), head_end + _HEAD_CHARS))
        if byline:
            cues.byline = byline.group(0).strip()
        references = list(self._references())
        cues.citing_footnotes = len({r.start for r in references if r.kind == "footnote"})
        cues.bibliography_items = sum(1 for s in spans if s.kind == "bibliography_item")
        cues.inline_references = len({r.start for r in references if r.kind == "inline"})
        cues.primary_apparatus = len(
            {r.start for r in references if r.kind == "footnote" and PRIMARY_WORK.search(r.text)}
        )
        authors = self.parsed.metadata.authors
        institutional = [a for a in authors if INSTITUTION.search(a)]
        personal = [a for a in authors if not INSTITUTION.search(a)]
        cues.institutional_author = ", ".join(institutional) or None
        cues.personal_author = ", ".join(personal) or None
        cues.title = self.parsed.metadata.title
        return cues


# -- helpers ---------------------------------------------------------------------------


def _inside_any(ranges: Sequence[Range], position: int) -> bool:
    return any(a <= position < b for a, b in ranges)


def _gaps(start: int, end: int, skip: Sequence[Range]) -> list[Range]:
    """The pieces of [start, end) outside every range of ``skip``."""
    pieces: list[Range] = []
    position = start
    for a, b in sorted(skip):
        if b <= position or a >= end:
            continue
        if a > position:
            pieces.append((position, a))
        position = max(position, b)
    if position < end:
        pieces.append((position, end))
    return pieces


def _alone_on_line(text: str, mention: DateMention) -> bool:
    line_start = text.rfind("\n", 0, mention.start) + 1
    line_end = text.find("\n", mention.end)
    line = text[line_start : len(text) if line_end < 0 else line_end]
    return len(line.strip(" -–—|•\t")) <= len(mention.text) + 2


def _midpoint(mention: DateMention) -> int:
    return (
        date.fromisoformat(mention.earliest).toordinal()
        + date.fromisoformat(mention.latest).toordinal()
    ) // 2


def _year(earliest: str, latest: str) -> int:
    middle = (
        date.fromisoformat(earliest).toordinal() + date.fromisoformat(latest).toordinal()
    ) // 2
    return date.fromordinal(middle).year


def _interval(low: str, high: str) -> str:
    """An EDTF value for [low, high], at the coarsest precision both ends allow."""
    first, last = date.fromisoformat(low), date.fromisoformat(high)
    following = date.fromordinal(last.toordinal() + 1)
    if (first.month, first.day) == (1, 1) and (following.month, following.day) == (1, 1):
        a, b = f"{first.year:04d}", f"{last.year:04d}"
    elif first.day == 1 and following.day == 1:
        a, b = f"{first.year:04d}-{first.month:02d}", f"{last.year:04d}-{last.month:02d}"
    else:
        a, b = low, high
    return a if a == b else f"{a}/{b}"


def _share(part: int, total: int) -> float | None:
    return round(part / total, 3) if total else None


def _cites_class(primary: int, secondary: int) -> str:
    if primary and secondary:
        return "both"
    if primary:
        return "primary"
    return "secondary" if secondary else "none"


def _snippet(original: str, quotation: Quotation) -> str:
    words = original[quotation.start : quotation.end].split()
    return " ".join(words[:10]) + (" …" if len(words) > 10 else "")
