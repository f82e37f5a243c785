"""Anchors of claims read from the dependency parse: roles, predicates and their arguments."""

from __future__ import annotations

import pytest
from spacy.language import Language

from historiograph.compare.align import _Anchors, _filled
from historiograph.compare.embed import content_words
from historiograph.compare.frames import (
    HEAD,
    MODIFIER,
    ClaimFrame,
    EntitySpan,
    claim_frames,
    compatible,
)


def _frames(*texts: str) -> list[ClaimFrame]:
    return claim_frames(list(texts), [[] for _ in texts])


def _overlap(a: str, b: str, *fillers: str) -> float:
    # Filler claims give the IDF a corpus: an anchor in two of many claims is rare.
    return _Anchors(_frames(a, b, *fillers)).shared(0, 1)


FILLERS = (
    "The weather in the mountains was cold for many weeks.",
    "The harbour was built with money from abroad.",
    "Farmers sold their grain at the market in the town.",
)


def test_modifiers_and_heads_are_told_apart() -> None:
    (frame,) = _frames("The Soviet forces crossed the river.")
    assert frame.anchors["w:force"] == HEAD
    assert frame.anchors["w:soviet"] == MODIFIER
    assert frame.anchors[f"w:{content_words('cross')[0]}"] == HEAD


def test_light_verbs_reporting_verbs_and_idioms_are_no_content() -> None:
    (frame,) = _frames("The historian said that the meeting took place in the capital.")
    assert "w:take" not in frame.anchors
    assert "w:place" not in frame.anchors  # the bare noun of "take place"
    assert "w:say" not in frame.anchors
    assert "w:meet" in frame.anchors


def test_an_entity_counts_once_in_the_role_of_its_head() -> None:
    text = "The Red Army entered the city."
    (frame,) = claim_frames([text], [[EntitySpan(4, 12, 7)]])
    assert frame.anchors["e:7"] == HEAD
    assert "w:red" not in frame.anchors and "w:army" not in frame.anchors


def test_verbs_and_action_nouns_are_predicates_with_their_arguments() -> None:
    (frame,) = _frames("An allied landing on the coast was expected by the rebels.")
    assert "w:land" in frame.predicates
    assert {"w:alli", "w:coast"} <= frame.arguments["w:land"]
    assert "w:coast" not in frame.predicates


def test_a_shared_predicate_without_a_shared_argument_is_no_evidence() -> None:
    alone = _overlap("The delegation refused the offer.", "The garrison refused to move.", *FILLERS)
    filled = _overlap(
        "The delegation refused the offer.", "The garrison refused the offer.", *FILLERS
    )
    assert alone == 0.0
    assert filled > 0.0


def test_rare_shared_heads_weigh_more_than_shared_modifiers() -> None:
    heads = _overlap(
        "Three thousand fighters served in the detachments.",
        "The detachments counted two thousand fighters.",
        *FILLERS,
    )
    modifiers = _overlap(
        "The Balkan headquarters began its work.",
        "They prepared new adventures against the Balkan countries.",
        *FILLERS,
    )
    assert heads > modifiers > 0.0


@pytest.mark.parametrize("text", ["", "   "])
def test_empty_claims_have_no_anchors(text: str) -> None:
    (frame,) = _frames(text)
    assert frame.anchors == {}


def _filled_pair(a: str, b: str, key: str) -> bool:
    fa, fb = _frames(a, b)
    return _filled(fa, fb, key, key)


def test_a_noun_qualified_by_different_names_is_two_things() -> None:
    base = "The rebels destroyed Kowalski's forces."
    (frame,) = _frames(base)
    assert frame.referents["w:force"] == (frozenset({"w:kowalski"}),)
    other = _overlap(base, "The monks destroyed the Polish forces.", *FILLERS)
    unqualified = _overlap(base, "The monks destroyed the forces.", *FILLERS)
    # Neither the noun nor the predicate it fills counts.
    assert other == 0.0 < unqualified
    assert not _filled_pair(base, "The monks destroyed the Polish forces.", "w:destroy")
    assert _filled_pair(base, "The monks destroyed the forces.", "w:destroy")


def test_names_of_the_corpus_qualify_in_lower_case() -> None:
    text = "The rebels destroyed the royalist forces."
    (plain,) = claim_frames([text], [[]])
    (named,) = claim_frames([text], [[]], names=frozenset({"w:royalist"}))
    assert plain.referents["w:force"] == (frozenset(),)
    assert named.referents["w:force"] == (frozenset({"w:royalist"}),)


def test_compatible_referents() -> None:
    a, b = frozenset({"e:1"}), frozenset({"e:2"})
    assert not compatible((a,), (b,))
    assert compatible((a,), (frozenset(),))  # "the forces" can be anyone's
    assert compatible((a, b), (b,))
    assert compatible((), (b,))


def test_a_word_that_only_qualifies_the_fillers_is_no_shared_filler() -> None:
    assert not _filled_pair(
        "The farmers fought the German army.", "The monks fought the German police.", "w:fight"
    )
    assert _filled_pair(
        "The farmers fought the German army.", "The monks fought the army.", "w:fight"
    )


def test_a_noun_and_a_verb_of_one_word_need_a_shared_filler() -> None:
    noun = "The town needed French help."
    assert _overlap(noun, "The mayor begged the bishop to help.", *FILLERS) == 0.0
    assert _overlap(noun, "The mayor begged for French help.", *FILLERS) > 0.0
    # Where both claims also use the word as a plain noun, the nouns meet.
    both = _overlap(
        "The army forced the rebel forces to retreat.", "All the forces were tired.", *FILLERS
    )
    assert both > 0.0


def test_the_lemma_and_the_written_form_both_match() -> None:
    # The tagger leaves the name "Allied" as written and lemmatises "allies" to "ally".
    a, b = "An Allied landing on the coast was expected.", "The allies reached the coast."
    frame_a, frame_b = _frames(a, b)
    pairs = _Anchors([frame_a, frame_b, *_frames(*FILLERS)])._pairs(0, 1)
    assert ("w:alli", "w:ally") in pairs


def test_a_participle_qualifying_a_noun_is_no_predicate() -> None:
    (frame,) = _frames("The defeated troops waited.")
    (verb,) = _frames("The rebels defeated the troops.")
    assert "w:defeat" not in frame.predicates
    assert "w:defeat" in verb.predicates


def test_what_qualifies_a_noun_made_from_a_verb_fills_its_slot() -> None:
    (frame,) = _frames("An Allied landing on the coast was expected.")
    assert frame.anchors["w:alli"] == HEAD  # the landing is the Allies'
    (plain,) = _frames("The Allied troops waited.")
    assert plain.anchors["w:alli"] == MODIFIER


def test_a_filler_in_two_different_parts_is_no_shared_content() -> None:
    a = "Without foreign intervention the peasants welcomed the Normans."
    b = "The monks opposed the intervention of the Normans in the valley."
    c = "The monks saw the Normans in the valley."
    # "the Normans" fill the intervention in b, the welcome in a: two parts.
    assert _overlap(a, b, *FILLERS) < _overlap(a, c, *FILLERS)


def test_a_loaded_pipeline_is_reused_with_the_parse_only(nlp: Language) -> None:
    texts = ["An Allied landing on the coast was expected by the rebels."]
    assert claim_frames(texts, [[]], parser=nlp) == claim_frames(texts, [[]])
