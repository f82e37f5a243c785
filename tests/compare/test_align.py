"""Alignment on made-up two-source corpora, built through the real ingest, NLP and claims stages."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from historiograph.compare import (
    AlignSettings,
    ClaimGroup,
    ComparedSource,
    between,
    compare_sources,
    for_entity,
)

Make = Callable[[str, str], ComparedSource]

FIRST = """\
The winter campaign

In August 1921 the Treaty of Riga was signed between Poland and Soviet Russia after long talks.
General Kowalski kept command of his army and his independence during the whole campaign.
By the spring of 1922 the northern brigade counted about four thousand soldiers in its ranks.
The weather in the mountains was cold and the roads were blocked with snow for many weeks.
"""

SECOND = """\
Notes on the campaign

The Treaty of Riga between Poland and Soviet Russia was signed on August 12, 1921, ending the talks.
Foreign troops put General Kowalski in power and he obeyed their orders in every matter.
By the spring of 1922 the northern brigade counted 2,500 soldiers in its ranks.
Some historians think that the harbour of Gdynia was probably built with money from abroad.
"""


@pytest.fixture(scope="module")
def groups(source_from_text: Make) -> list[ClaimGroup]:
    return compare_sources(
        [source_from_text("first.txt", FIRST), source_from_text("second.txt", SECOND)]
    )


def _group_with(groups: list[ClaimGroup], words: str) -> ClaimGroup:
    for group in groups:
        if any(words in m.text for m in group.members):
            return group
    raise AssertionError(f"no group with {words!r}: {[g.label for g in groups]}")


def test_every_group_spans_two_sources(groups: list[ClaimGroup]) -> None:
    assert groups
    for group in groups:
        assert len(group.sources) == 2
        assert group.kind in {"event", "assertion"}
        assert 0.0 < group.score <= 1.0
        for m in group.members:
            assert m.text.strip()


def test_same_treaty_at_two_precisions_agrees(groups: list[ClaimGroup]) -> None:
    group = _group_with(groups, "Treaty of Riga")
    assert {m.path for m in group.members} == {"first.txt", "second.txt"}
    assert group.classification == "agree"
    assert "more precise" in group.reason


def test_kept_command_against_put_in_power_contradicts(groups: list[ClaimGroup]) -> None:
    group = _group_with(groups, "kept command")
    assert any("put General Kowalski in power" in m.text for m in group.members)
    assert group.classification == "contradict"


def test_different_figures_differ(groups: list[ClaimGroup]) -> None:
    group = _group_with(groups, "four thousand soldiers")
    assert group.classification == "differ"
    assert "figures differ" in group.reason


def test_unrelated_sentences_stay_apart(groups: list[ClaimGroup]) -> None:
    for group in groups:
        texts = " ".join(m.text for m in group.members)
        assert not ("snow" in texts and "Gdynia" in texts)


def test_filters(groups: list[ClaimGroup]) -> None:
    assert for_entity(groups, "Kowalski")
    assert all(
        any("Kowalski" in e for m in g.members for e in m.entities)
        for g in for_entity(groups, "kowalski")
    )
    assert not for_entity(groups, "Nobody Atall")
    assert between(groups, "first.txt", "second.txt") == groups
    assert between(groups, "first", "elsewhere.txt") == []


def test_contested_two_source_group(source_from_text: Make) -> None:
    a = source_from_text(
        "a.txt", "Report\n\nThe harbour of Gdynia was built with money from abroad in the 1920s.\n"
    )
    b = source_from_text(
        "b.txt",
        "Essay\n\nSome historians think that the harbour of Gdynia was probably built with"
        " money from abroad in the 1920s.\n",
    )
    groups = compare_sources([a, b])
    assert len(groups) == 1
    assert groups[0].classification == "contested"


def test_one_source_gives_no_groups(source_from_text: Make) -> None:
    assert compare_sources([source_from_text("first.txt", FIRST)]) == []


def test_corroborating_links_raise_a_groups_score(source_from_text: Make) -> None:
    sources = [
        source_from_text(
            "a.txt",
            "Report\n\nPoland and Soviet Russia signed the Treaty of Riga in August 1921 after"
            " long talks.\nThe frozen roads were blocked with snow for many weeks.\n",
        ),
        source_from_text(
            "b.txt",
            "Notes\n\nPoland and Soviet Russia signed the Treaty of Riga on August 12, 1921.\n",
        ),
        source_from_text(
            "c.txt",
            "Essay\n\nThe Treaty of Riga was signed by Poland and Soviet Russia in 1921, ending"
            " the war.\n",
        ),
    ]
    alone = _group_with(
        compare_sources(sources, settings=AlignSettings(corroboration=0.0)), "Treaty of Riga"
    )
    corroborated = _group_with(compare_sources(sources), "Treaty of Riga")
    assert len(alone.sources) == 3  # three cross-source links hold the group together
    assert 0.0 < alone.score < corroborated.score < 1.0


def test_shared_rare_words_weigh_in_the_score(source_from_text: Make) -> None:
    a = source_from_text(
        "a.txt", "Report\n\nThe northern brigade crossed the frozen Narew river in January.\n"
    )
    b = source_from_text(
        "b.txt", "Notes\n\nIn January the northern brigade crossed the frozen Narew river.\n"
    )
    without = compare_sources([a, b], settings=AlignSettings(lexical_weight=0.0))
    weighted = compare_sources([a, b], settings=AlignSettings(lexical_weight=1.5))
    assert without and weighted
    assert weighted[0].score > without[0].score


def test_claims_dated_years_apart_stay_in_separate_groups(source_from_text: Make) -> None:
    # The third sentence shares the treaty's words, but speaks of 1923: another happening.
    sources = [
        source_from_text(
            "a.txt",
            "Report\n\nPoland and Soviet Russia signed the Treaty of Riga in August 1921 after"
            " long talks.\n",
        ),
        source_from_text(
            "b.txt",
            "Notes\n\nPoland and Soviet Russia signed the Treaty of Riga on August 12, 1921.\n",
        ),
        source_from_text(
            "c.txt",
            "Essay\n\nPoland and Soviet Russia quarrelled over the Treaty of Riga again in May"
            " 1923.\n",
        ),
    ]
    treaty = _group_with(compare_sources(sources), "August 12, 1921")
    assert {m.date for m in treaty.members} == {"1921-08", "1921-08-12"}
