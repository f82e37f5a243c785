"""Cluster mentions into entities, precision first, recording why each merge was made.

Rules, in order (each merge is a :class:`Link` with its rule, score and evidence):

1. ``same-name``: equal after normalisation (script, case, diacritics, titles,
   possessives, run-together words): ``Mihailović`` = ``Mihailovic``;
2. ``variant``: near-equal spellings of the same shape (rapidfuzz ratio, word by
   word, same number of words): ``Mihailovic`` = ``Mihailovich``,
   ``Svezozar Vukmanović Tempo`` = ``Svetozar Vukmanović Tempo``;
3. ``reordered``: the same words of an organisation's name in another order,
   a people's adjective standing for its country: ``Communist Party of
   Albania`` = ``Albanian Communist Party``;
4. ``acronym``: an acronym whose expansion the text gives, or the initials of
   exactly one organisation's name: ``CPY`` = ``Communist Party of Yugoslavia``;
5. ``partial``: a shorter form of exactly one longer name of a person
   (``Tito`` = ``Josip Broz Tito``), first within a source, else in the corpus;
6. ``alias``: aliases the text states ("Markovic was in reality Milovan Djilas").

Never merged: names of different types, near-equal names that differ in a
word that is not a spelling variant (``Petrovic`` / ``Popovic``, ``Communist
Party of Albania`` / ``of Macedonia``), and different names side by side in one
sentence (two people named together are two people), unless the text says so.

Blocking keeps the cost near-linear: exact keys are grouped by hashing, and
fuzzy comparison only happens inside blocks of names of one type sharing the
first letters of their last word.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from itertools import pairwise

from rapidfuzz import fuzz

from historiograph.resolve.names import initials, normalise, split_camel

_VARIANT_RATIO = 88.0  # whole name
_WORD_RATIO = 80.0  # each word
_LAST_WORD_RATIO = 85.0
_MIN_FUZZY_LENGTH = 5
_NEARBY = 120  # characters: mentions this close are "side by side"
# Names joined as items of a list ("X, Y and Z") are different things.
_COORDINATED = re.compile(r"^\s*(?:,|;|and|&|or|,\s*and|,\s*or)\s*$", re.IGNORECASE)
_ALIAS = re.compile(
    r"^\s*(?:,\s*)?(?:was|is|were)\s+(?:in reality|really|actually|in fact|an alias (?:for|of)|"
    r"the alias of|the pseudonym of|the nom de guerre of|also known as)\s+$"
    r"|^\s*(?:,\s*)?(?:alias|a\.k\.a\.|aka|also known as|known as|called)\s+$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class NameMention:
    """One mention as resolution sees it."""

    id: int
    source: str
    text: str  # the (cleaned) name
    type: str
    start: int
    end: int
    expansion: str | None = None  # an acronym's expansion, when the text gives it


@dataclass(frozen=True, slots=True)
class Link:
    """Why two mentions were put in one entity."""

    a: int
    b: int
    rule: str
    score: float
    evidence: tuple[str, int, int] | None = None  # source, start, end of the stated alias


@dataclass(slots=True)
class Cluster:
    type: str
    name: str
    mentions: list[int] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)


class _UnionFind:
    def __init__(self, ids: Iterable[int]) -> None:
        self.parent = {i: i for i in ids}

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        self.parent[max(ra, rb)] = min(ra, rb)
        return True


@dataclass(frozen=True, slots=True)
class Digest:
    """What the per-source rules found, for resolving names instead of every mention.

    A knowledge base resolves one :class:`NameMention` per distinct spelling (its first
    mention standing for all the others, ``counts`` of them) and gives here what the
    rules that look at single sources found in them: the pairs of names kept apart,
    the stated aliases (``(mention a, mention b, evidence, stand-in a, stand-in b)``:
    the stand-ins are the resolved mentions the two belong to) and which names share
    a source. The result is the same clusters as resolving every mention, so a
    changed source costs its own mentions, not the corpus's.
    """

    apart: set[frozenset[str]]
    aliases: list[tuple[int, int, tuple[str, int, int], int, int]]
    counts: dict[int, int]
    cooccur: Callable[[str, str, str], bool]  # (type, key a, key b): in one source?


def mention_key(text: str) -> str:
    """The name key resolution compares (split run-together words, then normalise)."""
    return normalise(split_camel(text))


class Resolver:
    def __init__(
        self,
        mentions: Sequence[NameMention],
        texts: Callable[[str], str | None] | None = None,
        *,
        digest: Digest | None = None,
    ) -> None:
        self.mentions = {m.id: m for m in mentions}
        self._texts = texts or (lambda source: None)
        self.digest = digest
        self.uf = _UnionFind(self.mentions)
        self.links: list[Link] = []
        self.key = {m.id: mention_key(m.text) for m in mentions}
        self.by_key: dict[tuple[str, str], list[int]] = defaultdict(list)
        for m in mentions:
            if self.key[m.id]:
                self.by_key[(m.type, self.key[m.id])].append(m.id)
        self._text_cache: dict[str, str | None] = {}
        self.apart = digest.apart if digest is not None else self._side_by_side(mentions)
        self._clusters: dict[int, list[int]] = {i: [i] for i in self.mentions}
        self._keys: dict[int, set[str]] = {i: {self.key[i]} for i in self.mentions}
        self._link_home: dict[int, int] = {}  # link index -> the mention it is filed under

    def texts(self, source: str) -> str | None:
        """A source's original text (the last one asked for is kept)."""
        if source not in self._text_cache:
            self._text_cache = {source: self._texts(source)}
        return self._text_cache[source]

    # -- constraints ------------------------------------------------------------

    def _side_by_side(self, mentions: Sequence[NameMention]) -> set[frozenset[str]]:
        """Pairs of unrelated names named close together in one source.

        "Milos Markovic, Vladimir Petrovic and Koca Popovic" are three people;
        but "Josip Broz Tito ... Tito" or "Mihailovic ... Mihailovich" near
        each other share a word or a spelling, and may still be one.
        """
        pairs: set[frozenset[str]] = set()
        by_source: dict[str, list[NameMention]] = defaultdict(list)
        for m in mentions:
            by_source[m.source].append(m)
        for source, items in by_source.items():
            pairs |= side_by_side(items, self.key, lambda s=source: self.texts(s))  # type: ignore[misc]
        return pairs

    def _may_join(self, a: int, b: int) -> bool:
        if not self.apart:
            return True
        keys_a = self._keys[self.uf.find(a)]
        keys_b = self._keys[self.uf.find(b)]
        return not any(frozenset((x, y)) in self.apart for x in keys_a for y in keys_b)

    def _link(
        self,
        a: int,
        b: int,
        rule: str,
        score: float,
        evidence: tuple[str, int, int] | None = None,
        *,
        check: bool = True,
    ) -> None:
        ra, rb = self.uf.find(a), self.uf.find(b)
        if ra == rb or (check and not self._may_join(a, b)):
            return
        self.uf.union(a, b)
        root = self.uf.find(a)
        self._clusters[root] = self._clusters.pop(ra) + self._clusters.pop(rb)
        self._keys[root] = self._keys.pop(ra) | self._keys.pop(rb)
        self.links.append(Link(a, b, rule, round(score, 3), evidence))

    # -- rules ------------------------------------------------------------------

    def run(self) -> list[Cluster]:
        for ids in self.by_key.values():
            if self.digest is not None:
                # A stand-in for the first mention's own spelling: its other mentions are
                # linked to it by the same rule, wherever that cluster goes.
                self.links.append(Link(ids[0], ids[0], "same-name", 1.0))
            for other in ids[1:]:
                self._link(ids[0], other, "same-name", 1.0, check=False)
        self._variants()
        self._reordered()
        self._acronyms()
        self._acronym_table()
        self._partials()
        self._aliases()
        return self._build()

    def _representatives(self) -> dict[tuple[str, str], int]:
        return {key: ids[0] for key, ids in self.by_key.items()}

    def _variants(self) -> None:
        # Two blocking keys, the start and the end of the last word: a spelling
        # variant keeps at least one of them, and blocks stay small.
        blocks: dict[tuple[str, int, str], list[tuple[str, int]]] = defaultdict(list)
        for (kind, key), first in self._representatives().items():
            if len(key) >= _MIN_FUZZY_LENGTH:
                last = key.split()[-1]
                size = len(key.split())
                blocks[(kind, size, "<" + last[:3])].append((key, first))
                blocks[(kind, size, ">" + last[-3:])].append((key, first))
        for items in blocks.values():
            for i, (key_a, id_a) in enumerate(items):
                for key_b, id_b in items[i + 1 :]:
                    if self.uf.find(id_a) == self.uf.find(id_b):
                        continue
                    score = _variant_score(key_a, key_b)
                    if score is not None:
                        self._link(id_a, id_b, "variant", score)

    def _reordered(self) -> None:
        bags: dict[tuple[str, tuple[str, ...]], int] = {}
        for (kind, key), first in self._representatives().items():
            if kind not in {"organization", "other"} or len(key.split()) < 3:
                continue
            bag = _bag(key)
            if (kind, bag) in bags:
                self._link(bags[(kind, bag)], first, "reordered", 1.0)
            else:
                bags[(kind, bag)] = first

    def _acronym_table(self) -> None:
        """Acronyms with one expansion in the shipped table are one organisation, and
        that organisation's spelled-out name too: KPJ = CPY = Communist Party of Yugoslavia."""
        table = acronym_table()
        by_expansion: dict[tuple[str, str], int] = {}
        for m in self.mentions.values():
            entry = table.get(m.text.strip())
            if entry is None or entry[1] != m.type:
                continue
            expansion = normalise(entry[0])
            first = by_expansion.setdefault((m.type, expansion), m.id)
            self._link(first, m.id, "acronym", 0.95)
            spelled = self.by_key.get((m.type, expansion))
            if spelled:
                self._link(m.id, spelled[0], "acronym", 0.95)

    def _acronyms(self) -> None:
        by_initials: dict[tuple[str, str], list[int]] = defaultdict(list)
        for (kind, key), first in self._representatives().items():
            if len(key.split()) >= 2:
                by_initials[(kind, initials(key))].append(first)
        tried: set[tuple[str, str, str | None]] = set()
        for m in self.mentions.values():
            # Each spelling is tried once, at its first mention: the same spelling again
            # gives the same answer, so resolving distinct spellings gives this result too.
            spelling = (m.type, m.text, m.expansion)
            if spelling in tried:
                continue
            tried.add(spelling)
            key = self.key[m.id]
            if m.expansion:
                target = self.by_key.get((m.type, normalise(m.expansion)))
                if target:
                    self._link(m.id, target[0], "acronym", 1.0)
                    continue
            if " " not in key and 2 <= len(key) <= 6 and m.text.isupper():
                candidates = {self.uf.find(i) for i in by_initials.get((m.type, key), [])}
                if len(candidates) == 1:
                    self._link(m.id, next(iter(candidates)), "acronym", 0.9)

    def _partials(self) -> None:
        """Short forms: a person's surname or given name, an organisation's first words.

        The longer name must be the only one the short form fits, among the
        names of the same source (else, for people, of the whole corpus).
        """
        sources: dict[tuple[str, str], set[str]] = defaultdict(set)
        if self.digest is None:
            for m in self.mentions.values():
                sources[(m.type, self.key[m.id])].add(m.source)
            cooccur: Callable[[str, str, str], bool] = lambda kind, a, b: bool(  # noqa: E731
                sources[(kind, a)] & sources[(kind, b)]
            )
        else:
            cooccur = self.digest.cooccur
        for kind in ("person", "organization"):
            names = [
                (key, first) for (k, key), first in self._representatives().items() if k == kind
            ]
            # Index the longer names by the short forms they allow: cost stays
            # linear in the number of names, not quadratic.
            fits_by_form: dict[tuple[str, ...], list[tuple[str, int]]] = defaultdict(list)
            for key, first in names:
                words = key.split()
                for form in _short_forms(words, kind):
                    fits_by_form[form].append((key, first))
            for key, first in names:
                fits = fits_by_form.get(tuple(key.split()), [])
                local = {
                    self.uf.find(other) for long_key, other in fits if cooccur(kind, long_key, key)
                }
                candidates = local or (
                    {self.uf.find(other) for _, other in fits} if kind == "person" else set()
                )
                candidates.discard(self.uf.find(first))
                if len(candidates) == 1:
                    self._link(first, next(iter(candidates)), "partial", 0.8)

    def _aliases(self) -> None:
        if self.digest is not None:
            for a, b, evidence, stand_a, stand_b in self.digest.aliases:
                self._link_as(a, b, stand_a, stand_b, "alias", 1.0, evidence)
            return
        by_source: dict[str, list[NameMention]] = defaultdict(list)
        for m in self.mentions.values():
            by_source[m.source].append(m)
        for source, items in by_source.items():
            for a, b, evidence in stated_aliases(items, lambda s=source: self.texts(s)):  # type: ignore[misc]
                self._link(a, b, "alias", 1.0, evidence, check=False)

    def _link_as(
        self,
        a: int,
        b: int,
        stand_a: int,
        stand_b: int,
        rule: str,
        score: float,
        evidence: tuple[str, int, int],
    ) -> None:
        """Link mentions ``a`` and ``b``, not resolved themselves, through their stand-ins."""
        ra, rb = self.uf.find(stand_a), self.uf.find(stand_b)
        if ra == rb:
            return
        self.uf.union(ra, rb)
        root = self.uf.find(ra)
        self._clusters[root] = self._clusters.pop(ra) + self._clusters.pop(rb)
        self._keys[root] = self._keys.pop(ra) | self._keys.pop(rb)
        # Filed under a's stand-in, where _build looks for a link's cluster.
        self.links.append(Link(a, b, rule, round(score, 3), evidence))
        self._link_home[len(self.links) - 1] = stand_a

    def _build(self) -> list[Cluster]:
        groups: dict[int, list[int]] = defaultdict(list)
        for i in self.mentions:
            groups[self.uf.find(i)].append(i)
        links: dict[int, list[Link]] = defaultdict(list)
        for index, link in enumerate(self.links):
            links[self.uf.find(self._link_home.get(index, link.a))].append(link)
        counts = self.digest.counts if self.digest is not None else None
        clusters = []
        for root, ids in groups.items():
            ids.sort()
            names = [self.mentions[i].text for i in ids]
            weights = [counts[i] for i in ids] if counts is not None else None
            clusters.append(
                Cluster(
                    self.mentions[root].type,
                    canonical_name(names, weights),
                    ids,
                    links.get(root, []),
                )
            )
        return clusters


def side_by_side(
    items: Sequence[NameMention], key: dict[int, str], text: Callable[[], str | None]
) -> set[frozenset[str]]:
    """The name pairs one source keeps apart (see Resolver._side_by_side); ``text()``
    gives that source's original, asked for only when needed."""
    pairs: set[frozenset[str]] = set()
    ordered = sorted(items, key=lambda m: m.start)
    for i, m in enumerate(ordered):
        for other in ordered[i + 1 :]:
            if other.start - m.end > _NEARBY:
                break
            a, b = key[m.id], key[other.id]
            if other.type != m.type or a == b:
                continue
            original = text()
            between = original[m.end : other.start] if original is not None else None
            coordinated = between is not None and _COORDINATED.match(between) is not None
            if coordinated or not _related(a, b):
                pairs.add(frozenset((a, b)))
    return pairs


def stated_aliases(
    items: Sequence[NameMention], text: Callable[[], str | None]
) -> list[tuple[int, int, tuple[str, int, int]]]:
    """One source's stated aliases: ``(mention a, mention b, evidence span)``."""
    people = sorted((m for m in items if m.type == "person"), key=lambda m: m.start)
    original = text() if len(people) > 1 else None
    if original is None:
        return []
    found = []
    for m, other in pairwise(people):
        between = original[m.end : other.start]
        if len(between) < 60 and _ALIAS.match(between):
            found.append((m.id, other.id, (m.source, m.start, other.end)))
    return found


def _short_forms(words: list[str], kind: str) -> list[tuple[str, ...]]:
    """The shorter forms a name allows: a person's last words (or given name, "Tito"
    of "Tito Broz"), an organisation's first words ("Balli" of "Balli Kombëtar")."""
    if len(words) < 2:
        return []
    if kind == "person":
        forms = [tuple(words[-n:]) for n in range(1, len(words))]
        forms.append((words[0],))
        return forms
    return [tuple(words[:n]) for n in range(1, len(words))]


def _related(a: str, b: str) -> bool:
    """Whether two names share a word or a near-spelling of one."""
    words_a, words_b = set(a.split()), set(b.split())
    if words_a & words_b:
        return True
    return any(fuzz.ratio(x, y) >= _WORD_RATIO for x in words_a for y in words_b if len(x) > 3)


def _variant_score(a: str, b: str) -> float | None:
    """How alike two names of one shape are, or None when they are different names."""
    words_a, words_b = a.split(), b.split()
    if len(words_a) != len(words_b):
        return None
    score = fuzz.ratio(a, b)
    if score < _VARIANT_RATIO:
        return None
    for x, y in zip(words_a, words_b, strict=True):
        if x != y and (min(len(x), len(y)) < 4 or fuzz.ratio(x, y) < _WORD_RATIO):
            return None
    if fuzz.ratio(words_a[-1], words_b[-1]) < _LAST_WORD_RATIO:
        return None
    return score / 100.0


def _bag(key: str) -> tuple[str, ...]:
    """The significant words of a name, each cut to five letters, in order of spelling.

    Cutting lets a people's adjective stand for its country ("albanian",
    "albania" -> "alban"), so word order and that choice don't matter.
    """
    return tuple(sorted(w[:5] for w in key.split() if w not in {"of", "the", "and", "for"}))


@lru_cache(maxsize=1)
def acronym_table() -> dict[str, tuple[str, str]]:
    """ACRONYM -> (expansion, type) from the shipped ``data/acronyms.tsv``."""
    text = resources.files("historiograph").joinpath("data/acronyms.tsv").read_text("utf-8")
    table = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            acronym, expansion, kind = (part.strip() for part in line.split("\t"))
            table[acronym] = (expansion, kind)
    return table


def canonical_name(names: Sequence[str], weights: Sequence[int] | None = None) -> str:
    """The fullest common form: most words, then most frequent, then with diacritics.

    ``weights``: how many mentions each of ``names`` stands for (one each by default).
    """
    counts: dict[str, int] = defaultdict(int)
    for index, name in enumerate(names):
        counts[" ".join(name.split())] += weights[index] if weights is not None else 1
    return max(
        counts,
        key=lambda n: (len(n.split()), counts[n], sum(not ch.isascii() for ch in n), n),
    )


def resolve(
    mentions: Sequence[NameMention],
    *,
    texts: Callable[[str], str | None] | None = None,
    digest: Digest | None = None,
) -> list[Cluster]:
    """Clusters of ``mentions``; ``texts(source id)`` gives an original, for stated aliases.

    With a ``digest``, ``mentions`` are one per distinct spelling (see :class:`Digest`).
    """
    return Resolver(mentions, texts, digest=digest).run()
