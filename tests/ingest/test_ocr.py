"""OCR repair: a quality gate against hand-annotated gold, unit cases and properties."""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from historiograph.ingest import ocr
from historiograph.ingest.ocr import find_ocr_repairs
from historiograph.model import Edit, Span

SAMPLE_DIR = Path(__file__).parents[2] / "examples" / "balkans-1939-1948"
GOLD = json.loads((Path(__file__).parents[1] / "gold" / "ocr_repairs.json").read_text("utf-8"))
# Floors only go up: raise them when the repairer improves. Measured when
# written: precision 1.000 (38/38), recall 0.679 (38/56); each of the 18 misses
# carries a note in the gold (names, lost hyphens or spaces, two or more edits).
PRECISION_FLOOR = 0.95
RECALL_FLOOR = 0.65


def _sample(name: str) -> str:
    return (SAMPLE_DIR / name).read_text(encoding="utf-8")


def _apply(text: str, edits: list[Edit]) -> str:
    out, at = [], 0
    for edit in edits:
        out += [text[at : edit.start], edit.replacement]
        at = edit.end
    return "".join([*out, text[at:]])


def _repairs(text: str) -> list[tuple[str, str]]:
    return [(text[e.start : e.end], e.replacement) for e in find_ocr_repairs(text)]


def _assert_well_formed(text: str, edits: list[Edit]) -> None:
    last_end = 0
    for edit in edits:
        assert edit.kind == "ocr"
        assert last_end <= edit.start < edit.end <= len(text)
        assert edit.replacement and edit.replacement != text[edit.start : edit.end]
        last_end = edit.end


# -- the quality gate ----------------------------------------------------------


def test_ocr_quality_gate_against_gold() -> None:
    expected = Counter((e["file"], e["token"], e["correction"]) for e in GOLD["errors"])
    remaining = expected.copy()
    found = correct = 0
    wrong: list[tuple[str, str, str]] = []
    for path in sorted(SAMPLE_DIR.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        for original, replacement in _repairs(text):
            found += 1
            key = (path.name, original, replacement)
            if remaining[key] > 0:
                remaining[key] -= 1
                correct += 1
            else:
                wrong.append(key)
    precision = correct / found if found else 1.0
    recall = correct / sum(expected.values())
    missed = sorted(key[1] for key, n in remaining.items() if n > 0)
    print(f"ocr: precision {precision:.3f} ({correct}/{found}) recall {recall:.3f}")
    print(f"ocr: false repairs {wrong}; missed {missed}")
    assert precision >= PRECISION_FLOOR, wrong
    assert recall >= RECALL_FLOOR, missed


def test_gold_tokens_to_keep_are_never_touched() -> None:
    by_file: dict[str, list[str]] = {}
    for entry in GOLD["keep"]:
        by_file.setdefault(entry["file"], []).append(entry["token"])
    for name, tokens in by_file.items():
        text = _sample(name)
        edits = find_ocr_repairs(text)
        for token in tokens:
            at = text.find(token)
            assert at >= 0, f"gold token {token!r} is not in {name}"
            while at >= 0:
                end = at + len(token)
                touching = [e for e in edits if e.start < end and at < e.end]
                assert not touching, (token, touching)
                at = text.find(token, at + 1)


def test_gold_errors_occur_in_their_files() -> None:
    for entry in GOLD["errors"]:
        assert entry["token"] in _sample(entry["file"]), entry


# -- what gets repaired ----------------------------------------------------------


@pytest.mark.parametrize(
    ("damaged", "meant"),
    [
        ("cámmunist", "communist"),
        ("irivaders", "invaders"),
        ("mcvement", "movement"),
        ("si%uation", "situation"),
        ("agreernent", "agreement"),
        ("amnng", "among"),
        ("evercoming", "overcoming"),
        ("möst", "most"),
        ("resolúte", "resolute"),
        ("mërger", "merger"),
        ("th.e", "the"),
        ("form.ation", "formation"),
        ("disaddantage", "disadvantage"),
        ("governmehts", "governments"),
        ("pardsan", "partisan"),
        ("acdons", "actions"),
        ("impluse", "impulse"),
        ("r-arty", "party"),
        ("wor|d", "world"),
        ("c0mmittee", "committee"),
        ("resolu\u0301te", "resolute"),
    ],
)
def test_typical_ocr_damage_is_repaired(damaged: str, meant: str) -> None:
    text = f"Most of the people in the party knew that {damaged} was at stake in the war."
    edits = find_ocr_repairs(text)
    assert [(text[e.start : e.end], e.replacement) for e in edits] == [(damaged, meant)]


def test_capitalisation_of_the_token_is_kept() -> None:
    text = "The Conferenee met in March. Later the conference was held again."
    assert _repairs(text) == [("Conferenee", "Conference")]
    text = "Cámmunist groups met. The communist groups then merged."
    assert _repairs(text) == [("Cámmunist", "Communist")]


def test_a_word_split_by_a_stray_space_is_joined() -> None:
    text = "They broke the resis tance of the army."
    assert _repairs(text) == [("resis tance", "resistance")]


def test_only_the_damaged_token_is_covered() -> None:
    text = "the «agreernent», and (th.e) workers' movement; mcvement's aims."
    assert _repairs(text) == [
        ("agreernent", "agreement"),
        ("th.e", "the"),
        ("mcvement", "movement"),
    ]


def test_edits_on_the_noisy_sample_are_sorted_and_apply_cleanly() -> None:
    text = _sample("003_8f5a6fbfed40dcac.txt")
    edits = find_ocr_repairs(text)
    assert len(edits) > 20
    _assert_well_formed(text, edits)
    cleaned = _apply(text, edits)
    assert "agreement" in cleaned and "agreernent" not in cleaned


# -- what is left alone ------------------------------------------------------------


def test_clean_english_text_gets_no_edits() -> None:
    text = (
        "The colour of the centre was favourable to the neighbouring organisation; its "
        "manoeuvres, rumoured to be sceptical, endeavoured to defend the labourers. "
        "Anti-fascist and counter-revolutionary rank-and-file members of the CPA, PLA and "
        "KPJ met in 1943-44 at 10:30 a.m. (see p. 17, i.e. the 2nd vol.). E-mail x-ray T-shirt. "
        "Contact info@example.org or https://example.org/agreernent and www.th.e-site.com. "
        "Names: Vërlaci, Këlcyra, Korça, Kombëtar, Zëri, Hoxha, Vukmanović, Shkodra, Peza, "
        "Kruja, Zog, Ballist; narodnooslobodilačkom ratu. USIA AGREERNENT mcVement."
        "A naïve rôle for the élite at the café: a résumé of the régime.\n"
        "It is a remote prospect5 given the Darlan affair6 and brothers-in-arms4.\n"
        "Call `init` and `round` in the code."
    )
    assert find_ocr_repairs(text) == []
    for name in ("000_1b34a971712b6640.txt", "001_774506ce885f2c32.txt"):
        assert find_ocr_repairs(_sample(name)) == []
    assert find_ocr_repairs(_sample("002_82ff1b24559abff5.txt")) == []


def test_a_recurring_name_is_not_mended_into_a_word() -> None:
    # "Kosova" is one confusion (a/o) from "kosovo"; said twice, it is a name.
    text = "Kosova was free. The people of Kosova rose. Kosovo is another spelling."
    assert find_ocr_repairs(text) == []


def test_capitalised_tokens_need_the_document_s_own_evidence() -> None:
    assert find_ocr_repairs("The Conferenee met in March.") == []


def test_a_recurring_non_word_needs_its_repair_to_recur_far_more() -> None:
    # Said three times, "agreernent" might be a term; "agreement" must be 5x commoner.
    text = "The agreernent was signed. " * 3
    assert find_ocr_repairs(text + "The agreement holds. " * 14) == []
    edits = find_ocr_repairs(text + "The agreement holds. " * 15)
    assert [e.replacement for e in edits] == ["agreement"] * 3


def test_skip_spans_are_respected() -> None:
    text = "Sign in: agreernent\nThe agreernent was signed by the mcvement."
    skip = [Span("boilerplate", 0, text.index("\n"))]
    edits = find_ocr_repairs(text, skip=skip)
    assert [(text[e.start : e.end], e.replacement) for e in edits] == [
        ("agreernent", "agreement"),
        ("mcvement", "movement"),
    ]
    assert all(e.start >= skip[0].end for e in edits)
    assert find_ocr_repairs(text, skip=[Span("boilerplate", 0, len(text))]) == []
    # An edit merely touching a skipped range is dropped too.
    partial = [Span("boilerplate", text.index("mcvement") + 2, text.index("mcvement") + 3)]
    assert ("mcvement", "movement") not in [
        (text[e.start : e.end], e.replacement) for e in find_ocr_repairs(text, skip=partial)
    ]


def test_empty_and_trivial_texts() -> None:
    for text in ("", " ", "\n\n", "a", "1941", "—", "`", "%•·"):
        assert find_ocr_repairs(text) == []


# -- properties ------------------------------------------------------------------

_DAMAGED = ["agreernent", "th.e", "si%uation", "möst", "r-arty", "resis", "tance", "mcvement"]
_WORDS = ["the", "party", "Hoxha", "Kombëtar", "anti-fascist", "CPA", "1943", "colour", *_DAMAGED]
_SEPARATORS = [" ", "  ", "\n", ". ", ", ", "«", "»", "(", ")", "-", "'", "’", "\t", "\u00a0"]


@settings(deadline=None, max_examples=200)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_arbitrary_text_never_raises_and_edits_are_well_formed(text: str) -> None:
    _assert_well_formed(text, find_ocr_repairs(text))


@settings(deadline=None, max_examples=200)
@given(
    st.lists(st.tuples(st.sampled_from(_WORDS), st.sampled_from(_SEPARATORS)), max_size=60),
    st.lists(st.tuples(st.integers(0, 400), st.integers(0, 40)), max_size=3),
)
def test_word_soup_edits_are_well_formed_and_respect_skip(
    pieces: list[tuple[str, str]], ranges: list[tuple[int, int]]
) -> None:
    text = "".join(word + sep for word, sep in pieces)
    skip = [Span("boilerplate", start, start + length) for start, length in ranges]
    edits = find_ocr_repairs(text, skip=skip)
    _assert_well_formed(text, edits)
    for edit in edits:
        assert all(edit.end <= s.start or s.end <= edit.start for s in skip if s.end > s.start)


@settings(deadline=None, max_examples=100)
@given(st.lists(st.tuples(st.sampled_from(_WORDS), st.sampled_from(_SEPARATORS)), max_size=80))
def test_both_ways_of_locating_chunks_agree(pieces: list[tuple[str, str]]) -> None:
    text = "".join(word + sep for word, sep in pieces)
    saved = ocr._LOCATE_BY_FIND
    try:
        results = []
        for limit in (0, 10_000):  # always scan the text; always use str.find
            ocr._LOCATE_BY_FIND = limit
            results.append(find_ocr_repairs(text))
    finally:
        ocr._LOCATE_BY_FIND = saved
    assert results[0] == results[1]


def _fresh_repairer() -> ocr.OcrRepairer:
    return ocr.OcrRepairer(ocr.default_repairer()._vocabulary.freq, ocr.load_rules())


@settings(deadline=None, max_examples=50)
@given(
    st.lists(
        st.lists(st.tuples(st.sampled_from(_WORDS), st.sampled_from(_SEPARATORS)), max_size=40),
        min_size=1,
        max_size=4,
    )
)
def test_what_earlier_texts_taught_never_changes_a_text_s_edits(
    soups: list[list[tuple[str, str]]],
) -> None:
    # The repairer remembers chunks and judgements across texts; a text's edits
    # must be the same whatever came before, and after it forgets everything.
    texts = ["".join(word + sep for word, sep in soup) for soup in soups]
    shared = _fresh_repairer()
    for text in texts:
        assert shared.find(text) == _fresh_repairer().find(text)
    saved = ocr._MEMORY
    try:
        ocr._MEMORY = 0  # forget before every text
        assert [shared.find(text) for text in texts] == [_fresh_repairer().find(t) for t in texts]
    finally:
        ocr._MEMORY = saved


def test_the_samples_get_the_same_edits_in_any_order() -> None:
    names = sorted(path.name for path in SAMPLE_DIR.glob("*.txt"))
    forward = {name: find_ocr_repairs(_sample(name)) for name in names}
    repairer = _fresh_repairer()
    assert {name: repairer.find(_sample(name)) for name in reversed(names)} == forward


def test_speed_on_clean_text_smoke() -> None:
    # Generous floor (measured ~40 MB/s); it only catches a slow path on clean text.
    text = "".join(_sample(n) for n in ("000_1b34a971712b6640.txt", "002_82ff1b24559abff5.txt"))
    text *= 60
    find_ocr_repairs("warm up the vocabulary")
    started = time.process_time()
    find_ocr_repairs(text)
    elapsed = time.process_time() - started
    assert len(text.encode()) / 1e6 / elapsed > 2.0
