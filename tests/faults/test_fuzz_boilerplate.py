"""Hostile text through the boilerplate detector: whole-line spans, in bounded time.

Chrome phrases from the shipped lexicon mixed with prose, odd line breaks (``\\r``,
U+2028, form feeds) and odd spaces must still give one span per whole stripped line,
sorted, apart, with its reason; and no line, however long or however shaped to make a
lexicon pattern backtrack, may take super-linear time.
"""

from __future__ import annotations

import time

import pytest
from fault_tools import bounded, check_range, check_sorted_disjoint, watchdog
from hypothesis import given
from hypothesis import strategies as st

from historiograph.ingest.boilerplate import detect_boilerplate, split_lines

_CHROME = [
    "Home", "Menu", "Sign In", "sign in with Google", "Log in", "Translate »", "Share",
    "Tags:", "Cookie policy", "Accept all cookies", "click here", "Follow us on",
    "© 2015 Example", "(c) 1999", "All rights reserved", "Back to top", "Read more",
    '[fbl_login_button redirect="https://x" flavor="login_with"]', "[x a=b c='d' e=\"f\"]",
    "[", "]", "=", '"', "'", "»",
]  # fmt: skip
_FILLER = [
    "\n", "\n\n", "\r\n", "\r", "\u2028", "\u2029", "\x0c", "\x85", "\t", " ", "\u00a0",
    "\u3000", "The Partisans crossed the river at night.", "Tito", "word ", ".", ":", ";",
]  # fmt: skip

chrome_text = st.lists(
    st.one_of(st.sampled_from(_CHROME), st.sampled_from(_FILLER), st.text(max_size=5)),
    max_size=80,
).map("".join)


@bounded(max_examples=300, deadline_ms=1000)
@given(chrome_text, st.lists(st.sampled_from([r"^tito$", r"\bnight\b", r"^\[x\b"]), max_size=2))
def test_chrome_spans_are_whole_lines_sorted_and_apart(text: str, extra: list[str]) -> None:
    with watchdog(10):
        spans = detect_boilerplate(text, extra_patterns=tuple(extra))
    lines = {(line.start, line.end) for line in split_lines(text)}
    for span in spans:
        check_range(span.start, span.end, len(text), span)
        assert (span.start, span.end) in lines, span
        assert span.kind == "boilerplate"
        assert span.attrs["reason"] in {"lexicon", "menu", "footer"}, span
    check_sorted_disjoint([(s.start, s.end) for s in spans], "boilerplate")


_PROSE = "The Partisans crossed the river at night. " * 2


@pytest.mark.parametrize(
    "ending",
    [
        "\n",
        "\r\n",
        "\r",
    ],
    ids=["LF", "CRLF", "CR"],
)
def test_a_chrome_line_is_marked_alone_and_the_prose_after_it_is_kept(ending: str) -> None:
    # The property above holds for no spans at all; this keeps the detector honest.
    text = "Sign In" + ending + _PROSE
    spans = detect_boilerplate(text)
    assert [text[s.start : s.end] for s in spans] == ["Sign In"]
    assert spans[0].attrs["reason"] == "lexicon"


@pytest.mark.parametrize(
    "text",
    [
        "[a" + "\tk=v" * 25_000,  # one "word": the shortcode pattern on a 100 kB line
        "[a" + " k=" * 20 + "v" * 100_000,
        "[a k=\"" + "x" * 100_000,
        "click " * 24 + "x" * 100_000,
        "copyright ©" + " " * 100_000 + "1999",
        "Home\n" * 20_000,
        ("Sign In\n" * 5 + "\n") * 5_000,
        "tags" + " " * 100_000 + ":",
    ],
    ids=["tabbed-shortcode", "long-value", "open-quote", "long-phrase-line", "spaced-copyright",
         "menu-lines", "menu-blocks", "spaced-tags"],
)  # fmt: skip
def test_pathological_lines_take_bounded_time(text: str) -> None:
    started = time.process_time()
    with watchdog(20):
        detect_boilerplate(text)
    assert time.process_time() - started < 10
