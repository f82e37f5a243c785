"""Relations between entities: co-occurrence (weighted, with evidence) and typed relations
the text states ("X, a member of Y", "X met Y", "X was charged with the leadership of Y")."""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

_SENTENCE_END = re.compile(r"(?<=[.!?»”])\s+(?=[\"“«A-ZÀ-Ž0-9])")
_EVIDENCE_LIMIT = 5  # evidence spans kept per relation and source

# Words between a person and an organisation that state their tie.
_TYPED = [
    (
        "leader-of",
        re.compile(
            r"^,?\s*(?:who\s+)?(?:was|became|is)?\s*(?:the\s+)?(?:(?:charged|entrusted)\s+with\s+the\s+"
            r"leadership|leader|head|chief|commander|secretary(?:-general)?|chairman|president)"
            r"\s+of\s+(?:the\s+)?$",
            re.IGNORECASE,
        ),
    ),
    (
        "member-of",
        re.compile(
            r"^,?\s*(?:who\s+)?(?:was|became|is)?\s*(?:a|an)\s+(?:\w+\s+)?member\s+of\s+(?:the\s+)?$",
            re.IGNORECASE,
        ),
    ),
    (
        "met-with",
        re.compile(
            r"^\s*(?:met|negotiated|conferred|talked|spoke)\s+(?:with\s+)?$",
            re.IGNORECASE,
        ),
    ),
    (
        # "Roberts quoted Djilas", "Kasche, citing Ribbentrop", "X's account corroborated Y's".
        "cites",
        re.compile(
            r"^(?:['’]s?\s+(?:\w+[\s-]+){1,2})?\s*(?:,\s*)?(?:quoted|quotes|quoting|cited|cites|"
            r"citing|paraphrased|corroborated|confirmed)\s+(?:the\s+)?(?:\w+\s+of\s+)?$",
            re.IGNORECASE,
        ),
    ),
]
_SPEAKERS = {"person", "organization", "work"}
# Words between two places that put the first inside the second ("Gornji Vakuf in
# Bosnia", "Sarmash in the Tepelena district"). A comma is not enough: lists of
# places ("Albania, Greece") far outnumber "Zagreb, Croatia".
_LOCATED = re.compile(r"^\s*(?:in|in the|inside|within)\s*$", re.IGNORECASE)
_MEETING_CONTEXT = re.compile(r"\b(?:met|meeting|negotiat\w*|talks|conferred)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Placed:
    """A mention as relations see it: its entity, type and offsets."""

    entity: int
    type: str
    start: int
    end: int


@dataclass(slots=True)
class Relation:
    source: int
    target: int
    type: str
    weight: int = 0
    evidence: list[tuple[str, int, int]] = field(default_factory=list)


def sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence ranges inside ``text[start:end]`` (a paragraph)."""
    ranges = []
    position = start
    for match in _SENTENCE_END.finditer(text, start, end):
        ranges.append((position, match.start()))
        position = match.end()
    ranges.append((position, end))
    return ranges


def relations_of_source(
    source_id: str,
    text: str,
    paragraphs: Sequence[tuple[int, int]],
    mentions: Sequence[Placed],
    into: dict[tuple[int, int, str], Relation],
) -> None:
    """Add one source's co-occurrences and stated relations to ``into``."""
    ordered = sorted(mentions, key=lambda m: m.start)
    starts = [m.start for m in ordered]
    for p_start, p_end in paragraphs:
        inside = ordered[bisect_left(starts, p_start) : bisect_left(starts, p_end)]
        if len(inside) < 2:
            continue
        _pairs(into, inside, "co-paragraph", source_id, (p_start, p_end))
        for s_start, s_end in sentences(text, p_start, p_end):
            in_sentence = [m for m in inside if s_start <= m.start and m.end <= s_end]
            if len(in_sentence) >= 2:
                _pairs(into, in_sentence, "co-sentence", source_id, (s_start, s_end))
                _typed(into, in_sentence, text, source_id, (s_start, s_end))


def _add(
    into: dict[tuple[int, int, str], Relation],
    a: int,
    b: int,
    kind: str,
    evidence: tuple[str, int, int],
    *,
    directed: bool = False,
) -> None:
    if a == b:
        return
    if not directed and a > b:
        a, b = b, a
    relation = into.setdefault((a, b, kind), Relation(a, b, kind))
    relation.weight += 1
    if len(relation.evidence) < _EVIDENCE_LIMIT and evidence not in relation.evidence:
        relation.evidence.append(evidence)


def _pairs(
    into: dict[tuple[int, int, str], Relation],
    items: Iterable[Placed],
    kind: str,
    source_id: str,
    span: tuple[int, int],
) -> None:
    entities = sorted({m.entity for m in items})
    for i, a in enumerate(entities):
        for b in entities[i + 1 :]:
            _add(into, a, b, kind, (source_id, *span))


def _typed(
    into: dict[tuple[int, int, str], Relation],
    items: Sequence[Placed],
    text: str,
    source_id: str,
    span: tuple[int, int],
) -> None:
    sentence = text[span[0] : span[1]]
    for left, right in itertools.pairwise(items):
        between = text[left.end : right.start]
        if len(between) > 80:
            continue
        if left.type == right.type == "place" and _LOCATED.match(between):
            evidence = (source_id, left.start, right.end)
            _add(into, left.entity, right.entity, "located-in", evidence, directed=True)
            continue
        for kind, pattern in _TYPED:
            if not pattern.match(between):
                continue
            if kind in {"leader-of", "member-of"}:
                if left.type == "person" and right.type in {"organization", "group"}:
                    _add(
                        into,
                        left.entity,
                        right.entity,
                        kind,
                        (source_id, left.start, right.end),
                        directed=True,
                    )
            elif kind == "cites":
                if left.type in _SPEAKERS and right.type in _SPEAKERS:
                    evidence = (source_id, left.start, right.end)
                    _add(into, left.entity, right.entity, kind, evidence, directed=True)
            elif (
                left.type in {"person", "organization"}
                and right.type == left.type
                and _MEETING_CONTEXT.search(sentence)
            ):
                _add(into, left.entity, right.entity, kind, (source_id, *span))
            break


def part_of_relations(
    names: dict[int, tuple[str, str]],
    keys: dict[str, list[int]],
    first_mentions: dict[int, tuple[str, int, int]],
    into: dict[tuple[int, int, str], Relation],
) -> None:
    """Organisations named inside other organisations' names are their parents:
    "Politburo of the Central Committee of the CPY" is part of "Central Committee of
    the CPY", which is part of "CPY" — when those are entities of the knowledge base.

    ``names``: entity id -> (name key, type); ``keys``: name key -> entity ids;
    ``first_mentions``: entity id -> a span that names it (the evidence).
    """
    for entity, (key, kind) in names.items():
        if kind != "organization" or " of " not in key:
            continue
        parts = key.split(" of ", 1)
        parent_key = parts[1].removeprefix("the ")
        parents = [p for p in keys.get(parent_key, []) if p != entity and names[p][1] == kind]
        if len(parents) == 1 and entity in first_mentions:
            _add(into, entity, parents[0], "part-of", first_mentions[entity], directed=True)
