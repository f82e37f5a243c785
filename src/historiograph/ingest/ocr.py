"""Find OCR damage in plain text and propose repairs as edit records.

OCR leaves damaged words: ``agreernent`` (rn read for m), ``si%uation`` (a
mark for a lost letter), ``th.e`` (a speck read as a full stop), ``möst``
(dirt read as an accent). We never rewrite the text: we return ``Edit``
records of kind ``ocr`` for the cleaned view, so the original stays evidence.

Precision matters far more than recall (a wrong repair corrupts a historian's
source); ``ocr_judge`` says when a token is repaired and ``ocr_vocabulary``
which words it may have been. This module finds the tokens and places edits.

Speed: almost every whitespace-delimited chunk of a text has been met before,
in this text or an earlier one, and needs nothing (a known word in
punctuation, a name, a number). The repairer remembers those chunks across
texts, so one C-level pass drops them and only the few left get Python work.
A text's evidence about itself, how often it uses a word, is only looked up
for the words that a pending judgement asks about: from the few chunks that
pass kept, by finding one chunk that holds the word, or at worst by a second
C-level pass.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, filterfalse, islice

from historiograph.ingest.ocr_judge import Analysis, Fix, Judge, Question, Verdict
from historiograph.ingest.ocr_vocabulary import WILDCARDS, OcrRules, Vocabulary, load_rules
from historiograph.model import Edit, Span

__all__ = ["OcrRepairer", "OcrRules", "default_repairer", "find_ocr_repairs", "load_rules"]

# Characters kept inside a token: OCR specks and lost glyphs show up as these
# as often as real punctuation does, so the judging step gets to see them. A
# backtick is only taken at the start, where it is a glyph lost to a speck.
_INNER = "\\-.'’%•·)!:|\u0300-\u036f"
_TOKEN_RE = re.compile(f"`?[^\\W_]+(?:[{_INNER}]{{1,2}}[^\\W_]+)*")
_CHUNK_RE = re.compile(r"\S+")
# Code, URLs, e-mail addresses and markup are never prose to repair.
_CODE_RE = re.compile(r"[_=<>{}\\@#/]|`.*`|^www\.", re.IGNORECASE)
_EDGE = "«»“”„\"'‘’()[],.;:!?*…—–-"  # punctuation around a chunk's word

_JOIN_MIN_FREQ = 1000  # a split word joined into a word this common needs no evidence
_MAX_PAIRS = 4096  # split-word halves are paired up front only below this many pairs
_LOCATE_BY_FIND = 64  # at most this many chunks to find: str.find beats a full scan
_MAX_FINDS = 8  # chunks to look for to tell if a text uses a word, before counting it
_MEMORY = 1 << 17  # chunks remembered across texts before starting afresh

# A chunk's fixes plus its split-word ends, for mending "resis tance": where
# the non-word it ends with starts, that word, and the non-word it starts with.
_Plan = tuple[list[Fix], tuple[int, str] | None, str | None]


@dataclass(frozen=True, slots=True)
class _Chunk:
    """A chunk that may need an edit: its tokens that are not fine, by offset."""

    tokens: tuple[tuple[int, Analysis], ...]
    tail: tuple[int, str] | None  # the fragment it ends with, if any
    head: str | None  # the fragment it starts with, if any
    plan: _Plan | None  # the same in every text, when no token is a question
    evidence: frozenset[str]  # else the words whose counts its questions may read


class OcrRepairer:
    """An English vocabulary and OCR rules, ready to judge texts."""

    def __init__(self, frequencies: Mapping[str, int], rules: OcrRules) -> None:
        self._vocabulary = Vocabulary(frequencies, rules)
        self._judge = Judge(self._vocabulary)
        self._freq = self._vocabulary.freq
        # Chunks met in earlier texts: those that never need an edit, those that
        # may, and for word counts which chunks hold each lowercased word.
        self._inert: set[str] = set()
        self._chunks: dict[str, _Chunk] = {}
        self._holders: defaultdict[str, list[str]] = defaultdict(list)

    def find(self, text: str, *, skip: Sequence[Span] = ()) -> list[Edit]:
        """Edits (kind="ocr") repairing OCR noise in ``text``, outside ``skip``."""
        if len(self._inert) + len(self._chunks) > _MEMORY:
            # Forget only between texts: counting words needs every chunk of
            # the text at hand remembered.
            self._inert.clear()
            self._chunks.clear()
            self._holders.clear()
        words = text.split()
        # The one pass every chunk of the text pays for: drop those that never
        # need an edit, keep the rest with their counts.
        kept = Counter(filterfalse(self._inert.__contains__, words))
        if novel := kept.keys() - self._chunks.keys():
            self._learn(novel)
        chunks = {chunk: info for chunk in kept if (info := self._chunks.get(chunk))}
        if not chunks:
            return []
        counts = _Counts(text, words, kept, self._holders, self._inert)
        plans = self._plans(chunks, counts)
        return _outside(self._place(text, plans, kept, counts), skip)

    def _plans(self, chunks: Mapping[str, _Chunk], counts: _Counts) -> dict[str, _Plan]:
        """The plans of the text's chunks that need an edit, or may be half a split word."""
        tails: set[str] = set()
        heads: set[str] = set()
        for info in chunks.values():
            if info.tail:
                tails.add(info.tail[1])
            if info.head:
                heads.add(info.head)
            if info.evidence:
                counts.expect(info.evidence)
        if paired := len(tails) * len(heads) <= _MAX_PAIRS:
            # Split-word halves are only worth finding if some pair makes a word.
            pairs = [(t, h) for t in tails for h in self._vocabulary.endings(t, heads)]
            counts.expect(t + h for t, h in pairs)
            tails = {t for t, _ in pairs}
            heads = {h for _, h in pairs}
        memo: dict[Question, Verdict] = {}  # the text's answers to questions
        plans: dict[str, _Plan] = {}
        for chunk, info in chunks.items():
            plan = info.plan or self._plan(info, counts, memo)
            if plan and (
                not paired or plan[0] or (plan[1] and plan[1][1] in tails) or plan[2] in heads
            ):
                plans[chunk] = plan
        return plans

    def _place(
        self, text: str, plans: Mapping[str, _Plan], kept: Mapping[str, int], counts: _Counts
    ) -> list[Edit]:
        """The planned fixes as edits of ``text``, split words mended."""
        edits: list[Edit] = []
        taken = 0  # end of the last edit: a mended split word takes in the next chunk
        for start, chunk in _locate(text, plans, kept) if plans else ():
            fixes, tail, _ = plans[chunk]
            fixes = [(start + s, start + e, r) for s, e, r in fixes]
            joined = tail and self._join(text, start + tail[0], tail[1], plans, counts)
            if joined:  # the mended split word beats both halves' own fixes
                fixes = [f for f in fixes if f[1] <= joined[0]] + [joined]
            for s, e, r in fixes:
                if s >= taken:
                    edits.append(Edit(s, e, r, "ocr"))
                    taken = e
        return edits

    def _learn(self, novel: Iterable[str]) -> None:
        """Meet new chunks: note the words each holds, then judge what needs no text."""
        freq, holders, inert = self._freq, self._holders, self._inert  # a hot loop when cold
        for chunk in novel:
            core = chunk.strip(_EDGE)
            word = core.lower().replace("’", "'")
            if word in freq:  # a known word in punctuation, the common case
                if not core.isupper() or len(core) == 1:  # "MIT" is no evidence for "mit"
                    holders[word].append(chunk)
                inert.add(chunk)
                continue
            for token in _TOKEN_RE.findall(chunk):
                if not token.isupper() or len(token) == 1:
                    word = token.lower().replace("’", "'")
                    for key in {word, *word.split("-")}:  # "conda-forge" has a "conda"
                        holders[key].append(chunk)
            if (info := self._analyse(chunk)) is None:
                inert.add(chunk)
            else:
                self._chunks[chunk] = info

    def _analyse(self, chunk: str) -> _Chunk | None:
        """The chunk's tokens that may need an edit, and its split-word ends."""
        if _CODE_RE.search(chunk):
            return None
        tokens: list[tuple[int, Analysis]] = []
        tail: tuple[int, str] | None = None
        head: str | None = None
        for match in _TOKEN_RE.finditer(chunk):
            if chunk[match.end() : match.end() + 1] in WILDCARDS:
                continue  # "nationa%": its end is lost, so is any way to know the word
            analysis = self._judge.analyse(match.group())
            if isinstance(analysis, Question) or analysis.fixes:
                tokens.append((match.start(), analysis))
            if analysis.fragment and match.start() == 0:
                head = match.group()
            if analysis.fragment and match.end() == len(chunk):
                tail = (match.start(), match.group())
        if not (tokens or tail or head):
            return None
        questions = [a for _, a in tokens if isinstance(a, Question)]
        if questions:  # its fixes depend on the text
            evidence = frozenset().union(*(q.evidence for q in questions))
            return _Chunk(tuple(tokens), tail, head, None, evidence)
        fixes = [
            (at + s, at + e, r) for at, a in tokens if isinstance(a, Verdict) for s, e, r in a.fixes
        ]
        return _Chunk((), tail, head, (fixes, tail, head), frozenset())

    def _plan(self, info: _Chunk, counts: _Counts, memo: dict[Question, Verdict]) -> _Plan | None:
        """Fixes inside one chunk, given its text's counts, and its split-word ends."""
        fixes = [
            (at + s, at + e, r)
            for at, analysis in info.tokens
            for s, e, r in self._judge.decide(analysis, counts, memo).fixes
        ]
        return (fixes, info.tail, info.head) if fixes or info.tail or info.head else None

    def _join(
        self, text: str, start: int, word: str, plans: Mapping[str, _Plan], counts: _Counts
    ) -> Fix | None:
        """Mend "resis tance": two non-words one space apart that make a word."""
        end = start + len(word)
        if text[end : end + 1] != " " or (after := _CHUNK_RE.match(text, end + 1)) is None:
            return None
        head = plans[after.group()][2] if after.group() in plans else None
        joined = word + (head or "")
        freq = self._freq.get(joined, 0)
        if not head or len(joined) < 6 or not (freq >= _JOIN_MIN_FREQ or counts.uses(joined)):
            return None
        return (start, end + 1 + len(head), joined)


class _Counts(dict[str, int]):
    """How often each lowercased word occurs in one text (ALL-CAPS tokens aside).

    Only words asked about are counted. A word whose every holding chunk was
    kept by the text's first pass is counted from that pass's counts; another
    needs a pass over all the text's words, which counts every word expected
    to be asked about in one go. Whether the text uses a word at all is often
    told sooner, by finding one chunk that holds it. A dict, so a word counted
    once costs a C-level lookup.
    """

    def __init__(
        self,
        text: str,
        words: list[str],
        kept: Counter[str],
        holders: Mapping[str, list[str]],
        inert: set[str],
    ) -> None:
        super().__init__()
        self._text = text
        self._words = words
        self._kept = kept
        self._holders = holders
        self._inert = inert
        self._expected: set[str] = set()
        self._used: dict[str, bool] = {}

    def expect(self, words: Iterable[str]) -> None:
        """Words likely to be asked about: counted together, if a pass is needed."""
        self._expected.update(words)

    def __missing__(self, word: str) -> int:
        holders = self._holders.get(word, ())
        if self._inert.isdisjoint(holders):
            count = self[word] = sum(self._kept[chunk] for chunk in holders)
            return count
        expected, self._expected = self._expected, set()
        tally = {w: self._holders.get(w, ()) for w in (word, *expected) if w not in self}
        wanted = {chunk for chunks in tally.values() for chunk in chunks}
        # One C-level pass; the chunks' hashes are cached since the first one.
        found = Counter(filter(wanted.__contains__, self._words))
        for w, chunks in tally.items():
            self[w] = sum(found[chunk] for chunk in chunks)
        return self[word]

    def uses(self, word: str) -> bool:
        """Does the text use ``word``? The first chunk found that holds it tells."""
        used = self._used.get(word)
        if used is None:
            holders = self._holders.get(word, ())
            if word in self or len(holders) > _MAX_FINDS:
                used = self[word] > 0
            else:
                used = any(
                    next(_whole(self._text, chunk), -1) >= 0
                    if chunk in self._inert
                    else self._kept[chunk] > 0
                    for chunk in holders
                )
            self._used[word] = used
        return used


def _whole(text: str, chunk: str) -> Iterator[int]:
    """Where ``chunk`` occurs in ``text`` as a whole whitespace-delimited chunk."""
    at = text.find(chunk)
    while at >= 0:
        end = at + len(chunk)
        if (at == 0 or text[at - 1].isspace()) and (end == len(text) or text[end].isspace()):
            yield at
        at = text.find(chunk, at + 1)


def _locate(
    text: str, plans: Mapping[str, _Plan], counts: Mapping[str, int]
) -> list[tuple[int, str]]:
    """Where each planned chunk occurs as a whole whitespace-delimited chunk."""
    if len(plans) > _LOCATE_BY_FIND:
        return [(m.start(), m.group()) for m in _CHUNK_RE.finditer(text) if m.group() in plans]
    # The count says when the last one is found: no need to search further.
    return sorted(
        (at, chunk) for chunk in plans for at in islice(_whole(text, chunk), counts[chunk])
    )


def _outside(edits: list[Edit], skip: Sequence[Span]) -> list[Edit]:
    """Drop edits touching any ``skip`` range (boilerplate and the like)."""
    ranges = sorted((s.start, s.end) for s in skip if s.end > s.start)
    if not ranges:
        return edits
    starts = [start for start, _ in ranges]
    reach = list(accumulate((end for _, end in ranges), max))  # furthest end so far
    return [e for e in edits if (i := bisect_left(starts, e.end)) == 0 or reach[i - 1] <= e.start]


@lru_cache(maxsize=1)
def default_repairer() -> OcrRepairer:
    """The shipped repairer, built once: pyspellchecker's English list and our rules."""
    from spellchecker import SpellChecker  # a heavy import, needed once

    frequencies = SpellChecker(language="en", distance=1).word_frequency.dictionary
    return OcrRepairer(frequencies, load_rules())


def find_ocr_repairs(text: str, *, skip: Sequence[Span] = ()) -> list[Edit]:
    """Edits (kind="ocr") that repair OCR noise in `text`.

    Ranges in `skip` (e.g. boilerplate) are left alone.
    """
    return default_repairer().find(text, skip=skip)
