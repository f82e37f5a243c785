"""Relations stated by the text, on small examples."""

from __future__ import annotations

from historiograph.resolve.relations import Placed, Relation, part_of_relations, relations_of_source


def _relations(
    text: str, mentions: list[tuple[str, int, str]]
) -> dict[tuple[int, int, str], Relation]:
    placed = []
    for entity, (name, number, kind) in enumerate(mentions):
        start = -1
        for _ in range(number):
            start = text.index(name, start + 1)
        placed.append(Placed(entity, kind, start, start + len(name)))
    found: dict[tuple[int, int, str], Relation] = {}
    relations_of_source("s", text, [(0, len(text))], placed, found)
    return found


def test_stated_ties() -> None:
    text = (
        "Enver Hoxha was charged with the leadership of the Central Committee. "
        "Milovan Djilas, a member of the Politburo, went to Zagreb. "
        "Sarmash in the Kolonja district was attacked. "
        "Djilas' account corroborated the Roberts description."
    )
    found = _relations(
        text,
        [
            ("Enver Hoxha", 1, "person"),
            ("Central Committee", 1, "organization"),
            ("Milovan Djilas", 1, "person"),
            ("Politburo", 1, "organization"),
            ("Sarmash", 1, "place"),
            ("Kolonja", 1, "place"),
            ("Djilas", 2, "person"),
            ("Roberts", 1, "person"),
        ],
    )
    kinds = {(a, b, kind) for (a, b, kind) in found if not kind.startswith("co-")}
    assert kinds == {
        (0, 1, "leader-of"),
        (2, 3, "member-of"),
        (4, 5, "located-in"),
        (6, 7, "cites"),
    }
    for relation in found.values():
        for source, start, end in relation.evidence:
            assert source == "s" and 0 <= start < end <= len(text)


def test_lists_are_not_ties() -> None:
    found = _relations(
        "Albania, Greece and Yugoslavia met.", [("Albania", 1, "place"), ("Greece", 1, "place")]
    )
    assert {kind for *_, kind in found} == {"co-paragraph", "co-sentence"}


def test_part_of_from_nested_names() -> None:
    names = {
        1: ("politburo of the central committee", "organization"),
        2: ("central committee", "organization"),
        3: ("general staff of the army", "organization"),
    }
    keys = {key: [entity] for entity, (key, _) in names.items()}
    found: dict[tuple[int, int, str], Relation] = {}
    part_of_relations(names, keys, {1: ("s", 0, 10), 3: ("s", 20, 30)}, found)
    assert set(found) == {(1, 2, "part-of")}  # "army" is no entity: no guess
