"""Temporal expressions -> EDTF: values and spans, non-dates, context, properties, samples."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import pytest
import spacy
from edtf import parse_edtf
from hypothesis import given, settings
from hypothesis import strategies as st

from historiograph.nlp import dates_component
from historiograph.nlp.temporal import (
    CONTEXT_REACH,
    TemporalExpression,
    find_temporal_expressions,
)

SAMPLE_DIR = Path(__file__).parents[2] / "examples" / "balkans-1939-1948"
SAMPLES = sorted(SAMPLE_DIR.glob("*.txt"))


def _found(text: str, **kwargs: str) -> list[tuple[str, str]]:
    return [(e.text, e.edtf) for e in find_temporal_expressions(text, **kwargs)]


def _check(expression: TemporalExpression, source: str) -> None:
    """Everything an expression promises, whatever the input."""
    assert 0 <= expression.start < expression.end <= len(source)
    assert expression.text == source[expression.start : expression.end]
    parsed = parse_edtf(expression.edtf)
    assert expression.earliest <= expression.latest or expression.earliest.startswith("-")
    if "-24" not in expression.edtf and not expression.edtf.startswith("-"):
        # Our bounds are edtf's, except for winter (ours spans the new year).
        low, high = parsed.lower_strict(), parsed.upper_strict()
        assert expression.earliest == f"{low.tm_year:04d}-{low.tm_mon:02d}-{low.tm_mday:02d}"
        assert expression.latest == f"{high.tm_year:04d}-{high.tm_mon:02d}-{high.tm_mday:02d}"


# --- values and exact spans -----------------------------------------------------------

VALUES = [
    # granularity
    ("April 7, 1939", [("April 7, 1939", "1939-04-07")]),
    ("7 April 1939", [("7 April 1939", "1939-04-07")]),
    ("7. April 1976", [("7. April 1976", "1976-04-07")]),
    ("JULY 27, 1939", [("JULY 27, 1939", "1939-07-27")]),
    ("19/06/2021", [("19/06/2021", "2021-06-19")]),
    ("06/19/2021", [("06/19/2021", "2021-06-19")]),
    ("1939-04-07", [("1939-04-07", "1939-04-07")]),
    ("1939/04/07", [("1939/04/07", "1939-04-07")]),
    ("Tuesday, the 4th of July, 1776", [("Tuesday, the 4th of July, 1776", "1776-07-04")]),
    ("the April 7, 1939 invasion", [("April 7, 1939", "1939-04-07")]),
    ("IN 1943 THE WAR", [("1943", "1943")]),
    ("DURING THE YEARS 1940-41", [("THE YEARS 1940-41", "1940/1941")]),
    ("the war of 1812", [("1812", "1812")]),
    ("the 7th of April, 1939", [("the 7th of April, 1939", "1939-04-07")]),
    ("on Monday, June 22, 1941,", [("Monday, June 22, 1941", "1941-06-22")]),
    ("In September 1942, the", [("September 1942", "1942-09")]),
    ("The March, 1943 meeting", [("March, 1943", "1943-03")]),
    ("In 1935, Anti-Zogist", [("1935", "1935")]),
    ("the year 1943", [("the year 1943", "1943")]),
    ("in the year of our Lord 1600", [("the year of our Lord 1600", "1600")]),
    ("He was born in 1732 and died in 1799.", [("1732", "1732"), ("1799", "1799")]),
    ("Between 1500 and 1600 the town grew", [("Between 1500 and 1600", "1500/1600")]),
    ("from 1939 until 1945", [("1939 until 1945", "1939/1945")]),
    ("the period 1919-39", [("1919-39", "1919/1939")]),
    ("towards the close of 1918", [("towards the close of 1918", "1918-10/1918-12")]),
    ("late in 1944", [("late in 1944", "1944-09/1944-12")]),
    ("the last days of April 1945", [("the last days of April 1945", "1945-04-21/1945-04-30")]),
    ("the middle of the 18th century", [("the middle of the 18th century", "1733/1766")]),
    # seasons
    ("in the autumn of 1939, a", [("the autumn of 1939", "1939-23")]),
    ("during Spring in 1943.", [("Spring in 1943", "1943-21")]),
    ("in the Spring of 1943,", [("the Spring of 1943", "1943-21")]),
    ("held in summer and autumn 1943,", [("summer and autumn 1943", "1943-22/1943-23")]),
    ("the fall of 1943", [("the fall of 1943", "1943-23")]),
    ("the winter of 1941-42", [("the winter of 1941-42", "1941-24")]),
    ("autumn 1942 to spring 1943", [("autumn 1942 to spring 1943", "1942-23/1943-21")]),
    ("winter and spring 1943", [("winter and spring 1943", "1942-24/1943-21")]),
    # parts of a year, a month, a decade, a century
    ("At the beginning of 1940 it", [("the beginning of 1940", "1940-01/1940-03")]),
    ("By the end of 1942, the", [("the end of 1942", "1942-10/1942-12")]),
    ("at the end of 1942.", [("the end of 1942", "1942-10/1942-12")]),
    (
        "Near the end of September 1944 an",
        [("Near the end of September 1944", "1944-09-21/1944-09-30")],
    ),
    ("in early 1943", [("early 1943", "1943-01/1943-04")]),
    ("in mid-1943", [("mid-1943", "1943-05/1943-08")]),
    ("late 1943", [("late 1943", "1943-09/1943-12")]),
    ("early in 1943", [("early in 1943", "1943-01/1943-04")]),
    ("the first half of 1943", [("the first half of 1943", "1943-01/1943-06")]),
    ("in the 1930s", [("the 1930s", "193X")]),
    ("the 1930's", [("the 1930's", "193X")]),
    ("in the early 1930s", [("the early 1930s", "1930/1933")]),
    ("the late 1930s", [("the late 1930s", "1937/1939")]),
    ("the 1800s", [("the 1800s", "18XX")]),
    ("in the 19th century", [("the 19th century", "18XX")]),
    ("the nineteenth century", [("the nineteenth century", "18XX")]),
    ("the early 20th century", [("the early 20th century", "1900/1933")]),
    ("an eighteenth-century map", [("eighteenth-century", "17XX")]),
    ("the 18th and 19th centuries", [("the 18th and 19th centuries", "17XX/18XX")]),
    # ranges
    ("from March 17 to 22, 1943.", [("March 17 to 22, 1943", "1943-03-17/1943-03-22")]),
    (
        "on the night of July 24-25, 1942.",
        [("the night of July 24-25, 1942", "1942-07-24/1942-07-25")],
    ),
    ("the night of 24/25 July 1942", [("the night of 24/25 July 1942", "1942-07-24/1942-07-25")]),
    ("from September to December 1942,", [("September to December 1942", "1942-09/1942-12")]),
    ("September–December 1942", [("September–December 1942", "1942-09/1942-12")]),
    (
        "From April 6, 1941 to July 7, 1941, the",
        [("April 6, 1941 to July 7, 1941", "1941-04-06/1941-07-07")],
    ),
    ("6 April to 7 July 1941", [("6 April to 7 July 1941", "1941-04-06/1941-07-07")]),
    ("from December to February 1943", [("December to February 1943", "1942-12/1943-02")]),
    ("June 1941-May 1945", [("June 1941-May 1945", "1941-06/1945-05")]),
    (
        "irom the end of June to the end of July 1943",
        [("the end of June to the end of July 1943", "1943-06-21/1943-07-31")],
    ),
    (
        "from the beginning of 1941 to the end of 1942",
        [("the beginning of 1941 to the end of 1942", "1941-01/1942-12")],
    ),
    ("during the years 1940-41, inflicted", [("the years 1940-41", "1940/1941")]),
    ("Allies, 1941-1945, Walter", [("1941-1945", "1941/1945")]),
    ("from 1960-1966 and", [("1960-1966", "1960/1966")]),
    ("From this period, 1934 to 1935, Zog", [("1934 to 1935", "1934/1935")]),
    ("the war of 1914-18", [("1914-18", "1914/1918")]),
    ("winter 1941/42", [("winter 1941/42", "1941-24")]),
    ("between 1941 and 1945", [("between 1941 and 1945", "1941/1945")]),
    # approximate
    ("around 1943", [("around 1943", "1943~")]),
    ("about 1943", [("about 1943", "1943~")]),
    ("c. 1943", [("c. 1943", "1943~")]),
    ("c.1943", [("c.1943", "1943~")]),
    ("ca. 1750", [("ca. 1750", "1750~")]),
    ("circa 1750", [("circa 1750", "1750~")]),
    ("about March 1943", [("about March 1943", "1943-03~")]),
    # eras
    ("44 B.C.", [("44 B.C.", "-0043")]),
    ("the 5th century BC", [("the 5th century BC", "-0499/-0400")]),
    ("the first century BC", [("the first century BC", "-0099/0000")]),
    ("A.D. 1066", [("A.D. 1066", "1066")]),
    ("the year 800", [("the year 800", "0800")]),
    # lists: one expression each
    (
        "in 1914 and 1915 he had fought",
        [("1914", "1914"), ("1915", "1915")],
    ),
    ("in 1941, 1942 and 1943", [("1941", "1941"), ("1942", "1942"), ("1943", "1943")]),
    ("March 17 and 22, 1943", [("March 17", "1943-03-17"), ("22, 1943", "1943-03-22")]),
    ("the 17th and 22nd of March", [("the 17th", "1943-03-17"), ("22nd of March", "1943-03-22")]),
    ("between March 17 and 22", [("between March 17 and 22", "1943-03-17/1943-03-22")]),
    ("in September and December 1942", [("September", "1942-09"), ("December 1942", "1942-12")]),
    ("in the 1920s and 1930s", [("the 1920s", "192X"), ("1930s", "193X")]),
    # OCR and typography
    ("demonstration on November 8 1941. With", [("November 8 1941", "1941-11-08")]),
    ("Sept. 3, 1942", [("Sept. 3, 1942", "1942-09-03")]),
    ("Groups, November\n1941. Principal", [("November\n1941", "1941-11")]),
    # citations
    ("published as Wartime (1977), he", [("1977", "1977")]),
    ("(Globus, Zagreb, 1981)", [("1981", "1981")]),
    ("(London 1947).", [("1947", "1947")]),
]


@pytest.mark.parametrize(("text", "expected"), VALUES, ids=[v[0][:40] for v in VALUES])
def test_values_and_spans(text: str, expected: list[tuple[str, str]]) -> None:
    # The anchor only matters for the few cases without a year.
    assert _found(text, anchor="1943") == expected
    for expression in find_temporal_expressions(text, anchor="1943"):
        _check(expression, text)


KINDS = [
    ("April 7, 1939", "date"),
    ("September 1942", "month"),
    ("in 1935", "year"),
    ("the autumn of 1939", "season"),
    ("the 1930s", "decade"),
    ("the 19th century", "century"),
    ("by the end of 1942", "interval"),
    ("1941-1945", "interval"),
    ("around 1943", "year"),
]


@pytest.mark.parametrize(("text", "kind"), KINDS)
def test_kinds(text: str, kind: str) -> None:
    (expression,) = find_temporal_expressions(text)
    assert expression.kind == kind
    assert not expression.anchored


def test_bounds() -> None:
    (expression,) = find_temporal_expressions("near the end of September 1944")
    assert (expression.earliest, expression.latest) == ("1944-09-21", "1944-09-30")
    (winter,) = find_temporal_expressions("the winter of 1941-42")
    # Winter straddles the new year: both Jan-Feb 1941 and Dec 1941-Feb 1942 fit.
    assert (winter.earliest, winter.latest) == ("1941-01-01", "1942-02-28")
    (leap,) = find_temporal_expressions("the end of February 1944")
    assert leap.edtf == "1944-02-21/1944-02-29"


# --- non-dates -----------------------------------------------------------------------

NON_DATES = [
    "One and a half months later, three communists",
    "they march on the capital",
    "March on Rome!",
    "May God help us.",
    "During the March discussions, the delegation",
    "Principal Documents of the PLA, vol. 1, 1971, p. 17, Alb. ed.",
    "Works, vol.\n5, p. 245",
    "The document was NOKW 1088, Record Group 238.",
    "the German 717th Infantry Division",
    '("Albania Today" 1976, No 2)',
    "has already yielded 8,000,000 tons of iron ore",
    "operations in 27 districts of Albania",
    "the number of partisans reached 2,000 fighters",
    "included in its ranks 10,000 fighters",
    "from 9:30 to 11 A.M.",
    "at 5 o'clock",
    "a force of 1500 men",
    "a garrison of 1500.",
    "the price rose by 1200 within",
    "in 1500 cases",
    "the 22nd century",
    "between 1000 and 2000 men",
    "In his seminal 1973 analysis",
    "Struggle against the Italian fascists - 1942",
    "pp. 1088-1095",
    "the late May said",
    "In summer and autumn when the Allied command",
    "18 km southwest of Tirana",
    "(107 meri, women and children)",
    "the 2nd National Liberation Conference",
    "On 30 February 1943",
    "31 April 1943",
    "prices fall in 1943 was steep",
    "$1943 and £1944",
    "tel. 1943",
]


@pytest.mark.parametrize("text", NON_DATES)
def test_non_dates(text: str) -> None:
    found = _found(text)
    if text == "prices fall in 1943 was steep":
        assert found == [("1943", "1943")]  # the year, but no autumn
    else:
        assert found == []


def test_bare_month_needs_context_and_a_part_word() -> None:
    assert _found("In March, they left.", anchor="1943") == []
    assert _found("At the beginning of September, war", anchor="1939") == [
        ("the beginning of September", "1939-09-01/1939-09-10")
    ]
    assert _found("in mid-March", anchor="1943") == [("mid-March", "1943-03-11/1943-03-20")]


# --- context ---------------------------------------------------------------------------


def _anchored(text: str, **kwargs: str) -> list[tuple[str, str, bool]]:
    return [(e.text, e.edtf, e.anchored) for e in find_temporal_expressions(text, **kwargs)]


def test_incomplete_dates_take_the_running_year() -> None:
    text = (
        "Kasche sent another telegram on March 26, 1943, in which he reported it.\n"
        "“On March 29, Ribbentrop sent Kasche a telegram."
    )
    assert _anchored(text)[-1] == ("March 29", "1943-03-29", True)
    text = "Near the end of September 1944 a meeting took place. It was released on 28 September."
    assert _anchored(text)[-1] == ("28 September", "1944-09-28", True)
    text = "the Partisans did not resist in 1941. The Communists celebrate July 7, when"
    assert _anchored(text)[-1] == ("July 7", "1941-07-07", True)


def test_ranges_take_a_missing_year_from_their_other_end() -> None:
    assert _anchored("from March 17 to 22, 1943") == [
        ("March 17 to 22, 1943", "1943-03-17/1943-03-22", False)
    ]
    assert _anchored("In 1943. From March 17 to 22 they met.") == [
        ("1943", "1943", False),
        ("March 17 to 22", "1943-03-17/1943-03-22", True),
    ]


def test_no_context_no_guess() -> None:
    assert _found("On March 29, Ribbentrop sent a telegram.") == []
    assert _anchored("On March 29, Ribbentrop sent a telegram.", anchor="1943-03") == [
        ("March 29", "1943-03-29", True)
    ]


def test_text_years_override_the_anchor() -> None:
    text = "On March 29 it began. In 1944 it ended. On May 5 they left."
    assert [e.edtf for e in find_temporal_expressions(text, anchor="1943")] == [
        "1943-03-29",
        "1944",
        "1944-05-05",
    ]


def test_invalid_anchor_raises() -> None:
    with pytest.raises(ValueError, match="anchor"):
        find_temporal_expressions("On March 29", anchor="yesterday")
    # published is only a hint: a malformed one is ignored
    assert _found("April 7, 1939", published="sometime") == [("April 7, 1939", "1939-04-07")]


def test_dateline_is_found_but_is_not_narrative_context() -> None:
    text = "April 7, 2014\n\nThe occupation\n\nOn March 29 the troops landed."
    assert _anchored(text) == [("April 7, 2014", "2014-04-07", False)]
    text = "\nTito and the Allies\n- 19/06/2021\n\nOn March 29 the troops landed."
    assert _anchored(text) == [("19/06/2021", "2021-06-19", False)]
    # The anchor still applies after a dateline.
    assert _anchored(text, anchor="1943")[-1] == ("March 29", "1943-03-29", True)


def test_published_date_lines_are_not_context_anywhere() -> None:
    text = "Title\nBy someone\nA subtitle\nMore\n\nJune 19, 2021\n\nOn March 29 they left."
    assert _anchored(text)[-1] == ("March 29", "2021-03-29", True)
    assert _anchored(text, published="2021-06-19") == [("June 19, 2021", "2021-06-19", False)]
    assert _anchored(text, published="2021-06-19?") == [("June 19, 2021", "2021-06-19", False)]


def test_a_date_line_later_in_the_text_is_narrative() -> None:
    # Diary entries: the heading date is the context of the entry.
    text = (
        "Excerpts of\nCiano's Diaries\n\nCiano was a founding member.\n\n9 April 1939\n\n"
        '"I plan to announce a Constitution by April 12th."'
    )
    assert _anchored(text)[-1] == ("April 12th", "1939-04-12", True)


def test_quotations_carry_context() -> None:
    text = "He wrote: “On 5 May 1945 we left Zagreb.” On May 9 the war ended."
    assert _anchored(text)[-1] == ("May 9", "1945-05-09", True)


def test_footnotes_and_citations_do_not_set_context() -> None:
    text = (
        "The conference met in September 1942.\n\n"
        "(1) The government came to power in July 1943, and on 2 August it fell.\n\n"
        "On 20 September the partisans attacked. Wartime (1977) says so. On 21 September too."
    )
    assert _anchored(text) == [
        ("September 1942", "1942-09", False),
        ("July 1943", "1943-07", False),
        ("2 August", "1943-08-02", True),  # the footnote's own year, on its own line
        ("20 September", "1942-09-20", True),
        ("1977", "1977", False),
        ("21 September", "1942-09-21", True),
    ]


def test_context_lapses_after_a_long_dateless_stretch_and_a_paragraph_break() -> None:
    filler = "Nothing dated happens here at all. " * (CONTEXT_REACH // 30)
    lapsed = f"In 1943 it began. {filler}\n\nOn March 29 they left."
    assert _found(lapsed) == [("1943", "1943")]
    assert _found(lapsed, anchor="1950")[-1] == ("March 29", "1950-03-29")
    # Long, but no paragraph break: the same narrative.
    kept = f"In 1943 it began. {filler} On March 29 they left."
    assert _found(kept)[-1] == ("March 29", "1943-03-29")
    # A paragraph break, but not long: the same narrative.
    assert _found("In 1943 it began.\n\nOn March 29 they left.")[-1] == ("March 29", "1943-03-29")


def test_decades_and_centuries_are_not_context() -> None:
    assert _found("In 1943 it began. In the 1930s, on March 29, they left.")[-1] == (
        "March 29",
        "1943-03-29",
    )
    text = "In 1943 it began. By the middle of the 18th century, in mid-July, they left."
    assert _found(text)[-1] == ("mid-July", "1943-07-11/1943-07-20")


# --- properties ------------------------------------------------------------------------

_PIECES = [
    "April 7, 1939", "7. April", "JULY 27,", "1939", "1940-41", "19/06/2021", "the end of ",
    "early ", "mid-", "c. ", "the ", "night of ", "autumn ", "and ", " to ", "-", "–", "/",
    "in ", "from ", "between ", "March ", "May ", "Sept. ", "29", "1st ", "19th century",
    "1930s", "B.C.", "A.D. ", "(", ")", ", ", ".", "\n", "\n\n", "“", "”", "* ", "(1) ",
    "winter ", "summer and ", "of ", "0", "12", "31", "2,000", "9:30", "NOKW ", "p. ",
]  # fmt: skip


@settings(max_examples=300, deadline=500)
@given(
    st.one_of(
        st.text(max_size=300),
        st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=4)), max_size=40).map(
            "".join
        ),
    ),
    st.sampled_from([None, "1943", "1943-03-29", "1939-23"]),
)
def test_properties(text: str, anchor: str | None) -> None:
    found = find_temporal_expressions(text, anchor=anchor)
    for expression in found:
        _check(expression, text)
    for before, after in itertools.pairwise(found):
        assert before.end <= after.start


# --- the sample corpus -------------------------------------------------------------------

# Checked by reading the files: (file, expression text, EDTF, anchored).
SAMPLE_DATES = [
    ("000_1b34a971712b6640.txt", "the end of 1942", "1942-10/1942-12", False),
    ("000_1b34a971712b6640.txt", "June 1943", "1943-06", False),
    ("000_1b34a971712b6640.txt", "summer and autumn 1943", "1943-22/1943-23", False),
    ("001_774506ce885f2c32.txt", "Near the end of September 1944", "1944-09-21/1944-09-30", False),
    ("001_774506ce885f2c32.txt", "28 September", "1944-09-28", True),
    ("001_774506ce885f2c32.txt", "March 1948", "1948-03", False),
    ("002_82ff1b24559abff5.txt", "19/06/2021", "2021-06-19", False),
    ("002_82ff1b24559abff5.txt", "March 11, 1943", "1943-03-11", False),
    ("002_82ff1b24559abff5.txt", "March 29", "1943-03-29", True),
    ("002_82ff1b24559abff5.txt", "1960-1966", "1960/1966", False),
    ("002_82ff1b24559abff5.txt", "1914", "1914", False),
    ("002_82ff1b24559abff5.txt", "1915", "1915", False),
    ("002_82ff1b24559abff5.txt", "October, 1944", "1944-10", False),
    ("002_82ff1b24559abff5.txt", "4 July 1941", "1941-07-04", False),
    ("002_82ff1b24559abff5.txt", "April 6, 1941 to July 7, 1941", "1941-04-06/1941-07-07", False),
    ("003_8f5a6fbfed40dcac.txt", "April 7, 2014", "2014-04-07", False),
    ("003_8f5a6fbfed40dcac.txt", "the beginning of September", "1939-09-01/1939-09-10", True),
    ("003_8f5a6fbfed40dcac.txt", "the autumn of 1939", "1939-23", False),
    ("003_8f5a6fbfed40dcac.txt", "November 28, 1939", "1939-11-28", False),
    ("003_8f5a6fbfed40dcac.txt", "the beginning of 1940", "1940-01/1940-03", False),
    ("003_8f5a6fbfed40dcac.txt", "1934 to 1935", "1934/1935", False),
    ("003_8f5a6fbfed40dcac.txt", "the years 1940-41", "1940/1941", False),
    ("003_8f5a6fbfed40dcac.txt", "November 8 1941", "1941-11-08", False),
    ("003_8f5a6fbfed40dcac.txt", "the night of July 24-25, 1942", "1942-07-24/1942-07-25", False),
    ("003_8f5a6fbfed40dcac.txt", "September to December 1942", "1942-09/1942-12", False),
    ("003_8f5a6fbfed40dcac.txt", "the Spring of 1943", "1943-21", False),
    ("003_8f5a6fbfed40dcac.txt", "March 17 to 22, 1943", "1943-03-17/1943-03-22", False),
    ("003_8f5a6fbfed40dcac.txt", "Spring in 1943", "1943-21", False),
    ("003_8f5a6fbfed40dcac.txt", "September 10, 1943", "1943-09-10", False),
    ("003_8f5a6fbfed40dcac.txt", "April 12th", "1939-04-12", True),
    ("003_8f5a6fbfed40dcac.txt", "JULY 27, 1939", "1939-07-27", False),
    ("003_8f5a6fbfed40dcac.txt", "7. April 1976", "1976-04-07", False),
]
# Numbers in the samples that are not dates (the phrase's first character must not be dated).
SAMPLE_NON_DATES = {
    "002_82ff1b24559abff5.txt": ["1088, Record", "238.", "717th", "1973 analysis", "9:30"],
    "003_8f5a6fbfed40dcac.txt": [
        "8,000,000 tons",
        "2,000 fighters",
        "10,000 fighters",
        "15,000 Italian",
        "1,500 were",
        "1971, p. 17",
        "27 districts",
        "1976, No 2",
        "1960 Works",
        "18 km",
        "107 meri",
    ],
}


@pytest.mark.parametrize("path", SAMPLES, ids=[p.name for p in SAMPLES])
def test_sample_outputs_are_valid(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    found = find_temporal_expressions(text)
    assert found
    for expression in found:
        _check(expression, text)
    for before, after in itertools.pairwise(found):
        assert before.end <= after.start
    for phrase in SAMPLE_NON_DATES.get(path.name, []):
        at = text.index(phrase)
        assert not any(e.start <= at < e.end for e in found), phrase


@pytest.mark.parametrize(
    ("name", "text", "edtf", "anchored"), SAMPLE_DATES, ids=[d[1][:30] for d in SAMPLE_DATES]
)
def test_sample_dates(name: str, text: str, edtf: str, anchored: bool) -> None:
    found = find_temporal_expressions((SAMPLE_DIR / name).read_text(encoding="utf-8"))
    assert (text, edtf, anchored) in [(e.text, e.edtf, e.anchored) for e in found]


def test_speed() -> None:
    text = "\n\n".join(p.read_text(encoding="utf-8") for p in SAMPLES) * 30
    started = time.process_time()
    find_temporal_expressions(text)
    elapsed = time.process_time() - started
    # ~13 MB/s when written; the floor leaves room for slow CI machines.
    assert len(text.encode()) / elapsed > 2_000_000


# --- the spaCy component -----------------------------------------------------------------


def test_dates_component() -> None:
    assert dates_component.LABEL == "DATE"
    nlp = spacy.blank("en")
    nlp.add_pipe("historiograph_dates")
    doc = nlp("In 1935, by the end of 1942, and on March 29 they met in mid-1943.")
    spans = doc.spans["dates"]
    assert [(s.text, s.label_, s._.edtf) for s in spans] == [
        ("1935", "DATE", "1935"),
        ("the end of 1942", "DATE", "1942-10/1942-12"),
        ("March 29", "DATE", "1942-03-29"),
        ("mid-1943", "DATE", "1943-05/1943-08"),
    ]


def test_dates_component_anchor_key_and_idempotent_extensions() -> None:
    dates_component.register_extensions()  # a second registration is harmless
    nlp = spacy.blank("en")
    nlp.add_pipe("historiograph_dates", config={"spans_key": "when"})
    doc = nlp.make_doc("On March 29, Ribbentrop sent a telegram.")
    doc.user_data["anchor"] = "1943"
    doc = nlp(doc)
    assert [(s.text, s._.edtf) for s in doc.spans["when"]] == [("March 29", "1943-03-29")]
    assert list(nlp("On March 29, nothing.").spans["when"]) == []


def test_a_list_longer_than_one_match_keeps_every_year() -> None:
    years = list(range(1900, 1950))  # fifty years: more than one match takes
    text = "Elections were held in " + ", ".join(map(str, years)) + "."
    found = [(e.edtf, text[e.start : e.end]) for e in find_temporal_expressions(text)]
    assert found == [(str(y), str(y)) for y in years]
