"""Our entity types, the model's labels mapped onto them, and span extensions.

Components set ``doc.ents`` labels to one of ENTITY_TYPES and record on each
span how it was found (``span._.hg_rule``) and how strong that evidence is
(``span._.hg_weight``), so the consistency component can vote.
"""

from __future__ import annotations

from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc, Span

from historiograph.model import ENTITY_TYPES
from historiograph.nlp.word_frequency import english_frequency
from historiograph.nlp.wordlists import NOT_NAME_ACRONYMS, TITLES

# OntoNotes labels of the English model -> our types. Dates, numbers and
# quantities are not entities here (dates have their own component).
MODEL_LABELS = {
    "PERSON": "person",
    "ORG": "organization",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "NORP": "group",
    "WORK_OF_ART": "work",
    "LAW": "work",
    "EVENT": "other",
    "PRODUCT": "other",
    "LANGUAGE": "other",
}

# How much each kind of evidence counts when a document's mentions of one
# name disagree about its type.
WEIGHTS = {
    "model": 1.0,
    "cue": 2.0,
    "gazetteer": 3.0,
    "acronym": 2.0,
    "consistency": 0.5,
    "list": 1.5,  # named in a list with names of a type (between a cue and the model)
    "coordinated": 2.0,  # sharing a head with a name ("the Korça and Shkodra Groups"): local
}
# Evidence about one occurrence only: the document vote neither counts nor overrides it.
LOCAL_RULES = frozenset({"coordinated"})


def register_extensions() -> None:
    """Span extensions the components use (idempotent)."""
    if not Span.has_extension("hg_rule"):
        Span.set_extension("hg_rule", default="model")
    if not Span.has_extension("hg_weight"):
        Span.set_extension("hg_weight", default=WEIGHTS["model"])


def relabel(span: Span, label: str, rule: str) -> Span:
    """A copy of ``span`` with our ``label`` and the evidence that set it."""
    if label not in ENTITY_TYPES:
        raise ValueError(f"unknown entity type {label!r}")
    new = Span(span.doc, span.start, span.end, label=label)
    new._.hg_rule = rule
    new._.hg_weight = WEIGHTS[rule]
    return new


@Language.factory(
    "historiograph_entity_types",
    assigns=["doc.ents"],
    requires=["doc.ents"],
)
def make_entity_types(nlp: Language, name: str) -> EntityTypes:
    return EntityTypes()


class EntityTypes:
    """Map the model's labels to ours and drop what is not an entity.

    Also trims a leading "the" and a trailing possessive from model spans,
    so "the Communist Party of Albania" and "Tito's" become the names.
    """

    def __call__(self, doc: Doc) -> Doc:
        register_extensions()
        ents = []
        for ent in doc.ents:
            label = MODEL_LABELS.get(ent.label_, ent.label_ if ent.label_ in ENTITY_TYPES else "")
            if not label or (label in {"group", "organization"} and adjectival(ent, label)):
                continue
            if not any(ch.isupper() for ch in ent.text):
                continue  # "communists", "partisans": common nouns, not names
            if label in {"group", "organization"} and ideological(ent.text):
                continue  # adherents of an ideology ("Marxist-Leninist") are not a named group
            if ent.text in NOT_NAME_ACRONYMS:
                continue  # "POW", "WWII"
            trimmed = trim_span(ent)
            if trimmed is not None and label == "person":
                trimmed = untitled(trimmed)
            if trimmed is None or prefixed(trimmed):
                continue  # "Anti-Zogist", "all-Balkans": adjectives, not names
            if trimmed.text[:1].islower() and trimmed[0].lower_ not in _NAME_PARTICLES:
                continue  # "anti-Zogist", "pan-Slavist": descriptions, not names
            if len(trimmed) == 1 and (
                common_word(trimmed.text)
                or trimmed.text in _HEADS_ALONE
                or trimmed[0].lower_ in TITLES
            ):
                continue  # "the Party", "People", "Commissar": a common word, not a name
            if label not in {"person", "group"} and indefinite(trimmed):
                continue  # "a Constitution", "a Communist Republic": a kind, not a name
            ents.append(relabel(trimmed, label, "model"))
        doc.ents = ents
        return doc


# Prefixes that make an adjective of a name: "anti-Zogist", "all-Balkans", "pro-British".
_PREFIXES = frozenset(
    "anti pro pan non ex neo all post pre counter semi quasi crypto pseudo".split()
)
_HYPHENS = {"-", "‐", "‑"}
_INDEFINITE_COMMON = 2_000  # occurrences in the English list: "constitution", "republic"


def ideological(text: str) -> bool:
    """ "Communists", "Marxist-Leninist": words for followers of ideologies only."""
    parts = [p for p in text.lower().replace("-", " ").split() if p]
    return bool(parts) and all(p.rstrip("s") in IDEOLOGIES for p in parts)


def prefixed(span: Span) -> bool:
    """A name made an adjective by a prefix: one hyphenated word starting with one
    ("Anti-Zogist"), or a name right after a lower-case prefix and a hyphen
    ("all-Balkans", "pro-German")."""
    doc = span.doc
    words = span.text.split()
    if len(words) == 1 and "-" in words[0] and words[0].split("-")[0].lower() in _PREFIXES:
        return True
    if span.start >= 2 and doc[span.start - 1].text == "-" and not doc[span.start - 1].whitespace_:
        before = doc[span.start - 2]
        return not before.whitespace_ and before.lower_ in _PREFIXES and before.text.islower()
    return False


def hyphenated(span: Span) -> bool:
    """A name joined by a hyphen to another word ("German-Partisan talks",
    "a Croat-Slovene Catholic"): for peoples, a compound adjective."""
    doc = span.doc
    before = span.start >= 1 and doc[span.start - 1].text in _HYPHENS
    before = before and not doc[span.start - 1].whitespace_
    after = span.end < len(doc) and doc[span.end].text in _HYPHENS
    after = after and not span[-1].whitespace_ and not doc[span.end].whitespace_
    return bool(before or after)


def indefinite(span: Span) -> bool:
    """ "a Constitution", "a Communist Republic": a capitalised common noun after "a"
    names a kind of thing, unless it modifies the noun after it ("a Red Army unit")."""
    doc = span.doc
    if span.start == 0 or doc[span.start - 1].lower_ not in {"a", "an"}:
        return False
    if span.end < len(doc) and doc[span.end].pos_ in {"NOUN", "PROPN"}:
        return False
    return english_frequency(span[-1].text) >= _INDEFINITE_COMMON


def untitled(span: Span) -> Span | None:
    """A person's name without the titles before it ("Obergruppenfuehrer Siegfried",
    "King Zog I" -> "Zog I") or a particle left dangling after it ("Siegfried von")."""
    start, end = span.start, span.end
    doc = span.doc
    while end - start > 1 and (doc[start].lower_ in TITLES or doc[start].is_punct):
        start += 1
    while end - start > 1 and doc[end - 1].lower_ in _NAME_PARTICLES:
        end -= 1
    if (start, end) == (span.start, span.end):
        return span
    return Span(doc, start, end, label=span.label)


_LEADING_POS = {"ADV", "ADP", "DET", "CCONJ", "SCONJ", "PRON", "PUNCT", "SYM", "SPACE", "PART"}
_TRAILING = {"'s", "’s", "’", "'", "»", "”", '"', ")", "]", ",", ".", ";", ":", "-", "–"}
_POSSESSIVE = {"'s", "’s"}
_ARTICLES = {"the", "a", "an"}
_NAME_PARTICLES = {"van", "von", "de", "del", "della", "di", "da", "du", "le", "la", "al", "el"}
_BREAKS = {":", ";", ",", "(", ")", "[", "]", "«", "»", "“", "”", '"', "•", "\n"}


# Followers of an ideology ("a Communist", "the Fascists") are described, not
# named; movements and parties with a proper name are entities in their own right.
IDEOLOGIES = frozenset(
    "communist fascist socialist nationalist anarchist marxist leninist stalinist trotskyist "
    "trotskyite liberal conservative democrat republican monarchist royalist bolshevik "
    "menshevik imperialist capitalist".split()
)


# Words that head names but are none alone ("the Conference", "the Committee").
_HEADS_ALONE = frozenset(
    "Party Committee Conference Congress Government Army Front Council Command Staff "
    "Ministry Group Assembly Union League Movement Organization Organisation "
    "Empire Republic Kingdom State Commission".split()
)
_COMMON_WORD_FREQUENCY = 100_000  # occurrences in pyspellchecker's English list


@lru_cache(maxsize=4096)
def common_word(text: str) -> bool:
    return english_frequency(text) >= _COMMON_WORD_FREQUENCY


def adjectival(ent: Span, label: str | None = None) -> bool:
    """A one-word nationality or movement used as an adjective ("German troops",
    "the Partisan delegation") is no entity; longer names keep their modifiers."""
    if len(ent) != 1:
        return False
    token = ent[0]
    if token.tag_ == "JJ":
        return True
    head = token.head
    if token.dep_ not in {"amod", "compound"} or head.i < token.i:
        return False
    # Peoples and movements modify any noun ("Communist Partisans"); a one-word
    # organisation only counts as an adjective before a common noun.
    return (label or ent.label_) == "group" or (head.pos_ == "NOUN" and head.text.islower())


def trim_span(span: Span) -> Span | None:
    """The name inside ``span``: no leading article, adverb or bullet, no trailing
    possessive or punctuation, and cut at a colon, bracket or possessive inside
    it ("Tito's Communist Partisans" -> "Tito")."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (
        doc[start].pos_ in _LEADING_POS
        or doc[start].lower_ in _ARTICLES
        or not doc[start].text[:1].isalnum()
    ):
        if doc[start].lower_ in _NAME_PARTICLES and doc[start].is_title and start + 1 < end:
            break  # "Van", "De" at the start of a name
        start += 1
    for i in range(start + 1, end):
        # A possessive ends a name after a proper noun ("Tito's Communist
        # Partisans"), not after a common one ("People's State Power").
        possessive = doc[i].text in _POSSESSIVE and doc[i - 1].pos_ == "PROPN"
        if possessive or doc[i].text in _BREAKS or "\n" in doc[i].text:
            end = i
            break
    while end > start and (doc[end - 1].text in _TRAILING or doc[end - 1].is_space):
        end -= 1
    if start >= end:
        return None
    return Span(doc, start, end, label=span.label)
