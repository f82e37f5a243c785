"""Find OCR damage in plain text and propose repairs as edit records.

OCR leaves damaged words: ``agreernent`` (rn read for m), ``si%uation`` (a
mark for a lost letter), ``th.e`` (a speck read as a full stop), ``möst``
(dirt read as an accent). We never rewrite the text: we return ``Edit``
records of kind ``ocr`` for the cleaned view, so the original stays evidence.

Precision matters far more than recall (a wrong repair corrupts a historian's
source), so a token is repaired only when it is not an English word (by
pyspellchecker's frequency list, plus derived and British spellings and
protected loanwords), not a name or code (ALL CAPS, camelCase, URLs; a
capitalised token needs a common-word repair that the document itself uses),
one candidate is frequent (or used by the document) and far ahead of the rest,
and, if the token recurs, its repair recurs far more often in the document.

Candidates come from the cheapest kind of change that yields any known word:
(0) dropping specks, resolving marks and digits, stripping accents; (1) one
glyph confusion from ``data/ocr_confusions.txt``; (2) swapping two adjacent
letters or, inside plain lowercase words of six letters or more, one letter.

Speed: the text is split on whitespace and each distinct chunk is judged once;
only out-of-vocabulary tokens get candidate work (kept across texts where it
needs no document), and only chunks that need an edit are found again.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import accumulate, product
from string import ascii_lowercase

from historiograph.model import Edit, Span

# Characters kept inside a token: OCR specks and lost glyphs show up as these
# as often as real punctuation does, so the judging step gets to see them. A
# backtick is only taken at the start, where it is a glyph lost to a speck.
_INNER = "\\-.'’%•·)!:|\u0300-\u036f"
_TOKEN_RE = re.compile(f"`?[^\\W_]+(?:[{_INNER}]{{1,2}}[^\\W_]+)*")
_SEPARATORS_RE = re.compile(r"[-.:'’)!]+")  # the inner marks that may part two words
_CHUNK_RE = re.compile(r"\S+")
_WILDCARDS = frozenset("%•·`")  # marks that stand for a lost letter, not a speck
# Code, URLs, e-mail addresses and markup are never prose to repair.
_CODE_RE = re.compile(r"[_=<>{}\\@#/]|`.*`|^www\.", re.IGNORECASE)
_CLITIC_RE = re.compile(r"(.*[^\W\d_])(['’](?:s|d|m|t|ll|re|ve))", re.IGNORECASE)
_FOOTNOTE_RE = re.compile(r"(.*[^\W\d_])\d+")  # "prospect5": a note marker, not damage
_GLYPH_HYPHEN_RE = re.compile(r"([a-z])-([a-z]{3,})")  # "r-arty": a split first glyph
_HYPHENATED_RE = re.compile(r"[a-z]+(?:-[a-z]+)+")  # the hyphens are the only damage
_LOANWORD_END_RE = re.compile(r"[éèê]s?$")  # "passé", "exposés": accents English keeps

_MAX_ODD = 3  # a token with more odd characters is junk, not a damaged word
_MAX_FORMS = 8  # confusions and edits only run on a few resolved spellings
_MIN_FREQ = (100, 1000, 2000)  # per kind of change, for words the document lacks
_TITLE_MIN_FREQ = 1000  # a capitalised token is only mended into a common word
_COMPOUND_MIN_FREQ = 1000  # "hotkey" is hot+key, not a typo of "hockey"
_DOC_BOOST = 20  # a word the document uses elsewhere is that much likelier
_MARGIN = 10  # the winner must outscore the runner-up this many times
_REPEAT_MARGIN = 5  # a recurring token's repair must recur this many times more
_SHORT = 5  # candidates shorter than this need the document's own evidence
_LOCATE_BY_FIND = 64  # at most this many chunks to find: str.find beats a full scan
_CACHE = 1 << 16  # token judgements kept across texts (those that need no document)
_EDGE = "«»“”„\"'‘’()[],.;:!?*…—–-"  # punctuation around a chunk's word

_Fix = tuple[int, int, str]  # (start, end, replacement), relative to a token or chunk
# A chunk's fixes plus its split-word ends, for mending "resis tance": where
# the non-word it ends with starts, that word, and the non-word it starts with.
_Plan = tuple[list[_Fix], tuple[int, str] | None, str | None]


@dataclass(frozen=True, slots=True)
class _Verdict:
    fixes: tuple[_Fix, ...] = ()
    fragment: bool = False  # a lowercase non-word that may be half of a split word


_FINE = _Verdict()


@dataclass(frozen=True, slots=True)
class OcrRules:
    """Language knowledge beside the vocabulary; see ``data/ocr_*.txt``."""

    confusions: tuple[tuple[str, str], ...] = ()  # (seen, meant)
    protected: frozenset[str] = frozenset()  # words never to touch
    suffixes: tuple[str, ...] = ()  # derived words count as known ...
    prefixes: tuple[str, ...] = ()
    british: tuple[tuple[str, str], ...] = ()  # ... and so do British spellings


class OcrRepairer:
    """An English vocabulary and OCR rules, ready to judge texts."""

    def __init__(self, frequencies: Mapping[str, int], rules: OcrRules) -> None:
        self._freq = dict(frequencies)
        self._rules = rules
        # Confusions of one non-letter (digits, marks) resolve odd characters;
        # the letter confusions make the kind-1 candidates.
        self._odd: dict[str, tuple[str, ...]] = {}
        self._letters = tuple(pair for pair in rules.confusions if pair[0].isalpha())
        for seen, meant in rules.confusions:
            if len(seen) == 1 and not seen.isalpha():
                self._odd[seen] = (*self._odd.get(seen, ()), meant)
        # What needs no document is worked out once per token, across texts.
        self._settled: dict[str, _Verdict] = {}  # verdicts that need no document
        self._plain: dict[str, str] = {}  # chunk -> the known word in it ("" if ALL CAPS)
        self._is_word = lru_cache(_CACHE)(self._check_word)
        self._resolves = lru_cache(_CACHE)(self._check_resolves)
        self._candidates = lru_cache(_CACHE)(self._find_candidates)

    def find(self, text: str, *, skip: Sequence[Span] = ()) -> list[Edit]:
        """Edits (kind="ocr") repairing OCR noise in ``text``, outside ``skip``."""
        chunks = Counter(text.split())
        doc = _Document(self, chunks)
        plans = {chunk: plan for chunk in doc.odd if (plan := doc.plan(chunk)) is not None}
        # Split-word halves are only worth finding if some pair makes a word.
        tails = {plan[1][1] for plan in plans.values() if plan[1]}
        heads = {plan[2] for plan in plans.values() if plan[2]}
        if len(tails) * len(heads) <= 4096:
            tails = {t for t in tails if any(t + h in self._freq for h in heads)}
            heads = {h for h in heads if any(t + h in self._freq for t in tails)}
            plans = {
                chunk: plan
                for chunk, plan in plans.items()
                if plan[0] or (plan[1] and plan[1][1] in tails) or plan[2] in heads
            }
        edits: list[Edit] = []
        taken = 0  # end of the last edit: a mended split word takes in the next chunk
        for start, chunk in _locate(text, plans, chunks) if plans else ():
            fixes, tail, _ = plans[chunk]
            fixes = [(start + s, start + e, r) for s, e, r in fixes]
            joined = tail and self._join(text, start + tail[0], tail[1], plans, doc)
            if joined:  # the mended split word beats both halves' own fixes
                fixes = [f for f in fixes if f[1] <= joined[0]] + [joined]
            for s, e, r in fixes:
                if s >= taken:
                    edits.append(Edit(s, e, r, "ocr"))
                    taken = e
        return _outside(edits, skip)

    def _join(
        self, text: str, start: int, word: str, plans: Mapping[str, _Plan], doc: _Document
    ) -> _Fix | None:
        """Mend "resis tance": two non-words one space apart that make a word."""
        end = start + len(word)
        if text[end : end + 1] != " " or (after := _CHUNK_RE.match(text, end + 1)) is None:
            return None
        head = plans[after.group()][2] if after.group() in plans else None
        joined = word + (head or "")
        freq = self._freq.get(joined, 0)
        if not head or len(joined) < 6 or not (freq >= _MIN_FREQ[1] or doc.counts[joined]):
            return None
        return (start, end + 1 + len(head), joined)

    def _judge(self, token: str, doc: _Document) -> _Verdict:
        """What to do with one token (cached per document by ``doc``)."""
        word = token.lower().replace("’", "'")
        if word in self._freq or token.lstrip("`")[0].isdigit():
            return _FINE
        if (settled := self._settled.get(token)) is not None:
            return settled
        if (match := _CLITIC_RE.fullmatch(token)) or (match := _FOOTNOTE_RE.fullmatch(token)):
            return _Verdict(doc.judge(match.group(1)).fixes)  # judge the stem alone
        letters = [ch for ch in token if ch.isalpha()]
        parts = tuple(part for part in _SEPARATORS_RE.split(word.lstrip("`")) if part)
        if (
            sum(ch.isalnum() for ch in token) < 2
            or not letters
            or any(ch.isupper() for ch in letters[1:])  # ALL CAPS, camelCase, "Tirana-Elbasan"
            or all(len(p) < 2 and p.isalpha() for p in parts)  # abbreviations: e.g, a.m
            or self._is_word(word, parts)  # known compounds, derived and British spellings
            or (word[0] == "`" and (len(letters) < 5 or self._is_word(word[1:], parts)))
        ):  # (the last: a Markdown code span, not a lost first letter)
            return self._settle(token, _FINE)
        title = letters[0].isupper()
        # A lowercase non-word may be half of a word split by a stray space.
        fragment = not title and word.isascii() and word.isalpha()
        # A compound whose pieces are words once specks and accents are resolved
        # keeps its hyphens ("cease-firë"); else the hyphen may be the speck
        # ("ava-ilable", "s-hedding"); else its pieces are mended one by one.
        pieces = list(re.finditer(r"[^-]+", token)) if "-" in token else []
        if pieces and all(len(p.group()) > 1 and self._resolves(p.group()) for p in pieces):
            return self._by_piece(pieces, doc, fragment)
        fix = None
        if not pieces or _HYPHENATED_RE.fullmatch(word):  # never "war-ti%e" into "wartime"
            found = self._candidates(word, title, len(letters), parts, 0 if pieces else 2)
            if found is None and not pieces:
                return self._settle(token, _Verdict(fragment=fragment))
            fix = found and self._choose(found[1], found[0], title, doc)
            fix = fix if found and fix and self._freq[fix] >= found[2] else None
        seen = doc.counts[word]  # a name recurs; a lowercase term ("inode") recurs more
        if fix and (seen < (2 if title else 3) or doc.counts[fix] >= _REPEAT_MARGIN * seen):
            fix = fix[:1].upper() + fix[1:] if title else fix
            return _Verdict(((0, len(token), fix),), fragment)
        return self._by_piece(pieces, doc, fragment)

    def _settle(self, token: str, verdict: _Verdict) -> _Verdict:
        """Keep a verdict that needs no document, for every later text."""
        if len(self._settled) > _CACHE:
            self._settled.clear()
        self._settled[token] = verdict
        return verdict

    def _check_resolves(self, piece: str) -> bool:
        """Is ``piece`` a word once its odd characters are resolved?"""
        return any(self._is_word(form, (form,)) for form in _forms(piece.lower(), self._odd) or ())

    @staticmethod
    def _by_piece(pieces: list[re.Match[str]], doc: _Document, fragment: bool) -> _Verdict:
        """The fixes of a compound's pieces, each judged on its own ("war-tinie")."""
        fixes = [
            (piece.start() + s, piece.start() + e, r)
            for piece in pieces
            for s, e, r in doc.judge(piece.group()).fixes
        ]
        return _Verdict(tuple(fixes), fragment)

    def _check_word(self, word: str, parts: tuple[str, ...]) -> bool:
        """Known words, compounds of them, derived and British spellings."""
        if len(parts) > 1:
            return all(len(p) >= 2 and self._is_word(p, (p,)) for p in parts)
        if word in self._freq or word in self._rules.protected or word in self._rules.prefixes:
            return True
        if not word.isascii():
            return bool(_LOANWORD_END_RE.search(word))
        british = (v for uk, us in self._rules.british for v in _swaps(word, uk, us))
        return self._derived(word, 2) or any(self._derived(v, 1) for v in british)

    def _derived(self, word: str, depth: int) -> bool:
        if word in self._freq:
            return True
        if depth == 0:
            return False
        for suffix in self._rules.suffixes:
            stem = word[: -len(suffix)]
            if word.endswith(suffix) and len(stem) >= 3:
                stems = [stem, stem + "e", stem[:-1] + "y" if stem[-1] == "i" else stem]
                if stem[-1] == stem[-2]:
                    stems.append(stem[:-1])  # "planned"
                if suffix.startswith(("iz", "is")):
                    stems += [stem + "ism", stem + "ist"]  # "fascize": fascism
                if any(self._derived(s, depth - 1) for s in stems):
                    return True
        return any(
            word.startswith(p) and len(word) - len(p) >= 4 and word[len(p) :] in self._freq
            for p in self._rules.prefixes
        )

    def _find_candidates(
        self, word: str, title: bool, letters: int, parts: tuple[str, ...], kinds: int
    ) -> tuple[int, frozenset[str], int] | None:
        """Known words ``word`` may have been, by the cheapest kind of change (up to
        ``kinds``) that reaches any: (kind, words, the least frequency to accept)."""
        forms = _forms(word, self._odd)
        if forms is None:
            return None
        if "-" in word and all(self._is_word(p, (p,)) for p in parts):
            # "e-mail", "r-arty": the hyphen is real unless a split first glyph
            # ("r-" for "p") turns a rare word into a far commoner one.
            if (glyph := _GLYPH_HYPHEN_RE.fullmatch(word)) is None or title:
                return None
            first, rest = glyph.groups()
            found = {c + rest for c in ascii_lowercase if c != first} & self._freq.keys()
            return (1, frozenset(found), 100 * max(self._freq.get(rest, 0), 50))
        plain = word.isascii() and word.isalpha()
        for kind in range(kinds + 1):
            if kind and (letters < (5 if title else 4) or (title and kind == 2)):
                return None
            if kind == 2 and plain and self._compound(word):
                return None
            found = set(forms) & self._freq.keys() if kind == 0 else self._near(forms, kind, plain)
            found = {w for w in found if len(w) >= 2}
            if found:
                return (kind, frozenset(found), 0)
        return None

    def _compound(self, word: str) -> bool:
        """Is ``word`` two common words run together ("hotkey", "armymen")?"""
        return any(
            self._freq.get(word[:i], 0) >= _COMPOUND_MIN_FREQ
            and self._freq.get(word[i:], 0) >= _COMPOUND_MIN_FREQ
            for i in range(3, len(word) - 2)
        )

    def _near(self, forms: list[str], kind: int, plain: bool) -> set[str]:
        """Known words one confusion (kind 1) or one edit (kind 2) from ``forms``."""
        if len(forms) > _MAX_FORMS:
            return set()
        found: set[str] = set()
        for form in forms:
            if not (form.isascii() and form.isalpha()):
                continue
            if kind == 1:
                found.update(v for seen, meant in self._letters for v in _swaps(form, seen, meant))
                continue
            for i in range(len(form)):
                found.add(form[:i] + form[i + 1 : i + 2] + form[i] + form[i + 2 :])
                # Any one letter misread: only inside longer words, whose
                # neighbourhoods are sparse; a first letter misread is a
                # glyph confusion or a different word ("xrange", "orange").
                if plain and i and len(form) > _SHORT:
                    found.update(form[:i] + c + form[i + 1 :] for c in ascii_lowercase)
        return found & self._freq.keys()

    def _choose(self, found: Iterable[str], kind: int, title: bool, doc: _Document) -> str | None:
        """The clear winner among candidate words, if it is likely enough."""
        scored = sorted(
            ((self._freq[w] * (_DOC_BOOST if doc.counts[w] else 1), w) for w in found),
            reverse=True,
        )
        if not scored or (len(scored) > 1 and scored[0][0] < _MARGIN * scored[1][0]):
            return None
        best = scored[0][1]
        if doc.counts[best]:
            return best if not title or self._freq[best] >= _TITLE_MIN_FREQ else None
        if title or len(best) < _SHORT or self._freq[best] < _MIN_FREQ[kind]:
            return None
        return best


class _Document:
    """What one text says about itself, plus per-token verdicts for it."""

    def __init__(self, repairer: OcrRepairer, chunks: Counter[str]) -> None:
        self.repairer = repairer
        self._verdicts: dict[str, _Verdict] = {}
        # Occurrences of each lowercased token, ALL-CAPS ones aside ("MIT" is
        # no evidence for "mit"), and the chunks that are more than one known
        # word in punctuation: only those need the tokenizer and a judgement.
        self.counts: Counter[str] = Counter()
        self.odd: list[str] = []
        counts: dict[str, int] = {}  # a plain dict: this loop is the hot path
        known, plain = repairer._freq, repairer._plain
        for chunk, n in chunks.items():
            word = plain.get(chunk)
            if word is None:  # not met in an earlier text
                core = chunk.strip(_EDGE)
                word = core.lower().replace("’", "'")
                if word not in known:
                    self.odd.append(chunk)
                    self._count_tokens(chunk, n, counts)
                    continue
                if len(plain) > _CACHE:
                    plain.clear()
                plain[chunk] = word = "" if core.isupper() and len(core) > 1 else word
            if word:
                counts[word] = counts.get(word, 0) + n
        self.counts.update(counts)

    @staticmethod
    def _count_tokens(chunk: str, n: int, counts: dict[str, int]) -> None:
        for token in _TOKEN_RE.findall(chunk):
            if not token.isupper() or len(token) == 1:
                word = token.lower().replace("’", "'")
                for key in {word, *word.split("-")}:  # "conda-forge" has a "conda"
                    counts[key] = counts.get(key, 0) + n

    def judge(self, token: str) -> _Verdict:
        verdict = self._verdicts.get(token)
        if verdict is None:
            verdict = self._verdicts[token] = self.repairer._judge(token, self)
        return verdict

    def plan(self, chunk: str) -> _Plan | None:
        """Fixes inside one whitespace-delimited chunk, and its split-word ends."""
        if _CODE_RE.search(chunk):
            return None
        fixes: list[_Fix] = []
        tail: tuple[int, str] | None = None
        head: str | None = None
        for match in _TOKEN_RE.finditer(chunk):
            if chunk[match.end() : match.end() + 1] in _WILDCARDS:
                continue  # "nationa%": its end is lost, so is any way to know the word
            verdict = self.judge(match.group())
            fixes += [(match.start() + s, match.start() + e, r) for s, e, r in verdict.fixes]
            if verdict.fragment and match.start() == 0:
                head = match.group()
            if verdict.fragment and match.end() == len(chunk):
                tail = (match.start(), match.group())
        return (fixes, tail, head) if fixes or tail or head else None


def _forms(word: str, odd: Mapping[str, tuple[str, ...]]) -> list[str] | None:
    """Spellings of ``word`` with its odd characters resolved; None for junk."""
    options: list[tuple[str, ...]] = []
    for ch in word:
        if "a" <= ch <= "z":
            options.append((ch,))
        elif ch.isalpha():
            base = unicodedata.normalize("NFD", ch)[0]  # the letter under an accent
            options.append((base if base.isascii() and base.isalpha() else ch,))
        else:
            choices = set(odd.get(ch, ()))
            if not ch.isdigit() and ch not in "`|":  # those stand for letters
                choices.add("")  # a speck: drop it
            if ch in _WILDCARDS:
                if len(word) <= _SHORT:
                    return None  # "su%e": sue, sure, suve ... a short word is a guess
                choices.add("?")  # a lost letter: any letter
            options.append(tuple(sorted(choices)) or (ch,))
    if sum(len(o) > 1 or o[0] != word[i] for i, o in enumerate(options)) > _MAX_ODD:
        return None
    forms: list[str] = []
    for combo in product(*options):
        form = "".join(combo)
        if form.count("?") == 1:
            forms += [form.replace("?", letter) for letter in ascii_lowercase]
        elif "?" not in form:
            forms.append(form)
    return forms


def _swaps(word: str, old: str, new: str) -> Iterator[str]:
    """``word`` with one occurrence of ``old`` replaced by ``new``, for each occurrence."""
    at = word.find(old)
    while at >= 0:
        yield word[:at] + new + word[at + len(old) :]
        at = word.find(old, at + 1)


def _locate(
    text: str, plans: Mapping[str, _Plan], counts: Mapping[str, int]
) -> list[tuple[int, str]]:
    """Where each planned chunk occurs as a whole whitespace-delimited chunk."""
    if len(plans) > _LOCATE_BY_FIND:
        return [(m.start(), m.group()) for m in _CHUNK_RE.finditer(text) if m.group() in plans]
    found: list[tuple[int, str]] = []
    for chunk in plans:
        at, left = text.find(chunk), counts[chunk]
        while at >= 0 and left:
            end = at + len(chunk)
            if (at == 0 or text[at - 1].isspace()) and (end == len(text) or text[end].isspace()):
                found.append((at, chunk))
                left -= 1  # the count says when the last one is found
            at = text.find(chunk, at + 1)
    return sorted(found)


def _outside(edits: list[Edit], skip: Sequence[Span]) -> list[Edit]:
    """Drop edits touching any ``skip`` range (boilerplate and the like)."""
    ranges = sorted((s.start, s.end) for s in skip if s.end > s.start)
    if not ranges:
        return edits
    starts = [start for start, _ in ranges]
    reach = list(accumulate((end for _, end in ranges), max))  # furthest end so far
    return [e for e in edits if (i := bisect_left(starts, e.end)) == 0 or reach[i - 1] <= e.start]


def _data_lines(name: str) -> list[str]:
    """The non-blank, non-comment lines of a shipped data file."""
    text = resources.files("historiograph").joinpath(f"data/{name}").read_text("utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()[:1] not in ("", "#")]


def load_rules() -> OcrRules:
    """The shipped rules: ``data/ocr_confusions.txt``, ``_protected`` and ``_morphology``."""
    table: dict[str, list[str]] = {}
    for line in _data_lines("ocr_morphology.txt"):
        key, _, values = line.partition(":")
        table.setdefault(key.strip(), []).extend(values.split())
    pairs = [line.split() for line in _data_lines("ocr_confusions.txt")]
    british = [rule.split(">") for rule in table.get("british", [])]
    return OcrRules(
        confusions=tuple((p[0], p[1]) for p in pairs if len(p) == 2),
        protected=frozenset(_data_lines("ocr_protected.txt")),
        suffixes=tuple(table.get("suffix", [])),
        prefixes=tuple(table.get("prefix", [])),
        british=tuple((p[0], p[1]) for p in british if len(p) == 2),
    )


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
