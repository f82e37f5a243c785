"""Hostile search queries: a QueryError with a hint, or hits at valid offsets; never FTS5 syntax.

The query language promises that nothing a user types reaches FTS5 unquoted, that a
malformed query is one QueryError line (exit code 2 in the CLI), and that every hit's
offsets point into the original text of its source.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fault_tools import bounded, check_range, watchdog
from hypothesis import given
from hypothesis import strategies as st

from historiograph.build import ingest_paths
from historiograph.errors import QueryError
from historiograph.settings import Settings
from historiograph.store.database import Store
from historiograph.store.query import MAX_DEPTH, MAX_TERMS, to_fts5
from historiograph.store.search import search
from support import SAMPLE_FILES, CliResult

_SYNTAX = [
    "AND", "OR", "NOT", "NEAR", "NEAR(", "(", ")", '"', '""', "*", "^", ":", "-", "+", "{",
    "}", "text:", "passages_fts", "rank", "'", "\\", "\x00", "\x02", "\x03", "\n", " ", "\t",
    "tito", "Tito", "partis*", "Vërlaci", "Verlaci", "communist", "cámmunist", "Korça",
    "ё", "İ", "ß", "\u0301", "_", "%", "1943", "a*b", "**", "*a",
]  # fmt: skip

hostile_query = st.one_of(
    st.text(max_size=60),
    st.lists(st.one_of(st.sampled_from(_SYNTAX), st.text(max_size=3)), max_size=25).map(" ".join),
    st.lists(st.sampled_from(_SYNTAX), max_size=25).map("".join),
)

# A translated expression, with its quoted terms taken out, is only operators and grouping.
_QUOTED = re.compile(r'"(?:[^"]|"")*"')
_OPERATORS = re.compile(r"\(|\)|\*| AND | OR | NOT ")

_NOISY = (
    "Sign In\n\nThe cámmunist irivaders took the si%uation in hand in 1943.\n\n"
    "Vërlaci met the Partisans at Korça; the commu-\nnist committee \x02agreed\x03.\n"
    + "Vërlaci and Korça said it’s so.".encode().decode("cp1252")
    + "\n"
)


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The sample plus a noisy text (OCR and encoding repairs, control characters)."""
    folder = tmp_path_factory.mktemp("query")
    noisy = folder / "noisy.txt"
    noisy.write_text(_NOISY, encoding="utf-8")
    with Store(folder / "kb.db") as store:
        paths = [*map(str, SAMPLE_FILES), str(noisy)]
        report = ingest_paths(paths, store, settings=Settings(nlp=False))
        assert report.ok and len(report.added) == 5, report
        yield store


def _check_error(query: str, error: QueryError) -> None:
    message = str(error)
    assert message.startswith("bad query ") and "\n" not in message, message
    assert error.reason and error.hint, message


@bounded(max_examples=400, deadline_ms=500)
@given(hostile_query)
def test_any_query_is_translated_safely_or_refused(query: str) -> None:
    try:
        with watchdog(10):
            expression = to_fts5(query)
    except QueryError as e:
        _check_error(query, e)
        return
    rest = _OPERATORS.sub("", _QUOTED.sub("", expression))
    assert rest == "", (query, expression)


@bounded(max_examples=200, deadline_ms=1000)
@given(hostile_query)
def test_any_query_searches_or_is_refused_and_hits_point_into_the_original(
    kb: Store, query: str
) -> None:
    try:
        with watchdog(10):
            hits = search(kb, query, limit=5)
    except QueryError as e:
        _check_error(query, e)
        return
    for hit in hits:
        original = kb.original_text(hit.source_id)
        check_range(hit.start, hit.end, len(original), hit)
        check_range(hit.match_start, hit.match_end, len(original), hit)
        for start, end in hit.snippet_matches:
            check_range(start, end, len(hit.snippet), hit)
            assert hit.snippet[start:end].strip(), hit
        assert "\x02" not in hit.snippet and "\x03" not in hit.snippet, hit


def test_search_through_repairs_points_at_the_noisy_characters(kb: Store) -> None:
    # "communist" finds the OCR-damaged "cámmunist", and the offsets are the damaged ones.
    (hit,) = [h for h in search(kb, "communist AND invaders") if h.path.endswith("noisy.txt")]
    original = kb.original_text(hit.source_id)
    assert original[hit.match_start : hit.match_end] == "cámmunist"


@pytest.mark.parametrize("depth", [1, 5, MAX_DEPTH])
def test_nesting_up_to_the_limit_works(kb: Store, depth: int) -> None:
    query = "(" * depth + "Vërlaci" + ")" * depth
    assert search(kb, query)
    nested = "tito" + " OR (tito" * depth + ")" * depth
    assert search(kb, nested)


@pytest.mark.parametrize(
    "query",
    [
        "(" * (MAX_DEPTH + 1) + "tito" + ")" * (MAX_DEPTH + 1),
        "(" * 5000 + "tito" + ")" * 5000,  # was a RecursionError (a traceback)
        "tito" + " OR (tito" * 400 + ")" * 400,
        "(" * 5000,
    ],
    ids=["one-too-deep", "5000-deep", "400-deep-or-chain", "5000-open"],
)
def test_deep_nesting_is_a_query_error(kb: Store, query: str) -> None:
    with watchdog(10), pytest.raises(QueryError) as caught:
        search(kb, query)
    _check_error(query, caught.value)


def test_deep_nesting_is_exit_code_2_in_the_cli(kb: Store, cli: Callable[..., CliResult]) -> None:
    result = cli("search", "(" * 2000 + "tito" + ")" * 2000, "--db", kb.path)
    assert result.code == 2, result
    (line,) = result.err.splitlines()
    assert line.startswith("error: bad query") and "nested" in line, line


def test_the_most_words_a_query_may_have_are_searched() -> None:
    assert to_fts5("tito OR " * (MAX_TERMS - 1) + "stalin").count(" OR ") == MAX_TERMS - 1


@pytest.mark.parametrize(
    "query",
    [
        "tito OR " * 20_000 + "stalin",  # was ten minutes inside FTS5 (no signal stops it)
        "tito " * 20_000,
        "tito NOT stalin " * 2_000,
        "tito OR " * MAX_TERMS + "stalin",
        '"' + "tito " * 20_000 + '"',  # one phrase: cheap, allowed
    ],
    ids=["long-or", "long-and", "long-not-chain", "one-too-many", "long-phrase"],
)
def test_long_queries_are_answered_or_refused_in_bounded_time(kb: Store, query: str) -> None:
    started = time.process_time()
    with watchdog(20):
        try:
            search(kb, query, limit=3)
        except QueryError as e:
            _check_error(query, e)
            assert "more than" in e.reason or "long" in e.reason, e
    assert time.process_time() - started < 5


def test_the_store_is_sound_after_the_queries(kb: Path | Store) -> None:
    assert isinstance(kb, Store) and kb.check_integrity() == []
