"""The cleaned view's offset map: every mapped span covers its evidence in the original."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from historiograph.ingest.offsets import CleanView, merge_edits
from historiograph.ingest.pipeline import parse_text
from historiograph.model import Edit


@st.composite
def texts_with_edits(draw: st.DrawFn) -> tuple[str, list[Edit]]:
    text = draw(st.text(min_size=0, max_size=200))
    edits = []
    for _ in range(draw(st.integers(0, 8))):
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, min(len(text), start + 5)))
        edits.append(Edit(start, end, draw(st.text(max_size=4)), "test"))
    return text, edits


@given(texts_with_edits())
def test_unchanged_text_maps_exactly(case: tuple[str, list[Edit]]) -> None:
    text, edits = case
    view = CleanView(text, edits)
    kept = merge_edits(edits)
    # Reapplying the kept edits by hand gives the same cleaned text.
    rebuilt, position = [], 0
    for edit in kept:
        rebuilt.append(text[position : edit.start] + edit.replacement)
        position = edit.end
    assert view.text == "".join(rebuilt) + text[position:]
    # Every clean character outside a replacement maps to the same original character.
    for index in range(len(view.text)):
        start, end = view.span_to_original(index, index + 1)
        assert 0 <= start <= end <= len(text)
        if end - start == 1 and text[start] == view.text[index]:
            continue
        assert any(e.start <= start and end <= e.end for e in kept), (index, start, end)


@given(texts_with_edits(), st.data())
def test_spans_map_inside_the_original_and_cover_their_edits(
    case: tuple[str, list[Edit]], data: st.DataObject
) -> None:
    text, edits = case
    view = CleanView(text, edits)
    start = data.draw(st.integers(0, len(view.text)))
    end = data.draw(st.integers(start, len(view.text)))
    orig_start, orig_end = view.span_to_original(start, end)
    assert 0 <= orig_start <= orig_end <= len(text)
    # Round trip: the original span, cleaned again, contains the cleaned span.
    assert view.to_clean(orig_start) <= start
    assert view.to_clean(orig_end, end=True) >= end


def test_a_repaired_word_maps_back_to_its_noisy_form() -> None:
    original = "the cámmunist mcvement"
    view = CleanView(original, [Edit(5, 6, "o", "ocr"), Edit(15, 16, "o", "ocr")])
    assert view.text == "the communist movement"
    start = view.text.index("communist movement")
    orig = view.span_to_original(start, start + len("communist movement"))
    assert original[orig[0] : orig[1]] == "cámmunist mcvement"


@given(st.text(max_size=400))
def test_pipeline_offsets_are_always_valid(text: str) -> None:
    if not text.strip():
        return
    parsed = parse_text(text)
    assert parsed.original == text
    for span in parsed.spans:
        assert 0 <= span.start <= span.end <= len(text)
    for edit in parsed.edits:
        assert 0 <= edit.start <= edit.end <= len(text)
    for passage in parsed.passages:
        assert 0 <= passage.start < passage.end <= len(text)
        assert passage.text.strip()
