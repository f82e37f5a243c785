"""What a claim is about, read from its dependency parse: the words that carry its content.

A sentence embedding sees a claim's topic; two claims about the same war and the same
powers come out similar though they say different things. What tells "the same
assertion" from "the same theme" is which content the two share, and where it sits in
each sentence. An *anchor* is a content word (lemma, folded with
:func:`~historiograph.compare.embed.content_words`, so "landing" and "land" meet) or a
resolved entity, with its *role*:

* ``head`` — the predicate, or the head of one of its arguments (subject, object,
  complement, object of a preposition): what the sentence asserts something of;
* ``modifier`` — an adjective, compound, possessive or adverb hanging on another word:
  colour, not content ("the *Soviet* forces", "*Communist* leaders").

Two claims sharing a rare head are likely to assert the same thing; two sharing only a
modifier or a frequent word are likely only to be about the same subject.

A *predicate* (a verb, or a noun made from one: "landing", "intervention") says little
without what fills its slots: "the Partisans refused" and "the Italian command refused"
share a predicate and nothing else. So each anchor keeps its *arguments*, the keys of
the words in its subject, object, prepositional and modifier slots within its own
clause, and the comparison counts a predicate the two claims share only when one of its
arguments is shared too (see :func:`historiograph.compare.align.compare_sources`).

Left out as content: stop words, reporting verbs (they say who asserts, not what),
light verbs (be, have, make, take, ...) whose meaning lies in their complement, and the
bare noun of a light-verb idiom ("take *place*", "take *part*"), which is no argument.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc, Token

from historiograph.claims.lexicon import default_lexicon
from historiograph.compare.embed import content_words

HEAD = "head"
MODIFIER = "modifier"

# Dependencies that attach a modifier, not an argument (ClearNLP labels, spaCy's English).
_MODIFIER_DEPS = frozenset(
    """amod compound nmod poss nummod advmod npadvmod det predet quantmod appos
    neg aux auxpass cc punct case mark prt expl dep meta""".split()
)
# Verbs whose meaning lies in their complement ("took place", "had a meeting", "was a
# leader"): general English, not any corpus's vocabulary.
_LIGHT_VERBS = frozenset("be have do make take give get become seem remain".split())
_CONTENT_POS = frozenset({"NOUN", "PROPN", "VERB", "ADJ"})
# Dependencies that open a clause of its own: its words fill that clause's slots.
_CLAUSE_DEPS = frozenset("ccomp xcomp advcl relcl acl conj parataxis csubj csubjpass".split())
# Endings of English nouns made from verbs (intervention, agreement, resistance, landing).
_ACTION_SUFFIXES = ("tion", "sion", "ment", "ance", "ence", "ing")
# Nouns that place a statement in time ("at that time", "by the end of 1942"): when a
# claim happened is compared through its EDTF dates, not as shared content.
_TEMPORAL_NOUNS = frozenset(
    "time day year month week period moment end beginning start eve date".split()
)


@dataclass(frozen=True, slots=True)
class EntitySpan:
    """A resolved entity's mention inside a claim: offsets into the claim's text."""

    start: int
    end: int
    entity: int


@dataclass(frozen=True, slots=True)
class ClaimFrame:
    """The anchors of one claim.

    ``anchors[key]`` is the role (:data:`HEAD` or :data:`MODIFIER`; a key in both roles
    counts as a head); a key is ``"w:<word>"`` for a content word, ``"e:<number>"`` for
    a resolved entity. ``predicates`` are the keys the claim uses as a predicate (a
    verb, or a noun naming an action: "landing", "intervention"); ``arguments[key]``
    the keys of the words that fill its slots (subject, object, prepositional object,
    modifiers), within its own clause.
    """

    anchors: dict[str, str]
    predicates: frozenset[str] = frozenset()
    arguments: dict[str, frozenset[str]] = field(default_factory=dict)

    def heads(self) -> set[str]:
        return {k for k, role in self.anchors.items() if role == HEAD}


@lru_cache(maxsize=1)
def default_parser() -> Language:
    """The English model of the NLP stage with only what a parse needs (loaded once)."""
    import spacy

    from historiograph.nlp.pipeline import MODEL

    # Entities are already resolved by the extraction; the parse only needs tags,
    # dependencies and lemmas.
    return spacy.load(MODEL, exclude=["ner"])


def _role(token: Token) -> str:
    return MODIFIER if token.dep_ in _MODIFIER_DEPS else HEAD


def _light_idiom(token: Token) -> bool:
    """The bare noun of a light-verb idiom: "take place", "take part", "make use"."""
    return (
        token.dep_ == "dobj"
        and token.head.lemma_.lower() in _LIGHT_VERBS
        and not any(c.dep_ in ("det", "poss", "amod", "nummod") for c in token.children)
    )


def _key(token: Token, spans: Sequence[EntitySpan]) -> list[str]:
    """The anchor keys a token stands for as an argument: its entity and its word."""
    keys: list[str] = []
    inside = next((s for s in spans if s.start <= token.idx < s.end), None)
    if inside is not None:
        keys.append(f"e:{inside.entity}")
    # The word too, so that "Allied" (a name) fills the same slot as "allied"; as
    # lemma and as written, since the tagger lemmatises one form and not the other
    # ("allied" -> "ally", "Allied" -> "Allied").
    if token.is_alpha and not token.is_stop and token.pos_ in _CONTENT_POS:
        for form in (token.lemma_, token.text):
            keys.extend(f"w:{w}" for w in content_words(form)[:1])
    return keys


def _arguments(token: Token, spans: Sequence[EntitySpan]) -> set[str]:
    """The keys of the words in ``token``'s argument and modifier slots, its clause only."""
    found: set[str] = set()
    stack = [c for c in token.children if c.dep_ not in _CLAUSE_DEPS]
    while stack:
        child = stack.pop()
        found.update(_key(child, spans))
        stack.extend(c for c in child.children if c.dep_ not in _CLAUSE_DEPS)
    return found


def _is_predicate(token: Token) -> bool:
    if token.pos_ == "VERB":
        return True
    # A noun formed from a verb names an action, and says as little without its
    # arguments as the verb does: "the intervention" of whom, "a landing" where.
    lower = token.lemma_.lower()
    return token.pos_ == "NOUN" and len(lower) >= 7 and lower.endswith(_ACTION_SUFFIXES)


def frame_of(doc: Doc, entities: Iterable[EntitySpan], reporting: frozenset[str]) -> ClaimFrame:
    """The anchors of a parsed claim; ``entities`` are its resolved mentions."""
    spans = list(entities)
    anchors: dict[str, str] = {}
    predicates: set[str] = set()
    arguments: dict[str, set[str]] = {}

    def add(key: str, token: Token) -> None:
        if anchors.get(key) != HEAD:
            anchors[key] = _role(token)
        if _is_predicate(token):
            predicates.add(key)
        arguments.setdefault(key, set()).update(_arguments(token, spans) - {key})

    for token in doc:
        inside = next((s for s in spans if s.start <= token.idx < s.end), None)
        if inside is not None:
            # A mention counts once, in the role of its syntactic head (the token whose
            # head lies outside it).
            head = token.head
            if head.i != token.i and inside.start <= head.idx < inside.end:
                continue
            add(f"e:{inside.entity}", token)
            continue
        if token.is_stop or not token.is_alpha or token.pos_ not in _CONTENT_POS:
            continue
        lemma = token.lemma_.lower()
        if lemma in _LIGHT_VERBS or lemma in reporting or _light_idiom(token):
            continue
        if token.pos_ == "NOUN" and lemma in _TEMPORAL_NOUNS:
            continue
        words = content_words(lemma)
        if words:
            add(f"w:{words[0]}", token)
    return ClaimFrame(
        anchors, frozenset(predicates), {k: frozenset(v) for k, v in arguments.items()}
    )


def claim_frames(
    texts: Sequence[str],
    entities: Sequence[Sequence[EntitySpan]],
    *,
    parser: Language | None = None,
) -> list[ClaimFrame]:
    """The frame of each text (one claim each), parsed together."""
    nlp = parser or default_parser()
    reporting = frozenset(default_lexicon().reporting_verbs)
    return [
        frame_of(doc, spans, reporting)
        for doc, spans in zip(nlp.pipe(texts), entities, strict=True)
    ]
