"""Our spaCy components, tested on blank pipelines (no statistical model needed)."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.tokens import Span

from historiograph.errors import HistoriographError
from historiograph.nlp import consistency, cues, gazetteer, line_sentences  # registers factories
from historiograph.nlp.entity_labels import register_extensions, relabel, trim_span
from historiograph.nlp.gazetteer import parse_gazetteer

REGISTERED = (consistency, cues, gazetteer, line_sentences)


def test_gazetteer_types_names_and_users_can_extend_it(tmp_path: Path) -> None:
    extra = tmp_path / "mine.tsv"
    extra.write_text("# my names\nGornji Vakuf\tplace\nBenignus Dippold\tperson\n", "utf-8")
    nlp = spacy.blank("en")
    nlp.add_pipe("historiograph_gazetteer", config={"extra_paths": [str(extra)]})
    doc = nlp("Benignus Dippold met them in Gornji Vakuf, west of Sarajevo, not in Moscow.")
    found = {(e.text, e.label_, e._.hg_rule) for e in doc.ents}
    assert found == {
        ("Benignus Dippold", "person", "gazetteer"),
        ("Gornji Vakuf", "place", "gazetteer"),
        ("Sarajevo", "place", "gazetteer"),
        ("Moscow", "place", "gazetteer"),
    }


def test_a_bad_gazetteer_line_is_named() -> None:
    with pytest.raises(HistoriographError, match=r"mine\.tsv:2"):
        parse_gazetteer("Tito\tperson\nBelgrade\tcity\n", "mine.tsv")


def test_title_and_place_cues() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("historiograph_entity_cues")
    doc = nlp("They met Lieutenant General Benignus Dippold near the village of Sarmash.")
    found = {(e.text, e.label_) for e in doc.ents}
    assert ("Benignus Dippold", "person") in found
    assert ("Sarmash", "place") in found


def test_organisation_and_event_heads() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("historiograph_entity_cues")
    doc = nlp("The Communist Party of Albania called the Conference of Peza in 1942.")
    found = {(e.text, e.label_) for e in doc.ents}
    assert ("Communist Party of Albania", "organization") in found
    assert ("Conference of Peza", "other") in found


def test_consistency_votes_and_propagates() -> None:
    register_extensions()
    nlp = spacy.blank("en")
    doc = nlp("Kasche wrote to Berlin. Kasche waited. Enver Hoxha spoke; later Hoxha left.")
    doc.ents = [
        relabel(Span(doc, 0, 1), "person", "cue"),
        relabel(Span(doc, 5, 6), "organization", "model"),
        relabel(Span(doc, 8, 10), "person", "model"),
    ]
    nlp.add_pipe("historiograph_entity_consistency")
    doc = nlp.get_pipe("historiograph_entity_consistency")(doc)
    found = [(e.text, e.label_, e._.hg_rule) for e in doc.ents]
    assert ("Kasche", "person", "consistency") in found  # the model's ORG outvoted
    assert ("Hoxha", "person", "consistency") in found  # the surname alone, propagated
    assert all(label == "person" for _, label, _ in found)


def test_trim_span() -> None:
    nlp = spacy.blank("en")
    doc = nlp("the Communist Party of Albania’s")
    trimmed = trim_span(Span(doc, 0, len(doc)))
    assert trimmed is not None and trimmed.text == "Communist Party of Albania"


def test_layout_starts_sentences() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("historiograph_line_sentences")
    doc = nlp(
        "April 7, 2014\n\nThe occupation of Albania\nAt dawn on April 7, 1939, troops landed "
        "on the\ncoast of the country."
    )
    starts = [t.text for t in doc if t.is_sent_start]
    assert "The" in starts and "At" in starts
    assert "coast" not in starts  # a hard-wrapped line goes on


def test_acronyms_take_their_expansion_or_default_to_organisations() -> None:
    from historiograph.nlp import acronyms

    assert acronyms
    register_extensions()
    nlp = spacy.blank("en")
    nlp.add_pipe("historiograph_acronyms")
    doc = nlp.make_doc(
        "The Special Operations Executive (SOE) sent men. The KPJ agreed. WWII ended."
    )
    doc.ents = [relabel(Span(doc, 1, 4), "organization", "model")]
    doc = nlp.get_pipe("historiograph_acronyms")(doc)
    found = {(e.text, e.label_, e._.hg_rule, e._.hg_expansion) for e in doc.ents}
    assert ("SOE", "organization", "acronym", "Special Operations Executive") in found
    assert not any(text == "WWII" for text, *_ in found)
    assert ("KPJ", "organization", "acronym", None) in found
    shouting = nlp.make_doc("JULY 27, 1939 GOOD NEWS FROM ALBANIA")
    assert nlp.get_pipe("historiograph_acronyms")(shouting).ents == ()


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_extraction_never_breaks_offsets(text: str) -> None:
    from historiograph.ingest.pipeline import parse_text
    from historiograph.nlp.extract import extract
    from historiograph.nlp.pipeline import default_pipeline

    if not text.strip():
        return
    parsed = parse_text(text)
    found = extract(parsed, default_pipeline(dates=False))
    for item in [*found.mentions, *found.dates]:
        assert 0 <= item.start < item.end <= len(text)
        assert text[item.start : item.end] == item.text
    for event in found.events:
        assert 0 <= event.start < event.end <= len(text)
        assert all(0 <= i < len(found.mentions) for i in [*event.participants, *event.places])


def test_a_person_shaped_name_with_an_article_or_an_organisation_gloss_is_an_organisation() -> None:
    register_extensions()
    nlp = spacy.blank("en")
    cue = nlp.add_pipe("historiograph_entity_cues")
    doc = nlp.make_doc("They fought the “Balli” while Enver Hoxha wrote.")
    doc.ents = [
        relabel(Span(doc, 4, 5), "person", "model"),
        relabel(Span(doc, 7, 9), "person", "model"),
    ]
    found = {(e.text, e.label_) for e in cue(doc).ents}
    assert ("Balli", "organization") in found and ("Enver Hoxha", "person") in found
    glossed = nlp.make_doc("They set up «Balli Kombëtar» (National Front) in 1942.")
    glossed.ents = [relabel(Span(glossed, 4, 6), "person", "model")]
    assert [(e.text, e.label_) for e in cue(glossed).ents if e.text == "Balli Kombëtar"] == [
        ("Balli Kombëtar", "organization")
    ]


def test_quoted_titles_in_a_reference_list_are_works() -> None:
    from historiograph.ingest.pipeline import parse_text
    from historiograph.nlp.extract import extract
    from historiograph.nlp.pipeline import default_pipeline

    text = (
        "The Uprising\n\nThe rising began in the mountains in 1941 and spread to the towns.\n\n"
        "Ana Kovač\n\nSources/ further reading\n"
        "  • Josip Horvat, „Borba za slobodu“ (The fight for freedom), (Globus, Zagreb, 1981)\n"
    )
    found = extract(parse_text(text), default_pipeline(dates=False))
    works = {m.text for m in found.mentions if m.type == "work"}
    assert {"Borba za slobodu", "The fight for freedom"} <= works


# --- General rules (made-up sentences, not from the sample corpus) ---------------------


def _ents(doc: spacy.tokens.Doc) -> set[tuple[str, str]]:
    return {(e.text, e.label_) for e in doc.ents}


def test_given_names_with_diacritics_are_known() -> None:
    from historiograph.nlp.given_names import given_names

    names = given_names()
    # The name list is UTF-8 in fixed byte columns; folded forms are added too.
    assert {"Dušan", "Dusan", "Miloš", "Milos", "Đorđe"} <= names


def test_a_nationality_that_is_also_a_given_name_does_not_start_a_person() -> None:
    from historiograph.nlp.pipeline import default_pipeline

    doc = default_pipeline(dates=False)("They met German General Walther Kessler in Riga.")
    assert not any(e.text.startswith("German") and e.label_ == "person" for e in doc.ents)
    assert ("Walther Kessler", "person") in _ents(doc)


def test_names_listed_after_a_plural_place_noun_are_places() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("historiograph_entity_cues")
    found = _ents(nlp("Rebels held the districts of Dobrava, Selnik and Vrana by May."))
    assert {("Dobrava", "place"), ("Selnik", "place"), ("Vrana", "place")} <= found
    found = _ents(nlp("Towns such as Lubno, Krasna and Old Terebov were burnt."))
    assert {("Lubno", "place"), ("Krasna", "place"), ("Old Terebov", "place")} <= found


def _consistency(doc: spacy.tokens.Doc) -> spacy.tokens.Doc:
    nlp = spacy.blank("en")
    return nlp.add_pipe("historiograph_entity_consistency")(doc)


def test_names_listed_together_share_the_type_of_the_strong_evidence() -> None:
    register_extensions()
    nlp = spacy.blank("en")
    doc = nlp.make_doc("Speeches by Bebel, Jaures, Plekhanov and Adler were read out.")
    doc.ents = [
        relabel(Span(doc, 2, 3), "person", "gazetteer"),
        relabel(Span(doc, 4, 5), "organization", "model"),
        relabel(Span(doc, 6, 7), "place", "model"),
        relabel(Span(doc, 8, 9), "person", "model"),
    ]
    found = {(e.text, e.label_, e._.hg_rule) for e in _consistency(doc).ents}
    assert ("Jaures", "person", "list") in found and ("Plekhanov", "person", "list") in found
    # Strong evidence that disagrees leaves a list alone ("Bebel, Vienna and Adler").
    mixed = nlp.make_doc("Bebel, Vienna and Adler.")
    mixed.ents = [
        relabel(Span(mixed, 0, 1), "person", "gazetteer"),
        relabel(Span(mixed, 2, 3), "place", "gazetteer"),
        relabel(Span(mixed, 4, 5), "organization", "model"),
    ]
    assert ("Adler", "organization") in _ents(_consistency(mixed))


def _entity_types(doc: spacy.tokens.Doc) -> spacy.tokens.Doc:
    nlp = spacy.blank("en")
    return nlp.add_pipe("historiograph_entity_types")(doc)


def test_model_spans_that_are_no_names_are_dropped_and_titles_trimmed() -> None:
    nlp = spacy.blank("en")
    doc = nlp.make_doc(
        "A staunch Marxist-Leninist and anti-Habsburg writer, once a POW, drafted a "
        "Constitution; the Commissar and Field Marshal Anton Rieger agreed."
    )
    labels = {"Marxist-Leninist": "ORG", "POW": "ORG", "Constitution": "LAW"}
    labels |= {"Commissar": "ORG", "Marshal Anton Rieger": "PERSON", "Habsburg": "NORP"}
    spans = []
    for text, label in labels.items():
        start = doc.text.index(text)
        span = doc.char_span(start, start + len(text), label=label)
        assert span is not None
        spans.append(span)
    doc.ents = spans
    assert _ents(_entity_types(doc)) == {("Anton Rieger", "person")}


def test_gazetteer_skips_prefixed_and_hyphenated_peoples_and_describing_nationalities() -> None:
    register_extensions()
    nlp = spacy.blank("en")
    gazetteer = nlp.add_pipe("historiograph_gazetteer")
    doc = gazetteer(nlp("An all-Balkans league held Czech-Slovak talks; the Czechs agreed."))
    assert _ents(doc) == {("Czechs", "group")}
    navy = nlp.make_doc("The British Royal Navy sailed.")
    navy.ents = [relabel(Span(navy, 1, 4), "organization", "model")]
    assert _ents(gazetteer(navy)) == {("Royal Navy", "organization")}


def test_names_of_peoples_describing_a_noun_are_adjectives() -> None:
    from historiograph.nlp.pipeline import default_pipeline

    doc = default_pipeline(dates=False)(
        "The Ustasha militia burnt the village. Later the Serbian Communist leadership "
        "and the Chetniks quarrelled."
    )
    found = _ents(doc)
    assert not any(text in {"Ustasha", "Serbian Communist"} for text, _ in found)
    assert ("Chetniks", "group") in found


def test_an_organisation_takes_in_its_of_complements() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("historiograph_entity_cues")
    doc = nlp("Orders came from the Executive Committee of the Socialist Party of Bulgaria.")
    assert ("Executive Committee of the Socialist Party of Bulgaria", "organization") in _ents(doc)
    doc = nlp("He sat on the CC of the Peasant Party of Croatia until 1929.")
    assert ("CC of the Peasant Party of Croatia", "organization") in _ents(doc)


def test_titles_cited_as_published_numbered_or_translated_are_works() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("historiograph_entity_cues")
    doc = nlp("It appeared in the first issue of «Narodna volja» (The People's Will) in 1879.")
    assert {("Narodna volja", "work"), ("The People's Will", "work")} <= _ents(doc)
    doc = nlp("First printed in “Papers of the Fabian Society”, vol. 2, and in Essays, vol. 1.")
    assert {("Papers of the Fabian Society", "work"), ("Essays", "work")} <= _ents(doc)
    assert not any(e.label_ == "work" for e in nlp("A number of “volunteers” came.").ents)


def test_archival_signatures_but_not_date_headings_are_works() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("historiograph_entity_cues")
    assert ("Record Group 59", "work") in _ents(nlp("See Record Group 59 in the archive."))
    assert _ents(nlp("JUNE 14, 1915\nThe rain went on.")) == set()


def test_a_plural_head_shared_by_coordinated_names_is_local_evidence() -> None:
    nlp = spacy.blank("en")
    for name in ("entity_cues", "gazetteer", "entity_consistency"):
        nlp.add_pipe(f"historiograph_{name}")
    doc = nlp("The Vienna and Graz Committees merged. Vienna was calm.")
    first, *rest = [e for e in doc.ents if e.text == "Vienna"]
    assert first.label_ == "organization" and [e.label_ for e in rest] == ["place"]
    assert ("Graz Committees", "organization") in _ents(doc)
    # Without a coordinated name, a plural head is a class of bodies.
    assert _ents(nlp("Elections to the District Party Committees began.")) == set()


def test_nationality_before_a_numbered_unit_is_no_part_of_its_name() -> None:
    register_extensions()
    nlp = spacy.blank("en")
    doc = nlp.make_doc("The German 6th Army and the British Eighth Army met.")
    doc.ents = [
        relabel(Span(doc, 1, 4), "organization", "model"),
        relabel(Span(doc, 6, 9), "organization", "model"),
    ]
    found = _ents(nlp.add_pipe("historiograph_entity_cues")(doc))
    assert {("6th Army", "organization"), ("Eighth Army", "organization")} <= found


def test_compass_regions_camel_case_places_and_hyphenated_pacts() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("historiograph_entity_cues")
    assert ("West", "place") in _ents(nlp("Help came from the West, too late."))
    assert ("West", "place") not in _ents(nlp("Ships sailed to the West Indies."))
    assert ("BiH", "place") in _ents(nlp("He fought in BiH that winter."))
    doc = nlp("They signed the Non-aggression Treaty and the Anti-Comintern Pact.")
    assert {("Non-aggression Treaty", "other"), ("Anti-Comintern Pact", "other")} <= _ents(doc)


def test_a_discarded_candidate_does_not_overwrite_the_evidence_of_an_entity() -> None:
    from historiograph.nlp import acronyms

    assert acronyms
    nlp = spacy.blank("en")
    nlp.add_pipe("historiograph_gazetteer")
    nlp.add_pipe("historiograph_acronyms")
    doc = nlp("The BBC reported it.")
    assert [(e.text, e._.hg_rule) for e in doc.ents] == [("BBC", "gazetteer")]
