"""Hostile text and hostile EDTF through the date code: valid offsets, valid EDTF, no hang.

``find_temporal_expressions`` (nlp/temporal.py, over temporal_scan and temporal_values),
the dateline reader of the metadata (``parse_dateline``) and ``edtf_bounds`` (what
``timeline --from/--to`` and source profiles run user values through) must answer any
input with a value whose offsets and EDTF hold, or with their documented ValueError.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from edtf import is_valid_edtf
from fault_tools import bounded, check_range, watchdog
from hypothesis import example, given
from hypothesis import strategies as st

from historiograph.ingest.metadata import parse_dateline
from historiograph.nlp.edtf_bounds import edtf_bounds
from historiograph.nlp.temporal import find_temporal_expressions
from historiograph.nlp.temporal_scan import scan
from historiograph.nlp.temporal_values import month_length
from support import SAMPLE_FILES, CliResult

_PIECES = [
    "April 7, 1939", "7 April 1939", "the end of ", "early ", "mid-", "c. ", "the ", "and ",
    " to ", "-", "–", "/", "in ", "from ", "between ", "March ", "May ", "Sept. ", "29",
    "31", "0", "00", "9999", "10000", "1000", "2100", "2101", "1st ", "19th century",
    "1930s", "B.C.", "A.D. ", "(", ")", ", ", ".", "\n", "\n\n", "winter ", "summer and ",
    "of ", "2,000", "9:30", "p. ", "the years ", "1940-41", "19/06/2021", "31/02/2021",
    "02/30/2021", "29/02/1943", "29/02/1944", "0/0/0000", "\u0660\u0661", "١٩٤٣", "１９４３",
    "²", "\u00a0", "\u2009", "Ⅻ", "XIX century", "the 00s", "the 1900s", "night of ",
]  # fmt: skip

hostile_text = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=4)), max_size=50).map("".join),
)

# What a sidecar's "published" may say: anything, EDTF or not.
hostile_edtf = st.one_of(
    st.none(),
    st.text(max_size=20),
    st.lists(
        st.sampled_from(["1943", "-", "/", "..", "?", "~", "%", "X", "21", "24", "00", "T", "Y",
                         "12", "31", "e", "[", "]", "{", "}", ",", "-0043", "99999"]),
        max_size=8,
    ).map("".join),
)  # fmt: skip


def _real_day(value: str) -> bool:
    """Whether a plain YYYY-MM-DD value names a day the calendar has."""
    year, month, day = (int(part) for part in value.rstrip("?").split("-"))
    return 1 <= month <= 12 and 1 <= day <= month_length(year, month)


@bounded(max_examples=300, deadline_ms=1000)
@given(hostile_text, hostile_edtf)
def test_any_text_gives_valid_spans_and_edtf_whatever_it_claims_was_published(
    text: str, published: str | None
) -> None:
    with watchdog(10):
        found = find_temporal_expressions(text, published=published)
    for expression in found:
        check_range(expression.start, expression.end, len(text), expression)
        assert expression.start < expression.end
        assert expression.text == text[expression.start : expression.end]
        assert is_valid_edtf(expression.edtf), expression
        low, high = expression.earliest, expression.latest
        assert low <= high or low.startswith("-"), expression
    for before, after in itertools.pairwise(found):
        assert before.end <= after.start, (before, after)


@bounded(max_examples=200, deadline_ms=1000)
@given(hostile_text)
def test_scan_candidates_lie_in_the_text_sorted_and_apart(text: str) -> None:
    with watchdog(10):
        candidates = scan(text)
    for candidate in candidates:
        check_range(candidate.start, candidate.end, len(text), candidate)
    for before, after in itertools.pairwise(candidates):
        assert before.end <= after.start, (before, after)


@bounded(max_examples=200, deadline_ms=1000)
@given(st.text(max_size=20))
def test_an_anchor_is_used_or_refused_with_a_value_error(anchor: str) -> None:
    try:
        find_temporal_expressions("On March 29 they left.", anchor=anchor)
    except ValueError as e:
        assert anchor in str(e) or repr(anchor) in str(e), str(e)


@bounded(max_examples=200, deadline_ms=1000)
@example(31, 2, 2021, "{d}/{m}/{y:04d}", "")
@example(29, 2, 1943, "February {d}, {y:04d}", "")
@given(
    st.integers(0, 39),
    st.integers(0, 19),
    st.integers(0, 9999),
    st.sampled_from(["{d}/{m}/{y:04d}", "{d}.{m}.{y:04d}", "{y:04d}-{m:02d}-{d:02d}",
                     "{d} April {y:04d}", "February {d}, {y:04d}", "{d}th June {y:04d}"]),
    st.sampled_from(["", " ", "- ", "• ", "\t"]),
)  # fmt: skip
def test_a_dateline_is_a_real_day_in_edtf_or_nothing(
    day: int, month: int, year: int, form: str, lead: str
) -> None:
    line = lead + form.format(d=day, m=month, y=year)
    value = parse_dateline(line)
    if value is not None:
        assert is_valid_edtf(value) and _real_day(value), (line, value)


@bounded(max_examples=150, deadline_ms=1000)
@example("1984?/..")
@given(hostile_edtf.filter(lambda value: value is not None))
def test_edtf_bounds_gives_days_or_a_value_error(value: str | None) -> None:
    assert value is not None
    try:
        low, high = edtf_bounds(value)
    except ValueError:
        return
    assert isinstance(low, str) and isinstance(high, str)


@pytest.mark.parametrize("value", ["1984?/..", "../..", "1943/..", "2021-02-31", "Y-9999e9"])
def test_timeline_bounds_that_edtf_cannot_bound_are_one_line(
    tmp_path: Path, cli: Callable[..., CliResult], value: str
) -> None:
    # "1984?/.." was a TypeError out of the edtf package: a traceback from the CLI.
    db = str(tmp_path / "kb.db")
    assert cli("ingest", str(SAMPLE_FILES[0]), "--db", db, "--no-nlp", "-q").code == 0
    result = cli("timeline", "--from", value, "--db", db)
    if result.code != 0:
        (line,) = result.err.splitlines()
        assert line.startswith("error: --from/--to: ") and repr(value) in line, line


def _same_year_list(count: int) -> str:
    return "1914, " * count + "and 1915"


def test_a_long_list_of_repeated_years_is_scanned_in_bounded_time() -> None:
    text = _same_year_list(4000)
    started = time.process_time()
    with watchdog(3):
        find_temporal_expressions(text)
    assert time.process_time() - started < 3


@pytest.mark.parametrize(
    "text",
    [
        "1943 " * 20_000,
        "1943-" * 20_000,
        "March " * 20_000,
        "the end of " * 10_000,
        "in 1914, " * 4_000 + "and 1915",  # a list running forwards: one pass
        "19th century " * 8_000,
        "In 1943 it was. On March 29, x. " * 3_000,
        "1/" * 50_000,
        "(" * 50_000 + "1943",
    ],
    ids=["years", "dashes", "months", "parts", "cued-list", "centuries", "anchored", "slashes",
         "parens"],
)  # fmt: skip
def test_pathological_text_is_scanned_in_bounded_time(text: str) -> None:
    started = time.process_time()
    with watchdog(20):
        find_temporal_expressions(text)
    assert time.process_time() - started < 10
