"""Search: query syntax, diacritics, boilerplate kept out, offsets into the original."""

from __future__ import annotations

from typing import Any

import pytest

from historiograph.build import ingest_paths
from historiograph.errors import QueryError
from historiograph.settings import Settings
from historiograph.store.database import Store
from historiograph.store.opening import search_store as search
from historiograph.store.query import to_fts5
from support import SAMPLE_FILES


@pytest.fixture
def sample_store(any_store: Any) -> Any:
    """The sample in each store in turn (PostgreSQL: without NLP, which it cannot hold yet
    and which search does not read)."""
    settings = Settings() if isinstance(any_store, Store) else Settings(nlp=False)
    ingest_paths([str(p) for p in SAMPLE_FILES], any_store, settings=settings)
    return any_store


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("tito", '"tito"'),
        ("tito stalin", '("tito" AND "stalin")'),
        ('"red army" OR partis*', '("red army" OR "partis"*)'),
        ("tito NOT stalin", '("tito" NOT "stalin")'),
        ("(tito OR stalin) AND belgrade", '(("tito" OR "stalin") AND "belgrade")'),
        ("title:tito", '"title:tito"'),  # no column filters by accident
        ("and or not", '("and" AND "or" AND "not")'),  # lower case: plain words
    ],
)
def test_query_translation(query: str, expected: str) -> None:
    assert to_fts5(query) == expected


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("", "no words"),
        ("   ", "no words"),
        ('"red army', "not closed"),
        ("(tito OR stalin", "not closed"),
        ("tito)", "unmatched )"),
        ("NOT tito", "NOT needs a word before it"),
        ("tito AND", "ends too early"),
        ("OR tito", "needs a word on each side"),
        ("*", "misplaced *"),
        ("ti*to", "misplaced *"),
        ('""', "empty phrase"),
    ],
)
def test_malformed_queries_raise_with_a_hint(query: str, reason: str) -> None:
    with pytest.raises(QueryError) as caught:
        to_fts5(query)
    assert reason in caught.value.reason
    assert caught.value.hint
    assert "\n" not in str(caught.value)


def test_diacritics_are_ignored_both_ways(sample_store: Any) -> None:
    plain = search(sample_store, "Verlaci")
    accented = search(sample_store, "Vërlaci")
    assert plain and [h.match_start for h in plain] == [h.match_start for h in accented]
    text = sample_store.original_text(plain[0].source_id)
    assert text[plain[0].match_start : plain[0].match_end] == "Vërlaci"
    assert search(sample_store, "Vukmanovic")  # the text says Vukmanović


def test_hits_point_into_the_original_text(sample_store: Any) -> None:
    hits = search(sample_store, '"Red Army" OR Belgrade OR Hoxha', limit=50)
    assert len(hits) >= 5
    for hit in hits:
        text = sample_store.original_text(hit.source_id)
        assert 0 <= hit.start <= hit.match_start <= hit.match_end <= hit.end <= len(text)
        assert text[hit.match_start : hit.match_end].lower() in {"red army", "belgrade", "hoxha"}
        for start, end in hit.snippet_matches:
            assert hit.snippet[start:end]


def test_phrase_prefix_and_not(sample_store: Any) -> None:
    assert search(sample_store, '"Balkan headquarters"')
    assert not search(sample_store, '"headquarters Balkan"')
    prefix = search(sample_store, "Mihailovi*", limit=50)
    assert {hit.source_id for hit in prefix}
    with_stalin = search(sample_store, "Tito", limit=100)
    without = search(sample_store, "Tito NOT Stalin", limit=100)
    assert 0 < len(without) < len(with_stalin)


def test_boilerplate_is_not_searchable(sample_store: Any) -> None:
    assert search(sample_store, "cookies") == []
    assert search(sample_store, "fbl_login_button") == []
    assert search(sample_store, '"Reset Your Password"') == []


def test_ocr_repairs_are_searchable_and_map_to_the_noisy_original(sample_store: Any) -> None:
    hits = search(sample_store, "Conference", limit=50)
    texts = {sample_store.original_text(h.source_id)[h.match_start : h.match_end] for h in hits}
    assert "Conferenee" in texts


def test_limit(sample_store: Any) -> None:
    assert len(search(sample_store, "Tito", limit=3)) == 3
    with pytest.raises(QueryError):
        search(sample_store, "Tito", limit=0)


def test_a_query_matching_more_than_the_rank_cap_ranks_the_first_matches(
    sample_store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import historiograph.store.search as searching

    everything = search(sample_store, "the", limit=1000)
    assert len(everything) > 20
    monkeypatch.setattr(searching, "RANK_CAP", 10)
    capped = search(sample_store, "the", limit=1000)
    # Only the first ten matches in document order are ranked, so only they come back.
    first_ten = sorted(h.passage_id for h in everything)[:10]
    assert sorted(h.passage_id for h in capped) == first_ten
