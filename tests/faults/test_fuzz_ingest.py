"""Hostile bytes and text through the ingesters: a clear SourceError or valid offsets.

Arbitrary bytes and arbitrary Unicode, raw or laced with what real captures hold (BOMs,
stray control characters, mojibake, OCR noise, letters, footnotes, site chrome), go through
``parse_bytes`` as ``.txt``, ``.md`` and ``.html``, and as files on disk through
``ingest_paths`` into a store. Whatever goes in, either the input is refused with a
one-line SourceError that names it, or every span, edit and passage lies inside the
original text (see fault_tools.check_parsed), and the store stays sound.
"""

from __future__ import annotations

import re
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import ftfy
import pytest
from fault_tools import (
    bounded,
    check_parsed,
    check_range,
    check_sorted_disjoint,
    one_line_naming,
    watchdog,
)
from hypothesis import given
from hypothesis import strategies as st

from historiograph.build import ingest_paths
from historiograph.errors import SourceError
from historiograph.ingest.encoding import _FTFY_CONFIG, _MOJIBAKE_HINT, find_encoding_repairs
from historiograph.ingest.metadata import detect_language
from historiograph.ingest.offsets import CleanView
from historiograph.ingest.pipeline import parse_bytes, parse_text
from historiograph.model import ParsedSource
from historiograph.settings import Settings
from historiograph.store.database import Store
from historiograph.store.search import search

# Fragments of real captures and of the ways they go wrong.
PIECES = [
    "\ufeff", "\r\n", "\r", "\n", "\n\n", "\u2028", "\u2029", "\x85", "\x0c", "\t", " ",
    "\x00", "\x02", "\x03", "\x1b", "\x7f", "\u0301", "\u200b", "\u202e", "\U0001d54f",
    "Ã«", "Ã§", "â€™", "Ã", "cámmunist", "irivaders", "si%uation", "commu-\nnist", "-",
    "Dear Sir,", "Yours faithfully,", "P.S.", "* ", "** ", "(1) ", "[2] ", "¹", "Sources",
    "Bibliography", "# ", "By Carl Savich", "19/06/2021", "31/02/2021", "April 7, 1939",
    "Sign In", "Translate »", '[fbl_login_button redirect="x"]', "click here", "Home",
    "© 2015", "Tito", "Vërlaci", "Korça", "the Partisans met at Peza.", "In 1943,", "..",
    "—", "“", "”", "\"", "'", "«", "»", "(", ")", "a", "Z", "1942", "0",
]  # fmt: skip

hostile_text = st.one_of(
    st.text(max_size=400),
    st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=6)), max_size=60).map("".join),
)

hostile_bytes = st.one_of(
    st.binary(max_size=600),
    hostile_text.map(lambda text: text.encode("utf-8")),
    # Valid text in an encoding that is not UTF-8: refused, never guessed.
    hostile_text.map(lambda text: text.encode("utf-16")),
    hostile_text.map(lambda text: text.encode("cp1252", errors="replace")),
    # Mostly text with a few raw bytes spliced in.
    st.tuples(hostile_text, st.binary(max_size=8), hostile_text).map(
        lambda parts: parts[0].encode("utf-8") + parts[1] + parts[2].encode("utf-8")
    ),
)

_TAGS = [
    "<p>", "</p>", "<div>", "</div>", "<br>", "<script>", "</script>", "<style>", "</style>",
    "<!--", "-->", "<![CDATA[", "]]>", "<nav>", "</nav>", "<article>", "</article>",
    "<h1>", "</h1>", "<table><tr><td>", "</td></tr></table>", "&amp;", "&#0;", "&#x110000;",
    "&nbsp;", "<a href='javascript:x'>", "</a>", "<meta charset='latin-1'>", "<title>",
    "</title>", "<", ">", "</", "<p",
]  # fmt: skip

hostile_html = (
    st.lists(
        st.one_of(st.sampled_from(_TAGS), st.sampled_from(PIECES), st.text(max_size=20)),
        max_size=50,
    )
    .map(lambda parts: "<html><body>" + "".join(parts))
    .map(lambda html: html.encode("utf-8"))
)


@pytest.fixture(scope="module", autouse=True)
def _warm() -> None:
    """Load what the first parse loads (lexicons, the language model, trafilatura) before
    any example is timed: loading once is not what the deadline is about."""
    parse_text("Warm up.\n\nTito met Stalin in 1944.")
    detect_language("Ово је реченица на српском језику, довољно дуга за препознавање.")
    parse_bytes("warm.html", b"<html><body><article><p>Warm up text.</p></article></body></html>")


def _parse_or_refuse(path: str, data: bytes) -> ParsedSource | None:
    """The parse, or None after checking its refusal is a clear one-line SourceError."""
    try:
        with watchdog(20):
            parsed = parse_bytes(path, data, settings=Settings(nlp=False))
    except SourceError as e:
        one_line_naming(str(e), path)
        assert str(e).startswith(f"{path}: ") and e.reason, str(e)
        return None
    check_parsed(parsed, data)
    return parsed


@bounded(max_examples=150, deadline_ms=3000)
@given(hostile_bytes, st.sampled_from([".txt", ".md"]))
def test_any_bytes_as_text_are_parsed_or_refused_clearly(data: bytes, suffix: str) -> None:
    path = f"/fuzz/input{suffix}"
    parsed = _parse_or_refuse(path, data)
    if parsed is not None:
        # Accepted text is what the bytes say, verbatim (a BOM aside): never a guess.
        assert parsed.original == data.decode("utf-8-sig")
        assert parsed.kind == ("text" if suffix == ".txt" else "markdown")


@bounded(max_examples=120, deadline_ms=3000)
@given(hostile_text)
def test_any_unicode_text_has_valid_offsets(text: str) -> None:
    try:
        with watchdog(20):
            parsed = parse_text(text, settings=Settings(nlp=False))
    except SourceError as e:
        # parse_text refuses only text without any (see _analyse).
        assert not text.strip(), str(e)
        return
    assert parsed.original == text
    check_parsed(parsed)


@bounded(max_examples=40, deadline_ms=5000)
@given(st.one_of(hostile_html, hostile_bytes))
def test_any_bytes_as_html_are_parsed_or_refused_clearly(data: bytes) -> None:
    path = "/fuzz/page.html"
    parsed = _parse_or_refuse(path, data)
    if parsed is not None:
        assert parsed.kind == "html"


_WORD = re.compile(r"[A-Za-z]{3,}")


@bounded(max_examples=12, deadline_ms=10000)
@given(st.lists(st.tuples(st.sampled_from([".txt", ".md", ".html"]), hostile_bytes), max_size=4))
def test_hostile_files_are_ingested_or_named_and_the_store_stays_sound(
    files: list[tuple[str, bytes]],
) -> None:
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "kb.db") as store:
        paths = []
        for number, (suffix, data) in enumerate(files):
            file = Path(folder) / f"input{number}{suffix}"
            file.write_bytes(data)
            paths.append(str(file))
        with watchdog(60):
            report = ingest_paths(paths, store, settings=Settings(nlp=False))
        assert report.stopped is None, report.stopped
        # Each file is accounted for once: stored, recognised as stored, or named as failed.
        stored = [*report.added, *report.unchanged]
        for name in paths:
            failures = [line for line in report.failed if line.startswith(f"{name}: ")]
            assert (name in stored) + len(failures) == 1, (name, report)
            for line in failures:
                one_line_naming(line, name)
        assert store.check_integrity() == []
        for row in store.sources():
            original = store.original_text(row.id)
            assert row.char_count == len(original)
            for span in store.spans(row.id):
                check_range(span.start, span.end, len(original), span)
            # Anything the store holds is searchable without a crash, at valid offsets.
            for word in _WORD.findall(original)[:2]:
                for hit in search(store, word):
                    source = store.original_text(hit.source_id)
                    check_range(hit.start, hit.end, len(source), hit)
                    check_range(hit.match_start, hit.match_end, len(source), hit)
                    for start, end in hit.snippet_matches:
                        check_range(start, end, len(hit.snippet), hit)


def _pathological() -> Iterator[tuple[str, str]]:
    """Inputs shaped to defeat regular expressions and line heuristics, ~100 kB each."""
    yield "one long line", "a" * 100_000
    yield "long line of tabs", "[a" + "\tk=v" * 25_000
    yield "many short lines", "Home\n" * 20_000
    yield "many blank lines", "Tito" + "\n" * 100_000 + "Stalin"
    yield "many footnote markers", "Text*(1)[2] " * 8_000
    yield "many dates", "April 7, 1939 to May 8, 1940; " * 3_500
    yield "mojibake everywhere", "Ã«Ã§â€™ " * 12_000
    yield "hyphen breaks", "commu-\nnist " * 8_000
    yield "letters without end", "Dear Sir,\nYours faithfully,\n" * 4_000
    yield "punctuation soup", ".,;:!?()[]{}\"'«»“”—–-*" * 4_000


@pytest.mark.parametrize(
    ("name", "text"), list(_pathological()), ids=[name for name, _ in _pathological()]
)
def test_pathological_input_is_parsed_in_bounded_time(name: str, text: str) -> None:
    # The sample parses at well over 1 MB/s; 100 kB taking 20 s would mean a quadratic
    # (or worse) path, even on a slow shared machine.
    started = time.process_time()
    with watchdog(20):
        parsed = parse_bytes(
            f"/fuzz/{name}.txt", text.encode("utf-8"), settings=Settings(nlp=False)
        )
    check_parsed(parsed)
    assert time.process_time() - started < 20


_MOJIBAKE = [
    "Vërlaci".encode().decode("cp1252"),
    "Korça".encode().decode("cp1252"),
    "it’s".encode().decode("cp1252"),
    "—".encode().decode("cp1252", errors="replace"),
    "Ã", "Â", "â€", "Ã«", " ", "a", "Tito", "\t", "ë",
]  # fmt: skip


@bounded(max_examples=120, deadline_ms=3000)
@given(st.lists(st.one_of(st.sampled_from(_MOJIBAKE), st.text(max_size=3)), max_size=300))
def test_encoding_repairs_rebuild_ftfy_s_fix_of_a_line(parts: list[str]) -> None:
    line = "".join(parts).replace("\n", " ").replace("\r", " ")
    with watchdog(20):
        edits = find_encoding_repairs(line)
    for edit in edits:
        check_range(edit.start, edit.end, len(line), edit)
    check_sorted_disjoint([(e.start, e.end) for e in edits], "edits")
    # The edits are ftfy's fix, exactly, and nothing else: applying them rebuilds it.
    expected = ftfy.fix_text(line, config=_FTFY_CONFIG) if _MOJIBAKE_HINT.search(line) else line
    assert CleanView(line, edits).text == expected


def test_a_long_line_of_mojibake_is_repaired_in_linear_time() -> None:
    # Was a minute for 5,000 characters (difflib's SequenceMatcher on the whole line).
    line = "Vërlaci and Korça said it’s so. ".encode().decode("cp1252") * 600
    started = time.process_time()
    with watchdog(20):
        edits = find_encoding_repairs(line)
    assert time.process_time() - started < 5
    assert CleanView(line, edits).text == "Vërlaci and Korça said it’s so. " * 600
