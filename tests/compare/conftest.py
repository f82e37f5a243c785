"""Fixtures of the comparison tests: one spaCy pipeline per session, sources built from text."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from spacy.language import Language

from historiograph.claims import extract_claim_set
from historiograph.compare import ComparedSource
from historiograph.ingest.pipeline import parse_bytes, parse_file
from historiograph.model import ParsedSource
from historiograph.nlp.extract import extract
from historiograph.nlp.pipeline import default_pipeline


@pytest.fixture(scope="session")
def nlp() -> Language:
    return default_pipeline()


def _compared(parsed: ParsedSource, nlp: Language) -> ComparedSource:
    extraction = extract(parsed, nlp)
    parsed.extraction = extraction
    claims = extract_claim_set(parsed, extraction, nlp)
    return ComparedSource(parsed.sha256[:16], parsed, extraction, claims)


@pytest.fixture(scope="session")
def source_from_text(nlp: Language) -> Callable[[str, str], ComparedSource]:
    """A compared source made from ``text`` as if read from a file called ``name``."""

    def make(name: str, text: str) -> ComparedSource:
        return _compared(parse_bytes(name, text.encode("utf-8")), nlp)

    return make


@pytest.fixture(scope="session")
def source_from_file(nlp: Language) -> Callable[[Path], ComparedSource]:
    def make(path: Path) -> ComparedSource:
        return _compared(parse_file(path), nlp)

    return make
