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
from historiograph.nlp.entity_labels import WEIGHTS, adjectival, register_extensions, relabel
from historiograph.nlp.names import name_key


@Language.factory("historiograph_entity_consistency", assigns=["doc.ents"], requires=["doc.ents"])
def make_entity_consistency(nlp: Language, name: str) -> EntityConsistency:
    return EntityConsistency()


class EntityConsistency:
    def __call__(self, doc: Doc) -> Doc:
        register_extensions()
        votes: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        for ent in doc.ents:
            votes[name_key(ent.text)][ent.label_] += float(ent._.hg_weight)
            if ent.label_ == "person" and len(ent) > 1:
                # "Tempo" alone is the person "Svetozar Vukmanović Tempo" named short.
                votes[name_key(ent[-1].text)]["person"] += float(ent._.hg_weight)
        for span in doc.spans.get(EVIDENCE_KEY, []):
            votes[name_key(span.text)][span.label_] += WEIGHTS["cue"]
        winner = {key: max(kinds.items(), key=lambda kv: kv[1])[0] for key, kinds in votes.items()}
        ents = []
        for ent in doc.ents:
            label = winner[name_key(ent.text)]
            if label != ent.label_:
                ent = relabel(ent, label, "consistency")
            ents.append(ent)
        doc.ents = self._coordinated(doc, self._propagate(doc, ents, winner))
        return doc

    @staticmethod
    def _coordinated(doc: Doc, ents: list[Span]) -> list[Span]:
        """Names listed with a person are people too: "Kautsky, Scheidemann, Chernov, Legien".

        Only unlabelled capitalised proper nouns joined to a person by a comma or
        "and" are taken, and only in lists of three names or more, where the
        shared type is clearest.
        """
        taken = {i for ent in ents for i in range(ent.start, ent.end)}
        people = [ent for ent in ents if ent.label_ == "person" and len(ent) == 1]
        extra: list[Span] = []
        for ent in people:
            members = [ent.start]
            for step in (-1, 1):
                i = ent.start
                while True:
                    j = i + 2 * step
                    link = doc[i + step] if 0 <= i + step < len(doc) else None
                    if link is None or link.text not in {",", "and"} or not 0 <= j < len(doc):
                        break
                    candidate = doc[j]
                    if not (candidate.is_title and candidate.pos_ == "PROPN"):
                        break
                    members.append(j)
                    i = j
            if len(members) >= 3:
                extra.extend(
                    relabel(Span(doc, i, i + 1), "person", "consistency")
                    for i in members
                    if i not in taken
                )
                taken.update(members)
        return sorted([*ents, *extra], key=lambda s: s.start)

    @staticmethod
    def _propagate(doc: Doc, ents: list[Span], winner: dict[str, str]) -> list[Span]:
        names: dict[tuple[str, ...], str] = {}
        for ent in ents:
            if ent.text[:1].isupper() and len(ent.text) > 2:
                names.setdefault(tuple(t.text for t in ent), winner[name_key(ent.text)])
                surname = ent[-1]
                if (
                    ent.label_ == "person"
                    and len(ent) > 1
                    and surname.is_title
                    and len(surname) > 2
                ):
                    names.setdefault((surname.text,), "person")
        if not names:
            return ents
        matcher = PhraseMatcher(doc.vocab, attr="ORTH")
        for words, label in names.items():
            matcher.add(label, [Doc(doc.vocab, words=list(words))])
        taken = {i for ent in ents for i in range(ent.start, ent.end)}
        extra = []
        for match_id, start, end in matcher(doc):
            if any(i in taken for i in range(start, end)) or adjectival(doc[start:end]):
                continue
            label = doc.vocab.strings[match_id]
            extra.append(relabel(Span(doc, start, end), label, "consistency"))
        return sorted([*ents, *filter_spans(extra)], key=lambda s: s.start)
