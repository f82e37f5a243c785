"""One name, one type across a document, and names found once are found everywhere.

After the model, the gazetteer and the cues have spoken, each distinct name
(compared without case and diacritics) gets the type with the most weighted
evidence in the whole document. Then every other occurrence of a name already
recognised — and of the last word of a recognised person's name ("Hoxha" after
"Enver Hoxha") — is labelled too, unless it sits inside another entity.
"""

from __future__ import annotations

from collections import defaultdict

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from historiograph.nlp.cues import EVIDENCE_KEY
from historiograph.nlp.entity_labels import (
    IDEOLOGIES,
    LOCAL_RULES,
    WEIGHTS,
    adjectival,
    common_word,
    hyphenated,
    prefixed,
    register_extensions,
    relabel,
)
from historiograph.nlp.gazetteer import shipped_group_words
from historiograph.nlp.names import name_key

_LIST_LINKS = {",", "and", "or"}
_STRONG = {"gazetteer", "cue", "acronym"}  # evidence stronger than the model's guess


def _descriptive(ent: Span, group_words: frozenset[str] | set[str]) -> bool:
    """Names of peoples, movements and ideologies describing a common noun are
    adjectives, whatever label they got: "the Chetnik guerrilla forces", "Partizan
    photos", "the Yugoslav Communist dictatorship", "Eastern European countries"."""
    doc = ent.doc
    if ent.end >= len(doc) or not doc[ent.end].is_lower or not doc[ent.end].is_alpha:
        return False
    after = doc[ent.end]
    # Plural nouns are often tagged as verbs ("Partizan photos" -> VBZ).
    if after.pos_ not in {"NOUN", "ADJ"} and after.tag_ != "VBZ":
        return False
    words = [t for t in ent if t.text != "-"]
    if all(_adjective_of_group(t.text, group_words) for t in words):
        return True
    return ent.label_ == "group" and ent[-1].tag_ == "JJ"


def _adjective_of_group(text: str, group_words: frozenset[str] | set[str]) -> bool:
    """ "Chetnik" (of "Chetniks"), "German", "Communist": the forms that describe;
    the plural "Chetniks" names the group itself."""
    key = name_key(text)
    if key in IDEOLOGIES or key + "s" in group_words:
        return True
    return key in group_words and not key.endswith("s")


@Language.factory("historiograph_entity_consistency", assigns=["doc.ents"], requires=["doc.ents"])
def make_entity_consistency(nlp: Language, name: str) -> EntityConsistency:
    return EntityConsistency()


class EntityConsistency:
    def __call__(self, doc: Doc) -> Doc:
        register_extensions()
        votes: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        listed = self._listed(doc, list(doc.ents))
        for ent in listed:
            if ent._.hg_rule in LOCAL_RULES:
                continue
            votes[name_key(ent.text)][ent.label_] += float(ent._.hg_weight)
            if ent.label_ == "person" and len(ent) > 1:
                # "Tempo" alone is the person "Svetozar Vukmanović Tempo" named short.
                votes[name_key(ent[-1].text)]["person"] += float(ent._.hg_weight)
        for span in doc.spans.get(EVIDENCE_KEY, []):
            votes[name_key(span.text)][span.label_] += WEIGHTS["cue"]
        winner = {key: max(kinds.items(), key=lambda kv: kv[1])[0] for key, kinds in votes.items()}
        ents = []
        for ent in listed:
            label = winner.get(name_key(ent.text), ent.label_)
            if label != ent.label_ and ent._.hg_rule not in LOCAL_RULES:
                ent = relabel(ent, label, "consistency")
            ents.append(ent)
        ents = self._propagate(doc, ents, winner)
        group_words = shipped_group_words() | {
            name_key(e.text) for e in ents if e.label_ == "group" and len(e) == 1
        }
        # Last, as every component may have labelled them: adjectives, not names.
        doc.ents = [e for e in ents if not (_descriptive(e, group_words) or prefixed(e))]
        return doc

    @staticmethod
    def _listed(doc: Doc, ents: list[Span]) -> list[Span]:
        """Names listed together share a type: "Kautsky, Scheidemann, Chernov, Legien".

        In a list of three names or more joined by commas, "and" or "or", the
        members' weighted evidence is pooled; when one type wins it and rests on
        strong evidence (a gazetteer entry, a cue), the members only the model
        typed otherwise take it, and unlabelled capitalised proper nouns in the
        list join it. Lists whose strong evidence disagrees ("Tito, Mihailovic
        and the Allies") are left alone.
        """
        by_start = {ent.start: ent for ent in ents}
        taken = {i for ent in ents for i in range(ent.start, ent.end)}
        items: list[Span] = []
        chains: list[list[Span]] = []
        i = 0
        while i <= len(doc):
            if i < len(doc) and i in by_start:
                item: Span | None = by_start[i]
            elif (
                i < len(doc)
                and i not in taken
                and doc[i].is_title
                and doc[i].pos_ == "PROPN"
                and len(doc[i]) > 2
                and doc[i].text.replace("-", "").isalpha()  # not "Co." in "and Co."
                and not common_word(doc[i].text)
            ):
                item = Span(doc, i, i + 1)
            else:
                item = None
            if item is not None:
                links = [t.text for t in doc[items[-1].end : item.start]] if items else []
                if items and not (links and set(links) <= _LIST_LINKS and len(links) <= 2):
                    chains.append(items)
                    items = []
                items.append(item)
                i = item.end
                continue
            if items and (i >= len(doc) or doc[i].text not in _LIST_LINKS):
                chains.append(items)
                items = []
            i += 1
        relabelled: dict[int, Span] = {}
        for chain in chains:
            if len(chain) < 3:
                continue
            weights: dict[str, float] = defaultdict(float)
            strong: set[str] = set()
            for member in chain:
                if member.label_:
                    weights[member.label_] += float(member._.hg_weight)
                    if member._.hg_rule in _STRONG:
                        strong.add(member.label_)
            if len(strong) != 1:
                continue
            label = strong.pop()
            if any(w >= weights[label] for other, w in weights.items() if other != label):
                continue
            for member in chain:
                if member.label_ == label or member._.hg_rule in _STRONG:
                    continue
                relabelled[member.start] = relabel(member, label, "list")
        if not relabelled:
            return ents
        kept = [ent for ent in ents if ent.start not in relabelled]
        return sorted([*kept, *relabelled.values()], key=lambda s: s.start)

    @staticmethod
    def _propagate(doc: Doc, ents: list[Span], winner: dict[str, str]) -> list[Span]:
        names: dict[tuple[str, ...], str] = {}
        for ent in ents:
            if ent.text[:1].isupper() and len(ent.text) > 2:
                names.setdefault(
                    tuple(t.text for t in ent), winner.get(name_key(ent.text), ent.label_)
                )
                surname = ent[-1]
                if (
                    ent.label_ == "person"
                    and len(ent) > 1
                    and surname.is_title
                    and len(surname) > 2
                    and not common_word(surname.text)  # "Groups" of "Shkodra Groups"
                ):
                    names.setdefault((surname.text,), "person")
        if not names:
            return ents
        matcher = PhraseMatcher(doc.vocab, attr="ORTH")
        for words, label in names.items():
            matcher.add(label, [Doc(doc.vocab, words=list(words))])
        taken = {i for ent in ents for i in range(ent.start, ent.end)}
        starts = {ent.start for ent in ents}
        extra = []
        for match_id, start, end in matcher(doc):
            span = doc[start:end]
            if any(i in taken for i in range(start, end)) or adjectival(span) or prefixed(span):
                continue
            label = doc.vocab.strings[match_id]
            if label == "group" and (hyphenated(span) or end in starts):
                continue  # "German-Partisan talks", "the British Special Operations Executive"
            extra.append(relabel(Span(doc, start, end), label, "consistency"))
        return sorted([*ents, *filter_spans(extra)], key=lambda s: s.start)
