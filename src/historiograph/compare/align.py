"""Align the claims of several sources into cross-source groups.

Every claim (a sentence of running text, see :mod:`historiograph.claims`) is a
unit. Two units of different sources are linked when

* they report the same happening: both carry a date narrow enough to name one
  (under ``event_max_days``), the dates overlap, they share a resolved entity
  and their wording is at least loosely similar; or
* they make the same assertion: their sentence embeddings are very similar, or
  similar and each is among the other's few nearest claims in its source. The
  rank condition matters more than any threshold: a source that returns to its
  theme in many sentences yields many fairly similar pairs, and only the
  mutual nearest ones say the same thing.

Entities are resolved over all sources together with
:func:`historiograph.resolve.resolver.resolve`, so "Tito" in one source and
"Josip Broz Tito" in another count as the same participant. Links are merged
strongest first into groups, and a merge is refused when it would put two
dissimilar claims of different sources together (``cohesion``): that keeps one
hub sentence from chaining unrelated claims into one group.

The evidence of a link is one number, the embedding similarity plus weighted shares of
the rare words (TF-IDF cosine) and of the resolved entities (IDF-weighted, smoothed so
that one shared entity of two claims naming nothing else is not a full overlap) the two
claims have in common. Sentence embeddings see topic more than statement; shared rare
words and entities are what tells two claims on one theme from two claims saying the
same. A group's score is its strongest link's, raised a little for each further
cross-source link that corroborates it.

Every link, of either kind, must also rest on shared *anchors* (see
:mod:`historiograph.compare.frames`): content words and entities read from the claims'
dependency parses, IDF-weighted and weighted by role (a head, an argument or predicate,
weighs more than a modifier). A predicate both claims use counts only when one of its
arguments is shared as well. Mutual-best pairs of claims on one theme ("the Partisans
refused" / "the Italian command refused", "the Balkan countries" in both) have high
embedding similarity and some rare words in common, but little shared in argument
position; this is what keeps them out.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import numpy.typing as npt
from spacy.language import Language

from historiograph.claims.model import Claim
from historiograph.compare.classify import classify
from historiograph.compare.embed import Embedder, LexicalEmbedder, content_words, default_embedder
from historiograph.compare.frames import ClaimFrame, EntitySpan, claim_frames, compatible
from historiograph.compare.model import ClaimGroup, ComparedSource, GroupMember
from historiograph.nlp.names import name_key
from historiograph.resolve.resolver import NameMention, resolve

_PARTICIPANT_TYPES = {"person", "organization", "group"}


@dataclass(frozen=True, slots=True)
class AlignSettings:
    """Thresholds of the alignment (cosine similarities of the embedder in use)."""

    assertion_similarity: float = 0.62  # alone enough to call two claims the same assertion
    mutual_similarity: float = 0.50  # enough for two claims that are each other's near best
    mutual_rank: int = 3  # "near best": among the other's k most similar claims of its source
    event_similarity: float = 0.45  # enough for overlapping dates and a shared entity
    event_max_days: int = 400  # a wider date names a period, not a happening
    cohesion: float = 0.40  # least similarity of any two members of different sources
    max_members: int = 7
    min_words: int = 4  # content words a claim needs to be compared at all
    lexical_overlap: float = 0.10  # least TF-IDF cosine of two claims said to assert the same
    # The evidence of a link is one number: embedding similarity plus weighted shares of
    # rare words (TF-IDF cosine) and resolved entities the two claims have in common.
    lexical_weight: float = 1.5
    entity_weight: float = 0.25
    # Evidence the two claims share (embedding + lexical) that replaces the lexical floor:
    # a pair this close in meaning and wording is linked though it shares few rare words.
    evidence_floor: float = 0.62
    # A group corroborated by several cross-source links is surer than one resting on one.
    corroboration: float = 0.05
    # Least anchor evidence (see :func:`_anchor_overlap`) of two claims said to report the
    # same thing, in units of one anchor that is a head in both and that no other claim
    # uses; 0 turns the condition off.
    anchor_floor: float = 0.8


@dataclass(slots=True)
class _Unit:
    source: int
    claim: Claim
    text: str
    intervals: list[tuple[str, str, str]]  # (edtf, earliest, latest) of the claim's dates
    entities: set[int]
    event: bool
    spans: list[EntitySpan]  # its resolved mentions, offsets into the claim's text
    member: GroupMember = field(init=False)


def _days(earliest: str, latest: str) -> int:
    try:
        return (date.fromisoformat(latest) - date.fromisoformat(earliest)).days
    except ValueError:
        return 1 << 30


def _narrow(unit: _Unit, max_days: int) -> list[tuple[str, str]]:
    return [(lo, hi) for _, lo, hi in unit.intervals if 0 <= _days(lo, hi) <= max_days]


def _apart(a: Sequence[tuple[str, str]], b: Sequence[tuple[str, str]], max_days: int) -> bool:
    """Both dated, and every date of one lies more than ``max_days`` from every date of the
    other: the two claims speak of different happenings, whatever words they share."""
    if not a or not b:
        return False
    return all(
        max(_days(hi_a, lo_b), _days(hi_b, lo_a)) > max_days for lo_a, hi_a in a for lo_b, hi_b in b
    )


def _overlap(a: Iterable[tuple[str, str]], b: Iterable[tuple[str, str]]) -> bool:
    bs = list(b)
    return any(ea <= lb and eb <= la for ea, la in a for eb, lb in bs)


def _resolve(sources: Sequence[ComparedSource]) -> tuple[dict[tuple[int, int], int], list[str]]:
    """(source index, mention index) -> entity number, and each entity's canonical name."""
    names: list[NameMention] = []
    keys: list[tuple[int, int]] = []
    for s, source in enumerate(sources):
        for i, m in enumerate(source.extraction.mentions):
            names.append(
                NameMention(
                    id=len(names),
                    source=source.source_id,
                    text=str(m.attrs.get("clean", m.text)),
                    type=m.type,
                    start=m.start,
                    end=m.end,
                    expansion=m.attrs.get("expansion"),
                )
            )
            keys.append((s, i))
    originals = {source.source_id: source.parsed.original for source in sources}
    clusters = resolve(names, texts=originals.get)
    entity: dict[tuple[int, int], int] = {}
    canonical: list[str] = []
    for number, cluster in enumerate(clusters):
        canonical.append(cluster.name)
        for mention_id in cluster.mentions:
            entity[keys[mention_id]] = number
    return entity, canonical


def _units(
    sources: Sequence[ComparedSource],
    entity: dict[tuple[int, int], int],
    canonical: list[str],
    settings: AlignSettings,
) -> list[_Unit]:
    units: list[_Unit] = []
    for s, source in enumerate(sources):
        extraction = source.extraction
        for claim in source.claims.claims:
            text = " ".join(claim.text.split())
            if len(content_words(text)) < settings.min_words:
                continue
            intervals = [
                (d.edtf, d.earliest, d.latest)
                for d in (extraction.dates[i] for i in claim.dates if i < len(extraction.dates))
            ]
            has_event = any(claim.start <= e.start < claim.end for e in extraction.events)
            resolved = [i for i in claim.subjects if (s, i) in entity]
            ids = {entity[(s, i)] for i in resolved}
            mentions = [extraction.mentions[i] for i in resolved]
            spans = [
                EntitySpan(m.start - claim.start, m.end - claim.start, entity[(s, i)])
                for i, m in zip(resolved, mentions, strict=True)
            ]
            unit = _Unit(s, claim, text, intervals, ids, has_event, spans)
            typed = [
                (m.type, canonical[entity[(s, i)]]) for i, m in zip(resolved, mentions, strict=True)
            ]
            first = intervals[0] if intervals else None
            unit.member = GroupMember(
                source_id=source.source_id,
                path=source.path,
                start=claim.start,
                end=claim.end,
                text=claim.text,
                modality=claim.modality,
                date=claim.date or (first[0] if first else None),
                earliest=first[1] if first else None,
                latest=first[2] if first else None,
                attribution=None if claim.attribution.is_author else claim.attribution.text,
                entities=tuple(dict.fromkeys(name for _, name in typed)),
                participants=tuple(
                    dict.fromkeys(name for t, name in typed if t in _PARTICIPANT_TYPES)
                ),
                places=tuple(dict.fromkeys(name for t, name in typed if t == "place")),
                event=has_event,
            )
            units.append(unit)
    return units


def _ranks(units: list[_Unit], sims: npt.NDArray[np.float32]) -> npt.NDArray[np.int64]:
    """``rank[i, j]``: how many claims of j's source are more similar to i than j is."""
    rank = np.zeros(sims.shape, dtype=np.int64)
    by_source: dict[int, list[int]] = {}
    for k, u in enumerate(units):
        by_source.setdefault(u.source, []).append(k)
    for columns in by_source.values():
        block = sims[:, columns]
        order = np.argsort(-block, axis=1, kind="stable")
        positions = np.empty_like(order)
        positions[np.arange(len(units))[:, None], order] = np.arange(len(columns))[None, :]
        rank[:, columns] = positions
    return rank


class _Groups:
    """Union-find over units that refuses merges breaking cohesion or the size cap."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))
        self.members: dict[int, list[int]] = {i: [i] for i in range(n)}

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def merge(self, a: int, b: int, ok: bool) -> None:
        if ok:
            ra, rb = self.find(a), self.find(b)
            self.parent[rb] = ra
            self.members[ra].extend(self.members.pop(rb))


def compare_sources(
    sources: Sequence[ComparedSource],
    *,
    embedder: Embedder | None = None,
    settings: AlignSettings | None = None,
    parser: Language | None = None,
) -> list[ClaimGroup]:
    """Cross-source groups of the claims of ``sources``, most confident first.

    ``parser``: the English pipeline the process already holds (the NLP stage's), reused
    for the claims' parses; without it the comparison loads the model once itself.
    """
    settings = settings or AlignSettings()
    if len({s.source_id for s in sources}) < 2:
        return []
    entity, canonical = _resolve(sources)
    units = _units(sources, entity, canonical, settings)
    if not units:
        return []
    frames = claim_frames(
        [u.claim.text for u in units],
        [u.spans for u in units],
        parser=parser,
        names=_name_words(canonical),
    )
    vectors = (embedder or default_embedder()).embed([u.text for u in units])
    sims = vectors @ vectors.T
    # Sentence embeddings see topic more than statement: two sentences about the same war and
    # the same powers come out similar though they say different things. Claims making the
    # same assertion also share some of their rarer words (TF-IDF weights them).
    lexical = LexicalEmbedder().embed([u.text for u in units])
    words = lexical @ lexical.T
    # Entities named in many claims (the corpus's main country, its main actor) say little
    # about two claims being the same; weight shared entities by inverse document frequency.
    df: Counter[int] = Counter()
    for u in units:
        df.update(u.entities)
    idf = {e: math.log(1 + len(units) / n) for e, n in df.items()}
    # Smoothing: one shared entity of two claims that name nothing else is weak evidence,
    # not a full overlap; the prior is what an average entity weighs.
    prior = sum(idf.values()) / len(idf) if idf else 1.0

    def entity_overlap(a: _Unit, b: _Unit) -> float:
        shared = sum(idf[e] for e in a.entities & b.entities)
        if not shared:
            return 0.0
        return shared / (sum(idf[e] for e in a.entities | b.entities) + prior)

    n = len(units)
    cross = np.array([[a.source != b.source for b in units] for a in units])
    overlap = np.zeros((n, n), dtype=np.float32)
    for i in range(n):
        for j in range(i + 1, n):
            if cross[i, j] and units[i].entities & units[j].entities:
                overlap[i, j] = overlap[j, i] = entity_overlap(units[i], units[j])
    anchors = _Anchors(frames)
    evidence = (sims + settings.lexical_weight * words + settings.entity_weight * overlap).astype(
        np.float32
    )
    narrow = [_narrow(u, settings.event_max_days) for u in units]
    rank = _ranks(units, evidence)
    links: list[tuple[float, int, int, bool]] = []
    for i in range(n):
        for j in range(i + 1, n):
            if not cross[i, j]:
                continue
            sim = float(sims[i, j])
            if sim < settings.event_similarity:
                continue
            shared_words = float(words[i, j])
            shared = float(overlap[i, j])
            same_time = bool(narrow[i] and narrow[j] and _overlap(narrow[i], narrow[j]))
            event = same_time and shared > 0 and sim >= settings.event_similarity
            mutual = max(rank[i, j], rank[j, i]) < settings.mutual_rank
            close = sim + settings.lexical_weight * shared_words >= settings.evidence_floor
            worded = shared_words >= settings.lexical_overlap or (shared_words > 0 and close)
            assertion = worded and (
                sim >= settings.assertion_similarity
                or (sim >= settings.mutual_similarity and mutual)
            )
            if (event or assertion) and anchors.shared(i, j) >= settings.anchor_floor:
                score = 0.65 * float(evidence[i, j]) + (0.10 if same_time else 0.0)
                links.append((score, i, j, event))
    links.sort(key=lambda link: -link[0])

    groups = _Groups(len(units))
    for _, i, j, _ in links:
        ri, rj = groups.find(i), groups.find(j)
        if ri == rj:
            continue
        left, right = groups.members[ri], groups.members[rj]
        ok = (
            len(left) + len(right) <= settings.max_members
            and all(
                sims[x, y] >= settings.cohesion
                for x in left
                for y in right
                if units[x].source != units[y].source
            )
            # One group, one happening: claims dated too far apart for that stay apart.
            and not any(
                _apart(narrow[x], narrow[y], settings.event_max_days) for x in left for y in right
            )
        )
        groups.merge(i, j, ok)

    best: dict[int, float] = {}
    event_links: set[int] = set()
    support: Counter[int] = Counter()
    for score, i, j, event in links:
        if groups.find(i) == groups.find(j):
            best[i] = max(best.get(i, 0.0), score)
            best[j] = max(best.get(j, 0.0), score)
            support[groups.find(i)] += 1
            if event:
                event_links.add(groups.find(i))
    result: list[ClaimGroup] = []
    for root, members in groups.members.items():
        if len({units[m].source for m in members}) < 2:
            continue
        members = sorted(members, key=lambda m: (units[m].source, units[m].claim.start))
        group = _group(root, members, units, sims, best, canonical, root in event_links)
        # Each further cross-source link inside the group corroborates it (log: the first
        # few matter most).
        extra = settings.corroboration * math.log1p(max(support[root] - 1, 0))
        # Evidence is unbounded above (similarity plus weighted overlaps); a monotone squash
        # keeps the order of strong groups that a cap at 1 would tie.
        group.score = round(1.0 - math.exp(-(group.score + extra)), 4)
        result.append(group)
    result.sort(key=lambda g: -g.score)
    return result


# How much a shared anchor weighs by its role in each claim: a head in both is an
# argument or predicate the two assert something of; a modifier is colour.
_ROLE_WEIGHTS = {(True, True): 1.0, (True, False): 0.5, (False, True): 0.5, (False, False): 0.25}


class _Anchors:
    """The anchor evidence of pairs of claims, computed for the pairs that ask for it.

    Only pairs that pass the other link conditions are asked: a few per claim, where
    computing it for every cross-source pair would be another quadratic pass in Python.
    """

    def __init__(self, frames: Sequence[ClaimFrame]) -> None:
        n = len(frames)
        df: Counter[str] = Counter()
        # Each claim's anchors under every key they go by, and back to the anchor.
        self.index: list[dict[str, str]] = []
        for frame in frames:
            index = {form: key for key in frame.anchors for form in frame.keys_of(key)}
            index.update({key: key for key in frame.anchors})
            self.index.append(index)
            df.update(index.keys())
        # n + 1: a corpus of two claims still tells a shared word (1) from an absent one;
        # the floor of the scale keeps a corpus of one claim (nothing to share) from
        # dividing by 0.
        scale = max(math.log((n + 1) / 2), math.log(1.5))
        self.idf = {key: math.log((n + 1) / count) / scale for key, count in df.items()}
        self.frames = frames
        self.heads = [frame.heads() for frame in frames]
        # The anchors that fill a slot of one of the claim's predicates directly.
        self.fills = [
            {index[k] for key in frame.predicates for k in frame.fillers.get(key, {}) if k in index}
            for frame, index in zip(frames, self.index, strict=True)
        ]

    def shared(self, i: int, j: int) -> float:
        """The IDF of the anchors claims i and j share, each weighted by its roles.

        IDF makes a word or entity that runs through the corpus (its main country, its
        main actor) weigh little, and a word only a few claims use weigh much: one rare
        head shared is evidence, one frequent modifier is not. It is scaled so that an
        anchor only the two claims use weighs 1 (and one in every claim nearly 0), so that
        the floor means the same in a corpus of ten claims and of ten thousand.
        """
        a, b = self.frames[i], self.frames[j]
        fills_a, fills_b = self.fills[i], self.fills[j]
        pairs = self._pairs(i, j)
        # A predicate both claims fill, but with nothing in common ("this foreign
        # intervention" / "the intervention of the fascists"), is two happenings of one
        # kind. What fills it in one claim and, in the other, fills the slot of another
        # predicate ("collaborate with the Nazis") plays two different parts there, and is
        # no shared content either.
        apart = [
            (_inside(a, key), _inside(b, other))
            for key, other in pairs
            if key in a.predicates
            and other in b.predicates
            and a.fillers.get(key)
            and b.fillers.get(other)
            and not _filled(a, b, key, other)
        ]
        total = 0.0
        for key, other in pairs:
            if any(
                (a.keys_of(key) & in_a and not b.keys_of(other) & in_b and other in fills_b)
                or (b.keys_of(other) & in_b and not a.keys_of(key) & in_a and key in fills_a)
                for in_a, in_b in apart
            ):
                continue
            # The same noun qualified by different names is two things: "Mihailovich's
            # forces" / "the partisan forces".
            if not compatible(a.referents.get(key, ()), b.referents.get(other, ())):
                continue
            # A shared predicate is the same assertion only when something fills one of
            # its slots in both: "destroy" the same forces, a "landing" of the same
            # allies. Alone it is a theme ("they refused"). A verb in one claim and the
            # same word as a noun in the other ("needed German help" / "beg the Germans
            # to help"; "the forces" / "forced") is held to the same test: the noun is the
            # verb's nominalisation or a homograph, and only shared fillers tell which.
            # Where both claims also use the word as a plain noun, the two nouns meet.
            if (
                (key in a.predicates or other in b.predicates)
                and not (key in a.nouns and other in b.nouns)
                and not _filled(a, b, key, other)
            ):
                continue
            weight = max(self.idf[f] for f in a.keys_of(key) & b.keys_of(other))
            total += weight * _ROLE_WEIGHTS[(key in self.heads[i], other in self.heads[j])]
        return total

    def _pairs(self, i: int, j: int) -> list[tuple[str, str]]:
        """The anchors of claims i and j that go by a common key, each anchor once."""
        a, index = self.frames[i], self.index[j]
        pairs: list[tuple[str, str]] = []
        used: set[str] = set()
        # Same keys first, so that an alias only pairs what the keys left unpaired.
        for key in sorted(a.anchors, key=lambda k: k not in index or index[k] != k):
            other = next(
                (index[f] for f in sorted(a.keys_of(key)) if f in index and index[f] not in used),
                None,
            )
            if other is not None:
                used.add(other)
                pairs.append((key, other))
        return pairs


def _inside(frame: ClaimFrame, key: str) -> frozenset[str]:
    """The keys of what fills the slots of ``key``, directly or not."""
    return frame.arguments.get(key, frozenset()) | frame.fillers.get(key, {}).keys()


def _filled(a: ClaimFrame, b: ClaimFrame, key: str, other: str) -> bool:
    """Whether something fills a slot of ``key`` in both claims.

    The shared word must fill the slot directly in at least one of them: one that only
    qualifies the fillers in both ("fighting the German Army" / "fight the German nazis")
    is colour of two different fillers. And a filler qualified by different names in the
    two is two fillers ("destroy Mihailovich's forces" / "destroy the partisan forces").
    """
    fa, fb = a.fillers.get(key, {}), b.fillers.get(other, {})
    for argument in a.arguments.get(key, frozenset()) & b.arguments.get(other, frozenset()):
        if argument not in fa and argument not in fb:
            continue
        if compatible(fa.get(argument, ()), fb.get(argument, ())):
            return True
    return False


def _name_words(canonical: Sequence[str]) -> frozenset[str]:
    """The anchor keys of the one-word names of the resolved entities ("Partisans" ->
    ``w:partisan``): in lower case ("the partisan forces") the word still names them."""
    keys: set[str] = set()
    for name in canonical:
        words = content_words(name)
        if len(words) == 1:
            keys.add(f"w:{words[0]}")
    return frozenset(keys)


def _group(
    root: int,
    members: list[int],
    units: list[_Unit],
    sims: npt.NDArray[np.float32],
    best: dict[int, float],
    canonical: list[str],
    event: bool,
) -> ClaimGroup:
    by_source: dict[int, set[int]] = {}
    for m in members:
        by_source.setdefault(units[m].source, set()).update(units[m].entities)
    counts: Counter[int] = Counter()
    for ids in by_source.values():
        counts.update(ids)
    shared = sorted((e for e, n in counts.items() if n >= 2), key=lambda e: canonical[e])
    # The member closest to all others stands for the group.
    central = max(members, key=lambda m: sum(float(sims[m, o]) for o in members if o != m))
    label = _shorten(units[central].text)
    if event:
        dates = sorted(
            {d for d in (units[m].member.date for m in members) if d},
            key=lambda d: (len(d), d),
        )
        names = ", ".join(canonical[e] for e in shared[:3])
        label = f"{names}: {dates[0] if dates else ''} — {label}" if names else label
    group_members = [units[m].member for m in members]
    classification, reason = classify(group_members)
    return ClaimGroup(
        kind="event" if event else "assertion",
        label=label,
        classification=classification,
        reason=reason,
        # A group is as sure as its strongest cross-source link; weaker members hang on it.
        score=round(max(best.get(m, 0.0) for m in members), 4),
        members=group_members,
        entities=[canonical[e] for e in shared],
    )


def _shorten(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit] + "…"


def for_entity(groups: Iterable[ClaimGroup], name: str) -> list[ClaimGroup]:
    """Groups whose members name the entity ``name`` (any spelling the resolver merged)."""
    key = name_key(name)
    return [
        g
        for g in groups
        if any(
            key == name_key(e) or key in name_key(e).split() for m in g.members for e in m.entities
        )
    ]


def between(groups: Iterable[ClaimGroup], a: str, b: str) -> list[ClaimGroup]:
    """Groups with members from both source ``a`` and source ``b`` (id, id prefix, path or name)."""
    return [g for g in groups if g.names_source(a) and g.names_source(b)]
