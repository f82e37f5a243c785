"""Source profiles: genre cues, the loaded-terms lexicon, dating, citations, embedded documents.

The unit tests run on small made-up documents (none from the sample corpus); the
gold test checks the four sample files against tests/gold/profiles.json, which
was written from a reading of the texts before the rules were tuned.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language

from historiograph.claims import extract_claim_set
from historiograph.claims.loaded import LoadedLexicon, default_loaded_lexicon
from historiograph.claims.profiles import SourceProfile, profile_parts, profile_source
from historiograph.ingest.pipeline import parse_file, parse_text
from historiograph.model import ParsedSource
from historiograph.nlp.extract import extract
from historiograph.nlp.pipeline import default_pipeline
from support import SAMPLE_DIR

GOLD = Path(__file__).parents[1] / "gold" / "profiles.json"

Profiler = Callable[..., SourceProfile]


@pytest.fixture(scope="session")
def nlp() -> Language:
    return default_pipeline()


@pytest.fixture(scope="session")
def profile(nlp: Language) -> Profiler:
    def run(text: str | ParsedSource, lexicon: LoadedLexicon | None = None) -> SourceProfile:
        parsed = parse_text(text) if isinstance(text, str) else text
        extraction = extract(parsed, nlp)
        claims = extract_claim_set(parsed, extraction, nlp)
        return profile_source(parsed, extraction, claims, lexicon=lexicon)

    return run


# -- the lexicon -------------------------------------------------------------------------


def terms(text: str, lexicon: LoadedLexicon | None = None) -> list[tuple[str, str]]:
    lexicon = lexicon or default_loaded_lexicon()
    return [(hit.term, text[hit.start : hit.end]) for hit in lexicon.find(text)]


def test_lexicon_matches_inflections_case_insensitively() -> None:
    found = terms("The Traitors fled; a traitor's pay. TRAITOR! Atrocities and an atrocity.")
    assert found == [
        ("traitor", "Traitors"),
        ("traitor", "traitor's"),
        ("traitor", "TRAITOR"),
        ("atrocity", "Atrocities"),
        ("atrocity", "atrocity"),
    ]


def test_lexicon_never_matches_inside_other_words() -> None:
    assert terms("the heroine saw the hordeolum and the savagery of moles") == [
        ("savagery", "savagery")
    ]
    assert terms("gloriousness") == []


def test_lexicon_phrases_win_over_their_words_and_cross_line_breaks() -> None:
    assert terms("the heroic\nstruggle of the fascist  hordes") == [
        ("heroic struggle", "heroic\nstruggle"),
        ("fascist hordes", "fascist  hordes"),
    ]


def test_lexicon_categories_and_user_extension(tmp_path: Path) -> None:
    extra = tmp_path / "mine.txt"
    extra.write_text("# my terms\nwreckers\tepithet\nvaliant\tmy-praise\nzealot*\n", "utf-8")
    lexicon = LoadedLexicon.load(extra=[extra])
    assert terms("wreckers and zealotry", lexicon) == [
        ("wreckers", "wreckers"),
        ("zealot*", "zealotry"),
    ]
    by_term = {t.term: t.category for t in lexicon.terms}
    assert by_term["valiant"] == "my-praise"  # a user entry overrides the shipped one
    assert by_term["zealot*"] == "evaluative"  # no category given
    assert default_loaded_lexicon().terms != lexicon.terms


# -- genre cues --------------------------------------------------------------------------

LETTER = """March 3, 1917

Dear Father,

We reached the river at last and the battalion rested for two days. The food is poor but the men
are cheerful, and the colonel says we shall move north before the end of the month.

Yours affectionately,

John Miller
"""

DIARY = """Diary of Anna Weiss

4 May 1941

Rain all day. The soldiers took the last of the horses from the village.

5 May 1941

Father went to the town hall to ask about the horses, and came back with nothing.

9 May 1941

The bridge was blown up in the night. Nobody knows who did it.
"""

MEMOIR = """Chapter Four

I remember the winter of 1942 better than any other. My brother and I walked to the station every
morning, and I carried the bread my mother had baked. I did not understand then what the trains
meant. When I asked my father, he told me to keep my eyes on the road. I kept my eyes on the road,
and I have kept them there ever since, though I know now what I saw. I was eleven years old, and I
thought the war would end by spring. My friends thought so too, and we made plans for the summer.
"""

ARTICLE = """The Railway Strike of 1920

The strike began in the workshops of the northern line in February 1920 and spread within a week
to the ports. Contemporary newspapers reported that more than ten thousand men stopped work. The
government answered with troops, and the strike collapsed in April 1920 after its leaders were
arrested.

Jane Holloway

Bibliography
  • Peter Grant, Labour and the State, 1900-1930 (London: Macmillan, 1975)
  • Mary Lowe, The Northern Line Strike (Oxford: Clarendon Press, 1988)
"""

REFERENCES = """Further reading

  • Peter Grant, Labour and the State, 1900-1930 (London: Macmillan, 1975)
  • Mary Lowe, The Northern Line Strike (Oxford: Clarendon Press, 1988)
  • Henry Black, Railways and Revolution (Cambridge University Press, 1991)
  • Susan White, Strikes in Europe, 1918-1923 (Manchester University Press, 1999)
"""

BLOG = """The Forgotten Mutiny

The mutiny at the naval base in 1918 is barely remembered today. The sailors raised a red flag and
held the harbour for three days before the marines arrived and the ringleaders were shot.

Leave a comment

Sign In

Share this: Facebook Twitter
"""

OPINION = """Why the Treaty Failed
- 12/03/2019

By Robert Stone

The treaty of 1919 was doomed from the start. The victors imposed terms no government could
accept, and the defeated nation was humiliated in front of the world. Twenty years later the
price was paid in full, and the statesmen who signed it were long gone.
"""

OFFICIAL = """The Struggle of the Party in 1936

In 1936 the Party led the working class and the toiling masses against the reactionary bourgeoisie
and the landlords. The Central Committee called on all comrades to strengthen the party cells in
the factories. The national liberation struggle of the people grew under the guidance of the Party,
while the reactionary clergy and the bourgeois landlords served the imperialist occupiers. The
revolutionary workers and the anti-fascist youth rose against the exploiters and their quislings.*
The Party exposed the sectarian and opportunist elements and united the revolutionary forces.

* Resolution of the Central Committee, May 1936. Principal Documents of the Party, vol. 1, p. 12.
"""


def test_letter_genre_from_salutation_and_signature(profile: Profiler) -> None:
    result = profile(LETTER)
    assert result.genre == "letter"
    assert any("salutation" in e for e in result.genre_evidence)
    assert result.written == "1917-03-03"


def test_diary_genre_from_dated_entries(profile: Profiler) -> None:
    result = profile(DIARY)
    assert result.genre == "diary"
    assert any("diary entries" in e for e in result.genre_evidence)


def test_memoir_genre_from_first_person_narrator(profile: Profiler) -> None:
    result = profile(MEMOIR)
    assert result.genre == "memoir excerpt"
    assert any("first-person singular" in e for e in result.genre_evidence)


def test_secondary_article_from_reference_list(profile: Profiler) -> None:
    result = profile(ARTICLE)
    assert result.genre == "secondary article"
    assert any("reference list" in e for e in result.genre_evidence)
    assert result.cites == "secondary"
    assert result.cites_secondary == 2


def test_reference_list_genre_from_bibliography_share(profile: Profiler) -> None:
    result = profile(REFERENCES)
    assert result.genre == "reference list"


def test_blog_genre_from_interactive_chrome(profile: Profiler) -> None:
    result = profile(BLOG)
    assert result.genre == "blog/opinion"
    assert any("chrome" in e for e in result.genre_evidence)


def test_opinion_genre_from_dateline_and_byline_without_apparatus(profile: Profiler) -> None:
    result = profile(OPINION)
    assert result.genre == "blog/opinion"
    evidence = " ".join(result.genre_evidence)
    assert "dateline" in evidence and "byline" in evidence
    assert result.written is not None and result.written.startswith("2019-03-12")
    assert result.author == "Robert Stone"


def test_official_history_from_party_register_and_document_notes(profile: Profiler) -> None:
    result = profile(OFFICIAL)
    assert result.genre == "official history"
    evidence = " ".join(result.genre_evidence)
    assert "party/state register" in evidence and "party or state documents" in evidence
    assert result.cites == "primary"


def test_party_register_with_a_personal_byline_is_not_official_history(profile: Profiler) -> None:
    signed = OFFICIAL.replace(
        "The Struggle of the Party in 1936\n", "The Party in 1936\n\nBy Ann Reed\n"
    )
    assert profile(signed).genre != "official history"


# -- dating ----------------------------------------------------------------------------


def test_distance_between_writing_and_described_events(profile: Profiler) -> None:
    text = """The Siege
- 05/07/2001

By Mark Dale

The city was encircled in March 1941. The garrison held out through 1942, and the last
defenders surrendered in January 1943. A memorial was unveiled in 1995.
"""
    result = profile(text)
    assert result.written == "2001-07-05?" or result.written == "2001-07-05"
    assert result.described is not None
    assert result.described_earliest is not None and result.described_earliest <= "1941-03-31"
    assert result.described_latest is not None and result.described_latest >= "1943-01-01"
    # Dates: 1941-03, 1942, 1943-01, 1995 -> median (low) year 1942; 2001 - 1942.
    assert result.distance_years == 2001 - 1942
    assert result.described_dates == 4


def test_no_distance_without_a_date_of_writing(profile: Profiler) -> None:
    result = profile("The Raid\n\nThe raid took place in June 1944 and lasted two nights.\n")
    assert result.written is None
    assert result.distance_years is None
    assert result.described is not None and result.described.startswith("1944-06")


def test_middle_eighty_percent_drops_outlying_dates(profile: Profiler) -> None:
    years = [1800, *range(1940, 1948), 2010]
    text = "The Decade\n\n" + " ".join(f"Something happened in {y}." for y in years) + "\n"
    result = profile(text)
    assert result.described == "1940/1947"
    assert result.described_dates == 10


# -- embedded documents ------------------------------------------------------------------

HOST = """The Campaign of 1917

The regiment moved to the river in February 1917 and waited there for a month. Historians have
long argued about the delay. One soldier described it in a letter home.

March 3, 1917

Dear Father,

We reached the river at last and the battalion rested for two days. The food is poor but the men
are cheerful, and the colonel says we shall move north before the end of the month.

Yours affectionately,

John Miller

First published in Letters from the Front, London 1930

The regiment crossed the river in April 1917.
"""


def test_embedded_letter_gets_its_own_profile(profile: Profiler, nlp: Language) -> None:
    parsed = parse_text(HOST)
    letter_spans = [s for s in parsed.spans if s.kind == "letter"]
    assert letter_spans, "the ingest should find the letter"
    result = profile(parsed)
    assert result.kind == "source"
    assert [child.kind for child in result.embedded] == ["letter"]
    letter = result.embedded[0]
    assert (letter.start, letter.end) == (letter_spans[0].start, letter_spans[0].end)
    assert letter.genre == "letter"
    assert letter.written == "1917-03-03"
    assert letter.author is not None and "Miller" in letter.author
    # The host counts the letter (and its publication line) among its primary citations.
    kinds = {c.kind for c in result.citations if c.cls == "primary"}
    assert {"letter", "publication"} <= kinds
    # Claims of the letter are someone else's voice for the host, its own voice for the letter.
    # ("the colonel says ..." stays attributed to the colonel in both.)
    assert letter.claims > 0 and letter.attributed_share is not None
    assert letter.attributed_share < 1.0
    assert result.attributed_share is not None
    # Every claim of the letter is someone else's word from the host's side.
    assert round(result.attributed_share * result.claims) >= letter.claims
    extraction = extract(parsed, nlp)
    flat = profile_parts(parsed, extraction, extract_claim_set(parsed, extraction, nlp))
    assert [p.kind for p in flat] == ["source", "letter"]


def test_diary_entries_nest_under_their_diary(profile: Profiler) -> None:
    result = profile(DIARY)
    diaries = [child for child in result.embedded if child.kind == "diary"]
    assert len(diaries) == 1
    entries = diaries[0].embedded
    assert [e.kind for e in entries] == ["diary_entry"] * 3
    assert [e.written for e in entries] == ["1941-05-04", "1941-05-05", "1941-05-09"]
    assert diaries[0].written == "1941-05-04/1941-05-09"
    assert all(e.distance_years == 0 for e in entries)


def test_loaded_terms_are_counted_with_offsets_and_rate(profile: Profiler) -> None:
    text = (
        "The Battle\n\nThe heroic defenders held the line against the savage invaders. "
        "The traitors who opened the gate were never forgiven; one traitor fled abroad.\n"
    )
    result = profile(text)
    counts = {t.term: t for t in result.loaded_terms}
    assert counts["traitor"].count == 2
    assert counts["traitor"].category == "epithet"
    start, end = counts["heroic"].examples[0]
    assert text[start:end] == "heroic"
    assert result.loaded_per_1000_words == pytest.approx(1000 * 4 / result.words, abs=0.01)
    assert not hasattr(result, "bias_score")


def test_profile_is_json_serialisable(profile: Profiler) -> None:
    data = profile(HOST).to_dict()
    text = json.dumps(data)
    assert json.loads(text)["embedded"][0]["kind"] == "letter"
    assert isinstance(data["genre_evidence"], list)


# -- gold on the sample ------------------------------------------------------------------


def _gold() -> list[dict[str, Any]]:
    return list(json.loads(GOLD.read_text("utf-8"))["sources"])


@pytest.fixture(scope="session")
def sample_profiles(profile: Profiler) -> dict[str, SourceProfile]:
    return {g["file"]: profile(parse_file(SAMPLE_DIR / g["file"])) for g in _gold()}


def _embedded_tree(profile: SourceProfile) -> list[dict[str, Any]]:
    return [
        {
            "kind": child.kind,
            "genre": child.genre,
            "written": child.written,
            "author": child.author,
            "embedded": _embedded_tree(child),
        }
        for child in profile.embedded
    ]


@pytest.mark.parametrize("gold", _gold(), ids=lambda g: g["file"][:3])
def test_sample_profiles_match_gold(
    gold: dict[str, Any], sample_profiles: dict[str, SourceProfile]
) -> None:
    result = sample_profiles[gold["file"]]
    assert result.genre == gold["genre"], result.genre_evidence
    assert result.cites == gold["cites"], [(c.cls, c.kind, c.text) for c in result.citations]
    assert result.written == gold["written"]
    assert result.author == gold["author"]
    assert _embedded_tree(result) == gold["embedded"]
