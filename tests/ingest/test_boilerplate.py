"""Boilerplate detection: a quality gate against hand-annotated gold, plus unit cases."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from historiograph.ingest.boilerplate import detect_boilerplate, split_lines
from support import SAMPLE_DIR

GOLD = json.loads((Path(__file__).parents[1] / "gold" / "boilerplate.json").read_text("utf-8"))
# Floors only go up: raise them when the detector improves.
PRECISION_FLOOR = 1.0
RECALL_FLOOR = 1.0


def test_boilerplate_quality_gate() -> None:
    found_total = expected_total = correct = 0
    for name, expected_lines in GOLD.items():
        if name.startswith("_"):
            continue
        text = (SAMPLE_DIR / name).read_text(encoding="utf-8")
        found = [text[s.start : s.end] for s in detect_boilerplate(text)]
        found_total += len(found)
        expected_total += len(expected_lines)
        correct += len(set(found) & set(expected_lines))
    precision = correct / found_total if found_total else 1.0
    recall = correct / expected_total if expected_total else 1.0
    print(
        f"boilerplate: precision {precision:.3f} recall {recall:.3f} ({correct}/{expected_total})"
    )
    assert precision >= PRECISION_FLOOR
    assert recall >= RECALL_FLOOR


def test_prose_that_mentions_chrome_words_is_kept() -> None:
    text = (
        "Title of a page\n\n"
        "In his memoir he wrote that anyone could click here and there on a map of the front, "
        "and that the cookie policy of the army canteen was strict; none of it was navigation.\n"
    )
    assert detect_boilerplate(text) == []


def test_head_menu_block_is_chrome_as_a_whole() -> None:
    text = "Home\nOur Collections\nVisiting Hours\n\nThe Siege\n\nThe city was besieged in 1943.\n"
    found = [text[s.start : s.end] for s in detect_boilerplate(text)]
    assert found == ["Home", "Our Collections", "Visiting Hours"]


def test_footer_after_chrome_is_chrome() -> None:
    body = "A long paragraph about the partisans and their war in the mountains. " * 3
    text = f"Title\n\n{body}\n{body}\n{body}\n\nShare this\nRelated links\nMore from the archive\n"
    found = [text[s.start : s.end] for s in detect_boilerplate(text)]
    assert found == ["Share this", "Related links", "More from the archive"]


def test_extra_patterns_extend_the_lexicon() -> None:
    body = "Body text of the article, long enough to be prose in any reading."
    text = f"Title\n\n{body}\n\nPowered by Blog\n"
    assert detect_boilerplate(text) == []
    found = detect_boilerplate(text, extra_patterns=[r"^powered by\b"])
    assert [text[s.start : s.end] for s in found] == ["Powered by Blog"]


@given(st.text(max_size=500))
def test_spans_are_whole_lines_within_bounds(text: str) -> None:
    for span in detect_boilerplate(text):
        assert 0 <= span.start < span.end <= len(text)
        assert len(text[span.start : span.end].splitlines()) == 1


@given(st.text(alphabet=st.sampled_from("ab \t\n\r\x0c\x1c\u00a0\u2003\u2028"), max_size=60))
def test_split_lines_are_the_stripped_non_blank_lines(text: str) -> None:
    expected = []
    offset = 0
    # Lines as str.splitlines has them (the structure detector's): CR, form feed and
    # U+2028 end a line as LF does.
    for raw in text.splitlines(keepends=True):
        stripped = raw.strip()
        if stripped:
            start = offset + len(raw) - len(raw.lstrip())
            expected.append((start, start + len(stripped), stripped))
        offset += len(raw)
    assert [(line.start, line.end, line.text) for line in split_lines(text)] == expected
    assert all(text[line.start : line.end] == line.text for line in split_lines(text))


def test_user_patterns_anchored_or_not_match_anywhere_they_should() -> None:
    # "^a|b" is not anchored as a whole: "b" may match anywhere in the line.
    text = "Main text of the page.\nsee our bookshop here\nShop now\n"
    spans = detect_boilerplate(text, extra_patterns=[r"^shop now$|bookshop"])
    assert [text[s.start : s.end] for s in spans] == ["see our bookshop here", "Shop now"]
    escaped = detect_boilerplate("a | b\n", extra_patterns=[r"^a \| b$"])
    assert len(escaped) == 1


def test_only_wholly_anchored_patterns_are_tried_at_the_start_alone() -> None:
    from historiograph.ingest.boilerplate import _anchored

    assert _anchored(r"^(home|menu)$")
    assert _anchored(r"^[|x] y")
    assert _anchored(r"^a\|b")
    assert not _anchored(r"^a|b")
    assert not _anchored(r"\bclick here\b")
