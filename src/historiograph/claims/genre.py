"""Genre of a source from general cues: structure spans, metadata, voice statistics, apparatus.

Each rule keys on something any source of the kind shows — a letter's salutation
and signature, a diary's dated entries, a reference list's share of the text,
the chrome of an interactive web page, a dateline and byline over an article
without scholarly apparatus, the vocabulary of a party or state register, a
first-person narrator — never on a particular title. Every decision comes with
its evidence, short strings a reader can check against the text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

GENRES = (
    "secondary article",
    "blog/opinion",
    "official history",
    "letter",
    "diary",
    "memoir excerpt",
    "reference list",
    "other",
)

# Web chrome of pages readers interact with (log-ins, comments, sharing): a blog
# or a post on a community site, not a journal or an encyclopedia page.
INTERACTIVE_CHROME = re.compile(
    r"\b(?:sign\s*in|log\s*in|login|register|sign\s*up|social\s+account|leave\s+a\s+(?:reply|comment)"
    r"|comments?\b|reply|share\s+(?:this|on)|subscribe|newsletter|follow\s+us|like\s+us"
    r"|click\s+here|posted\s+(?:by|in|on)|tags?:|translate|reset\s+your\s+password)",
    re.IGNORECASE,
)
BYLINE = re.compile(
    r"^[ \t]*(?:[Bb]y|BY)[ \t]+[A-Z][\w.'’-]+(?:[ \t]+[A-Z][\w.'’-]+){0,4}[ \t]*$", re.M
)
MEMOIR_TITLE = re.compile(r"\b(?:memoirs?|recollections|reminiscences|my\s+life)\b", re.I)
INSTITUTION = re.compile(
    r"\b(?:committee|institute|party|ministry|academy|office|section|department|division"
    r"|commission|bureau|historical\s+branch|general\s+staff)\b",
    re.IGNORECASE,
)
FIRST_SINGULAR = re.compile(r"\b(?:I|me|my|mine|myself)\b")
FIRST_PLURAL = re.compile(r"\b(?:we|us|our|ours|ourselves)\b", re.IGNORECASE)
# The register of a party or state speaking about its own struggle (Marxist-Leninist
# class vocabulary, the Party as an actor, the people and the Homeland as
# collective subjects). Terms its opponents also use ("communist", "fascist") are
# left out: they say what a text is about, not in whose name it speaks.
PARTY_REGISTER = re.compile(
    r"\b(?:comrades?|comradely|the\s+Party|party\s+(?:cells?|organizations?|line)"
    r"|central\s+committee|politburo|proletariat|proletarian|bourgeois(?:ie)?|petty[- ]bourgeois"
    r"|reaction(?:ary|aries)?|imperialis[mt]s?|capitalists?|landlords?|landowners?|kulaks?"
    r"|(?:toiling|broad|popular|working)\s+masses|the\s+masses|working\s+class|class\s+(?:struggle|enemy|enemies|interests?)"
    r"|people's\s+(?:power|state|army|democracy|revolution)|national\s+liberation|anti-fascist"
    r"|revolutionary|counter-revolutionary|trotskyites?|opportunis[mt]s?|sectarian|marxist-leninist"
    r"|socialist\s+construction|the\s+Homeland|the\s+Fatherland|quislings?|exploiters?|exploitation)\b",
    re.IGNORECASE,
)

_REFERENCE_SHARE = 0.5  # a bibliography over half the text is the text
_DOCUMENT_SHARE = 0.6  # an embedded letter or diary over most of the text is the text
_REGISTER_PER_1000 = 8.0  # party-register terms per 1000 own-voice words
_FIRST_SINGULAR_PER_1000 = 12.0  # a first-person narrator, not an occasional "I think"
_MIN_WORDS = 50  # below this, rates say nothing


@dataclass
class GenreCues:
    """What the genre rules look at, measured on one source (or one embedded document)."""

    words: int = 0  # own-voice words: outside quotations and embedded documents
    first_singular: int = 0
    first_plural: int = 0
    register_terms: list[str] = field(default_factory=list)
    bibliography_share: float = 0.0
    letter_share: float = 0.0
    diary_share: float = 0.0
    diary_entries: int = 0
    salutation_at_top: bool = False
    signature_at_end: bool = False
    interactive_chrome: list[str] = field(default_factory=list)
    dateline: str | None = None
    byline: str | None = None
    citing_footnotes: int = 0
    bibliography_items: int = 0
    inline_references: int = 0
    primary_apparatus: int = 0  # citing footnotes / references to documents of the period
    personal_author: str | None = None
    institutional_author: str | None = None
    title: str | None = None

    def rate(self, count: int) -> float:
        return 1000.0 * count / self.words if self.words else 0.0


def classify(cues: GenreCues) -> tuple[str, list[str]]:
    """The genre the cues point at, with the evidence for it (rules tried in order)."""
    if cues.bibliography_share >= _REFERENCE_SHARE:
        return "reference list", [f"bibliography covers {cues.bibliography_share:.0%} of the text"]
    if cues.letter_share >= _DOCUMENT_SHARE or (cues.salutation_at_top and cues.signature_at_end):
        evidence = [f"letter spans cover {cues.letter_share:.0%} of the text"]
        if cues.salutation_at_top:
            evidence.append("salutation at the top")
        if cues.signature_at_end:
            evidence.append("closing/signature at the end")
        return "letter", evidence
    if cues.diary_share >= _DOCUMENT_SHARE:
        return "diary", [
            f"{cues.diary_entries} dated diary entries cover {cues.diary_share:.0%} of the text"
        ]
    official = _official_history(cues)
    if official:
        return "official history", official
    memoir = _memoir(cues)
    if memoir:
        return "memoir excerpt", memoir
    apparatus = _apparatus(cues)
    if cues.interactive_chrome:
        shown = ", ".join(repr(c) for c in cues.interactive_chrome[:3])
        return "blog/opinion", [f"interactive page chrome: {shown}", *_web_head(cues)]
    head = _web_head(cues)
    if cues.dateline and cues.byline and not apparatus:
        return "blog/opinion", [*head, "no footnotes or reference list"]
    if apparatus:
        return "secondary article", apparatus + _author(cues) + head
    if cues.personal_author:
        return "secondary article", [*_author(cues), "third-person narrative, no apparatus"]
    return "other", ["no structural, apparatus or register cue"]


def _official_history(cues: GenreCues) -> list[str]:
    if cues.words < _MIN_WORDS:
        return []
    rate = cues.rate(len(cues.register_terms))
    if rate < _REGISTER_PER_1000:
        return []
    if cues.personal_author and not cues.institutional_author:
        return []
    # The register alone might be a partisan essay; an official history also speaks
    # for an institution: no personal author, and the party's own documents as authority.
    corroboration: list[str] = []
    if cues.institutional_author:
        corroboration.append(f"institutional author: {cues.institutional_author}")
    if cues.primary_apparatus:
        corroboration.append(
            f"{cues.primary_apparatus} notes/references cite party or state documents"
        )
    if cues.first_plural and cues.rate(cues.first_plural) >= 2.0:
        corroboration.append(
            f"first-person plural {cues.rate(cues.first_plural):.1f} per 1000 words"
        )
    if not corroboration:
        return []
    examples = ", ".join(_top(cues.register_terms, 4))
    return [
        f"party/state register {rate:.1f} per 1000 words ({examples})",
        "no personal author" if not cues.personal_author else "institutional author",
        *corroboration,
    ]


def _memoir(cues: GenreCues) -> list[str]:
    evidence: list[str] = []
    if cues.words >= _MIN_WORDS and cues.rate(cues.first_singular) >= _FIRST_SINGULAR_PER_1000:
        evidence.append(
            f"first-person singular narrator {cues.rate(cues.first_singular):.1f} per 1000 words"
        )
    if cues.title and MEMOIR_TITLE.search(cues.title):
        evidence.append(f"title names memoirs: {cues.title!r}")
    return evidence


def _apparatus(cues: GenreCues) -> list[str]:
    evidence: list[str] = []
    if cues.bibliography_items:
        evidence.append(
            f"reference list of {cues.bibliography_items} items"
            f" ({cues.bibliography_share:.0%} of the text)"
        )
    if cues.citing_footnotes:
        evidence.append(f"{cues.citing_footnotes} citing footnotes")
    return evidence


def _web_head(cues: GenreCues) -> list[str]:
    evidence = []
    if cues.dateline:
        evidence.append(f"dateline {cues.dateline!r}")
    if cues.byline:
        evidence.append(f"byline {cues.byline!r}")
    return evidence


def _author(cues: GenreCues) -> list[str]:
    return [f"signed by {cues.personal_author}"] if cues.personal_author else []


def _top(terms: Sequence[str], limit: int) -> list[str]:
    counts: dict[str, int] = {}
    for term in terms:
        key = " ".join(term.lower().split())
        counts[key] = counts.get(key, 0) + 1
    return [t for t, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]]
