"""Acronyms as organisations, linked to their expansion where the text gives it.

* "the Special Operations Executive (SOE)" / "SOE, the British Special
  Operations Executive" / "NOVJ (National Liberation Army of Yugoslavia)":
  the acronym takes the expansion's type and records it (``span._.hg_expansion``);
* any other all-capitals word of 2-6 letters (not a roman numeral, not in an
  all-capitals line) is taken for an organisation, unless stronger evidence
  (the gazetteer, a cue) says otherwise: "KPJ", "CPY", "NOVJ".
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from historiograph.nlp.entity_labels import register_extensions, relabel
from historiograph.nlp.gazetteer import merge_entities
from historiograph.nlp.wordlists import CALENDAR_WORDS, NOT_NAME_ACRONYMS

_ACRONYM = re.compile(r"^[A-ZČĆŠŽĐ]{2,6}$")
_ROMAN = re.compile(r"^(?=[MDCLXVI])M*(C[MD]|D?C{0,3})(X[CL]|L?X{0,3})(I[XV]|V?I{0,3})$")
_SMALL_WORDS = {"of", "the", "and", "for", "in", "on", "de", "i", "a", "za"}


def _initials(words: list[str]) -> str:
    return "".join(w[0].upper() for w in words if w.lower() not in _SMALL_WORDS and w[:1].isalpha())


def _matches(acronym: str, words: list[str]) -> bool:
    """Whether ``acronym`` abbreviates ``words`` (in order, small words optional)."""
    every = "".join(w[0].upper() for w in words if w[:1].isalpha())
    return acronym in {_initials(words), every} or (
        len(acronym) >= 3 and _initials(words).startswith(acronym)
    )


@Language.factory("historiograph_acronyms", assigns=["doc.ents"], requires=["doc.ents"])
def make_acronyms(nlp: Language, name: str) -> Acronyms:
    return Acronyms()


class Acronyms:
    def __call__(self, doc: Doc) -> Doc:
        register_extensions()
        if not Span.has_extension("hg_expansion"):
            Span.set_extension("hg_expansion", default=None)
        by_name = {ent.text: ent for ent in doc.ents if len(ent) > 1}
        labelled = {i for ent in doc.ents for i in range(ent.start, ent.end)}
        # Stronger evidence already on an acronym wins over this default. Checked
        # before relabelling: span extensions are stored by offsets, so a discarded
        # copy would overwrite the evidence of the entity it shadows.
        current = [e for e in doc.ents if e._.hg_rule in {"gazetteer", "cue"}]
        strong = {i for c in current for i in range(c.start, c.end)}
        found = []
        for token in doc:
            if not _ACRONYM.match(token.text) or _ROMAN.match(token.text):
                continue
            if (
                token.text in NOT_NAME_ACRONYMS
                or token.lower_ in CALENDAR_WORDS
                or _shouting(token)
            ):
                continue
            span = Span(doc, token.i, token.i + 1)
            expansion = _expansion(doc, token, by_name)
            if expansion is None and token.i in labelled:
                continue  # without an expansion, the default never overrides a label
            if token.i in strong:
                continue
            label = expansion.label_ if expansion is not None else "organization"
            acronym = relabel(span, label, "acronym")
            acronym._.hg_expansion = expansion.text if expansion is not None else None
            found.append(acronym)
        if found:
            doc.ents = merge_entities(doc.ents, found)
        return doc


def _shouting(token: Token) -> bool:
    """A word in a line written all in capitals (a heading, "JULY 27, 1939")."""
    text = token.doc.text
    start = text.rfind("\n", 0, token.idx) + 1
    end = text.find("\n", token.idx)
    letters = [ch for ch in text[start : end if end >= 0 else len(text)] if ch.isalpha()]
    return (
        len(letters) > len(token.text) and sum(ch.isupper() for ch in letters) / len(letters) > 0.7
    )


def _expansion(doc: Doc, token: Token, by_name: dict[str, Span]) -> Span | None:
    """The multi-word entity this acronym abbreviates, if the document names it."""
    acronym = token.text
    for ent in by_name.values():
        if _matches(acronym, [t.text for t in ent]):
            return ent
    return None
