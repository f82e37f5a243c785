"""Reporting frames: who a sentence says asserts something, read from spaCy's dependency parse.

A frame is a source plus the cue that makes it one:

- a reporting verb whose subject is a source and which takes a that-clause
  ("Roberts was able to show that ..."), a quotation ("he reported the
  possibility ‘that ...’"), a colon or "as follows:" ("Hitler reportedly said:
  ‘...’"), or stands in a parenthetical ("One of them, Kasche said, was ...");
- "according to X";
- a claim noun with a that-clause owned by a source ("Djilas' view that ...",
  "they were of the opinion that ...").

A source is a name the NLP stage found (person, organisation, group, work), a
noun of the source lexicon heading the subject ("some historians", "a German
memorandum", "the delegation"), or a pronoun (resolved later). "You", "all",
"one", events and evidence ("the meeting shows that") are not sources.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from historiograph.claims.lexicon import Lexicon

_SUBJECTS = {"nsubj", "nsubjpass", "csubj"}
_CLIMB = {"xcomp", "conj", "acomp", "advcl"}
_WH = {"whether", "if", "why", "how", "what", "when", "where", "who", "which", "whom"}
_PERSONAL = {"he", "she", "him", "her"}
_PLURAL = {"they", "them"}
_SPEAKER = {"i", "we", "me", "us"}  # the voice the sentence is in
_NOT_SOURCES = {
    "you",
    "all",
    "one",
    "everyone",
    "everybody",
    "someone",
    "somebody",
    "nobody",
    "none",
    "anyone",
    "each",
    "both",
    "this",
    "that",
    "these",
    "those",
    "which",
    "who",
    "there",
    "what",
}
_CHUNK_CUT = {"relcl", "acl", "appos", "punct", "parataxis", "advcl", "cc", "conj", "prep"}
_KEEP_OF = {"of"}  # "the leaders of the Shkodra Group" keeps its of-phrase
_ACCORDANCE = {
    "order",
    "plan",
    "instruction",
    "directive",
    "rule",
    "law",
    "custom",
    "tradition",
    "schedule",
    "principle",
    "regulation",
    "wish",
    "need",
    "requirement",
    "standard",
    "procedure",
}
_OPINION_VERBS = {
    "be",
    "hold",
    "take",
    "share",
    "express",
    "voice",
    "advance",
    "put",
    "adopt",
    "reach",
}


@dataclass
class Frame:
    """A source and the cue that reports it, in the clean text's offsets."""

    source_start: int
    source_end: int
    source_text: str
    source_kind: str  # a mention type, collective, document, or pronoun
    mention: int | None
    pronoun: str | None  # he/she/they/it/we... still to resolve
    cue: str  # reporting_verb:<lemma> | according_to | claim_noun:<lemma>
    cue_start: int
    cue_end: int
    modality: str  # what the cue gives: asserted | hedged | denied
    depth: float  # distance from the sentence root; the outermost frame wins
    scope_start: int  # what is reported
    scope_end: int
    colon: bool = False  # the report is introduced by a colon (a quotation follows)


class MentionIndex:
    """The extraction's mentions in clean offsets, for looking up what a token is."""

    def __init__(self, spans: Sequence[tuple[int, int, int, str]]) -> None:
        self.spans = sorted(spans)
        self._starts = [s[0] for s in self.spans]

    def at(self, start: int, end: int) -> tuple[int, int, int, str] | None:
        """The mention overlapping ``[start, end)`` (the longest one)."""
        k = bisect_left(self._starts, end)
        best: tuple[int, int, int, str] | None = None
        for span in self.spans[max(0, k - 8) : k]:
            overlaps = span[0] < end and start < span[1]
            if overlaps and (best is None or span[1] - span[0] > best[1] - best[0]):
                best = span
        return best

    def before(self, position: int, lower: int) -> list[tuple[int, int, int, str]]:
        """Mentions ending in ``[lower, position)``, nearest last."""
        k = bisect_left(self._starts, position)
        return [s for s in self.spans[:k] if lower <= s[0] and s[1] <= position]


def _depth(token: Token) -> int:
    depth = 0
    while token.head.i != token.i and depth < 50:
        token = token.head
        depth += 1
    return depth


def _subject(verb: Token) -> Token | None:
    """The verb's subject, climbing through "was able to show", "confirmed and admitted"."""
    token = verb
    for _ in range(4):
        for child in token.children:
            if child.dep_ in _SUBJECTS:
                return None if child.dep_ == "nsubjpass" and child.lower_ == "it" else child
            if child.dep_ == "agent":
                for grand in child.children:
                    if grand.dep_ == "pobj":
                        return grand
        if token.dep_ not in _CLIMB or token.head.i == token.i:
            return None
        token = token.head
    return None


def _phrase(head: Token, offset: int) -> tuple[int, int]:
    """The noun phrase of ``head`` without relative clauses, appositions or trailing modifiers."""
    left, right = head.i, head.i
    for child in head.children:
        if child.dep_ in _CHUNK_CUT and not (child.dep_ == "prep" and child.lower_ in _KEEP_OF):
            continue
        if child.i < head.i:
            left = min(left, child.left_edge.i)
        else:
            right = max(right, child.right_edge.i)
    doc = head.doc
    while left < right and doc[left].is_punct:
        left += 1
    while right > left and doc[right].is_punct:
        right -= 1
    return offset + doc[left].idx, offset + doc[right].idx + len(doc[right].text)


def source_of(token: Token, offset: int, mentions: MentionIndex, lexicon: Lexicon) -> Frame | None:
    """A partial frame naming the source that ``token`` heads, or None if it is no source."""
    lower = token.lower_
    start = offset + token.idx
    end = start + len(token.text)
    if lower in _NOT_SOURCES or token.like_num:
        return None
    if token.pos_ == "PRON" or lower in _PERSONAL | _PLURAL | _SPEAKER | {"it"}:
        if lower in _PERSONAL | _PLURAL | _SPEAKER or lower == "it":
            return Frame(
                start, end, token.text, "pronoun", None, lower, "", 0, 0, "asserted", 0, 0, 0
            )
        return None
    # A person named in an apposition or a coordination is the better source:
    # "the Minister, Kasche, said"; a parse that makes a quoted title the
    # subject and the speaker its conjunct ("“The Sword and the Shield” ..., Sir
    # Julian Amery, ... explained").
    candidates = [token] + [c for c in token.children if c.dep_ in ("appos", "conj")]
    hits = []
    for candidate in candidates:
        c_start = offset + candidate.idx
        hit = mentions.at(c_start, c_start + len(candidate.text))
        if hit is not None and hit[3] != "other":
            hits.append(hit)
    hits.sort(key=lambda h: h[3] != "person")
    if hits:
        hit = hits[0]
        kind = hit[3] if hit[3] != "place" else "organization"  # a country acting: its government
        text = token.doc.text[hit[0] - offset : hit[1] - offset]
        return Frame(hit[0], hit[1], text, kind, hit[2], None, "", 0, 0, "asserted", 0, 0, 0)
    if token.lemma_.lower() in lexicon.source_nouns or lower in lexicon.source_nouns:
        p_start, p_end = _phrase(token, offset)
        text = token.doc.text[p_start - offset : p_end - offset]
        kind = "collective" if token.tag_ in ("NNS", "NNPS") or _is_body(token) else "document"
        return Frame(p_start, p_end, text, kind, None, None, "", 0, 0, "asserted", 0, 0, 0)
    if token.pos_ == "PROPN" and token.tag_ in ("NNP", "NNPS") and not _quoted(token):
        # A name the NLP stage missed ("The Times reported that ..."); a quoted
        # title ("the “Percentages Agreement” confirmed that") is none.
        p_start, p_end = _phrase(token, offset)
        text = token.doc.text[p_start - offset : p_end - offset]
        determined = any(c.dep_ == "det" for c in token.children)
        return Frame(
            p_start,
            p_end,
            text,
            "organization" if determined else "person",
            None,
            None,
            "",
            0,
            0,
            "asserted",
            0,
            0,
            0,
        )
    return None


def _quoted(token: Token) -> bool:
    doc = token.doc
    around = doc[max(0, token.left_edge.i - 1) : min(len(doc), token.right_edge.i + 2)]
    return any(t.is_quote for t in around)


_BODIES = {
    "delegation",
    "committee",
    "government",
    "party",
    "council",
    "conference",
    "congress",
    "commission",
    "command",
    "headquarters",
    "leadership",
    "ministry",
    "politburo",
    "press",
    "tribunal",
    "agency",
    "administration",
    "authority",
    "scholarship",
    "historiography",
}


def _is_body(token: Token) -> bool:
    return token.lemma_.lower() in _BODIES


def _complement(verb: Token) -> Token | None:
    """The verb's clausal complement, unless it is an embedded question.

    A complement after the verb comes first ("it stated that ..." even when the
    parse also hangs "By the time ... was released" on it); one before it is
    the quotation of "“...,” he said".
    """
    clauses = [c for c in verb.children if c.dep_ in ("ccomp", "csubj")]
    clauses.sort(key=lambda c: (c.i < verb.i, abs(c.i - verb.i)))
    for child in clauses:
        if child.i < verb.i and not _reporting_tail(child, verb):
            continue
        first = child.left_edge
        marks = [
            c.lower_
            for c in child.children
            if c.dep_ in ("mark", "advmod", "nsubj", "dobj", "attr")
        ]
        if first.lower_ in _WH or (marks and marks[0] in _WH and first.lower_ != "that"):
            continue
        return child
    return None


def _reporting_tail(clause: Token, verb: Token) -> bool:
    """ "“…,” he said" / "X was a Croat, Kasche said": the clause ends in a comma or a closing mark
    right before the reporting clause (not a semicolon: "...; they are thinking of ...")."""
    doc = verb.doc
    end = clause.right_edge.i
    between = doc[end + 1 : verb.i]
    marks = [t.text for t in doc[end : verb.i] if t.is_punct]
    words = [t for t in between if not t.is_punct]
    return (
        bool(marks)
        and marks[-1] in (",", "”", "’", '"', "'", "»")
        and ";" not in marks
        and len(words) <= 4
    )


def _that_after(sentence: SpacySpan, verb: Token) -> Token | None:
    """A "that" opening a clause soon after the verb, where the parse lost the complement.

    ("he confirmed and admitted for the first time that ..." hangs the clause on "time".)
    """
    for token in sentence:
        if token.i <= verb.i:
            continue
        if token.i - verb.i > 8 or (token.pos_ in ("VERB", "AUX") and token.dep_ != "conj"):
            return None
        if token.lower_ == "that" and token.dep_ == "mark":
            return token
    return None


def _colon_after(sentence: SpacySpan, verb: Token) -> int | None:
    """Index of a colon closing the verb's clause ("said:", "as follows:", "why X fell:")."""
    for token in sentence:
        if token.i <= verb.i:
            continue
        if token.text == ":":
            return token.i
        if token.dep_ in ("ROOT",) and token.i != verb.i:
            return None
    return None


def _parenthetical(verb: Token, subject: Token) -> bool:
    """ "One of them, Kasche said, was ..." — the reporting clause sits between commas."""
    doc = verb.doc
    left = subject.left_edge.i - 1
    right = verb.i + 1
    before = doc[left].text if left >= 0 else ""
    after = doc[right].text if right < len(doc) else ""
    if verb.dep_ == "parataxis" and (after in (",", ".", "—", "–", ";") or not after):
        return True
    return before in (",", "—", "–") and after in (",", ".", "—", "–", "”", "’")


def find_frames(
    sentence: SpacySpan,
    offset: int,
    mentions: MentionIndex,
    lexicon: Lexicon,
    quotes: Sequence[tuple[int, int]],
) -> list[Frame]:
    """Reporting frames of one sentence (``offset``: where its doc starts in the clean text)."""
    frames: list[Frame] = []
    sent_start = offset + sentence.start_char
    sent_end = offset + sentence.end_char
    for token in sentence:
        lemma = token.lemma_.lower()
        if (
            token.lower_ == "according"
            and token.i + 1 < len(token.doc)
            and token.doc[token.i + 1].lower_ == "to"
        ):
            frame = _according_to(token, offset, mentions, lexicon, sent_start, sent_end)
        elif token.pos_ in ("VERB", "AUX") and lemma in lexicon.reporting_verbs:
            frame = _verb_frame(sentence, token, offset, mentions, lexicon, quotes, sent_end)
        elif token.pos_ == "NOUN" and lemma in lexicon.claim_nouns:
            frame = _noun_frame(token, offset, mentions, lexicon)
        else:
            frame = None
        if frame is not None:
            frames.append(frame)
    return frames


def _according_to(
    token: Token,
    offset: int,
    mentions: MentionIndex,
    lexicon: Lexicon,
    sent_start: int,
    sent_end: int,
) -> Frame | None:
    to = token.doc[token.i + 1]
    objects = [c for c in to.children if c.dep_ == "pobj"] or [
        c for c in token.children if c.dep_ == "pobj"
    ]
    if not objects:
        return None
    if objects[0].lemma_.lower() in _ACCORDANCE:
        return None  # "according to the orders of the CPA": in accordance with, not a report
    frame = source_of(objects[0], offset, mentions, lexicon)
    if frame is None:
        return None
    frame.cue = "according_to"
    frame.cue_start = offset + token.idx
    frame.cue_end = offset + to.idx + len(to.text)
    frame.depth = -1  # "according to" frames the whole sentence
    frame.scope_start, frame.scope_end = sent_start, sent_end
    return frame


def _verb_frame(
    sentence: SpacySpan,
    verb: Token,
    offset: int,
    mentions: MentionIndex,
    lexicon: Lexicon,
    quotes: Sequence[tuple[int, int]],
    sent_end: int,
) -> Frame | None:
    lemma = verb.lemma_.lower()
    if lemma == "point" and not any(c.dep_ == "prt" and c.lower_ == "out" for c in verb.children):
        return None
    if verb.tag_ == "VBG" and verb.dep_ in ("amod", "acl") and lemma != "say":
        return None  # "clearly referring to the talks", "the following conditions"
    subject = _subject(verb)
    if subject is None:
        return None
    verb_start = offset + verb.idx
    complement = _complement(verb)
    colon = _colon_after(sentence, verb)
    scope: tuple[int, int] | None = None
    is_colon = False
    if colon is not None and complement is not None and colon < complement.left_edge.i:
        complement = (
            None  # "explained why X was abandoned: “When we saw that ...”": the colon's quotation
        )
    if complement is not None:
        scope = (
            offset + complement.left_edge.idx,
            offset + complement.right_edge.idx + len(complement.right_edge.text),
        )
        # A quotation opened inside the complement runs on after the parse's last token.
        scope = (scope[0], max(scope[1], _quote_end_from(scope, quotes)))
    elif (that := _that_after(sentence, verb)) is not None:
        scope = (offset + that.idx, sent_end)
    elif colon is not None:
        colon_start = offset + sentence.doc[colon].idx
        scope = (colon_start, max(sent_end, _quote_end_from((colon_start, sent_end), quotes)))
        is_colon = True
    elif _parenthetical(verb, subject):
        scope = (offset + sentence.start_char, sent_end)
    else:
        subtree = (
            offset + verb.left_edge.idx,
            offset + verb.right_edge.idx + len(verb.right_edge.text),
        )
        inside = [q for q in quotes if subtree[0] <= q[0] < subtree[1] and q[0] > verb_start]
        if inside:  # "he reported the possibility ‘that ...’"
            scope = (inside[0][0], max(subtree[1], inside[0][1]))
    if scope is None:
        return None
    frame = source_of(subject, offset, mentions, lexicon)
    if frame is None:
        return None
    frame.cue = f"reporting_verb:{lemma}"
    frame.cue_start, frame.cue_end = verb_start, verb_start + len(verb.text)
    frame.modality = lexicon.reporting_verbs[lemma]
    frame.depth = _depth(verb)
    frame.scope_start, frame.scope_end = scope
    frame.colon = is_colon
    return frame


def _quote_end_from(scope: tuple[int, int], quotes: Sequence[tuple[int, int]]) -> int:
    # Up to a few characters after the scope: the mark and the line break before a block quotation.
    ends = [end for start, end in quotes if scope[0] - 2 <= start <= scope[1] + 4]
    return max(ends, default=scope[1])


def _noun_frame(noun: Token, offset: int, mentions: MentionIndex, lexicon: Lexicon) -> Frame | None:
    clause = next(
        (
            c
            for c in noun.children
            if c.dep_ in ("acl", "ccomp", "relcl")
            and any(g.dep_ == "mark" and g.lower_ == "that" for g in c.children)
        ),
        None,
    )
    if clause is None:
        return None
    owner: Token | None = next((c for c in noun.children if c.dep_ == "poss"), None)
    if owner is None and noun.dep_ == "pobj" and noun.head.lower_ in ("of", "in"):
        governor = noun.head.head
        if governor.lemma_.lower() in _OPINION_VERBS:
            owner = _subject(governor)
    elif owner is None and noun.dep_ == "dobj" and noun.head.lemma_.lower() in _OPINION_VERBS:
        owner = _subject(noun.head)
    if owner is None:
        return None
    frame = source_of(owner, offset, mentions, lexicon)
    if frame is None:
        return None
    lemma = noun.lemma_.lower()
    frame.cue = f"claim_noun:{lemma}"
    frame.cue_start = offset + noun.idx
    frame.cue_end = frame.cue_start + len(noun.text)
    frame.modality = lexicon.claim_nouns[lemma]
    frame.depth = _depth(noun)
    frame.scope_start = offset + clause.left_edge.idx
    frame.scope_end = offset + clause.right_edge.idx + len(clause.right_edge.text)
    return frame


def is_subject(token: Token) -> bool:
    """Whether a token names the subject of its clause (directly or in apposition to it)."""
    while token.dep_ in ("compound", "flat", "appos") and token.head.i != token.i:
        token = token.head
    return token.dep_ in _SUBJECTS
