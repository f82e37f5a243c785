"""Context cues a historian reads types from, as a spaCy component.

* titles and forms of address before a name: "Lieutenant General Benignus
  Dippold", "comrade Stalin", "Foreign Minister Joachim von Ribbentrop" -> person
  (the span is the name, without the title);
* place nouns around a name: "the village of Sarmash", "Peza district" -> place,
  and names listed after a plural one: "the districts of A, B and C" -> places;
  "the West" and the other compass regions -> place;
* organisation heads: "... Party", "... Committee of the ...", "... Army" -> organization,
  with the "of" complements that belong to the name ("CC of the Communist Party of
  Albania"); a plural head shared by coordinated names ("the Korça and Shkodra
  Groups") makes each a body, a plural head alone is a class ("Regional Committees");
* capitalised plural nouns of peoples and movements ("Chetniks", "Yugoslavs",
  "Hitlerites") -> group;
* titles: quoted after a work noun or "published in", cited with "vol.", their
  bracketed translations, and archival signatures ("NOKW 1088", "Record Group 238") -> work.

Cue evidence outweighs the statistical model when the consistency component votes.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span

from historiograph.nlp.entity_labels import IDEOLOGIES, register_extensions, relabel, trim_span
from historiograph.nlp.gazetteer import merge_entities, nationality_word, shipped_entries
from historiograph.nlp.given_names import given_names
from historiograph.nlp.wordlists import CALENDAR_WORDS, TITLES

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
COMPASS_REGIONS = ["West", "East", "North", "South", "Orient", "Occident", "Levant"]
ORG_HEAD_PLURALS = frozenset(
    h[:-1] + "ies" if h.endswith("y") else h if h.endswith("s") else h + "s" for h in ORG_HEADS
) - set(ORG_HEADS)
_ORDINAL = re.compile(r"^\d+(?:st|nd|rd|th|d)$")
ORDINAL_WORDS = {
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
}
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
# Plural nouns of kinds of places: the names listed after them are places
# ("the districts of Peza, Kurvelesh and Skrapar", "cities such as Orel and Kursk").
PLACE_CLASSES = {
    "districts",
    "regions",
    "provinces",
    "counties",
    "departments",
    "cities",
    "towns",
    "villages",
    "countries",
    "states",
    "islands",
    "rivers",
    "mountains",
    "ports",
    "areas",
    "zones",
    "localities",
    "capitals",
    "parishes",
    "prefectures",
    "municipalities",
}
# Nouns after a name that make it a place: "Peza district", "the Drina valley".
PLACE_NOUNS_AFTER = ["district", "region", "province", "valley", "river", "county", "zone"]
_LIST_INTRODUCERS = {"of", "like", "including", "as", ":"}
_LIST_LINKS = {",", "and", "or"}
NOT_PLACES = CALENDAR_WORDS | set(TITLES)
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
    "number",  # of a periodical: "the first number of «...»"
    "issue",
    "edition",
    "excerpts",
    "extracts",
    "volume",
    "periodical",
    "weekly",
    "gazette",
    "review",
    "broadcast",
    "essay",
    "treatise",
    "play",
    "song",
    "anthem",
]
# Verbs after which a quoted title is a work: "first published in “Principal Documents”".
PUBLISHING_VERBS = ["published", "printed", "reprinted", "appeared", "serialised", "serialized"]
VOLUME_WORDS = ["vol", "vol.", "vols", "vols.", "volume", "volumes", "tom", "tome", "bd."]
_MAX_TITLE_WORDS = 16
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


@lru_cache(maxsize=1)
def _non_person_names() -> frozenset[str]:
    """One-word names the shipped gazetteer types as something other than a person."""
    return frozenset(
        name for name, kind in shipped_entries() if kind != "person" and " " not in name
    )


_GROUP_SUFFIX = re.compile(r"^[A-ZÀ-Ž][a-zà-ž\-]+(?:ists|ites|ians|ans|iks|ese|avs|ovs|ars)$")
_ARCHIVAL = re.compile(r"^[A-Z]{2,6}$")

TokenPattern = dict[str, Any]
_NAME: TokenPattern = {"IS_TITLE": True, "IS_SENT_START": False}
_NAME_ANY: TokenPattern = {"IS_TITLE": True}
# Inside a multi-word name: capitalised words, acronyms ("CC of the Communist
# Party") and the hyphens of compounds ("Non-Aggression Pact").
_NAMEISH: TokenPattern = {"TEXT": {"REGEX": r"^(?:[A-ZÀ-Ž][\w'’.]*|-)$"}, "OP": "*"}


_NAME_WORD = re.compile(r"^[A-ZÀ-Ž][\w'’.]*$")
_MAX_OF_LINKS = 3


def _acronym_word(text: str) -> bool:
    return 2 <= len(text) <= 6 and text.isupper() and text.isalpha()


def _title_run_start(doc: Doc, end: int) -> int:
    """Start of the capitalised words ending just before ``end``."""
    start = end
    while (
        start > 0
        and doc[start - 1].is_title
        and doc[start - 1].lower_ not in {"the", "a", "an"}
        and not doc[start].is_sent_start
    ):
        start -= 1
    return start


def _numbered(doc: Doc, start: int, end: int) -> int:
    """Start of a unit's name after a nationality that only describes it: "the German
    717th Infantry Division", "the British Eighth Army" (units are named by number)."""
    if (
        end - start > 2
        and nationality_word(doc[start].text)
        and (_ORDINAL.match(doc[start + 1].text) or doc[start + 1].lower_ in ORDINAL_WORDS)
    ):
        return start + 1
    return start


def _hyphen_prefix(doc: Doc, start: int) -> int:
    """Take in a hyphenated first word with a lower-case second part:
    "Non-aggression Pact", "Anti-fascist National Liberation War"."""
    while (
        start >= 3
        and doc[start - 1].is_lower
        and doc[start - 1].is_alpha
        and doc[start - 2].text == "-"
        and not doc[start - 2].whitespace_
        and not doc[start - 3].whitespace_
        and doc[start - 3].is_title
    ):
        start -= 3
    return start


def _of_chain(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Widen an organisation's name over the "of" complements that belong to it:
    "Central Committee of the Communist Party" + "of Albania", and a body it is
    part of on the left: "CC of the" / "Politburo of the" + "Communist Party"."""
    for _ in range(_MAX_OF_LINKS):
        if end + 1 >= len(doc) or doc[end].lower_ != "of":
            break
        j = end + 1 + (doc[end + 1].lower_ == "the")
        k = j
        while k < len(doc) and _NAME_WORD.match(doc[k].text) and not doc[k].is_sent_start:
            k += 1
        if k == j:
            break
        end = k
    for _ in range(_MAX_OF_LINKS):
        i = start - 1
        if i >= 0 and doc[i].lower_ == "the":
            i -= 1
        if i < 1 or doc[i].lower_ != "of":
            break
        head = doc[i - 1]
        if not (head.text in ORG_HEADS or _acronym_word(head.text)):
            break
        start = i - 1
        while (
            start > 0
            and not doc[start].is_sent_start
            and _NAME_WORD.match(doc[start - 1].text)
            and doc[start - 1].pos_ != "DET"
        ):
            start -= 1
    return start, end


def _patterns() -> dict[str, list[list[TokenPattern]]]:
    quoted: list[TokenPattern] = [
        {"TEXT": {"IN": list(_OPENING_QUOTES)}},
        {"TEXT": {"NOT_IN": list(_CLOSING_QUOTES)}, "OP": "+"},
        {"TEXT": {"IN": list(_CLOSING_QUOTES)}},
    ]
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
                {"LOWER": {"IN": PLACE_NOUNS_AFTER}},
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
                {
                    "IS_LOWER": True,
                    "OP": "?",
                },  # "Non-aggression Pact" (the prefix is taken in later)
                {"ORTH": {"IN": EVENT_HEADS}},
                {"LOWER": "of", "OP": "?"},
                {"LOWER": "the", "OP": "?"},
                _NAMEISH,
            ],
        ],
        # The compass points as regions and blocs: "the U.S. and the West".
        "compass_place": [[{"LOWER": "the"}, {"ORTH": {"IN": COMPASS_REGIONS}}]],
        "archival": [
            [{"TEXT": {"REGEX": _ARCHIVAL.pattern}}, {"IS_DIGIT": True}],
            # National Archives citations: "Record Group 238", "RG 59".
            [{"LOWER": "record"}, {"LOWER": "group"}, {"IS_DIGIT": True}],
        ],
        "quoted_work": [
            [
                {"LOWER": {"IN": WORK_NOUNS}},
                {"LOWER": "of", "OP": "?"},  # "the first number of «...»", "excerpts of “...”"
                {"IS_SPACE": True, "OP": "*"},
                {"TEXT": {"IN": [",", ":"]}, "OP": "?"},
                *quoted,
            ],
            [
                {"LOWER": {"IN": PUBLISHING_VERBS}},
                {"LOWER": {"IN": ["in", "as"]}},
                {"TEXT": {"IN": [",", ":"]}, "OP": "?"},
                *quoted,
            ],
            [{"LOWER": "published"}, {"LOWER": "as"}, {"IS_TITLE": True, "OP": "+"}],
            # A title cited with its volume: "“Collected Papers”, vol. 2".
            [*quoted, {"ORTH": ","}, {"LOWER": {"IN": VOLUME_WORDS}}],
        ],
        # An unquoted title cited with its volume: "Tirana 1960 Works, vol. 1".
        "volume_work": [
            [{"IS_TITLE": True, "OP": "+"}, {"ORTH": ","}, {"LOWER": {"IN": VOLUME_WORDS}}]
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
        found.extend(self._listed_places(doc))
        found.extend(self._coordinated_heads(doc))
        found.extend(self._numbered_units(doc))
        found.extend(self._given_name_people(doc))
        found.extend(self._speakers(doc))
        found.extend(self._locatives(doc))
        # A quoted or cited title is the most specific cue: names inside or
        # overlapping it ("Record Group" + 59, "Papers of the Fabian Society") give way.
        works = [s for s in found if s.label_ == "work"]
        found = [
            s
            for s in found
            if s.label_ == "work" or not any(w.start < s.end and s.start < w.end for w in works)
        ]
        if found:
            doc.ents = merge_entities(doc.ents, found)
        translated = self._translated_titles(doc)
        if translated:
            doc.ents = merge_entities(doc.ents, translated)
        # A plural head names a class of bodies ("the Regional Party Committees"),
        # unless it is shared by coordinated names (kept above as "coordinated").
        doc.ents = [
            e for e in doc.ents if not (e._.hg_rule == "model" and e[-1].text in ORG_HEAD_PLURALS)
        ]
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
    def _coordinated_heads(doc: Doc) -> list[Span]:
        """Names sharing a plural head are each a body: "the Korça and Shkodra Groups"
        -> "Korça" + "Shkodra Groups". The shared head is local evidence, so these
        spans keep their type against the gazetteer and the document vote."""
        spans: list[Span] = []
        for head in doc:
            if head.text not in ORG_HEAD_PLURALS:
                continue
            end = head.i + 1
            start = _title_run_start(doc, head.i)
            if start == head.i:
                continue
            members = [(start, end)]
            while start >= 2 and doc[start - 1].lower_ in {"and", ",", "&"}:
                previous = _title_run_start(doc, start - 1)
                if previous == start - 1:
                    break
                members.append((previous, start - 1))
                start = previous
            if len(members) > 1:
                spans.extend(
                    relabel(Span(doc, a, b), "organization", "coordinated") for a, b in members
                )
        return spans

    @staticmethod
    def _numbered_units(doc: Doc) -> list[Span]:
        """A nationality before a numbered unit describes it: "the German 717th Infantry
        Division" -> "717th Infantry Division" (units are named by their number)."""
        return [
            relabel(ent[1:], "organization", ent._.hg_rule)
            for ent in doc.ents
            if ent.label_ == "organization" and _numbered(doc, ent.start, ent.end) > ent.start
        ]

    @staticmethod
    def _translated_titles(doc: Doc) -> list[Span]:
        """A title's translation in brackets right after it is a work too:
        "«Zëri i popullit» (The People's Voice)"."""
        spans = []
        for ent in doc.ents:
            if ent.label_ != "work":
                continue
            i = ent.end
            while i < len(doc) and doc[i].text in _CLOSING_QUOTES:
                i += 1
            if i + 2 >= len(doc) or doc[i].text != "(" or not doc[i + 1].is_title:
                continue
            close = next(
                (
                    k
                    for k in range(i + 2, min(i + _MAX_TITLE_WORDS, len(doc)))
                    if doc[k].text == ")"
                ),
                None,
            )
            inner = doc[i + 1 : close] if close is not None else None
            if inner is not None and "\n" not in inner.text and not any(t.is_digit for t in inner):
                spans.append(relabel(Span(doc, inner.start, inner.end), "work", "cue"))
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
            # The name starts after the last title word, and ends before a
            # particle left dangling ("Obergruppenfuehrer Siegfried von] Kasche").
            while start < end and (doc[start].lower_ in TITLES or doc[start].is_punct):
                start += 1
            while end - start > 1 and doc[end - 1].lower_ in NAME_PARTICLES:
                end -= 1
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
            if doc[end - 1].text in ORG_HEAD_PLURALS:
                return None  # "the Regional Party Committees": a class of bodies
            start, end = _of_chain(doc, _hyphen_prefix(doc, start), end)
            start = _numbered(doc, start, end)
            if end - start < 2:
                return None  # a bare "Party" or "Conference" is not a name
            label = "organization" if rule == "org_head" else "other"
        elif rule == "quoted_work":
            quote = next((i for i in range(start, end) if doc[i].text in _OPENING_QUOTES), None)
            if quote is None:  # "published as Wartime"
                start += 2
            else:
                start = quote + 1
                end = next(
                    (i for i in range(start + 1, end) if doc[i].text in _CLOSING_QUOTES), end
                )
                if not (doc[start].is_title or doc[start].is_upper or doc[start].is_digit):
                    return None  # "a number of “volunteers”": titles start with a capital
            label = "work"
        elif rule == "compass_place":
            if end < len(doc) and (doc[end].is_title or doc[end].text in {"-", "of"}):
                return None  # "the West Indies", "the East-West divide", "the North of Italy"
            start += 1
            label = "place"
        elif rule == "volume_work":
            end -= 2
            label = "work"
        else:
            if doc[start].lower_ in NOT_PLACES:
                return None  # "MAY 22", "JULY 27": a date heading, not a signature
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
        other_names = _non_person_names()
        spans = []
        i = 0
        while i < len(doc):
            token = doc[i]
            if (
                token.text in names
                and token.is_title
                and token.pos_ in {"PROPN", "NOUN", "ADJ"}
                # "German" and "Albanian" are given names somewhere, but before
                # "General Edmund ..." they are nationalities.
                and token.text not in other_names
                and token.lower_ not in TITLES
            ):
                end = i + 1
                while (
                    end < len(doc)
                    and end - i < 4
                    and (
                        (
                            doc[end].is_title
                            and doc[end].pos_ == "PROPN"
                            and doc[end].lower_ not in TITLES
                        )
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
            # Mixed-case abbreviations ("BiH", "SFRJ" is all capitals and left to the
            # acronyms) are often tagged as common nouns.
            camel = token.text[:1].isupper() and any(ch.isupper() for ch in token.text[1:])
            if (token.tag_ != "NNP" and not camel) or token.is_upper:
                continue
            if token.lower_ in NOT_PLACES:
                continue
            end = token.i + 1
            while end < len(doc) and end - token.i < 3 and doc[end].tag_ == "NNP":
                end += 1
            if end - token.i == 1 or not any(i in taken for i in range(token.i, end)):
                spans.append(relabel(Span(doc, token.i, end), "place", "cue"))
        return spans

    @staticmethod
    def _listed_places(doc: Doc) -> list[Span]:
        """Names listed after a plural place noun are places: "the districts of Peza,
        Kurvelesh and Skrapar", "cities such as Orel, Kursk and Stalino"."""
        spans = []
        for token in doc:
            if token.lower_ not in PLACE_CLASSES:
                continue
            i = token.i + 1
            if i < len(doc) and doc[i].lower_ == "such":  # "cities such as"
                i += 1
            if i >= len(doc) or doc[i].lower_ not in _LIST_INTRODUCERS:
                continue
            i += 1
            while i < len(doc) and doc[i].is_title and doc[i].lower_ not in NOT_PLACES:
                end = i + 1
                while end < len(doc) and end - i < 3 and doc[end].is_title:
                    end += 1
                spans.append(relabel(Span(doc, i, end), "place", "cue"))
                i = end
                while i < len(doc) and doc[i].lower_ in _LIST_LINKS:
                    i += 1
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
