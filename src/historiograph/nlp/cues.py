"""Context cues a historian reads types from, as a spaCy component.

* titles and forms of address before a name: "Lieutenant General Benignus
  Dippold", "comrade Stalin", "Foreign Minister Joachim von Ribbentrop" -> person
  (the span is the name, without the title);
* place nouns around a name: "the village of Sarmash", "Peza district" -> place;
* organisation heads: "... Party", "... Committee of the ...", "... Army" -> organization;
* capitalised plural nouns of peoples and movements ("Chetniks", "Yugoslavs",
  "Hitlerites") -> group;
* archival signatures such as "NOKW 1088" -> work.

Cue evidence outweighs the statistical model when the consistency component votes.
"""

from __future__ import annotations

import re
from typing import Any

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span

from historiograph.nlp.entity_labels import IDEOLOGIES, register_extensions, relabel, trim_span
from historiograph.nlp.gazetteer import merge_entities
from historiograph.nlp.given_names import given_names

TITLES = [
    "general",
    "lieutenant",
    "colonel",
    "major",
    "captain",
    "marshal",
    "admiral",
    "commander",
    "sergeant",
    "corporal",
    "brigadier",
    "commissar",
    "king",
    "queen",
    "prince",
    "princess",
    "emperor",
    "empress",
    "tsar",
    "czar",
    "president",
    "premier",
    "chancellor",
    "ambassador",
    "consul",
    "envoy",
    "count",
    "countess",
    "baron",
    "duke",
    "lord",
    "lady",
    "sir",
    "dr",
    "dr.",
    "mr",
    "mr.",
    "mrs",
    "mrs.",
    "ms",
    "comrade",
    "comrades",
    "bishop",
    "archbishop",
    "pope",
    "father",
    "professor",
    "prof.",
    "minister",
    "secretary",
    "governor",
    "mayor",
    "senator",
    "deputy",
    "viceroy",
    "regent",
    "obergruppenfuehrer",
    "obergruppenführer",
    "gruppenführer",
    "gruppenfuehrer",
    "standartenführer",
    "sturmbannführer",
    "feldmarschall",
    "generaloberst",
    "voivode",
    "vojvoda",
    "bey",
    "pasha",
    "aga",
    "imam",
]
NAME_PARTICLES = ["von", "van", "de", "del", "della", "di", "da", "du", "le", "la", "bin", "ibn"]
PLACE_NOUNS = [
    "village",
    "town",
    "city",
    "district",
    "region",
    "province",
    "county",
    "river",
    "mount",
    "mountain",
    "mountains",
    "island",
    "valley",
    "port",
    "lake",
    "plain",
    "pass",
    "prefecture",
    "municipality",
    "commune",
    "oblast",
    "banovina",
]
ORG_HEADS = [
    "Party",
    "Committee",
    "Army",
    "Front",
    "Ministry",
    "Group",
    "Council",
    "Division",
    "Corps",
    "Command",
    "Staff",
    "Government",
    "Office",
    "Executive",
    "Agency",
    "Company",
    "Bank",
    "League",
    "Organisation",
    "Organization",
    "Institute",
    "Assembly",
    "Congress",
    "Brigade",
    "Battalion",
    "Regiment",
    "Detachment",
    "Headquarters",
    "Politburo",
    "Bureau",
    "Directorate",
    "Embassy",
    "Legation",
    "Service",
    "Police",
    "Navy",
    "Federation",
    "Association",
    "Society",
    "Union",
    "Youth",
    "Secretariat",
    "Presidium",
    "Commissariat",
    "Tribunal",
    "Court",
]
# Heads of names of buildings and other places made by people.
PLACE_HEADS = [
    "Palace",
    "Castle",
    "Fortress",
    "Citadel",
    "Cathedral",
    "Church",
    "Mosque",
    "Synagogue",
    "Monastery",
    "Bridge",
    "Square",
    "Street",
    "Avenue",
    "Station",
    "Airport",
    "Harbour",
    "Harbor",
    "Hotel",
    "Prison",
    "Gate",
    "Tower",
    "Park",
    "Mountains",
    "Hills",
    "Pass",
    "Bay",
    "Gulf",
    "Sea",
    "Lake",
    "Island",
    "Islands",
    "Peninsula",
    "Plain",
    "Valley",
    "Basin",
]
LOCATIVE_PREPOSITIONS = {"in", "at", "near", "around", "outside", "into"}
NOT_PLACES = {
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "spring",
    "summer",
    "autumn",
    "winter",
    "christmas",
    "easter",
} | set(TITLES)
EVIDENCE_KEY = "hg_evidence"  # doc.spans key of spans that only vote
# Heads of names of happenings: conferences, risings, treaties, battles, days.
EVENT_HEADS = [
    "Conference",
    "Conferenee",
    "Uprising",
    "Rising",
    "Revolution",
    "War",
    "Battle",
    "Offensive",
    "Agreement",
    "Pact",
    "Treaty",
    "Accord",
    "Day",
    "Massacre",
    "Campaign",
    "Armistice",
    "Summit",
]
# Nouns after which a quoted or named title is a work: "the BBC program “The Sword
# and the Shield”", "the newspaper «Zëri i popullit»", "published as Wartime".
WORK_NOUNS = [
    "book",
    "books",
    "memoir",
    "memoirs",
    "program",
    "programme",
    "newspaper",
    "journal",
    "magazine",
    "article",
    "pamphlet",
    "diary",
    "diaries",
    "film",
    "novel",
    "poem",
    "study",
    "organ",
    "paper",
    "bulletin",
    "series",
    "documentary",
    "report",
]
_OPENING_QUOTES = {"“", "«", "„", '"', "‘"}
_CLOSING_QUOTES = {"”", "»", "“", '"', "’"}
HEAD_WORDS = frozenset(ORG_HEADS) | frozenset(EVENT_HEADS) | frozenset(PLACE_HEADS)
SPEECH_VERBS = {
    "say",
    "write",
    "send",
    "report",
    "ask",
    "declare",
    "state",
    "admit",
    "explain",
    "reply",
    "tell",
    "order",
    "propose",
    "prohibit",
    "meet",
    "receive",
    "answer",
    "insist",
    "claim",
    "confirm",
    "deny",
    "recall",
    "remember",
    "describe",
    "conclude",
    "argue",
    "believe",
}
_GROUP_SUFFIX = re.compile(r"^[A-ZÀ-Ž][a-zà-ž\-]+(?:ists|ites|ians|ans|iks|ese|avs|ovs|ars)$")
_ARCHIVAL = re.compile(r"^[A-Z]{2,6}$")

TokenPattern = dict[str, Any]
_NAME: TokenPattern = {"IS_TITLE": True, "IS_SENT_START": False}
_NAME_ANY: TokenPattern = {"IS_TITLE": True}
# Inside a multi-word name: capitalised words, acronyms ("CC of the Communist
# Party") and the hyphens of compounds ("Non-Aggression Pact").
_NAMEISH: TokenPattern = {"TEXT": {"REGEX": r"^(?:[A-ZÀ-Ž][\w'’.]*|-)$"}, "OP": "*"}


def _patterns() -> dict[str, list[list[TokenPattern]]]:
    title: TokenPattern = {"LOWER": {"IN": TITLES}}
    particle: TokenPattern = {"LOWER": {"IN": NAME_PARTICLES}, "OP": "?"}
    name: TokenPattern = {
        "IS_TITLE": True,
        "LOWER": {"NOT_IN": TITLES + [p.lower() for p in ORG_HEADS]},
    }
    return {
        "person_title": [
            [
                title,
                {"IS_PUNCT": True, "OP": "?"},
                title,
                {"OP": "?", **title},
                name,
                particle,
                {"OP": "?", **name},
                particle,
                {"OP": "?", **name},
            ],
            [title, name, particle, {"OP": "?", **name}, particle, {"OP": "?", **name}],
        ],
        "place_of": [
            [{"LOWER": {"IN": PLACE_NOUNS}}, {"LOWER": "of"}, _NAME_ANY, {"OP": "?", **_NAME_ANY}],
        ],
        "place_noun_after": [
            [
                _NAME,
                {"OP": "?", **_NAME_ANY},
                {"LOWER": {"IN": ["district", "region", "province", "valley", "river", "county"]}},
            ],
        ],
        "place_head": [[_NAMEISH, {"ORTH": {"IN": PLACE_HEADS}}]],
        "org_head": [
            [
                _NAMEISH,
                {"ORTH": {"IN": ORG_HEADS}},
                {"LOWER": "of", "OP": "?"},
                {"LOWER": "the", "OP": "?"},
                _NAMEISH,
            ],
        ],
        "event_head": [
            [
                _NAMEISH,
                {"ORTH": {"IN": EVENT_HEADS}},
                {"LOWER": "of", "OP": "?"},
                {"LOWER": "the", "OP": "?"},
                _NAMEISH,
            ],
        ],
        "archival": [[{"TEXT": {"REGEX": _ARCHIVAL.pattern}}, {"IS_DIGIT": True}]],
        "quoted_work": [
            [
                {"LOWER": {"IN": WORK_NOUNS}},
                {"TEXT": {"IN": [",", ":"]}, "OP": "?"},
                {"TEXT": {"IN": list(_OPENING_QUOTES)}},
                {"TEXT": {"NOT_IN": list(_CLOSING_QUOTES)}, "OP": "+"},
                {"TEXT": {"IN": list(_CLOSING_QUOTES)}},
            ],
            [{"LOWER": "published"}, {"LOWER": "as"}, {"IS_TITLE": True, "OP": "+"}],
        ],
    }


@Language.factory("historiograph_entity_cues", assigns=["doc.ents"], requires=["doc.ents"])
def make_entity_cues(nlp: Language, name: str) -> EntityCues:
    return EntityCues(nlp)


class EntityCues:
    """Type and bound names from the words around them."""

    def __init__(self, nlp: Language) -> None:
        self.matcher = Matcher(nlp.vocab)
        for key, patterns in _patterns().items():
            self.matcher.add(key, patterns, greedy="LONGEST")

    def __call__(self, doc: Doc) -> Doc:
        register_extensions()
        found: list[Span] = []
        for match_id, start, end in self.matcher(doc):
            rule = doc.vocab.strings[match_id]
            span = self._cue_span(doc, rule, start, end)
            if span is not None:
                found.append(span)
        found.extend(self._groups(doc))
        found.extend(self._given_name_people(doc))
        found.extend(self._speakers(doc))
        found.extend(self._locatives(doc))
        if found:
            doc.ents = merge_entities(doc.ents, found)
        # After the merge, so the name-shaped cues above can be overruled.
        articled = self._articled_names(doc)
        if articled:
            doc.ents = merge_entities(doc.ents, articled)
        doc.spans[EVIDENCE_KEY] = self._nested_places(doc)
        return doc

    @staticmethod
    def _articled_names(doc: Doc) -> list[Span]:
        """People take no article: "the “Balli”" or "the Comintern" names an organisation,
        and so does a name glossed with one: "«Balli Kombëtar» (National Front)"."""
        spans = []
        for ent in doc.ents:
            if ent.label_ != "person":
                continue
            i = ent.start - 1
            while i >= 0 and doc[i].text in _OPENING_QUOTES:
                i -= 1
            articled = i >= 0 and doc[i].lower_ == "the"
            j = ent.end
            while j < len(doc) and doc[j].text in _CLOSING_QUOTES:
                j += 1
            glossed = (
                j + 2 < len(doc)
                and doc[j].text == "("
                and any(t.text in ORG_HEADS for t in doc[j + 1 : min(j + 6, len(doc))])
            )
            if articled or glossed:
                spans.append(relabel(ent, "organization", "cue"))
        return spans

    @staticmethod
    def _nested_places(doc: Doc) -> list[Span]:
        """Places named inside happenings: "the Conference of Peza", "Battle of Kosovo".

        The happening stays one entity; the place inside it only adds evidence
        for the consistency vote, so "Peza" alone elsewhere is read as a place.
        """
        spans = []
        for ent in doc.ents:
            if ent.label_ != "other" or ent[0].text not in EVENT_HEADS:
                continue
            for i in range(ent.start + 1, ent.end - 1):
                if doc[i].lower_ == "of" and doc[i + 1].is_title:
                    spans.append(Span(doc, i + 1, ent.end, label="place"))
                    break
        return spans

    @staticmethod
    def _cue_span(doc: Doc, rule: str, start: int, end: int) -> Span | None:
        if rule == "person_title":
            # The name starts after the last title word.
            while start < end and (doc[start].lower_ in TITLES or doc[start].is_punct):
                start += 1
            label = "person"
        elif rule == "place_of":
            start += 2
            label = "place"
        elif rule == "place_noun_after":
            end -= 1
            label = "place"
        elif rule == "place_head":
            if end - start < 2:
                return None  # a bare "Palace" is not a name
            label = "place"
        elif rule in {"org_head", "event_head"}:
            while end > start and doc[end - 1].lower_ in {"of", "the"}:
                end -= 1
            if end - start < 2:
                return None  # a bare "Party" or "Conference" is not a name
            label = "organization" if rule == "org_head" else "other"
        elif rule == "quoted_work":
            start += 1
            while start < end and doc[start].text not in _OPENING_QUOTES | {"as"}:
                start += 1
            start += 1
            if end > start and doc[end - 1].text in _CLOSING_QUOTES:
                end -= 1
            label = "work"
        else:
            label = "work"
        if start >= end:
            return None
        if label == "work":  # a title is kept whole, its article included
            return relabel(Span(doc, start, end), label, "cue")
        trimmed = trim_span(Span(doc, start, end))
        if trimmed is None or (len(trimmed) == 1 and trimmed[0].text in HEAD_WORDS):
            return None  # "The Party": the head alone is not a name
        return relabel(trimmed, label, "cue")

    @staticmethod
    def _given_name_people(doc: Doc) -> list[Span]:
        """A given name followed by capitalised words: "Nedim Pustahija", "Koca Popovic"."""
        names = given_names()
        spans = []
        i = 0
        while i < len(doc):
            token = doc[i]
            if token.text in names and token.is_title and token.pos_ in {"PROPN", "NOUN", "ADJ"}:
                end = i + 1
                while (
                    end < len(doc)
                    and end - i < 4
                    and (
                        (doc[end].is_title and doc[end].pos_ == "PROPN")
                        or (
                            doc[end].lower_ in NAME_PARTICLES
                            and end + 1 < len(doc)
                            and doc[end + 1].is_title
                        )
                    )
                ):
                    end += 1
                if end - i >= 2 and doc[end - 1].text[:1].isupper():
                    spans.append(relabel(Span(doc, i, end), "person", "cue"))
                    i = end
                    continue
            i += 1
        return spans

    @staticmethod
    def _speakers(doc: Doc) -> list[Span]:
        """A one-word name that says, writes, sends or asks is a person, not an organisation."""
        spans = []
        for ent in doc.ents:
            if ent.label_ != "organization" or len(ent) != 1:
                continue
            token = ent[0]
            if token.dep_ == "nsubj" and token.head.lemma_ in SPEECH_VERBS and not token.is_upper:
                spans.append(relabel(ent, "person", "cue"))
        return spans

    @staticmethod
    def _locatives(doc: Doc) -> list[Span]:
        """A proper name right after "in", "at" or "near" is a place ("in Labinot").

        Applies to names the statistical model took for organisations or
        people ("in Gornji Vakuf") and to proper nouns it missed; months,
        weekdays and titles are not places.
        """
        spans = []
        taken = {
            i
            for ent in doc.ents
            if ent.label_ not in {"organization", "person"} or ent._.hg_rule != "model"
            for i in range(ent.start, ent.end)
        }
        for token in doc[1:]:
            if doc[token.i - 1].lower_ not in LOCATIVE_PREPOSITIONS or token.i in taken:
                continue
            if token.tag_ != "NNP" or token.is_upper or token.lower_ in NOT_PLACES:
                continue
            end = token.i + 1
            while end < len(doc) and end - token.i < 3 and doc[end].tag_ == "NNP":
                end += 1
            if end - token.i == 1 or not any(i in taken for i in range(token.i, end)):
                spans.append(relabel(Span(doc, token.i, end), "place", "cue"))
        return spans

    @staticmethod
    def _groups(doc: Doc) -> list[Span]:
        spans = []
        for token in doc:
            if (
                token.tag_ in {"NNPS", "NNS"}
                and not token.is_sent_start
                and _GROUP_SUFFIX.match(token.text)
                and token.lower_.rstrip("s") not in IDEOLOGIES
                and not (token.ent_type_ and token.ent_type_ != "group")
                and token.nbor(-1).lower_ not in {"of"} | set(TITLES)
            ):
                spans.append(relabel(Span(doc, token.i, token.i + 1), "group", "cue"))
        return spans
