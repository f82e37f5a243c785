"""Classification rules on hand-made members of two sources."""

from __future__ import annotations

from historiograph.compare.classify import classify, figures
from historiograph.compare.model import GroupMember


def member(
    source: str,
    text: str,
    *,
    modality: str = "asserted",
    date: tuple[str, str, str] | None = None,
    places: tuple[str, ...] = (),
) -> GroupMember:
    edtf, earliest, latest = date or (None, None, None)
    return GroupMember(
        source_id=source,
        path=f"{source}.txt",
        start=0,
        end=len(text),
        text=text,
        modality=modality,
        date=edtf,
        earliest=earliest,
        latest=latest,
        places=places,
    )


def test_agree_with_one_date_more_precise() -> None:
    label, reason = classify(
        [
            member(
                "a",
                "The treaty was signed in May 1920.",
                date=("1920-05", "1920-05-01", "1920-05-31"),
            ),
            member(
                "b",
                "The treaty was signed on May 4, 1920.",
                date=("1920-05-04", "1920-05-04", "1920-05-04"),
            ),
        ]
    )
    assert label == "agree"
    assert "b.txt more precise" in reason


def test_differ_on_dates() -> None:
    label, reason = classify(
        [
            member(
                "a",
                "The bridge was blown up in March 1944.",
                date=("1944-03", "1944-03-01", "1944-03-31"),
            ),
            member(
                "b",
                "The bridge was blown up in June 1944.",
                date=("1944-06", "1944-06-01", "1944-06-30"),
            ),
        ]
    )
    assert (label, reason.split(":")[0]) == ("differ", "dates differ")


def test_differ_on_figures() -> None:
    label, reason = classify(
        [
            member("a", "By the winter the brigade counted about four thousand men."),
            member("b", "By the winter the brigade counted 2,500 men."),
        ]
    )
    assert label == "differ"
    assert "4,000" in reason and "2,500" in reason


def test_differ_on_places() -> None:
    label, _ = classify(
        [
            member("a", "The congress met in the mountains.", places=("Jajce",)),
            member("b", "The congress met in the mountains.", places=("Bihać",)),
        ]
    )
    assert label == "differ"


def test_contradict_through_opposite_predicates() -> None:
    label, reason = classify(
        [
            member("a", "The council kept control of its own army throughout the war."),
            member("b", "Foreign troops put the council in power."),
        ]
    )
    assert label == "contradict"
    assert "autonomy" in reason


def test_contradict_through_negation() -> None:
    label, _ = classify(
        [
            member("a", "The garrison surrendered the fortress to the rebels in spring."),
            member("b", "The garrison never surrendered the fortress to the rebels in spring."),
        ]
    )
    assert label == "contradict"


def test_contradict_denied_against_asserted() -> None:
    label, reason = classify(
        [
            member("a", "The minister signed the secret protocol."),
            member("b", "He denied that the minister signed any protocol.", modality="denied"),
        ]
    )
    assert label == "contradict"
    assert "denies" in reason


def test_contested_when_a_member_hedges() -> None:
    label, reason = classify(
        [
            member("a", "The general probably ordered the retreat.", modality="hedged"),
            member("b", "The general ordered the retreat."),
        ]
    )
    assert label == "contested"
    assert reason.startswith("a.txt hedges")


def test_contested_when_a_source_reports_disagreement() -> None:
    label, _ = classify(
        [
            member("a", "Historians disagree whether the general ordered the retreat."),
            member("b", "The general ordered the retreat."),
        ]
    )
    assert label == "contested"


def test_same_source_differences_do_not_count() -> None:
    label, _ = classify(
        [
            member(
                "a",
                "The bridge was blown up in March 1944.",
                date=("1944-03", "1944-03-01", "1944-03-31"),
            ),
            member(
                "a",
                "The bridge was blown up in June 1944.",
                date=("1944-06", "1944-06-01", "1944-06-30"),
            ),
            member(
                "b", "The bridge was blown up in 1944.", date=("1944", "1944-01-01", "1944-12-31")
            ),
        ]
    )
    assert label == "agree"


def test_figures_leave_out_years_and_days() -> None:
    assert figures("On May 5, 1942, 107 men and three thousand others; 15,000 Italians") == {
        107.0,
        3000.0,
        15000.0,
    }


def test_a_source_that_also_states_the_point_firmly_does_not_contest_it() -> None:
    label, _ = classify(
        [
            member("a", "It was rumoured the general would order a retreat.", modality="hedged"),
            member("a", "The general was about to order the retreat."),
            member("b", "The general ordered the retreat."),
        ]
    )
    assert label == "agree"


def test_a_source_that_only_hedges_contests() -> None:
    label, reason = classify(
        [
            member("a", "The general probably ordered the retreat.", modality="hedged"),
            member("a", "He may have ordered it at dawn.", modality="hedged"),
            member("b", "The general ordered the retreat."),
        ]
    )
    assert label == "contested"
    assert reason.startswith("a.txt hedges")


def test_two_spellings_of_one_place_do_not_differ() -> None:
    label, _ = classify(
        [
            member("a", "The treaty was signed by the Soviet Union.", places=("Soviet Union",)),
            member("b", "The treaty was signed by the Soviets.", places=("Soviet",)),
        ]
    )
    assert label == "agree"


def test_a_reported_rumour_is_no_contest() -> None:
    # The source relays what was rumoured at the time; it does not doubt the other account.
    label, _ = classify(
        [
            member("a", "The rebels expected a landing of the fleet on the coast."),
            member(
                "b",
                "It was rumoured that the fleet would soon land on the coast.",
                modality="hedged",
            ),
        ]
    )
    assert label == "agree"


def test_a_sources_own_doubt_is_contested_even_beside_a_rumour() -> None:
    label, reason = classify(
        [
            member("a", "The fleet landed on the coast."),
            member(
                "b",
                "It was rumoured that the fleet possibly landed on the coast.",
                modality="hedged",
            ),
        ]
    )
    assert label == "contested"
    assert "b.txt hedges" in reason


def test_a_place_inside_another_does_not_differ() -> None:
    inside, _ = classify(
        [
            member("a", "The fleet landed on the island.", places=("Sicily",)),
            member("b", "The fleet landed in the south.", places=("Italy",)),
        ]
    )
    apart, reason = classify(
        [
            member("a", "The fleet landed on the island.", places=("Sicily",)),
            member("b", "The fleet landed in the south.", places=("Albania",)),
        ]
    )
    assert inside == "agree"
    assert apart == "differ" and "places differ" in reason
