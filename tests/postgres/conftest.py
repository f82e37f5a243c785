"""Fixtures the PostgreSQL test modules share (the server's are in fixtures.py)."""

from __future__ import annotations

import pytest

from historiograph.build import Prepared, prepare_batch
from historiograph.settings import Settings
from support import SAMPLE_FILES


@pytest.fixture(scope="session")
def prepared_sample() -> Prepared:
    """The sample, parsed and extracted with NLP, as the ingest's writer receives it: one
    spaCy run (tens of seconds) for every module that writes it into both stores."""
    prepared = prepare_batch(SAMPLE_FILES, Settings(), lambda _: False)
    assert all(not isinstance(rows, str) for _, rows in prepared), prepared
    return prepared
