"""Proper nouns that are the exact names of towns and countries are places.

The offline geocoder's GeoNames data (cities of 15,000 people or more, and
countries) tells us "Orel", "Vichy" or "Stalino" name places even when the
statistical model misses them. Only words no other evidence has typed are
labelled, and only exact names, not alternate spellings: a surname that is
also a small town elsewhere is left alone.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from historiograph.nlp.cues import NOT_PLACES
from historiograph.nlp.entity_labels import register_extensions, relabel
from historiograph.nlp.gazetteer import merge_entities
from historiograph.nlp.word_frequency import english_frequency

_MIN_CONFIDENCE = 0.9
_COMMON_WORD = 2_000  # occurrences in the English frequency list


@Language.factory("historiograph_place_names", assigns=["doc.ents"], requires=["doc.ents"])
def make_place_names(nlp: Language, name: str) -> PlaceNames:
    return PlaceNames()


class PlaceNames:
    def __call__(self, doc: Doc) -> Doc:
        from historiograph.places.geocode import default_geocoder

        register_extensions()
        geocoder = default_geocoder()
        taken = {
            i
            for ent in doc.ents
            if not (ent._.hg_rule == "model" and ent.label_ in {"organization", "other"})
            for i in range(ent.start, ent.end)
        }
        found = []
        for token in doc:
            if token.i in taken or token.is_sent_start or not token.is_title:
                continue
            if token.pos_ != "PROPN" or len(token.text) < 4:
                continue
            if token.lower_ in NOT_PLACES or english_frequency(token.text) >= _COMMON_WORD:
                continue  # "March", "Spring", "Republic" are towns somewhere, and words here
            hit = geocoder.geocode(token.text)
            if (
                hit is not None
                and hit.confidence >= _MIN_CONFIDENCE
                and hit.reason.startswith("exact")
            ):
                found.append(relabel(Span(doc, token.i, token.i + 1), "place", "cue"))
        if found:
            doc.ents = merge_entities(doc.ents, found)
        return doc
