"""Resolution rules: what merges, what must stay apart, and why each merge was made."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from historiograph.resolve.names import normalise
from historiograph.resolve.resolver import NameMention, resolve


def _clusters(names: list[tuple[str, str]], **kwargs: object) -> list[set[str]]:
    mentions = [
        NameMention(i, f"s{i}", text, kind, 0, len(text)) for i, (text, kind) in enumerate(names)
    ]
    return [{names[i][0] for i in c.mentions} for c in resolve(mentions)]


def test_normalisation() -> None:
    assert normalise("Draža Mihailović") == "draza mihailovic"
    assert normalise("Lieutenant General Benignus Dippold") == "benignus dippold"
    assert normalise("comrade Stalin") == "stalin"
    assert normalise("Tito’s") == "tito"


def test_variants_partials_and_joins_merge() -> None:
    clusters = _clusters(
        [
            ("Draža Mihailović", "person"),
            ("Mihailovich", "person"),
            ("Mihailovic", "person"),
            ("DrazaMihailovich", "person"),
            ("Josip Broz Tito", "person"),
            ("Tito", "person"),
            ("Svezozar Vukmanović Tempo", "person"),
            ("Svetozar Vukmanovic Tempo", "person"),
        ]
    )
    assert {"Draža Mihailović", "Mihailovich", "Mihailovic", "DrazaMihailovich"} in clusters
    assert {"Josip Broz Tito", "Tito"} in clusters
    assert {"Svezozar Vukmanović Tempo", "Svetozar Vukmanovic Tempo"} in clusters


def test_organisations_reordered_and_acronyms() -> None:
    clusters = _clusters(
        [
            ("Communist Party of Albania", "organization"),
            ("Albanian Communist Party", "organization"),
            ("Communist Party of Macedonia", "organization"),
            ("Communist Party of Yugoslavia", "organization"),
            ("CPY", "organization"),
        ]
    )
    assert {"Communist Party of Albania", "Albanian Communist Party"} in clusters
    assert {"Communist Party of Yugoslavia", "CPY"} in clusters
    assert {"Communist Party of Macedonia"} in clusters


def test_different_people_stay_apart() -> None:
    clusters = _clusters([("Petrovic", "person"), ("Popovic", "person"), ("Tito", "place")])
    assert {"Petrovic"} in clusters and {"Popovic"} in clusters and {"Tito"} in clusters


def test_people_named_side_by_side_stay_apart() -> None:
    text = "Milos Markovic, Vladimir Petrovic and Vladimir Petrovich came."
    spans = [("Milos Markovic", 0), ("Vladimir Petrovic", 16), ("Vladimir Petrovich", 38)]
    mentions = [NameMention(i, "s", t, "person", s, s + len(t)) for i, (t, s) in enumerate(spans)]
    clusters = resolve(mentions, texts=lambda source: text)
    # "Petrovic"/"Petrovich" would be a spelling variant, but named together they are two.
    assert len(clusters) == 3


def test_stated_alias_merges_with_its_evidence() -> None:
    text = "Only Popovic used his real name. Markovic was in reality Milovan Djilas, a member."
    names = [("Popovic", 5), ("Markovic", 33), ("Milovan Djilas", 57)]
    mentions = [NameMention(i, "s", t, "person", s, s + len(t)) for i, (t, s) in enumerate(names)]
    clusters = resolve(mentions, texts=lambda source: text)
    merged = next(c for c in clusters if len(c.mentions) == 2)
    assert merged.name == "Milovan Djilas"
    (link,) = merged.links
    assert link.rule == "alias" and link.evidence == ("s", 33, 71)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(st.text(min_size=1, max_size=20), st.sampled_from(["person", "place"])),
        max_size=30,
    )
)
def test_every_mention_lands_in_exactly_one_cluster(names: list[tuple[str, str]]) -> None:
    mentions = [
        NameMention(i, "s", t, k, i * 30, i * 30 + len(t)) for i, (t, k) in enumerate(names)
    ]
    clusters = resolve(mentions)
    seen = [m for c in clusters for m in c.mentions]
    assert sorted(seen) == list(range(len(names)))
    for cluster in clusters:
        assert len({names[i][1] for i in cluster.mentions}) == 1  # never across types


def test_acronyms_in_the_shipped_table_are_one_organisation() -> None:
    clusters = _clusters(
        [("KPJ", "organization"), ("CPY", "organization"), ("KKE", "organization")]
    )
    assert {"KPJ", "CPY"} in clusters and {"KKE"} in clusters


def test_run_together_names_split_by_unicode_case() -> None:
    from historiograph.resolve.names import split_camel

    assert split_camel("DrazaMihailovich") == "Draza Mihailovich"
    assert split_camel("ŽarkoĐorđević") == "Žarko Đorđević"
    # Lower-case letters with diacritics are not capitals: nothing to split here.
    assert split_camel("Balli Kombëtar") == "Balli Kombëtar"
    assert split_camel("Vërlaci") == "Vërlaci"
