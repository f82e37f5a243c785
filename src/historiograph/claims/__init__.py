"""Claims: what a source asserts, on whose authority, how firmly, and through whom.

``extract_claims(parsed, extraction, nlp)`` gives the claims of one parsed
source (see :mod:`historiograph.claims.extract`); the cue lists are data files
under ``claims/data/`` that :class:`~historiograph.claims.lexicon.Lexicon`
loads and users can extend.
"""

from historiograph.claims.extract import extract_claim_set, extract_claims
from historiograph.claims.lexicon import Lexicon, default_lexicon
from historiograph.claims.model import (
    ATTRIBUTION_KINDS,
    MODALITIES,
    Attribution,
    Claim,
    ClaimSet,
    Cue,
    Quotation,
    WorkReference,
)
from historiograph.claims.quotes import find_quotations

__all__ = [
    "ATTRIBUTION_KINDS",
    "MODALITIES",
    "Attribution",
    "Claim",
    "ClaimSet",
    "Cue",
    "Lexicon",
    "Quotation",
    "WorkReference",
    "default_lexicon",
    "extract_claim_set",
    "extract_claims",
    "find_quotations",
]
