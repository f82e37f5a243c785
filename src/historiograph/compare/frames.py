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

Two refinements keep a shared word from standing for two different things:

* *slot fillers*: a predicate's argument counts as shared when it fills one of the
  predicate's slots directly in at least one of the two claims (its subject, object,
  the object of its preposition; for a noun made from a verb its modifiers too: "an
  *Allied* landing" is a landing by the Allies). A word that only modifies the fillers in
  both ("fighting the *German* Army" / "fight the *German* nazis") is colour of two
  different fillers, not a shared one.
* *referents*: a common noun that a name qualifies (a possessor, a compound, a proper
  adjective, an "of" phrase: "*Mihailovich's* forces", "the *Italian* troops", "the
  forces *of the Republic*") is that name's. Two claims that share the noun but qualify it
  by different names speak of different things ("Mihailovich's forces" / "the partisan
  forces"), whatever the noun; see :func:`compatible`.

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


# The names that qualify each occurrence of a word: one set per occurrence, empty where
# no name qualifies it ("the forces" stands for whatever forces the text means).
Referents = tuple[frozenset[str], ...]
# Dependencies through which a name qualifies a common noun: whose (possessor), which kind
# (compound, adjective: "the Italian troops") or of what ("the forces of the Republic").
_QUALIFIER_DEPS = frozenset("poss compound amod nmod".split())
# Dependencies through which a word fills a predicate's slot without being a slot itself:
# the preposition ("landed *in* Sicily") and the agent of a passive ("*by* the Allies").
_LINK_DEPS = frozenset("prep agent dative".split())


def compatible(a: Referents, b: Referents) -> bool:
    """Whether two claims' occurrences of a word can stand for the same thing.

    They cannot when every occurrence in one is qualified by names and every occurrence
    in the other too, and no two share a name: "Mihailovich's forces" and "the partisan
    forces" are different forces. An unqualified occurrence ("the forces") can be any.
    """
    if not a or not b:
        return True
    return any(not x or not y or x & y for x in a for y in b)


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
    modifiers), within its own clause. ``fillers[key]`` are those of them that fill a slot
    directly, each with the referents of its occurrences there; ``referents[key]`` the
    referents of each occurrence of a common noun (see :func:`referents_of`).
    """

    anchors: dict[str, str]
    predicates: frozenset[str] = frozenset()
    arguments: dict[str, frozenset[str]] = field(default_factory=dict)
    fillers: dict[str, dict[str, Referents]] = field(default_factory=dict)
    referents: dict[str, Referents] = field(default_factory=dict)
    # Other keys the same words go by: the lemma and the written form fold differently
    # when the tagger lemmatises one spelling and not the other ("allied" -> "ally",
    # "Allied" -> "Allied"), and two claims should meet on either.
    forms: dict[str, frozenset[str]] = field(default_factory=dict)
    # The keys the claim also uses as a plain noun, not as a predicate ("the forces").
    nouns: frozenset[str] = frozenset()

    def keys_of(self, key: str) -> frozenset[str]:
        """``key`` and the other keys its words go by."""
        return self.forms.get(key, frozenset()) | {key}

    def heads(self) -> set[str]:
        return {k for k, role in self.anchors.items() if role == HEAD}


# The components a claim's parse needs: tags, dependencies, lemmas. A caller's full NLP
# pipeline runs with only these (entities are already resolved by the extraction).
PARSE_PIPES = frozenset({"tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer"})


@lru_cache(maxsize=1)
def default_parser() -> Language:
    """The English model of the NLP stage with only what a parse needs (loaded once)."""
    import spacy

    from historiograph.nlp.pipeline import MODEL

    # Entities are already resolved by the extraction; the parse only needs tags,
    # dependencies and lemmas.
    return spacy.load(MODEL, exclude=["ner"])


def _role(token: Token) -> str:
    if token.dep_ not in _MODIFIER_DEPS:
        return HEAD
    # What qualifies a noun made from a verb fills the verb's slot: "an *Allied* landing"
    # is a landing by the Allies, as "the allied forces landed" is.
    if token.dep_ in _QUALIFIER_DEPS and _is_predicate(token.head) and token.head.pos_ == "NOUN":
        return HEAD
    return MODIFIER


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


def _inside(token: Token, spans: Sequence[EntitySpan]) -> EntitySpan | None:
    return next((s for s in spans if s.start <= token.idx < s.end), None)


def _names(token: Token, spans: Sequence[EntitySpan], names: frozenset[str]) -> frozenset[str]:
    """The keys of the name ``token`` is, if it is one: a resolved mention, a proper noun or
    adjective (capitalised inside the sentence), or a word the corpus uses as a name."""
    keys = _key(token, spans)
    if _inside(token, spans) is not None:
        return frozenset(keys)
    proper = token.pos_ == "PROPN" or (
        token.is_title and token.i > token.sent.start and token.pos_ in ("ADJ", "NOUN")
    )
    if proper or any(k in names for k in keys):
        return frozenset(keys)
    return frozenset()


def referents_of(
    token: Token, spans: Sequence[EntitySpan], names: frozenset[str]
) -> frozenset[str]:
    """The names that qualify a common noun: its possessor, compound or proper adjective,
    the object of its "of" (and what is coordinated with them); empty for other words."""
    if token.pos_ != "NOUN" or _inside(token, spans) is not None:
        return frozenset()
    qualifiers = [c for c in token.children if c.dep_ in _QUALIFIER_DEPS]
    qualifiers += [
        g
        for c in token.children
        if c.dep_ == "prep" and c.lower_ == "of"
        for g in c.children
        if g.dep_ == "pobj"
    ]
    found: set[str] = set()
    for q in qualifiers:
        for part in (q, *(c for c in q.children if c.dep_ == "conj")):
            found.update(_names(part, spans, names))
    return frozenset(found)


def _fillers(token: Token) -> list[Token]:
    """The words that fill ``token``'s slots directly: its dependents in its own clause,
    through a preposition to its object, and what is coordinated with them."""
    direct: list[Token] = []
    for child in token.children:
        if child.dep_ in _CLAUSE_DEPS:
            continue
        if child.dep_ in _LINK_DEPS:
            direct.extend(g for g in child.children if g.dep_ in ("pobj", "pcomp"))
        else:
            direct.append(child)
    for filler in list(direct):
        direct.extend(c for c in filler.children if c.dep_ == "conj")
    return direct


def _is_predicate(token: Token) -> bool:
    if token.pos_ == "VERB":
        # A participle that qualifies a noun ("the allied forces", "its shaken position")
        # is an adjective there: it has no slots of its own to fill.
        return token.dep_ != "amod"
    # A noun formed from a verb names an action, and says as little without its
    # arguments as the verb does: "the intervention" of whom, "a landing" where.
    lower = token.lemma_.lower()
    return token.pos_ == "NOUN" and len(lower) >= 7 and lower.endswith(_ACTION_SUFFIXES)


def frame_of(
    doc: Doc,
    entities: Iterable[EntitySpan],
    reporting: frozenset[str],
    names: frozenset[str] = frozenset(),
) -> ClaimFrame:
    """The anchors of a parsed claim; ``entities`` are its resolved mentions, ``names`` the
    word keys (``"w:<word>"``) the corpus uses as names of entities."""
    spans = list(entities)
    anchors: dict[str, str] = {}
    predicates: set[str] = set()
    arguments: dict[str, set[str]] = {}
    fillers: dict[str, dict[str, list[frozenset[str]]]] = {}
    referents: dict[str, list[frozenset[str]]] = {}
    forms: dict[str, set[str]] = {}
    nouns: set[str] = set()

    def add(key: str, token: Token) -> None:
        if anchors.get(key) != HEAD:
            anchors[key] = _role(token)
        if _is_predicate(token):
            predicates.add(key)
        elif token.pos_ in ("NOUN", "PROPN"):
            nouns.add(key)
        arguments.setdefault(key, set()).update(_arguments(token, spans) - {key})
        slots = fillers.setdefault(key, {})
        for filler in _fillers(token):
            qualified = referents_of(filler, spans, names)
            for k in _key(filler, spans):
                if k != key:
                    slots.setdefault(k, []).append(qualified)
        referents.setdefault(key, []).append(referents_of(token, spans, names))
        if key.startswith("w:"):
            other = set(_key(token, spans)) - {key}
            if other:
                forms.setdefault(key, set()).update(other)

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
        anchors,
        frozenset(predicates),
        {k: frozenset(v) for k, v in arguments.items()},
        {k: {a: tuple(r) for a, r in slots.items()} for k, slots in fillers.items()},
        {k: tuple(r) for k, r in referents.items()},
        {k: frozenset(v) for k, v in forms.items()},
        frozenset(nouns),
    )


def claim_frames(
    texts: Sequence[str],
    entities: Sequence[Sequence[EntitySpan]],
    *,
    parser: Language | None = None,
    names: frozenset[str] = frozenset(),
) -> list[ClaimFrame]:
    """The frame of each text (one claim each), parsed together; ``names`` as for
    :func:`frame_of`. ``parser``: a loaded English pipeline to reuse (only its
    :data:`PARSE_PIPES` run); by default :func:`default_parser`."""
    nlp = parser or default_parser()
    reporting = frozenset(default_lexicon().reporting_verbs)
    # A pipeline the process already holds (the NLP stage's) is reused with its other
    # components off, instead of loading a second copy of the model.
    with nlp.select_pipes(enable=[name for name in nlp.pipe_names if name in PARSE_PIPES]):
        docs = list(nlp.pipe(texts))
    return [
        frame_of(doc, spans, reporting, names) for doc, spans in zip(docs, entities, strict=True)
    ]
