"""Unit tests of the claims stage on small made-up texts (none of them from the sample corpus)."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language

from historiograph.claims import Claim, Lexicon, extract_claim_set, extract_claims, find_quotations
from historiograph.claims.chains import name_key
from historiograph.ingest.pipeline import parse_text
from historiograph.nlp.pipeline import default_pipeline


@pytest.fixture(scope="module")
def nlp() -> Language:
    return default_pipeline()


def claims_of(text: str, nlp: Language) -> list[Claim]:
    return extract_claims(parse_text(text), nlp=nlp)


def claim_with(claims: list[Claim], needle: str) -> Claim:
    found = [c for c in claims if needle in c.text]
    assert found, f"no claim holds {needle!r}: {[c.text for c in claims]}"
    return found[0]


def source(claim: Claim) -> str:
    return "author" if claim.attribution.is_author else claim.attribution.text or "?"


# --- reporting frames ---------------------------------------------------------------------------


def test_reporting_verb_with_that_clause(nlp: Language) -> None:
    claims = claims_of(
        "In her 1998 study of the valley, Margaret Hale argued that the harvest failed "
        "because of the drought. "
        "The mill closed in 1850.\n",
        nlp,
    )
    hale = claim_with(claims, "argued")
    assert "Margaret Hale" in source(hale)
    assert hale.modality == "asserted"
    assert [link.is_author for link in hale.chain] == [True, False]
    assert source(claim_with(claims, "The mill closed")) == "author"
    assert claim_with(claims, "The mill closed").date == "1850"


def test_according_to(nlp: Language) -> None:
    claim = claims_of("According to the parish register, the mill burned down in 1812.\n", nlp)[0]
    assert "parish register" in source(claim)
    assert claim.attribution.cue == "according_to"


def test_according_to_in_the_sense_of_in_accordance_with_is_no_report(nlp: Language) -> None:
    claim = claims_of(
        "According to the orders of the council, the gates were closed at dusk.\n", nlp
    )[0]
    assert source(claim) == "author"


def test_parenthetical_and_pronoun_speaker(nlp: Language) -> None:
    claims = claims_of(
        "Colonel Harris sent a report to the ministry on Friday. "
        "The bridge, Harris said, was lost. The men, he added, had no ammunition left.\n",
        nlp,
    )
    assert "Harris" in source(claim_with(claims, "Harris said"))
    assert "Harris" in source(claim_with(claims, "he added"))


def test_belief_verb_and_collective_source_hedge(nlp: Language) -> None:
    claim = claims_of("Some scholars believe that the letter is a later forgery.\n", nlp)[0]
    assert source(claim).lower() == "some scholars"
    assert claim.modality == "hedged"


def test_claim_noun_owned_by_a_source(nlp: Language) -> None:
    claims = claims_of(
        "The archivists were of the opinion that the ledger had been copied twice. "
        "Hale's view that the treaty was forced on the king is widely shared.\n",
        nlp,
    )
    assert "archivists" in source(claim_with(claims, "of the opinion"))
    assert claim_with(claims, "of the opinion").modality == "hedged"
    assert "Hale" in source(claim_with(claims, "view that"))


def test_events_evidence_and_you_are_no_sources(nlp: Language) -> None:
    claims = claims_of(
        "The excavation shows that the wall was older than the church. "
        "You know that the river flooded every spring. "
        "The governor emphasized the danger of the floods.\n",
        nlp,
    )
    for needle in ("excavation", "You know", "emphasized"):
        assert source(claim_with(claims, needle)) == "author", needle


def test_embedded_question_is_no_report(nlp: Language) -> None:
    claim = claims_of("The inspector asked whether the pumps had been repaired.\n", nlp)[0]
    assert source(claim) == "author"


# --- modality -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "modality"),
    [
        ("The fire may have been set deliberately by the tenants.", "hedged"),
        ("Allegedly, the mayor took money from the contractors.", "hedged"),
        ("One of the possible reasons is that the harvest had failed twice.", "hedged"),
        ("The question remains whether the bishop ever saw the letter.", "hedged"),
        ("At that time it was rumoured that the king would abdicate.", "hedged"),
        ("It is not true that the bridge collapsed in 1903.", "denied"),
        ("The mayor denied that he had taken any money from the contractors.", "denied"),
        ("The council did not agree to the new tax.", "asserted"),
        ("The railway reached the town in 1871.", "asserted"),
    ],
)
def test_modality_cues(nlp: Language, sentence: str, modality: str) -> None:
    claim = claims_of(sentence + "\n", nlp)[0]
    assert claim.modality == modality, [c.text for c in claim.cues]


def test_denial_keeps_the_denier_as_source(nlp: Language) -> None:
    claim = claims_of("The mayor denied that he had taken any money from the contractors.\n", nlp)[
        0
    ]
    assert "mayor" in source(claim)
    assert any(c.kind == "denial" for c in claim.cues)


def test_user_lexicon_extends_the_hedges(nlp: Language, tmp_path: Path) -> None:
    extra = tmp_path / "hedges.txt"
    extra.write_text("# house style\nby all accounts\n", encoding="utf-8")
    lexicon = Lexicon.load(extra={"hedges": [extra]})
    parsed = parse_text("By all accounts the ferry sank near the harbour.\n")
    assert extract_claims(parsed, nlp=nlp)[0].modality == "asserted"
    assert extract_claims(parsed, nlp=nlp, lexicon=lexicon)[0].modality == "hedged"
    with pytest.raises(ValueError, match="unknown lexicon"):
        Lexicon.load(extra={"nonsense": [extra]})


# --- quotations ---------------------------------------------------------------------------------


def test_quotation_marks_of_all_kinds() -> None:
    text = (
        "He wrote „Wir kommen morgen früh an“ and «nous partirons demain matin» and "
        '"we leave at dawn today" and ‘they will follow us soon’. Tito’s men and Djilas’ friends.'
    )
    quotes = find_quotations(text, [(0, len(text))])
    inner = [text[q.start : q.end] for q in quotes if q.direct]
    assert inner == [
        "Wir kommen morgen früh an",
        "nous partirons demain matin",
        "we leave at dawn today",
        "they will follow us soon",
    ]


def test_scare_quotes_and_titles_are_not_speech() -> None:
    text = (
        'The so-called "liberal" government and the film "The Sword of the Valley" were "popular".'
    )
    assert not [q for q in find_quotations(text, [(0, len(text))]) if q.direct]


def test_direct_quotation_with_colon_and_trailing_speaker(nlp: Language) -> None:
    claims = claims_of(
        'The colonel wrote: "We have lost the bridge and half of the battalion." '
        '"The roads are impassable after the rains," the courier said.\n',
        nlp,
    )
    colonel = claim_with(claims, "lost the bridge")
    assert "colonel" in source(colonel) and colonel.modality == "quoted"
    courier = claim_with(claims, "impassable")
    assert "courier" in source(courier) and courier.modality == "quoted"


def test_quotation_inside_quotation(nlp: Language) -> None:
    claims = claims_of(
        'The consul reported: "The minister told me that the treaty was '
        "'dead before it was signed, whatever Paris thinks'. "
        'He left for the capital the same night."\n',
        nlp,
    )
    told = claim_with(claims, "told me")
    assert "minister" in source(told)
    assert told.modality == "quoted"
    assert [link.text for link in told.chain[1:]] == ["The consul", "The minister"]
    left = claim_with(claims, "left for the capital")
    assert "consul" in source(left) and left.modality == "quoted"


def test_block_quotation_over_paragraphs(nlp: Language) -> None:
    text = (
        "The Famine Years\n\n"
        "Governor Lyle described the winter of 1847 as follows:\n\n"
        "\u201cThe roads were closed for six weeks and no grain reached the northern parishes.\n\n"
        "\u201cIn March the first families left for the coast. "
        "Many of them never returned.\u201d\n\n"
        "The famine ended two years later.\n"
    )
    claims = claims_of(text, nlp)
    for needle in ("roads were closed", "first families", "never returned"):
        claim = claim_with(claims, needle)
        assert "Lyle" in source(claim), needle
        assert claim.modality == "quoted", needle
    assert source(claim_with(claims, "famine ended")) == "author"
    assert source(claim_with(claims, "as follows")) == "author"


def test_block_quotation_closed_by_an_orphan_mark(nlp: Language) -> None:
    text = (
        "The mayor summarised the decisions of the council:\n\n"
        "The market will move to the square in spring.\n\n"
        "The old bridge will be repaired at the town's expense.\u201d\n\n"
        "Nothing of this was done.\n"
    )
    claims = claims_of(text, nlp)
    for needle in ("market will move", "old bridge"):
        claim = claim_with(claims, needle)
        assert claim.modality == "quoted" and "mayor" in source(claim), needle
    assert source(claim_with(claims, "Nothing of this")) == "author"


def test_resumed_block_quotation_after_a_caption(nlp: Language) -> None:
    text = (
        "Anna Berg described the crossing as follows:\n"
        "\u201cWe walked for three nights along the river and slept in barns during the day.\n"
        "Refugees waiting at the border crossing in 1946.\n"
        "\u201cOn the fourth night the guards let us pass without a word.\u201d\n"
    )
    claims = claims_of(text, nlp)
    assert "Anna Berg" in source(claim_with(claims, "fourth night"))
    assert source(claim_with(claims, "Refugees waiting")) == "author"


# --- embedded documents, citations, chains --------------------------------------------------------

_MILL = """The Mill Strike

The strike began in May 1931 and lasted six weeks.* The owners refused every demand.

* Annual Report of the Weavers' Union, vol. 2, 1932, p. 17.

The following letter was found in the union archive.

12 June 1931

Dear Thomas,

The men are tired but they will not give in. I think that the owners will yield before July.

Yours faithfully,

Mary Ellison

First published in "Letters from the Valley", Leeds 1960.

Excerpts of "Hartley's Diary"

3 June 1931

"The men marched to the gate this morning."

4 June 1931

"It may have been a mistake to call the police."
"""


def test_letters_diaries_footnotes_and_publication_lines(nlp: Language) -> None:
    result = extract_claim_set(parse_text(_MILL), nlp=nlp)
    claims = result.claims
    strike = claim_with(claims, "strike began")
    assert source(strike) == "author"
    assert [r.kind for r in strike.citations] == ["footnote"]
    assert strike.citations[0].title == "Annual Report of the Weavers' Union"
    assert not claim_with(claims, "owners refused").citations
    tired = claim_with(claims, "men are tired")
    assert source(tired) == "Mary Ellison" and tired.attribution.cue == "document_voice"
    assert [r.kind for r in tired.citations] == ["publication"]
    yields = claim_with(claims, "I think")
    assert source(yields) == "Mary Ellison" and yields.modality == "hedged"
    diary = claim_with(claims, "marched to the gate")
    assert source(diary) == "Hartley" and diary.modality == "quoted"
    assert {r.kind for r in result.references} == {"footnote", "publication"}


def test_quotation_attributed_by_its_footnote(nlp: Language) -> None:
    text = (
        "The workers' mood changed quickly. "
        "\u00abEvery family in the valley now sent a son to the picket lines.\u00bb** "
        "The owners gave way in July.\n\n"
        "** John Carter, Report to the Union Congress, 1932, Works, vol. 3, p. 45.\n"
    )
    claim = claim_with(claims_of(text, nlp), "Every family")
    assert "John Carter" in source(claim)
    assert claim.modality == "quoted"
    assert claim.attribution.kind == "work"


def test_chain_down_to_the_archival_document(nlp: Language) -> None:
    text = (
        "By Jane Doe\n\n"
        "In his 1970 book, Peter Lang was able to show that the dam had been badly built. "
        "Lang quoted the inspection report at length:\n"
        "\u201cThe inspection report states that the concrete was mixed with river sand. "
        "The engineers ignored the warning.\u201d\n"
        "Lang's sources for the inspection were the commission files. "
        "The document that disclosed the defects was FILE 2231, Record Group 59.\n"
    )
    claims = claims_of(text, nlp)
    report = claim_with(claims, "concrete was mixed")
    kinds = [link.kind for link in report.chain]
    texts = [link.text for link in report.chain]
    assert kinds[0] == "author" and texts[0] == "Jane Doe"
    assert "Lang" in (texts[1] or "")
    assert "inspection report" in (texts[2] or "")
    assert kinds[-1] == "archival" and texts[-1] == "FILE 2231, Record Group 59"
    ignored = claim_with(claims, "engineers ignored")
    assert "Lang" in source(ignored) and ignored.modality == "quoted"


def test_offsets_point_into_the_original_text(nlp: Language) -> None:
    parsed = parse_text("The c\u00e1mmunist paper, the editor wrote, was closed in 1936.\n")
    for claim in extract_claims(parsed, nlp=nlp):
        assert parsed.original[claim.start : claim.end] == claim.text
        for cue in claim.cues:
            assert parsed.original[cue.start : cue.end] == cue.text
        attribution = claim.attribution
        if attribution.start is not None and attribution.end is not None:
            assert parsed.original[attribution.start : attribution.end] == attribution.text


def test_name_key() -> None:
    assert name_key("Walter R. Roberts") == "roberts"
    assert name_key("Robert’s") == "robert"
    assert name_key("Mihailović") == "mihailovic"
    assert name_key(None) == ""


def test_newspaper_report(nlp: Language) -> None:
    text = (
        "Strike at the docks\n\n"
        '"We will not go back until the wage is restored," said the union secretary, Ben Tillett. '
        "Officials claimed the strike was organised from abroad, but this could not be confirmed. "
        "Mr. Tillett's claim that three thousand men had joined was disputed by the employers. "
        "The Times reported yesterday that the strike was spreading.\n"
    )
    claims = claims_of(text, nlp)
    quoted = claim_with(claims, "We will not go back")
    assert "Tillett" in source(quoted) and quoted.modality == "quoted"
    officials = claim_with(claims, "Officials claimed")
    assert source(officials) == "Officials" and officials.modality == "hedged"
    contested = claim_with(claims, "was disputed")
    assert "Tillett" in source(contested) and contested.modality == "hedged"
    assert "Times" in source(claim_with(claims, "The Times reported"))
