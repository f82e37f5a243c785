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
