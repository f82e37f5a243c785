"""Anchors of claims read from the dependency parse: roles, predicates and their arguments."""

from __future__ import annotations

import pytest

from historiograph.compare.align import _Anchors
from historiograph.compare.embed import content_words
from historiograph.compare.frames import HEAD, MODIFIER, ClaimFrame, EntitySpan, claim_frames


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
