"""Claims of one parsed source: sentences with their attribution, modality, chain and citations.

The stage reads the same text the NLP stage reads (the cleaned view with
boilerplate blanked out), parses it with spaCy's dependency parser, finds
quotations and reporting frames there, and maps everything back to the
original text. Each sentence of running text (paragraphs, footnotes, diary
entries, a letter's postscript) is a claim; its attribution is, innermost
first: a reporting frame in the sentence, else the speaker of the quotation
the sentence sits in, else the voice of the embedded document it belongs to,
else the source's author.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise

from spacy.language import Language
from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from historiograph.claims.attribution import Frame, MentionIndex, find_frames, is_subject
from historiograph.claims.chains import attach_primary_sources, name_key
from historiograph.claims.lexicon import Lexicon, default_lexicon
from historiograph.claims.modality import decide_modality, modality_cues
from historiograph.claims.model import Attribution, Claim, ClaimSet, Cue, Quotation, WorkReference
from historiograph.claims.quotes import find_quotations
from historiograph.claims.references import (
    bibliography_references,
    footnote_references,
    publication_references,
)
from historiograph.claims.voices import Voice, author_voice, document_voices, voice_at
from historiograph.ingest.offsets import CleanView
from historiograph.model import Extraction, ParsedSource
from historiograph.nlp.extract import nlp_view

_TEXT_KINDS = {"paragraph", "footnote", "diary_entry", "postscript"}
_NOT_CLAIMS = {
    "heading",
    "boilerplate",
    "bibliography",
    "bibliography_item",
    "salutation",
    "closing",
    "signature",
}
_PARSE_PIPES = {
    "tok2vec",
    "tagger",
    "parser",
    "attribute_ruler",
    "lemmatizer",
    "historiograph_line_sentences",
}
_CHUNK = 100_000
_MIN_WORDS = 3
_PRONOUN_WINDOW = 1500  # characters back in which a pronoun's antecedent is looked for
_RESUME_GAP = 2  # paragraphs between two block quotations of the same speaker
_WORDS = re.compile(r"[^\W\d_]+")
_TRAILING_WORDS = re.compile(
    r"\s*(?:these|those|this|such)\s+(?:were|was|are|is)\s+(?:the\s+|his\s+|her\s+|their\s+)?(?:very\s+)?(?:words|lines|remarks?|message|instructions)\b",
    re.IGNORECASE,
)
_PERSON_TYPES = {"person"}
_GROUP_TYPES = {"group", "organization"}


@dataclass
class _Sentence:
    start: int  # clean offsets of one piece of a spaCy sentence inside one block
    end: int
    span: SpacySpan
    offset: int  # where the sentence's doc starts in the clean text
    frames: list[Frame] = field(default_factory=list)


@dataclass
class _Context:
    parsed: ParsedSource
    extraction: Extraction
    view: CleanView
    text: str
    mentions: MentionIndex
    subject_positions: set[int]
    sentences: list[_Sentence]
    quotations: list[Quotation]
    blocks: list[tuple[int, int]]
    voices: list[Voice]
    author: Attribution
    lexicon: Lexicon


def extract_claims(
    parsed: ParsedSource,
    extraction: Extraction | None = None,
    nlp: Language | None = None,
    *,
    lexicon: Lexicon | None = None,
) -> list[Claim]:
    """The claims of ``parsed`` in reading order (see :func:`extract_claim_set`)."""
    return extract_claim_set(parsed, extraction, nlp, lexicon=lexicon).claims


def extract_claim_set(
    parsed: ParsedSource,
    extraction: Extraction | None = None,
    nlp: Language | None = None,
    *,
    lexicon: Lexicon | None = None,
) -> ClaimSet:
    """Claims, quotations and references of one source; every offset is into the original text.

    ``extraction`` defaults to ``parsed.extraction`` (or is computed); ``nlp``
    to :func:`historiograph.nlp.pipeline.default_pipeline` — only its tagger,
    parser and sentence components run here.
    """
    if nlp is None:
        from historiograph.nlp.pipeline import default_pipeline

        nlp = default_pipeline()
    if extraction is None:
        extraction = parsed.extraction
    if extraction is None:
        from historiograph.nlp.extract import extract

        extraction = extract(parsed, nlp)
    context = _context(parsed, extraction, nlp, lexicon or default_lexicon())
    _resolve_speakers(context)
    claims = [
        claim for sentence in context.sentences if (claim := _claim(context, sentence)) is not None
    ]
    references = _cite(context, claims)
    attach_primary_sources(parsed.original, claims)
    quotations = [_to_original_quotation(context.view, q) for q in context.quotations]
    return ClaimSet(claims, quotations, references)


# --- reading the text --------------------------------------------------------------------------


def _context(
    parsed: ParsedSource, extraction: Extraction, nlp: Language, lexicon: Lexicon
) -> _Context:
    boilerplate = [s for s in parsed.spans if s.kind == "boilerplate"]
    text, view = nlp_view(parsed.original, parsed.edits, boilerplate)
    blocks = _blocks(parsed, view, text)
    mentions = MentionIndex(
        [
            (view.to_clean(m.start), view.to_clean(m.end, end=True), index, m.type)
            for index, m in enumerate(extraction.mentions)
        ]
    )
    quotations = find_quotations(text, blocks)
    quote_ranges = [(q.start, q.end) for q in quotations if q.direct]
    sentences: list[_Sentence] = []
    subject_positions: set[int] = set()
    excluded = _excluded(parsed, view)
    keep = [name for name in nlp.pipe_names if name in _PARSE_PIPES]
    with nlp.select_pipes(enable=keep):
        for offset, doc in _parse(nlp, text):
            subject_positions.update(offset + t.idx for t in doc if is_subject(t))
            for sent in doc.sents:
                frames = find_frames(sent, offset, mentions, lexicon, quote_ranges)
                for start, end in _pieces(
                    offset + sent.start_char, offset + sent.end_char, blocks, text
                ):
                    if _inside_any(excluded, start, end):
                        continue
                    sentence = _Sentence(start, end, sent, offset)
                    sentence.frames = [f for f in frames if start <= f.cue_start < end]
                    sentences.append(sentence)
    voices = document_voices(parsed, extraction.mentions)
    return _Context(
        parsed,
        extraction,
        view,
        text,
        mentions,
        subject_positions,
        sentences,
        quotations,
        blocks,
        voices,
        author_voice(parsed),
        lexicon,
    )


def _parse(nlp: Language, text: str) -> Iterator[tuple[int, Doc]]:
    """spaCy docs of ``text`` in pieces of about _CHUNK characters cut at blank lines."""
    pieces: list[tuple[int, str]] = []
    start = 0
    while start < len(text):
        end = min(len(text), start + _CHUNK)
        if end < len(text):
            cut = text.rfind("\n\n", start + _CHUNK // 2, end)
            end = cut + 1 if cut > start else end
        pieces.append((start, text[start:end]))
        start = end
    for (offset, _), doc in zip(pieces, nlp.pipe(piece for _, piece in pieces), strict=True):
        yield offset, doc


def _blocks(parsed: ParsedSource, view: CleanView, text: str) -> list[tuple[int, int]]:
    """Paragraph-like units of running text (clean offsets), cut at blank lines and nested spans."""
    spans = [s for s in parsed.spans if s.kind in _TEXT_KINDS]
    cuts: set[int] = set()
    covered: list[tuple[int, int]] = []
    for span in spans:
        start, end = view.to_clean(span.start), view.to_clean(span.end, end=True)
        cuts.update((start, end))
        covered.append((start, end))
    for match in re.finditer(r"\n[ \t]*\n", text):
        cuts.update((match.start(), match.end()))
    ordered = sorted(cuts)
    blocks: list[tuple[int, int]] = []
    for start, end in pairwise(ordered):
        if not text[start:end].strip() or not any(s <= start and end <= e for s, e in covered):
            continue
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        blocks.append((start, end))
    return blocks


def _excluded(parsed: ParsedSource, view: CleanView) -> list[tuple[int, int]]:
    return [
        (view.to_clean(s.start), view.to_clean(s.end, end=True))
        for s in parsed.spans
        if s.kind in _NOT_CLAIMS
    ]


def _inside_any(ranges: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e in ranges)


def _pieces(
    start: int, end: int, blocks: Sequence[tuple[int, int]], text: str
) -> Iterator[tuple[int, int]]:
    """A sentence cut at paragraph boundaries (a parse may run a caption into a quotation)."""
    for b_start, b_end in blocks:
        if b_end <= start or end <= b_start:
            continue
        piece_start, piece_end = max(start, b_start), min(end, b_end)
        while piece_start < piece_end and text[piece_start].isspace():
            piece_start += 1
        while piece_end > piece_start and text[piece_end - 1].isspace():
            piece_end -= 1
        if piece_start < piece_end:
            yield piece_start, piece_end


# --- who speaks --------------------------------------------------------------------------------


def _attribution(context: _Context, frame: Frame, voice: Attribution) -> Attribution | None:
    """The frame's source as an attribution (original offsets), its pronoun resolved.

    None means the frame speaks in the voice the sentence is in ("we think").
    """
    if frame.pronoun is not None:
        resolved = _resolve_pronoun(context, frame)
        if resolved is None:
            return None if frame.pronoun in ("i", "we", "me", "us") else voice
        frame = resolved
    start, end = context.view.span_to_original(frame.source_start, frame.source_end)
    kind = frame.source_kind if frame.source_kind != "pronoun" else "person"
    return Attribution(
        kind, context.parsed.original[start:end], start, end, frame.mention, cue=frame.cue
    )


def _resolve_pronoun(context: _Context, frame: Frame) -> Frame | None:
    pronoun = frame.pronoun
    position = frame.source_start
    lower = max(0, position - _PRONOUN_WINDOW)
    if pronoun in ("he", "she", "him", "her"):
        sentence_start = next(
            (s.start for s in context.sentences if s.start <= position < s.end + 1), position
        )
        candidates = [m for m in context.mentions.before(position, lower) if m[3] in _PERSON_TYPES]
        same = [m for m in candidates if m[0] >= sentence_start]
        subjects = [
            m for m in candidates if any(p in context.subject_positions for p in range(m[0], m[1]))
        ]
        pool = same or subjects or candidates
        return _frame_for(context, frame, pool[-1]) if pool else None
    if pronoun in ("they", "them"):
        phrase = _plural_antecedent(context, position)
        if phrase is not None:
            start, end = phrase
            return replace(
                frame,
                source_start=start,
                source_end=end,
                source_text=context.text[start:end],
                source_kind="collective",
                pronoun=None,
                mention=_mention_index(context, start, end),
            )
        groups = [m for m in context.mentions.before(position, lower) if m[3] in _GROUP_TYPES]
        subjects = [
            m for m in groups if any(p in context.subject_positions for p in range(m[0], m[1]))
        ]
        return _frame_for(context, frame, subjects[-1]) if subjects else None
    if pronoun == "it":
        return _document_antecedent(context, frame)
    return None  # I, we: the voice the sentence is in


def _frame_for(context: _Context, frame: Frame, mention: tuple[int, int, int, str]) -> Frame:
    return replace(
        frame,
        source_start=mention[0],
        source_end=mention[1],
        source_text=context.text[mention[0] : mention[1]],
        source_kind=mention[3],
        mention=mention[2],
        pronoun=None,
    )


def _mention_index(context: _Context, start: int, end: int) -> int | None:
    hit = context.mentions.at(start, end)
    return hit[2] if hit is not None else None


def _plural_antecedent(context: _Context, position: int) -> tuple[int, int] | None:
    """The nearest plural subject before ``position``: in its sentence, else a root subject."""
    from historiograph.claims.attribution import _phrase

    here = next((s for s in context.sentences if s.start <= position < s.end), None)
    if here is not None:
        nearest = None
        for token in here.span:
            at = here.offset + token.idx
            if at >= position:
                break
            if (
                token.dep_ in ("nsubj", "nsubjpass")
                and token.tag_ in ("NNS", "NNPS")
                and token.pos_ != "PRON"
            ):
                nearest = token
        if nearest is not None:
            return _phrase(nearest, here.offset)
    earlier = [
        s for s in context.sentences if s.end <= position and position - s.end < _PRONOUN_WINDOW
    ]
    seen: set[int] = set()
    for sentence in reversed(earlier[-3:]):
        if id(sentence.span) in seen:
            continue
        seen.add(id(sentence.span))
        root = sentence.span.root
        subject = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is not None and subject.tag_ in ("NNS", "NNPS") and subject.pos_ != "PRON":
            return _phrase(subject, sentence.offset)
    return None


def _document_antecedent(context: _Context, frame: Frame) -> Frame | None:
    """ "it stated that": a document noun before the pronoun in the sentence or the one before."""
    from historiograph.claims.attribution import _phrase

    lexicon = context.lexicon
    for sentence in reversed([s for s in context.sentences if s.start <= frame.source_start][-2:]):
        for token in reversed(list(sentence.span)):
            position = sentence.offset + token.idx
            if position >= frame.source_start or token.pos_ not in ("NOUN", "PROPN"):
                continue
            if token.lemma_.lower() in lexicon.source_nouns and token.dep_ not in ("compound",):
                start, end = _phrase(token, sentence.offset)
                return replace(
                    frame,
                    source_start=start,
                    source_end=end,
                    source_text=context.text[start:end],
                    source_kind="document",
                    pronoun=None,
                    mention=None,
                )
    return None


def _voice(context: _Context, start: int, end: int) -> tuple[Attribution, Voice | None]:
    o_start, o_end = context.view.span_to_original(start, end)
    return voice_at(context.voices, o_start, o_end, context.author)


def _resolve_speakers(context: _Context) -> None:
    """Fill each direct quotation's speaker from the text around it."""
    previous_block: tuple[int, Quotation] | None = None  # (block number of its end, quotation)
    for quotation in context.quotations:
        if not quotation.direct:
            continue
        speaker = (
            _introducer(context, quotation)
            or _trailing_words(context, quotation)
            or _footnote_speaker(context, quotation)
        )
        end_block = _block_number(context, quotation.end)
        if speaker is None and quotation.block and previous_block is not None:
            gap = _block_number(context, quotation.start) - previous_block[0]
            if 0 < gap <= _RESUME_GAP + 1 and previous_block[1].speaker is not None:
                speaker = replace(previous_block[1].speaker, cue="resumed_quotation")
        if speaker is None:
            voice, embedded = _voice(context, quotation.start, quotation.end)
            if embedded is not None and embedded.kind in ("letter", "diary"):
                speaker = replace(voice, cue="document_voice")
        quotation.speaker = speaker
        if quotation.block:
            previous_block = (end_block, quotation)


def _block_number(context: _Context, position: int) -> int:
    for number, (start, end) in enumerate(context.blocks):
        if start <= position <= end:
            return number
    return -1


def _introducer(context: _Context, quotation: Quotation) -> Attribution | None:
    """A reporting frame outside the quotation whose report the quotation is."""
    best: tuple[int, Frame] | None = None
    for sentence in context.sentences:
        if sentence.end < quotation.start - 400 or sentence.start > quotation.end:
            continue
        for frame in sentence.frames:
            if quotation.start - 1 <= frame.cue_start < quotation.end:
                continue  # the frame is inside the quotation
            gap = context.text[frame.scope_end : quotation.start]
            in_scope = frame.scope_start - 2 <= quotation.start <= frame.scope_end + 1
            after_colon = frame.colon and not gap.strip(" \t\n“”„«\"‘'")
            if not (in_scope or after_colon):
                continue
            distance = abs(quotation.start - frame.cue_start)
            if best is None or distance < best[0]:
                best = (distance, frame)
    if best is None:
        return None
    voice, _ = _voice(context, quotation.start, quotation.end)
    attribution = _attribution(context, best[1], voice)
    if attribution is None:
        return None
    cue = "block_quotation" if quotation.block else "quotation"
    return replace(attribution, cue=f"{cue}:{best[1].cue}")


def _trailing_words(context: _Context, quotation: Quotation) -> Attribution | None:
    """“...”. These were the words with which X was sent by Y: the speaker follows the quotation."""
    after = context.text[quotation.end + 1 : quotation.end + 300]
    match = _TRAILING_WORDS.match(after.lstrip(' .,;:…”"’'))
    if match is None:
        return None
    sentence = next((s for s in context.sentences if s.start > quotation.end), None)
    if sentence is None:
        return None
    agent = None
    for token in sentence.span:
        if token.dep_ == "agent" or (
            token.lower_ == "of" and token.head.lemma_.lower() in ("word", "line", "remark")
        ):
            agent = next((c for c in token.children if c.dep_ == "pobj"), None)
            if agent is not None:
                break
    persons = []
    if agent is not None:
        position = sentence.offset + agent.idx
        hit = context.mentions.at(position, position + len(agent.text))
        persons = [hit] if hit is not None and hit[3] in _PERSON_TYPES | _GROUP_TYPES else []
    if not persons:
        persons = [
            m
            for m in context.mentions.before(sentence.end, sentence.start)
            if m[3] in _PERSON_TYPES
        ][:1]
    if not persons:
        return None
    hit = persons[0]
    start, end = context.view.span_to_original(hit[0], hit[1])
    return Attribution(
        hit[3], context.parsed.original[start:end], start, end, hit[2], cue="trailing_speaker"
    )


def _footnote_speaker(context: _Context, quotation: Quotation) -> Attribution | None:
    """«...»** — a quotation whose only attribution is the note its marker points to."""
    close = quotation.end + 1
    o_close = context.view.to_original(min(close, len(context.text)))
    for span in context.parsed.spans:
        if span.kind != "footnote_marker" or not (o_close <= span.start <= o_close + 3):
            continue
        note = next(
            (
                s
                for s in context.parsed.spans
                if s.kind == "footnote" and s.start == span.attrs.get("note_start")
            ),
            None,
        )
        if note is None:
            continue
        references = footnote_references(context.parsed, context.extraction.mentions)
        reference = references.get(note.start)
        if reference is None:
            continue
        return Attribution(
            "work",
            reference.text,
            reference.start,
            reference.end,
            reference.mention,
            cue="footnote",
            work=reference,
        )
    return None


# --- claims ------------------------------------------------------------------------------------


def _claim(context: _Context, sentence: _Sentence) -> Claim | None:
    text = context.text[sentence.start : sentence.end]
    if len(_WORDS.findall(text)) < _MIN_WORDS or not any(
        t.pos_ in ("VERB", "AUX") for t in sentence.span
    ):
        return None
    voice, _ = _voice(context, sentence.start, sentence.end)
    chain: list[Attribution] = [context.author]
    if not voice.is_author:
        chain.append(voice)
    quotation_index = _quote_context(context, sentence)
    if quotation_index is not None:
        for ancestor in _ancestry(context.quotations, quotation_index):
            speaker = context.quotations[ancestor].speaker
            chain.append(
                speaker if speaker is not None else Attribution("unknown", cue="quotation")
            )
    frame = _governing_frame(sentence.frames)
    if frame is not None and frame.colon and _quote_after(context, frame, sentence.end):
        # "Djilas explained ... as follows:" — the quotation is the next
        # paragraph's; this sentence is the narrator introducing it.
        frame = None
    framed: Attribution | None = None
    if frame is not None:
        framed = _attribution(context, frame, chain[-1])
        if framed is not None and framed is not chain[-1]:
            chain.append(framed)
        inner = _frame_inside_quote(context, sentence, frame)
        if inner is not None and framed is not None:
            # "The consul reported: “The minister told me that ...”": the
            # minister's report, quoted by the consul.
            inner_attribution = _attribution(context, inner, chain[-1])
            if inner_attribution is not None:
                frame, framed = inner, inner_attribution
                chain.append(framed)
    chain = _dedupe(chain)
    cues = modality_cues(context.text, sentence.start, sentence.end, context.lexicon)
    carries_quote = framed is not None and _carried_quote(context, frame) is not None
    in_quote = quotation_index is not None and (frame is None or framed is None)
    modality = decide_modality(
        cues, frame.modality if frame is not None else None, quoted=carries_quote or in_quote
    )
    if frame is not None:
        cue_kind = frame.cue.split(":")[0]
        cues.append(
            Cue(
                cue_kind,
                context.text[frame.cue_start : frame.cue_end],
                frame.cue_start,
                frame.cue_end,
            )
        )
    start, end = context.view.span_to_original(sentence.start, sentence.end)
    original = context.parsed.original
    attribution = chain[-1]
    subjects = [
        i
        for i, m in enumerate(context.extraction.mentions)
        if start <= m.start and m.end <= end and i != attribution.mention
    ]
    dates = [i for i, d in enumerate(context.extraction.dates) if start <= d.start and d.end <= end]
    return Claim(
        start=start,
        end=end,
        text=original[start:end],
        attribution=attribution,
        modality=modality,
        chain=chain,
        cues=[_cue_to_original(context.view, c) for c in cues],
        subjects=subjects,
        dates=dates,
        date=context.extraction.dates[dates[0]].edtf if dates else None,
        quotation=quotation_index
        if quotation_index is not None
        else _carried_quote(context, frame),
    )


def _frame_inside_quote(context: _Context, sentence: _Sentence, frame: Frame) -> Frame | None:
    """A frame standing inside the quotation that ``frame`` reports, in the same sentence."""
    index = _carried_quote(context, frame)
    if index is None:
        return None
    quotation = context.quotations[index]
    inside = [
        f
        for f in sentence.frames
        if f is not frame and quotation.start <= f.cue_start < quotation.end
    ]
    return _governing_frame(inside)


def _quote_after(context: _Context, frame: Frame, end: int) -> bool:
    index = _carried_quote(context, frame)
    return index is not None and context.quotations[index].start >= end


def _governing_frame(frames: Sequence[Frame]) -> Frame | None:
    """The frame that reports the sentence: not itself inside another's report; the first such.

    Being reported by another frame is read from scopes, not from the parse's
    depth, which dashes and semicolons confuse ("the delegation stressed that
    ... – they added that ... –" parses "added" as the root).
    """
    outer = [
        f
        for f in frames
        if not any(g is not f and g.scope_start <= f.cue_start < g.scope_end for g in frames)
    ]
    return min(outer or frames, key=lambda f: (f.cue != "according_to", f.cue_start), default=None)


def _dedupe(chain: list[Attribution]) -> list[Attribution]:
    result: list[Attribution] = []
    for link in chain:
        if result and _same_source(result[-1], link):
            continue
        result.append(link)
    return result


def _same_source(a: Attribution, b: Attribution) -> bool:
    if a.is_author or b.is_author:
        return a.is_author and b.is_author
    if a.text is None or b.text is None:
        return a.kind == b.kind
    return name_key(a.text) == name_key(b.text)


def _quote_context(context: _Context, sentence: _Sentence) -> int | None:
    """The innermost direct quotation that holds most of the sentence."""
    text = context.text
    length = sum(1 for ch in text[sentence.start : sentence.end] if not ch.isspace())
    best: int | None = None
    for index, quotation in enumerate(context.quotations):
        if (
            not quotation.direct
            or quotation.end <= sentence.start
            or sentence.end <= quotation.start
        ):
            continue
        start, end = max(sentence.start, quotation.start), min(sentence.end, quotation.end)
        inside = sum(1 for ch in text[start:end] if not ch.isspace())
        if inside * 2 < length:
            continue
        if (
            best is None
            or quotation.end - quotation.start
            < context.quotations[best].end - context.quotations[best].start
        ):
            best = index
    return best


def _ancestry(quotations: Sequence[Quotation], index: int) -> list[int]:
    path = [index]
    parent = quotations[index].parent
    while parent is not None and len(path) < 10:
        path.append(parent)
        parent = quotations[parent].parent
    return list(reversed(path))


def _carried_quote(context: _Context, frame: Frame | None) -> int | None:
    """The direct quotation a frame reports: one opening inside its scope, after its cue."""
    if frame is None:
        return None
    for index, quotation in enumerate(context.quotations):
        if not quotation.direct or quotation.start <= frame.cue_start < quotation.end:
            continue  # the quotation the frame itself stands in
        if frame.scope_start - 2 <= quotation.start < frame.scope_end + 4:
            return index
    return None


def _contains(outer: Quotation, inner: Quotation) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end


def _cue_to_original(view: CleanView, cue: Cue) -> Cue:
    start, end = view.span_to_original(cue.start, cue.end)
    return Cue(cue.kind, view.original[start:end], start, end)


def _to_original_quotation(view: CleanView, quotation: Quotation) -> Quotation:
    start, end = view.span_to_original(quotation.start, quotation.end)
    return replace(quotation, start=start, end=end)


# --- citations ---------------------------------------------------------------------------------


def _cite(context: _Context, claims: list[Claim]) -> list[WorkReference]:
    """Link claims to the works they cite; return every reference of the source."""
    parsed = context.parsed
    mentions = context.extraction.mentions
    notes = footnote_references(parsed, mentions)
    bibliography = bibliography_references(parsed, mentions)
    publications = publication_references(parsed, mentions)
    markers = sorted(
        (s for s in parsed.spans if s.kind == "footnote_marker"), key=lambda s: s.start
    )
    original = parsed.original
    for index, claim in enumerate(claims):
        cited: list[WorkReference] = []
        for marker in markers:
            note = notes.get(int(marker.attrs.get("note_start", -1)))
            if note is None:
                continue
            gap_ok = claim.end <= marker.start <= claim.end + 4 and not original[
                claim.end : marker.start
            ].strip(' .,;:»”’"')
            inside = claim.start < marker.start < claim.end
            next_starts = index + 1 < len(claims) and marker.start <= claims[index + 1].start + 1
            if inside or (gap_ok and next_starts) or (gap_ok and index + 1 == len(claims)):
                cited.append(note)
            elif claim.start == marker.start:
                continue  # a marker opening a sentence belongs to the one before
        for link in claim.chain:
            if link.work is not None and link.work not in cited:
                cited.append(link.work)
            key = name_key(link.text) if link.text and not link.is_author else None
            if key:
                cited.extend(
                    b
                    for b in bibliography
                    if key in name_key_words(b.text.split(",")[0]) and b not in cited
                )
        for (doc_start, doc_end), reference in publications.items():
            if (
                doc_start <= claim.start
                and claim.end <= doc_end
                and not _in_footnote(parsed, claim)
            ):
                cited.append(reference)
        claim.citations = cited
    references = list(notes.values()) + bibliography + list(publications.values())
    return sorted(references, key=lambda r: r.start)


def name_key_words(text: str) -> set[str]:
    return {name_key(word) for word in text.split() if name_key(word)}


def _in_footnote(parsed: ParsedSource, claim: Claim) -> bool:
    return any(
        s.kind == "footnote" and s.start <= claim.start and claim.end <= s.end for s in parsed.spans
    )
